-- An admin's password reset can oblige the user to choose a new one at the next sign-in.
ALTER TABLE app_user ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
