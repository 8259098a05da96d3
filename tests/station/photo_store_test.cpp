// Assessment photos: saved in the headband's plane frame with their hash, found again as the patient's
// previous photo, and two sessions' photos of the same scalp taken from different distances and head poses
// line up. Two patients whose pseudonyms a sanitised folder name confused ("P.1" and "P_1") never see each
// other's photo, and folders written by that old naming are sorted out by the journal.
#include "meso/station/photo_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <opencv2/imgproc.hpp>
#include <set>

#include "meso/journal/hashing.hpp"
#include "meso/journal/writer.hpp"
#include "meso/sim/synthetic_camera.hpp"
#include "meso/vision/zones.hpp"

namespace meso::station {
namespace {

namespace fs = std::filesystem;

fs::path fresh_photo_dir(const std::string& prefix) {
  auto dir = fs::path(::testing::TempDir()) / (prefix + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

cv::Mat scalp_frame(double px_per_mm, int frames_later, std::uint64_t seed = 11) {
  sim::SyntheticCameraOptions options;
  options.seed = seed;
  options.px_per_mm = px_per_mm;
  sim::SyntheticCamera camera(options);
  vision::Frame frame;
  for (int i = 0; i <= frames_later; ++i)
    camera.next(frame);
  return frame.image;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga, gb, d;
  cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  cv::resize(gb, gb, ga.size());
  cv::absdiff(ga, gb, d);
  return cv::mean(d)[0];
}

std::string sha256_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return journal::to_hex(journal::sha256(bytes));
}

// A journal with two patients whose pseudonyms the old folder naming confused, and their sessions.
struct TwoPatients {
  explicit TwoPatients(const fs::path& dir) : writer({dir / "journal.db", dir / "station.key", 256}) {
    const auto admin = writer.add_user({"admin", journal::Role::admin, "admin-pass-1"}, std::nullopt).value();
    const auto clinician =
        writer.add_user({"dr.ines", journal::Role::clinician, "ines-pass-1"}, admin).value();
    const auto p_dot = writer.add_patient({"P.1", journal::Tag::test}, clinician).value();
    const auto p_underscore = writer.add_patient({"P_1", journal::Tag::test}, clinician).value();
    const auto open = [&](journal::PatientId patient) {
      return writer.create_session_sync({patient, clinician, journal::Tag::test, std::nullopt}).value();
    };
    dot = open(p_dot);
    underscore = open(p_underscore);
    dot_later = open(p_dot);
  }
  journal::JournalWriter writer;
  journal::SessionId dot = 0, underscore = 0, dot_later = 0;
};

TEST(PhotoFolderName, IsInjectiveAndKeepsPlainPseudonymsAsTheyAre) {
  EXPECT_EQ(photo_folder_name("P-7F3A"), "P-7F3A");
  EXPECT_EQ(photo_folder_name("P_1"), "P_1");
  EXPECT_EQ(photo_folder_name("P.1"), "P%2E1");
  EXPECT_EQ(photo_folder_name("P%2E1"), "P%252E1") << "the escape itself is escaped";
  EXPECT_EQ(photo_folder_name("P-7F/3A"), "P-7F%2F3A");
  EXPECT_EQ(photo_folder_name(".."), "%2E%2E");
  EXPECT_EQ(photo_folder_name("Zoë"), "Zo%C3%AB");
  EXPECT_THROW(photo_folder_name(""), std::invalid_argument);
  // Every pair of distinct short pseudonyms over a small alphabet gets distinct folders.
  const std::string alphabet = "P._%/-";
  std::vector<std::string> all;
  std::vector<std::string> shorter{""};
  for (int len = 1; len <= 3; ++len) {
    std::vector<std::string> longer;
    for (const auto& p : shorter)
      for (const char c : alphabet)
        longer.push_back(p + c);
    all.insert(all.end(), longer.begin(), longer.end());
    shorter = std::move(longer);
  }
  std::set<std::string> folders;
  for (const auto& p : all)
    folders.insert(photo_folder_name(p));
  EXPECT_EQ(folders.size(), all.size());
}

TEST(AssessmentPhoto, SavedInThePlaneFrameWithItsHashAndFoundAsThePreviousOne) {
  const fs::path dir = fresh_photo_dir("meso_photos_");
  const auto layout = vision::default_layout();
  const cv::Mat first = scalp_frame(2.6, 0);
  const cv::Mat second = scalp_frame(2.3, 150);  // farther away, five seconds of head motion later
  const auto a = save_assessment_photo(first, layout, dir, "P-7F/3A", 3);
  EXPECT_EQ(a.file, dir / "P-7F%2F3A" / "session-3.png") << "the pseudonym's slash stays out of the path";
  EXPECT_EQ(a.sha256, sha256_of(a.file));
  const auto box = vision::bounds(vision::scalp_outline(layout));
  EXPECT_NEAR(a.plane_bgr.cols, box.width() * kPhotoPxPerMm, 2);
  EXPECT_NEAR(a.plane_bgr.rows, box.height() * kPhotoPxPerMm, 2);
  EXPECT_FALSE(previous_photo(dir, "P-7F/3A", 3));
  const auto b = save_assessment_photo(second, layout, dir, "P-7F/3A", 5);
  EXPECT_EQ(previous_photo(dir, "P-7F/3A", 5), a.file);
  EXPECT_EQ(previous_photo(dir, "P-7F/3A", 9), b.file);
  EXPECT_FALSE(previous_photo(dir, "P-OTHER", 9));
  const double raw = mean_abs_diff(first, second);
  const double plane = mean_abs_diff(a.plane_bgr, b.plane_bgr);
  std::cout << "assessment photos: plane views differ by " << plane << " grey levels, raw frames by " << raw
            << "\n";
  EXPECT_LT(plane, 0.5 * raw) << "plane views differ by " << plane << " grey levels, raw frames by " << raw;
  fs::remove_all(dir);
}

TEST(AssessmentPhoto, AFrameWithoutTheHeadbandIsRefusedWithTheReason) {
  const cv::Mat blank(720, 1280, CV_8UC3, cv::Scalar(90, 110, 140));
  try {
    save_assessment_photo(blank, vision::default_layout(), ::testing::TempDir(), "P-1", 1);
    FAIL() << "a photo without markers was saved";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not registered"), std::string::npos) << e.what();
  }
}

// The privacy bug: "P.1" and "P_1" shared the folder "P_1", so P_1's assessment showed P.1's photo as
// "previous". Now each has its own folder, and the journal vouches for every previous photo.
TEST(AssessmentPhoto, TwoPatientsWhosePseudonymsOnceSharedAFolderNeverSeeEachOthersPhoto) {
  const fs::path dir = fresh_photo_dir("meso_photos_two_");
  TwoPatients journal(dir);
  const journal::JournalReader reader(dir / "journal.db");
  const fs::path photos = dir / "journal.db.photos";
  const auto layout = vision::default_layout();
  const auto dot = save_assessment_photo(scalp_frame(2.6, 0, 11), layout, photos, "P.1", journal.dot);
  EXPECT_NE(dot.file.parent_path(), photos / "P_1");
  EXPECT_FALSE(previous_photo(photos, "P_1", journal.underscore, &reader)) << "P_1 has no earlier photo";
  EXPECT_FALSE(previous_photo(photos, "P_1", journal.underscore)) << "not even by the folder alone";
  EXPECT_EQ(previous_photo(photos, "P.1", journal.dot_later, &reader), dot.file);
  // A photo put into P_1's folder by hand (or by the old naming) is not P_1's: the journal says whose it is.
  fs::create_directories(photos / "P_1");
  fs::copy_file(dot.file, photos / "P_1" / ("session-" + std::to_string(journal.dot) + ".png"),
                fs::copy_options::none);
  EXPECT_FALSE(previous_photo(photos, "P_1", journal.underscore + 10, &reader));
  fs::remove_all(dir);
}

TEST(PhotoMigration, OldSharedFoldersAreSortedByTheJournalOnceAndLogged) {
  const fs::path dir = fresh_photo_dir("meso_photos_migrate_");
  TwoPatients journal(dir);
  const journal::JournalReader reader(dir / "journal.db");
  const fs::path photos = dir / "journal.db.photos";
  // As the old naming left them: both patients' photos in "P_1", and one from a session no journal knows.
  fs::create_directories(photos / "P_1");
  const auto layout = vision::default_layout();
  const auto saved = save_assessment_photo(scalp_frame(2.6, 0, 11), layout, photos / "old", "X", 1);
  const auto old_photo = [&](journal::SessionId id) {
    fs::copy_file(saved.file, photos / "P_1" / ("session-" + std::to_string(id) + ".png"));
  };
  old_photo(journal.dot);
  old_photo(journal.underscore);
  old_photo(9999);
  fs::remove_all(photos / "old");
  const auto first = migrate_photo_folders(photos, reader);
  EXPECT_EQ(first.moved, 1) << "only P.1's photo was in the wrong folder";
  EXPECT_EQ(first.unattributed, 1);
  const fs::path dot_file = photos / "P%2E1" / ("session-" + std::to_string(journal.dot) + ".png");
  EXPECT_TRUE(fs::exists(dot_file));
  EXPECT_TRUE(fs::exists(photos / "P_1" / ("session-" + std::to_string(journal.underscore) + ".png")));
  EXPECT_TRUE(fs::exists(photos / ".unattributed" / "session-9999.png"));
  EXPECT_FALSE(fs::exists(photos / "P_1" / ("session-" + std::to_string(journal.dot) + ".png")));
  EXPECT_EQ(previous_photo(photos, "P.1", journal.dot_later, &reader), dot_file);
  EXPECT_FALSE(previous_photo(photos, "P_1", journal.underscore, &reader));
  std::ifstream log(photos / ".migrations.log");
  const std::string text{std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>()};
  EXPECT_NE(text.find("P_1/session-" + std::to_string(journal.dot) + ".png -> P%2E1/"), std::string::npos)
      << text;
  EXPECT_NE(text.find(saved.sha256), std::string::npos) << "each move names the file's SHA-256: " << text;
  const auto second = migrate_photo_folders(photos, reader);
  EXPECT_EQ(second.moved + second.unattributed, 0) << "a second run moves nothing";
  EXPECT_TRUE(second.notes.empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace meso::station
