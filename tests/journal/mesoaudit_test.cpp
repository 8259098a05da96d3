// Runs the built mesoaudit binary: its exit codes and outputs, the exports' escaping, and a journal on a
// read-only file and in a read-only directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "journal_fixture.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::journal::testing {
namespace {

class MesoauditTest : public JournalTest {
 protected:
  void SetUp() override {
    JournalTest::SetUp();
    open_writer();
    sealed_ = make_sealed_session();
    test_session_ = open_session(staff_.qa, patients_.test, Tag::test);
    append(test_session_, staff_.qa, "alarm.link_lost", {{"reason", "cable pulled <on purpose>"}});
    append(test_session_, staff_.qa, "note", {{"text", "a \"quoted\", comma\nand newline"}});
    append(test_session_, staff_.qa, "shot.recorded",
           {{"command_id", 5}, {"dose_nl", 25}, {"depth_um", 800}});
    append(test_session_, staff_.qa, "dose.corrected", {{"reason", "wrong syringe"}, {"dose_nl", 20}});
    key_ = writer().public_key();
    close_writer();
  }

  CommandResult audit(std::vector<std::string> args, bool unprivileged = false) {
    args.insert(args.begin(), {MESOAUDIT_PATH, "--db", db_path().string()});
    return run_command(args, unprivileged);
  }

  SessionId sealed_ = 0;
  SessionId test_session_ = 0;
  PublicKey key_{};
};

TEST_F(MesoauditTest, ListsAndFiltersSessions) {
  const auto all = audit({"list"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("P-0001"), std::string::npos);
  EXPECT_NE(all.out.find("T-0001"), std::string::npos);
  const auto json = nlohmann::json::parse(audit({"list", "--json", "--tag", "test", "--state", "open"}).out);
  ASSERT_EQ(json.size(), 1U);
  EXPECT_EQ(json[0]["id"], test_session_);
  EXPECT_EQ(json[0]["opened_by"], "qa.bob");
  EXPECT_EQ(
      nlohmann::json::parse(audit({"list", "--json", "--patient", "P-0001", "--user", "dr.ana"}).out).size(),
      1U);
  EXPECT_EQ(nlohmann::json::parse(audit({"list", "--json", "--to", "2000-01-01"}).out).size(), 0U);
  EXPECT_EQ(nlohmann::json::parse(audit({"list", "--json", "--from", "2000-01-01"}).out).size(), 2U);
  EXPECT_NE(audit({"list", "--tag", "prod"}).exit_code, 0);
}

TEST_F(MesoauditTest, ShowsWhoWhatWhenAndWhy) {
  const auto shown = audit({"show", std::to_string(sealed_)});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("dr.ana (clinician)  session.closed  why: treatment complete"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("Integrity: intact"), std::string::npos);
  EXPECT_EQ(audit({"show", "999"}).exit_code, 3);
}

TEST_F(MesoauditTest, VerifyExitsZeroWhenIntactAndOneNamingTheFirstBadEvent) {
  write_public_key_file(dir() / "station.pub", key_);
  const auto good = audit({"verify", "--public-key", (dir() / "station.pub").string()});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("OK: intact: 2 sessions"), std::string::npos) << good.out;
  EXPECT_NE(good.out.find("1 open"), std::string::npos) << good.out;

  ASSERT_EQ(
      run_sqlite3(db_path(),
                  "DROP TRIGGER events_no_update; UPDATE events SET payload = '{}' WHERE session_id = " +
                      std::to_string(sealed_) + " AND seq = 4;")
          .exit_code,
      0);
  const auto bad = audit({"verify"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("FAILED: session " + std::to_string(sealed_) + ", seq 4: hash_mismatch"),
            std::string::npos)
      << bad.out;
  const auto json = nlohmann::json::parse(audit({"verify", "--json"}).out);
  EXPECT_FALSE(json["ok"].get<bool>());
  EXPECT_EQ(json["first_problem"]["seq"], 4);
  EXPECT_EQ(json["first_problem"]["problem"], "hash_mismatch");
  EXPECT_EQ(audit({"verify", "--session", std::to_string(test_session_)}).exit_code, 0);
}

TEST_F(MesoauditTest, VerifyRefusesSealsByAnotherKey) {
  PublicKey other = key_;
  other[5] ^= 0x40U;
  write_public_key_file(dir() / "other.pub", other);
  const auto result = audit({"verify", "--public-key", (dir() / "other.pub").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("unexpected_key"), std::string::npos) << result.out;
}

TEST_F(MesoauditTest, ExportsJsonCsvAndEscapedHtml) {
  const auto json =
      nlohmann::json::parse(audit({"export", std::to_string(test_session_), "--format", "json"}).out);
  EXPECT_EQ(json["session"]["patient"], "T-0001");
  EXPECT_EQ(json["events"].size(), 5U);
  EXPECT_EQ(json["events"][2]["payload"]["text"], "a \"quoted\", comma\nand newline");
  EXPECT_TRUE(json["integrity"]["ok"].get<bool>());

  const auto csv = audit({"export", std::to_string(test_session_), "--format", "csv"}).out;
  EXPECT_EQ(csv.rfind("session,seq,utc,mono_ns,user,role,tag,kind,corrects,payload,prev_hash,hash\r\n", 0),
            0U);
  // RFC 4180: the payload is quoted, its quotes doubled, its newline kept inside the quotes.
  EXPECT_NE(csv.find(R"(,"{""text"":""a \""quoted\"", comma\nand newline""}",)"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",dose.corrected,,"), std::string::npos);

  const auto html_file = dir() / "session.html";
  ASSERT_EQ(audit({"export", std::to_string(test_session_), "--format", "html", "--out", html_file.string()})
                .exit_code,
            0);
  std::ifstream in(html_file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string html = text.str();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(html.find("<on purpose>"), std::string::npos);
  EXPECT_NE(html.find("cable pulled &lt;on purpose&gt;"), std::string::npos);
  EXPECT_NE(html.find("test data: not part of any real patient"), std::string::npos);
  EXPECT_NE(html.find("alarm.link_lost"), std::string::npos);
  EXPECT_NE(html.find("<td>25</td><td>800</td>"), std::string::npos);  // dose table: dose_nl, depth_um
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // self-contained
}

TEST_F(MesoauditTest, ReportsUnreadableInput) {
  EXPECT_EQ(run_command({MESOAUDIT_PATH, "--db", (dir() / "missing.db").string(), "list"}).exit_code, 2);
  EXPECT_EQ(audit({"export", "999"}).exit_code, 3);
  EXPECT_NE(audit({}).exit_code, 0);
}

TEST_F(MesoauditTest, VerifiesAReadOnlyFile) {
  ASSERT_EQ(::chmod(db_path().c_str(), 0444), 0);
  const auto result = audit({"verify"}, true);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("OK: intact"), std::string::npos);
}

TEST_F(MesoauditTest, VerifiesAReadOnlyFileInAReadOnlyDirectory) {
  ASSERT_EQ(::chmod(db_path().c_str(), 0444), 0);
  ASSERT_EQ(::chmod(key_path().c_str(), 0400), 0);
  ASSERT_EQ(::chmod(dir().c_str(), 0555), 0);
  // Without the immutable fallback SQLite cannot create the WAL index here, and the open fails.
  const auto result = audit({"verify", "--json"}, true);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(nlohmann::json::parse(result.out)["ok"].get<bool>());
  EXPECT_EQ(audit({"show", std::to_string(sealed_)}, true).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(db_path().string() + "-shm"));
  // The check is real: an unprivileged write here is refused.
  EXPECT_NE(run_command({"/usr/bin/touch", (dir() / "x").string()}, true).exit_code, 0);
}

}  // namespace
}  // namespace meso::journal::testing
