-- Producers and products change after they first travel: an edit is a record of its own
-- (kind 'edit', sent once), applied to the latest revision of the record it changes, which
-- gains a revision.
ALTER TABLE record DROP CONSTRAINT record_kind_check;
ALTER TABLE record ADD CONSTRAINT record_kind_check
  CHECK (kind IN ('producer', 'product', 'assessment', 'coaching_action', 'coaching_visit', 'edit'));

-- A record's history, field by field: what each edit changed, from what, and whether the value
-- it replaced was one the editing laptop had not seen (another officer's, which lost).
CREATE TABLE field_change (
  kind        TEXT NOT NULL,
  id          TEXT NOT NULL,
  revision    BIGINT NOT NULL,
  field       TEXT NOT NULL,
  value       TEXT NOT NULL,
  previous    TEXT NOT NULL,
  overridden  INTEGER NOT NULL CHECK (overridden IN (0, 1)),
  edit_id     TEXT NOT NULL,
  user_id     BIGINT NOT NULL REFERENCES app_user(id),
  received_at TEXT NOT NULL,
  PRIMARY KEY (kind, id, revision, field)
);

-- The laptop a change came from: it is not sent back there, but another laptop of the same
-- officer (a replacement) gets it.
ALTER TABLE change ADD COLUMN from_device BIGINT;
