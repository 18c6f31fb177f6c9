-- The audit log (issue 15): who did what to what, when, from where, with what result, refusals included.
-- Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, whoever asks. Each row carries the hash of the row
-- before it (prev_hash) and its own hash, SHA-256 over a canonical serialisation of the row and prev_hash
-- (audit_log_hash), so that a row edited or removed behind the database's back (by its owner or a superuser with
-- the trigger disabled) is found by `hcp central audit verify`. The chain is computed by the BEFORE INSERT trigger
-- under a transaction-scoped advisory lock: appends are serialised, seq has no gaps, and the chain never forks.
-- Personal data (a rater's identity or phone) is never written here: summaries hold codes and configuration.

CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('account', 'api_key', 'system', 'anonymous')),
  actor_id   text,
  actor_name text,
  actor_role text,
  action     text NOT NULL,
  target     text,
  summary    jsonb,
  ip         text,
  result     text NOT NULL CHECK (result IN ('ok', 'refused', 'failed')),
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE INDEX audit_log_by_actor ON audit_log (actor_name, seq);
CREATE INDEX audit_log_by_target ON audit_log (target, seq);

-- The canonical serialisation: a JSON array of the columns in a fixed order (jsonb's text form is deterministic),
-- the time in UTC to the microsecond whatever the session's TimeZone.
CREATE FUNCTION audit_log_hash(r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    r.seq,
    to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.actor_kind, r.actor_id, r.actor_name, r.actor_role,
    r.action, r.target, r.summary, r.ip, r.result,
    r.prev_hash
  )::text, 'UTF8')), 'hex')
$$;

-- The first row's prev_hash.
CREATE FUNCTION audit_log_genesis() RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT repeat('0', 64)
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last audit_log%ROWTYPE;
BEGIN
  -- Held to the end of the inserting transaction: the next append waits for this one to commit or roll back.
  PERFORM pg_advisory_xact_lock(hashtext('hcp.audit_log'));
  SELECT * INTO last FROM audit_log ORDER BY seq DESC LIMIT 1;
  IF FOUND THEN
    NEW.seq := last.seq + 1;
    NEW.prev_hash := last.hash;
  ELSE
    NEW.seq := 1;
    NEW.prev_hash := audit_log_genesis();
  END IF;
  -- The wall clock, not the transaction's start: entries are in time order as they are in seq order.
  NEW.at := greatest(clock_timestamp(), coalesce(last.at, '-infinity'));
  NEW.hash := audit_log_hash(NEW);
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_chain
  BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
