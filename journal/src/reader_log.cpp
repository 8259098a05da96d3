// The reader's view of the station's log: its latest checkpoint and inclusion proofs.
#include <stdexcept>

#include "log_store.hpp"
#include "meso/journal/merkle_proof.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/result.hpp"
#include "reader_state.hpp"

namespace meso::journal {

std::optional<SignedCheckpoint> JournalReader::latest_checkpoint() const {
  return detail::LogStore(state_->db.connection).latest_checkpoint();
}

std::optional<SessionInclusion> JournalReader::prove_session(SessionId id) const {
  if (!session(id)) throw JournalError(Errc::unknown_session, "no session " + std::to_string(id));
  detail::LogStore log(state_->db.connection);
  const auto latest = log.latest_checkpoint();
  if (!latest) return std::nullopt;
  SessionInclusion out;
  out.checkpoint = *latest;
  const SubtreeHash mth = [&log](std::uint64_t begin, std::uint64_t end) {
    return log.subtree_hash(begin, end);
  };
  sqlite::Statement leaves(state_->db.connection,
                           "SELECT seq, idx, hash FROM log_leaves WHERE session_id = ?1 ORDER BY seq");
  leaves.bind(1, id);
  while (leaves.step()) {
    const auto index = static_cast<std::uint64_t>(leaves.column_int(1));
    if (index >= latest->tree_size) {
      ++out.unproven;
      continue;
    }
    EventInclusion& event = out.events.emplace_back();
    event.seq = leaves.column_int(0);
    event.index = index;
    const auto blob = leaves.column_blob(2);
    if (blob.size() == event.leaf.size()) std::copy(blob.begin(), blob.end(), event.leaf.begin());
    event.path = inclusion_proof(index, latest->tree_size, mth);
  }
  return out;
}

std::vector<Digest> JournalReader::prove_consistency(std::uint64_t old_size, std::uint64_t new_size) const {
  detail::LogStore log(state_->db.connection);
  if (new_size > log.size())
    throw std::invalid_argument("the log holds " + std::to_string(log.size()) + " leaves, not " +
                                std::to_string(new_size));
  return consistency_proof(old_size, new_size, [&log](std::uint64_t begin, std::uint64_t end) {
    return log.subtree_hash(begin, end);
  });
}

}  // namespace meso::journal
