-- The app's settings and where the officer was (the open screen, the open assessment, the
-- criterion in focus): kept in the database, not in the webview's storage, so a killed app
-- reopens where it was and a backup carries the officer's profile.
CREATE TABLE setting (
  key        TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
  value      TEXT NOT NULL CHECK (length(value) <= 100000),
  updated_at TEXT NOT NULL
) STRICT;
