-- Producers and products change after they first travel: an edit is a record of its own
-- (kind 'edit', sent once), applied to the latest revision of the record it changes, which
-- gains a revision. SQLite cannot widen a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE record_next (
  kind         TEXT NOT NULL CHECK (kind IN ('producer', 'product', 'assessment', 'coaching_action', 'coaching_visit', 'edit')),
  id           TEXT NOT NULL,
  revision     INTEGER NOT NULL CHECK (revision >= 1),
  content_hash TEXT NOT NULL,
  body         TEXT NOT NULL,
  region_code  TEXT NOT NULL,
  region_path  TEXT NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES app_user(id),
  device_id    INTEGER NOT NULL REFERENCES device(id),
  received_at  TEXT NOT NULL,
  PRIMARY KEY (kind, id, revision)
);
INSERT INTO record_next (kind, id, revision, content_hash, body, region_code, region_path, user_id, device_id, received_at)
SELECT kind, id, revision, content_hash, body, region_code, region_path, user_id, device_id, received_at FROM record;
DROP TABLE record;
ALTER TABLE record_next RENAME TO record;

-- A record's history, field by field: what each edit changed, from what, and whether the value
-- it replaced was one the editing laptop had not seen (another officer's, which lost).
CREATE TABLE field_change (
  kind        TEXT NOT NULL,
  id          TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  field       TEXT NOT NULL,
  value       TEXT NOT NULL,
  previous    TEXT NOT NULL,
  overridden  INTEGER NOT NULL CHECK (overridden IN (0, 1)),
  edit_id     TEXT NOT NULL,
  user_id     INTEGER NOT NULL REFERENCES app_user(id),
  received_at TEXT NOT NULL,
  PRIMARY KEY (kind, id, revision, field)
);

-- The laptop a change came from: it is not sent back there, but another laptop of the same
-- officer (a replacement) gets it.
ALTER TABLE change ADD COLUMN from_device INTEGER;
