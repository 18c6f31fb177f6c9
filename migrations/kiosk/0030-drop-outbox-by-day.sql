-- Every index on the outbox is one more page written, and fsynced, with every rating. `outbox_by_day` served only
-- the daily reconciliation, which now walks the outbox by `seq` in chunks (OutboxRepo.recordsSince): the rating's
-- durable write goes from five pages to four (docs/performance.md, row 1).
DROP INDEX outbox_by_day;
