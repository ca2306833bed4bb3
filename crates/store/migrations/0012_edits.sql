-- Producers and products travel on their own and change after they first travel.
-- A deleted producer or product is kept as a tombstone (hidden), which travels as an edit.
ALTER TABLE producer ADD COLUMN deleted_at TEXT;
ALTER TABLE product ADD COLUMN deleted_at TEXT;

-- A producer's or product's history, field by field, as the server last told it (JSON, newest
-- first), at the server's revision.
CREATE TABLE record_history (
  kind        TEXT NOT NULL CHECK (kind IN ('producer', 'product')),
  id          TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  history     TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT;

-- Producers and products the server does not have are queued now (before, they travelled only
-- with an assessment of theirs): producers first, as a product needs its producer.
INSERT INTO outbox (kind, record_id, revision, created_at)
SELECT 'producer', id, 1, created_at FROM producer
WHERE id NOT IN (SELECT id FROM on_server WHERE kind = 'producer') ORDER BY created_at, id
ON CONFLICT (kind, record_id, revision) DO NOTHING;
INSERT INTO outbox (kind, record_id, revision, created_at)
SELECT 'product', id, 1, created_at FROM product
WHERE id NOT IN (SELECT id FROM on_server WHERE kind = 'product') ORDER BY created_at, id
ON CONFLICT (kind, record_id, revision) DO NOTHING;
