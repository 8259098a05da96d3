// Runs the real mesoproto binary, as QA and scripts do, and checks its output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "meso/protocols/mesogun_json.hpp"
#include "meso/protocols/pen_json.hpp"

namespace meso::protocols {
namespace {

namespace mg = mesogun;

struct Result {
  int exit_code = -1;
  std::string output;
};

// `args` go through the shell: JSON is passed in single quotes, so it must not contain any.
Result mesoproto(const std::string& args, bool with_stderr = false) {
  const std::string command =
      std::string(MESOPROTO_PATH) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  Result result;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, got);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// docs/protocol.md A.8.
constexpr const char* kFireJson = R"({"type":"FIRE","seq":7,"ack":3,"command_id":42})";
constexpr const char* kFireHex = "040113070203022a0101050a8ecc1400";
constexpr const char* kFireHexOneBitFlipped = "040113070203022b0101050a8ecc1400";

TEST(MesoprotoCli, EncodesFireAsTheSpecExample) {
  const auto run = mesoproto("encode --protocol mesogun " + quoted(kFireJson));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output, std::string(kFireHex) + "\n");
}

TEST(MesoprotoCli, DecodeGivesBackTheSameJson) {
  const auto run = mesoproto("decode --protocol mesogun --hex " + std::string(kFireHex));
  EXPECT_EQ(run.exit_code, 0);
  const auto out = lines(run.output);
  ASSERT_EQ(out.size(), 1U);
  auto decoded = nlohmann::json::parse(out[0]);
  EXPECT_EQ(decoded["offset"], 0);
  decoded.erase("offset");
  EXPECT_EQ(decoded, nlohmann::json::parse(kFireJson));
}

TEST(MesoprotoCli, PenRoundTrip) {
  const std::string json = R"({"type":"DEP","depth_um":1500})";
  const auto encoded = mesoproto("encode -p pen " + quoted(json));
  ASSERT_EQ(encoded.exit_code, 0);
  const auto decoded = mesoproto("decode -p pen --hex " + encoded.output);
  EXPECT_EQ(decoded.exit_code, 0);
  auto line = nlohmann::json::parse(lines(decoded.output).at(0));
  line.erase("offset");
  EXPECT_EQ(line, nlohmann::json::parse(json));
}

TEST(MesoprotoCli, CorruptedFrameIsReportedAndTheNextOneStillDecodes) {
  const auto run = mesoproto("decode -p mesogun --hex " + std::string(kFireHexOneBitFlipped) + kFireHex);
  EXPECT_EQ(run.exit_code, 1);
  const auto out = lines(run.output);
  ASSERT_EQ(out.size(), 2U);
  const auto error = nlohmann::json::parse(out[0]);
  EXPECT_EQ(error["error"], "bad_crc");
  EXPECT_EQ(error["offset"], 0);
  EXPECT_EQ(error["bytes"], 16);
  const auto frame = nlohmann::json::parse(out[1]);
  EXPECT_EQ(frame["type"], "FIRE");
  EXPECT_EQ(frame["offset"], 16);
}

TEST(MesoprotoCli, UnfinishedFrameIsReportedAsIncomplete) {
  const auto run = mesoproto("decode -p mesogun --hex 04011307");
  EXPECT_EQ(run.exit_code, 1);
  const auto error = nlohmann::json::parse(lines(run.output).at(0));
  EXPECT_EQ(error["error"], "incomplete");
  EXPECT_EQ(error["bytes"], 4);
}

TEST(MesoprotoCli, InvalidFieldExitsTwoNamingTheField) {
  const auto run = mesoproto("encode -p mesogun " + quoted(R"({"type":"FIRE","command_id":-1})"), true);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("FIRE.command_id"), std::string::npos) << run.output;
}

TEST(MesoprotoCli, InvalidJsonAndBadHexExitTwo) {
  EXPECT_EQ(mesoproto("encode -p mesogun " + quoted(R"({"type":"FIRE",)")).exit_code, 2);
  EXPECT_EQ(mesoproto("decode -p mesogun --hex 0g").exit_code, 2);
  EXPECT_EQ(mesoproto("decode -p nonsense --hex 00").exit_code, 2);
}

TEST(MesoprotoCli, ExplainAnnotatesFieldsAndCrc) {
  const auto run = mesoproto("explain -p mesogun --hex " + std::string(kFireHex));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.output.find("command_id"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("CRC-32C"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("0x14cc8e0a ok"), std::string::npos) << run.output;
}

TEST(MesoprotoCli, ExplainShowsTheExpectedCrcOfACorruptedFrame) {
  const auto run = mesoproto("explain -p mesogun --hex " + std::string(kFireHexOneBitFlipped));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("MISMATCH (expected 0x"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("baud rate"), std::string::npos) << run.output;
}

template <class Message, std::size_t... I>
std::vector<Message> one_of_each(std::index_sequence<I...>) {
  return {Message(std::in_place_index<I>)...};
}

// Default values are valid on the wire except where a field forbids 0.
nlohmann::json every_mesogun_type() {
  auto json = nlohmann::json::array();
  for (auto message :
       one_of_each<mg::Message>(std::make_index_sequence<std::variant_size_v<mg::Message>>())) {
    if (auto* fire = std::get_if<mg::Fire>(&message)) fire->command_id = 42;
    if (auto* shot = std::get_if<mg::Shot>(&message)) shot->record.shot_counter = 1;
    if (auto* records = std::get_if<mg::ShotRecords>(&message)) {
      records->records = {mg::ShotRecord{5, 42, 1500, 20000, 100}, mg::ShotRecord{6, 0, 1500, 19990, 250}};
    }
    if (auto* identity = std::get_if<mg::Identity>(&message)) identity->model = "MG-200";
    json.push_back(mg::to_json(mg::Frame{1, 2, message}));
  }
  return json;
}

// The explainer's field tables are checked against the decoder at run time; this makes sure every type
// is run through that check.
TEST(MesoprotoCli, ExplainTablesCoverEveryMesogunType) {
  const auto json = every_mesogun_type();
  const auto encoded = mesoproto("encode -p mesogun " + quoted(json.dump()));
  ASSERT_EQ(encoded.exit_code, 0);
  std::string hex;
  for (const auto& line : lines(encoded.output))
    hex += line;
  const auto run = mesoproto("explain -p mesogun --hex " + hex);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(count(run.output, "out of date"), 0U) << run.output;
  EXPECT_EQ(count(run.output, " ok\n"), json.size()) << run.output;
}

TEST(MesoprotoCli, ExplainTablesCoverEveryPenKind) {
  auto json = nlohmann::json::array();
  for (const auto& message :
       one_of_each<pen::Message>(std::make_index_sequence<std::variant_size_v<pen::Message>>())) {
    json.push_back(pen::to_json(message));
  }
  const auto encoded = mesoproto("encode -p pen " + quoted(json.dump()));
  ASSERT_EQ(encoded.exit_code, 0);
  std::string hex;
  for (const auto& line : lines(encoded.output))
    hex += line;
  const auto run = mesoproto("explain -p pen --hex " + hex);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(count(run.output, "out of date"), 0U) << run.output;
  EXPECT_EQ(count(run.output, " ok\n"), json.size()) << run.output;
}

TEST(MesoprotoCli, ExampleCapturesHoldTheirDeliberateErrorsOnly) {
  const auto gun =
      mesoproto("decode -p mesogun --hex-in " + std::string(MESO_CAPTURES_DIR) + "/mesogun-session.hex");
  EXPECT_EQ(gun.exit_code, 1);
  EXPECT_EQ(count(gun.output, "\"error\""), 2U) << gun.output;
  EXPECT_EQ(count(gun.output, "\"bad_crc\""), 1U) << gun.output;
  EXPECT_EQ(count(gun.output, "\"cobs_invalid\""), 1U) << gun.output;
  const auto pen = mesoproto("decode -p pen --in " + std::string(MESO_CAPTURES_DIR) + "/pen-session.txt");
  EXPECT_EQ(pen.exit_code, 1);
  EXPECT_EQ(count(pen.output, "\"error\""), 1U) << pen.output;
  EXPECT_EQ(count(pen.output, "\"bad_checksum\""), 1U) << pen.output;
}

TEST(MesoprotoCli, DemoExplainsBothSessionsWithTheirErrors) {
  const auto run = mesoproto("demo");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(count(run.output, "out of date"), 0U) << run.output;
  EXPECT_NE(run.output.find("bad_crc"), std::string::npos);
  EXPECT_NE(run.output.find("cobs_invalid"), std::string::npos);
  EXPECT_NE(run.output.find("bad_checksum"), std::string::npos);
  EXPECT_NE(run.output.find("DISARM"), std::string::npos);  // the last frame, after the damage
}

}  // namespace
}  // namespace meso::protocols
