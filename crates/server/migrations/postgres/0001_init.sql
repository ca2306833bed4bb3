-- The central server's database (PostgreSQL). Append-only: a change is a new file.
-- Times are RFC 3339 UTC text, as the server's clock gave them.

CREATE TABLE app_user (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'admin')),
  password_hash TEXT,
  disabled      BIGINT NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);

-- The regions (any level) a user works in; a record is theirs when its region lies inside one.
CREATE TABLE user_region (
  user_id     BIGINT NOT NULL REFERENCES app_user(id),
  region_code TEXT NOT NULL,
  PRIMARY KEY (user_id, region_code)
);

-- One-time enrolment codes, stored hashed; used at most once.
CREATE TABLE enrol_code (
  code_hash  TEXT PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES app_user(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);

-- Enrolled laptops (kind 'device') and dashboard sign-ins (kind 'web'): tokens stored hashed.
CREATE TABLE device (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES app_user(id),
  kind         TEXT NOT NULL CHECK (kind IN ('device', 'web')),
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  expires_at   TEXT,
  revoked_at   TEXT
);

-- Every pushed record, exactly once: the key makes a duplicate impossible, whatever the
-- client does and however many push at once.
CREATE TABLE record (
  kind         TEXT NOT NULL CHECK (kind IN ('producer', 'product', 'assessment')),
  id           TEXT NOT NULL,
  revision     BIGINT NOT NULL CHECK (revision >= 1),
  content_hash TEXT NOT NULL,
  body         TEXT NOT NULL,
  region_code  TEXT NOT NULL,
  region_path  TEXT NOT NULL,
  user_id      BIGINT NOT NULL REFERENCES app_user(id),
  device_id    BIGINT NOT NULL REFERENCES device(id),
  received_at  TEXT NOT NULL,
  PRIMARY KEY (kind, id, revision)
);

-- What the review screens filter and the exports list: one row per assessment revision.
CREATE TABLE assessment (
  id               TEXT NOT NULL,
  revision         BIGINT NOT NULL,
  product_id       TEXT NOT NULL,
  product_name     TEXT NOT NULL,
  producer_name    TEXT NOT NULL,
  programme        TEXT NOT NULL,
  product_set      TEXT NOT NULL,
  criteria_set     TEXT NOT NULL,
  criteria_version TEXT NOT NULL,
  region_code      TEXT NOT NULL,
  region_path      TEXT NOT NULL,
  regency_code     TEXT NOT NULL,
  officer_id       BIGINT NOT NULL REFERENCES app_user(id),
  assessed_on      TEXT NOT NULL,
  total            BIGINT NOT NULL,
  max_total        BIGINT NOT NULL,
  star_by_score    BIGINT NOT NULL,
  star             BIGINT,
  status           TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
  received_at      TEXT NOT NULL,
  PRIMARY KEY (id, revision)
);
CREATE INDEX assessment_region ON assessment(region_path);
CREATE INDEX assessment_received ON assessment(received_at);

CREATE TABLE assessment_part (
  id       TEXT NOT NULL,
  revision BIGINT NOT NULL,
  part     TEXT NOT NULL,
  points   BIGINT NOT NULL,
  max      BIGINT NOT NULL,
  PRIMARY KEY (id, revision, part)
);

CREATE TABLE assessment_criterion (
  id        TEXT NOT NULL,
  revision  BIGINT NOT NULL,
  position  BIGINT NOT NULL,
  criterion TEXT NOT NULL,
  status    TEXT NOT NULL,
  points    BIGINT,
  max       BIGINT NOT NULL,
  PRIMARY KEY (id, revision, criterion)
);

-- Photos and scans: known from the records that name them, complete once every byte arrived
-- and the hash matched. The bytes live in the blob folder.
CREATE TABLE blob (
  sha256      TEXT PRIMARY KEY,
  size        BIGINT NOT NULL,
  complete_at TEXT
);

CREATE TABLE record_blob (
  kind     TEXT NOT NULL,
  id       TEXT NOT NULL,
  revision BIGINT NOT NULL,
  sha256   TEXT NOT NULL REFERENCES blob(sha256),
  PRIMARY KEY (kind, id, revision, sha256)
);
CREATE INDEX record_blob_sha ON record_blob(sha256);

-- Review decisions: who decided what, when; never changed.
CREATE TABLE decision (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          TEXT NOT NULL,
  revision    BIGINT NOT NULL,
  decision    TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
  comment     TEXT NOT NULL,
  reviewer_id BIGINT NOT NULL REFERENCES app_user(id),
  decided_at  TEXT NOT NULL,
  UNIQUE (id, revision)
);

-- Published criteria sets, pulled by every device.
CREATE TABLE criteria_set (
  id           TEXT NOT NULL,
  version      TEXT NOT NULL,
  hash         TEXT NOT NULL,
  body         TEXT NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

-- The change feed devices pull: a monotonic cursor. A change is seen by everyone (criteria
-- sets), by users whose regions hold region_path (producers, products), or by one user
-- (decisions on their assessments).
CREATE TABLE change (
  cursor      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        TEXT NOT NULL,
  ref_id      TEXT NOT NULL,
  region_path TEXT,
  for_user    BIGINT,
  from_user   BIGINT,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- The server's own facts (its identity).
CREATE TABLE server_setting (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
