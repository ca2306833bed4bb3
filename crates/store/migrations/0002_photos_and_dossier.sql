-- Photos and scans, content-addressed: the bytes live in `<db>.files/` under their SHA-256,
-- the database keeps what they are. One photo may belong to several records.
CREATE TABLE photo (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  mime       TEXT NOT NULL,
  width      INTEGER NOT NULL,
  height     INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE photo_link (
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('producer', 'product', 'assessment')),
  owner_id   TEXT NOT NULL,
  sha256     TEXT NOT NULL REFERENCES photo(sha256),
  name       TEXT NOT NULL,
  -- for an assessment: the criterion the photo is evidence for
  criterion  TEXT NOT NULL DEFAULT '',
  added_at   TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, sha256, criterion)
);
CREATE INDEX photo_link_sha ON photo_link(sha256);

-- The producer's dossier as the officer checks it: per assessment revision, each document
-- (food-safety certificate, quality declaration, test report, NIB, halal...) present or not,
-- with its number, dates and issuer; `criterion` names the criterion it is evidence for.
CREATE TABLE evidence_document (
  assessment_id TEXT NOT NULL,
  revision      INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  criterion     TEXT NOT NULL DEFAULT '',
  present       INTEGER NOT NULL,
  number        TEXT,
  issued_on     TEXT,
  issuer        TEXT,
  expires_on    TEXT,
  note          TEXT,
  PRIMARY KEY (assessment_id, revision, kind, criterion),
  FOREIGN KEY (assessment_id, revision) REFERENCES assessment(id, revision)
);
