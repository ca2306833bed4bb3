-- Products forwarded to the next level: a batch a supervisor sends up (the programme, the level
-- it goes to, a note, who and when) and the assessments in it, each forwarded once.
CREATE TABLE forward_batch (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  programme    TEXT NOT NULL,
  to_level     TEXT NOT NULL,
  note         TEXT NOT NULL,
  forwarded_by BIGINT NOT NULL REFERENCES app_user(id),
  forwarded_at TEXT NOT NULL
);

CREATE TABLE forward_item (
  batch_id      BIGINT NOT NULL REFERENCES forward_batch(id),
  assessment_id TEXT NOT NULL UNIQUE,
  revision      BIGINT NOT NULL,
  region_path   TEXT NOT NULL,
  PRIMARY KEY (batch_id, assessment_id)
);
