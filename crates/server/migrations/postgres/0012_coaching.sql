-- Coaching plans and follow-up visits travel like assessments: each revision of an action and
-- each visit is a record, stored once under (kind, id, revision).
ALTER TABLE record DROP CONSTRAINT record_kind_check;
ALTER TABLE record ADD CONSTRAINT record_kind_check
  CHECK (kind IN ('producer', 'product', 'assessment', 'coaching_action', 'coaching_visit'));

-- Each action as it stands (its latest revision received), for the office's lists: who made
-- the plan, the product, the kind of support, the owner, the due day and the progress.
CREATE TABLE coaching_action (
  id            TEXT PRIMARY KEY,
  revision      BIGINT NOT NULL,
  product_id    TEXT NOT NULL,
  product_name  TEXT NOT NULL,
  producer_name TEXT NOT NULL,
  assessment_id TEXT,
  criterion     TEXT,
  support       TEXT NOT NULL,
  owner         TEXT NOT NULL,
  due           TEXT,
  progress      TEXT NOT NULL,
  open          BIGINT NOT NULL CHECK (open IN (0, 1)),
  region_code   TEXT NOT NULL,
  region_path   TEXT NOT NULL,
  regency_code  TEXT NOT NULL,
  officer_id    BIGINT NOT NULL REFERENCES app_user(id),
  received_at   TEXT NOT NULL,
  changed_at    TEXT NOT NULL
);
CREATE INDEX coaching_action_open ON coaching_action(open, due);
CREATE INDEX coaching_action_region ON coaching_action(region_path);
CREATE INDEX coaching_action_product ON coaching_action(product_id);
-- The recap counts open actions by officer, regency and support from this index alone.
CREATE INDEX coaching_action_open_cover ON coaching_action(open, officer_id, regency_code, support, due, region_path);

-- Follow-up visits, one row each: the day, the officer, where, how many actions it spoke of.
CREATE TABLE coaching_visit (
  id           TEXT PRIMARY KEY,
  product_id   TEXT NOT NULL,
  visited_on   TEXT NOT NULL,
  updates      BIGINT NOT NULL,
  region_code  TEXT NOT NULL,
  region_path  TEXT NOT NULL,
  regency_code TEXT NOT NULL,
  officer_id   BIGINT NOT NULL REFERENCES app_user(id),
  received_at  TEXT NOT NULL
);
CREATE INDEX coaching_visit_officer ON coaching_visit(officer_id, visited_on);
CREATE INDEX coaching_visit_region ON coaching_visit(region_path);
CREATE INDEX coaching_visit_period ON coaching_visit(visited_on, officer_id, region_path);

-- An assessment's revisions before its latest are superseded (set when the later one is stored).
ALTER TABLE assessment ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
UPDATE assessment SET superseded = 1
WHERE EXISTS (SELECT 1 FROM assessment r WHERE r.id = assessment.id AND r.revision > assessment.revision);

-- The recap's products by star: each product's assessments latest first, with what is counted,
-- read from the index alone.
CREATE INDEX assessment_latest ON assessment(product_id, assessed_on DESC, received_at DESC, id DESC, revision DESC,
  status, superseded, regency_code, product_set, star, region_path);

-- When each laptop last pushed or pulled: the office sees who has not synced.
ALTER TABLE device ADD COLUMN last_seen_at TEXT;

-- The office's targets: how many products it means to have at each star, per regency and year.
CREATE TABLE office_target (
  regency_code TEXT NOT NULL,
  year         BIGINT NOT NULL,
  star         BIGINT NOT NULL CHECK (star BETWEEN 1 AND 5),
  products     BIGINT NOT NULL CHECK (products >= 0),
  set_by       BIGINT NOT NULL REFERENCES app_user(id),
  set_at       TEXT NOT NULL,
  PRIMARY KEY (regency_code, year, star)
);
