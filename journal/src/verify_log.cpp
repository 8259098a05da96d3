#include "verify_log.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "log_store.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/log_checkpoint.hpp"
#include "meso/journal/merkle.hpp"
#include "meso/journal/merkle_proof.hpp"

namespace meso::journal::detail {

namespace {

// The right edge of a tree built leaf by leaf: the roots of its complete subtrees, largest first. The tree's
// root is theirs folded from the right, since RFC 6962 splits at the largest power of two.
class Frontier {
 public:
  void push(const Digest& leaf) {
    Digest hash = leaf;
    int level = 0;
    while (!subtrees_.empty() && subtrees_.back().first == level) {
      hash = merkle_node_hash(subtrees_.back().second, hash);
      subtrees_.pop_back();
      ++level;
    }
    subtrees_.emplace_back(level, hash);
    ++size_;
  }
  std::uint64_t size() const { return size_; }
  Digest root() const {
    if (subtrees_.empty()) return merkle_root({});
    Digest hash = subtrees_.back().second;
    for (auto it = subtrees_.rbegin() + 1; it != subtrees_.rend(); ++it)
      hash = merkle_node_hash(it->second, hash);
    return hash;
  }

 private:
  std::vector<std::pair<int, Digest>> subtrees_;
  std::uint64_t size_ = 0;
};

class LogVerifier {
 public:
  LogVerifier(sqlite::Connection& connection, const VerifyOptions& options, const EventHashes& events,
              VerifyReport& report)
      : connection_(connection), options_(options), events_(events), report_(report), store_(connection) {}

  void run() {
    const std::vector<StoredCheckpoint> signed_checkpoints = checked_checkpoints();
    std::vector<std::uint64_t> sizes;
    sizes.reserve(signed_checkpoints.size() + 1);
    for (const StoredCheckpoint& checkpoint : signed_checkpoints)
      sizes.push_back(checkpoint.tree_size);
    if (options_.since) sizes.push_back(options_.since->tree_size);
    if (!scan_leaves(sizes)) return;
    check_every_event_is_a_leaf();
    check_against_checkpoints(signed_checkpoints);
    if (options_.since) check_extends(*options_.since, signed_checkpoints);
    check_sealed_sessions_are_covered();
  }

 private:
  void add(SessionId session, std::optional<Seq> seq, Problem problem, std::string detail) {
    report_.findings.push_back(Finding{session, seq, problem, std::move(detail)});
  }

  // One finding per session: its first, which the sessions' checks may have found already.
  bool has_finding(SessionId session) const {
    return std::any_of(report_.findings.begin(), report_.findings.end(),
                       [session](const Finding& finding) { return finding.session == session; });
  }

  void note_key(const PublicKey& key) {
    auto found = std::find_if(report_.seal_keys.begin(), report_.seal_keys.end(),
                              [&key](const SealKey& seen) { return seen.key == key; });
    if (found == report_.seal_keys.end()) report_.seal_keys.push_back(SealKey{key, {}});
  }

  // The stored checkpoints whose signature verifies and whose row says what its note says; a finding for
  // the first that does not.
  std::vector<StoredCheckpoint> checked_checkpoints() {
    std::vector<StoredCheckpoint> good;
    for (StoredCheckpoint& checkpoint : store_.checkpoints()) {
      const std::string which = "checkpoint " + std::to_string(checkpoint.id);
      std::string why;
      const auto opened = open_log_checkpoint(checkpoint.note, checkpoint.public_key, &why);
      if (!opened) {
        std::string detail = which;
        detail.append(": ").append(why).append(": it was forged or altered");
        add(0, std::nullopt, Problem::bad_signature, std::move(detail));
        break;
      }
      if (opened->tree_size != checkpoint.tree_size || opened->root != checkpoint.root) {
        add(0, std::nullopt, Problem::checkpoint_mismatch,
            which + ": its row does not say what its signed note says");
        break;
      }
      if (options_.expected_key && *options_.expected_key != checkpoint.public_key) {
        add(0, std::nullopt, Problem::unexpected_key,
            which + " was signed by another key, " + key_fingerprint(checkpoint.public_key) +
                ", not the station's " + key_fingerprint(*options_.expected_key));
        break;
      }
      note_key(checkpoint.public_key);
      good.push_back(std::move(checkpoint));
    }
    return good;
  }

  // Reads every leaf in order, gapless from 0, and keeps the root at each of `sizes`.
  bool scan_leaves(std::vector<std::uint64_t> sizes) {
    std::sort(sizes.begin(), sizes.end());
    auto next = sizes.begin();
    Frontier tree;
    const auto keep_roots = [&] {
      for (; next != sizes.end() && *next == tree.size(); ++next)
        roots_[*next] = tree.root();
    };
    keep_roots();
    sqlite::Statement leaves(connection_, "SELECT idx, session_id, seq, hash FROM log_leaves ORDER BY idx");
    while (leaves.step()) {
      const auto index = static_cast<std::uint64_t>(leaves.column_int(0));
      if (index != tree.size()) {
        add(0, std::nullopt, Problem::log_mismatch,
            "the station's log lacks leaf " + std::to_string(tree.size()) + " (the next is " +
                std::to_string(index) + "): leaves were removed");
        return false;
      }
      const auto blob = leaves.column_blob(3);
      Digest leaf{};
      if (blob.size() == leaf.size()) std::memcpy(leaf.data(), blob.data(), leaf.size());
      compare_with_event(index, leaves.column_int(1), leaves.column_int(2), leaf);
      tree.push(leaf);
      keep_roots();
    }
    report_.log.size = tree.size();
    report_.log.root = tree.root();
    return true;
  }

  struct SessionLeaves {
    const std::vector<Digest>* events = nullptr;  // none: the session has no event left
    Seq next = 1;                                 // the seq its next leaf must be
  };

  SessionLeaves& leaves_of(SessionId session) {
    if (last_ != nullptr && last_session_ == session) return *last_;
    auto [entry, added] = leaves_.try_emplace(session);
    if (added) {
      const auto found = events_.find(session);
      if (found != events_.end()) entry->second.events = &found->second;
    }
    last_session_ = session;
    last_ = &entry->second;
    return *last_;
  }

  // Leaf `index` must be the next event of its session, with that event's hash.
  void compare_with_event(std::uint64_t index, SessionId session, Seq seq, const Digest& leaf) {
    SessionLeaves& leaves = leaves_of(session);
    const Seq expected = leaves.next++;
    const auto held = leaves.events == nullptr ? Seq{0} : static_cast<Seq>(leaves.events->size());
    if (seq == expected && seq <= held && (*leaves.events)[static_cast<std::size_t>(seq - 1)] == leaf) return;
    if (has_finding(session)) return;
    const std::string where =
        session == 0 ? std::string("the station's own events") : "session " + std::to_string(session);
    const std::string which = "leaf " + std::to_string(index) + " of the station's log";
    if (seq != expected) {
      add(session, std::min(seq, expected), Problem::log_mismatch,
          which + " is seq " + std::to_string(seq) + " of " + where + " where seq " +
              std::to_string(expected) +
              " was due: an event was inserted outside the journal, or the log reordered");
    } else if (seq > held) {
      add(session, seq, Problem::log_mismatch,
          which + " is seq " + std::to_string(seq) + " of " + where + ", which is gone: " +
              (held == 0 ? std::string("the event, or its whole session, was deleted")
                         : std::string("its tail was cut (a sealed session reopened?)")));
    } else {
      add(session, seq, Problem::log_mismatch,
          "the event differs from " + which + ": it was changed after it was written");
    }
  }

  // An event that verified but has no leaf was written outside the journal.
  void check_every_event_is_a_leaf() {
    for (const auto& [session, hashes] : events_) {
      const auto found = leaves_.find(session);
      const Seq next = found == leaves_.end() ? 1 : found->second.next;
      if (next > static_cast<Seq>(hashes.size()) || has_finding(session)) continue;
      add(session, next, Problem::log_mismatch,
          "the event is not in the station's log: it was inserted outside the journal");
    }
  }

  void check_against_checkpoints(const std::vector<StoredCheckpoint>& checkpoints) {
    for (const StoredCheckpoint& checkpoint : checkpoints) {
      const std::string which = "checkpoint " + std::to_string(checkpoint.id) + " (" + checkpoint.utc + ")";
      if (checkpoint.tree_size > report_.log.size) {
        add(0, std::nullopt, Problem::checkpoint_mismatch,
            which + " signed " + std::to_string(checkpoint.tree_size) + " leaves, the log holds " +
                std::to_string(report_.log.size) + ": the log was cut back");
        return;
      }
      if (roots_.at(checkpoint.tree_size) != checkpoint.root) {
        add(0, std::nullopt, Problem::checkpoint_mismatch,
            "the log's first " + std::to_string(checkpoint.tree_size) + " leaves are not those " + which +
                " signed: events were changed, removed, inserted or reordered since");
        return;
      }
      ++report_.log.checkpoints;
      report_.log.checkpointed = checkpoint.tree_size;
    }
  }

  void check_extends(const KeptCheckpoint& kept, const std::vector<StoredCheckpoint>& checkpoints) {
    const std::string kept_text = "the checkpoint you kept (" + std::to_string(kept.tree_size) +
                                  " leaves, root " + to_hex(kept.root) + ")";
    if (kept.tree_size == 0) {  // every log extends the empty one
      report_.log.extends = 0;
      return;
    }
    if (kept.tree_size > report_.log.size) {
      add(0, std::nullopt, Problem::not_extended,
          "the log holds " + std::to_string(report_.log.size) + " leaves, fewer than " + kept_text +
              ": it was rolled back to an older copy or cut back");
      return;
    }
    const SubtreeHash mth = [this](std::uint64_t begin, std::uint64_t end) {
      return store_.subtree_hash(begin, end);
    };
    const auto proof = consistency_proof(kept.tree_size, report_.log.size, mth);
    // A checkpoint here that verified against this log and covers the kept one's size, when the log's
    // prefix is not the kept one: the key signed two histories that cannot both be true.
    std::string equivocation;
    for (const StoredCheckpoint& checkpoint : checkpoints) {
      if (checkpoint.tree_size >= kept.tree_size && roots_.at(kept.tree_size) != kept.root)
        equivocation = "; checkpoint " + std::to_string(checkpoint.id) + " here (" +
                       std::to_string(checkpoint.tree_size) +
                       " entries), signed by the same key, covers another history: the key signed two forks "
                       "(equivocation)";
    }
    const bool consistent =
        roots_.at(kept.tree_size) == kept.root &&
        verify_consistency(kept.tree_size, report_.log.size, kept.root, report_.log.root, proof);
    if (!consistent) {
      add(0, std::nullopt, Problem::not_extended,
          "the log does not extend " + kept_text + ": its first " + std::to_string(kept.tree_size) +
              " leaves are another history (rewritten, or an older copy)" + equivocation);
      return;
    }
    report_.log.extends = kept.tree_size;
  }

  void check_sealed_sessions_are_covered() {
    sqlite::Statement sealed(connection_,
                             "SELECT x.session_id, x.event_count, l.idx FROM seals x JOIN log_leaves l ON "
                             "l.session_id = x.session_id AND l.seq = x.event_count WHERE l.idx >= ?1 "
                             "ORDER BY x.session_id LIMIT 1");
    sealed.bind(1, static_cast<std::int64_t>(report_.log.checkpointed));
    if (!sealed.step() || has_finding(sealed.column_int(0))) return;
    add(sealed.column_int(0), sealed.column_int(1), Problem::not_checkpointed,
        "the session's last event is leaf " + std::to_string(sealed.column_int(2)) +
            " of the station's log, and no checkpoint covers it (the latest covers " +
            std::to_string(report_.log.checkpointed) +
            " leaves): a sealed session is always followed by a signed checkpoint; checkpoints were removed");
  }

  sqlite::Connection& connection_;
  const VerifyOptions& options_;
  const EventHashes& events_;
  VerifyReport& report_;
  LogStore store_;
  std::unordered_map<SessionId, SessionLeaves> leaves_;
  SessionId last_session_ = -1;
  SessionLeaves* last_ = nullptr;
  std::map<std::uint64_t, Digest> roots_;  // the log's root at each size a checkpoint names
};

}  // namespace

void verify_log(sqlite::Connection& connection, const VerifyOptions& options, const EventHashes& events,
                VerifyReport& report) {
  LogVerifier(connection, options, events, report).run();
}

}  // namespace meso::journal::detail
