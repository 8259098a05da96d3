// The schema, as the migrations that build it. Version N is migrations[N - 1]; never edit a released one,
// add the next. docs/journal.md describes the resulting tables.
#pragma once

#include <array>

namespace meso::journal {

// Version 1: users, patients, plans, sessions and the append-only, hash-chained events.
inline constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK(length(name) > 0),
  role TEXT NOT NULL CHECK(role IN ('clinician', 'qa', 'auditor', 'admin')),
  password_hash TEXT NOT NULL,
  created_utc TEXT NOT NULL
);
CREATE TABLE patients(
  id INTEGER PRIMARY KEY,
  pseudonym TEXT NOT NULL UNIQUE CHECK(length(pseudonym) > 0),
  tag TEXT NOT NULL CHECK(tag IN ('real', 'test', 'demo')),
  created_utc TEXT NOT NULL
);
CREATE TABLE plans(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  created_utc TEXT NOT NULL,
  plan TEXT NOT NULL CHECK(json_valid(plan))
);
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  plan_id INTEGER REFERENCES plans(id),
  tag TEXT NOT NULL CHECK(tag IN ('real', 'test', 'demo')),
  state TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open', 'sealed')),
  opened_utc TEXT NOT NULL,
  closed_utc TEXT
);
CREATE TABLE events(
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  seq INTEGER NOT NULL CHECK(seq >= 1),
  utc TEXT NOT NULL,
  mono_ns INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK(role IN ('clinician', 'qa', 'auditor', 'admin')),
  tag TEXT NOT NULL CHECK(tag IN ('real', 'test', 'demo')),
  kind TEXT NOT NULL CHECK(length(kind) > 0),
  corrects INTEGER,
  payload TEXT NOT NULL CHECK(json_valid(payload)),
  prev_hash BLOB NOT NULL CHECK(length(prev_hash) = 32),
  hash BLOB NOT NULL CHECK(length(hash) = 32),
  PRIMARY KEY(session_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
  SELECT RAISE(ABORT, 'events are append-only: append a correction event instead');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
  SELECT RAISE(ABORT, 'events are append-only and are never deleted');
END;
CREATE TRIGGER events_only_in_open_sessions BEFORE INSERT ON events
WHEN (SELECT state FROM sessions WHERE id = NEW.session_id) IS NOT 'open' BEGIN
  SELECT RAISE(ABORT, 'events are appended to open sessions only');
END;
CREATE TRIGGER events_tag_is_session_tag BEFORE INSERT ON events
WHEN NEW.tag IS NOT (SELECT tag FROM sessions WHERE id = NEW.session_id) BEGIN
  SELECT RAISE(ABORT, 'an event''s tag must be its session''s tag');
END;
CREATE TRIGGER events_seq_gapless BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE session_id = NEW.session_id) BEGIN
  SELECT RAISE(ABORT, 'an event''s seq must follow its session''s last seq, without a gap');
END;
CREATE TRIGGER events_corrects_an_earlier_event BEFORE INSERT ON events
WHEN NEW.corrects IS NOT NULL AND (NEW.corrects < 1 OR NEW.corrects >= NEW.seq) BEGIN
  SELECT RAISE(ABORT, 'a correction must name an earlier event of its session');
END;

CREATE TRIGGER sessions_tag_is_patient_tag BEFORE INSERT ON sessions
WHEN NEW.tag IS NOT (SELECT tag FROM patients WHERE id = NEW.patient_id) BEGIN
  SELECT RAISE(ABORT, 'test or demo data never enters a real patient''s record: a session''s tag must be its patient''s');
END;
CREATE TRIGGER sessions_only_close_once BEFORE UPDATE ON sessions
WHEN OLD.state IS NOT 'open' OR NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.user_id IS NOT OLD.user_id OR NEW.plan_id IS NOT OLD.plan_id OR NEW.tag IS NOT OLD.tag
  OR NEW.opened_utc IS NOT OLD.opened_utc BEGIN
  SELECT RAISE(ABORT, 'a session is only ever closed, once');
END;
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions BEGIN
  SELECT RAISE(ABORT, 'sessions are never deleted');
END;
CREATE TRIGGER patients_keep_tag BEFORE UPDATE OF id, tag ON patients BEGIN
  SELECT RAISE(ABORT, 'a patient''s id and tag never change');
END;
CREATE TRIGGER patients_no_delete BEFORE DELETE ON patients BEGIN
  SELECT RAISE(ABORT, 'patients are never deleted');
END;
)sql";

// Version 2: seals, written once per session when it closes.
inline constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE seals(
  session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
  event_count INTEGER NOT NULL CHECK(event_count >= 1),
  merkle_root BLOB NOT NULL CHECK(length(merkle_root) = 32),
  leaf_hashes BLOB NOT NULL CHECK(length(leaf_hashes) = 32 * event_count),
  sealed_utc TEXT NOT NULL,
  public_key BLOB NOT NULL CHECK(length(public_key) = 32),
  signature BLOB NOT NULL CHECK(length(signature) = 64)
);
CREATE TRIGGER seals_no_update BEFORE UPDATE ON seals BEGIN
  SELECT RAISE(ABORT, 'seals are never changed');
END;
CREATE TRIGGER seals_no_delete BEFORE DELETE ON seals BEGIN
  SELECT RAISE(ABORT, 'seals are never deleted');
END;
CREATE TRIGGER sessions_sealed_with_a_seal BEFORE UPDATE OF state ON sessions
WHEN NEW.state = 'sealed' AND NOT EXISTS (SELECT 1 FROM seals WHERE session_id = NEW.id) BEGIN
  SELECT RAISE(ABORT, 'a session is marked sealed only after its seal is written');
END;
)sql";

// Version 3: the indexes behind the auditor's filters and the station's queries by kind.
inline constexpr const char* kSchemaV3 = R"sql(
CREATE INDEX sessions_by_patient ON sessions(patient_id);
CREATE INDEX sessions_by_opened ON sessions(opened_utc);
CREATE INDEX events_by_kind ON events(session_id, kind);
)sql";

// Version 4: the station itself. Its kind, written once when it is commissioned; staff accounts that are
// disabled, never deleted, with a forced password change and a wait after failed logins; and the station
// log: every staff and formulary act, append-only and hash-chained like a session's events (as session 0).
inline constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE station(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  kind TEXT NOT NULL CHECK(kind IN ('real', 'test', 'demo')),
  commissioned_utc TEXT NOT NULL
);
CREATE TRIGGER station_kind_never_changes BEFORE UPDATE ON station BEGIN
  SELECT RAISE(ABORT, 'a station''s kind is written once and never changes');
END;
CREATE TRIGGER station_no_delete BEFORE DELETE ON station BEGIN
  SELECT RAISE(ABORT, 'a station''s kind is never deleted');
END;
CREATE TRIGGER sessions_fit_the_station BEFORE INSERT ON sessions
WHEN (SELECT kind FROM station) = 'test' AND NEW.tag IS NOT 'test'
  OR (SELECT kind FROM station) = 'real' AND NEW.tag = 'demo'
  OR (SELECT kind FROM station) = 'demo' AND NEW.tag = 'real' BEGIN
  SELECT RAISE(ABORT, 'a real station holds real and test sessions, a test station test ones, a demo station demo and test ones');
END;

ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0, 1));
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
  CHECK(must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0 CHECK(failed_logins >= 0);
ALTER TABLE users ADD COLUMN wait_until_utc TEXT;
CREATE TRIGGER users_no_delete BEFORE DELETE ON users BEGIN
  SELECT RAISE(ABORT, 'accounts are disabled, never deleted');
END;
CREATE TRIGGER users_keep_name BEFORE UPDATE OF id, name, created_utc ON users BEGIN
  SELECT RAISE(ABORT, 'an account''s id, name and creation never change');
END;

CREATE TABLE station_events(
  seq INTEGER PRIMARY KEY CHECK(seq >= 1),
  utc TEXT NOT NULL,
  mono_ns INTEGER NOT NULL,
  user_id INTEGER NOT NULL CHECK(user_id >= 0),
  role TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(length(kind) > 0),
  payload TEXT NOT NULL CHECK(json_valid(payload)),
  prev_hash BLOB NOT NULL CHECK(length(prev_hash) = 32),
  hash BLOB NOT NULL CHECK(length(hash) = 32)
);
CREATE TRIGGER station_events_no_update BEFORE UPDATE ON station_events BEGIN
  SELECT RAISE(ABORT, 'station events are append-only');
END;
CREATE TRIGGER station_events_no_delete BEFORE DELETE ON station_events BEGIN
  SELECT RAISE(ABORT, 'station events are append-only and are never deleted');
END;
CREATE TRIGGER station_events_seq_gapless BEFORE INSERT ON station_events
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM station_events) BEGIN
  SELECT RAISE(ABORT, 'a station event''s seq must follow the last, without a gap');
END;
)sql";

// Version 5: the formulary and its stock. Products (ingredients for the allergy check, a concentration as the
// label states it, the volume of one vial) and their lots (expiry, vials received, retired with a reason),
// administered through the station log; never deleted, and a lot changes only once, when it is retired.
// lot_uses holds each session's deduction from its lot: a trigger writes it from the session's own
// "lot.used" event, in the same transaction, so the stock always matches the chained events.
inline constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE products(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK(length(name) > 0),
  ingredients TEXT NOT NULL CHECK(json_valid(ingredients) AND json_type(ingredients) = 'array'
    AND json_array_length(ingredients) > 0),
  concentration TEXT NOT NULL CHECK(length(concentration) > 0),
  vial_ml REAL NOT NULL CHECK(vial_ml > 0),
  added_utc TEXT NOT NULL
);
CREATE TRIGGER products_no_update BEFORE UPDATE ON products BEGIN
  SELECT RAISE(ABORT, 'a product never changes: add a product under a new name');
END;
CREATE TRIGGER products_no_delete BEFORE DELETE ON products BEGIN
  SELECT RAISE(ABORT, 'products are never deleted');
END;

CREATE TABLE lots(
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES products(id),
  lot TEXT NOT NULL CHECK(length(lot) > 0),
  expiry TEXT NOT NULL CHECK(date(expiry, '+0 days') IS expiry),  -- the modifier rejects Feb 30
  vials INTEGER NOT NULL CHECK(vials >= 1),
  added_utc TEXT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0 CHECK(retired IN (0, 1)),
  retired_reason TEXT,
  retired_utc TEXT,
  UNIQUE(product_id, lot),
  CHECK(retired = 0 OR length(retired_reason) > 0)
);
CREATE TRIGGER lots_only_retire_once BEFORE UPDATE ON lots
WHEN OLD.retired = 1 OR NEW.retired IS NOT 1 OR NEW.id IS NOT OLD.id OR NEW.product_id IS NOT OLD.product_id
  OR NEW.lot IS NOT OLD.lot OR NEW.expiry IS NOT OLD.expiry OR NEW.vials IS NOT OLD.vials
  OR NEW.added_utc IS NOT OLD.added_utc BEGIN
  SELECT RAISE(ABORT, 'a lot is only ever retired, once: add a new lot for new stock');
END;
CREATE TRIGGER lots_no_delete BEFORE DELETE ON lots BEGIN
  SELECT RAISE(ABORT, 'lots are never deleted: retire one');
END;

CREATE TABLE lot_uses(
  session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
  seq INTEGER NOT NULL,
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  used_nl INTEGER NOT NULL CHECK(used_nl > 0)
);
CREATE INDEX lot_uses_by_lot ON lot_uses(lot_id);
CREATE TRIGGER lot_uses_no_update BEFORE UPDATE ON lot_uses BEGIN
  SELECT RAISE(ABORT, 'a session''s use of its lot never changes');
END;
CREATE TRIGGER lot_uses_no_delete BEFORE DELETE ON lot_uses BEGIN
  SELECT RAISE(ABORT, 'a session''s use of its lot is never deleted');
END;
CREATE TRIGGER events_lot_used AFTER INSERT ON events WHEN NEW.kind = 'lot.used' BEGIN
  INSERT INTO lot_uses(session_id, seq, lot_id, used_nl)
  SELECT NEW.session_id, NEW.seq, l.id, json_extract(NEW.payload, '$.delivered_nl')
  FROM lots l JOIN products p ON p.id = l.product_id
  WHERE p.name = json_extract(NEW.payload, '$.product') AND l.lot = json_extract(NEW.payload, '$.lot');
END;
)sql";

// Version 6: one append-only log per station (docs/journal.md, "The station's log"). Every event, a
// session's or the station's own, takes the next leaf of one RFC 6962 Merkle tree, in the transaction that
// writes it (the triggers, so no write path can leave one out); log_nodes keeps the hash of each aligned
// complete subtree of 256 leaves and more, for proofs; log_checkpoints keeps the signed notes. The events
// already written enter first: the station log's, then session by session, each in seq order. The writer
// verifies them and signs the first checkpoint in the same transaction (journal/src/log_upgrade.cpp).
inline constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE log_leaves(
  idx INTEGER PRIMARY KEY CHECK(idx >= 0),
  session_id INTEGER NOT NULL CHECK(session_id >= 0),
  seq INTEGER NOT NULL CHECK(seq >= 1),
  hash BLOB NOT NULL CHECK(length(hash) = 32),
  UNIQUE(session_id, seq)
);
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves BEGIN
  SELECT RAISE(ABORT, 'the station''s log is append-only');
END;
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves BEGIN
  SELECT RAISE(ABORT, 'the station''s log is append-only and is never cut back');
END;
CREATE TRIGGER log_leaves_gapless BEFORE INSERT ON log_leaves
WHEN NEW.idx IS NOT (SELECT coalesce(max(idx) + 1, 0) FROM log_leaves) BEGIN
  SELECT RAISE(ABORT, 'a log leaf''s index must follow the last, without a gap');
END;

CREATE TABLE log_nodes(
  level INTEGER NOT NULL CHECK(level >= 8 AND level < 64),
  idx INTEGER NOT NULL CHECK(idx >= 0),
  hash BLOB NOT NULL CHECK(length(hash) = 32),
  PRIMARY KEY(level, idx)
) WITHOUT ROWID;
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes BEGIN
  SELECT RAISE(ABORT, 'the station''s log is append-only');
END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes BEGIN
  SELECT RAISE(ABORT, 'the station''s log is append-only');
END;

CREATE TABLE log_checkpoints(
  id INTEGER PRIMARY KEY,
  tree_size INTEGER NOT NULL CHECK(tree_size >= 0),
  root BLOB NOT NULL CHECK(length(root) = 32),
  utc TEXT NOT NULL,
  public_key BLOB NOT NULL CHECK(length(public_key) = 32),
  note TEXT NOT NULL
);
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints BEGIN
  SELECT RAISE(ABORT, 'checkpoints are append-only');
END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints BEGIN
  SELECT RAISE(ABORT, 'checkpoints are append-only and are never deleted');
END;
CREATE TRIGGER log_checkpoints_grow BEFORE INSERT ON log_checkpoints
WHEN NEW.tree_size < (SELECT coalesce(max(tree_size), 0) FROM log_checkpoints)
  OR NEW.tree_size > (SELECT count(*) FROM log_leaves) BEGIN
  SELECT RAISE(ABORT, 'a checkpoint covers at least what the last one did, and no more than the log holds');
END;

INSERT INTO log_leaves(idx, session_id, seq, hash)
SELECT row_number() OVER (ORDER BY session_id, seq) - 1, session_id, seq, hash
FROM (SELECT 0 AS session_id, seq, hash FROM station_events UNION ALL SELECT session_id, seq, hash FROM events);

CREATE TRIGGER events_enter_the_log AFTER INSERT ON events BEGIN
  INSERT INTO log_leaves(idx, session_id, seq, hash)
  VALUES((SELECT coalesce(max(idx) + 1, 0) FROM log_leaves), NEW.session_id, NEW.seq, NEW.hash);
END;
CREATE TRIGGER station_events_enter_the_log AFTER INSERT ON station_events BEGIN
  INSERT INTO log_leaves(idx, session_id, seq, hash)
  VALUES((SELECT coalesce(max(idx) + 1, 0) FROM log_leaves), 0, NEW.seq, NEW.hash);
END;
)sql";

inline constexpr std::array kMigrations{kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5, kSchemaV6};

}  // namespace meso::journal
