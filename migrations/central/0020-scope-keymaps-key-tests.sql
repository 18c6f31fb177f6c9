-- Issue 13 on the centre: what each device reports of itself (the key map in force, its last reconciliation), the
-- records it was refused (counted, never stored), staff numbers the centre does not know (accepted, flagged), the
-- key map a record was read with when a technician's local one was in force, and key-test sessions.

ALTER TABLE devices
  ADD COLUMN key_map            smallint[],
  ADD COLUMN key_map_source     text CHECK (key_map_source IN ('central', 'local')),
  ADD COLUMN last_reconciled_at timestamptz;

-- Records refused at ingest, per device and code: the records themselves are stored nowhere (the kiosk quarantines
-- them), so this count is what the fleet list shows of them.
CREATE TABLE device_rejections (
  device_id uuid NOT NULL REFERENCES devices (id),
  code      text NOT NULL,
  count     bigint NOT NULL,
  last_at   timestamptz NOT NULL,
  PRIMARY KEY (device_id, code)
);

-- staff_unknown: the staff number is not on the centre's roster of the record's department (an offline kiosk may
-- hold an older roster, so the record is kept, and flagged).
ALTER TABLE evaluations
  ADD COLUMN staff_unknown boolean NOT NULL DEFAULT false,
  ADD COLUMN local_key_map smallint[];
CREATE INDEX evaluations_staff_unknown_by_device ON evaluations (device_id) WHERE staff_unknown;
CREATE INDEX evaluations_by_window ON evaluations (window_code, invited_at);

-- A stray press carries no window or department of its own: the device's, written at ingest, so that reports group
-- them as they group evaluations.
ALTER TABLE stray_presses
  ADD COLUMN window_code     text,
  ADD COLUMN department_code text,
  ADD COLUMN staff_unknown   boolean NOT NULL DEFAULT false,
  ADD COLUMN local_key_map   smallint[];
CREATE INDEX stray_presses_by_time ON stray_presses (at);

CREATE TABLE key_tests (
  id         uuid PRIMARY KEY REFERENCES records (id),
  device_id  uuid NOT NULL REFERENCES devices (id),
  started_at timestamptz NOT NULL,
  ended_at   timestamptz NOT NULL,
  ended_by   text NOT NULL CHECK (ended_by IN ('technician', 'timeout', 'closed')),
  presses    integer NOT NULL CHECK (presses >= 0)
);
CREATE INDEX key_tests_by_device ON key_tests (device_id, ended_at);

-- What was stored before this migration, brought to the same terms: stray presses get their device's window and
-- department, evaluations their flag.
UPDATE stray_presses s SET window_code = d.window_code, department_code = w.department_code
  FROM devices d LEFT JOIN windows w ON w.code = d.window_code
 WHERE d.id = s.device_id;
UPDATE evaluations e SET staff_unknown = true
 WHERE e.staff_no IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.staff_no = e.staff_no
                                          AND (e.department_code IS NULL OR s.department_code = e.department_code));

-- The update feed decides what code every Electron kiosk runs: https only from now on. A plain-http feed set before
-- is dropped (kiosks then keep the feed they have), rather than sent on or made into a configuration error.
DELETE FROM settings WHERE key = 'updateFeedUrl' AND value #>> '{}' NOT LIKE 'https://%';
