-- A brand's own data, imported from its files (npm run import, /admin/import;
-- cube/import/). The brand's systems name things by their own codes (工号,
-- 订单号, 客户编号); the product's tables use integer ids. The map keeps each
-- code on the id it was given the first time, so a re-import updates the same
-- rows and the ids stay stable across imports. One map, partitioned by
-- entity. Several customer codes may share one id: OneID merged them (the
-- same unionid or phone under two codes).
CREATE TABLE siyu.import_codes (
  entity text NOT NULL CHECK (entity IN ('teams', 'employees', 'channels', 'customers', 'identities', 'campaigns',
                                         'spend', 'participations', 'orders', 'events', 'follow_ups', 'appointments')),
  code   text NOT NULL,
  id     bigint NOT NULL,
  -- A customer code OneID mapped onto a customer another code already names.
  merged boolean NOT NULL DEFAULT false,
  PRIMARY KEY (entity, code)
);
CREATE INDEX import_codes_id_idx ON siyu.import_codes (entity, id);

-- Each import or check: who, when, which files, how many rows per entity
-- (inserted, updated, unchanged), the result. Not a data table: no change
-- counter (writing it changes no metric). Cube's role may not read it.
CREATE TABLE siyu.import_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  username    text NOT NULL,
  source      text NOT NULL CHECK (source IN ('cli', 'web')),
  check_only  boolean NOT NULL,
  files       jsonb NOT NULL DEFAULT '[]',
  entities    jsonb NOT NULL DEFAULT '{}',
  merges      integer NOT NULL DEFAULT 0,
  problems    integer NOT NULL DEFAULT 0,
  result      text NOT NULL CHECK (result IN ('imported', 'checked', 'refused', 'failed'))
);
CREATE INDEX import_runs_started_idx ON siyu.import_runs (started_at DESC);
