// The station's log at the size of years of treatment (docs/performance.md, "The station's log"): a log of
// 10 million leaves in SQLite, with the nodes and checkpoint the writer keeps, then
//  - a session's inclusion proofs (7 events) against the latest checkpoint, through JournalReader, next to
//    the same proofs from a MemoryTree of the same leaves in memory (the baseline: what storage adds);
//  - a consistency proof between two sizes of that log, likewise.
// Usage: log_bench [--leaves N] [Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

#include "meso/journal/merkle_proof.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/schema.hpp"
#include "meso/journal/writer.hpp"

namespace {

using namespace meso::journal;  // NOLINT(google-build-using-namespace): a benchmark's main file

constexpr std::int64_t kSessionEvents = 7;  // the proven session: the log's last 7 leaves

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

// Leaves of random hashes (the tree does not care what the events were), the last 7 session 1's; then a
// writer opens and closes, completing the nodes and signing a checkpoint of the whole log.
void build_log(const std::filesystem::path& db_path, const std::filesystem::path& key, std::int64_t leaves) {
  migrate(db_path, kSchemaVersion);
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open the bench log");
  const std::string first_of_session = std::to_string(leaves - kSessionEvents);
  exec(db,
       "BEGIN; INSERT INTO users(id, name, role, password_hash, created_utc) VALUES(1, 'bench', 'admin', "
       "'x', 'x'); INSERT INTO patients(id, pseudonym, tag, created_utc) VALUES(1, 'P-BENCH', 'real', 'x'); "
       "INSERT INTO sessions(id, patient_id, user_id, tag, state, opened_utc) VALUES(1, 1, 1, 'real', "
       "'sealed', 'x'); "
       "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " +
           std::to_string(leaves) +
           ") INSERT INTO log_leaves(idx, session_id, seq, hash) SELECT i, CASE WHEN i >= " +
           first_of_session + " THEN 1 ELSE 0 END, CASE WHEN i >= " + first_of_session + " THEN i - " +
           first_of_session + " + 1 ELSE i + 1 END, randomblob(32) FROM n; COMMIT;");
  sqlite3_close(db);
  const JournalWriter writer(WriterOptions{db_path, key});
}

MemoryTree memory_copy(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* leaves = nullptr;
  sqlite3_prepare_v2(db, "SELECT hash FROM log_leaves ORDER BY idx", -1, &leaves, nullptr);
  MemoryTree tree;
  while (sqlite3_step(leaves) == SQLITE_ROW) {
    Digest leaf{};
    std::memcpy(leaf.data(), sqlite3_column_blob(leaves, 0), leaf.size());
    tree.append(leaf);
  }
  sqlite3_finalize(leaves);
  sqlite3_close(db);
  return tree;
}

// What every benchmark here reads: the log in SQLite and the same leaves in memory.
struct Fixture {
  const JournalReader* reader = nullptr;
  const MemoryTree* memory = nullptr;
  std::uint64_t size = 0;
  std::uint64_t old_size = 0;  // a ragged edge: no shortcut for either side
};

void BM_LogProveSession(benchmark::State& state, const Fixture& f) {
  for ([[maybe_unused]] auto _ : state) {
    const auto proof = f.reader->prove_session(1);
    if (!proof || proof->events.size() != kSessionEvents) state.SkipWithError("no proof");
    benchmark::DoNotOptimize(proof);
  }
}

void BM_Baseline_LogProveSession(benchmark::State& state, const Fixture& f) {
  const SubtreeHash mth = f.memory->subtree_hash();
  for ([[maybe_unused]] auto _ : state) {
    for (std::uint64_t index = f.size - kSessionEvents; index < f.size; ++index)
      benchmark::DoNotOptimize(inclusion_proof(index, f.size, mth));
  }
}

void BM_LogProveConsistency(benchmark::State& state, const Fixture& f) {
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(f.reader->prove_consistency(f.old_size, f.size));
}

void BM_Baseline_LogProveConsistency(benchmark::State& state, const Fixture& f) {
  const SubtreeHash mth = f.memory->subtree_hash();
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(consistency_proof(f.old_size, f.size, mth));
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
  const std::int64_t leaves = take_option(argc, argv, "--leaves", 10'000'000);
  benchmark::Initialize(&argc, argv);
  const auto dir = std::filesystem::temp_directory_path() / ("meso_log_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::cerr << "building a log of " << leaves << " leaves in " << dir << " ...\n";
  build_log(dir / "log.db", dir / "station.key", leaves);
  const JournalReader reader(dir / "log.db");
  const MemoryTree memory = memory_copy(dir / "log.db");
  const auto size = static_cast<std::uint64_t>(leaves);
  Fixture fixture{&reader, &memory, size, size / 2 + 12'345};

  benchmark::RegisterBenchmark("BM_LogProveSession/sqlite", [&fixture](benchmark::State& state) {
    BM_LogProveSession(state, fixture);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Baseline_LogProveSession/memory", [&fixture](benchmark::State& state) {
    BM_Baseline_LogProveSession(state, fixture);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_LogProveConsistency/sqlite", [&fixture](benchmark::State& state) {
    BM_LogProveConsistency(state, fixture);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Baseline_LogProveConsistency/memory", [&fixture](benchmark::State& state) {
    BM_Baseline_LogProveConsistency(state, fixture);
  })->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(dir);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "log_bench: " << e.what() << '\n';
  return 1;
}
