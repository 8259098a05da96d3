// After a crash: the station's state is a fold over its own journal events, so the open session is rebuilt
// from what was durably written. A fire whose intent is there without an outcome is uncertain: dosing stays
// locked until the device's records settle it or a clinician attests.
#include <algorithm>

#include "meso/station/station.hpp"

namespace meso::station {

void Station::apply_event(const JournalDraft& event) {
  const auto& p = event.payload;
  const auto& kind = event.kind;
  if (kind == "session.transition") {
    if (const auto to = parse_session_state(p.at("to").get<std::string>())) snap_.state = *to;
  } else if (kind == "screening.recorded") {
    screening_ = screening_from_json(p.at("answers"));
    snap_.screening = evaluate(*screening_);
  } else if (kind == "plan.set") {
    snap_.plan = plan_from_json(p.at("plan"));
    snap_.step = 0;
    snap_.next_point = 0;
    snap_.points_done.assign(snap_.plan->steps.front().points.size(), false);
  } else if (kind == "plan.step") {
    snap_.step = p.at("step").get<std::size_t>();
    snap_.next_point = 0;
    snap_.points_done.assign(snap_.plan->steps.at(snap_.step).points.size(), false);
  } else if (kind == "fire.intent") {
    const auto id = p.at("command_id").get<std::uint32_t>();
    pending_[id] = PendingFire{p.at("step").get<std::size_t>(), p.at("point").get<std::size_t>(),
                               p.at("dose_nl").get<std::uint32_t>(), true, true};
    next_command_id_ = std::max(next_command_id_, id + 1);
  } else if (kind == "fire.resolved") {
    if (p.at("outcome").get<std::string>() != "unknown")
      pending_.erase(p.at("command_id").get<std::uint32_t>());
  } else if (kind == "fire.attested") {
    const auto it = pending_.find(p.at("command_id").get<std::uint32_t>());
    if (it != pending_.end()) {
      if (p.at("outcome").get<std::string>() == "delivered") {
        snap_.delivered_nl += it->second.dose_nl;
        mark_point_done(it->second.step, it->second.point);
      }
      pending_.erase(it);
    }
  } else if (kind == "camera.uncalibrated") {
    camera_warning_journaled_ = true;
  } else if (kind == "lot.used") {
    lot_used_ = true;  // journaled before a crash that came before the seal: not twice
  } else if (kind == "shot.recorded") {
    recorded_counters_.insert(p.at("shot_counter").get<std::uint32_t>());
    snap_.delivered_nl += p.at("dose_nl").get<std::uint64_t>();
    ++snap_.shots;
    mark_point_done(p.at("step").get<std::size_t>(), p.at("point").get<std::size_t>());
  }
}

Outcome Station::recover(const SessionStart& start, const std::vector<JournalDraft>& events) {
  replaying_ = true;
  snap_.session_open = false;
  auto opened = open_session(start);
  if (!opened.ok) {
    replaying_ = false;
    return opened;
  }
  try {
    for (const auto& e : events)
      apply_event(e);
  } catch (const std::exception& e) {
    replaying_ = false;
    snap_.session_open = false;
    return Outcome::refused(std::string("the journal of the open session cannot be replayed: ") + e.what());
  }
  replaying_ = false;
  snap_.armed = false;  // whatever was armed has disarmed itself since (its lease ran out)
  journal("session.recovered", {{"events", events.size()},
                                {"state", to_string(snap_.state)},
                                {"delivered_nl", snap_.delivered_nl},
                                {"shots", snap_.shots},
                                {"uncertain_fires", pending_.size()}});
  journal_camera_warning();  // unless the session said so before the restart
  raise_alarm("recovered", AlarmPriority::medium, AlarmCategory::technical,
              "the station restarted during this session: check the timeline before continuing");
  if (snap_.state == SessionState::treating) transition(SessionState::paused, "recovered after a restart");
  publish(pending_.empty() ? "session recovered"
                           : "session recovered; " + std::to_string(pending_.size()) +
                                 " fire(s) with unknown outcome lock dosing until reconciled or attested");
  return Outcome::accepted();
}

}  // namespace meso::station
