//! The office's exports: the assessments a filter picks, one row each, or their criteria, one
//! row per criterion of every sheet (a council's members each have theirs), as CSV or XLSX.
//!
//! An export is read from one read-only snapshot, a page at a time, and written into an
//! anonymous temporary file (XLSX in rust_xlsxwriter's constant-memory mode), which is then
//! sent: the server's memory does not grow with the export, no writer waits for it, and a
//! client that reads slowly holds a file, not a database connection. Two exports are built at
//! a time; a third is told to retry (`review.export_busy`).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::Actor;
use crate::db::{Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::review::{filter_from, given, listed, reviewer, Filter, Listed, LISTED_COLUMNS};
use crate::AppState;

/// Assessments read per query while an export is written.
const PAGE: usize = 500;

/// The rows a worksheet holds below its header (Excel's limit is 1,048,576 with the header).
const XLSX_ROWS: u32 = 1_048_575;

/// A cell (numbers stay numbers in XLSX).
pub enum Cell {
    Text(String),
    Int(i64),
    /// Points that may be fractional (a council's average): "89.5".
    Points(f64),
    Empty,
}

/// Whether a spreadsheet program would take `text` for a formula (or fold it into one): it
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return. Such a cell is written as text.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A text cell of a CSV: one that looks like a formula gets a leading apostrophe, so a name
/// typed on a laptop (`=HYPERLINK(...)`) is shown, never run, in the office's spreadsheet.
pub(crate) fn csv_text(text: &str) -> String {
    if looks_like_formula(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn disk(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "an export could not be written");
    ApiError::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "review.export_failed",
        None,
        "the export could not be written on the server (its temporary folder is full or not writable); try a narrower filter or ask the administrator",
    )
}

/// Where an export's rows go: a CSV or an XLSX being written to a temporary file.
enum Sink {
    Csv(csv::Writer<BufWriter<File>>),
    Xlsx {
        book: Box<rust_xlsxwriter::Workbook>,
        row: u32,
        /// The rows it may hold below the header ([`XLSX_ROWS`]).
        limit: u32,
        as_text: rust_xlsxwriter::Format,
        dir: PathBuf,
    },
}

fn xlsx_failed(e: rust_xlsxwriter::XlsxError) -> ApiError {
    match e {
        rust_xlsxwriter::XlsxError::IoError(e) => disk(e),
        other => ApiError::internal(format!("xlsx: {other}")),
    }
}

impl Sink {
    /// A sink writing into `dir`: XLSX (at most `limit` rows) or CSV.
    fn open(dir: &Path, xlsx: Option<u32>, sheet: &str, header: &[String]) -> ApiResult<Sink> {
        if let Some(limit) = xlsx {
            use rust_xlsxwriter::{Format, Workbook};
            let mut book = Box::new(Workbook::new());
            book.set_tempdir(dir).map_err(xlsx_failed)?;
            let bold = Format::new().set_bold();
            let ws = book.add_worksheet_with_constant_memory();
            ws.set_name(sheet).map_err(xlsx_failed)?;
            ws.set_freeze_panes(1, 0).map_err(xlsx_failed)?;
            for (c, name) in header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, name, &bold)
                    .map_err(xlsx_failed)?;
            }
            Ok(Sink::Xlsx {
                book,
                row: 0,
                limit,
                dir: dir.to_path_buf(),
                // A text that looks like a formula is marked as text (Excel's hidden apostrophe).
                as_text: Format::new().set_quote_prefix(),
            })
        } else {
            let mut file = BufWriter::new(tempfile::tempfile_in(dir).map_err(disk)?);
            // UTF-8 with a BOM, so spreadsheet programs read Vietnamese and Indonesian names.
            file.write_all(b"\xEF\xBB\xBF").map_err(disk)?;
            let mut writer = csv::Writer::from_writer(file);
            writer.write_record(header).map_err(csv_failed)?;
            Ok(Sink::Csv(writer))
        }
    }

    fn row(&mut self, cells: &[Cell]) -> ApiResult<()> {
        match self {
            Sink::Csv(writer) => writer
                .write_record(cells.iter().map(|c| match c {
                    Cell::Text(t) => csv_text(t),
                    Cell::Int(i) => i.to_string(),
                    Cell::Points(p) => ovop_core::verdict::number_text(*p),
                    Cell::Empty => String::new(),
                }))
                .map_err(csv_failed),
            Sink::Xlsx {
                book,
                row,
                limit,
                as_text,
                ..
            } => {
                if *row >= *limit {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "review.export_too_large",
                        Some("format"),
                        format!(
                            "the export has more than {limit} rows, more than a worksheet holds: export CSV or narrow the filter"
                        ),
                    ));
                }
                *row += 1;
                let r = *row;
                let ws = book.worksheet_from_index(0).map_err(xlsx_failed)?;
                for (c, cell) in cells.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Cell::Text(t) if looks_like_formula(t) => {
                            ws.write_string_with_format(r, c, t, as_text).map(|_| ())
                        }
                        Cell::Text(t) => ws.write_string(r, c, t).map(|_| ()),
                        Cell::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                        Cell::Points(p) => ws.write_number(r, c, *p).map(|_| ()),
                        Cell::Empty => Ok(()),
                    }
                    .map_err(xlsx_failed)?;
                }
                Ok(())
            }
        }
    }

    /// The finished file, read from its start.
    fn finish(self) -> ApiResult<File> {
        let mut file = match self {
            Sink::Csv(writer) => writer
                .into_inner()
                .map_err(|e| disk(e.into_error()))?
                .into_inner()
                .map_err(|e| disk(e.into_error()))?,
            Sink::Xlsx { mut book, dir, .. } => {
                let mut file = tempfile::tempfile_in(dir).map_err(disk)?;
                book.save_to_writer(&mut file).map_err(xlsx_failed)?;
                file
            }
        };
        file.flush().map_err(disk)?;
        file.seek(SeekFrom::Start(0)).map_err(disk)?;
        Ok(file)
    }
}

fn csv_failed(e: csv::Error) -> ApiError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => disk(e),
        other => ApiError::internal(format!("csv: {other:?}")),
    }
}

/// `$a, $b, ...` for `values`, bound after `params`.
fn marks(params: &mut Vec<Val>, values: impl IntoIterator<Item = Val>) -> String {
    let mut out = Vec::new();
    for value in values {
        params.push(value);
        out.push(format!("${}", params.len()));
    }
    out.join(", ")
}

/// Fills each item's parts (its own revision's) in one query.
pub fn with_parts(tx: &mut dyn Tx, items: &mut [Listed]) -> ApiResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut params = Vec::new();
    let ids = marks(&mut params, items.iter().map(|i| Val::from(&i.id)));
    let mut by_key: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for (n, item) in items.iter().enumerate() {
        by_key.insert((item.id.clone(), item.revision), n);
    }
    for row in tx.query(
        &format!(
            "SELECT id, revision, part, COALESCE(points_exact, points) FROM assessment_part WHERE id IN ({ids})"
        ),
        &params,
    )? {
        if let Some(&n) = by_key.get(&(row.text(0), row.int(1))) {
            items[n].parts.insert(row.text(2), row.real(3));
        }
    }
    Ok(())
}

/// Every assessment the filter picks, newest first, a page at a time within the snapshot (each
/// page starts after the last row of the one before: no row is read twice or skipped).
fn each_page(
    tx: &mut dyn Tx,
    actor: &Actor,
    filter: &Filter,
    mut each: impl FnMut(&mut dyn Tx, Vec<Listed>) -> ApiResult<()>,
) -> ApiResult<()> {
    let mut after: Option<(String, String)> = None;
    loop {
        let mut params = Vec::new();
        let mut clause = filter.sql(actor, &mut params);
        if let Some((received_at, id)) = &after {
            params.push(Val::from(received_at));
            let at = params.len();
            params.push(Val::from(id));
            clause.push_str(&format!(
                " AND (a.received_at < ${at} OR (a.received_at = ${at} AND a.id > ${}))",
                params.len()
            ));
        }
        params.push(Val::Int(PAGE as i64));
        let rows = tx.query(
            &format!(
                "SELECT {LISTED_COLUMNS} FROM assessment a JOIN app_user u ON u.id = a.officer_id
                 WHERE {clause} ORDER BY a.received_at DESC, a.id LIMIT ${}",
                params.len()
            ),
            &params,
        )?;
        let mut items: Vec<Listed> = rows.iter().map(listed).collect();
        let Some(last) = items.last() else {
            return Ok(());
        };
        after = Some((last.received_at.clone(), last.id.clone()));
        let more = items.len() == PAGE;
        with_parts(tx, &mut items)?;
        each(tx, items)?;
        if !more {
            return Ok(());
        }
    }
}

/// The parts any picked assessment has: the assessments export's columns.
fn parts_of(tx: &mut dyn Tx, actor: &Actor, filter: &Filter) -> ApiResult<Vec<String>> {
    let mut params = Vec::new();
    let clause = filter.sql(actor, &mut params);
    Ok(tx
        .query(
            &format!(
                "SELECT DISTINCT p.part FROM assessment_part p
                 JOIN assessment a ON a.id = p.id AND a.revision = p.revision
                 JOIN app_user u ON u.id = a.officer_id
                 WHERE {clause} ORDER BY p.part"
            ),
            &params,
        )?
        .iter()
        .map(|r| r.text(0))
        .collect())
}

const ASSESSMENT_HEAD: [&str; 17] = [
    "id",
    "revision",
    "product",
    "producer",
    "programme",
    "product_set",
    "criteria_set",
    "criteria_version",
    "region_code",
    "region",
    "officer",
    "assessed_on",
    "round",
    "level",
    "kind",
    "proposed_level",
    "quorum",
];

const ASSESSMENT_TAIL: [&str; 9] = [
    "total",
    "max_total",
    "star_by_score",
    "star",
    "standing",
    "sheets",
    "status",
    "received_at",
    "blobs_missing",
];

const CRITERIA_HEAD: [&str; 13] = [
    "id",
    "revision",
    "product",
    "region_code",
    "programme",
    "criteria_set",
    "criteria_version",
    "criterion",
    "status",
    "points",
    "max",
    "sheet",
    "assessor",
];

/// One assessment's row: its fields, a cell per part of `parts`, its verdict and state.
fn assessment_row(item: &Listed, parts: &[String]) -> Vec<Cell> {
    let mut row = vec![
        Cell::Text(item.id.clone()),
        Cell::Int(item.revision),
        Cell::Text(item.product.clone()),
        Cell::Text(item.producer.clone()),
        Cell::Text(item.programme.clone()),
        Cell::Text(item.product_set.clone()),
        Cell::Text(item.criteria_set.clone()),
        Cell::Text(item.criteria_version.clone()),
        Cell::Text(item.region_code.clone()),
        Cell::Text(item.region_name.clone()),
        Cell::Text(item.officer.clone()),
        Cell::Text(item.assessed_on.clone()),
        item.round.clone().map_or(Cell::Empty, Cell::Text),
        item.level.clone().map_or(Cell::Empty, Cell::Text),
        item.kind.clone().map_or(Cell::Empty, Cell::Text),
        item.proposed_level.clone().map_or(Cell::Empty, Cell::Text),
        item.quorum.clone().map_or(Cell::Empty, Cell::Text),
    ];
    row.extend(
        parts
            .iter()
            .map(|p| item.parts.get(p).map_or(Cell::Empty, |v| Cell::Points(*v))),
    );
    row.extend([
        Cell::Points(item.total),
        Cell::Int(item.max_total),
        Cell::Int(item.star_by_score),
        item.star.map_or(Cell::Empty, Cell::Int),
        Cell::Text(item.standing.clone()),
        Cell::Int(item.sheets),
        Cell::Text(item.status.clone()),
        Cell::Text(item.received_at.clone()),
        Cell::Int(item.blobs_missing),
    ]);
    row
}

/// One criterion as a sheet scored it.
pub struct SheetCriterion {
    pub sheet: i64,
    pub criterion: String,
    pub status: String,
    pub points: Option<i64>,
    pub max: i64,
}

/// One assessment's sheets: their criteria, and who scored each (by sheet number).
#[derive(Default)]
pub struct Sheets {
    pub criteria: Vec<SheetCriterion>,
    pub assessors: BTreeMap<i64, String>,
}

/// Every sheet's criteria of each of `items` (the lead's first, then each council member's, in
/// sheet order), and each sheet's assessor; one assessor's sheet has no name here.
pub fn sheets_of(tx: &mut dyn Tx, items: &[Listed]) -> ApiResult<BTreeMap<(String, i64), Sheets>> {
    let mut out: BTreeMap<(String, i64), Sheets> = items
        .iter()
        .map(|i| ((i.id.clone(), i.revision), Default::default()))
        .collect();
    if items.is_empty() {
        return Ok(out);
    }
    let mut params = Vec::new();
    let ids = marks(&mut params, items.iter().map(|i| Val::from(&i.id)));
    for row in tx.query(
        &format!(
            "SELECT id, revision, 1, criterion, status, points, max, position FROM assessment_criterion WHERE id IN ({ids})
             UNION ALL
             SELECT id, revision, sheet, criterion, status, points, max, position FROM assessment_sheet_criterion WHERE id IN ({ids})
             ORDER BY 1, 3, 8"
        ),
        &params,
    )? {
        if let Some(sheets) = out.get_mut(&(row.text(0), row.int(1))) {
            sheets.criteria.push(SheetCriterion {
                sheet: row.int(2),
                criterion: row.text(3),
                status: row.text(4),
                points: row.opt_int(5),
                max: row.int(6),
            });
        }
    }
    for row in tx.query(
        &format!("SELECT id, revision, sheet, assessor FROM assessment_sheet WHERE id IN ({ids})"),
        &params,
    )? {
        if let Some(sheets) = out.get_mut(&(row.text(0), row.int(1))) {
            sheets.assessors.insert(row.int(2), row.text(3));
        }
    }
    Ok(out)
}

/// Writes the export into a temporary file in `dir` within one read snapshot.
fn write(
    tx: &mut dyn Tx,
    dir: &Path,
    (actor, filter): (&Actor, &Filter),
    criteria: bool,
    xlsx: bool,
) -> ApiResult<File> {
    let xlsx = xlsx.then_some(XLSX_ROWS);
    if criteria {
        let header: Vec<String> = CRITERIA_HEAD.iter().map(|s| s.to_string()).collect();
        let mut sink = Sink::open(dir, xlsx, "criteria", &header)?;
        each_page(tx, actor, filter, |tx, items| {
            let mut sheets = sheets_of(tx, &items)?;
            for item in &items {
                let Some(Sheets {
                    criteria: rows,
                    assessors: names,
                }) = sheets.remove(&(item.id.clone(), item.revision))
                else {
                    continue;
                };
                for r in rows {
                    sink.row(&[
                        Cell::Text(item.id.clone()),
                        Cell::Int(item.revision),
                        Cell::Text(item.product.clone()),
                        Cell::Text(item.region_code.clone()),
                        Cell::Text(item.programme.clone()),
                        Cell::Text(item.criteria_set.clone()),
                        Cell::Text(item.criteria_version.clone()),
                        Cell::Text(r.criterion),
                        Cell::Text(r.status),
                        r.points.map_or(Cell::Empty, Cell::Int),
                        Cell::Int(r.max),
                        Cell::Int(r.sheet),
                        names
                            .get(&r.sheet)
                            .map_or(Cell::Empty, |n| Cell::Text(n.clone())),
                    ])?;
                }
            }
            Ok(())
        })?;
        sink.finish()
    } else {
        let parts = parts_of(tx, actor, filter)?;
        let mut header: Vec<String> = ASSESSMENT_HEAD.iter().map(|s| s.to_string()).collect();
        header.extend(parts.iter().map(|p| format!("part_{p}")));
        header.extend(ASSESSMENT_TAIL.iter().map(|s| s.to_string()));
        let mut sink = Sink::open(dir, xlsx, "assessments", &header)?;
        each_page(tx, actor, filter, |_, items| {
            items
                .iter()
                .try_for_each(|item| sink.row(&assessment_row(item, &parts)))
        })?;
        sink.finish()
    }
}

/// Sends a finished file, 64 KiB at a time.
fn attachment(file: File, content_type: &'static str, name: &str) -> Response {
    let length = file.metadata().map(|m| m.len()).ok();
    let file = tokio::fs::File::from_std(file);
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buffer)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let mut response = Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Builds an export (`criteria` picks the per-criterion one) and sends it.
pub async fn export(
    state: &AppState,
    actor: Actor,
    filter: Filter,
    criteria: bool,
) -> ApiResult<Response> {
    reviewer(&actor)?;
    let xlsx = given(&filter.format) == Some("xlsx");
    let Ok(_permit) = state.exports.clone().try_acquire_owned() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "review.export_busy",
            None,
            "other exports are being written; try again in a few seconds",
        ));
    };
    let dir = state.export_dir.clone();
    let file = state
        .db
        .read(move |tx| write(tx, &dir, (&actor, &filter), criteria, xlsx))
        .await?;
    let stem = format!(
        "ovop-{}-{}",
        if criteria { "criteria" } else { "assessments" },
        &crate::now()[..10]
    );
    Ok(if xlsx {
        attachment(
            file,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{stem}.xlsx"),
        )
    } else {
        attachment(file, "text/csv; charset=utf-8", &format!("{stem}.csv"))
    })
}

/// A refusal's response; one that says the exports are busy tells when to come back.
pub fn refused(e: &ApiError, response: Response) -> Response {
    let mut response = response;
    if e.problem.code == "review.export_busy" {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

async fn export_api(
    state: AppState,
    actor: Actor,
    query: Result<Query<Filter>, QueryRejection>,
    criteria: bool,
) -> Response {
    let outcome = async {
        reviewer(&actor)?;
        let filter = filter_from(query)?;
        export(&state, actor, filter, criteria).await
    };
    outcome
        .await
        .unwrap_or_else(|e| refused(&e, e.clone().into_response()))
}

pub async fn export_assessments(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<Filter>, QueryRejection>,
) -> Response {
    export_api(state, actor, query, false).await
}

pub async fn export_criteria(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<Filter>, QueryRejection>,
) -> Response {
    export_api(state, actor, query, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut file: File) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        file.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn a_worksheet_past_its_rows_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let header = vec!["id".to_string()];
        let mut sink = Sink::open(dir.path(), Some(2), "assessments", &header).unwrap();
        sink.row(&[Cell::Text("a".into())]).unwrap();
        sink.row(&[Cell::Text("b".into())]).unwrap();
        let refused = sink.row(&[Cell::Text("c".into())]).unwrap_err();
        assert_eq!(refused.problem.code, "review.export_too_large");
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        // Within the limit, the workbook is whole.
        let mut sink = Sink::open(dir.path(), Some(2), "assessments", &header).unwrap();
        sink.row(&[Cell::Text("=1+1".into())]).unwrap();
        let bytes = read_all(sink.finish().unwrap());
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn a_csv_keeps_formulas_as_text_and_numbers_as_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let header = vec!["name".to_string(), "total".to_string(), "star".to_string()];
        let mut sink = Sink::open(dir.path(), None, "assessments", &header).unwrap();
        sink.row(&[
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Points(89.5),
            Cell::Empty,
        ])
        .unwrap();
        let text = String::from_utf8(read_all(sink.finish().unwrap())).unwrap();
        assert_eq!(
            text,
            "\u{feff}name,total,star\n\"'=HYPERLINK(\"\"x\"\")\",89.5,\n"
        );
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_a_clear_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, b"x").unwrap();
        for xlsx in [None, Some(10)] {
            let refused = match Sink::open(&not_a_folder, xlsx, "assessments", &["id".into()]) {
                Ok(sink) => sink.finish().unwrap_err(),
                Err(e) => e,
            };
            assert_eq!(refused.problem.code, "review.export_failed", "{xlsx:?}");
            assert_eq!(refused.status, StatusCode::INSUFFICIENT_STORAGE);
        }
    }
}
