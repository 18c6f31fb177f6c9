-- The status counts quarantined records on every poll (the staff panel asks every 2 s). Without an index that
-- count read the whole outbox, delivered rows kept 30 days included: ~0.4 s at 1,000,000 rows, with a press
-- waiting behind it. Quarantine is rare, so this partial index is all but empty and no rating writes to it.
CREATE INDEX outbox_quarantined ON outbox (seq) WHERE quarantined_at IS NOT NULL;
