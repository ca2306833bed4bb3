-- Regions of Indonesia and Vietnam: codes are strings, the hierarchy is in the code and parent.
CREATE TABLE region (
  id      INTEGER PRIMARY KEY,
  code    TEXT NOT NULL UNIQUE,
  parent  TEXT,
  level   TEXT NOT NULL,
  name    TEXT NOT NULL,
  country TEXT NOT NULL,
  -- the ancestors' names, for display: "KALIMANTAN SELATAN › KABUPATEN TAPIN"
  path    TEXT NOT NULL,
  -- the name, lowercased and without diacritics, lowercased and without diacritics, for search
  search  TEXT NOT NULL
);
CREATE INDEX region_parent ON region(parent);

CREATE VIRTUAL TABLE region_fts USING fts5(
  search, content='region', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
CREATE TRIGGER region_ai AFTER INSERT ON region BEGIN
  INSERT INTO region_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER region_ad AFTER DELETE ON region BEGIN
  INSERT INTO region_fts(region_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;

CREATE TABLE producer (
  rowid_            INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  legal_form        TEXT,
  registration_no   TEXT,
  representative    TEXT,
  phone             TEXT,
  village_code      TEXT REFERENCES region(code),
  address           TEXT,
  workforce         INTEGER,
  local_labour_pct  REAL,
  women             INTEGER,
  minorities        INTEGER,
  revenue_prev_year INTEGER,
  revenue_last_year INTEGER,
  accounting        TEXT,
  sentra_ikm        TEXT,
  penghela          INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  search            TEXT NOT NULL
);
CREATE INDEX producer_village ON producer(village_code);

CREATE TABLE product (
  rowid_       INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  producer_id  TEXT NOT NULL REFERENCES producer(id),
  name         TEXT NOT NULL,
  brand        TEXT,
  programme    TEXT,
  product_set  TEXT,
  skus         TEXT NOT NULL DEFAULT '[]',
  description  TEXT,
  village_code TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  search       TEXT NOT NULL
);
CREATE INDEX product_producer ON product(producer_id);
CREATE INDEX product_village ON product(village_code);

CREATE VIRTUAL TABLE producer_fts USING fts5(
  search, content='producer', content_rowid='rowid_', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
CREATE TRIGGER producer_ai AFTER INSERT ON producer BEGIN
  INSERT INTO producer_fts(rowid, search) VALUES (new.rowid_, new.search);
END;
CREATE TRIGGER producer_au AFTER UPDATE OF search ON producer BEGIN
  INSERT INTO producer_fts(producer_fts, rowid, search) VALUES ('delete', old.rowid_, old.search);
  INSERT INTO producer_fts(rowid, search) VALUES (new.rowid_, new.search);
END;

CREATE VIRTUAL TABLE product_fts USING fts5(
  search, content='product', content_rowid='rowid_', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
CREATE TRIGGER product_ai AFTER INSERT ON product BEGIN
  INSERT INTO product_fts(rowid, search) VALUES (new.rowid_, new.search);
END;
CREATE TRIGGER product_au AFTER UPDATE OF search ON product BEGIN
  INSERT INTO product_fts(product_fts, rowid, search) VALUES ('delete', old.rowid_, old.search);
  INSERT INTO product_fts(rowid, search) VALUES (new.rowid_, new.search);
END;

-- Frozen copies of every criteria set an assessment used: an old assessment still renders
-- after its set changes.
CREATE TABLE criteria_set (
  hash    TEXT PRIMARY KEY,
  id      TEXT NOT NULL,
  version TEXT NOT NULL,
  json    TEXT NOT NULL,
  UNIQUE (id, version)
);

-- One row per revision. A correction after `final` is a new revision naming the one it
-- supersedes; nothing is overwritten once final.
CREATE TABLE assessment (
  id            TEXT NOT NULL,
  revision      INTEGER NOT NULL CHECK (revision >= 1),
  supersedes    INTEGER,
  reason        TEXT,
  product_id    TEXT NOT NULL REFERENCES product(id),
  criteria_hash TEXT NOT NULL REFERENCES criteria_set(hash),
  status        TEXT NOT NULL CHECK (status IN ('draft', 'final', 'synced', 'reviewed')),
  assessed_on   TEXT,
  region_code   TEXT,
  latitude      REAL,
  longitude     REAL,
  assessors     TEXT NOT NULL DEFAULT '[]',
  answers       TEXT NOT NULL,
  result        TEXT,
  total         INTEGER,
  star          INTEGER,
  content_hash  TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  finalized_at  TEXT,
  PRIMARY KEY (id, revision),
  CHECK (status = 'draft' OR (result IS NOT NULL AND content_hash IS NOT NULL))
);
CREATE INDEX assessment_product ON assessment(product_id);
CREATE INDEX assessment_status ON assessment(status);

-- A final assessment is never changed again, except for its sync and review status.
CREATE TRIGGER assessment_final_is_locked BEFORE UPDATE OF answers, result, total, star, content_hash, criteria_hash, product_id ON assessment
WHEN old.status <> 'draft' BEGIN
  SELECT RAISE(ABORT, 'assessment is final');
END;

-- Written in the same transaction as the finalisation; the sync engine pushes it.
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL,
  record_id  TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  state      TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sending', 'sent', 'rejected', 'conflict')),
  reason     TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (kind, record_id, revision)
);
