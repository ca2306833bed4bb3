//! Settings: small key-value pairs the app keeps (the officer's profile, the language, where
//! the officer was). Values are opaque text to the store (the app stores JSON).

use std::collections::BTreeMap;

use rusqlite::params;

use crate::{Result, Store, StoreError};

impl Store {
    /// Every setting.
    pub fn settings(&self) -> Result<BTreeMap<String, String>> {
        let mut stmt = self
            .read()
            .prepare_cached("SELECT key, value FROM setting ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Sets (or, with `None`, removes) one setting.
    pub fn set_setting(&mut self, key: &str, value: Option<&str>, now: &str) -> Result<()> {
        if key.trim().is_empty() || key.len() > 100 {
            return Err(StoreError::Invalid(
                "a setting needs a name of 1 to 100 characters".into(),
            ));
        }
        if value.is_some_and(|v| v.len() > 100_000) {
            return Err(StoreError::Invalid(format!(
                "the setting {key} is too long"
            )));
        }
        match value {
            Some(value) => self.conn().execute(
                "INSERT INTO setting (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key, value, now],
            )?,
            None => self
                .conn()
                .execute("DELETE FROM setting WHERE key = ?1", [key])?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn settings_are_kept_replaced_and_removed_and_bad_ones_refused() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("s.sqlite");
        let mut store = Store::open(&path).expect("open");
        let now = "2026-11-23T08:00:00Z";
        store
            .set_setting("officer", Some(r#"{"name":"Rina"}"#), now)
            .expect("set");
        store.set_setting("lang", Some("vi"), now).expect("set");
        store.set_setting("lang", Some("en"), now).expect("replace");
        drop(store);
        let mut store = Store::open(&path).expect("reopen");
        let all = store.settings().expect("all");
        assert_eq!(all.len(), 2);
        assert_eq!(all["lang"], "en");
        store.set_setting("lang", None, now).expect("remove");
        assert!(!store.settings().expect("all").contains_key("lang"));
        assert_eq!(
            store.set_setting(" ", Some("x"), now).unwrap_err().code(),
            "store.invalid"
        );
        let huge = "x".repeat(100_001);
        assert_eq!(
            store
                .set_setting("notes", Some(&huge), now)
                .unwrap_err()
                .code(),
            "store.invalid"
        );
    }
}
