-- The council as appointed (its chair and the members absent from the session), as JSON, when
-- several members score. Councils finalised before have none: their quorum is shown as not
-- recorded, never as met.
ALTER TABLE assessment ADD COLUMN roster TEXT;
