//! The dashboard's star decisions and certificates: the approved assessments waiting for a
//! decision, the form that records one (number, date, authority, each product's star and the
//! reason where it differs), the decisions recorded, the certificates by how soon they lapse
//! (with a CSV export), and a certificate's check.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use ovop_core::validity::Standing;
use ovop_protocol::Award;

use super::{
    csrf, error_page, html_response, level_text, page, signed_in, signed_post, stars, urlencode,
};
use crate::auth::{Actor, Role};
use crate::award::{self, AwardRequest, CertificateFilter, DecisionRequest, Listed};
use crate::error::{ApiError, ApiResult};
use crate::i18n::{self, t};
use crate::regions::within;
use crate::AppState;

/// An approved assessment no decision has awarded yet.
struct Waiting {
    id: String,
    product: String,
    producer: String,
    programme: String,
    star: Option<i64>,
    proposed_level: Option<String>,
    assessed_on: String,
}

fn waiting_in(tx: &mut dyn crate::db::Tx, actor: &Actor) -> ApiResult<Vec<Waiting>> {
    let rows = tx.query(
        "SELECT a.id, a.product_name, a.producer_name, a.programme, a.star, a.proposed_level, a.assessed_on, a.region_path
         FROM assessment a
         WHERE a.status = 'approved'
           AND NOT EXISTS (SELECT 1 FROM assessment n WHERE n.id = a.id AND n.revision > a.revision)
           AND NOT EXISTS (SELECT 1 FROM star_award w WHERE w.assessment_id = a.id)
         ORDER BY a.assessed_on DESC, a.id LIMIT 500",
        &[],
    )?;
    Ok(rows
        .iter()
        .filter(|r| actor.user.role == Role::Admin || within(&r.text(7), &actor.user.regions))
        .map(|r| Waiting {
            id: r.text(0),
            product: r.text(1),
            producer: r.text(2),
            programme: r.text(3),
            star: r.opt_int(4),
            proposed_level: r.opt_text(5),
            assessed_on: r.text(6),
        })
        .collect())
}

/// The decisions recorded within the actor's regions, the latest first, with their awards.
fn recorded_in(tx: &mut dyn crate::db::Tx, actor: &Actor) -> ApiResult<Vec<Award>> {
    let rows = tx.query(
        "SELECT w.body, w.region_path FROM star_award w JOIN star_decision d ON d.id = w.decision_id
         ORDER BY d.id DESC, w.assessment_id LIMIT 500",
        &[],
    )?;
    Ok(rows
        .iter()
        .filter(|r| actor.user.role == Role::Admin || within(&r.text(1), &actor.user.regions))
        .filter_map(|r| serde_json::from_str(&r.text(0)).ok())
        .collect())
}

fn standing_badge(lang: &str, standing: Option<Standing>) -> Markup {
    let (class, key, days) = match standing {
        Some(Standing::Valid { days_left }) => ("approved", "cert.valid", days_left),
        Some(Standing::Lapsing { days_left, urgent }) => (
            if urgent { "returned" } else { "proposed" },
            "cert.lapsing",
            days_left,
        ),
        Some(Standing::Lapsed { days_ago }) => ("returned", "cert.lapsed", days_ago),
        Some(Standing::NotYet) | None => ("", "cert.not_yet", 0),
    };
    html! {
        span class={ "badge " (class) } data-standing=(key) {
            (t(lang, key).replace("{n}", &days.to_string()))
        }
    }
}

/// The star decisions page: what waits for a decision, the form, the decisions recorded.
pub async fn decisions(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/decisions").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = super::lang_of(&headers, None);
    if let Err(e) = actor.require(Role::Supervisor) {
        return error_page(lang, Some(&actor), &headers, &e);
    }
    let by = actor.clone();
    let read = state
        .db
        .read(move |tx| Ok((waiting_in(tx, &by)?, recorded_in(tx, &by)?)))
        .await;
    let (waiting, recorded) = match read {
        Ok(read) => read,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let today = &crate::now()[..10];
    let body = html! {
        h1 { (t(lang, "decisions.title")) }
        p.muted { (t(lang, "decisions.hint")) }
        form #decision-form method="post" action="/dashboard/decisions" .card {
            input type="hidden" name="csrf" value=(csrf(&headers));
            div.filters style="border:0;padding:0" {
                label { (t(lang, "decisions.number")) input name="number" required maxlength="80" placeholder="188.45/123/KUM/2026"; }
                label { (t(lang, "decisions.date")) input type="date" name="date" required max=(today) value=(today); }
                label style="flex:1" { (t(lang, "decisions.authority")) input name="authority" required maxlength="200" placeholder=(t(lang, "decisions.authority_example")); }
            }
            h2 { (t(lang, "decisions.waiting")) }
            @if waiting.is_empty() {
                p.muted #nothing-waiting { (t(lang, "decisions.none_waiting")) }
            } @else {
                table #waiting {
                    thead { tr {
                        th { (t(lang, "decisions.pick")) }
                        th { (t(lang, "col.product")) }
                        th { (t(lang, "col.date")) }
                        th { (t(lang, "decisions.reached")) }
                        th { (t(lang, "decisions.star")) }
                        th { (t(lang, "decisions.reason")) }
                    } }
                    tbody {
                        @for w in &waiting {
                            tr data-id=(w.id) {
                                td { input type="checkbox" name="pick" value=(w.id) aria-label=(w.product); }
                                td {
                                    a href={ "/dashboard/assessments/" (w.id) } { (w.product) }
                                    br; span.muted { (w.producer) " · " (w.programme.to_uppercase()) }
                                    @if let Some(level) = &w.proposed_level {
                                        " " span.badge.proposed { "→ " (level_text(lang, &w.programme, level)) }
                                    }
                                }
                                td.date { (w.assessed_on) }
                                td { (stars(w.star)) }
                                td {
                                    select name={ "star." (w.id) } aria-label=(t(lang, "decisions.star")) {
                                        @for n in 1..=5i64 {
                                            option value=(n) selected[w.star == Some(n)] { (n) " ★" }
                                        }
                                    }
                                }
                                td { input name={ "reason." (w.id) } maxlength="1000" placeholder=(t(lang, "decisions.reason_hint")) aria-label=(t(lang, "decisions.reason")); }
                            }
                        }
                    }
                }
                div.actions { button type="submit" { (t(lang, "decisions.record")) } }
            }
        }
        h2 { (t(lang, "decisions.recorded")) }
        @if recorded.is_empty() {
            p.muted { (t(lang, "decisions.none_recorded")) }
        } @else {
            table #recorded {
                thead { tr {
                    th { (t(lang, "decisions.number")) }
                    th { (t(lang, "col.product")) }
                    th { (t(lang, "decisions.star")) }
                    th { (t(lang, "cert.number")) }
                    th { (t(lang, "cert.valid_until")) }
                } }
                tbody {
                    @for a in &recorded {
                        tr data-certificate=[a.certificate.as_ref().map(|c| c.number.as_str())] {
                            td { (a.decision.number) br; span.muted { (a.decision.date) " · " (a.decision.authority) } }
                            td { (a.product) br; span.muted { (a.producer) } }
                            td {
                                (stars(Some(i64::from(a.star))))
                                @if let Some(p) = a.proposed_star { br; span.muted { (t(lang, "decisions.proposed_was").replace("{n}", &p.to_string())) ": " (a.reason) } }
                            }
                            td { @if let Some(c) = &a.certificate { (c.number) } @else { span.muted { "—" } } }
                            td.date { @if let Some(c) = &a.certificate { (c.valid_until) } }
                        }
                    }
                }
            }
        }
    };
    html_response(
        lang,
        page(
            lang,
            &t(lang, "decisions.title"),
            Some(&actor),
            &headers,
            body,
        ),
        StatusCode::OK,
    )
}

/// Reads the decision form: the fields, and for each ticked assessment its star and reason.
fn request_of(fields: &[(String, String)]) -> DecisionRequest {
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let awards = fields
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, id)| AwardRequest {
            assessment_id: id.clone(),
            // A star that does not read is refused by the decision's own check (1 to 5).
            star: get(&format!("star.{id}")).trim().parse().unwrap_or(0),
            reason: get(&format!("reason.{id}")),
        })
        .collect();
    DecisionRequest {
        number: get("number"),
        date: get("date"),
        authority: get("authority"),
        awards,
    }
}

/// Records a decision from the form, then shows the certificates it issued.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (actor, lang) = match signed_post(
        &state,
        &headers,
        "/dashboard/decisions",
        &token,
        Role::Supervisor,
    )
    .await
    {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let request = request_of(&fields);
    let now = crate::now();
    let key = state.certificates.clone();
    let by = actor.clone();
    let recorded = state
        .db
        .run(move |tx| award::record_in(tx, &by, &request, &key, &now))
        .await;
    let recorded = match recorded {
        Ok(recorded) => recorded,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let body = html! {
        h1 { (t(lang, "decisions.done")) }
        div.ok role="status" #recorded-decision {
            (recorded.decision.number) " · " (recorded.decision.date) " · " (recorded.decision.authority)
        }
        table {
            thead { tr { th { (t(lang, "col.product")) } th { (t(lang, "decisions.star")) } th { (t(lang, "cert.number")) } th { (t(lang, "cert.valid_until")) } } }
            tbody {
                @for a in &recorded.awards {
                    tr {
                        td { (a.product) br; span.muted { (a.producer) } }
                        td { (stars(Some(i64::from(a.star)))) }
                        td { @if let Some(c) = &a.certificate { a href={ "/dashboard/certificates?number=" (urlencode(&c.number)) } { (c.number) } } @else { span.muted { (t(lang, "cert.none")) } } }
                        td.date { @if let Some(c) = &a.certificate { (c.valid_until) } }
                    }
                }
            }
        }
        p { a href="/dashboard/decisions" { (t(lang, "decisions.title")) } " · " a href="/dashboard/certificates" { (t(lang, "cert.title")) } }
    };
    html_response(
        lang,
        page(
            lang,
            &t(lang, "decisions.done"),
            Some(&actor),
            &headers,
            body,
        ),
        StatusCode::CREATED,
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CertificatesQuery {
    /// `30`, `90`, `365` days, or empty for all.
    #[serde(default)]
    within: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    number: Option<String>,
}

impl CertificatesQuery {
    fn filter(&self) -> ApiResult<CertificateFilter> {
        let within = match self
            .within
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            None => None,
            Some(days) => Some(days.parse::<u32>().map_err(|_| {
                ApiError::bad(
                    "award.invalid",
                    Some("within"),
                    "within is a number of days",
                )
            })?),
        };
        Ok(CertificateFilter {
            within,
            region: self.region.clone(),
            programme: None,
        })
    }
}

async fn listed(
    state: &AppState,
    actor: &Actor,
    query: &CertificatesQuery,
) -> ApiResult<Vec<Listed>> {
    let filter = query.filter()?;
    let number = query.number.clone().filter(|n| !n.trim().is_empty());
    let by = actor.clone();
    let today = crate::now()[..10].to_string();
    let mut listed = state
        .db
        .read(move |tx| award::certificates_in(tx, &by, &filter, &today))
        .await?;
    if let Some(number) = number {
        listed.retain(|l| {
            l.award
                .certificate
                .as_ref()
                .is_some_and(|c| c.number == number.trim())
        });
    }
    Ok(listed)
}

/// The certificates a signed-in supervisor asked for, with who asked, the page's language and
/// the query; or the page that says why not.
async fn asked(
    state: &AppState,
    headers: &HeaderMap,
    query: Result<Query<CertificatesQuery>, QueryRejection>,
) -> Result<(Actor, &'static str, CertificatesQuery, Vec<Listed>), Response> {
    let actor = signed_in(state, headers, "/dashboard/certificates").await?;
    let lang = super::lang_of(headers, None);
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let shown = async {
        actor.require(Role::Supervisor)?;
        listed(state, &actor, &query).await
    }
    .await;
    match shown {
        Ok(listed) => Ok((actor, lang, query, listed)),
        Err(e) => Err(error_page(lang, Some(&actor), headers, &e)),
    }
}

/// The certificates, by how soon they lapse, with the check form.
pub async fn certificates(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CertificatesQuery>, QueryRejection>,
) -> Response {
    let (actor, lang, query, listed) = match asked(&state, &headers, query).await {
        Ok(asked) => asked,
        Err(refused) => return refused,
    };
    let within = query.within.clone().unwrap_or_default();
    let region = query.region.clone().unwrap_or_default();
    let export = format!(
        "/dashboard/certificates/export?within={}&region={}",
        urlencode(&within),
        urlencode(&region)
    );
    let body = html! {
        h1 { (t(lang, "cert.title")) }
        form.filters method="get" action="/dashboard/certificates" {
            label { (t(lang, "cert.within"))
                select name="within" {
                    option value="" selected[within.is_empty()] { (t(lang, "cert.all")) }
                    @for days in ["0", "30", "90", "365"] {
                        option value=(days) selected[within == days] { (t(lang, &format!("cert.within_{days}"))) }
                    }
                }
            }
            label { (t(lang, "filter.region")) input name="region" value=(region) size="12" placeholder="63.05"; }
            button type="submit" { (t(lang, "filter.apply")) }
            a.button.secondary href=(export) #export-certificates { (t(lang, "cert.export")) }
        }
        @if listed.is_empty() {
            p.muted #no-certificates { (t(lang, "cert.none_listed")) }
        } @else {
            table #certificates {
                thead { tr {
                    th { (t(lang, "cert.number")) }
                    th { (t(lang, "col.product")) }
                    th { (t(lang, "decisions.star")) }
                    th { (t(lang, "decisions.number")) }
                    th { (t(lang, "cert.valid_until")) }
                    th { (t(lang, "cert.standing")) }
                } }
                tbody {
                    @for l in &listed {
                        @if let Some(c) = &l.award.certificate {
                            tr data-certificate=(c.number) {
                                td { (c.number) }
                                td { (l.award.product) br; span.muted { (l.award.producer) } }
                                td { (stars(Some(i64::from(l.award.star)))) }
                                td { (l.award.decision.number) br; span.muted { (l.award.decision.date) } }
                                td.date { (c.valid_until) }
                                td { (standing_badge(lang, Some(l.standing))) }
                            }
                        }
                    }
                }
            }
        }
        form.card #verify method="post" action="/dashboard/certificates/verify" style="margin-top:1.2rem" {
            h2 style="margin-top:0" { (t(lang, "cert.verify")) }
            p.muted { (t(lang, "cert.verify_hint")) }
            input type="hidden" name="csrf" value=(csrf(&headers));
            label { (t(lang, "cert.code")) textarea name="code" rows="3" cols="80" required maxlength="4096" {} }
            div.actions { button type="submit" { (t(lang, "cert.verify_button")) } }
        }
    };
    html_response(
        lang,
        page(lang, &t(lang, "cert.title"), Some(&actor), &headers, body),
        StatusCode::OK,
    )
}

/// The certificates listed, as CSV (a cell that looks like a formula is written as text).
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CertificatesQuery>, QueryRejection>,
) -> Response {
    let (_, _, _, listed) = match asked(&state, &headers, query).await {
        Ok(asked) => asked,
        Err(refused) => return refused,
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "certificate",
        "programme",
        "product_id",
        "product",
        "producer",
        "star",
        "issued",
        "valid_until",
        "standing",
        "days",
        "decision_number",
        "decision_date",
        "authority",
        "region_path",
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for l in &listed {
        let Some(c) = &l.award.certificate else {
            continue;
        };
        let (standing, days) = match l.standing {
            Standing::Valid { days_left } => ("valid", i64::from(days_left)),
            Standing::Lapsing { days_left, .. } => ("lapsing", i64::from(days_left)),
            Standing::Lapsed { days_ago } => ("lapsed", -i64::from(days_ago)),
            Standing::NotYet => ("not_yet", 0),
        };
        let a = &l.award;
        rows.push(
            [
                c.number.clone(),
                a.programme.clone(),
                a.product_id.clone(),
                a.product.clone(),
                a.producer.clone(),
                a.star.to_string(),
                c.issued.clone(),
                c.valid_until.clone(),
                standing.to_string(),
                days.to_string(),
                a.decision.number.clone(),
                a.decision.date.clone(),
                a.decision.authority.clone(),
                l.region_path.trim_matches('|').replace('|', " > "),
            ]
            .iter()
            .map(|v| crate::export::csv_text(v))
            .collect(),
        );
    }
    for row in rows {
        if writer.write_record(&row).is_err() {
            return ApiError::internal("a CSV row could not be written").into_response();
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(bytes);
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"certificates.csv\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Debug, serde::Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// Checks a certificate's code pasted (or read by a scanner) into the form.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<VerifyForm>,
) -> Response {
    let (actor, lang) = match signed_post(
        &state,
        &headers,
        "/dashboard/certificates",
        &form.csrf,
        Role::Supervisor,
    )
    .await
    {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let key = state.certificates.clone();
    let today = crate::now()[..10].to_string();
    let code = form.code.chars().take(4096).collect::<String>();
    let verified = state
        .db
        .read(move |tx| award::verify_in(tx, &key, &code, &today))
        .await;
    let verified = match verified {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let body = html! {
        h1 { (t(lang, "cert.verify")) }
        @if verified.valid {
            div.ok role="status" #verdict data-valid="true" {
                (t(lang, "cert.genuine"))
                @if !verified.on_record { " " (t(lang, "cert.not_on_record")) }
            }
        } @else {
            div.error role="alert" #verdict data-valid="false" {
                (i18n::error(lang, verified.code.as_deref().unwrap_or_default(), ""))
                " (" code { (verified.code.as_deref().unwrap_or_default()) } ")"
            }
        }
        @if let Some(c) = &verified.certificate {
            table.card {
                tr { th { (t(lang, "cert.number")) } td { (c.number) } }
                tr { th { (t(lang, "col.product")) } td { (c.product) " " span.muted { "(" (c.product_id) ")" } } }
                tr { th { (t(lang, "decisions.star")) } td { (stars(Some(i64::from(c.star)))) } }
                tr { th { (t(lang, "cert.valid_until")) } td { (c.issued) " – " (c.valid_until) } }
                @if verified.valid {
                    tr { th { (t(lang, "cert.standing")) } td { (standing_badge(lang, verified.standing)) } }
                }
            }
        }
        p { a href="/dashboard/certificates" { (t(lang, "cert.title")) } }
    };
    html_response(
        lang,
        page(lang, &t(lang, "cert.verify"), Some(&actor), &headers, body),
        StatusCode::OK,
    )
}
