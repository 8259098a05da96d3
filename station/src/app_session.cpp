// StationApp's patient and session use cases: find, open, recover, screening, assessment and its photos.
#include <iostream>
#include <opencv2/imgcodecs.hpp>

#include "app_impl.hpp"
#include "meso/sim/synthetic_closeup.hpp"
#include "meso/station/closeup_density.hpp"
#include "meso/station/photo_store.hpp"
#include "meso/station/recovery_inputs.hpp"
#include "meso/vision/progress.hpp"

namespace meso::station {

void StationApp::find_patient(const std::string& pseudonym, Reply<PatientLookup> reply) {
  auto& s = *impl_;
  s.post([&s, pseudonym, reply = std::move(reply)] {
    if (auto r = s.unlocked()) return answer(reply, Result<PatientLookup>(*r));
    s.worker->post([&s, pseudonym, reply] {
      try {
        PatientLookup lookup{pseudonym, false, 0};
        lookup.known = s.reader().patient_by_pseudonym(pseudonym).has_value();
        journal::SessionFilter filter;
        filter.patient = pseudonym;
        if (lookup.known) lookup.sessions = static_cast<int>(s.reader().list_sessions(filter).size());
        answer(reply, Result<PatientLookup>(lookup));
      } catch (const std::exception& e) {
        answer(reply, Result<PatientLookup>(refusal(Refused::failed, e.what())));
      }
    });
  });
}

std::uint32_t StationApp::Impl::course_session_of(const std::string& pseudonym) {
  journal::SessionFilter filter;
  filter.patient = pseudonym;
  std::uint32_t course = 1;  // the patient's sealed sessions come before this one
  for (const auto& info : reader().list_sessions(filter))
    if (info.state == journal::SessionState::sealed) ++course;
  return course;
}

void StationApp::open_session(const std::string& pseudonym, Reply<OpenedSession> reply,
                              std::optional<Tag> tag) {
  auto& s = *impl_;
  s.post([&s, pseudonym, tag = tag.value_or(s.config.tag), reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<OpenedSession>(*r));
    if (s.left_open)
      return answer(reply, Result<OpenedSession>(refusal(
                               Refused::state, "session " + std::to_string(s.left_open->id) +
                                                   " is still open in the journal: recover it first")));
    if (s.in_session())
      return answer(reply,
                    Result<OpenedSession>(refusal(Refused::state, "a session is in progress: end it first")));
    s.worker->post([&s, pseudonym, tag, user = *s.user, reply] {
      try {
        auto id = s.reader().patient_by_pseudonym(pseudonym);
        if (!id) {
          auto added = s.writer.add_patient({pseudonym, tag}, user.id);
          if (!added) throw std::runtime_error(added.error().message);
          id = added.value();
        }
        const std::uint32_t course = s.course_session_of(pseudonym);
        const auto created = s.writer.create_session_sync({*id, user.id, tag, std::nullopt});
        if (!created) throw std::runtime_error(created.error().message);
        const SessionStart start{created.value(), pseudonym, tag, user.name, user.id, user.role, course};
        s.post([&s, start, reply] {
          const Outcome opened = s.station->open_session(start);
          if (!opened.ok)
            return answer(reply, Result<OpenedSession>(refusal(Refused::state, opened.message)));
          s.course_session = start.course_session;
          s.zones.clear();
          s.preview.reset();
          s.station->begin_screening();
          answer(reply, Result<OpenedSession>(OpenedSession{start.session_id, start.course_session}));
        });
      } catch (const std::exception& e) {
        answer(reply, Result<OpenedSession>(
                          refusal(Refused::failed, std::string("cannot open a session: ") + e.what())));
      }
    });
  });
}

void StationApp::recover_session(Reply<OpenedSession> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<OpenedSession>(*r));
    if (!s.left_open)
      return answer(reply, Result<OpenedSession>(refusal(Refused::state, "no session was left open")));
    s.worker->post([&s, info = *s.left_open, user = *s.user, reply] {
      try {
        // Its chain first: a session whose journal was altered is an auditor's matter, not something to
        // resume.
        journal::VerifyOptions only_this;
        only_this.session = info.id;
        if (const auto report = s.reader().verify(only_this); !report.ok())
          return answer(reply, Result<OpenedSession>(refusal(
                                   Refused::failed, "session " + std::to_string(info.id) +
                                                        " was left open and its journal does not verify (" +
                                                        journal::describe(report) +
                                                        "): nothing continues until an auditor has looked "
                                                        "(mesoaudit verify)")));
        const std::uint32_t course = s.course_session_of(info.patient_pseudonym);
        auto events = session_events(s.reader(), info.id);
        const SessionStart start{info.id, info.patient_pseudonym, info.tag, user.name, user.id, user.role,
                                 course};
        s.post([&s, start, events = std::move(events), reply] {
          const Outcome recovered = s.station->recover(start, events);
          if (!recovered.ok)
            return answer(reply, Result<OpenedSession>(refusal(Refused::state, recovered.message)));
          s.left_open.reset();
          for (auto* device : s.held_devices)
            device->configure();
          s.held_devices.clear();
          s.course_session = start.course_session;
          answer(reply, Result<OpenedSession>(OpenedSession{start.session_id, start.course_session}));
        });
      } catch (const std::exception& e) {
        answer(reply,
               Result<OpenedSession>(refusal(Refused::failed, std::string("cannot recover: ") + e.what())));
      }
    });
  });
}

void StationApp::record_screening(const ScreeningAnswers& answers, Reply<Done> reply) {
  impl_->command(std::move(reply),
                 [s = impl_.get(), answers] { return s->station->record_screening(answers); });
}

void StationApp::record_assessment(const nlohmann::json& findings, Reply<Done> reply) {
  impl_->command(std::move(reply),
                 [s = impl_.get(), findings] { return s->station->record_assessment(findings); });
}

// Photo folders from before they were keyed injectively are sorted out by the journal once per run, before
// the first photo is saved or compared (worker thread).
void StationApp::Impl::migrate_photos_once(const std::filesystem::path& dir) {
  if (photos_migrated) return;
  const auto migration = migrate_photo_folders(dir, reader());
  photos_migrated = true;
  for (const auto& note : migration.notes)
    std::cerr << "mesostation: photo folders: " << note << "\n";
}

cv::Mat StationApp::Impl::planning_photo() {
  if (config.camera.synthetic) {
    // The planning photo is taken without the handpiece (it hides the hair under it).
    sim::SyntheticCameraOptions photo = *config.camera.synthetic;
    photo.handpiece.reset();
    sim::SyntheticCamera synthetic(photo);
    vision::Frame frame;
    synthetic.next(frame);
    return frame.image;
  }
  return camera ? camera->latest_image() : cv::Mat();
}

namespace {

// The simulated close-up's density (a profile with a simulated close-up camera), or why there is none.
void measure_closeup(double simulated_per_cm2, AssessmentCapture& a) {
  if (simulated_per_cm2 <= 0) {
    a.message += "; no close-up camera: load a close-up file or enter the hair count by hand";
    return;
  }
  cv::Mat closeup;
  const double px_per_mm = 50;
  sim::render_closeup(closeup, simulated_per_cm2, px_per_mm, 7);
  try {
    const auto estimate = vision::estimate_hair_density(closeup, px_per_mm);
    a.density_per_cm2 = estimate.hairs_per_cm2;
    a.density_method = estimate.method;
  } catch (const std::exception& e) {
    a.message += std::string("; no density: ") + e.what();
  }
}

}  // namespace

void StationApp::capture_assessment_photo(Reply<AssessmentCapture> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<AssessmentCapture>(*r));
    const auto& snap = s.station->snapshot();
    if (!snap.session_open)
      return answer(reply, Result<AssessmentCapture>(refusal(Refused::state, "no session is open")));
    s.worker->post([&s, patient = snap.patient, session = snap.session_id, reply] {
      AssessmentCapture a;
      const std::filesystem::path dir = s.config.db.string() + ".photos";
      try {
        s.migrate_photos_once(dir);
        const auto photo = save_assessment_photo(s.planning_photo(), s.layout, dir, patient, session);
        a.photo_file = photo.file.string();
        a.photo_sha256 = photo.sha256;
        a.now_bgr = photo.plane_bgr;
        a.message = "photo saved: " + a.photo_file;
        if (const auto before = previous_photo(dir, patient, session, &s.reader())) {
          a.before_bgr = cv::imread(before->string(), cv::IMREAD_COLOR);
          if (!a.before_bgr.empty()) a.before_label = before->stem().string();
        }
      } catch (const std::exception& e) {
        a.message = std::string("no photo: ") + e.what();
      }
      measure_closeup(s.config.simulated_closeup_per_cm2, a);
      answer(reply, Result<AssessmentCapture>(std::move(a)));
    });
  });
}

void StationApp::estimate_density_from_file(const std::string& path, double px_per_mm,
                                            Reply<CloseupDensity> reply) {
  auto& s = *impl_;
  s.post([&s, path, px_per_mm, reply = std::move(reply)] {
    if (auto r = s.may_command()) return answer(reply, Result<CloseupDensity>(*r));
    if (!s.station->snapshot().session_open)
      return answer(reply, Result<CloseupDensity>(refusal(Refused::state, "no session is open")));
    s.worker->post([path, px_per_mm, reply] {
      answer(reply, Result<CloseupDensity>(density_from_closeup(path, px_per_mm)));
    });
  });
}

}  // namespace meso::station
