// Verification reads each session's events once, in seq order, straight from SQLite's row buffers: one
// record hash per event, one comparison with the seal's leaf list, then the Merkle root and signature.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "meso/journal/hashing.hpp"
#include "meso/journal/merkle.hpp"
#include "meso/journal/reader.hpp"
#include "reader_state.hpp"
#include "verify_log.hpp"

namespace meso::journal {

namespace {

bool equal(std::span<const std::uint8_t> blob, const Digest& digest) {
  return blob.size() == digest.size() && std::memcmp(blob.data(), digest.data(), digest.size()) == 0;
}

std::string hex_or_bad(std::span<const std::uint8_t> blob) {
  return blob.empty() ? "(none)" : to_hex(blob);
}

struct StoredSeal {
  std::int64_t event_count = 0;
  Digest merkle_root{};
  std::vector<Digest> leaves;
  std::string sealed_utc;
  PublicKey public_key{};
  Signature signature{};
};

struct SessionRow {
  SessionId id = 0;
  PatientId patient = 0;
  UserId user = 0;
  std::optional<PlanId> plan;
  std::string tag;
  std::string state;
  std::string opened_utc;
  std::optional<std::string> closed_utc;
  std::string pseudonym;
  std::string patient_tag;
  std::optional<std::string> plan_sha256;
};

class Verifier {
 public:
  Verifier(sqlite::Connection& connection, const VerifyOptions& options)
      : connection_(connection),
        options_(options),
        events_(connection,
                "SELECT seq, utc, mono_ns, user_id, role, tag, kind, corrects, payload, prev_hash, hash "
                "FROM events WHERE session_id = ?1 ORDER BY seq"),
        seal_(connection,
              "SELECT event_count, merkle_root, leaf_hashes, sealed_utc, public_key, signature FROM seals "
              "WHERE session_id = ?1") {}

  VerifyReport run() {
    report_.expected_key = options_.expected_key;
    for (const SessionRow& session : sessions())
      check_session(session);
    if (!options_.session) {
      check_orphans();
      check_station_log();
      check_staff();
      detail::verify_log(connection_, options_, event_hashes_, report_);
    }
    std::stable_sort(report_.findings.begin(), report_.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.session < b.session; });
    return std::move(report_);
  }

 private:
  std::vector<SessionRow> sessions() {
    sqlite::Statement query(
        connection_,
        "SELECT s.id, s.patient_id, s.user_id, s.plan_id, s.tag, s.state, s.opened_utc, "
        "p.pseudonym, p.tag, pl.plan, s.closed_utc FROM sessions s "
        "LEFT JOIN patients p ON p.id = s.patient_id LEFT JOIN plans pl ON pl.id = s.plan_id "
        "WHERE ?1 IS NULL OR s.id = ?1 ORDER BY s.id");
    query.bind(1, options_.session);
    std::vector<SessionRow> rows;
    while (query.step()) {
      SessionRow& row = rows.emplace_back();
      row.id = query.column_int(0);
      row.patient = query.column_int(1);
      row.user = query.column_int(2);
      row.plan = query.column_optional_int(3);
      row.tag = query.column_text(4);
      row.state = query.column_text(5);
      row.opened_utc = query.column_text(6);
      row.pseudonym = query.column_text(7);
      row.patient_tag = query.column_text(8);
      if (!query.column_is_null(9)) {
        const auto plan = query.column_text(9);
        row.plan_sha256 = to_hex(sha256({reinterpret_cast<const std::uint8_t*>(plan.data()), plan.size()}));
      }
      if (!query.column_is_null(10)) row.closed_utc = std::string(query.column_text(10));
    }
    return rows;
  }

  std::optional<StoredSeal> load_seal(SessionId session) {
    seal_.reset().bind(1, session);
    if (!seal_.step()) return std::nullopt;
    StoredSeal seal;
    seal.event_count = seal_.column_int(0);
    const auto root = seal_.column_blob(1);
    if (root.size() == seal.merkle_root.size()) std::copy(root.begin(), root.end(), seal.merkle_root.begin());
    const auto leaves = seal_.column_blob(2);
    seal.leaves.resize(leaves.size() / sizeof(Digest));
    if (!seal.leaves.empty())
      std::memcpy(seal.leaves.data(), leaves.data(), seal.leaves.size() * sizeof(Digest));
    seal.sealed_utc = seal_.column_text(3);
    const auto key = seal_.column_blob(4);
    if (key.size() == seal.public_key.size()) std::copy(key.begin(), key.end(), seal.public_key.begin());
    const auto signature = seal_.column_blob(5);
    if (signature.size() == seal.signature.size()) {
      std::copy(signature.begin(), signature.end(), seal.signature.begin());
    }
    seal_.reset();
    return seal;
  }

  void add(SessionId session, std::optional<Seq> seq, Problem problem, std::string detail) {
    report_.findings.push_back(Finding{session, seq, problem, std::move(detail)});
  }

  // The sessions row, its patient and plan must say what the signed first event says.
  std::optional<std::string> header_problem(const SessionRow& session, std::string_view kind,
                                            std::string_view payload, std::string_view utc) const {
    if (kind != "session.opened")
      return "the first event is \"" + std::string(kind) + "\", not \"session.opened\"";
    const auto opened = nlohmann::json::parse(payload, nullptr, false);
    if (!opened.is_object()) return "the session.opened payload is not a JSON object";
    const auto field = [&opened](const char* name) { return opened.value(name, nlohmann::json()); };
    if (field("patient_id") != session.patient) return "sessions.patient_id differs from the signed opening";
    if (field("patient") != session.pseudonym)
      return "the patient's pseudonym differs from the signed opening";
    if (field("tag") != session.tag || session.patient_tag != session.tag) {
      return "the session's or patient's tag differs from the signed opening";
    }
    if (field("user_id") != session.user) return "sessions.user_id differs from the signed opening";
    const nlohmann::json plan = session.plan ? nlohmann::json(*session.plan) : nlohmann::json();
    if (field("plan_id") != plan) return "sessions.plan_id differs from the signed opening";
    const nlohmann::json plan_hash =
        session.plan_sha256 ? nlohmann::json(*session.plan_sha256) : nlohmann::json();
    if (field("plan_sha256") != plan_hash) return "the plan differs from the one hashed at opening";
    if (utc != session.opened_utc) return "sessions.opened_utc differs from the signed opening";
    return std::nullopt;
  }

  void check_session(const SessionRow& session) {
    const std::size_t findings_before = report_.findings.size();
    const std::optional<StoredSeal> seal = load_seal(session.id);
    const std::int64_t events = check_events(session, seal);
    if (report_.findings.size() == findings_before) check_seal(session, seal, events);
    report_.sessions.push_back(
        SessionVerdict{session.id, session.state == "sealed" ? SessionState::sealed : SessionState::open,
                       events, report_.findings.size() == findings_before});
  }

  // Returns how many events the session holds; stops at the first bad one.
  std::int64_t check_events(const SessionRow& session, const std::optional<StoredSeal>& seal) {
    const std::size_t findings_before = report_.findings.size();
    Digest previous = genesis_hash(session.id);
    Seq expected = 1;
    std::vector<Digest>* verified = options_.session ? nullptr : &event_hashes_[session.id];
    if (verified != nullptr && seal) verified->reserve(seal->leaves.size());
    events_.reset().bind(1, session.id);
    while (events_.step()) {
      ++report_.events_checked;
      const Seq seq = events_.column_int(0);
      if (seq != expected) {
        add(session.id, expected, Problem::seq_gap,
            "seq " + std::to_string(expected) + " is missing: the next stored event is seq " +
                std::to_string(seq));
        break;
      }
      const EventFields fields{session.id,
                               seq,
                               events_.column_text(1),
                               events_.column_int(2),
                               events_.column_int(3),
                               events_.column_text(4),
                               events_.column_text(5),
                               events_.column_text(6),
                               events_.column_optional_int(7),
                               events_.column_text(8),
                               stored_digest(events_.column_blob(9))};
      const auto stored_hash = events_.column_blob(10);
      const Digest computed = hasher_.hash(fields);
      if (!equal(stored_hash, computed)) {
        add(session.id, seq, Problem::hash_mismatch,
            "the stored hash " + hex_or_bad(stored_hash) + " is not the hash of the row's content (" +
                to_hex(computed) + "): the row was edited");
        break;
      }
      if (fields.prev_hash != previous) {
        add(session.id, seq, Problem::chain_broken,
            "prev_hash does not match the hash of seq " + std::to_string(seq - 1) +
                ": an event was inserted, removed or moved before this one");
        break;
      }
      if (fields.tag != session.tag) {
        add(session.id, seq, Problem::tag_mismatch,
            "the event is tagged " + std::string(fields.tag) + ", its session " + session.tag);
        break;
      }
      if (seal && seq <= static_cast<Seq>(seal->leaves.size()) &&
          seal->leaves[static_cast<std::size_t>(seq - 1)] != computed) {
        add(session.id, seq, Problem::seal_leaf_mismatch,
            "the event differs from the one the seal signed: the chain was recomputed after an edit");
        break;
      }
      if (seq == 1) {
        if (auto problem = header_problem(session, fields.kind, fields.payload, fields.utc)) {
          add(session.id, seq, Problem::header_mismatch, *problem);
          break;
        }
      }
      if (verified != nullptr) verified->push_back(computed);
      previous = computed;
      ++expected;
    }
    events_.reset();
    if (expected == 1 && report_.findings.size() == findings_before) {
      add(session.id, 1, Problem::seq_gap, "the session has no events (its session.opened is missing)");
    }
    return expected - 1;
  }

  static Digest stored_digest(std::span<const std::uint8_t> blob) {
    Digest digest{};
    if (blob.size() == digest.size()) std::copy(blob.begin(), blob.end(), digest.begin());
    return digest;
  }

  void check_seal(const SessionRow& session, const std::optional<StoredSeal>& seal, std::int64_t events) {
    if (!seal) {
      if (session.state != "open") {
        add(session.id, std::nullopt, Problem::state_mismatch,
            "the session is marked sealed but has no seal");
      } else if (session.closed_utc) {
        add(session.id, std::nullopt, Problem::header_mismatch,
            "sessions.closed_utc is set (" + *session.closed_utc + ") on a session that is not sealed");
      }
      return;
    }
    if (session.state != "sealed") {
      add(session.id, std::nullopt, Problem::state_mismatch, "the session has a seal but is marked open");
      return;
    }
    if (static_cast<std::int64_t>(seal->leaves.size()) != seal->event_count) {
      add(session.id, std::nullopt, Problem::root_mismatch,
          "the seal's leaf list does not hold its event count");
      return;
    }
    if (events < seal->event_count) {
      add(session.id, events + 1, Problem::missing_events,
          "the seal counts " + std::to_string(seal->event_count) + " events, only " + std::to_string(events) +
              " are stored: the tail from seq " + std::to_string(events + 1) + " was removed");
      return;
    }
    if (events > seal->event_count) {
      add(session.id, seal->event_count + 1, Problem::extra_events,
          "the seal counts " + std::to_string(seal->event_count) + " events, " + std::to_string(events) +
              " are stored: events were added after sealing");
      return;
    }
    if (merkle_root(seal->leaves) != seal->merkle_root) {
      add(session.id, std::nullopt, Problem::root_mismatch,
          "the seal's Merkle root is not the root of its events");
      return;
    }
    const auto message = seal_message(session.id, seal->event_count, seal->merkle_root, seal->sealed_utc);
    if (!verify_signature(seal->public_key, message, seal->signature)) {
      add(session.id, std::nullopt, Problem::bad_signature,
          "the seal's Ed25519 signature does not verify: the seal was forged or altered");
      return;
    }
    note_seal_key(session.id, seal->public_key);
    // The close time shown is the signed seal time; the row's copy must not say otherwise.
    if (session.closed_utc != seal->sealed_utc) {
      add(session.id, std::nullopt, Problem::header_mismatch,
          "sessions.closed_utc (" + session.closed_utc.value_or("none") + ") is not the signed seal time " +
              seal->sealed_utc);
    }
    if (options_.expected_key && *options_.expected_key != seal->public_key) {
      add(session.id, std::nullopt, Problem::unexpected_key,
          "this seal was signed by another key, " + key_fingerprint(seal->public_key) + " (" +
              to_hex(seal->public_key) + "), not the station's " + key_fingerprint(*options_.expected_key) +
              " (" + to_hex(*options_.expected_key) + ")");
    }
  }

  void note_seal_key(SessionId session, const PublicKey& key) {
    auto found = std::find_if(report_.seal_keys.begin(), report_.seal_keys.end(),
                              [&key](const SealKey& seen) { return seen.key == key; });
    if (found == report_.seal_keys.end()) found = report_.seal_keys.insert(found, SealKey{key, {}});
    found->sessions.push_back(session);
  }

  void check_orphans() {
    sqlite::Statement orphans(connection_,
                              "SELECT session_id, min(seq) FROM events WHERE session_id NOT IN "
                              "(SELECT id FROM sessions) GROUP BY session_id "
                              "UNION ALL SELECT session_id, NULL FROM seals WHERE session_id NOT IN "
                              "(SELECT id FROM sessions)");
    while (orphans.step()) {
      add(orphans.column_int(0), orphans.column_optional_int(1), Problem::orphan_event,
          "events or a seal for a session that does not exist: its sessions row was removed");
    }
  }

  // The station log (staff and formulary acts) is session 0's chain: gapless from 1, each hash its row's,
  // each prev_hash the previous hash. Findings about it name session 0.
  void check_station_log() {
    sqlite::Statement rows(connection_,
                           "SELECT seq, utc, mono_ns, user_id, role, kind, payload, prev_hash, hash "
                           "FROM station_events ORDER BY seq");
    Digest prev = genesis_hash(0);
    Seq expected = 1;
    while (rows.step()) {
      const Seq seq = rows.column_int(0);
      if (seq != expected)
        return add(0, expected, Problem::seq_gap,
                   "station log: entry " + std::to_string(expected) + " is missing (found " +
                       std::to_string(seq) + ")");
      if (!equal(rows.column_blob(7), prev))
        return add(0, seq, Problem::chain_broken,
                   "station log: entry " + std::to_string(seq) + " does not chain from the one before");
      const EventFields fields{0,
                               seq,
                               rows.column_text(1),
                               rows.column_int(2),
                               rows.column_int(3),
                               rows.column_text(4),
                               "",
                               rows.column_text(5),
                               std::nullopt,
                               rows.column_text(6),
                               prev};
      const Digest hash = hasher_.hash(fields);
      if (!equal(rows.column_blob(8), hash))
        return add(0, seq, Problem::hash_mismatch,
                   "station log: entry " + std::to_string(seq) + " was changed after it was written");
      event_hashes_[0].push_back(hash);
      prev = hash;
      ++expected;
    }
  }

  // Each account's name and role are what the station log gave it: the name when it was added (or
  // commissioned), the role then or at its last "staff.role_changed". Findings name session 0 and the log
  // entry that gave the name.
  void check_staff() {
    struct Logged {
      std::string name;
      std::string role;
      Seq seq = 0;
    };
    std::map<UserId, Logged> logged;
    sqlite::Statement entries(connection_,
                              "SELECT seq, user_id, kind, payload FROM station_events WHERE kind IN "
                              "('station.commissioned', 'staff.added', 'staff.role_changed') ORDER BY seq");
    while (entries.step()) {
      const auto payload = nlohmann::json::parse(entries.column_text(3), nullptr, false);
      if (!payload.is_object()) continue;  // the chain check reports a changed entry
      const std::string_view kind = entries.column_text(2);
      const Seq seq = entries.column_int(0);
      if (kind == "station.commissioned") {
        logged[entries.column_int(1)] = {payload.value("admin", ""), "admin", seq};
      } else if (kind == "staff.added") {
        logged[payload.value("user_id", UserId{0})] = {payload.value("name", ""), payload.value("role", ""),
                                                       seq};
      } else if (auto found = logged.find(payload.value("user_id", UserId{0})); found != logged.end()) {
        found->second.role = payload.value("to", "");
      }
    }
    sqlite::Statement users(connection_, "SELECT id, name, role FROM users ORDER BY id");
    while (users.step()) {
      const UserId id = users.column_int(0);
      const auto found = logged.find(id);
      if (found == logged.end()) continue;  // added before the station log existed: shown marked as such
      const std::string_view name = users.column_text(1);
      const std::string_view role = users.column_text(2);
      if (name != found->second.name || role != found->second.role) {
        add(0, found->second.seq, Problem::staff_mismatch,
            "user " + std::to_string(id) + " is \"" + std::string(name) + "\" (" + std::string(role) +
                ") in the users table, but the station log gave it \"" + found->second.name + "\" (" +
                found->second.role + "): the users table was edited");
      }
    }
  }

  sqlite::Connection& connection_;
  const VerifyOptions& options_;
  sqlite::Statement events_;
  sqlite::Statement seal_;
  detail::EventHashes event_hashes_;  // each session's verified event hashes, for the station's log
  EventHasher hasher_;
  VerifyReport report_;
};

}  // namespace

VerifyReport detail::verify_connection(sqlite::Connection& connection, const VerifyOptions& options) {
  Verifier verifier(connection, options);
  return verifier.run();
}

VerifyReport JournalReader::verify(const VerifyOptions& options) const {
  return detail::verify_connection(state_->db.connection, options);
}

}  // namespace meso::journal
