-- Vietnam's units from 1 July 2025 (codes `VN25-…`) beside the units that ceased that day
-- (codes `VN-…`, kept to name old records): `retired` is the day a unit ceased, NULL for a
-- unit that exists.
ALTER TABLE region ADD COLUMN retired TEXT;
UPDATE region SET retired = '2025-07-01' WHERE code LIKE 'VN-%';

-- The search index learns the country (a search keeps to the countries the officer works in),
-- and follows an update of a region's name (a re-import used to leave the old words indexed).
DROP TRIGGER region_ai;
DROP TRIGGER region_ad;
DROP TABLE region_fts;
CREATE VIRTUAL TABLE region_fts USING fts5(
  search, country, content='region', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
CREATE TRIGGER region_ai AFTER INSERT ON region BEGIN
  INSERT INTO region_fts(rowid, search, country) VALUES (new.id, new.search, new.country);
END;
CREATE TRIGGER region_ad AFTER DELETE ON region BEGIN
  INSERT INTO region_fts(region_fts, rowid, search, country) VALUES ('delete', old.id, old.search, old.country);
END;
CREATE TRIGGER region_au AFTER UPDATE OF search, country ON region BEGIN
  INSERT INTO region_fts(region_fts, rowid, search, country) VALUES ('delete', old.id, old.search, old.country);
  INSERT INTO region_fts(rowid, search, country) VALUES (new.id, new.search, new.country);
END;
INSERT INTO region_fts(region_fts) VALUES ('rebuild');

-- The government's table from old communes to new (Vietnam, 1 July 2025): an old commune merged
-- whole into one new commune, or split between several ("merged in part"). A producer under an
-- old commune is offered its successors; the officer chooses, nothing moves by itself. Old names
-- are searchable: "Trúc Bạch" finds Phường Ba Đình, which absorbed it.
CREATE TABLE region_successor (
  id           INTEGER PRIMARY KEY,
  old_code     TEXT NOT NULL,
  old_name     TEXT NOT NULL,
  old_district TEXT NOT NULL,
  old_province TEXT NOT NULL,
  new_code     TEXT NOT NULL,
  merge        TEXT NOT NULL CHECK (merge IN ('whole', 'part', 'kept')),
  search       TEXT NOT NULL,
  UNIQUE (old_code, new_code)
);
CREATE INDEX region_successor_new ON region_successor(new_code);
-- Counting a country's current units (first start, Settings) without reading them all.
CREATE INDEX region_country ON region(country, retired);
CREATE VIRTUAL TABLE region_successor_fts USING fts5(
  search, content='region_successor', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
CREATE TRIGGER region_successor_ai AFTER INSERT ON region_successor BEGIN
  INSERT INTO region_successor_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER region_successor_ad AFTER DELETE ON region_successor BEGIN
  INSERT INTO region_successor_fts(region_successor_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
