-- A council's quorum as checked when it was received (`met`; `unrecorded` for a council pushed
-- without its roster, by a laptop from before rosters; none for one assessor), and the level a
-- product is proposed to when its star reaches the programme's threshold for it.
ALTER TABLE assessment ADD COLUMN quorum TEXT;
ALTER TABLE assessment ADD COLUMN proposed_level TEXT;
