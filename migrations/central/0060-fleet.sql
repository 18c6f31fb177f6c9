-- The fleet at the size of a city's halls (issue 15): the 设备 page lists tens of thousands of kiosks a page at a
-- time, with what each one's records came to, without counting over the evaluations for every device listed.

-- Per device, counters kept by the database as the rows they count are written, in the same transaction: the
-- evaluations whose staff number the centre did not know. A statement-level trigger over the rows a statement
-- inserted, deleted or changed, so that no path that writes evaluations (ingest, an import, a repair by hand) can
-- leave the counter behind, and a batch costs one upsert per device rather than one per row.
CREATE TABLE device_counts (
  device_id                 uuid PRIMARY KEY REFERENCES devices (id),
  unknown_staff_evaluations bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION device_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO device_counts AS c (device_id, unknown_staff_evaluations)
  SELECT device_id, count(*) FROM new_rows WHERE staff_unknown GROUP BY device_id ORDER BY device_id
  ON CONFLICT (device_id) DO UPDATE
    SET unknown_staff_evaluations = c.unknown_staff_evaluations + excluded.unknown_staff_evaluations;
  RETURN NULL;
END $$;

CREATE FUNCTION device_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE device_counts c SET unknown_staff_evaluations = c.unknown_staff_evaluations - o.n
    FROM (SELECT device_id, count(*) AS n FROM old_rows WHERE staff_unknown GROUP BY device_id) o
   WHERE c.device_id = o.device_id;
  RETURN NULL;
END $$;

CREATE FUNCTION device_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH delta AS (
    SELECT device_id, sum(n) AS n
      FROM (SELECT device_id, 1 AS n FROM new_rows WHERE staff_unknown
            UNION ALL SELECT device_id, -1 FROM old_rows WHERE staff_unknown) d
     GROUP BY device_id HAVING sum(n) <> 0)
  INSERT INTO device_counts AS c (device_id, unknown_staff_evaluations)
  SELECT device_id, n FROM delta ORDER BY device_id
  ON CONFLICT (device_id) DO UPDATE
    SET unknown_staff_evaluations = c.unknown_staff_evaluations + excluded.unknown_staff_evaluations;
  RETURN NULL;
END $$;

CREATE TRIGGER evaluations_count_insert AFTER INSERT ON evaluations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_counts_on_insert();
CREATE TRIGGER evaluations_count_delete AFTER DELETE ON evaluations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION device_counts_on_delete();
CREATE TRIGGER evaluations_count_update AFTER UPDATE ON evaluations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_counts_on_update();

-- What was stored before this migration.
INSERT INTO device_counts (device_id, unknown_staff_evaluations)
SELECT device_id, count(*) FROM evaluations WHERE staff_unknown GROUP BY device_id;

-- Every kiosk's heartbeat rewrites its row (src/central/fleet-status.ts); room left in each page lets PostgreSQL
-- update it in place (a HOT update: no index touched, no index bloat). No index is put on the columns a heartbeat
-- writes for the same reason: the page's filters scan the devices, which stays cheap at a city's fleet.
ALTER TABLE devices SET (fillfactor = 70);
