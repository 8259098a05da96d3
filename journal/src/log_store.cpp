#include "log_store.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

#include "meso/journal/merkle.hpp"

namespace meso::journal::detail {

namespace {

Digest digest_of(std::span<const std::uint8_t> blob) {
  Digest digest{};
  if (blob.size() != digest.size())
    throw std::runtime_error("the station's log holds a hash that is not 32 bytes");
  std::memcpy(digest.data(), blob.data(), digest.size());
  return digest;
}

std::int64_t as_int(std::uint64_t value) {
  return static_cast<std::int64_t>(value);
}

StoredCheckpoint checkpoint_from_row(const sqlite::Statement& row) {
  StoredCheckpoint checkpoint;
  checkpoint.id = row.column_int(0);
  checkpoint.tree_size = static_cast<std::uint64_t>(row.column_int(1));
  checkpoint.root = digest_of(row.column_blob(2));
  checkpoint.utc = row.column_text(3);
  const auto key = row.column_blob(4);
  if (key.size() == checkpoint.public_key.size())
    std::memcpy(checkpoint.public_key.data(), key.data(), key.size());
  checkpoint.note = row.column_text(5);
  return checkpoint;
}

constexpr const char* kCheckpointColumns =
    "SELECT id, tree_size, root, utc, public_key, note FROM log_checkpoints ";

}  // namespace

LogStore::LogStore(sqlite::Connection& connection)
    : connection_(connection),
      select_leaves_(connection, "SELECT hash FROM log_leaves WHERE idx >= ?1 AND idx < ?2 ORDER BY idx"),
      select_node_(connection, "SELECT hash FROM log_nodes WHERE level = ?1 AND idx = ?2") {}

std::uint64_t LogStore::size() {
  return static_cast<std::uint64_t>(
      connection_.query_int("SELECT coalesce(max(idx) + 1, 0) FROM log_leaves"));
}

std::vector<Digest> LogStore::leaves(std::uint64_t begin, std::uint64_t end) {
  std::vector<Digest> out;
  out.reserve(end - begin);
  select_leaves_.reset().bind(1, as_int(begin)).bind(2, as_int(end));
  while (select_leaves_.step())
    out.push_back(digest_of(select_leaves_.column_blob(0)));
  select_leaves_.reset();
  if (out.size() != end - begin)
    throw std::runtime_error("the station's log lacks leaves " + std::to_string(begin) + " to " +
                             std::to_string(end - 1));
  return out;
}

std::optional<Digest> LogStore::stored_node(int level, std::uint64_t index) {
  select_node_.reset().bind(1, std::int64_t{level}).bind(2, as_int(index));
  std::optional<Digest> found;
  if (select_node_.step()) found = digest_of(select_node_.column_blob(0));
  select_node_.reset();
  return found;
}

Digest LogStore::subtree_hash(std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t n = end - begin;
  constexpr std::uint64_t kStoredLeaves = std::uint64_t{1} << kStoredNodeLevel;
  if (n <= kStoredLeaves) {
    if (n == kStoredLeaves && begin % n == 0) {
      if (auto node = stored_node(kStoredNodeLevel, begin / n)) return *node;
    }
    return merkle_root(leaves(begin, end));
  }
  if (std::has_single_bit(n) && begin % n == 0) {
    if (auto node = stored_node(std::countr_zero(n), begin / n)) return *node;
  }
  const std::uint64_t k = std::bit_floor(n - 1);  // RFC 6962: the largest power of two smaller than n
  return merkle_node_hash(subtree_hash(begin, begin + k), subtree_hash(begin + k, end));
}

Digest LogStore::root(std::uint64_t tree_size) {
  if (tree_size == 0) return merkle_root({});
  return subtree_hash(0, tree_size);
}

std::optional<std::uint64_t> LogStore::index_of(SessionId session, Seq seq) {
  sqlite::Statement query(connection_, "SELECT idx FROM log_leaves WHERE session_id = ?1 AND seq = ?2");
  query.bind(1, session).bind(2, seq);
  if (!query.step()) return std::nullopt;
  return static_cast<std::uint64_t>(query.column_int(0));
}

void LogStore::complete_nodes() {
  const std::uint64_t leaves_held = size();
  sqlite::Statement last(connection_, "SELECT coalesce(max(idx) + 1, 0) FROM log_nodes WHERE level = ?1");
  sqlite::Statement insert(connection_, "INSERT INTO log_nodes(level, idx, hash) VALUES(?1, ?2, ?3)");
  for (int level = kStoredNodeLevel; level < 63 && (leaves_held >> level) != 0; ++level) {
    last.reset().bind(1, std::int64_t{level});
    last.step();
    auto next = static_cast<std::uint64_t>(last.column_int(0));
    last.reset();
    const std::uint64_t complete = leaves_held >> level;
    for (; next < complete; ++next) {
      const std::uint64_t width = std::uint64_t{1} << level;
      Digest hash{};
      if (level == kStoredNodeLevel) {
        hash = merkle_root(leaves(next * width, (next + 1) * width));
      } else {
        const auto left = stored_node(level - 1, 2 * next);
        const auto right = stored_node(level - 1, 2 * next + 1);
        if (!left || !right)
          throw std::runtime_error("the station's log lacks a node below level " + std::to_string(level));
        hash = merkle_node_hash(*left, *right);
      }
      insert.reset()
          .bind(1, std::int64_t{level})
          .bind(2, as_int(next))
          .bind(3, std::span<const std::uint8_t>(hash));
      insert.run();
    }
  }
}

std::optional<StoredCheckpoint> LogStore::latest_checkpoint() {
  sqlite::Statement query(connection_,
                          (std::string(kCheckpointColumns) + "ORDER BY id DESC LIMIT 1").c_str());
  if (!query.step()) return std::nullopt;
  return checkpoint_from_row(query);
}

std::vector<StoredCheckpoint> LogStore::checkpoints() {
  sqlite::Statement query(connection_, (std::string(kCheckpointColumns) + "ORDER BY id").c_str());
  std::vector<StoredCheckpoint> out;
  while (query.step())
    out.push_back(checkpoint_from_row(query));
  return out;
}

}  // namespace meso::journal::detail
