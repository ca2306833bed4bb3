-- Coaching travels: every revision of an action and every follow-up visit goes through the
-- outbox, exactly once, like a final assessment. Plans and visits recorded before this version
-- are queued now, visits first (an action's revision names the visit that changed it).
INSERT INTO outbox (kind, record_id, revision, created_at)
SELECT 'coaching_visit', id, 1, created_at FROM coaching_visit ORDER BY created_at, id
ON CONFLICT (kind, record_id, revision) DO NOTHING;
INSERT INTO outbox (kind, record_id, revision, created_at)
SELECT 'coaching_action', id, revision, created_at FROM coaching_action ORDER BY created_at, id, revision
ON CONFLICT (kind, record_id, revision) DO NOTHING;

-- A follow-up visit has photos too: the link table takes them (rebuilt, its check widened).
CREATE TABLE photo_link_next (
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('producer', 'product', 'assessment', 'coaching_visit')),
  owner_id   TEXT NOT NULL,
  sha256     TEXT NOT NULL REFERENCES photo(sha256),
  name       TEXT NOT NULL,
  criterion  TEXT NOT NULL DEFAULT '',
  added_at   TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, sha256, criterion)
);
INSERT INTO photo_link_next (owner_kind, owner_id, sha256, name, criterion, added_at)
SELECT owner_kind, owner_id, sha256, name, criterion, added_at FROM photo_link;
DROP TABLE photo_link;
ALTER TABLE photo_link_next RENAME TO photo_link;
CREATE INDEX photo_link_sha ON photo_link(sha256);
