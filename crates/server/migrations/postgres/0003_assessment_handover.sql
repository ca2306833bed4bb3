-- A supervisor hands an assessment to another officer: from then on only that officer's
-- laptops push its revisions. Append-only: the latest row for an id names its owner.
CREATE TABLE assessment_handover (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         TEXT NOT NULL,
  from_user  BIGINT NOT NULL REFERENCES app_user(id),
  to_user    BIGINT NOT NULL REFERENCES app_user(id),
  by_user    BIGINT NOT NULL REFERENCES app_user(id),
  handed_at  TEXT NOT NULL
);
CREATE INDEX assessment_handover_id ON assessment_handover(id, seq);
