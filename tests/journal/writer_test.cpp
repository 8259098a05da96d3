// The writer: chained appends, callbacks after a durable commit, batching, queries by kind, recovery of open
// sessions, sealing and verification of an untouched journal, the key file, and SIGKILL mid-write.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <vector>

#include "journal_fixture.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/merkle.hpp"
#include "meso/journal/reader.hpp"

namespace meso::journal::testing {
namespace {

using WriterTest = JournalTest;

VerifyOptions only(SessionId session) {
  VerifyOptions options;
  options.session = session;
  return options;
}

VerifyOptions expecting(const PublicKey& key) {
  VerifyOptions options;
  options.expected_key = key;
  return options;
}

TEST_F(WriterTest, AppendsChainFromTheSessionGenesisWithGaplessSeq) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  const EventRef second = append(session, staff_.clinician, "fire.intent", {{"command_id", 1}});
  const EventRef third =
      append(session, staff_.clinician, "shot.recorded", {{"command_id", 1}, {"shot_counter", 9}});
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(third.seq, 3);
  close_writer();

  const JournalReader reader(db_path());
  const std::vector<Event> events = reader.timeline(session);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].kind, "session.opened");
  EXPECT_EQ(events[0].prev_hash, genesis_hash(session));
  EXPECT_EQ(events[1].prev_hash, events[0].hash);
  EXPECT_EQ(events[2].prev_hash, events[1].hash);
  EXPECT_EQ(events[2].hash, third.hash);
  EXPECT_EQ(events[1].role, "clinician");
  EXPECT_EQ(events[1].user_name, "dr.ana");
  EXPECT_EQ(events[1].utc.size(), 24U);  // 2025-11-26T10:14:38.123Z
  EXPECT_EQ(events[1].utc.back(), 'Z');
  EXPECT_LT(events[1].mono_ns, events[2].mono_ns);
  const auto opened = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(opened["patient"], "P-0001");
  EXPECT_EQ(opened["tag"], "real");
}

TEST_F(WriterTest, CallbacksRunAfterTheCommitOnTheWriterThread) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  const JournalReader reader(db_path());  // another connection: it sees committed rows only
  constexpr int kEvents = 300;
  std::mutex mutex;
  std::condition_variable all_done;
  int done = 0;
  std::set<Seq> seqs;
  std::atomic<int> invisible{0};
  const auto caller = std::this_thread::get_id();
  std::atomic<int> on_caller_thread{0};
  for (int i = 0; i < kEvents; ++i) {
    writer().append({session, staff_.clinician, "fire.intent", {{"command_id", i}}, {}, {}, {}},
                    [&](const Result<EventRef>& result) {
                      if (std::this_thread::get_id() == caller) ++on_caller_thread;
                      if (!result.ok() ||
                          reader.timeline(session).size() < static_cast<std::size_t>(result.value().seq)) {
                        ++invisible;
                      }
                      const std::lock_guard lock(mutex);
                      if (result.ok()) seqs.insert(result.value().seq);
                      if (++done == kEvents) all_done.notify_one();
                    });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, std::chrono::seconds(60), [&] { return done == kEvents; }));
  EXPECT_EQ(invisible.load(), 0);
  EXPECT_EQ(on_caller_thread.load(), 0);
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(*seqs.begin(), 2);
  EXPECT_EQ(*seqs.rbegin(), kEvents + 1);
}

TEST_F(WriterTest, RefusedAppendInABatchLeavesTheOthersIn) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  std::vector<Result<EventRef>> results;
  std::mutex mutex;
  for (int i = 0; i < 20; ++i) {
    const UserId user = i % 5 == 2 ? staff_.auditor : staff_.clinician;  // every fifth is refused
    writer().append({session, user, "note", {{"i", i}}, {}, {}, {}}, [&](const Result<EventRef>& result) {
      const std::lock_guard lock(mutex);
      results.push_back(result);
    });
  }
  close_writer();  // drains the queue
  ASSERT_EQ(results.size(), 20U);
  Seq expected = 2;
  for (const auto& result : results) {
    if (result.ok()) {
      EXPECT_EQ(result.value().seq, expected++);
    }
  }
  EXPECT_EQ(expected, 2 + 16);
  EXPECT_TRUE(JournalReader(db_path()).verify().ok());
}

TEST_F(WriterTest, EventsOfKindGiveTheStationItsIntentsAndOutcomes) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  append(session, staff_.clinician, "fire.intent", {{"command_id", 1}});
  append(session, staff_.clinician, "shot.recorded", {{"command_id", 1}, {"shot_counter", 1}});
  append(session, staff_.clinician, "fire.intent", {{"command_id", 2}});  // no outcome: the link dropped
  close_writer();
  const JournalReader reader(db_path());
  const auto intents = reader.events_of_kind(session, "fire.intent");
  const auto shots = reader.events_of_kind(session, "shot.recorded");
  ASSERT_EQ(intents.size(), 2U);
  ASSERT_EQ(shots.size(), 1U);
  std::set<int> resolved;
  for (const Event& shot : shots)
    resolved.insert(nlohmann::json::parse(shot.payload)["command_id"].get<int>());
  std::vector<int> unresolved;
  for (const Event& intent : intents) {
    const int id = nlohmann::json::parse(intent.payload)["command_id"].get<int>();
    if (resolved.count(id) == 0) unresolved.push_back(id);
  }
  EXPECT_EQ(unresolved, std::vector<int>{2});
}

TEST_F(WriterTest, RecoveryFindsOpenSessionsWithTheirLastSeq) {
  open_writer();
  const SessionId sealed = make_sealed_session();
  const SessionId open = open_session(staff_.clinician, patients_.real, Tag::real);
  append(open, staff_.clinician, "fire.intent", {{"command_id", 7}});
  close_writer();
  const JournalReader reader(db_path());
  const auto sessions = reader.open_sessions();
  ASSERT_EQ(sessions.size(), 1U);
  EXPECT_EQ(sessions[0].id, open);
  EXPECT_EQ(sessions[0].last_seq, 2);
  const VerifyReport report = reader.verify(only(open));
  EXPECT_TRUE(report.ok()) << describe(report);
  EXPECT_EQ(report.unsealed(), std::vector<SessionId>{open});
  EXPECT_NE(sealed, open);
  // The writer, reopened, continues the chain where it ended.
  open_writer();
  EXPECT_EQ(append(open, staff_.clinician, "shot.recorded", {{"command_id", 7}}).seq, 3);
}

TEST_F(WriterTest, SealsWithASignedMerkleRootThatVerifies) {
  open_writer();
  const PlanId plan =
      writer().add_plan(patients_.real, {{"zones", {"crown"}}, {"depth_um", 1500}}, staff_.clinician).value();
  const SessionId session =
      writer().create_session_sync({patients_.real, staff_.clinician, Tag::real, plan}).value();
  append(session, staff_.clinician, "shot.recorded", {{"dose_nl", 20}});
  const auto seal = writer().seal_session_sync(session, staff_.clinician, "treatment complete");
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  EXPECT_EQ(seal.value().event_count, 3);  // opened, shot, closed
  EXPECT_EQ(seal.value().public_key, writer().public_key());
  EXPECT_EQ(writer()
                .append_sync({session, staff_.clinician, "note", nlohmann::json::object(), {}, {}, {}})
                .error()
                .code,
            Errc::session_sealed);
  EXPECT_EQ(writer().seal_session_sync(session, staff_.clinician, "again").error().code,
            Errc::session_sealed);
  const PublicKey key = writer().public_key();
  close_writer();

  const JournalReader reader(db_path());
  const std::vector<Event> events = reader.timeline(session);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events.back().kind, "session.closed");
  std::vector<Digest> leaves;
  leaves.reserve(events.size());
  for (const Event& event : events)
    leaves.push_back(event.hash);
  EXPECT_EQ(reader.seal(session)->merkle_root, merkle_root(leaves));
  EXPECT_EQ(reader.session(session)->state, SessionState::sealed);
  const VerifyReport report = reader.verify(expecting(key));
  EXPECT_TRUE(report.ok()) << describe(report);
  EXPECT_EQ(report.events_checked, 3);
  EXPECT_TRUE(report.unsealed().empty());
  PublicKey other = key;
  other[0] ^= 1U;
  const VerifyReport wrong_key = reader.verify(expecting(other));
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.first_problem()->problem, Problem::unexpected_key);
}

TEST_F(WriterTest, KeyFileIsCreatedPrivateAndAnExposedOneIsRefused) {
  open_writer();
  const PublicKey key = writer().public_key();
  close_writer();
  struct stat info {};
  ASSERT_EQ(::stat(key_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777U, 0600U);
  EXPECT_EQ(info.st_size, 32);
  open_writer();
  EXPECT_EQ(writer().public_key(), key);  // the same key, read back
  close_writer();
  ::chmod(key_path().c_str(), 0644);
  try {
    JournalWriter writer(WriterOptions{db_path(), key_path()});
    FAIL() << "a world-readable key was used";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.code(), Errc::key_file);
  }
  write_public_key_file(dir() / "station.pub", key);
  EXPECT_EQ(read_public_key_file(dir() / "station.pub"), key);
}

// Public key files are 64 hex digits; the whitespace editors and `echo` add around them is tolerated, and
// anything else refused, since a second key or a comment after the first would be silently ignored.
TEST_F(WriterTest, PublicKeyFilesTolerateSurroundingWhitespaceOnly) {
  PublicKey key{};
  for (std::size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<std::uint8_t>(0xA0 + i);
  const std::string hex = to_hex(key);
  std::string upper = hex;
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto file = dir() / "station.pub";
  const auto read_back = [&file](const std::string& text) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    return read_public_key_file(file);
  };
  write_public_key_file(file, key);
  std::ifstream written(file, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(written), {}), hex + "\n");
  for (const std::string& tolerated :
       {hex, hex + "\n", hex + "\r\n", "  " + hex + " \t\n\n", "\n" + hex, upper}) {
    EXPECT_EQ(read_back(tolerated), key) << tolerated;
  }
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::string> refused_texts{std::string(),
                                               std::string("\n"),
                                               hex.substr(1),
                                               hex + "0",
                                               hex + "\n" + hex + "\n",
                                               hex + " # station A\n",
                                               "0x" + hex,
                                               hex.substr(0, 32) + " " + hex.substr(32),
                                               bom + hex,
                                               hex.substr(0, 63) + "g"};
  for (const std::string& refused : refused_texts) {
    EXPECT_THROW(
        {
          try {
            read_back(refused);
          } catch (const JournalError& e) {
            EXPECT_EQ(e.code(), Errc::key_file);
            throw;
          }
        },
        JournalError)
        << refused;
  }
}

// Hashes, roots, keys and signatures are raw bytes in the database, not hex text (docs/journal.md).
TEST_F(WriterTest, DigestsKeysAndSignaturesAreStoredAsRawBlobs) {
  open_writer();
  const SessionId session = make_sealed_session();
  ASSERT_TRUE(writer().record_login("dr.ana", true).ok());  // one station log entry
  const PublicKey key = writer().public_key();
  close_writer();
  const auto query = [this](const std::string& sql) {
    const auto result = run_sqlite3(db_path(), sql);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  };
  EXPECT_EQ(
      query("SELECT typeof(merkle_root), length(merkle_root), typeof(leaf_hashes), length(leaf_hashes), "
            "typeof(public_key), length(public_key), typeof(signature), length(signature) FROM seals "
            "WHERE session_id = " +
            std::to_string(session)),
      "blob|32|blob|224|blob|32|blob|64\n");
  const std::string key_hex = query("SELECT lower(hex(public_key)) FROM seals");
  EXPECT_EQ(key_hex, to_hex(key) + "\n");
  EXPECT_EQ(
      query("SELECT DISTINCT typeof(prev_hash), length(prev_hash), typeof(hash), length(hash) FROM events"),
      "blob|32|blob|32\n");
  EXPECT_EQ(query("SELECT DISTINCT typeof(prev_hash), length(prev_hash), typeof(hash), length(hash) "
                  "FROM station_events"),
            "blob|32|blob|32\n");
}

// A child process appends as fast as it can and reports each seq once its callback says it is durable; the
// parent kills it with SIGKILL mid-stream. Every seq reported must be in the database afterwards.
TEST_F(WriterTest, EventsReportedDurableSurviveSigkill) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  close_writer();
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    JournalWriter writer(WriterOptions{db_path(), key_path(), 16});
    for (int i = 0;; ++i) {
      writer.append({session, staff_.clinician, "fire.intent", {{"command_id", i}}, {}, {}, {}},
                    [fd = pipe_fds[1]](const Result<EventRef>& result) {
                      if (!result.ok()) ::_exit(3);
                      const Seq seq = result.value().seq;
                      if (::write(fd, &seq, sizeof seq) != sizeof seq) ::_exit(4);
                    });
      if (i % 8 == 7) ::usleep(200);  // let the queue drain now and then, as a station would
    }
  }
  ::close(pipe_fds[1]);
  Seq highest = 0;
  int reported = 0;
  Seq seq = 0;
  while (reported < 300 && ::read(pipe_fds[0], &seq, sizeof seq) == sizeof seq) {
    highest = std::max(highest, seq);
    ++reported;
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child stopped by itself: " << status;
  while (::read(pipe_fds[0], &seq, sizeof seq) == sizeof seq)
    highest = std::max(highest, seq);  // written before death
  ::close(pipe_fds[0]);
  ASSERT_GE(reported, 300);

  const JournalReader reader(db_path());
  const auto info = reader.session(session);
  ASSERT_TRUE(info.has_value());
  EXPECT_GE(info->last_seq, highest);
  const VerifyReport report = reader.verify();
  EXPECT_TRUE(report.ok()) << describe(report);
}

}  // namespace
}  // namespace meso::journal::testing
