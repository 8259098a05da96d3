// Journal benchmarks (docs/performance.md, "Journal (issue 4)"):
//  - durable append latency, p50 and p99, of one event through JournalWriter::append_sync, interleaved in the
//    same loop with a bare SQLite INSERT of a row of the same size into a table of the same shape, on its
//    own connection with the same durability (WAL, synchronous=FULL, one commit per row): the ratio is what
//    the journal costs over the floor the disk sets;
//  - a login under an unknown name against one under a known name with a wrong password: the ratio near 1
//    is what keeps the time taken from saying which names exist;
//  - verification throughput (events/s) of JournalReader::verify over sealed sessions, next to its two
//    unavoidable parts measured alone: SHA-256 of each event's record and the SQLite scan of the rows;
//  - inclusion and consistency proofs, made and verified, in a MemoryTree of --merkle-leaves leaves (ten
//    million: years of a station's events), against the Merkle root of 64 leaves (63 node hashes).
// Usage: journal_bench [--events-per-session N] [--sessions N] [--appends N] [--merkle-leaves N]
//                      [Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/journal/hashing.hpp"
#include "meso/journal/merkle.hpp"
#include "meso/journal/merkle_proof.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/writer.hpp"
#include "percentile.hpp"

namespace {

using namespace meso::journal;  // NOLINT(google-build-using-namespace): a benchmark's main file
using Clock = std::chrono::steady_clock;

// What the station journals most: a shot with its dose.
nlohmann::json shot_payload(int i) {
  return {{"command_id", 100000 + i}, {"shot_counter", 200000 + i}, {"dose_nl", 20}, {"depth_um", 1500}};
}

struct Setup {
  std::filesystem::path dir;
  std::int64_t sessions = 50;
  std::int64_t events_per_session = 4000;
  std::int64_t appends = 500;
  UserId user = 0;
  SessionId append_session = 0;
  std::size_t record_bytes = 0;
  int append_runs = 0;  // each run (repetition) of the append benchmark starts from fresh files
  std::uint64_t merkle_leaves = 10'000'000;
  std::unique_ptr<MemoryTree> merkle_tree;  // built by the first Merkle benchmark that runs
};

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

// A journal with `sessions` sealed sessions of `events_per_session` events each, written through the
// writer's batched appends.
void build_verify_journal(Setup& setup) {
  JournalWriter writer(WriterOptions{setup.dir / "verify.db", setup.dir / "station.key"});
  const UserId admin = writer.add_user({"root", Role::admin, "bench-password"}, std::nullopt).value();
  const UserId clinician = writer.add_user({"dr.bench", Role::clinician, "bench-password"}, admin).value();
  const PatientId patient = writer.add_patient({"P-BENCH", Tag::real}, clinician).value();
  for (std::int64_t s = 0; s < setup.sessions; ++s) {
    const SessionId session =
        writer.create_session_sync({patient, clinician, Tag::real, std::nullopt}).value();
    for (std::int64_t i = 0; i + 2 < setup.events_per_session; ++i) {
      writer.append({session, clinician, "shot.recorded", shot_payload(static_cast<int>(i)), {}, {}, {}}, {});
    }
    if (!writer.seal_session_sync(session, clinician, "bench").ok()) throw std::runtime_error("seal failed");
  }
}

void open_bare_table(sqlite3*& db, const std::filesystem::path& path) {
  check(sqlite3_open(path.c_str(), &db), db, "open bare");
  check(sqlite3_exec(
            db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events(session_id INTEGER, "
            "seq INTEGER, utc TEXT, mono_ns INTEGER, user_id INTEGER, role TEXT, tag TEXT, kind TEXT, "
            "corrects INTEGER, payload TEXT, prev_hash BLOB, hash BLOB, PRIMARY KEY(session_id, seq)) "
            "WITHOUT ROWID;",
            nullptr, nullptr, nullptr),
        db, "create bare");
}

void BM_JournalAppendDurable(benchmark::State& state, Setup& setup) {
  const std::string run = std::to_string(++setup.append_runs);
  JournalWriter writer(WriterOptions{setup.dir / ("append" + run + ".db"), setup.dir / "station.key"});
  const UserId admin = writer.add_user({"root", Role::admin, "bench-password"}, std::nullopt).value();
  const UserId clinician = writer.add_user({"dr.bench", Role::clinician, "bench-password"}, admin).value();
  const PatientId patient = writer.add_patient({"P-BENCH", Tag::real}, clinician).value();
  const SessionId session = writer.create_session_sync({patient, clinician, Tag::real, std::nullopt}).value();
  sqlite3* bare = nullptr;
  open_bare_table(bare, setup.dir / ("bare" + run + ".db"));
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(bare,
                           "INSERT INTO events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11)",
                           -1, &insert, nullptr),
        bare, "prepare bare");
  const Digest filler = sha256({});
  std::vector<double> journal_us;
  std::vector<double> bare_us;
  std::int64_t seq = 0;
  for ([[maybe_unused]] auto _ : state) {
    ++seq;
    const std::string payload = shot_payload(static_cast<int>(seq)).dump();
    const auto t0 = Clock::now();
    const auto appended = writer.append_sync(
        {session, clinician, "shot.recorded", shot_payload(static_cast<int>(seq)), {}, {}, {}});
    const auto t1 = Clock::now();
    if (!appended.ok()) {
      state.SkipWithError(appended.error().message.c_str());
      break;
    }
    const std::string utc = utc_now_iso8601();
    sqlite3_reset(insert);
    sqlite3_bind_int64(insert, 1, 1);
    sqlite3_bind_int64(insert, 2, seq);
    sqlite3_bind_text(insert, 3, utc.c_str(), static_cast<int>(utc.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 4, monotonic_now_ns());
    sqlite3_bind_int64(insert, 5, clinician);
    sqlite3_bind_text(insert, 6, "clinician", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 7, "real", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 8, "shot.recorded", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 9, payload.c_str(), static_cast<int>(payload.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 10, filler.data(), 32, SQLITE_STATIC);
    sqlite3_bind_blob(insert, 11, filler.data(), 32, SQLITE_STATIC);
    check(sqlite3_step(insert), bare, "bare insert");
    const auto t2 = Clock::now();
    journal_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    bare_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  sqlite3_finalize(insert);
  sqlite3_close(bare);
  if (journal_us.empty()) return;
  const double journal_p50 = meso::bench::percentile(journal_us, 0.50);
  const double journal_p99 = meso::bench::percentile(journal_us, 0.99);
  const double bare_p50 = meso::bench::percentile(bare_us, 0.50);
  const double bare_p99 = meso::bench::percentile(bare_us, 0.99);
  state.counters["journal_p50_us"] = journal_p50;
  state.counters["journal_p99_us"] = journal_p99;
  state.counters["bare_p50_us"] = bare_p50;
  state.counters["bare_p99_us"] = bare_p99;
  state.counters["ratio_p50"] = journal_p50 / bare_p50;
  state.counters["ratio_p99"] = journal_p99 / bare_p99;
}

void BM_JournalVerify(benchmark::State& state, const Setup& setup) {
  const JournalReader reader(setup.dir / "verify.db");
  std::int64_t events = 0;
  for ([[maybe_unused]] auto _ : state) {
    const VerifyReport report = reader.verify();
    if (!report.ok()) {
      state.SkipWithError("the benchmark journal does not verify");
      break;
    }
    events += report.events_checked;
  }
  state.SetItemsProcessed(events);
}

// The record hash alone, on records of the size the journal holds.
void BM_Baseline_JournalSha256(benchmark::State& state, const Setup& setup) {
  std::vector<std::uint8_t> record(setup.record_bytes, 0x5A);
  Digest digest{};
  for ([[maybe_unused]] auto _ : state) {
    digest = sha256(record);
    record[1] = digest[0];
    benchmark::DoNotOptimize(digest);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["record_bytes"] = static_cast<double>(setup.record_bytes);
}

// The Merkle tree's share: one node hash per event.
void BM_Baseline_JournalMerkleRoot(benchmark::State& state, const Setup& setup) {
  std::vector<Digest> leaves(static_cast<std::size_t>(setup.events_per_session));
  for (std::size_t i = 0; i < leaves.size(); ++i)
    leaves[i][0] = static_cast<std::uint8_t>(i);
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(merkle_root(leaves));
  state.SetItemsProcessed(state.iterations() * setup.events_per_session);
}

// Reading every column verification reads, in the same order, without hashing.
void BM_Baseline_JournalScan(benchmark::State& state, const Setup& setup) {
  sqlite3* db = nullptr;
  check(sqlite3_open_v2((setup.dir / "verify.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), db, "open");
  sqlite3_stmt* scan = nullptr;
  check(sqlite3_prepare_v2(
            db,
            "SELECT seq, utc, mono_ns, user_id, role, tag, kind, corrects, payload, prev_hash, hash "
            "FROM events WHERE session_id = ?1 ORDER BY seq",
            -1, &scan, nullptr),
        db, "prepare");
  std::int64_t rows = 0;
  std::size_t bytes = 0;
  for ([[maybe_unused]] auto _ : state) {
    for (SessionId session = 1; session <= setup.sessions; ++session) {
      sqlite3_reset(scan);
      sqlite3_bind_int64(scan, 1, session);
      while (sqlite3_step(scan) == SQLITE_ROW) {
        // The accessors verification uses: integers as integers, text and blobs in place.
        for (const int column : {0, 2, 3, 7})
          benchmark::DoNotOptimize(sqlite3_column_int64(scan, column));
        for (const int column : {1, 4, 5, 6, 8, 9, 10}) {
          benchmark::DoNotOptimize(sqlite3_column_blob(scan, column));
          bytes += static_cast<std::size_t>(sqlite3_column_bytes(scan, column));
        }
        ++rows;
      }
    }
  }
  benchmark::DoNotOptimize(bytes);
  sqlite3_finalize(scan);
  sqlite3_close(db);
  state.SetItemsProcessed(rows);
}

// The log the proofs are made in, built once: leaf i is the leaf hash of i's 8 bytes.
const MemoryTree& merkle_tree(Setup& setup) {
  if (!setup.merkle_tree) {
    std::cerr << "building a Merkle tree of " << setup.merkle_leaves << " leaves ...\n";
    auto tree = std::make_unique<MemoryTree>();
    tree->reserve(setup.merkle_leaves);
    for (std::uint64_t i = 0; i < setup.merkle_leaves; ++i) {
      std::array<std::uint8_t, 8> data{};
      std::memcpy(data.data(), &i, sizeof i);
      tree->append(merkle_leaf_hash(data));
    }
    setup.merkle_tree = std::move(tree);
  }
  return *setup.merkle_tree;
}

// Leaf indices and old sizes spread over the whole log, the same in every run.
std::uint64_t spread(std::uint64_t i, std::uint64_t below) {
  return (i * 0x9E3779B97F4A7C15ULL >> 11U) % below;
}

constexpr std::uint64_t kMerkleSamples = 256;

void BM_MerkleInclusionProof(benchmark::State& state, Setup& setup) {
  const MemoryTree& tree = merkle_tree(setup);
  const SubtreeHash mth = tree.subtree_hash();
  std::uint64_t i = 0;
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(inclusion_proof(spread(++i, tree.size()), tree.size(), mth));
  state.SetItemsProcessed(state.iterations());
  state.counters["leaves"] = static_cast<double>(tree.size());
}

void BM_MerkleInclusionVerify(benchmark::State& state, Setup& setup) {
  const MemoryTree& tree = merkle_tree(setup);
  const Digest root = tree.root();
  std::vector<std::uint64_t> indices;
  std::vector<std::vector<Digest>> proofs;
  for (std::uint64_t i = 1; i <= kMerkleSamples; ++i) {
    indices.push_back(spread(i, tree.size()));
    proofs.push_back(inclusion_proof(indices.back(), tree.size(), tree.subtree_hash()));
  }
  std::size_t k = 0;
  for ([[maybe_unused]] auto _ : state) {
    k = (k + 1) % indices.size();
    if (!verify_inclusion(tree.leaf_hash(indices[k]), indices[k], tree.size(), proofs[k], root)) {
      state.SkipWithError("an inclusion proof did not verify");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_MerkleConsistencyProof(benchmark::State& state, Setup& setup) {
  const MemoryTree& tree = merkle_tree(setup);
  const SubtreeHash mth = tree.subtree_hash();
  std::uint64_t i = 0;
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(consistency_proof(1 + spread(++i, tree.size() - 1), tree.size(), mth));
  state.SetItemsProcessed(state.iterations());
  state.counters["leaves"] = static_cast<double>(tree.size());
}

void BM_MerkleConsistencyVerify(benchmark::State& state, Setup& setup) {
  const MemoryTree& tree = merkle_tree(setup);
  const Digest root = tree.root();
  std::vector<std::uint64_t> sizes;
  std::vector<Digest> old_roots;
  std::vector<std::vector<Digest>> proofs;
  for (std::uint64_t i = 1; i <= kMerkleSamples; ++i) {
    sizes.push_back(1 + spread(i, tree.size() - 1));
    old_roots.push_back(tree.root_at(sizes.back()));
    proofs.push_back(consistency_proof(sizes.back(), tree.size(), tree.subtree_hash()));
  }
  std::size_t k = 0;
  for ([[maybe_unused]] auto _ : state) {
    k = (k + 1) % sizes.size();
    if (!verify_consistency(sizes[k], tree.size(), old_roots[k], root, proofs[k])) {
      state.SkipWithError("a consistency proof did not verify");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// The unit the proofs are measured in: 63 node hashes, about what a proof hashes below the stored subtrees.
void BM_Baseline_MerkleRoot64(benchmark::State& state, Setup& setup) {
  const MemoryTree& tree = merkle_tree(setup);
  std::vector<Digest> leaves;
  for (std::uint64_t i = 0; i < 64; ++i)
    leaves.push_back(tree.leaf_hash(spread(i, tree.size())));
  for ([[maybe_unused]] auto _ : state) {
    const Digest root = merkle_root(leaves);
    leaves[0] = root;
    benchmark::DoNotOptimize(root);
  }
  state.SetItemsProcessed(state.iterations());
}

// A failed login: the Argon2id check of a known name, or of the stand-in hash for an unknown one.
void BM_LoginUnknownName(benchmark::State& state, const Setup& setup) {
  const JournalReader reader(setup.dir / "verify.db");
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(reader.authenticate("nobody-here", "a-wrong-password"));
}

void BM_Baseline_LoginKnownName(benchmark::State& state, const Setup& setup) {
  const JournalReader reader(setup.dir / "verify.db");
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(reader.authenticate("dr.bench", "a-wrong-password"));
}

// The size of a typical record (a shot.recorded event), for the SHA-256 baseline.
std::size_t typical_record_bytes() {
  const std::string payload = shot_payload(1).dump();
  const EventFields fields{
      1,       1,       "2025-11-26T10:14:38.123Z", 1, 2, "clinician", "real", "shot.recorded", std::nullopt,
      payload, Digest{}};
  std::vector<std::uint8_t> record;
  serialize_event(fields, record);
  return record.size();
}

std::int64_t take_option(int& argc, char** argv, const std::string& name, std::int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) {
      const std::int64_t value = std::stoll(argv[i + 1]);
      std::copy(argv + i + 2, argv + argc, argv + i);
      argc -= 2;
      return value;
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) try {
  Setup setup;
  setup.events_per_session = take_option(argc, argv, "--events-per-session", setup.events_per_session);
  setup.sessions = take_option(argc, argv, "--sessions", setup.sessions);
  setup.appends = take_option(argc, argv, "--appends", setup.appends);
  setup.merkle_leaves = static_cast<std::uint64_t>(
      take_option(argc, argv, "--merkle-leaves", static_cast<std::int64_t>(setup.merkle_leaves)));
  benchmark::Initialize(&argc, argv);
  setup.dir = std::filesystem::temp_directory_path() / ("meso_journal_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(setup.dir);
  setup.record_bytes = typical_record_bytes();
  std::cerr << "building " << setup.sessions << " sealed sessions of " << setup.events_per_session
            << " events in " << setup.dir << " ...\n";
  build_verify_journal(setup);

  benchmark::RegisterBenchmark("BM_LoginUnknownName", [&setup](benchmark::State& state) {
    BM_LoginUnknownName(state, setup);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Baseline_LoginKnownName", [&setup](benchmark::State& state) {
    BM_Baseline_LoginKnownName(state, setup);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_JournalAppendDurable/shot",
                               [&setup](benchmark::State& state) { BM_JournalAppendDurable(state, setup); })
      ->Iterations(setup.appends)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_JournalVerify/sealed", [&setup](benchmark::State& state) {
    BM_JournalVerify(state, setup);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Baseline_JournalSha256/record", [&setup](benchmark::State& state) {
    BM_Baseline_JournalSha256(state, setup);
  });
  benchmark::RegisterBenchmark("BM_Baseline_JournalMerkleRoot/session", [&setup](benchmark::State& state) {
    BM_Baseline_JournalMerkleRoot(state, setup);
  })->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_Baseline_JournalScan/sealed", [&setup](benchmark::State& state) {
    BM_Baseline_JournalScan(state, setup);
  })->Unit(benchmark::kMillisecond);
  // One case name, so that scripts/bench_table.py sets each proof against the baseline beside it.
  const std::string merkle_case = "/" + std::to_string(setup.merkle_leaves) + "_leaves";
  benchmark::RegisterBenchmark(("BM_MerkleInclusionProof" + merkle_case).c_str(),
                               [&setup](benchmark::State& state) { BM_MerkleInclusionProof(state, setup); });
  benchmark::RegisterBenchmark(("BM_MerkleInclusionVerify" + merkle_case).c_str(),
                               [&setup](benchmark::State& state) { BM_MerkleInclusionVerify(state, setup); });
  benchmark::RegisterBenchmark(
      ("BM_MerkleConsistencyProof" + merkle_case).c_str(),
      [&setup](benchmark::State& state) { BM_MerkleConsistencyProof(state, setup); });
  benchmark::RegisterBenchmark(
      ("BM_MerkleConsistencyVerify" + merkle_case).c_str(),
      [&setup](benchmark::State& state) { BM_MerkleConsistencyVerify(state, setup); });
  benchmark::RegisterBenchmark(("BM_Baseline_MerkleRoot64" + merkle_case).c_str(),
                               [&setup](benchmark::State& state) { BM_Baseline_MerkleRoot64(state, setup); });
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(setup.dir);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "journal_bench: " << e.what() << '\n';
  return 1;
}
