-- The alerts' delivery (issue 16): the console's notifications per account, the delivery log of webhooks and SMS,
-- the settings of both, and who is on duty and reachable by SMS. The job queue itself (pg-boss) keeps its own
-- schema, `pgboss`, which it creates at start. No row here holds a rater's identity or phone: an alert carries
-- codes and numbers only (src/central/alerts/outbox.ts).

-- One per alert and recipient: the key of the alert makes a second relay of it a no-op.
CREATE TABLE notifications (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  alert_key   text NOT NULL,
  kind        text NOT NULL,
  case_id     uuid REFERENCES cases (id),
  case_number text,
  text        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz,
  UNIQUE (alert_key, account_id)
);
CREATE INDEX notifications_by_account ON notifications (account_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

-- Every attempt at a webhook or an SMS: what was sent to whom (a webhook's name, an account's name), and how it went.
CREATE TABLE alert_deliveries (
  id          uuid PRIMARY KEY,
  alert_key   text NOT NULL,
  kind        text NOT NULL,
  channel     text NOT NULL CHECK (channel IN ('webhook', 'sms')),
  target      text NOT NULL,
  attempt     integer NOT NULL,
  status      text NOT NULL CHECK (status IN ('delivered', 'failed', 'gave_up')),
  http_status integer,
  error       text,
  duration_ms integer NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_deliveries_by_at ON alert_deliveries (at DESC, id DESC);
CREATE INDEX alert_deliveries_by_key ON alert_deliveries (alert_key);

-- The receivers of every alert: a webhook's secret signs its bodies (HMAC-SHA256), is shown once, when set, and
-- is kept sealed under the centre's data key (AES-256-GCM, bound to the webhook's id), with its last 4 characters.
CREATE TABLE alert_webhooks (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  url           text NOT NULL,
  secret_sealed bytea NOT NULL,
  secret_hint   text NOT NULL,
  kinds      text[] NOT NULL,
  enabled    boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row: the SMS gateway (政务短信) and the retry policy of deliveries.
CREATE TABLE alert_settings (
  id                  smallint PRIMARY KEY CHECK (id = 1),
  sms_enabled         boolean NOT NULL DEFAULT false,
  sms_gateway_url     text,
  sms_template_id     text,
  sms_params          jsonb NOT NULL DEFAULT '{}',
  sms_kinds           text[] NOT NULL DEFAULT '{case_created,overdue}',
  retry_limit         integer NOT NULL DEFAULT 8 CHECK (retry_limit BETWEEN 0 AND 20),
  retry_delay_seconds integer NOT NULL DEFAULT 10 CHECK (retry_delay_seconds BETWEEN 1 AND 3600),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
INSERT INTO alert_settings (id) VALUES (1);

-- Who among the centre's staff is on duty (值班: the supervisors told of every new case and overdue one) and the
-- mobile an SMS alert goes to (the staff's own, never a rater's): sealed like a rater's phone, and kept masked
-- (138****1111) for the settings page.
CREATE TABLE alert_contacts (
  account_id    uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  mobile_sealed bytea,
  mobile_masked text,
  on_duty       boolean NOT NULL DEFAULT false
);
