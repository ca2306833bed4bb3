-- A council's sheets: every member (sheet 1 is the lead) with their own total, and the
-- criteria of the members after the lead as each scored them (the lead's stay in
-- assessment_criterion, as for one assessor). The criteria export and the review page read
-- them, so a council's per-criterion rows are not the lead's alone. One assessor: no rows.
CREATE TABLE assessment_sheet (
  id        TEXT NOT NULL,
  revision  INTEGER NOT NULL,
  sheet     INTEGER NOT NULL,
  assessor  TEXT NOT NULL,
  total     INTEGER NOT NULL,
  PRIMARY KEY (id, revision, sheet)
);

CREATE TABLE assessment_sheet_criterion (
  id        TEXT NOT NULL,
  revision  INTEGER NOT NULL,
  sheet     INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  criterion TEXT NOT NULL,
  status    TEXT NOT NULL,
  points    INTEGER,
  max       INTEGER NOT NULL,
  PRIMARY KEY (id, revision, sheet, criterion)
);
