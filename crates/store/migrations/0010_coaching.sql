-- Coaching after an assessment. Each action of a plan is a record with revisions (edited, or
-- its progress changed by a follow-up visit); the latest revision is the action as it stands.
-- `body` is the action whole (`ovop_core::coaching::Action`); `due` and `open` are what the
-- due lists look up. A visit is recorded once and never changed: what was done, per action.
CREATE TABLE coaching_action (
  id            TEXT NOT NULL,
  revision      INTEGER NOT NULL CHECK (revision >= 1),
  product_id    TEXT NOT NULL REFERENCES product(id),
  assessment_id TEXT,
  body          TEXT NOT NULL,
  due           TEXT,
  open          INTEGER NOT NULL CHECK (open IN (0, 1)),
  latest        INTEGER NOT NULL DEFAULT 1 CHECK (latest IN (0, 1)),
  visit_id      TEXT,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (id, revision)
) STRICT;
CREATE INDEX coaching_action_product ON coaching_action(product_id) WHERE latest = 1;
CREATE INDEX coaching_action_due ON coaching_action(due) WHERE latest = 1 AND open = 1;

CREATE TABLE coaching_visit (
  id          TEXT PRIMARY KEY,
  product_id  TEXT NOT NULL REFERENCES product(id),
  visited_on  TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX coaching_visit_product ON coaching_visit(product_id, visited_on);
