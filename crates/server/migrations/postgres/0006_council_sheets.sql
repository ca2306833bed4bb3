-- A council's sheets: every member (sheet 1 is the lead) with their own total, and the
-- criteria of the members after the lead as each scored them (the lead's stay in
-- assessment_criterion, as for one assessor). The criteria export and the review page read
-- them, so a council's per-criterion rows are not the lead's alone. One assessor: no rows.
CREATE TABLE assessment_sheet (
  id        TEXT NOT NULL,
  revision  BIGINT NOT NULL,
  sheet     BIGINT NOT NULL,
  assessor  TEXT NOT NULL,
  total     BIGINT NOT NULL,
  PRIMARY KEY (id, revision, sheet)
);

CREATE TABLE assessment_sheet_criterion (
  id        TEXT NOT NULL,
  revision  BIGINT NOT NULL,
  sheet     BIGINT NOT NULL,
  position  BIGINT NOT NULL,
  criterion TEXT NOT NULL,
  status    TEXT NOT NULL,
  points    BIGINT,
  max       BIGINT NOT NULL,
  PRIMARY KEY (id, revision, sheet, criterion)
);
