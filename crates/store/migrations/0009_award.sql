-- The stars a decision awarded the products this laptop holds, as pulled from the office, with
-- the certificate issued for three stars and more. The record as it travelled is kept whole
-- (`body`); the columns are what the product page and the lapsing list look up.
CREATE TABLE award (
  assessment_id TEXT PRIMARY KEY,
  product_id    TEXT NOT NULL,
  decided_on    TEXT NOT NULL,
  star          INTEGER NOT NULL CHECK (star BETWEEN 1 AND 5),
  certificate   TEXT,
  valid_until   TEXT,
  body          TEXT NOT NULL,
  received_at   TEXT NOT NULL
) STRICT;
CREATE INDEX award_product ON award(product_id, decided_on);
CREATE INDEX award_valid ON award(valid_until);

-- The assessments the office forwarded to the next level (a change of kind `forward`): the
-- level they went to, the batch, when.
CREATE TABLE forwarded (
  assessment_id TEXT PRIMARY KEY,
  revision      INTEGER NOT NULL,
  to_level      TEXT NOT NULL,
  batch         INTEGER NOT NULL,
  forwarded_at  TEXT NOT NULL,
  received_at   TEXT NOT NULL
) STRICT;
