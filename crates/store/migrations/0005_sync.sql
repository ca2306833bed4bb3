-- Sync: what the outbox sent, what the server has, what came back.
-- The record exactly as first sent: a retry sends the same bytes, so a lost answer can never
-- turn into a conflict with ourselves.
ALTER TABLE outbox ADD COLUMN payload TEXT;
-- The server's stable code for a rejected or conflicting record (the reason is its message).
ALTER TABLE outbox ADD COLUMN code TEXT;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN settled_at TEXT;
CREATE INDEX outbox_state ON outbox(state);

-- Producers and products the server has (sent from here, or pulled): they need not travel
-- again. `content_hash` is the body the server has, so a local edit since can be told.
CREATE TABLE on_server (
  kind         TEXT NOT NULL CHECK (kind IN ('producer', 'product')),
  id           TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  since        TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT;

-- Photos the server asked for, until it holds them complete and verified.
CREATE TABLE upload (
  sha256  TEXT PRIMARY KEY,
  size    INTEGER NOT NULL,
  done_at TEXT
) STRICT;

-- Supervisors' decisions on my assessments, as pulled.
CREATE TABLE review_decision (
  assessment_id TEXT NOT NULL,
  revision      INTEGER NOT NULL,
  decision      TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
  comment       TEXT NOT NULL DEFAULT '',
  reviewer      TEXT NOT NULL DEFAULT '',
  decided_at    TEXT NOT NULL,
  received_at   TEXT NOT NULL,
  PRIMARY KEY (assessment_id, revision, decided_at)
) STRICT;
