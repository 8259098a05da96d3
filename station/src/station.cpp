// The session workflow: opening, screening, assessment, planning, and the way out (post-care, close,
// abort). Treatment itself (arm, fire, shots, device events) is in station_treatment.cpp.
#include "meso/station/station.hpp"

#include <algorithm>
#include <utility>

namespace meso::station {

Station::Station(asio::io_context& io, JournalPort& journal, StationConfig config)
    : io_(io), journal_(journal), config_(std::move(config)) {}

Station::~Station() {
  // A station going away leaves nothing armed, whatever state it was in, and no handler pointing at it.
  for (auto& [kind, device] : devices_) {
    device->deactivate();
    device->set_event_handler({});
  }
}

void Station::add_device(hal::Device& device) {
  const auto kind = device.kind();
  device.set_event_handler([this, kind](const hal::DeviceEvent& e) { on_device_event(kind, e); });
  snap_.devices[kind] = DeviceView{kind, device.state(), "", device.identity(), {}, {}};
  devices_[kind] = &device;
  publish();
}

void Station::remove_device(hal::DeviceKind kind) {
  const auto it = devices_.find(kind);
  if (it == devices_.end()) return;
  it->second->deactivate();
  it->second->set_event_handler({});
  devices_.erase(it);
  snap_.devices.erase(kind);
  publish();
}

hal::Device* Station::device(hal::DeviceKind kind) {
  const auto it = devices_.find(kind);
  return it == devices_.end() ? nullptr : it->second;
}

void Station::set_observer(Observer observer) {
  observer_ = std::move(observer);
  publish();
}

void Station::journal(const std::string& kind, nlohmann::json payload, JournalPort::Durable then) {
  if (replaying_ || !snap_.session_open) return;
  JournalDraft draft{start_.session_id, start_.user_id, start_.user, start_.role, kind, std::move(payload)};
  journal_.append(std::move(draft), [this, then = std::move(then)](const std::string& error) {
    if (!error.empty()) journal_failed(error);
    if (then) then(error);
  });
}

void Station::journal_lot_used() {
  if (lot_used_ || !snap_.plan || snap_.delivered_nl == 0) return;
  lot_used_ = true;
  const auto delivered = static_cast<std::int64_t>(snap_.delivered_nl);
  journal("lot.used", {{"product", snap_.plan->product},
                       {"lot", snap_.plan->lot},
                       {"delivered_nl", delivered},
                       {"ml", static_cast<double>(delivered) / 1e6}});
  for (auto& product : config_.catalog.products)
    if (product.name == snap_.plan->product)
      for (auto& lot : product.lots)
        if (lot.id == snap_.plan->lot && lot.remaining_nl) *lot.remaining_nl -= delivered;
}

void Station::seal(const std::string& reason) {
  if (replaying_) return;
  journal_lot_used();
  journal_.seal(start_.session_id, start_.user_id, reason, [this](const std::string& error) {
    if (!error.empty()) {
      raise_alarm("seal_failed", AlarmPriority::medium, AlarmCategory::technical,
                  "the session could not be sealed: " + error);
      publish("seal failed: " + error);
    } else {
      publish("session sealed");
    }
  });
}

void Station::journal_failed(const std::string& error) {
  if (!journal_error_.empty()) return;
  journal_error_ = error;
  // Without a journal nothing may be dosed: what is not recorded cannot be accounted for.
  for (auto& [kind, device] : devices_)
    device->deactivate();
  raise_alarm("journal_failed", AlarmPriority::high, AlarmCategory::technical,
              "the journal cannot record (" + error + "): dosing is locked; end the session");
}

Outcome Station::refuse(const std::string& command, const std::string& why) {
  journal("refusal", {{"command", command}, {"reason", why}});
  publish(command + " refused: " + why);
  return Outcome::refused(why);
}

Outcome Station::transition(SessionState to, const std::string& reason) {
  const auto from = snap_.state;
  if (auto error = transition_error(from, to); !error.empty())
    return refuse(std::string(to_string(to)), error);
  snap_.state = to;
  journal("session.transition", {{"from", to_string(from)}, {"to", to_string(to)}, {"reason", reason}});
  publish(std::string(to_string(from)) + " -> " + std::string(to_string(to)));
  return Outcome::accepted();
}

Outcome Station::open_session(const SessionStart& start) {
  if (snap_.session_open && !is_final(snap_.state))
    return Outcome::refused("session " + std::to_string(snap_.session_id) +
                            " is still open: close or abort it first");
  if (!may_command_station(start.role))
    return Outcome::refused("an auditor is read-only and cannot open a session");
  if (start.role == Role::qa && start.tag == Tag::real)
    return Outcome::refused(
        "a QA user may run the simulator but not treat a real patient: tag the session test");
  if (start.patient.empty()) return Outcome::refused("no patient: find or add the patient first");
  StationSnapshot fresh;
  fresh.version = snap_.version;
  fresh.devices = std::move(snap_.devices);
  snap_ = std::move(fresh);
  alarms_ = AlarmBoard{};
  screening_.reset();
  pending_.clear();
  recorded_counters_.clear();
  journal_error_.clear();
  lot_used_ = false;
  start_ = start;
  snap_.session_id = start.session_id;
  snap_.patient = start.patient;
  snap_.tag = start.tag;
  snap_.user = start.user;
  snap_.role = start.role;
  snap_.state = SessionState::check_in;
  snap_.session_open = true;
  snap_.guidance.calibration_warning = camera_warning_;
  camera_warning_journaled_ = false;
  // The devices the session starts with: a device connected before the session (its device.connected went
  // unjournaled) is named here. The mesogun's shot counter too: after a crash, every later shot is this
  // session's, even one fired before any shot was journaled (recovery_inputs.hpp).
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& [kind, view] : snap_.devices) {
    if (!view.identity) continue;
    if (kind == hal::DeviceKind::mesogun)
      devices.push_back({{"device", "mesogun"},
                         {"serial", view.identity->serial_number},
                         {"simulated", view.identity->simulated},
                         {"shot_counter", std::max(view.identity->shot_counter, view.status.shot_counter)}});
    else
      devices.push_back({{"device", "pen"},
                         {"serial", view.identity->serial_number},
                         {"model", view.identity->model},
                         {"firmware", view.identity->firmware},
                         {"simulated", view.identity->simulated}});
  }
  journal("session.started",
          {{"patient", start.patient},
           {"tag", journal::to_string(start.tag)},
           {"course_session", start.course_session},
           {"limits", to_json(config_.limits)},
           {"limits_sha256", config_.limits_sha256.empty() ? nlohmann::json(nullptr)  // the defaults in code
                                                           : nlohmann::json(config_.limits_sha256)},
           {"devices", devices}});
  journal_camera_warning();
  publish("session " + std::to_string(start.session_id) + " opened for " + start.patient);
  return Outcome::accepted();
}

Outcome Station::begin_screening() {
  return transition(SessionState::screening, "patient checked in");
}

Outcome Station::record_screening(const ScreeningAnswers& answers) {
  if (snap_.state != SessionState::screening)
    return refuse("screening", "screening is recorded in the screening state, not in " +
                                   std::string(to_string(snap_.state)));
  const auto verdict = evaluate(answers);
  screening_ = answers;
  snap_.screening = verdict;
  journal("screening.recorded", {{"answers", to_json(answers)}, {"verdict", to_json(verdict)}});
  if (!verdict.stops.empty()) {
    // An absolute stop ends the session here: it cannot proceed, whatever anyone acknowledges.
    publish("screening: " + verdict.summary());
    if (transition(SessionState::aborted, "screening stop: " + verdict.summary()).ok)
      seal("aborted at screening: " + verdict.summary());
    return Outcome::refused("the session cannot proceed: " + verdict.summary());
  }
  if (!verdict.cleared()) {
    publish("screening incomplete: " + verdict.summary());
    return Outcome::refused("screening is not complete: " + verdict.summary());
  }
  return transition(SessionState::assessment, "screening cleared: " + verdict.summary());
}

Outcome Station::record_assessment(const nlohmann::json& findings) {
  if (snap_.state != SessionState::assessment)
    return refuse("assessment", "the assessment is recorded in the assessment state, not in " +
                                    std::string(to_string(snap_.state)));
  journal("assessment.recorded", {{"findings", findings}});
  return transition(SessionState::planning, "assessment recorded");
}

Outcome Station::set_plan(const TreatmentPlan& plan) {
  if (snap_.state != SessionState::planning)
    return refuse("plan",
                  "a plan is set in the planning state, not in " + std::string(to_string(snap_.state)));
  auto problems = validate(plan, config_.limits);
  if (auto lot =
          lot_error(config_.catalog, plan.product, plan.lot, config_.today(), plan.planned_volume_nl());
      !lot.empty())
    problems.push_back(lot);
  if (const auto* product = config_.catalog.find(plan.product); product != nullptr && screening_) {
    for (const auto& a : allergy_conflicts(*screening_, product->ingredients))
      problems.push_back("the patient is allergic to " + a + ", an ingredient of " + plan.product +
                         " (contraindication)");
  }
  if (!problems.empty()) {
    std::string why = "the plan is refused:";
    for (const auto& p : problems)
      why += " " + p + ";";
    why.pop_back();
    journal("plan.refused", {{"plan", to_json(plan)}, {"problems", problems}});
    publish(why);
    return Outcome::refused(why);
  }
  snap_.plan = plan;
  snap_.step = 0;
  snap_.next_point = 0;
  snap_.points_done.assign(plan.steps.front().points.size(), false);
  journal("plan.set", {{"plan", to_json(plan)},
                       {"planned_volume_nl", plan.planned_volume_nl()},
                       {"product", plan.product},
                       {"lot", plan.lot}});
  publish("plan accepted for review: " + std::to_string(plan.planned_volume_nl()) + " nl planned");
  return Outcome::accepted();
}

Outcome Station::accept_plan() {
  if (!snap_.plan) return refuse("accept_plan", "there is no valid plan to accept: set one first");
  return transition(SessionState::ready, "plan accepted");
}

Outcome Station::finish_treatment(const std::string& reason) {
  if (snap_.state != SessionState::treating && snap_.state != SessionState::paused)
    return refuse("finish", "treatment can only finish from treating or paused");
  for (auto& [kind, device] : devices_)
    device->deactivate();
  snap_.armed = false;
  if (auto r = transition(SessionState::post_care, reason); !r.ok) return r;
  const auto next = propose_next(config_.course, start_.course_session, config_.today());
  journal("session.post_care", {{"instructions", post_care_instructions()},
                                {"appointments", to_json(next)},
                                {"delivered_nl", snap_.delivered_nl},
                                {"shots", snap_.shots}});
  publish("post-care: " + std::to_string(next.size()) + " appointments proposed");
  return Outcome::accepted();
}

Outcome Station::close_session(bool signature_verified) {
  if (!signature_verified)
    return refuse("close", "closing needs the clinician's signature (re-enter the password)");
  if (!pending_.empty())
    return refuse("close", "a fire's outcome is still unknown: reconcile or attest first");
  auto r = transition(SessionState::closed, "signed by " + start_.user);
  if (r.ok) seal("closed, signed by " + start_.user);
  return r;
}

Outcome Station::abort(const std::string& reason) {
  if (reason.empty()) return Outcome::refused("aborting needs a reason");
  for (auto& [kind, device] : devices_)
    device->deactivate();
  snap_.armed = false;
  auto r = transition(SessionState::aborted, reason);
  if (r.ok) seal("aborted: " + reason);
  return r;
}

void Station::publish(const std::string& message) {
  if (!message.empty()) snap_.last_message = message;
  snap_.alarms = alarms_.entries();
  snap_.uncertain.clear();
  for (const auto& [id, fire] : pending_) {
    if (fire.uncertain)
      snap_.uncertain.push_back({id, fire.step, fire.point, "the link was lost before its outcome"});
  }
  snap_.dosing_locked = fire_blockers();
  ++snap_.version;
  if (observer_) observer_(snap_);
}

}  // namespace meso::station
