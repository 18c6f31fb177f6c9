-- The 意见箱 (issue 17, 第十一条; docs/suggestions.md): what anyone leaves without logging in, and the centre's
-- workflow for it (src/shared/suggestions.ts). The contact (a phone or an e-mail address for the answer) is sealed
-- under the centre's data key like a rater's identity; nothing here names who left an item. `case_id` is the 差评
-- case a 投诉 was turned into. Every step is an event, with who took it.
CREATE SEQUENCE suggestion_number_seq;
CREATE TABLE suggestions (
  id                uuid PRIMARY KEY,
  number            text NOT NULL UNIQUE,
  kind              text NOT NULL CHECK (kind IN ('suggestion', 'complaint', 'inquiry', 'praise')),
  body              text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
  department_code   text,
  service_item_code text,
  contact_sealed    bytea,
  state             text NOT NULL CHECK (state IN ('pending', 'referred', 'answered', 'closed')),
  answer            text,
  case_id           uuid,
  created_at        timestamptz NOT NULL,
  state_entered_at  timestamptz NOT NULL,
  due_at            timestamptz,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX suggestions_by_created ON suggestions (created_at DESC, id DESC);
CREATE INDEX suggestions_by_department ON suggestions (department_code, created_at DESC);

CREATE TABLE suggestion_events (
  id            uuid PRIMARY KEY,
  suggestion_id uuid NOT NULL REFERENCES suggestions (id),
  action        text NOT NULL,
  from_state    text,
  to_state      text NOT NULL,
  actor_id      uuid,
  actor_name    text NOT NULL,
  note          text,
  at            timestamptz NOT NULL
);
CREATE INDEX suggestion_events_by_suggestion ON suggestion_events (suggestion_id, at);
