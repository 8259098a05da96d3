// The runtime's side of the audit and QA screens. Audit queries are journal reads: they run on the worker
// (a verify hashes every event, an export may be large), never on the render thread, and reuse the
// journal library's list/show/verify/export exactly as `mesoaudit` does. QA's faults and choice of simulated
// device touch the simulators, which live on the station thread: they are posted there. Both check the role
// here, whatever a panel offered.
#include <algorithm>
#include <cmath>
#include <fstream>

#include "meso/journal/event_reason.hpp"
#include "meso/journal/export.hpp"
#include "meso/protocols/enum_names.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "runtime.hpp"

namespace meso::gui {

bool ConsoleRuntime::unlocked() {
  if (!locked_) return true;
  notify([](ConsoleView& v) {
    v.notice = "refused: the console is locked; unlock it first (E-STOP still works)";
  });
  return false;
}

bool ConsoleRuntime::may_command() {
  if (!unlocked()) return false;
  if (user_ && station::may_command_station(user_->role)) return true;
  const std::string who = user_ ? "the " + std::string(journal::to_string(user_->role)) + " role is read-only"
                                : "nobody is logged in";
  notify([who](ConsoleView& v) { v.notice = "refused: " + who + ", nothing was sent to the station"; });
  return false;
}

bool ConsoleRuntime::may_read_audit() {
  if (!unlocked()) return false;
  if (user_ && station::may_audit(user_->role)) return true;
  notify([](ConsoleView& v) { v.notice = "refused: the audit is for auditors and admins"; });
  return false;
}

void ConsoleRuntime::open_tool(Tool tool) {
  if (!user_ || !unlocked()) return;
  const bool allowed = tool == Tool::none || (tool == Tool::audit && station::may_audit(user_->role)) ||
                       (tool == Tool::qa && station::may_inject_faults(user_->role, options_.demo) && sim_);
  if (!allowed) {
    notify([](ConsoleView& v) { v.notice = "refused: that screen is not for this role"; });
    return;
  }
  notify([tool](ConsoleView& v) {
    if (in_session(v)) return;  // a session in progress keeps its screens
    v.tool = tool;
  });
  if (tool == Tool::audit) list_sessions({});
}

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
  if (f.tag > 0) filter.tag = static_cast<journal::Tag>(f.tag - 1);
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

}  // namespace

void ConsoleRuntime::list_sessions(const AuditFilter& filter) {
  if (!may_read_audit()) return;
  busy("listing sessions");
  worker_->post([this, filter] {
    std::vector<AuditSession> sessions;
    std::string error;
    try {
      for (const auto& s : reader().list_sessions(session_filter(filter)))
        sessions.push_back(audit_session(s));
    } catch (const std::exception& e) {
      error = std::string("cannot list the sessions: ") + e.what();
    }
    notify([sessions = std::move(sessions), error](ConsoleView& v) {
      v.busy = false;
      v.audit.listed = error.empty();
      v.audit.sessions = sessions;
      v.audit.error = error;
    });
  });
}

namespace {

// A slider's rate as the spec keeps it: to a millionth, so that 0.01 reads back as 0.01, not 0.0099999998.
double rate(float p) {
  return static_cast<double>(std::lround(static_cast<double>(p) * 1e6)) / 1e6;
}

// The session's verification, as `mesoaudit show` heads its timeline with it.
void fill_integrity(const journal::JournalReader& reader, journal::SessionId id, AuditView& out) {
  journal::VerifyOptions options;
  options.session = id;
  const journal::VerifyReport report = reader.verify(options);
  out.verified = true;
  out.intact = report.ok();
  out.integrity = journal::describe(report);
}

}  // namespace

void ConsoleRuntime::show_session(std::int64_t id) {
  if (!may_read_audit()) return;
  busy("reading the session");
  worker_->post([this, id] {
    AuditView read;
    std::string error;
    try {
      const auto session = reader().session(id);
      if (!session) throw std::runtime_error("no session " + std::to_string(id));
      read.shown = audit_session(*session);
      for (const auto& e : reader().timeline(id))
        read.timeline.push_back(audit_event(e));
      fill_integrity(reader(), id, read);
    } catch (const std::exception& e) {
      error = std::string("cannot read the session: ") + e.what();
    }
    notify([read = std::move(read), error](ConsoleView& v) {
      v.busy = false;
      v.audit.error = error;
      if (!error.empty()) return;
      v.audit.shown = read.shown;
      v.audit.timeline = read.timeline;
      v.audit.verified = read.verified;
      v.audit.intact = read.intact;
      v.audit.integrity = read.integrity;
      v.audit.export_result.clear();
    });
  });
}

void ConsoleRuntime::verify_session(std::int64_t id) {
  if (!may_read_audit()) return;
  busy("verifying");
  worker_->post([this, id] {
    AuditView read;
    std::string error;
    try {
      fill_integrity(reader(), id, read);
    } catch (const std::exception& e) {
      error = std::string("cannot verify: ") + e.what();
    }
    notify([read = std::move(read), error](ConsoleView& v) {
      v.busy = false;
      v.audit.error = error;
      v.audit.verified = read.verified;
      v.audit.intact = read.intact;
      v.audit.integrity = read.integrity;
    });
  });
}

void ConsoleRuntime::export_session(std::int64_t id, ExportFormat format, const std::string& path) {
  if (!may_read_audit()) return;
  busy("exporting");
  worker_->post([this, id, format, path] {
    bool ok = false;
    std::string result;
    try {
      const std::string text =
          journal::export_session(reader(), id, static_cast<journal::ExportFormat>(format));
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      file << text;
      file.close();
      ok = static_cast<bool>(file);
      result = ok ? "wrote session " + std::to_string(id) + " to " + path + " (" +
                        std::to_string(text.size()) + " bytes)"
                  : "cannot write " + path;
    } catch (const std::exception& e) {
      result = std::string("export failed: ") + e.what();
    }
    notify([ok, result](ConsoleView& v) {
      v.busy = false;
      v.audit.export_ok = ok;
      v.audit.export_result = result;
    });
  });
}

void ConsoleRuntime::inject_fault(const QaFault& fault) {
  if (!unlocked()) return;
  if (!user_ || !station::may_inject_faults(user_->role, options_.demo) || !sim_) {
    notify([](ConsoleView& v) { v.notice = "refused: faults are for the QA role on the demo's simulator"; });
    return;
  }
  on_station([this, fault] { apply_fault(fault); });
}

bool ConsoleRuntime::apply_to_sim(const sim::ScenarioAction& action, bool for_pen, const std::string& what) {
  const bool pen = sim_device_ == hal::DeviceKind::pen;
  if (for_pen != pen && !sim::is_line_action(action) &&
      !std::holds_alternative<sim::action::Reboot>(action)) {
    notify([what, pen](ConsoleView& v) {
      v.qa.last = "refused: " + what + " is the " + (pen ? "mesogun" : "pen") + "'s; the " +
                  (pen ? "pen" : "mesogun") + " is connected";
    });
    return false;
  }
  if (pen)
    sim_pen_->apply(action);
  else
    sim_->apply(action);
  return true;
}

void ConsoleRuntime::apply_fault(const QaFault& fault) {
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
      spec.direction = static_cast<sim::FaultDirection>(fault.direction);
      action = sim::action::Faults{spec};
      what = spec.any() ? "line faults " + sim::to_string(spec) : "clean line";
      break;
    }
    case Kind::unplug:
      // Stays out until Replug: the driver's reconnects fail meanwhile, as with a cable on the floor.
      sim_unplugged_ = true;
      action = sim::action::Unplug{};
      what = "cable unplugged";
      break;
    case Kind::replug:
      sim_unplugged_ = false;  // the driver's next reconnect finds the device
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
  if (action && !apply_to_sim(*action, for_pen, what)) return;
  notify([what](ConsoleView& v) { v.qa.last = what; });
}

void ConsoleRuntime::choose_simulated_device(hal::DeviceKind kind) {
  if (!unlocked()) return;
  if (!user_ || !station::may_inject_faults(user_->role, options_.demo) || !sim_ || !sim_pen_) {
    notify([](ConsoleView& v) { v.notice = "refused: the simulated device is QA's choice, in demo mode"; });
    return;
  }
  if (left_open_) {
    // Its recovery reconciles the mesogun's shot records: that device stays until it is recovered.
    notify([id = left_open_->id](ConsoleView& v) {
      v.qa.last =
          "refused: session " + std::to_string(id) + " is still open in the journal: recover it first";
    });
    return;
  }
  on_station([this, kind] { switch_simulated_device(kind); });
}

void ConsoleRuntime::switch_simulated_device(hal::DeviceKind kind) {
  const auto& snap = station_->snapshot();
  if (snap.session_open && !station::is_final(snap.state)) {
    notify([id = snap.session_id](ConsoleView& v) {
      v.qa.last = "refused: session " + std::to_string(id) + " is open and keeps its device";
    });
    return;
  }
  const auto name = [](hal::DeviceKind k) { return k == hal::DeviceKind::pen ? "pen" : "mesogun"; };
  if (kind == sim_device_) {
    notify([n = name(kind)](ConsoleView& v) {
      v.qa.last = std::string("the simulated ") + n + " is connected";
    });
    return;
  }
  hal::Device& from = sim_device_ == hal::DeviceKind::pen ? static_cast<hal::Device&>(*pen_) : *gun_;
  hal::Device& to = kind == hal::DeviceKind::pen ? static_cast<hal::Device&>(*pen_) : *gun_;
  station_->remove_device(sim_device_);  // disarmed, its events no longer reach the station
  from.cleanup();
  sim_unplugged_ = false;  // a cable QA pulled belonged to the other device
  sim_device_ = kind;
  station_->add_device(to);
  to.configure();
  notify([n = name(kind), o = name(from.kind())](ConsoleView& v) {
    v.qa.last = std::string("simulated ") + n + " connected (" + o + " disconnected)";
  });
}

}  // namespace meso::gui
