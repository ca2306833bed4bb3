-- The round (`2026-1`), the programme level and the kind (new, reassessment, upgrade) of an
-- assessment. Those made before have none: they are shown as unknown, never guessed.
ALTER TABLE assessment ADD COLUMN round TEXT;
ALTER TABLE assessment ADD COLUMN level TEXT;
ALTER TABLE assessment ADD COLUMN kind TEXT;
