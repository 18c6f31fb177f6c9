-- The 差评 closed loop (issue 16): the working-day calendar, the cases and their timeline, their attachments, the
-- deadlines an admin sets, and the outbox of alerts written in the transaction of what causes them. States,
-- actions and default deadlines are declared in src/shared/cases.ts; this schema only stores them.

-- Working days: a day listed here overrides the weekday rule (a weekday holiday, a 调休 weekend worked). A year
-- is known only once listed in calendar_years; `package` rows come from chinese-days at start, `admin` rows are
-- an admin's and are never overwritten by the package.
CREATE TABLE calendar_years (
  year     integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  source   text NOT NULL CHECK (source IN ('package', 'admin')),
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE calendar_days (
  day        date PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name       text NOT NULL,
  source     text NOT NULL CHECK (source IN ('package', 'admin')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Working days per state, where an admin changed the default (DEFAULT_DEADLINES).
CREATE TABLE case_deadlines (
  state        text PRIMARY KEY,
  working_days integer NOT NULL CHECK (working_days BETWEEN 0 AND 60)
);

CREATE SEQUENCE case_number_seq;

-- One case per 差评: `evaluation_id` is unique, so a record delivered twice never makes a second case.
-- A case, its `created` event and its alert are written by the very statement that writes the evaluation
-- (src/central/cases/new-cases.ts), each from the rows that statement inserted, and none is ever deleted: the
-- references between them are right by construction, so they are not checked by foreign keys, whose checks at
-- ingest cost a lookup per row (bench row 8). The other references are.
CREATE TABLE cases (
  id                  uuid PRIMARY KEY,
  number              text NOT NULL UNIQUE,
  evaluation_id       uuid NOT NULL UNIQUE,
  state               text NOT NULL,
  satisfaction        smallint NOT NULL CHECK (satisfaction IN (1, 2)),
  channel             text NOT NULL,
  department_code     text,
  window_code         text,
  staff_no            text,
  service_item_code   text,
  handler_id          uuid REFERENCES accounts (id),
  created_at          timestamptz NOT NULL,
  state_entered_at    timestamptz NOT NULL,
  -- The current state's deadline (null for a state with none), its last working day, and whether it was counted
  -- through a year the calendar lacks.
  due_at              timestamptz,
  deadline_day        date,
  deadline_uncovered  boolean NOT NULL DEFAULT false,
  -- When the current deadline's warning and overdue notice were written (once each per deadline).
  warned_at           timestamptz,
  overdue_at          timestamptz,
  promised_by         date,
  extension_new_due_day date,
  extension_note      text,
  reopen_count        integer NOT NULL DEFAULT 0,
  follow_up_level     smallint CHECK (follow_up_level BETWEEN 1 AND 5),
  updated_at          timestamptz NOT NULL
);
CREATE INDEX cases_by_department ON cases (department_code, created_at);
CREATE INDEX cases_by_created ON cases (created_at, id);
-- No index by state nor by deadline: a hall has thousands of cases a year, not millions, so the counts, the state
-- filter and the minute's deadline sweep read them whole, while every index more is paid by each 差评 at ingest
-- (bench row 8).

-- The timeline: every transition (and the creation, an overdue notice, a phone revealed) with its actor.
CREATE TABLE case_events (
  id          uuid PRIMARY KEY,
  case_id     uuid NOT NULL,
  action      text NOT NULL,
  from_state  text,
  to_state    text,
  actor_id    uuid,
  actor_name  text NOT NULL,
  actor_role  text,
  at          timestamptz NOT NULL,
  note        text,
  detail      jsonb NOT NULL DEFAULT '{}',
  attachments text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_by_case ON case_events (case_id, at);

-- Attachments are stored content-addressed under the centre's data folder (attachments/<sha256>); a row per case.
CREATE TABLE case_attachments (
  case_id     uuid NOT NULL REFERENCES cases (id),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  name        text NOT NULL,
  type        text NOT NULL,
  bytes       integer NOT NULL CHECK (bytes > 0),
  uploaded_by uuid,
  uploaded_by_name text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, sha256)
);

-- Alerts to send, written in the transaction of what causes them (src/central/alerts/outbox.ts), delivered by the
-- job queue. `key` is the idempotency key a receiver sees: one per alert, never reused.
CREATE TABLE alert_outbox (
  id            uuid PRIMARY KEY,
  key           text NOT NULL UNIQUE,
  kind          text NOT NULL,
  case_id       uuid,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX alert_outbox_pending ON alert_outbox (created_at) WHERE dispatched_at IS NULL;
