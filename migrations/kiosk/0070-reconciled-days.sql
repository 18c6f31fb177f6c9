-- What reconciliation found, per day (the UTC date of the record ids' timestamps, as `outbox.day`): when the kiosk's
-- tally of the day's delivered records last equalled the centre's (`matched_at`), and when its delivered rows were
-- pruned (`pruned_at`). A day is reconciled when it matched after the last of its rows was delivered; only such a day,
-- once older than the retention the centre sets (30 days by default), is pruned: its delivered records leave the
-- outbox, and its invitations, follow-ups and stray presses leave their tables (src/kiosk/store/retention-repo.ts).
-- A pruned day is never compared again: the centre holds ids the kiosk no longer has.
CREATE TABLE reconciled_days (
  day        TEXT PRIMARY KEY,
  matched_at INTEGER NOT NULL,
  pruned_at  INTEGER
) STRICT;
