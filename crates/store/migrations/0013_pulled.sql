-- The region's history comes down: assessments made on other laptops (a colleague's, or this
-- officer's own from a laptop they no longer have) are stored as they were sent, final and read-
-- only, with who owns them on the server. `pulled_mine` is 1 when that is this laptop's officer,
-- who may then correct them; a colleague's are never changed here.
ALTER TABLE assessment ADD COLUMN pulled_from TEXT;
ALTER TABLE assessment ADD COLUMN pulled_officer TEXT;
ALTER TABLE assessment ADD COLUMN pulled_mine INTEGER NOT NULL DEFAULT 0;

-- Photos of pulled records (an assessment's by revision; a producer's or product's with
-- revision 0): known by hash and size; a thumbnail comes with the pull while the
-- officer's disk budget allows, the whole photo on demand (resumable, `<files>/partial/<hex>`).
-- `thumb_size` 0 with `thumb_at` set: the server has no thumbnail of it (not a picture).
CREATE TABLE remote_photo (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  thumb_at   TEXT,
  thumb_size INTEGER,
  full_at    TEXT,
  seen_at    TEXT NOT NULL,
  -- 1: the photo was here already (this laptop's own): it takes none of the budget.
  own        INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE remote_photo_link (
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('assessment', 'producer', 'product')),
  owner_id   TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  sha256     TEXT NOT NULL REFERENCES remote_photo(sha256),
  PRIMARY KEY (owner_kind, owner_id, revision, sha256)
) STRICT;
CREATE INDEX remote_photo_link_sha ON remote_photo_link(sha256);
