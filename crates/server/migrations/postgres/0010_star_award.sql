-- Star decisions (the authority's number and date) and the star each awards a product, with
-- the certificate issued for three stars and more: its number, issue date, last valid day and
-- the signed code its QR carries. An assessment is awarded once; a decision's number is
-- unique for its authority; a certificate's number is unique.
CREATE TABLE star_decision (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number      TEXT NOT NULL,
  authority   TEXT NOT NULL,
  decided_on  TEXT NOT NULL,
  programme   TEXT NOT NULL,
  recorded_by BIGINT NOT NULL REFERENCES app_user(id),
  recorded_at TEXT NOT NULL,
  UNIQUE (authority, number)
);

CREATE TABLE star_award (
  decision_id   BIGINT NOT NULL REFERENCES star_decision(id),
  assessment_id TEXT NOT NULL UNIQUE,
  revision      BIGINT NOT NULL,
  product_id    TEXT NOT NULL,
  region_path   TEXT NOT NULL,
  star          BIGINT NOT NULL CHECK (star BETWEEN 1 AND 5),
  proposed_star BIGINT,
  reason        TEXT NOT NULL,
  certificate   TEXT UNIQUE,
  issued_on     TEXT,
  valid_until   TEXT,
  body          TEXT NOT NULL,
  PRIMARY KEY (decision_id, assessment_id)
);
CREATE INDEX star_award_product ON star_award(product_id);
CREATE INDEX star_award_valid ON star_award(valid_until);
