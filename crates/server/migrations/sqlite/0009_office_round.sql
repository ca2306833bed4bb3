-- The round (and level) the office runs each programme's assessments in now, announced to the
-- laptops in the health answer so a sheet starts in it.
CREATE TABLE office_round (
    programme TEXT PRIMARY KEY,
    round TEXT NOT NULL,
    level TEXT,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
