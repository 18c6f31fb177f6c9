-- The kiosk's store. Every table is STRICT. Times are Unix milliseconds of the device clock.

-- Device configuration (mode, window, department, rating window, key mapping, device id), one JSON value per key.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- The cached roster. PINs only as scrypt hashes.
CREATE TABLE staff (
  staff_no        TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  department_code TEXT,
  pin_hash        TEXT NOT NULL,
  photo           TEXT
) STRICT;

-- Wrong-PIN counting per staff number on this device; survives restarts and roster updates.
CREATE TABLE pin_lockouts (
  staff_no        TEXT PRIMARY KEY,
  failed_attempts INTEGER NOT NULL,
  locked_until    INTEGER
) STRICT;

CREATE TABLE service_items (
  code            TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  department_code TEXT
) STRICT;

CREATE TABLE reason_tags (
  code     TEXT PRIMARY KEY,
  label    TEXT NOT NULL,
  position INTEGER NOT NULL
) STRICT;

CREATE TABLE shifts (
  id           TEXT PRIMARY KEY,
  staff_no     TEXT NOT NULL,
  staff_name   TEXT NOT NULL,
  window_code  TEXT,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  paused_since INTEGER,
  pause_reason TEXT
) STRICT;
-- One staff per window: at most one open shift on a device.
CREATE UNIQUE INDEX shifts_one_open ON shifts ((ended_at IS NULL)) WHERE ended_at IS NULL;

CREATE TABLE shift_pauses (
  shift_id   TEXT NOT NULL REFERENCES shifts (id),
  started_at INTEGER NOT NULL,
  ended_at   INTEGER,
  reason     TEXT NOT NULL,
  PRIMARY KEY (shift_id, started_at)
) STRICT;

CREATE TABLE invitations (
  id                TEXT PRIMARY KEY,
  mode              TEXT NOT NULL CHECK (mode IN ('window', 'terminal')),
  shift_id          TEXT REFERENCES shifts (id),
  staff_no          TEXT,
  window_code       TEXT,
  department_code   TEXT,
  service_item_code TEXT,
  case_no           TEXT,
  ticket_no         TEXT,
  rater_sealed      BLOB,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('open', 'rated', 'unrated', 'cancelled')),
  ended_at          INTEGER,
  satisfaction      INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
  source            TEXT CHECK (source IN ('serial', 'keyboard', 'touch')),
  CHECK ((state = 'rated') = (satisfaction IS NOT NULL)),
  CHECK ((state = 'open') = (ended_at IS NULL))
) STRICT;
-- One invitation open at a time.
CREATE UNIQUE INDEX invitations_one_open ON invitations ((state = 'open')) WHERE state = 'open';
CREATE INDEX invitations_by_shift ON invitations (shift_id);

CREATE TABLE followups (
  id                    TEXT PRIMARY KEY,
  invitation_id         TEXT NOT NULL UNIQUE REFERENCES invitations (id),
  reason_tags           TEXT NOT NULL,
  callback_phone_sealed BLOB,
  comment               TEXT,
  created_at            INTEGER NOT NULL
) STRICT;

CREATE TABLE stray_presses (
  id           TEXT PRIMARY KEY,
  satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
  key          INTEGER,
  source       TEXT NOT NULL,
  shift_id     TEXT,
  pressed_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX stray_presses_by_shift ON stray_presses (shift_id);

-- Everything the central system must receive, written in the same transaction as the row it describes.
-- A row leaves the queue only when the centre has acknowledged it (`delivered_at`); delivered rows stay 30 days
-- so each day can be reconciled with the centre's tally (`day`: the UTC date of the record id's timestamp) and
-- re-queued if the two differ. A record the centre rejects is quarantined with its reason, never blocking the rest.
-- `seq` is the rowid: rows are pruned from the oldest end, so a reused number still sorts after everything present.
-- `record_id` has no index of its own: its uniqueness is that of the domain row's primary key, written in the same
-- transaction, and every index here is one more page written per rating.
CREATE TABLE outbox (
  seq            INTEGER PRIMARY KEY,
  record_id      TEXT NOT NULL,
  kind           TEXT NOT NULL,
  day            TEXT NOT NULL,
  payload        TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  delivered_at   INTEGER,
  quarantined_at INTEGER,
  last_error     TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL AND quarantined_at IS NULL;
CREATE INDEX outbox_by_day ON outbox (day);
