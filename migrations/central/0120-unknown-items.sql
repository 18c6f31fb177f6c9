-- Service items the hall's catalogue does not hold (issue 18; docs/api.md, 未知事项).
--
-- A 办件 system may send an item code the hall never listed. Such a rating is kept as it came, with the code in
-- `unknown_item_code` and no `service_item_code`, so reports do not count it as an item of its own; an admin maps
-- the code to a real item, which fills `service_item_code` of its ratings and, through `service_item_aliases`, of
-- every later rating that carries it.
ALTER TABLE evaluations ADD COLUMN unknown_item_code text;

CREATE TABLE service_item_aliases (
  code              text PRIMARY KEY,
  service_item_code text NOT NULL REFERENCES service_items (code),
  created_at        timestamptz NOT NULL DEFAULT now()
);

-- What came before this migration: an item code that is not in the catalogue becomes an unknown one.
UPDATE evaluations e SET unknown_item_code = e.service_item_code, service_item_code = NULL
 WHERE e.service_item_code IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM service_items i WHERE i.code = e.service_item_code);

-- The admin's list: the codes still unmapped, with their counts.
CREATE INDEX evaluations_unknown_item ON evaluations (unknown_item_code, invited_at)
  WHERE unknown_item_code IS NOT NULL AND service_item_code IS NULL;
