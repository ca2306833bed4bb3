-- Criteria sets a laptop sent because the server knew them neither as shipped nor as
-- published (a set imported on the laptop): kept by content hash so that the assessments made
-- on them are scored again like every other. Not published: never on the change feed, never in
-- the published sets; the office sees who sent which set, from which laptop, and when.
CREATE TABLE received_set (
  hash          TEXT PRIMARY KEY,
  set_id        TEXT NOT NULL,
  version       TEXT NOT NULL,
  body          TEXT NOT NULL,
  received_from BIGINT NOT NULL REFERENCES app_user(id),
  device_id     BIGINT NOT NULL REFERENCES device(id),
  received_at   TEXT NOT NULL
);
