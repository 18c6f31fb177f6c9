-- Which department each window belonged to, and since when (issue 13, item 7, review): a window moved to another
-- department must not have the ratings it gave before the move, by a kiosk that had not yet learnt of it, refused
-- at ingest. Written by a trigger in the same transaction as the window's creation or change, however it is made.
-- A window's first row holds from the beginning of time (src/central/scope.ts reads it so): records made before a
-- window's creation can only be clock skew.

CREATE TABLE window_departments (
  id              bigserial PRIMARY KEY,
  window_code     text NOT NULL REFERENCES windows (code),
  department_code text NOT NULL REFERENCES departments (code),
  since           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX window_departments_by_window ON window_departments (window_code, since, id);

CREATE FUNCTION window_departments_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.department_code IS DISTINCT FROM OLD.department_code THEN
    INSERT INTO window_departments (window_code, department_code) VALUES (NEW.code, NEW.department_code);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER windows_department_history
  AFTER INSERT OR UPDATE OF department_code ON windows
  FOR EACH ROW EXECUTE FUNCTION window_departments_record();

-- The windows there are: their department as it is now, from their creation on.
INSERT INTO window_departments (window_code, department_code, since)
SELECT code, department_code, created_at FROM windows;
