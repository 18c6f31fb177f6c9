-- Reason tags per level (issue 15, 配置): the levels each tag is offered after. Tags there are keep the two of 差评,
-- the only levels a kiosk asks reasons for (ReasonTagCreate in src/shared/central-api.ts).

ALTER TABLE reason_tags
  ADD COLUMN levels smallint[] NOT NULL DEFAULT '{2,1}'
    CHECK (cardinality(levels) BETWEEN 1 AND 5 AND levels <@ '{1,2,3,4,5}'::smallint[]);
