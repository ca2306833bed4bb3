//! The sheet's own words in Indonesian, English and Vietnamese (`crates/sheets/i18n/*.json`;
//! a test keeps the three in step). Criteria texts come from the set, not from here.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::Lang;

pub struct Labels {
    map: BTreeMap<String, Value>,
}

fn catalogue(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => include_str!("../i18n/id.json"),
        Lang::En => include_str!("../i18n/en.json"),
        Lang::Vi => include_str!("../i18n/vi.json"),
    }
}

impl Labels {
    pub fn new(lang: Lang) -> Labels {
        // The catalogues are part of the build and checked by a test; an unreadable one
        // would leave the keys themselves on the page, not stop the sheet.
        let map = serde_json::from_str(catalogue(lang)).unwrap_or_default();
        Labels { map }
    }

    pub fn get(&self, key: &str) -> String {
        match self.map.get(key) {
            Some(Value::String(s)) => s.clone(),
            _ => key.to_string(),
        }
    }

    /// `key` with each `{name}` replaced.
    pub fn fmt(&self, key: &str, params: &[(&str, &str)]) -> String {
        let mut text = self.get(key);
        for (name, value) in params {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// `2026-11-23` as the language writes a date ("23 November 2026", "ngày 23 tháng 11 năm
    /// 2026"); anything that is not such a date is printed as it is.
    pub fn date(&self, iso: &str) -> String {
        let day = iso.get(..10).unwrap_or(iso);
        let parts: Vec<&str> = day.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return iso.to_string();
        };
        let (Ok(month), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) else {
            return iso.to_string();
        };
        let month = match self.map.get("months") {
            Some(Value::Array(names)) => names
                .get(month.wrapping_sub(1))
                .and_then(Value::as_str)
                .unwrap_or(m)
                .to_string(),
            _ => m.to_string(),
        };
        self.fmt(
            "date_format",
            &[("d", &d.to_string()), ("month", &month), ("y", y)],
        )
    }

    /// An instant (RFC 3339) as the language writes a day and an hour in the place's zone
    /// ("7 Desember 2026, pukul 23.30 WIB", "23:30 ICT ngày 7 tháng 12 năm 2026"); `None` when
    /// it is not such an instant.
    pub fn moment(&self, instant: &str, zone: ovop_core::zone::Zone) -> Option<String> {
        let (day, hour, minute) = ovop_core::zone::local(instant, zone)?;
        Some(self.fmt(
            "moment_format",
            &[
                ("date", &self.date(&day)),
                ("h", &format!("{hour:02}")),
                ("m", &format!("{minute:02}")),
                ("zone", zone.name),
            ],
        ))
    }

    /// A number with one decimal, written the language's way (`36,3` in Indonesian).
    /// Points as the engine writes them (two decimals at most, "89.5", "89.33", "90"), with the
    /// language's decimal separator.
    pub fn decimal(&self, value: f64) -> String {
        ovop_core::verdict::number_text(value).replace('.', &self.get("decimal_separator"))
    }
}
