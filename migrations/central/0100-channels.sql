-- Every channel into one store (issue 17, 第三、八、十、十一条; docs/channels.md).
--
-- A rating from the online platform, the mobile app, the hotline keypad or an SMS reply is an evaluation like a
-- kiosk's, in the same tables (so every report counts it the same way), with no device: `device_id` is null for
-- it in `evaluations` and `followups`. Its reason tags and comment are its follow-up, as at the kiosk.
--
-- `records` stays the ledger of what kiosks sent (ingest's idempotency and reconciliation, per device): a channel's
-- rating is known by its channel's own id (`client_ref` below) and a default is made here, so neither is in it.
-- Ingest writes a kiosk's record and its row in one statement (src/central/ingest.ts), so the references from
-- those rows to the ledger hold by construction and are not checked by foreign keys, whose lookup every row paid.
ALTER TABLE evaluations DROP CONSTRAINT evaluations_id_fkey;
ALTER TABLE followups DROP CONSTRAINT followups_id_fkey;
ALTER TABLE evaluations ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE followups ALTER COLUMN device_id DROP NOT NULL;

-- A service given (一事一评): the 办件 (`project_no`) and its step (`service_number`), registered by the 办件 system at
-- 办结 or by its first rating; or a kiosk's invitation (`kiosk_record_id`, its evaluation record's id), rated by the
-- QR code the kiosk showed. `channel` is the channel it was delivered on: the `pf` its 7-day default is reported
-- with (第八条). Codes only, never the applicant.
CREATE TABLE services (
  id                uuid PRIMARY KEY,
  project_no        text,
  service_number    smallint NOT NULL,
  kiosk_record_id   uuid UNIQUE,
  CHECK (project_no IS NOT NULL OR kiosk_record_id IS NOT NULL),
  channel           text NOT NULL,
  department_code   text,
  service_item_code text,
  window_code       text,
  staff_no          text,
  ended_at          timestamptz NOT NULL,
  registered_by     text NOT NULL,
  registered_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_no, service_number)
);

-- Its ratings: at most one first rating (`assess_number` 1) and one 追评 (2) per service, whatever the channel —
-- the primary key says so, so two channels racing for the same service cannot both win. A 7-day default holds
-- the first rating's place.
ALTER TABLE evaluations
  ADD COLUMN service_id    uuid,
  ADD COLUMN assess_number smallint CHECK (assess_number IN (1, 2)),
  ADD COLUMN client_ref    text;
CREATE UNIQUE INDEX evaluations_one_per_service ON evaluations (service_id, assess_number)
  WHERE service_id IS NOT NULL;
-- A channel's own id for its rating: sent twice, it is the same rating.
CREATE UNIQUE INDEX evaluations_by_client_ref ON evaluations (channel, client_ref) WHERE client_ref IS NOT NULL;

-- Services still waiting for a first rating, by when their default falls due: the default job's queue. A rating
-- removes its service from here; the job removes what it defaults, in the transaction that writes the default.
CREATE TABLE services_awaiting (
  service_id uuid PRIMARY KEY REFERENCES services (id),
  due_at     timestamptz NOT NULL
);
CREATE INDEX services_awaiting_by_due ON services_awaiting (due_at);

-- A rating that came after its service's default (kept, never counted: the default stands in the figures).
CREATE TABLE late_ratings (
  id            uuid PRIMARY KEY,
  service_id    uuid NOT NULL REFERENCES services (id),
  channel       text NOT NULL,
  client_ref    text NOT NULL,
  satisfaction  smallint NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
  reason_tags   text[] NOT NULL,
  comment       text,
  rated_at      timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, client_ref)
);

-- API keys of the rating channels (scope `channel:<name>`): they may send ratings and services, nothing else.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (
  scope IN ('admin', 'supervisor', 'leader', 'auditor', 'channel:web', 'channel:mobile', 'channel:hotline',
            'channel:sms'));
