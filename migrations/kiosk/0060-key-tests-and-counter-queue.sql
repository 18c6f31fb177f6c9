-- A key test running now: one row from its start until it ends, when its `key_test` outbox record is written and
-- the row deleted in the same transaction. A row found at start belongs to a run that died mid-test: it is closed
-- then as `closed` (KeyTests.recover), so every session reaches the centre.
CREATE TABLE key_tests (
  id         TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  presses    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The counter is told how many records wait for delivery without its follow-ups (a 差评's follow-up is a record of
-- its own: counted, it would tell the staff that the last rating was bad). Follow-ups are rare, so this partial
-- index is written only for them, never for a rating, and both counts stay index-only.
CREATE INDEX outbox_pending_followups ON outbox (seq)
  WHERE kind = 'followup' AND delivered_at IS NULL AND quarantined_at IS NULL;
