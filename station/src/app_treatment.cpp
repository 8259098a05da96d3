// StationApp's planning, treatment and sign-off use cases, and the demo's synthetic hand.
#include "app_impl.hpp"
#include "meso/station/plan_preview.hpp"

namespace meso::station {

// Planning.

void StationApp::suggest_zones(Reply<ZoneSuggestion> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<ZoneSuggestion>(*r));
    s.worker->post([&s, reply] {
      auto suggestion = suggest_zones_from(s.planning_photo(), s.layout);
      s.post([&s, suggestion = std::move(suggestion), reply] {
        s.zones = suggestion.zones;
        s.preview.reset();
        answer(reply, Result<ZoneSuggestion>(suggestion));
      });
    });
  });
}

void StationApp::set_zones(const std::vector<vision::Zone>& zones, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, zones, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<Done>(*r));
    s.zones = zones;
    s.preview.reset();
    answer(reply, Result<Done>(Done{"zones edited by hand: preview the plan again"}));
  });
}

void StationApp::preview_plan(const PlanChoice& choice, Reply<PlanPreview> reply) {
  auto& s = *impl_;
  s.post([&s, choice, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<PlanPreview>(*r));
    s.worker->post([&s, choice, zones = s.zones, catalog = s.station->catalog(), reply] {
      auto preview = make_preview(zones, choice, catalog, s.config.station.limits);
      s.post([&s, preview = std::move(preview), reply] {
        s.preview = preview;
        answer(reply, Result<PlanPreview>(preview));
      });
    });
  });
}

void StationApp::accept_plan(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] {
    if (!s->preview || !s->preview->ready)
      return Result<Done>(refusal(Refused::state, "no plan previewed: preview the plan first"));
    const Outcome set = s->station->set_plan(s->preview->plan);
    return s->done(set.ok ? s->station->accept_plan() : set);
  });
}

void StationApp::accept_plan(const TreatmentPlan& plan, Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get(), plan] {
    const Outcome set = s->station->set_plan(plan);
    return set.ok ? s->station->accept_plan() : set;
  });
}

void StationApp::start_treatment(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] { return s->station->start_treatment(); });
}

// Treatment.

void StationApp::arm(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] {
    Outcome armed = s->station->arm();
    if (armed.ok && s->config.camera.synthetic) s->start_demo_hand();
    return armed;
  });
}

void StationApp::disarm(Reply<Done> reply) {
  impl_->command(
      std::move(reply), [s = impl_.get()] { return s->station->disarm("disarmed from the console"); },
      Impl::Gate::safety);
}

void StationApp::fire_next(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] { return s->station->fire_next(); });
}

void StationApp::pull_trigger(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] {
    if (!s->devices->simulated(hal::DeviceKind::mesogun) || s->sim_choice == hal::DeviceKind::pen)
      return Result<Done>(refusal(Refused::state, "no simulated mesogun is connected"));
    s->devices->apply(hal::DeviceKind::mesogun, sim::action::Trigger{1});
    return Result<Done>(Done{"trigger pulled"});
  });
}

void StationApp::set_demo_hand(bool on, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, on, reply = std::move(reply)] {
    if (!on) {
      s.demo_hand = false;
      return answer(reply, Result<Done>(Done{"the synthetic hand stops"}));
    }
    if (auto r = s.may_command()) return answer(reply, Result<Done>(*r));
    if (!s.config.camera.synthetic)
      return answer(
          reply, Result<Done>(refusal(Refused::state, "no synthetic camera: the hand is the clinician's")));
    s.demo_hand = true;
    answer(reply, Result<Done>(Done{"the synthetic hand pulls the trigger at each planned point"}));
  });
}

void StationApp::pause(Reply<Done> reply) {
  impl_->command(
      std::move(reply), [s = impl_.get()] { return s->station->pause("paused from the console"); },
      Impl::Gate::safety);
}

void StationApp::resume(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] { return s->station->resume(); });
}

void StationApp::next_step(Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get()] { return s->station->next_step(); });
}

void StationApp::finish_treatment(const std::string& note, Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get(), note] {
    std::string reason = "finished by " + s->user->name;
    if (!note.empty()) reason += ": " + note;
    return s->station->finish_treatment(reason);
  });
}

void StationApp::acknowledge_alarm(std::uint32_t id, Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get(), id] { return s->station->acknowledge_alarm(id); });
}

void StationApp::attest(std::uint32_t command_id, bool delivered, const std::string& reason,
                        Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get(), command_id, delivered, reason] {
    return s->station->attest(
        command_id, delivered ? hal::FireOutcome::delivered : hal::FireOutcome::not_delivered, reason);
  });
}

// Never refused, whoever asks: stopping is always safe, and a refusal here is the one that could hurt.
void StationApp::estop(const std::string& source) {
  auto& s = *impl_;
  s.demo_hand = false;  // the synthetic hand stops with everything else
  s.post([&s, source] { s.station->estop(source); });
}

// Sign-off.

void StationApp::sign_and_close(const std::string& password, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, password, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<Done>(*r));
    s.worker->post([&s, name = s.user->name, password, reply] {
      if (!s.password_ok(name, password))
        return answer(reply,
                      Result<Done>(refusal(Refused::input, "wrong password: the session is not signed")));
      s.post([&s, reply] { answer(reply, s.done(s.station->close_session(true))); });
    });
  });
}

void StationApp::abort_session(const std::string& reason, Reply<Done> reply) {
  impl_->command(std::move(reply), [s = impl_.get(), reason] { return s->station->abort(reason); });
}

void StationApp::post_care_plan(Reply<PostCarePlan> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    PostCarePlan plan;
    plan.instructions = post_care_instructions();
    try {
      plan.appointments = propose_next(s.config.station.course, s.course_session, s.config.station.today());
    } catch (const std::invalid_argument& e) {
      plan.note = std::string("no appointments proposed: ") + e.what();
    }
    answer(reply, Result<PostCarePlan>(std::move(plan)));
  });
}

// The demo's synthetic hand: it visits the points still to do, and the camera's frames pull the trigger
// where it stops.

void StationApp::Impl::start_demo_hand() {
  const auto& snap = station->snapshot();
  if (!camera || !snap.plan || snap.step >= snap.plan->steps.size()) return;
  const auto& step = snap.plan->steps[snap.step];
  sim::HandpiecePath path;
  path.speed_mm_s = 40;
  path.dwell_s = 0.8;
  for (std::size_t i = snap.next_point; i < step.points.size(); ++i)
    if (i >= snap.points_done.size() || !snap.points_done[i])
      path.waypoints_mm.push_back({step.points[i].x_mm, step.points[i].y_mm});
  if (path.waypoints_mm.empty()) return;
  // A lead-in stop beside the first point: the device settles after arming before the first shot.
  const auto first = path.waypoints_mm.front();
  path.waypoints_mm.insert(path.waypoints_mm.begin(), {first.x + 25, first.y - 25});
  hand_fires_to_skip = 1;
  sim::SyntheticCameraOptions options = *config.camera.synthetic;
  options.handpiece = path;
  // Rendering a new scene takes hundreds of milliseconds: on the worker, never on the station thread, whose
  // link to the armed device would otherwise go quiet past its 250 ms link-loss limit.
  worker->post([this, options] {
    camera->replace_source(std::make_unique<sim::SyntheticCamera>(options));
    demo_hand = true;
  });
}

void StationApp::Impl::on_frame(const vision::FrameResult& result, std::chrono::steady_clock::time_point at,
                                vision::FrameSource& source) {
  post([this, at, registered = result.registration.ok, why = result.registration.reason,
        tip = result.tip_mm] { station->camera_frame(at, registered, why, tip); });
  // The synthetic camera is the ideal pinhole it renders: it needs no calibration.
  if (!config.camera.synthetic && result.calibration_warning != camera_warning) {
    camera_warning = result.calibration_warning;
    post([this, warning = camera_warning] { station->camera_calibration(warning); });
  }
  if (!demo_hand) return;
  const auto* synthetic = dynamic_cast<const sim::SyntheticCamera*>(&source);
  if (synthetic == nullptr || !synthetic->truth().fired) return;
  if (hand_fires_to_skip > 0) {
    --hand_fires_to_skip;
    return;
  }
  post([this] {
    if (sim_choice != hal::DeviceKind::pen) devices->apply(hal::DeviceKind::mesogun, sim::action::Trigger{1});
  });
}

}  // namespace meso::station
