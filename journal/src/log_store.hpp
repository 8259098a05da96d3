// The station's log as SQLite holds it (schema 6): its leaves, one per event in the order they were
// written (log_leaves); the hash of every aligned complete subtree of 2^8 leaves or more (log_nodes), so
// that a root or a proof reads O(log n) stored nodes and at most a few hundred leaves; and its signed
// checkpoints (log_checkpoints). The writer and the readers each use one over their own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meso/journal/reader.hpp"
#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"
#include "sqlite.hpp"

namespace meso::journal::detail {

inline constexpr int kStoredNodeLevel = 8;  // subtrees of 256 leaves and more are kept in log_nodes

// A checkpoint row is what the reader hands out: SignedCheckpoint (reader.hpp).
using StoredCheckpoint = SignedCheckpoint;

class LogStore {
 public:
  explicit LogStore(sqlite::Connection& connection);

  std::uint64_t size();
  // The Merkle tree hash (RFC 6962) of the leaves [begin, end), end > begin.
  Digest subtree_hash(std::uint64_t begin, std::uint64_t end);
  // The root of the first `tree_size` leaves; SHA-256 of nothing for an empty tree.
  Digest root(std::uint64_t tree_size);
  std::vector<Digest> leaves(std::uint64_t begin, std::uint64_t end);
  // Where an event sits in the log (session 0: the station's own events).
  std::optional<std::uint64_t> index_of(SessionId session, Seq seq);

  // The writer's: stores every complete subtree of 2^8 leaves or more that the log holds and log_nodes
  // lacks, inside the caller's transaction.
  void complete_nodes();

  std::optional<StoredCheckpoint> latest_checkpoint();
  std::vector<StoredCheckpoint> checkpoints();

 private:
  std::optional<Digest> stored_node(int level, std::uint64_t index);

  sqlite::Connection& connection_;
  sqlite::Statement select_leaves_;
  sqlite::Statement select_node_;
};

}  // namespace meso::journal::detail
