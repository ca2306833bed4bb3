-- Council mode: several assessors score the same product, each on a sheet of their own. The
-- first member's sheet is the assessment's own `answers`; the others are here, per revision.
CREATE TABLE council_sheet (
  assessment_id TEXT NOT NULL,
  revision      INTEGER NOT NULL,
  member        INTEGER NOT NULL CHECK (member >= 2),
  assessor      TEXT NOT NULL,
  answers       TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (assessment_id, revision, member),
  FOREIGN KEY (assessment_id, revision) REFERENCES assessment(id, revision)
) STRICT;

-- The council's result (average, divergence) of a final revision with several members.
ALTER TABLE assessment ADD COLUMN council_result TEXT;

-- A member's sheet of a final revision is as locked as the revision itself.
CREATE TRIGGER council_sheet_insert_locked BEFORE INSERT ON council_sheet
WHEN (SELECT status FROM assessment WHERE id = new.assessment_id AND revision = new.revision) <> 'draft' BEGIN
  SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER council_sheet_update_locked BEFORE UPDATE ON council_sheet
WHEN (SELECT status FROM assessment WHERE id = old.assessment_id AND revision = old.revision) <> 'draft' BEGIN
  SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER council_sheet_delete_locked BEFORE DELETE ON council_sheet
WHEN (SELECT status FROM assessment WHERE id = old.assessment_id AND revision = old.revision) <> 'draft' BEGIN
  SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER assessment_council_result_locked BEFORE UPDATE OF council_result ON assessment
WHEN old.status <> 'draft' BEGIN
  SELECT RAISE(ABORT, 'assessment is final');
END;
