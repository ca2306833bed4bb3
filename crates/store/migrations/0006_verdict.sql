-- The official verdict decided at finalisation (the rubric engine's, over the council's members
-- when several scored). Revisions finalised before it have none: it is computed when asked.
ALTER TABLE assessment ADD COLUMN verdict TEXT;

CREATE TRIGGER assessment_final_verdict_is_locked BEFORE UPDATE OF verdict, council_result ON assessment
WHEN old.status <> 'draft' BEGIN
  SELECT RAISE(ABORT, 'assessment is final');
END;
