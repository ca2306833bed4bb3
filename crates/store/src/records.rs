//! Producers (IKM/UMKM, cooperatives, household groups) and their products.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::fold::{fold, fts_query};
use crate::{new_id, Result, Store, StoreError};

/// The search token of a region: `63.05` gives `rg63x05`, `VN-48` gives `rgvn48`. A product's
/// search text carries the token of its village and of every ancestor, so narrowing a search
/// to a subtree is one more FTS term, whatever the country's code scheme.
fn region_token(code: &str) -> String {
    let code: String = fold(code)
        .replace('.', "x")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("rg{code}")
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(default)]
pub struct Producer {
    pub id: String,
    pub name: String,
    /// e.g. "UD", "CV", "PT", "Koperasi", "KUB", "hộ kinh doanh", "HTX".
    pub legal_form: Option<String>,
    /// NIB in Indonesia, business registration number in Vietnam.
    pub registration_no: Option<String>,
    pub representative: Option<String>,
    pub phone: Option<String>,
    pub village_code: Option<String>,
    pub address: Option<String>,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub workforce: Option<i64>,
    pub local_labour_pct: Option<f64>,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub women: Option<i64>,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub minorities: Option<i64>,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub revenue_prev_year: Option<i64>,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub revenue_last_year: Option<i64>,
    pub accounting: Option<String>,
    pub sentra_ikm: Option<String>,
    pub penghela: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(default)]
pub struct Product {
    pub id: String,
    pub producer_id: String,
    pub name: String,
    pub brand: Option<String>,
    pub programme: Option<String>,
    pub product_set: Option<String>,
    pub skus: Vec<String>,
    pub description: Option<String>,
    /// The producer's village, copied so a search can be narrowed to a region quickly.
    pub village_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ProductHit {
    pub product: Product,
    pub producer_name: String,
}

/// What a product is found by: name, brand, producer, SKUs, and the tokens of its village and
/// the village's ancestors.
fn product_search(product: &Product, producer_name: &str, lineage: &[String]) -> String {
    let words = [
        product.name.as_str(),
        product.brand.as_deref().unwrap_or(""),
        producer_name,
        &product.skus.join(" "),
    ];
    let tokens: Vec<String> = lineage.iter().map(|c| region_token(c)).collect();
    format!("{} {}", fold(&words.join(" ")), tokens.join(" "))
}

fn to_json(value: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl Store {
    fn lineage_of(&self, village: Option<&str>) -> Result<Vec<String>> {
        match village {
            Some(code) => self.region_lineage(code),
            None => Ok(Vec::new()),
        }
    }

    fn check_producer(&self, producer: &Producer) -> Result<String> {
        if blank(&producer.name) {
            return Err(StoreError::Invalid("a producer needs a name".into()));
        }
        if let Some(pct) = producer.local_labour_pct {
            if !(0.0..=100.0).contains(&pct) {
                return Err(StoreError::Invalid(format!(
                    "the share of local labour is a percentage, not {pct}"
                )));
            }
        }
        if let Some(code) = &producer.village_code {
            self.region(code)?;
        }
        Ok(fold(
            &[
                producer.name.as_str(),
                producer.registration_no.as_deref().unwrap_or(""),
                producer.representative.as_deref().unwrap_or(""),
            ]
            .join(" "),
        ))
    }

    /// Creates the producer when its id is blank or unknown, updates it otherwise. Returns the id.
    /// A change to a producer that has travelled is queued as an edit, in the same transaction
    /// (so are its products', when it moves to another village).
    pub fn save_producer(&mut self, producer: &Producer, now: &str) -> Result<String> {
        self.write_producer(producer, now, true)
    }

    /// [`Store::save_producer`]; `track: false` writes what the server sent, queueing nothing.
    pub(crate) fn write_producer(
        &mut self,
        producer: &Producer,
        now: &str,
        track: bool,
    ) -> Result<String> {
        let existing = if blank(&producer.id) {
            None
        } else {
            self.producer(&producer.id).ok()
        };
        let Some(before) = existing else {
            return self.insert_producer(producer, now, track);
        };
        let search = self.check_producer(producer)?;
        let lineage = self.lineage_of(producer.village_code.as_deref())?;
        let p = producer;
        let tx = self.conn().transaction()?;
        if track {
            crate::edits::queue_edit(
                &tx,
                "producer",
                &p.id,
                Some(&to_json(&before)?),
                &to_json(p)?,
                false,
                now,
            )?;
        }
        tx.execute(
            "UPDATE producer SET name = ?2, legal_form = ?3, registration_no = ?4, representative = ?5, phone = ?6, village_code = ?7,
               address = ?8, workforce = ?9, local_labour_pct = ?10, women = ?11, minorities = ?12, revenue_prev_year = ?13,
               revenue_last_year = ?14, accounting = ?15, sentra_ikm = ?16, penghela = ?17, updated_at = ?18, search = ?19
             WHERE id = ?1",
            params![
                p.id, p.name.trim(), p.legal_form, p.registration_no, p.representative, p.phone, p.village_code, p.address, p.workforce,
                p.local_labour_pct, p.women, p.minorities, p.revenue_prev_year, p.revenue_last_year, p.accounting, p.sentra_ikm,
                p.penghela, now, search
            ],
        )?;
        // The products follow their producer's village (a search narrowed to a region finds them).
        let products: Vec<Product> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {PRODUCT_COLUMNS} FROM product p WHERE p.producer_id = ?1"
            ))?;
            let rows = stmt.query_map([&p.id], product_row)?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        for product in products {
            tx.execute(
                "UPDATE product SET village_code = ?2, search = ?3 WHERE id = ?1",
                params![
                    product.id,
                    p.village_code,
                    product_search(&product, &p.name, &lineage)
                ],
            )?;
            if track && product.village_code != p.village_code && p.village_code.is_some() {
                let moved = Product {
                    village_code: p.village_code.clone(),
                    ..product.clone()
                };
                crate::edits::queue_edit(
                    &tx,
                    "product",
                    &product.id,
                    Some(&to_json(&product)?),
                    &to_json(&moved)?,
                    false,
                    now,
                )?;
            }
        }
        tx.commit()?;
        Ok(p.id.clone())
    }

    /// Adds a producer; gives it an id when it has none, and queues it to travel. Returns the id.
    pub fn add_producer(&mut self, producer: &Producer, now: &str) -> Result<String> {
        self.insert_producer(producer, now, true)
    }

    fn insert_producer(&mut self, producer: &Producer, now: &str, track: bool) -> Result<String> {
        let search = self.check_producer(producer)?;
        let id = if blank(&producer.id) {
            new_id()
        } else {
            producer.id.clone()
        };
        let p = producer;
        let tx = self.conn().transaction()?;
        tx.execute(
            "INSERT INTO producer (id, name, legal_form, registration_no, representative, phone, village_code, address, workforce,
               local_labour_pct, women, minorities, revenue_prev_year, revenue_last_year, accounting, sentra_ikm, penghela,
               created_at, updated_at, search)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19)",
            params![
                id, p.name.trim(), p.legal_form, p.registration_no, p.representative, p.phone, p.village_code, p.address, p.workforce,
                p.local_labour_pct, p.women, p.minorities, p.revenue_prev_year, p.revenue_last_year, p.accounting, p.sentra_ikm,
                p.penghela, now, search
            ],
        )?;
        if track {
            crate::edits::queue_new(&tx, "producer", &id, now)?;
        }
        tx.commit()?;
        Ok(id)
    }

    pub fn producer(&self, id: &str) -> Result<Producer> {
        self.read()
            .query_row(
                &format!("SELECT {PRODUCER_COLUMNS} FROM producer WHERE id = ?1"),
                [id],
                producer_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "producer",
                id: id.into(),
            })
    }

    /// Producers in a region subtree (a province, regency, district or village code), by name.
    pub fn producers_in(&self, region: Option<&str>, limit: usize) -> Result<Vec<Producer>> {
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {PRODUCER_COLUMNS} FROM producer
             WHERE deleted_at IS NULL AND (?1 IS NULL OR village_code IN (
               WITH RECURSIVE sub(code) AS (SELECT ?1 UNION ALL SELECT r.code FROM region r JOIN sub ON r.parent = sub.code)
               SELECT code FROM sub))
             ORDER BY name COLLATE NOCASE LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![region, limit as i64], producer_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Creates the product when its id is blank or unknown, updates it otherwise. Returns the id.
    /// A change to a product that has travelled is queued as an edit, in the same transaction.
    pub fn save_product(&mut self, product: &Product, now: &str) -> Result<String> {
        self.write_product(product, now, true)
    }

    /// [`Store::save_product`]; `track: false` writes what the server sent, queueing nothing.
    pub(crate) fn write_product(
        &mut self,
        product: &Product,
        now: &str,
        track: bool,
    ) -> Result<String> {
        let existing = if blank(&product.id) {
            None
        } else {
            self.product(&product.id).ok()
        };
        let Some(before) = existing else {
            return self.insert_product(product, now, track);
        };
        if before.producer_id != product.producer_id {
            return Err(StoreError::Invalid(
                "a product stays with its producer; register it again under the other one".into(),
            ));
        }
        if blank(&product.name) {
            return Err(StoreError::Invalid("a product needs a name".into()));
        }
        let producer = self.producer(&product.producer_id)?;
        let lineage = self.lineage_of(producer.village_code.as_deref())?;
        let search = product_search(product, &producer.name, &lineage);
        let skus =
            serde_json::to_string(&product.skus).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let p = product;
        let tx = self.conn().transaction()?;
        tx.execute(
            "UPDATE product SET producer_id = ?2, name = ?3, brand = ?4, programme = ?5, product_set = ?6, skus = ?7, description = ?8,
               village_code = ?9, updated_at = ?10, search = ?11 WHERE id = ?1",
            params![p.id, p.producer_id, p.name.trim(), p.brand, p.programme, p.product_set, skus, p.description, producer.village_code, now, search],
        )?;
        if track {
            let after = Product {
                name: p.name.trim().to_string(),
                village_code: producer.village_code.clone(),
                ..p.clone()
            };
            crate::edits::queue_edit(
                &tx,
                "product",
                &p.id,
                Some(&to_json(&before)?),
                &to_json(&after)?,
                false,
                now,
            )?;
        }
        tx.commit()?;
        Ok(p.id.clone())
    }

    /// Adds a product; gives it an id when it has none, and queues it to travel. Returns the id.
    pub fn add_product(&mut self, product: &Product, now: &str) -> Result<String> {
        self.insert_product(product, now, true)
    }

    fn insert_product(&mut self, product: &Product, now: &str, track: bool) -> Result<String> {
        if blank(&product.name) {
            return Err(StoreError::Invalid("a product needs a name".into()));
        }
        let producer = self.producer(&product.producer_id)?;
        let id = if blank(&product.id) {
            new_id()
        } else {
            product.id.clone()
        };
        let lineage = self.lineage_of(producer.village_code.as_deref())?;
        let search = product_search(product, &producer.name, &lineage);
        let skus =
            serde_json::to_string(&product.skus).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let p = product;
        let tx = self.conn().transaction()?;
        tx.execute(
            "INSERT INTO product (id, producer_id, name, brand, programme, product_set, skus, description, village_code,
               created_at, updated_at, search)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
            params![id, p.producer_id, p.name.trim(), p.brand, p.programme, p.product_set, skus, p.description, producer.village_code, now, search],
        )?;
        if track {
            crate::edits::queue_new(&tx, "product", &id, now)?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Deletes a producer that has no products left: it is hidden here and its tombstone
    /// travels to the office like an edit.
    pub fn delete_producer(&mut self, id: &str, now: &str) -> Result<()> {
        let producer = self.producer(id)?;
        if !self.products_of(id)?.is_empty() {
            return Err(StoreError::InUse(format!(
                "{} still has products; delete or keep them first",
                producer.name
            )));
        }
        self.tombstone("producer", id, &to_json(&producer)?, now)
    }

    /// Deletes a product never assessed: it is hidden here and its tombstone travels to the
    /// office like an edit.
    pub fn delete_product(&mut self, id: &str, now: &str) -> Result<()> {
        let product = self.product(id)?;
        let assessed: i64 = self.read().query_row(
            "SELECT COUNT(*) FROM assessment WHERE product_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if assessed > 0 {
            return Err(StoreError::InUse(format!(
                "{} has been assessed; an assessed product is kept",
                product.name
            )));
        }
        self.tombstone("product", id, &to_json(&product)?, now)
    }

    fn tombstone(
        &mut self,
        kind: &str,
        id: &str,
        body: &serde_json::Value,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn().transaction()?;
        let table = if kind == "producer" {
            "producer"
        } else {
            "product"
        };
        tx.execute(
            &format!("UPDATE {table} SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NULL"),
            params![id, now],
        )?;
        crate::edits::queue_edit(&tx, kind, id, Some(body), body, true, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Applies a deletion the server sent (no tombstone is queued back).
    pub(crate) fn hide(&mut self, kind: &str, id: &str, now: &str) -> Result<()> {
        let table = if kind == "producer" {
            "producer"
        } else {
            "product"
        };
        self.conn().execute(
            &format!("UPDATE {table} SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL"),
            params![id, now],
        )?;
        Ok(())
    }

    pub fn product(&self, id: &str) -> Result<Product> {
        self.read()
            .query_row(
                &format!("SELECT {PRODUCT_COLUMNS} FROM product p WHERE p.id = ?1"),
                [id],
                product_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "product",
                id: id.into(),
            })
    }

    pub fn products_of(&self, producer_id: &str) -> Result<Vec<Product>> {
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM product p WHERE p.producer_id = ?1 AND p.deleted_at IS NULL ORDER BY p.name"
        ))?;
        let rows = stmt.query_map([producer_id], product_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Products whose name, brand, SKU or producer starts with the query's words, diacritics
    /// ignored, best match first; optionally only in a region subtree.
    pub fn search_products(
        &self,
        query: &str,
        region: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ProductHit>> {
        let Some(mut fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        if let Some(region) = region {
            fts = format!("{fts} \"{}\"", region_token(region));
        }
        // A window of the newest candidates, ranked within: a one-letter prefix over 100,000
        // products costs no more than a precise name.
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS}, pr.name
             FROM (SELECT rowid, rank FROM product_fts WHERE product_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3) f
             JOIN product p ON p.rowid_ = f.rowid
             JOIN producer pr ON pr.id = p.producer_id
             WHERE p.deleted_at IS NULL
             ORDER BY f.rank LIMIT ?2"
        ))?;
        let window = (limit * 10).max(500) as i64;
        let rows = stmt.query_map(params![fts, limit as i64, window], |r| {
            Ok(ProductHit {
                product: product_row(r)?,
                producer_name: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

const PRODUCER_COLUMNS: &str = "id, name, legal_form, registration_no, representative, phone, village_code, address, workforce,
  local_labour_pct, women, minorities, revenue_prev_year, revenue_last_year, accounting, sentra_ikm, penghela";

fn producer_row(r: &rusqlite::Row) -> rusqlite::Result<Producer> {
    Ok(Producer {
        id: r.get(0)?,
        name: r.get(1)?,
        legal_form: r.get(2)?,
        registration_no: r.get(3)?,
        representative: r.get(4)?,
        phone: r.get(5)?,
        village_code: r.get(6)?,
        address: r.get(7)?,
        workforce: r.get(8)?,
        local_labour_pct: r.get(9)?,
        women: r.get(10)?,
        minorities: r.get(11)?,
        revenue_prev_year: r.get(12)?,
        revenue_last_year: r.get(13)?,
        accounting: r.get(14)?,
        sentra_ikm: r.get(15)?,
        penghela: r.get(16)?,
    })
}

const PRODUCT_COLUMNS: &str =
    "p.id, p.producer_id, p.name, p.brand, p.programme, p.product_set, p.skus, p.description, p.village_code, p.updated_at";

fn product_row(r: &rusqlite::Row) -> rusqlite::Result<Product> {
    let skus: String = r.get(6)?;
    Ok(Product {
        id: r.get(0)?,
        producer_id: r.get(1)?,
        name: r.get(2)?,
        brand: r.get(3)?,
        programme: r.get(4)?,
        product_set: r.get(5)?,
        skus: serde_json::from_str(&skus).unwrap_or_default(),
        description: r.get(7)?,
        village_code: r.get(8)?,
    })
}
