// StationApp's audit and QA use cases. Audit queries are journal reads: they run on the worker (a verify
// hashes every event, an export may be large) and reuse the journal library's list/show/verify/export
// exactly as `mesoaudit` does. QA's faults and choice of simulated device touch the simulators, which live
// on the station thread.
#include <algorithm>
#include <cmath>
#include <fstream>

#include "app_impl.hpp"
#include "meso/journal/event_reason.hpp"
#include "meso/journal/export.hpp"
#include "meso/protocols/enum_names.hpp"

namespace meso::station {

namespace {

std::optional<std::string> given(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// The typed filters as `mesoaudit list` passes its options.
journal::SessionFilter session_filter(const AuditFilter& f) {
  journal::SessionFilter filter;
  filter.patient = given(f.patient);
  filter.from = given(f.from);
  filter.to = given(f.to);
  filter.tag = f.tag;
  return filter;
}

AuditSession audit_session(const journal::SessionInfo& s) {
  return {s.id,
          s.patient_pseudonym,
          s.user_name,
          std::string(journal::to_string(s.tag)),
          std::string(journal::to_string(s.state)),
          s.opened_utc,
          s.closed_utc.value_or("-"),
          s.event_count};
}

AuditEvent audit_event(const journal::Event& e) {
  return {e.seq, e.utc, e.user_name, e.role, e.kind, e.corrects, journal::reason_of(e), e.payload};
}

// The session's verification, as `mesoaudit show` heads its timeline with it.
Integrity integrity_of(const journal::JournalReader& reader, journal::SessionId id) {
  journal::VerifyOptions options;
  options.session = id;
  const journal::VerifyReport report = reader.verify(options);
  return {report.ok(), journal::describe(report)};
}

// A slider's rate as the spec keeps it: to a millionth, so that 0.01 reads back as 0.01, not 0.0099999998.
double rate(float p) {
  return static_cast<double>(std::lround(static_cast<double>(p) * 1e6)) / 1e6;
}

const char* name_of(hal::DeviceKind kind) {
  return kind == hal::DeviceKind::pen ? "pen" : "mesogun";
}

}  // namespace

// An audit query behind its gate, run on the worker; a throw becomes a refusal prefixed with `what`.
template <class T, class Query>
void audit(StationApp::Impl& s, Reply<T> reply, std::string what, Query query) {
  s.post([&s, reply = std::move(reply), what = std::move(what), query = std::move(query)] {
    if (auto r = s.may_audit()) return answer(reply, Result<T>(*r));
    s.worker->post([&s, reply, what, query] {
      try {
        answer(reply, Result<T>(query(s.reader())));
      } catch (const std::exception& e) {
        answer(reply, Result<T>(refusal(Refused::failed, what + ": " + e.what())));
      }
    });
  });
}

void StationApp::list_sessions(const AuditFilter& filter, Reply<std::vector<AuditSession>> reply) {
  audit(*impl_, std::move(reply), "cannot list the sessions", [filter](const journal::JournalReader& r) {
    std::vector<AuditSession> sessions;
    for (const auto& s : r.list_sessions(session_filter(filter)))
      sessions.push_back(audit_session(s));
    return sessions;
  });
}

void StationApp::read_session(std::int64_t id, Reply<SessionReading> reply) {
  audit(*impl_, std::move(reply), "cannot read the session", [id](const journal::JournalReader& r) {
    const auto session = r.session(id);
    if (!session) throw std::runtime_error("no session " + std::to_string(id));
    SessionReading read;
    read.session = audit_session(*session);
    for (const auto& e : r.timeline(id))
      read.timeline.push_back(audit_event(e));
    read.integrity = integrity_of(r, id);
    return read;
  });
}

void StationApp::verify_session(std::int64_t id, Reply<Integrity> reply) {
  audit(*impl_, std::move(reply), "cannot verify",
        [id](const journal::JournalReader& r) { return integrity_of(r, id); });
}

void StationApp::export_session(std::int64_t id, ExportFormat format, const std::string& path,
                                Reply<Exported> reply) {
  audit(*impl_, std::move(reply), "export failed", [id, format, path](const journal::JournalReader& r) {
    const std::string text = journal::export_session(r, id, static_cast<journal::ExportFormat>(format));
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) throw std::runtime_error("cannot write " + path);
    return Exported{id, path, text.size()};
  });
}

// QA.

void StationApp::may_inject_faults(Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto r = s.may_qa()) return answer(reply, Result<Done>(*r));
    answer(reply, Result<Done>(Done{"fault injection into the simulated device"}));
  });
}

void StationApp::inject_fault(const QaFault& fault, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, fault, reply = std::move(reply)] {
    if (auto r = s.may_qa()) return answer(reply, Result<Done>(*r));
    s.apply_fault(fault, reply);
  });
}

void StationApp::Impl::apply_fault(const QaFault& fault, const Reply<Done>& reply) const {
  using Kind = QaFault::Kind;
  std::optional<sim::ScenarioAction> action;
  std::string what;
  bool for_pen = false;  // a device fault that only the pen has; ignored for line faults and reboots
  switch (fault.kind) {
    case Kind::line: {
      sim::FaultSpec spec;
      spec.bitflip = rate(fault.bitflip);
      spec.drop = rate(fault.drop);
      spec.garbage = rate(fault.garbage);
      spec.dup = rate(fault.dup);
      spec.delay_mean = std::chrono::milliseconds(fault.delay_ms);
      spec.direction = static_cast<sim::FaultDirection>(std::clamp(fault.direction, 0, 2));
      action = sim::action::Faults{spec};
      what = spec.any() ? "line faults " + sim::to_string(spec) : "clean line";
      break;
    }
    case Kind::unplug:
      // Stays out until Replug: the driver's reconnects fail meanwhile, as with a cable on the floor.
      devices->set_unplugged(true);
      action = sim::action::Unplug{};
      what = "cable unplugged";
      break;
    case Kind::replug:
      devices->set_unplugged(false);  // the driver's next reconnect finds the device
      what = "cable plugged back in";
      break;
    case Kind::occlusion:
      action = sim::action::Occlusion{};
      what = "occlusion";
      break;
    case Kind::clear_occlusion:
      action = sim::action::ClearOcclusion{};
      what = "occlusion cleared";
      break;
    case Kind::low_reservoir:
      action = sim::action::LowReservoir{};
      what = "low reservoir";
      break;
    case Kind::refill:
      action = sim::action::Refill{};
      what = "refilled";
      break;
    case Kind::stuck_trigger:
      action = sim::action::StuckTrigger{};
      what = "trigger stuck";
      break;
    case Kind::release_trigger:
      action = sim::action::ReleaseTrigger{};
      what = "trigger released";
      break;
    case Kind::reboot:
      action = sim::action::Reboot{};
      what = "device rebooted";
      break;
    case Kind::pen_alarm:
    case Kind::clear_pen_alarm: {
      const auto code = static_cast<protocols::pen::AlarmCode>(std::clamp(fault.pen_alarm_code, 0, 4));
      const bool raise = fault.kind == Kind::pen_alarm;
      action = sim::action::PenAlarm{code, raise};
      what = std::string("pen alarm ") + std::string(protocols::to_name(code)) +
             (raise ? " raised" : " cleared");
      for_pen = true;
      break;
    }
  }
  const hal::DeviceKind connected = sim_choice.value_or(
      devices->simulated(hal::DeviceKind::mesogun) ? hal::DeviceKind::mesogun : hal::DeviceKind::pen);
  const bool pen = connected == hal::DeviceKind::pen;
  if (action) {
    if (for_pen != pen && !sim::is_line_action(*action) &&
        !std::holds_alternative<sim::action::Reboot>(*action))
      return answer(reply, Result<Done>(refusal(Refused::state, "refused: " + what + " is the " +
                                                                    (pen ? "mesogun" : "pen") + "'s; the " +
                                                                    name_of(connected) + " is connected")));
    devices->apply(connected, *action);
  }
  answer(reply, Result<Done>(Done{what}));
}

void StationApp::choose_simulated_device(hal::DeviceKind kind, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, kind, reply = std::move(reply)] {
    if (auto r = s.may_qa()) return answer(reply, Result<Done>(*r));
    if (!s.sim_choice)
      return answer(reply, Result<Done>(refusal(Refused::state,
                                                "refused: the simulated device is QA's choice, with both "
                                                "handpieces simulated (the demo profile)")));
    if (s.left_open)
      // Its recovery reconciles the mesogun's shot records: that device stays until it is recovered.
      return answer(reply, Result<Done>(refusal(Refused::state,
                                                "refused: session " + std::to_string(s.left_open->id) +
                                                    " is still open in the journal: recover it first")));
    s.switch_simulated_device(kind, reply);
  });
}

void StationApp::Impl::switch_simulated_device(hal::DeviceKind kind, const Reply<Done>& reply) {
  if (in_session())
    return answer(reply,
                  Result<Done>(refusal(Refused::state, "refused: session " +
                                                           std::to_string(station->snapshot().session_id) +
                                                           " is open and keeps its device")));
  if (kind == *sim_choice)
    return answer(reply, Result<Done>(Done{std::string("the simulated ") + name_of(kind) + " is connected"}));
  hal::Device& from = *devices->device(*sim_choice);
  hal::Device& to = *devices->device(kind);
  station->remove_device(*sim_choice);  // disarmed, its events no longer reach the station
  from.cleanup();
  devices->set_unplugged(false);  // a cable QA pulled belonged to the other device
  sim_choice = kind;
  station->add_device(to);
  to.configure();
  answer(reply, Result<Done>(Done{std::string("simulated ") + name_of(kind) + " connected (" +
                                  name_of(from.kind()) + " disconnected)"}));
}

}  // namespace meso::station
