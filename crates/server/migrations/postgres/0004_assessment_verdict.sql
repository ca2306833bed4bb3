-- The official verdict the server computed (the rubric engine's, over the council's members
-- when several scored): the total in hundredths after the set's rounding rule (a council's
-- average may be 89.5), whether it is final, provisional or not classified, how many sheets
-- it is over, and the verdict itself for the detail page. Rows received before are one sheet's
-- own result: their total is whole points, their standing final when they hold a star.
ALTER TABLE assessment ADD COLUMN total_hundredths BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assessment ADD COLUMN standing TEXT NOT NULL DEFAULT 'final';
ALTER TABLE assessment ADD COLUMN sheets BIGINT NOT NULL DEFAULT 1;
ALTER TABLE assessment ADD COLUMN verdict TEXT;
UPDATE assessment SET total_hundredths = total * 100;

-- A part's points: a council's are the members' average.
ALTER TABLE assessment_part ADD COLUMN points_exact DOUBLE PRECISION;
UPDATE assessment_part SET points_exact = points;
