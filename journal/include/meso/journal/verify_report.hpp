// What verification found: per session the FIRST bad event and what is wrong with it, so an auditor can go
// straight to it. Open sessions are not failures, but their tail is not yet protected by a seal.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"

namespace meso::journal {

enum class Problem : std::uint8_t {
  seq_gap,             // the expected seq is missing (a deleted row, or rows renumbered)
  hash_mismatch,       // the stored hash is not the hash of the row's content (an edited row)
  chain_broken,        // prev_hash is not the previous event's hash (an inserted, removed or moved row)
  seal_leaf_mismatch,  // the event differs from the one the seal signed (a chain recomputed after an edit)
  missing_events,      // fewer events than the seal counts (a truncated tail)
  extra_events,        // more events than the seal counts (rows added after sealing)
  root_mismatch,       // the seal's Merkle root is not the root of its own leaf list
  bad_signature,       // the seal's signature does not verify
  unexpected_key,      // signed by a key other than the one the auditor expects
  header_mismatch,     // the sessions row or its patient disagrees with the signed "session.opened" event
  tag_mismatch,        // an event's tag is not its session's
  state_mismatch,      // "sealed" without a seal, or a seal on an "open" session
  orphan_event,        // an event whose session does not exist
  staff_mismatch,      // a users row's name or role is not what the station log says it was given
  log_mismatch,        // an event and the station's log disagree: missing from it, different, or gone from it
  checkpoint_mismatch,  // a stored checkpoint does not match the log (a rewritten or cut-back log) or is
                        // malformed
  not_checkpointed,     // a sealed session's last event is covered by no checkpoint
  not_extended,         // the log does not extend the checkpoint the auditor kept (rolled back or rewritten)
};

std::string_view to_string(Problem problem);

struct Finding {
  SessionId session = 0;
  std::optional<Seq> seq;  // the first bad event; none when the whole session (or its seal) is at fault
  Problem problem = Problem::hash_mismatch;
  std::string detail;
};

struct SessionVerdict {
  SessionId session = 0;
  SessionState state = SessionState::open;
  std::int64_t events = 0;
  bool intact = true;  // no finding for this session
};

// A key whose signature on one or more seals verified, and the sessions it sealed (in session order).
struct SealKey {
  PublicKey key{};
  std::vector<SessionId> sessions;
};

// The station's log as verification recomputed it from the events.
struct LogState {
  std::uint64_t size = 0;
  Digest root{};                         // of all `size` leaves (RFC 6962)
  std::int64_t checkpoints = 0;          // stored checkpoints that verified
  std::uint64_t checkpointed = 0;        // the tree size the latest of them signs
  std::optional<std::uint64_t> extends;  // the tree size of the kept checkpoint (--since) the log extends
};

struct VerifyReport {
  std::vector<Finding> findings;  // at most one per session (its first), ordered by session
  std::vector<SessionVerdict> sessions;
  std::int64_t events_checked = 0;
  // A seal only proves that it matches the key stored beside it: who signed is known only when the auditor
  // names the station's key (VerifyOptions::expected_key) and every seal verified against it.
  std::vector<SealKey> seal_keys;  // the keys of seals and checkpoints that verified
  std::optional<PublicKey> expected_key;
  LogState log;

  bool ok() const { return findings.empty(); }
  // Intact, at least one seal, and every seal signed by the expected key.
  bool signer_established() const { return ok() && expected_key && !seal_keys.empty(); }
  const Finding* first_problem() const { return findings.empty() ? nullptr : &findings.front(); }
  std::vector<SessionId> unsealed() const;
};

// A checkpoint an auditor kept from an earlier look at the journal: the log must extend it.
struct KeptCheckpoint {
  std::uint64_t tree_size = 0;
  Digest root{};
};

struct VerifyOptions {
  std::optional<SessionId> session;       // only this one; all sessions otherwise
  std::optional<PublicKey> expected_key;  // refuse seals and checkpoints signed by any other key
  std::optional<KeptCheckpoint> since;    // prove that the log extends this one (a consistency proof)
};

nlohmann::json to_json(const VerifyReport& report);
// "session 3, seq 17: hash_mismatch: ..." for the first problem, or a one-line summary when intact.
std::string describe(const VerifyReport& report);
// Who signed, as an auditor needs it: "signer established: ..." or "signer not established: ..." with the
// fingerprints of the seal keys found (key_fingerprint) to compare with the station's.
std::string describe_signer(const VerifyReport& report);

}  // namespace meso::journal
