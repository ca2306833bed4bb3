//! The office's figures for a region and a period ([`Recap`]), by SQL over the stored records
//! (never the laptops' own counts): products by their latest official star, the same a year
//! before and against the targets, by product set; coaching actions open and overdue; each
//! officer's last sync and work. Also the targets the office enters per regency, year and star.

use std::collections::{BTreeMap, HashMap};

use ovop_protocol::recap::{
    ActionCount, OfficerWork, OverdueAction, Recap, RegencyStars, SetStars, StarCounts,
};
use ovop_protocol::Problem;
use serde::Deserialize;
use time::{Date, Month};

use crate::auth::{Actor, Role};
use crate::db::{Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::regions::{within, Regions};

/// The overdue list shows at most this many actions (the counts cover all).
pub const OVERDUE_LISTED: usize = 50;

/// What a recap is asked for: a region (of the viewer's) and a period.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecapQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// `json` (the default), `xlsx` or `pdf`.
    #[serde(default)]
    pub format: Option<String>,
    /// The language of the XLSX's headings and of the PDF: `id` (the default), `en`, `vi`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// The asked period, checked: `from` and `to` days, `from` first, at most five years. Without
/// them, the year so far.
pub fn period(query: &RecapQuery, today: Date) -> ApiResult<(Date, Date)> {
    let day = |text: Option<&String>, field: &str, default: Date| -> ApiResult<Date> {
        match text.map(|t| t.trim()).filter(|t| !t.is_empty()) {
            None => Ok(default),
            Some(text) => ovop_core::validity::parse_day(text).ok_or_else(|| {
                ApiError::bad(
                    "recap.bad_period",
                    Some(field),
                    format!("{field} is a day, YYYY-MM-DD"),
                )
            }),
        }
    };
    let start = Date::from_calendar_date(today.year(), Month::January, 1).unwrap_or(today);
    let from = day(query.from.as_ref(), "from", start)?;
    let to = day(query.to.as_ref(), "to", today)?;
    if from > to || (to - from).whole_days() > 5 * 366 {
        return Err(ApiError::bad(
            "recap.bad_period",
            Some("from"),
            "the period starts on or before its end and spans at most five years",
        ));
    }
    Ok((from, to))
}

/// The same day a year before (28 February for a 29th).
fn year_before(day: Date) -> Date {
    let year = day.year() - 1;
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, day.month(), 28))
        .unwrap_or(day)
}

/// The SQL condition that keeps rows of `column` (a region path) inside the recap's region
/// and the viewer's regions; its parameters are appended to `params`.
fn scope(actor: &Actor, region: Option<&str>, column: &str, params: &mut Vec<Val>) -> String {
    let mut parts = Vec::new();
    if let Some(region) = region {
        params.push(Val::Text(format!("%|{region}|%")));
        parts.push(format!("{column} LIKE ${}", params.len()));
    }
    if actor.user.role != Role::Admin {
        parts.push(crate::regions::sql_within(
            &actor.user.regions,
            column,
            params,
        ));
    }
    if parts.is_empty() {
        "1 = 1".into()
    } else {
        parts.join(" AND ")
    }
}

fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

fn star_index(star: Option<i64>) -> usize {
    star.and_then(|s| usize::try_from(s).ok())
        .filter(|s| *s <= 5)
        .unwrap_or(0)
}

/// Products by their latest official star in `[from, to]`, by regency and product set: each
/// product counted once, with its latest assessment of the period that was not returned.
fn stars(
    tx: &mut dyn Tx,
    actor: &Actor,
    region: Option<&str>,
    from: &str,
    to: &str,
) -> ApiResult<StarRows> {
    let mut params = vec![Val::from(from), Val::from(to)];
    let within = scope(actor, region, "a.region_path", &mut params);
    let rows = tx.query(
        &format!(
            "SELECT regency_code, product_set, star, COUNT(*) FROM (
               SELECT a.regency_code, a.product_set, a.star,
                      ROW_NUMBER() OVER (PARTITION BY a.product_id
                                         ORDER BY a.assessed_on DESC, a.received_at DESC, a.id DESC, a.revision DESC) AS n
               FROM assessment a
               WHERE a.assessed_on >= $1 AND a.assessed_on <= $2 AND a.status <> 'returned'
                 AND a.superseded = 0
                 AND {within}
             ) latest WHERE n = 1
             GROUP BY regency_code, product_set, star"
        ),
        &params,
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.text(0),
                r.text(1),
                star_index(r.opt_int(2)),
                count(r.int(3)),
            )
        })
        .collect())
}

/// A regency's row, nothing counted yet.
fn regency_row(code: &str) -> RegencyStars {
    RegencyStars {
        code: code.to_string(),
        name: Regions::get().name(code).unwrap_or(code).to_string(),
        now: [0; 6],
        before: [0; 6],
        target: [None; 6],
    }
}

/// Products counted by regency, product set and star: `(regency, set, star, products)`.
type StarRows = Vec<(String, String, usize, u32)>;

/// Adds the products counted in the period and the year before to a recap read without them.
fn merge(recap: &mut Recap, now: StarRows, before: StarRows) {
    let mut regencies: BTreeMap<String, RegencyStars> = std::mem::take(&mut recap.regencies)
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let mut sets: BTreeMap<String, StarCounts> = BTreeMap::new();
    for (regency, set, star, n) in now {
        regencies
            .entry(regency.clone())
            .or_insert_with(|| regency_row(&regency))
            .now[star] += n;
        sets.entry(set).or_insert([0; 6])[star] += n;
    }
    for (regency, _, star, n) in before {
        regencies
            .entry(regency.clone())
            .or_insert_with(|| regency_row(&regency))
            .before[star] += n;
    }
    recap.regencies = regencies.into_values().collect();
    recap.sets = sets
        .into_iter()
        .map(|(product_set, now)| SetStars { product_set, now })
        .collect();
}

/// The region asked for, checked: a known code that overlaps the viewer's regions.
fn checked_region(actor: &Actor, query: &RecapQuery) -> ApiResult<Option<String>> {
    let regions = Regions::get();
    let Some(code) = query
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    else {
        return Ok(None);
    };
    let Some(path) = regions.path(code) else {
        return Err(ApiError::bad(
            "recap.unknown_region",
            Some("region"),
            format!(
                "{:?} is not a known region code",
                code.chars().take(40).collect::<String>()
            ),
        ));
    };
    let overlaps = actor.user.regions.iter().any(|mine| {
        within(&path, std::slice::from_ref(mine))
            || regions
                .path(mine)
                .is_some_and(|p| p.contains(&format!("|{code}|")))
    });
    if actor.user.role != Role::Admin && !overlaps {
        return Err(ApiError::forbidden(
            "recap.region_not_assigned",
            Some("region"),
            format!("{code} is not in your regions"),
        ));
    }
    Ok(Some(code.to_string()))
}

/// Every figure of the recap of a checked region and period but the products by star (the
/// targets are in its regencies): [`read`] counts those on other connections meanwhile.
fn without_stars(
    tx: &mut dyn Tx,
    actor: &Actor,
    region: Option<&str>,
    (from, to): (Date, Date),
    today: Date,
    now: &str,
) -> ApiResult<Recap> {
    let regions = Regions::get();
    let (before_from, before_to) = (year_before(from), year_before(to));
    let day = |d: Date| d.to_string();
    let today_text = day(today);

    // The regencies with a target; [`merge`] adds those with products.
    let mut regencies: BTreeMap<String, RegencyStars> = BTreeMap::new();
    // The targets of the period's year, for the regencies in view.
    let target_year = to.year();
    for row in tx.query(
        "SELECT regency_code, star, products FROM office_target WHERE year = $1",
        &[Val::Int(i64::from(target_year))],
    )? {
        let code = row.text(0);
        let Some(path) = regions.path(&code) else {
            continue;
        };
        let visible = actor.user.role == Role::Admin || within(&path, &actor.user.regions);
        let in_region = region.is_none_or(|r| path.contains(&format!("|{r}|")));
        if visible && in_region {
            regencies
                .entry(code.clone())
                .or_insert_with(|| regency_row(&code))
                .target[star_index(Some(row.int(1)))] = Some(count(row.int(2)));
        }
    }

    // Open actions by officer, regency and support, with how many are overdue.
    let mut params = vec![Val::from(today_text.clone())];
    let within_actions = scope(actor, region, "c.region_path", &mut params);
    let mut by_officer: BTreeMap<String, ActionCount> = BTreeMap::new();
    let mut by_regency: BTreeMap<String, ActionCount> = BTreeMap::new();
    let mut by_support: BTreeMap<String, ActionCount> = BTreeMap::new();
    let mut officer_actions: HashMap<i64, (u32, u32)> = HashMap::new();
    // Grouped by ids and codes only (a hash, not a sort of names); the names come after.
    let names: HashMap<i64, (String, String)> = tx
        .query("SELECT id, name, display_name FROM app_user", &[])?
        .iter()
        .map(|r| (r.int(0), (r.text(1), r.text(2))))
        .collect();
    for row in tx.query(
        &format!(
            "SELECT c.officer_id, c.regency_code, c.support, COUNT(*),
                    SUM(CASE WHEN c.due IS NOT NULL AND c.due < $1 THEN 1 ELSE 0 END)
             FROM coaching_action c
             WHERE c.open = 1 AND {within_actions}
             GROUP BY c.officer_id, c.regency_code, c.support"
        ),
        &params,
    )? {
        let (login, display) = names.get(&row.int(0)).cloned().unwrap_or_default();
        let (open, overdue) = (count(row.int(3)), count(row.opt_int(4).unwrap_or(0)));
        let add = |map: &mut BTreeMap<String, ActionCount>, key: String, label: String| {
            let entry = map.entry(key.clone()).or_insert(ActionCount {
                key,
                label,
                open: 0,
                overdue: 0,
            });
            entry.open += open;
            entry.overdue += overdue;
        };
        add(&mut by_officer, login, display);
        let regency = row.text(1);
        let name = regions.name(&regency).unwrap_or(&regency).to_string();
        add(&mut by_regency, regency, name);
        let support = row.text(2);
        add(&mut by_support, support.clone(), support);
        let mine = officer_actions.entry(row.int(0)).or_default();
        mine.0 += open;
        mine.1 += overdue;
    }
    let mut params = vec![Val::from(today_text.clone())];
    let within_overdue = scope(actor, region, "c.region_path", &mut params);
    let listed = tx.query(
        &format!(
            "SELECT c.id, c.product_id, c.product_name, c.producer_name, u.display_name, c.regency_code,
                    c.support, c.criterion, c.due, c.progress
             FROM coaching_action c JOIN app_user u ON u.id = c.officer_id
             WHERE c.open = 1 AND c.due IS NOT NULL AND c.due < $1 AND {within_overdue}
             ORDER BY c.due, c.product_name, c.id LIMIT {}",
            OVERDUE_LISTED + 1
        ),
        &params,
    )?;
    let all_overdue: u32 = by_support.values().map(|c| c.overdue).sum();
    let overdue: Vec<OverdueAction> = listed
        .iter()
        .take(OVERDUE_LISTED)
        .map(|r| {
            let regency = r.text(5);
            OverdueAction {
                id: r.text(0),
                product_id: r.text(1),
                product: r.text(2),
                producer: r.text(3),
                officer: r.text(4),
                regency: regions.name(&regency).unwrap_or(&regency).to_string(),
                support: r.text(6),
                criterion: r.opt_text(7),
                due: r.text(8),
                progress: r.text(9),
            }
        })
        .collect();
    let overdue_more = all_overdue.saturating_sub(overdue.len() as u32);

    // Each officer of the region: last sync, assessments and visits in the period.
    let mut officers: BTreeMap<i64, OfficerWork> = BTreeMap::new();
    let users = tx.query(
        "SELECT u.id, u.name, u.display_name, r.region_code,
                (SELECT MAX(d.last_seen_at) FROM device d WHERE d.user_id = u.id AND d.kind = 'device')
         FROM app_user u JOIN user_region r ON r.user_id = u.id
         WHERE u.role = 'officer' AND u.disabled = 0
         ORDER BY u.name",
        &[],
    )?;
    for row in users {
        let Some(path) = regions.path(&row.text(3)) else {
            continue;
        };
        let mine = actor.user.role == Role::Admin || within(&path, &actor.user.regions);
        let in_region = region.is_none_or(|r| {
            path.contains(&format!("|{r}|"))
                || regions
                    .path(r)
                    .is_some_and(|p| p.contains(&format!("|{}|", row.text(3))))
        });
        if mine && in_region {
            officers.entry(row.int(0)).or_insert(OfficerWork {
                name: row.text(1),
                display_name: row.text(2),
                last_sync: row.opt_text(4),
                assessments: 0,
                visits: 0,
                open_actions: 0,
                overdue_actions: 0,
            });
        }
    }
    let mut params = vec![Val::from(day(from)), Val::from(day(to))];
    let within_assessments = scope(actor, region, "region_path", &mut params);
    for row in tx.query(
        // Each assessment once, whatever its revisions: SQLite counts distinct ids fastest
        // itself, PostgreSQL by hashing (its COUNT(DISTINCT) sorts, on disk at this size).
        &match tx.backend() {
            crate::db::Backend::Sqlite => format!(
                "SELECT officer_id, COUNT(DISTINCT id) FROM assessment
                 WHERE assessed_on >= $1 AND assessed_on <= $2 AND {within_assessments}
                 GROUP BY officer_id"
            ),
            crate::db::Backend::Postgres => format!(
                "SELECT officer_id, COUNT(*) FROM (
                   SELECT DISTINCT officer_id, id FROM assessment
                   WHERE assessed_on >= $1 AND assessed_on <= $2 AND {within_assessments}
                 ) made GROUP BY officer_id"
            ),
        },
        &params,
    )? {
        if let Some(officer) = officers.get_mut(&row.int(0)) {
            officer.assessments = count(row.int(1));
        }
    }
    let mut params = vec![Val::from(day(from)), Val::from(day(to))];
    let within_visits = scope(actor, region, "region_path", &mut params);
    for row in tx.query(
        &format!(
            "SELECT officer_id, COUNT(*) FROM coaching_visit
             WHERE visited_on >= $1 AND visited_on <= $2 AND {within_visits}
             GROUP BY officer_id"
        ),
        &params,
    )? {
        if let Some(officer) = officers.get_mut(&row.int(0)) {
            officer.visits = count(row.int(1));
        }
    }
    for (id, (open, overdue)) in officer_actions {
        if let Some(officer) = officers.get_mut(&id) {
            officer.open_actions = open;
            officer.overdue_actions = overdue;
        }
    }

    let region_name = match region {
        Some(code) => regions.name(code).unwrap_or(code).to_string(),
        None => String::new(),
    };
    Ok(Recap {
        region: region.map(str::to_string),
        region_name,
        from: day(from),
        to: day(to),
        before_from: day(before_from),
        before_to: day(before_to),
        today: today_text,
        target_year,
        generated_at: now.to_string(),
        generated_by: actor.user.display_name.clone(),
        regencies: regencies.into_values().collect(),
        sets: Vec::new(),
        actions_by_officer: by_officer.into_values().collect(),
        actions_by_regency: by_regency.into_values().collect(),
        actions_by_support: by_support.into_values().collect(),
        officers: officers.into_values().collect(),
        overdue,
        overdue_more,
    })
}

/// A target the office sets: how many products it means to have at `star` stars in a regency
/// by the end of `year`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub regency: String,
    pub year: i32,
    pub star: u8,
    pub products: u32,
}

/// Checks and stores a target (replacing the one of the same regency, year and star). A
/// supervisor sets those of their own regions.
pub fn set_target(tx: &mut dyn Tx, actor: &Actor, input: &TargetInput, now: &str) -> ApiResult<()> {
    actor.require(Role::Supervisor)?;
    let regions = Regions::get();
    let bad = |field: &str, message: &str| {
        Err(ApiError::from_problem(
            axum::http::StatusCode::BAD_REQUEST,
            Problem::new("target.invalid", Some(field), message),
        ))
    };
    let Some(path) = regions.path(&input.regency) else {
        return bad("regency", "not a known region code");
    };
    if regions.regency(&input.regency).as_deref() != Some(input.regency.as_str()) {
        return bad("regency", "targets are set per regency (or city)");
    }
    if !(2000..=2100).contains(&input.year) {
        return bad("year", "a year between 2000 and 2100");
    }
    if !(1..=5).contains(&input.star) {
        return bad("star", "a star from 1 to 5");
    }
    if input.products > 100_000 {
        return bad("products", "at most 100000 products");
    }
    if actor.user.role != Role::Admin && !within(&path, &actor.user.regions) {
        return Err(ApiError::forbidden(
            "target.region_not_assigned",
            Some("regency"),
            format!("{} is not in your regions", input.regency),
        ));
    }
    tx.exec(
        "INSERT INTO office_target (regency_code, year, star, products, set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (regency_code, year, star) DO UPDATE
           SET products = excluded.products, set_by = excluded.set_by, set_at = excluded.set_at",
        &[
            Val::from(input.regency.as_str()),
            Val::Int(i64::from(input.year)),
            Val::Int(i64::from(input.star)),
            Val::Int(i64::from(input.products)),
            Val::Int(actor.user.id),
            Val::from(now),
        ],
    )?;
    Ok(())
}

/// Today on the server's clock.
pub fn today() -> Date {
    ovop_core::validity::parse_day(&crate::now()[..10]).unwrap_or(Date::MIN)
}

/// Reads a recap for `actor` (a supervisor or an admin): the products by star in the period and
/// the year before are counted on two more connections while the rest is read.
pub async fn read(state: &crate::AppState, actor: Actor, query: RecapQuery) -> ApiResult<Recap> {
    actor.require(Role::Supervisor)?;
    let now = crate::now();
    let today = today();
    let region = checked_region(&actor, &query)?;
    let (from, to) = period(&query, today)?;
    let count = |from: Date, to: Date| {
        let (actor, region) = (actor.clone(), region.clone());
        state.db.read(move |tx| {
            stars(
                tx,
                &actor,
                region.as_deref(),
                &from.to_string(),
                &to.to_string(),
            )
        })
    };
    let rest = {
        let (actor, region) = (actor.clone(), region.clone());
        state
            .db
            .read(move |tx| without_stars(tx, &actor, region.as_deref(), (from, to), today, &now))
    };
    let (rest, counted, before) = tokio::join!(
        rest,
        count(from, to),
        count(year_before(from), year_before(to))
    );
    let mut recap = rest?;
    merge(&mut recap, counted?, before?);
    Ok(recap)
}

/// What a recap is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xlsx,
    Pdf,
}

impl RecapQuery {
    /// The asked format, checked (`recap.bad_format`).
    pub fn format(&self) -> ApiResult<Format> {
        match self.format.as_deref().map(str::trim).unwrap_or("") {
            "" | "json" => Ok(Format::Json),
            "xlsx" => Ok(Format::Xlsx),
            "pdf" => Ok(Format::Pdf),
            other => Err(ApiError::bad(
                "recap.bad_format",
                Some("format"),
                format!(
                    "{:?} is not json, xlsx or pdf",
                    other.chars().take(20).collect::<String>()
                ),
            )),
        }
    }
}

/// The fonts of the printed recap, parsed once for the server's life.
fn fonts() -> &'static ovop_sheets::Fonts {
    static FONTS: std::sync::OnceLock<ovop_sheets::Fonts> = std::sync::OnceLock::new();
    FONTS.get_or_init(ovop_sheets::Fonts::bundled)
}

/// The recap printed (`ovop_sheets::recap`) in `lang`.
pub fn pdf(recap: &Recap, lang: &str) -> ApiResult<Vec<u8>> {
    ovop_sheets::recap(recap, ovop_sheets::Lang::parse(lang), fonts())
        .map_err(|e| ApiError::internal(format!("the recap could not be printed: {e}")))
}

fn xlsx_failed(e: rust_xlsxwriter::XlsxError) -> ApiError {
    ApiError::internal(format!("the recap could not be written as XLSX: {e}"))
}

/// The recap's figures as an XLSX workbook, one sheet per table, headings in `lang`.
pub fn xlsx(recap: &Recap, lang: &str) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format as Style, Workbook, Worksheet};
    let t = |key: &str| crate::i18n::t(lang, key);
    let mut book = Workbook::new();
    let bold = Style::new().set_bold();
    let text = Style::new().set_quote_prefix();
    let head = |ws: &mut Worksheet, names: &[String]| -> ApiResult<()> {
        for (c, name) in names.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, name, &bold)
                .map_err(xlsx_failed)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_failed)?;
        Ok(())
    };
    let star_names = |prefix: &str| -> Vec<String> {
        (0..6)
            .map(|s| format!("{prefix} {}", t(&format!("recap.star{s}"))))
            .collect()
    };

    let ws = book.add_worksheet();
    ws.set_name(t("recap.sheet_stars")).map_err(xlsx_failed)?;
    let mut names = vec![t("recap.code"), t("recap.regency")];
    names.extend(star_names(&t("recap.now")));
    names.push(t("recap.total"));
    names.extend(star_names(&t("recap.before")));
    names.push(t("recap.total_before"));
    names.extend((1..6).map(|s| format!("{} {}", t("recap.target"), t(&format!("recap.star{s}")))));
    head(ws, &names)?;
    for (i, r) in recap.regencies.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, &r.code, &text)
            .map_err(xlsx_failed)?;
        ws.write_string_with_format(row, 1, &r.name, &text)
            .map_err(xlsx_failed)?;
        let mut col = 2u16;
        for counts in [&r.now, &r.before] {
            for n in counts.iter() {
                ws.write_number(row, col, f64::from(*n))
                    .map_err(xlsx_failed)?;
                col += 1;
            }
            ws.write_number(row, col, f64::from(counts.iter().sum::<u32>()))
                .map_err(xlsx_failed)?;
            col += 1;
        }
        for target in &r.target[1..] {
            if let Some(n) = target {
                ws.write_number(row, col, f64::from(*n))
                    .map_err(xlsx_failed)?;
            }
            col += 1;
        }
    }

    let ws = book.add_worksheet();
    ws.set_name(t("recap.sheet_sets")).map_err(xlsx_failed)?;
    let mut names = vec![t("recap.product_set")];
    names.extend(star_names(&t("recap.now")));
    names.push(t("recap.total"));
    head(ws, &names)?;
    for (i, s) in recap.sets.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, &s.product_set, &text)
            .map_err(xlsx_failed)?;
        for (c, n) in s.now.iter().enumerate() {
            ws.write_number(row, c as u16 + 1, f64::from(*n))
                .map_err(xlsx_failed)?;
        }
        ws.write_number(row, 7, f64::from(s.now.iter().sum::<u32>()))
            .map_err(xlsx_failed)?;
    }

    let ws = book.add_worksheet();
    ws.set_name(t("recap.sheet_coaching"))
        .map_err(xlsx_failed)?;
    head(
        ws,
        &[
            t("recap.by"),
            t("recap.code"),
            t("recap.name"),
            t("recap.open"),
            t("recap.overdue"),
        ],
    )?;
    let mut row = 1u32;
    for (by, list) in [
        ("recap.by_support", &recap.actions_by_support),
        ("recap.by_regency", &recap.actions_by_regency),
        ("recap.by_officer", &recap.actions_by_officer),
    ] {
        for c in list {
            let label = if by == "recap.by_support" {
                t(&format!("support.{}", c.key))
            } else {
                c.label.clone()
            };
            ws.write_string(row, 0, t(by)).map_err(xlsx_failed)?;
            ws.write_string_with_format(row, 1, &c.key, &text)
                .map_err(xlsx_failed)?;
            ws.write_string_with_format(row, 2, &label, &text)
                .map_err(xlsx_failed)?;
            ws.write_number(row, 3, f64::from(c.open))
                .map_err(xlsx_failed)?;
            ws.write_number(row, 4, f64::from(c.overdue))
                .map_err(xlsx_failed)?;
            row += 1;
        }
    }

    let ws = book.add_worksheet();
    ws.set_name(t("recap.sheet_officers"))
        .map_err(xlsx_failed)?;
    head(
        ws,
        &[
            t("recap.login"),
            t("recap.name"),
            t("recap.last_sync"),
            t("recap.assessments"),
            t("recap.visits"),
            t("recap.open"),
            t("recap.overdue"),
        ],
    )?;
    for (i, o) in recap.officers.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, &o.name, &text)
            .map_err(xlsx_failed)?;
        ws.write_string_with_format(row, 1, &o.display_name, &text)
            .map_err(xlsx_failed)?;
        if let Some(at) = &o.last_sync {
            ws.write_string(row, 2, at).map_err(xlsx_failed)?;
        }
        for (c, n) in [o.assessments, o.visits, o.open_actions, o.overdue_actions]
            .into_iter()
            .enumerate()
        {
            ws.write_number(row, c as u16 + 3, f64::from(n))
                .map_err(xlsx_failed)?;
        }
    }

    let ws = book.add_worksheet();
    ws.set_name(t("recap.sheet_overdue")).map_err(xlsx_failed)?;
    head(
        ws,
        &[
            t("recap.due"),
            t("recap.product"),
            t("recap.producer"),
            t("recap.support"),
            t("recap.criterion"),
            t("recap.regency"),
            t("recap.officer"),
            t("recap.progress"),
        ],
    )?;
    for (i, o) in recap.overdue.iter().enumerate() {
        let row = i as u32 + 1;
        let cells = [
            o.due.clone(),
            o.product.clone(),
            o.producer.clone(),
            t(&format!("support.{}", o.support)),
            o.criterion.clone().unwrap_or_default(),
            o.regency.clone(),
            o.officer.clone(),
            t(&format!("progress.{}", o.progress)),
        ];
        for (c, cell) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, cell, &text)
                .map_err(xlsx_failed)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_failed)
}

/// The file name of a recap: `rekap-<region>-<from>-<to>.<ext>`.
pub fn file_name(recap: &Recap, ext: &str) -> String {
    let region = recap.region.as_deref().unwrap_or("semua").replace('.', "-");
    format!("rekap-{region}-{}-{}.{ext}", recap.from, recap.to)
}

/// A recap as the asked format: JSON, or an XLSX or PDF attachment.
pub async fn respond(
    recap: Recap,
    format: Format,
    lang: &'static str,
) -> ApiResult<axum::response::Response> {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let (content_type, ext, bytes) = match format {
        Format::Json => return Ok(axum::Json(recap).into_response()),
        Format::Xlsx => {
            let recap = recap.clone();
            let bytes = tokio::task::spawn_blocking(move || xlsx(&recap, lang))
                .await
                .map_err(|e| ApiError::internal(e.to_string()))??;
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                bytes,
            )
        }
        Format::Pdf => {
            let recap = recap.clone();
            let bytes = tokio::task::spawn_blocking(move || pdf(&recap, lang))
                .await
                .map_err(|e| ApiError::internal(e.to_string()))??;
            ("application/pdf", "pdf", bytes)
        }
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        file_name(&recap, ext)
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /v1/office/recap`: the recap as JSON, XLSX or PDF.
pub async fn recap_json(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    actor: Actor,
    query: Result<axum::extract::Query<RecapQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::response::Response> {
    let axum::extract::Query(query) = query.map_err(|e| {
        ApiError::bad(
            "recap.bad_query",
            None,
            format!(
                "region=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|xlsx|pdf&lang=id|en|vi: {e}"
            ),
        )
    })?;
    let format = query.format()?;
    let lang = crate::i18n::language(query.lang.as_deref());
    let recap = read(&state, actor, query).await?;
    respond(recap, format, lang).await
}

/// `PUT /v1/office/targets`: sets one target.
pub async fn put_target(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    actor: Actor,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<axum::http::StatusCode> {
    actor.require(Role::Supervisor)?;
    let input: TargetInput = crate::api::read_json(body, "target")?;
    let now = crate::now();
    state
        .db
        .run(move |tx| set_target(tx, &actor, &input, &now))
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_is_checked_and_the_year_before_keeps_its_days() {
        let today = date!(2027 - 03 - 15);
        let q = |from: Option<&str>, to: Option<&str>| RecapQuery {
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            ..RecapQuery::default()
        };
        assert_eq!(
            period(&q(None, None), today).expect("the year so far"),
            (date!(2027 - 01 - 01), today)
        );
        assert!(period(&q(Some("2027-02-30"), None), today).is_err());
        assert!(period(&q(Some("2027-03-01"), Some("2027-02-01")), today).is_err());
        assert!(period(&q(Some("2010-01-01"), Some("2027-02-01")), today).is_err());
        assert_eq!(year_before(date!(2028 - 02 - 29)), date!(2027 - 02 - 28));
        assert_eq!(year_before(date!(2027 - 12 - 31)), date!(2026 - 12 - 31));
    }
}
