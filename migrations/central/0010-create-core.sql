-- The central 好差评 system. PostgreSQL (a server, or embedded PGlite: the same SQL runs in both).

CREATE TABLE departments (
  code       text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE windows (
  code            text PRIMARY KEY,
  name            text NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_items (
  code            text PRIMARY KEY,
  name            text NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reason_tags (
  code       text PRIMARY KEY,
  label      text NOT NULL,
  position   integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff (
  staff_no        text PRIMARY KEY,
  name            text NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  pin_hash        text NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Hall-wide settings sent to every kiosk (rating window, key map), one JSON value per key.
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);

-- Bumped by every change a kiosk's configuration depends on; heartbeats carry it so kiosks know to pull.
CREATE TABLE config_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version  bigint NOT NULL
);
INSERT INTO config_version (version) VALUES (1);

-- Single-use enrolment codes, valid 24 h. Only a hash of the code is stored.
CREATE TABLE enrollments (
  code_hash   text PRIMARY KEY,
  mode        text NOT NULL CHECK (mode IN ('window', 'terminal')),
  window_code text REFERENCES windows (code),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  device_id   uuid,
  CHECK ((mode = 'window') = (window_code IS NOT NULL))
);

CREATE TABLE devices (
  id                uuid PRIMARY KEY,
  public_key        text NOT NULL,
  mode              text NOT NULL CHECK (mode IN ('window', 'terminal')),
  window_code       text REFERENCES windows (code),
  name              text NOT NULL,
  info              jsonb NOT NULL,
  enrolled_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at        timestamptz,
  version           text,
  last_heartbeat_at timestamptz,
  queue_depth       integer,
  oldest_pending_at timestamptz,
  evaluator         jsonb,
  clock_offset_ms   integer
);

-- Every record ever received, by id: the idempotency ledger of ingest and the basis of reconciliation.
-- `day` is the UTC date of the id's UUIDv7 timestamp, computed the same way on the kiosk.
CREATE TABLE records (
  id          uuid PRIMARY KEY,
  device_id   uuid NOT NULL REFERENCES devices (id),
  kind        text NOT NULL,
  day         date NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX records_by_device_day ON records (device_id, day);

-- One row per invitation and how it ended (第八条: unrated ones get the 7-day default in reports).
-- Partitioning plan (docs/architecture.md): by month of invited_at, then by area (department_code).
CREATE TABLE evaluations (
  id                uuid PRIMARY KEY REFERENCES records (id),
  device_id         uuid NOT NULL REFERENCES devices (id),
  channel           text NOT NULL,
  mode              text NOT NULL,
  outcome           text NOT NULL CHECK (outcome IN ('rated', 'unrated', 'cancelled')),
  satisfaction      smallint CHECK (satisfaction BETWEEN 1 AND 5),
  source            text,
  invited_at        timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL,
  ended_at          timestamptz NOT NULL,
  clock_offset_ms   integer,
  shift_id          uuid,
  staff_no          text,
  window_code       text,
  department_code   text,
  service_item_code text,
  case_no           text,
  ticket_no         text,
  rater_sealed      bytea,
  CHECK ((outcome = 'rated') = (satisfaction IS NOT NULL))
);
CREATE INDEX evaluations_by_time ON evaluations (invited_at, id);
CREATE INDEX evaluations_by_department ON evaluations (department_code, invited_at);
CREATE INDEX evaluations_by_staff ON evaluations (staff_no, invited_at);

CREATE TABLE followups (
  id                    uuid PRIMARY KEY REFERENCES records (id),
  device_id             uuid NOT NULL REFERENCES devices (id),
  evaluation_id         uuid NOT NULL,
  reason_tags           text[] NOT NULL,
  callback_phone_sealed bytea,
  comment               text,
  at                    timestamptz NOT NULL
);
CREATE INDEX followups_by_evaluation ON followups (evaluation_id);

CREATE TABLE shift_events (
  id          uuid PRIMARY KEY REFERENCES records (id),
  device_id   uuid NOT NULL REFERENCES devices (id),
  shift_id    uuid NOT NULL,
  type        text NOT NULL,
  staff_no    text NOT NULL,
  window_code text,
  reason      text,
  at          timestamptz NOT NULL
);

CREATE TABLE stray_presses (
  id           uuid PRIMARY KEY REFERENCES records (id),
  device_id    uuid NOT NULL REFERENCES devices (id),
  satisfaction smallint NOT NULL,
  key          smallint,
  source       text NOT NULL,
  shift_id     uuid,
  staff_no     text,
  at           timestamptz NOT NULL
);
