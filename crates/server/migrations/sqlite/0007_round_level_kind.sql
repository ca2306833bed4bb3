-- The round (`2026-1`), the programme level and the kind (new, reassessment, upgrade) an
-- assessment names. Those received before name none: they are listed as unknown, never guessed.
ALTER TABLE assessment ADD COLUMN round TEXT;
ALTER TABLE assessment ADD COLUMN level TEXT;
ALTER TABLE assessment ADD COLUMN kind TEXT;
CREATE INDEX assessment_round ON assessment (round);
