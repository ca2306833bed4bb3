//! The office's recap of its programme for a region and a period: products by star (against
//! the same period a year before and the office's targets), by product set, the coaching
//! actions open and overdue (by officer, regency and kind of support) and each officer's work.
//! The server fills it from SQL over the stored records; the dashboard shows it, the XLSX
//! lists it and the recap PDF prints it, all from this one value.

use serde::{Deserialize, Serialize};

/// Products counted by official star: index 0 is "no star", 1 to 5 the stars.
pub type StarCounts = [u32; 6];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recap {
    /// The region the recap covers (a province or a regency), none for all the viewer's.
    pub region: Option<String>,
    pub region_name: String,
    /// The period, `YYYY-MM-DD` both included.
    pub from: String,
    pub to: String,
    /// The same span a year before.
    pub before_from: String,
    pub before_to: String,
    /// The day "overdue" is counted on.
    pub today: String,
    /// The year the targets are those of (the period's last day's).
    pub target_year: i32,
    pub generated_at: String,
    pub generated_by: String,
    pub regencies: Vec<RegencyStars>,
    pub sets: Vec<SetStars>,
    pub actions_by_officer: Vec<ActionCount>,
    pub actions_by_regency: Vec<ActionCount>,
    pub actions_by_support: Vec<ActionCount>,
    pub officers: Vec<OfficerWork>,
    pub overdue: Vec<OverdueAction>,
    /// More overdue actions than listed.
    pub overdue_more: u32,
}

/// A regency's products by star in the period, the year before, and its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegencyStars {
    pub code: String,
    pub name: String,
    pub now: StarCounts,
    pub before: StarCounts,
    /// The office's target per star (index 1 to 5), none where it set none.
    pub target: [Option<u32>; 6],
}

/// Products of one product set by star in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetStars {
    pub product_set: String,
    pub now: StarCounts,
}

/// Open actions of one officer, regency or kind of support, and how many are overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCount {
    /// The officer's login, the regency's code or the support's code.
    pub key: String,
    pub label: String,
    pub open: u32,
    pub overdue: u32,
}

/// One officer's work in the period and when their laptops last synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerWork {
    pub name: String,
    pub display_name: String,
    /// The last push or pull of any of their laptops (RFC 3339), none if never.
    pub last_sync: Option<String>,
    pub assessments: u32,
    pub visits: u32,
    pub open_actions: u32,
    pub overdue_actions: u32,
}

/// An open action past its due day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueAction {
    pub id: String,
    pub product_id: String,
    pub product: String,
    pub producer: String,
    pub officer: String,
    pub regency: String,
    pub support: String,
    pub criterion: Option<String>,
    pub due: String,
    pub progress: String,
}

/// All the products counted, whatever their star.
pub fn total(counts: &StarCounts) -> u32 {
    counts.iter().sum()
}
