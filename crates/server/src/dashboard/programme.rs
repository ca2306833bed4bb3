//! The dashboard's programme page: the office's recap ([`crate::recap`]) for a region and a
//! period (products by star per regency against the year before and the targets, with a bar
//! chart; by product set; coaching actions open and overdue by officer, regency and support;
//! each officer's last sync and work; the overdue actions), the recap as PDF or XLSX, and the
//! form that sets a target.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use ovop_protocol::recap::{total, ActionCount, Recap};

use super::{csrf, error_page, html_response, page, signed_in, signed_post, urlencode};
use crate::auth::{Actor, Role};
use crate::error::ApiError;
use crate::i18n::t;
use crate::recap::{self, RecapQuery, TargetInput};
use crate::AppState;

/// A laptop not seen for this many days is marked on the officers' table.
const STALE_DAYS: i64 = 14;

fn query_string(recap: &Recap) -> String {
    let mut parts = vec![format!("from={}", recap.from), format!("to={}", recap.to)];
    if let Some(region) = &recap.region {
        parts.push(format!("region={}", urlencode(region)));
    }
    parts.join("&")
}

fn star_word(lang: &str, star: usize) -> String {
    t(lang, &format!("recap.star{star}"))
}

fn counts_table(
    lang: &str,
    id: &str,
    title: &str,
    list: &[ActionCount],
    words: impl Fn(&ActionCount) -> String,
) -> Markup {
    html! {
        table id=(id) {
            thead { tr { th { (title) } th.num { (t(lang, "recap.open")) } th.num { (t(lang, "recap.overdue")) } } }
            tbody {
                @for c in list {
                    tr data-key=(c.key) {
                        td { (words(c)) }
                        td.num { (c.open) }
                        td.num { @if c.overdue > 0 { strong style="color:#a3471c" { (c.overdue) } } @else { "0" } }
                    }
                }
            }
        }
    }
}

/// Days between an RFC 3339 time and `today` (`YYYY-MM-DD`), when both read.
fn days_since(at: &str, today: &str) -> Option<i64> {
    let then = ovop_core::validity::parse_day(at.get(..10)?)?;
    let now = ovop_core::validity::parse_day(today)?;
    Some((now - then).whole_days())
}

fn body(
    lang: &str,
    actor: &Actor,
    headers: &HeaderMap,
    r: &Recap,
    notice: Option<Markup>,
) -> Markup {
    let qs = query_string(r);
    let most = r
        .regencies
        .iter()
        .map(|g| total(&g.now))
        .max()
        .unwrap_or(0)
        .max(1);
    let shades = [
        "#c9cfcb", "#eed39e", "#e6b861", "#de992e", "#9e8f33", "#1e704f",
    ];
    let regencies_of_actor: Vec<(String, String)> = {
        let regions = crate::regions::Regions::get();
        let mut list: Vec<(String, String)> = actor
            .user
            .regions
            .iter()
            .map(|code| (code.clone(), regions.name(code).unwrap_or(code).to_string()))
            .collect();
        for g in &r.regencies {
            if !list.iter().any(|(c, _)| *c == g.code) {
                list.push((g.code.clone(), g.name.clone()));
            }
        }
        list
    };
    html! {
        h1 { (t(lang, "office.title")) }
        @if let Some(notice) = notice { (notice) }
        form.filters #recap-filter method="get" action="/dashboard/office" {
            label { (t(lang, "office.region"))
                select name="region" {
                    option value="" { (t(lang, "office.all_regions")) }
                    @for (code, name) in &regencies_of_actor {
                        option value=(code) selected[r.region.as_deref() == Some(code.as_str())] { (name) " (" (code) ")" }
                    }
                }
            }
            label { (t(lang, "office.from")) input type="date" name="from" value=(r.from); }
            label { (t(lang, "office.to")) input type="date" name="to" value=(r.to); }
            button type="submit" { (t(lang, "office.show")) }
            a.button.secondary #recap-pdf href={ "/dashboard/office/recap?format=pdf&lang=" (lang) "&" (qs) } { (t(lang, "office.pdf")) }
            a.button.secondary #recap-xlsx href={ "/dashboard/office/recap?format=xlsx&lang=" (lang) "&" (qs) } { (t(lang, "office.xlsx")) }
        }
        p.muted { (t(lang, "office.hint")) }

        h2 { (t(lang, "recap.stars_title")) }
        @if r.regencies.is_empty() {
            p.muted #no-products { (t(lang, "office.no_products")) }
        } @else {
            table #stars {
                thead { tr {
                    th { (t(lang, "recap.regency")) }
                    @for s in 0..6 { th.num { (star_word(lang, s)) } }
                    th.num { (t(lang, "recap.total")) }
                    th.num { (t(lang, "recap.before")) }
                } }
                tbody {
                    @for g in &r.regencies {
                        tr data-regency=(g.code) {
                            td { (g.name) }
                            @for s in 0..6 {
                                td.num data-star=(s) {
                                    (g.now[s])
                                    @if let Some(target) = g.target[s] {
                                        br; span.muted data-target=(target) { (t(lang, "office.target_of").replace("{n}", &target.to_string())) }
                                    }
                                }
                            }
                            td.num { strong { (total(&g.now)) } }
                            td.num.muted { (total(&g.before)) }
                        }
                    }
                }
            }
            h2 { (t(lang, "recap.chart_title")) }
            div.card #chart {
                @for g in &r.regencies {
                    div style="display:flex;align-items:center;gap:.6rem;margin:.3rem 0" {
                        span style="width:16rem;flex:none" { (g.name) }
                        div style="flex:1;display:flex;height:1.1rem" {
                            @for (s, n) in g.now.iter().enumerate() {
                                @if *n > 0 {
                                    span title={ (star_word(lang, s)) ": " (n) } style={ "background:" (shades[s]) ";width:" (f64::from(*n) * 100.0 / f64::from(most)) "%;border-right:1px solid #fff" } {}
                                }
                            }
                            span style="padding-left:.4rem;font-weight:600" { (total(&g.now)) }
                        }
                    }
                }
                div.muted style="display:flex;gap:1rem;flex-wrap:wrap;font-size:.85rem;margin-top:.5rem" {
                    @for (s, shade) in shades.iter().enumerate() {
                        span { span style={ "display:inline-block;width:.8rem;height:.8rem;background:" (shade) ";margin-right:.3rem" } {} (star_word(lang, s)) }
                    }
                }
            }
            @if !r.sets.is_empty() {
                h2 { (t(lang, "recap.sets_title")) }
                table #sets {
                    thead { tr { th { (t(lang, "recap.product_set")) } @for s in 0..6 { th.num { (star_word(lang, s)) } } th.num { (t(lang, "recap.total")) } } }
                    tbody { @for set in &r.sets { tr { td { (set.product_set) } @for n in set.now { td.num { (n) } } td.num { strong { (total(&set.now)) } } } } }
                }
            }
        }

        h2 { (t(lang, "recap.coaching_title")) }
        @if r.actions_by_support.is_empty() {
            p.muted #no-actions { (t(lang, "office.no_actions")) }
        } @else {
            div.grid {
                (counts_table(lang, "by-support", &t(lang, "recap.by_support"), &r.actions_by_support, |c| t(lang, &format!("support.{}", c.key))))
                (counts_table(lang, "by-regency", &t(lang, "recap.by_regency"), &r.actions_by_regency, |c| c.label.clone()))
                (counts_table(lang, "by-officer", &t(lang, "recap.by_officer"), &r.actions_by_officer, |c| c.label.clone()))
            }
        }
        h2 { (t(lang, "recap.overdue_title")) }
        @if r.overdue.is_empty() {
            p.muted #no-overdue { (t(lang, "office.no_overdue")) }
        } @else {
            table #overdue {
                thead { tr {
                    th { (t(lang, "recap.due")) } th { (t(lang, "recap.product")) } th { (t(lang, "recap.support")) }
                    th { (t(lang, "recap.progress")) } th { (t(lang, "recap.regency")) } th { (t(lang, "recap.officer")) }
                } }
                tbody {
                    @for o in &r.overdue {
                        tr data-action=(o.id) {
                            td.date style="color:#a3471c" { (o.due) }
                            td { (o.product) br; span.muted { (o.producer) } }
                            td { (t(lang, &format!("support.{}", o.support))) @if let Some(c) = &o.criterion { " · " (c) } }
                            td { (t(lang, &format!("progress.{}", o.progress))) }
                            td { (o.regency) }
                            td { (o.officer) }
                        }
                    }
                }
            }
            @if r.overdue_more > 0 {
                p.muted { (t(lang, "office.more_overdue").replace("{n}", &r.overdue_more.to_string())) }
            }
        }

        h2 { (t(lang, "recap.officers_title")) }
        table #officers {
            thead { tr {
                th { (t(lang, "recap.officer")) } th { (t(lang, "recap.last_sync")) }
                th.num { (t(lang, "recap.assessments")) } th.num { (t(lang, "recap.visits")) }
                th.num { (t(lang, "recap.open")) } th.num { (t(lang, "recap.overdue")) }
            } }
            tbody {
                @for o in &r.officers {
                    @let stale = o.last_sync.as_deref().and_then(|at| days_since(at, &r.today)).is_none_or(|d| d > STALE_DAYS);
                    tr data-officer=(o.name) data-stale=(stale) {
                        td { (o.display_name) br; span.muted { (o.name) } }
                        td.date style=(if stale { "color:#a3471c" } else { "" }) {
                            (o.last_sync.as_deref().map_or_else(|| t(lang, "office.never"), super::when))
                        }
                        td.num { (o.assessments) } td.num { (o.visits) } td.num { (o.open_actions) } td.num { (o.overdue_actions) }
                    }
                }
            }
        }

        h2 { (t(lang, "office.targets")) }
        form.filters #target-form method="post" action="/dashboard/office/targets" {
            input type="hidden" name="csrf" value=(csrf(headers));
            input type="hidden" name="back" value=(qs);
            label { (t(lang, "recap.regency"))
                input name="regency" required list="regency-codes" size="10" placeholder="63.05";
                datalist #regency-codes { @for (code, name) in &regencies_of_actor { option value=(code) { (name) } } }
            }
            label { (t(lang, "office.year"))
                input type="number" name="year" required min="2000" max="2100" value=(r.target_year);
            }
            label { (t(lang, "office.star"))
                select name="star" { @for s in 1..=5 { option value=(s) { (star_word(lang, s)) } } }
            }
            label { (t(lang, "office.products")) input type="number" name="products" required min="0" max="100000" value="0"; }
            button type="submit" { (t(lang, "office.set_target")) }
        }
        p.muted { (t(lang, "office.targets_hint")) }
    }
}

/// The programme page.
pub async fn office(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<RecapQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/office").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = super::lang_of(&headers, None);
    let query = match query {
        Ok(Query(query)) => query,
        Err(e) => {
            let e = ApiError::bad("recap.bad_query", None, e.to_string());
            return error_page(lang, Some(&actor), &headers, &e);
        }
    };
    match recap::read(&state, actor.clone(), query).await {
        Ok(r) => {
            let markup = page(
                lang,
                &t(lang, "office.title"),
                Some(&actor),
                &headers,
                body(lang, &actor, &headers, &r, None),
            );
            html_response(lang, markup, StatusCode::OK)
        }
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

/// The recap as a file (PDF or XLSX) for a signed-in supervisor.
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<RecapQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/office").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = super::lang_of(&headers, None);
    let outcome = async {
        let Query(query) =
            query.map_err(|e| ApiError::bad("recap.bad_query", None, e.to_string()))?;
        let format = query.format()?;
        let file_lang = crate::i18n::language(query.lang.as_deref().or(Some(lang)));
        let r = recap::read(&state, actor.clone(), query).await?;
        recap::respond(r, format, file_lang).await
    };
    match outcome.await {
        Ok(response) => response,
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    regency: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    star: String,
    #[serde(default)]
    products: String,
}

/// Sets a target from the page's form, then shows the page again with it.
pub async fn set_target(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TargetForm>,
) -> Response {
    let (actor, lang) = match signed_post(
        &state,
        &headers,
        "/dashboard/office",
        &form.csrf,
        Role::Supervisor,
    )
    .await
    {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let number = |field: &str, text: &str| -> Result<i64, ApiError> {
        text.trim().parse::<i64>().map_err(|_| {
            ApiError::bad(
                "target.invalid",
                Some(field),
                format!("{field} is a whole number"),
            )
        })
    };
    let input = (|| -> Result<TargetInput, ApiError> {
        Ok(TargetInput {
            regency: form.regency.trim().to_string(),
            year: i32::try_from(number("year", &form.year)?).map_err(|_| {
                ApiError::bad(
                    "target.invalid",
                    Some("year"),
                    "a year between 2000 and 2100",
                )
            })?,
            star: u8::try_from(number("star", &form.star)?)
                .map_err(|_| ApiError::bad("target.invalid", Some("star"), "a star from 1 to 5"))?,
            products: u32::try_from(number("products", &form.products)?).map_err(|_| {
                ApiError::bad(
                    "target.invalid",
                    Some("products"),
                    "at most 100000 products",
                )
            })?,
        })
    })();
    let input = match input {
        Ok(input) => input,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let now = crate::now();
    let by = actor.clone();
    if let Err(e) = state
        .db
        .run(move |tx| recap::set_target(tx, &by, &input, &now))
        .await
    {
        return error_page(lang, Some(&actor), &headers, &e);
    }
    // The page of the region and period the form was on, read back from its own query.
    let back: RecapQuery = back_query(&form.back);
    match recap::read(&state, actor.clone(), back).await {
        Ok(r) => {
            let notice = html! { p.ok #target-saved { (t(lang, "office.target_saved")) } };
            let markup = page(
                lang,
                &t(lang, "office.title"),
                Some(&actor),
                &headers,
                body(lang, &actor, &headers, &r, Some(notice)),
            );
            html_response(lang, markup, StatusCode::OK)
        }
        Err(e) => error_page(lang, Some(&actor), &headers, &e).into_response(),
    }
}

/// The region and period of a page's own query (`from=..&to=..&region=..`); anything else in it
/// is left out, and what is kept is checked like any query.
fn back_query(text: &str) -> RecapQuery {
    let mut query = RecapQuery::default();
    for pair in text.split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        // Dates and region codes only: nothing in them is ever encoded.
        let value = value.to_string();
        match key {
            "from" => query.from = Some(value),
            "to" => query.to = Some(value),
            "region" => query.region = Some(value),
            _ => {}
        }
    }
    query
}
