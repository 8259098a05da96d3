// Runs the built mesoaudit binary: its exit codes and outputs, the exports' escaping, and a journal on a
// read-only file and in a read-only directory, also one whose transactions are all still in its -wal file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "journal_fixture.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/reader.hpp"
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

  std::string station_pub() {
    const auto path = dir() / "station.pub";
    write_public_key_file(path, key_);
    return path.string();
  }

  // What someone with the file and a key of their own does: re-signs the sealed session's seal and the
  // station log's checkpoints with that key (roots and leaves unchanged, so each verifies against the key
  // stored beside it). Returns the key.
  PublicKey resign_with_another_key() {
    SealInfo seal;
    {
      const JournalReader reader(db_path());
      seal = *reader.seal(sealed_);
    }
    const auto attacker = StationKey::load_or_create(dir() / "attacker.key");
    const Signature signature =
        attacker.sign(seal_message(sealed_, seal.event_count, seal.merkle_root, seal.sealed_utc));
    const auto sql = "DROP TRIGGER seals_no_update; UPDATE seals SET public_key = X'" +
                     to_hex(attacker.public_key()) + "', signature = X'" + to_hex(signature) +
                     "' WHERE session_id = " + std::to_string(sealed_) + ";";
    EXPECT_EQ(run_sqlite3(db_path(), sql).exit_code, 0);
    resign_checkpoints(db_path(), attacker);
    return attacker.public_key();
  }

  // A journal copied while the station still had it open, into a folder nobody may write (the files
  // read-only too): everything since the writer created it, the schema included, is still in the -wal
  // file, and the database file alone holds no schema at all. Returns the copy.
  std::filesystem::path read_only_copy_still_in_its_wal() {
    const auto live = dir() / "live.db";
    const auto folder = dir() / "handed-over";
    std::filesystem::create_directories(folder);
    {
      const JournalWriter writer(WriterOptions{live, key_path()});
      std::filesystem::copy_file(live, folder / "journal.db");
      std::filesystem::copy_file(live.string() + "-wal", folder / "journal.db-wal");
    }
    EXPECT_EQ(::chmod((folder / "journal.db").c_str(), 0444), 0);
    EXPECT_EQ(::chmod((folder / "journal.db-wal").c_str(), 0444), 0);
    EXPECT_EQ(::chmod(folder.c_str(), 0555), 0);
    return folder / "journal.db";
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
  EXPECT_EQ(audit({"show", "999"}).exit_code, 4);
}

TEST_F(MesoauditTest, VerifyExitsZeroWhenIntactAndOneNamingTheFirstBadEvent) {
  const auto good = audit({"verify", "--public-key", station_pub()});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("OK: intact: 2 sessions"), std::string::npos) << good.out;
  EXPECT_NE(good.out.find("1 open"), std::string::npos) << good.out;
  EXPECT_NE(good.out.find("signer established: every seal and checkpoint was signed by the station's key " +
                          key_fingerprint(key_)),
            std::string::npos)
      << good.out;

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
  EXPECT_FALSE(json["signer_established"].get<bool>());
  // The other session is still intact, but open: nothing signs it.
  EXPECT_EQ(
      audit({"verify", "--session", std::to_string(test_session_), "--public-key", station_pub()}).exit_code,
      3);
}

TEST_F(MesoauditTest, VerifyWithoutAKeyNeverSaysOkAndPrintsTheSealKeysFingerprint) {
  const auto result = audit({"verify"});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_EQ(result.out.find("OK"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.rfind("intact: 2 sessions", 0), 0U) << result.out;
  const std::string ending = "signer not established: compare the fingerprint " + key_fingerprint(key_) +
                             " with the station's, or give --public-key\n";
  ASSERT_GE(result.out.size(), ending.size());
  EXPECT_EQ(result.out.substr(result.out.size() - ending.size()), ending) << result.out;

  const auto json_run = audit({"verify", "--json"});
  EXPECT_EQ(json_run.exit_code, 3);
  const auto json = nlohmann::json::parse(json_run.out);
  EXPECT_TRUE(json["ok"].get<bool>());
  EXPECT_FALSE(json["signer_established"].get<bool>());
  EXPECT_TRUE(json["expected_key"].is_null());
  ASSERT_EQ(json["seal_keys"].size(), 1U);
  EXPECT_EQ(json["seal_keys"][0]["fingerprint"], key_fingerprint(key_));
  EXPECT_EQ(json["seal_keys"][0]["public_key"], to_hex(key_));
  EXPECT_EQ(json["seal_keys"][0]["sessions"], nlohmann::json::array({sealed_}));
  EXPECT_EQ(json["signer"], ending.substr(0, ending.size() - 1));

  const auto with_key = nlohmann::json::parse(audit({"verify", "--json", "--public-key", station_pub()}).out);
  EXPECT_TRUE(with_key["signer_established"].get<bool>());
  EXPECT_EQ(with_key["expected_key"]["fingerprint"], key_fingerprint(key_));
}

TEST_F(MesoauditTest, AJournalWithNoSealEstablishesNoSignerEvenWithTheKey) {
  const auto result =
      audit({"verify", "--session", std::to_string(test_session_), "--public-key", station_pub()});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.out.find("signer not established: no session here is sealed, so nothing is signed"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(audit({"verify", "--session", "999"}).exit_code, 4);
}

TEST_F(MesoauditTest, AJournalReSignedWithAnotherKeyIsNotOkWithoutTheKeyAndFailsWithIt) {
  const PublicKey attacker = resign_with_another_key();
  // Intact as far as the file alone can tell: only the fingerprint gives it away.
  const auto unanchored = audit({"verify"});
  EXPECT_EQ(unanchored.exit_code, 3) << unanchored.out;
  EXPECT_NE(unanchored.out.find(key_fingerprint(attacker)), std::string::npos) << unanchored.out;
  EXPECT_EQ(unanchored.out.find(key_fingerprint(key_)), std::string::npos) << unanchored.out;

  const auto anchored = audit({"verify", "--public-key", station_pub()});
  EXPECT_EQ(anchored.exit_code, 1) << anchored.out;
  // The first finding is the log's first checkpoint (session 0); the seal's is among the findings.
  EXPECT_NE(anchored.out.find("FAILED: session 0: unexpected_key: checkpoint 1 was signed by another key, " +
                              key_fingerprint(attacker)),
            std::string::npos)
      << anchored.out;
  const auto json = audit({"verify", "--public-key", station_pub(), "--json"});
  EXPECT_NE(json.out.find("this seal was signed by another key, " + key_fingerprint(attacker)),
            std::string::npos)
      << json.out;
  EXPECT_NE(anchored.out.find("not the station's " + key_fingerprint(key_)), std::string::npos)
      << anchored.out;
}

TEST_F(MesoauditTest, VerifyRefusesSealsByAnotherKey) {
  PublicKey other = key_;
  other[5] ^= 0x40U;
  write_public_key_file(dir() / "other.pub", other);
  const auto result = audit({"verify", "--public-key", (dir() / "other.pub").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find(": unexpected_key: checkpoint 1 was signed by another key"), std::string::npos)
      << result.out;
  const auto json = audit({"verify", "--public-key", (dir() / "other.pub").string(), "--json"});
  EXPECT_NE(json.out.find("this seal was signed by another key"), std::string::npos) << json.out;
}

// The station's log for an auditor who keeps a checkpoint (issue 18): print it, prove a session against it,
// and later prove the journal still extends it, or see that it does not.
TEST_F(MesoauditTest, AKeptCheckpointProvesTheLogExtendsItAndCatchesARollback) {
  const auto older = dir() / "older.db";
  std::filesystem::copy_file(db_path(), older);
  {
    JournalWriter writer(WriterOptions{db_path(), key_path()});
    ASSERT_TRUE(writer.seal_session_sync(test_session_, staff_.qa, "done").ok());
  }
  const auto checkpoint = audit({"checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  EXPECT_EQ(checkpoint.out.rfind("mesostation.local/", 0), 0U) << checkpoint.out;
  EXPECT_NE(checkpoint.out.find("\n\n\xE2\x80\x94 mesostation.local/"), std::string::npos) << checkpoint.out;
  const auto kept = dir() / "kept.checkpoint";
  std::ofstream(kept) << checkpoint.out;

  const auto extends = audit({"verify", "--since", kept.string(), "--public-key", station_pub()});
  EXPECT_EQ(extends.exit_code, 0) << extends.out << extends.err;
  EXPECT_NE(extends.out.find("it extends the checkpoint you kept"), std::string::npos) << extends.out;

  const auto proof = audit({"prove", std::to_string(sealed_)});
  ASSERT_EQ(proof.exit_code, 0) << proof.err;
  const auto json = nlohmann::json::parse(proof.out);
  EXPECT_EQ(json["checkpoint"], checkpoint.out);
  EXPECT_EQ(json["events"].size(), 7U);
  EXPECT_FALSE(json["events"][0]["path"].empty());

  // The journal put back to the copy taken before the last seal: intact alone, caught with --since.
  std::filesystem::copy_file(older, db_path(), std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(audit({"verify", "--public-key", station_pub()}).exit_code, 0);
  const auto rolled_back = audit({"verify", "--since", kept.string(), "--public-key", station_pub()});
  EXPECT_EQ(rolled_back.exit_code, 1) << rolled_back.out;
  EXPECT_NE(rolled_back.out.find("not_extended"), std::string::npos) << rolled_back.out;
  EXPECT_NE(rolled_back.out.find("rolled back"), std::string::npos) << rolled_back.out;

  // A checkpoint file the station's key did not sign is refused before anything is verified.
  std::ofstream(dir() / "forged.checkpoint") << checkpoint.out.substr(0, checkpoint.out.find("\n\n") + 2)
                                             << "\xE2\x80\x94 mesostation.local/x AAAA\n";
  const auto forged =
      audit({"verify", "--since", (dir() / "forged.checkpoint").string(), "--public-key", station_pub()});
  EXPECT_EQ(forged.exit_code, 2) << forged.out << forged.err;
}

TEST_F(MesoauditTest, HelpListsTheExitCodes) {
  const auto help = audit({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("3 verify: intact, but the signer is not established"), std::string::npos)
      << help.out;
  EXPECT_NE(help.out.find("4 no such session"), std::string::npos) << help.out;
}

TEST_F(MesoauditTest, ExportsJsonCsvAndEscapedHtml) {
  const auto json =
      nlohmann::json::parse(audit({"export", std::to_string(test_session_), "--format", "json"}).out);
  EXPECT_EQ(json["session"]["patient"], "T-0001");
  EXPECT_EQ(json["events"].size(), 5U);
  EXPECT_EQ(json["events"][2]["payload"]["text"], "a \"quoted\", comma\nand newline");
  EXPECT_TRUE(json["integrity"]["ok"].get<bool>());
  EXPECT_EQ(json["seal_key_fingerprint"], "not sealed");

  const auto csv = audit({"export", std::to_string(test_session_), "--format", "csv"}).out;
  EXPECT_EQ(csv.rfind("session,seq,utc,mono_ns,user,role,tag,kind,corrects,payload,prev_hash,hash,"
                      "seal_key_fingerprint\r\n",
                      0),
            0U);
  EXPECT_NE(csv.find(",not sealed\r\n"), std::string::npos) << csv;
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
  EXPECT_NE(html.find("<th>Seal key (fingerprint)</th><td>not sealed</td>"), std::string::npos);
}

TEST_F(MesoauditTest, ExportsShowTheSealKeysFingerprint) {
  const std::string fingerprint = key_fingerprint(key_);
  const auto id = std::to_string(sealed_);
  const auto json = nlohmann::json::parse(audit({"export", id, "--format", "json"}).out);
  EXPECT_EQ(json["seal_key_fingerprint"], fingerprint);
  EXPECT_EQ(json["seal"]["key_fingerprint"], fingerprint);

  const auto csv = audit({"export", id, "--format", "csv"}).out;
  std::size_t rows = 0;
  for (std::size_t at = csv.find("," + fingerprint + "\r\n"); at != std::string::npos;
       at = csv.find("," + fingerprint + "\r\n", at + 1))
    ++rows;
  EXPECT_EQ(rows, 7U) << csv;  // every event's row

  const auto html = audit({"export", id, "--format", "html"}).out;
  EXPECT_NE(html.find("<th>Seal key (fingerprint)</th><td>" + fingerprint + "</td>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("fingerprint <code>" + fingerprint + "</code>"), std::string::npos);
}

TEST_F(MesoauditTest, ReportsUnreadableInput) {
  EXPECT_EQ(run_command({MESOAUDIT_PATH, "--db", (dir() / "missing.db").string(), "list"}).exit_code, 2);
  EXPECT_EQ(audit({"export", "999"}).exit_code, 4);
  EXPECT_NE(audit({}).exit_code, 0);
}

TEST_F(MesoauditTest, VerifiesAReadOnlyFile) {
  ASSERT_EQ(::chmod(db_path().c_str(), 0444), 0);
  const auto result = audit({"verify", "--public-key", station_pub()}, true);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("OK: intact"), std::string::npos);
}

TEST_F(MesoauditTest, VerifiesAReadOnlyFileInAReadOnlyDirectory) {
  const std::string pub = station_pub();
  ASSERT_EQ(::chmod(db_path().c_str(), 0444), 0);
  ASSERT_EQ(::chmod(key_path().c_str(), 0400), 0);
  ASSERT_EQ(::chmod(dir().c_str(), 0555), 0);
  // Without the immutable fallback SQLite cannot create the WAL index here, and the open fails.
  const auto result = audit({"verify", "--json", "--public-key", pub}, true);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(nlohmann::json::parse(result.out)["ok"].get<bool>());
  EXPECT_EQ(audit({"show", std::to_string(sealed_)}, true).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(db_path().string() + "-shm"));
  // The check is real: an unprivileged write here is refused.
  EXPECT_NE(run_command({"/usr/bin/touch", (dir() / "x").string()}, true).exit_code, 0);
}

// SQLite cannot create the WAL index in a read-only folder, so the reader falls back to an immutable open,
// which does not see the -wal file; a journal whose schema is still in it must not pass for "not a
// MesoStation journal".
TEST_F(MesoauditTest, AJournalStillInItsWalInAReadOnlyFolderSaysTheWalWasNotRead) {
  const auto db = read_only_copy_still_in_its_wal();
  const std::vector<std::vector<std::string>> commands = {{"list"}, {"verify"}, {"show", "1"}};
  for (const auto& args : commands) {
    std::vector<std::string> argv = {MESOAUDIT_PATH, "--db", db.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run_command(argv, true);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.out << result.err;
    EXPECT_EQ(result.err.find("not a MesoStation journal"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("journal.db-wal could not be read"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("copy the folder"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("open it where it can be written"), std::string::npos) << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(db.string() + "-shm"));
  EXPECT_NE(run_command({"/usr/bin/touch", (db.parent_path() / "x").string()}, true).exit_code, 0);

  // What the message advises works: the same two files in a writable folder are an intact journal.
  const auto copy = dir() / "copied";
  std::filesystem::create_directories(copy);
  std::filesystem::copy_file(db, copy / "journal.db");
  std::filesystem::copy_file(db.string() + "-wal", copy / "journal.db-wal");
  const auto copied = run_command({MESOAUDIT_PATH, "--db", (copy / "journal.db").string(), "verify"}, true);
  EXPECT_EQ(copied.exit_code, 3) << copied.out << copied.err;  // intact, nothing sealed
  EXPECT_EQ(copied.out.rfind("intact: 0 sessions", 0), 0U) << copied.out;
}

// The same through the library, in a child that gives up root so the folder's mode applies to it.
TEST_F(MesoauditTest, AReaderOfAJournalStillInItsWalInAReadOnlyFolderThrowsWalUnread) {
  const auto db = read_only_copy_still_in_its_wal();
  constexpr int kWalUnread = 0;
  constexpr int kOtherError = 1;
  constexpr int kOpened = 2;
  constexpr int kCannotDropRoot = 3;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(kCannotDropRoot);
    try {
      const JournalReader reader(db);
      ::_exit(kOpened);
    } catch (const JournalError& e) {
      ::_exit(e.code() == Errc::wal_unread ? kWalUnread : kOtherError);
    } catch (...) {
      ::_exit(kOtherError);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  if (WEXITSTATUS(status) == kCannotDropRoot) GTEST_SKIP() << "cannot give up root here";
  EXPECT_EQ(WEXITSTATUS(status), kWalUnread);
}

}  // namespace
}  // namespace meso::journal::testing
