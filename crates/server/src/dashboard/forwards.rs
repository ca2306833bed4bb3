//! The dashboard's forwarding page: the approved assessments proposed to the next level and not
//! yet forwarded, grouped by programme and level, each group sent up as one batch with a note;
//! the batches forwarded, each with its rows as XLSX or CSV.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use super::{csrf, error_page, html_response, level_text, page, signed_in, signed_post, stars};
use crate::auth::{Actor, Role};
use crate::error::ApiResult;
use crate::forward::{self, Batch, ForwardRequest};
use crate::i18n::t;
use crate::regions::within;
use crate::AppState;

/// An approved assessment proposed to the next level, not yet forwarded.
struct Proposed {
    id: String,
    product: String,
    producer: String,
    programme: String,
    level: String,
    star: Option<i64>,
    assessed_on: String,
}

fn proposed_in(tx: &mut dyn crate::db::Tx, actor: &Actor) -> ApiResult<Vec<Proposed>> {
    let rows = tx.query(
        "SELECT a.id, a.product_name, a.producer_name, a.programme, a.proposed_level, a.star, a.assessed_on, a.region_path
         FROM assessment a
         WHERE a.status = 'approved' AND a.proposed_level IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM assessment n WHERE n.id = a.id AND n.revision > a.revision)
           AND NOT EXISTS (SELECT 1 FROM forward_item fi WHERE fi.assessment_id = a.id)
         ORDER BY a.programme, a.proposed_level, a.product_name, a.id LIMIT 500",
        &[],
    )?;
    Ok(rows
        .iter()
        .filter(|r| actor.user.role == Role::Admin || within(&r.text(7), &actor.user.regions))
        .map(|r| Proposed {
            id: r.text(0),
            product: r.text(1),
            producer: r.text(2),
            programme: r.text(3),
            level: r.text(4),
            star: r.opt_int(5),
            assessed_on: r.text(6),
        })
        .collect())
}

fn batch_table(lang: &str, batch: &Batch) -> Markup {
    html! {
        div.card data-batch=(batch.id) style="margin-bottom:1rem" {
            h2 style="margin-top:0" {
                (t(lang, "forward.batch").replace("{n}", &batch.id.to_string())) " · "
                (batch.programme.to_uppercase()) " → " (level_text(lang, &batch.programme, &batch.to_level))
            }
            p.muted { (batch.forwarded_by) " · " (super::when(&batch.forwarded_at)) @if !batch.note.is_empty() { " · " (batch.note) } }
            table {
                thead { tr { th { (t(lang, "col.product")) } th { (t(lang, "col.star")) } } }
                tbody {
                    @for item in &batch.items {
                        tr { td { a href={ "/dashboard/assessments/" (item.assessment_id) } { (item.product) } br; span.muted { (item.producer) } } td { (stars(item.star)) } }
                    }
                }
            }
            @let command = format!("ovop sheet --batch --forwarded {} -o usulan-{}.pdf", batch.id, batch.id);
            @let (before, after) = t(lang, "forward.print").split_once("{command}").map(|(b, a)| (b.to_string(), a.to_string())).unwrap_or_default();
            p.muted.print { (before) code { (command) } (after) }
            div.actions {
                a.button.secondary href={ "/dashboard/export/assessments?forwarded=" (batch.id) "&format=xlsx" } { (t(lang, "forward.xlsx")) }
                a.button.secondary href={ "/dashboard/export/assessments?forwarded=" (batch.id) "&format=csv" } { (t(lang, "forward.csv")) }
                a.button.secondary href={ "/dashboard/export/criteria?forwarded=" (batch.id) "&format=xlsx" } { (t(lang, "forward.criteria")) }
            }
        }
    }
}

/// The forwarding page.
pub async fn forwards(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/forwards").await {
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
        .read(move |tx| Ok((proposed_in(tx, &by)?, forward::batches_in(tx, &by)?)))
        .await;
    let (proposed, batches) = match read {
        Ok(read) => read,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let mut groups: Vec<(String, String, Vec<&Proposed>)> = Vec::new();
    for p in &proposed {
        match groups.last_mut() {
            Some((programme, level, items)) if *programme == p.programme && *level == p.level => {
                items.push(p)
            }
            _ => groups.push((p.programme.clone(), p.level.clone(), vec![p])),
        }
    }
    let body = html! {
        h1 { (t(lang, "forward.title")) }
        p.muted { (t(lang, "forward.hint")) }
        @if groups.is_empty() {
            p.muted #nothing-proposed { (t(lang, "forward.none_proposed")) }
        }
        @for (programme, level, items) in &groups {
            form.card.forward method="post" action="/dashboard/forwards" data-level=(level) style="margin-bottom:1rem" {
                input type="hidden" name="csrf" value=(csrf(&headers));
                h2 style="margin-top:0" { (programme.to_uppercase()) " → " (level_text(lang, programme, level)) }
                table {
                    thead { tr { th { (t(lang, "forward.pick")) } th { (t(lang, "col.product")) } th { (t(lang, "col.date")) } th { (t(lang, "col.star")) } } }
                    tbody {
                        @for p in items {
                            tr data-id=(p.id) {
                                td { input type="checkbox" name="pick" value=(p.id) checked aria-label=(p.product); }
                                td { a href={ "/dashboard/assessments/" (p.id) } { (p.product) } br; span.muted { (p.producer) } }
                                td.date { (p.assessed_on) }
                                td { (stars(p.star)) }
                            }
                        }
                    }
                }
                div.actions {
                    label style="flex:1" { (t(lang, "forward.note")) input name="note" maxlength="1000" placeholder=(t(lang, "forward.note_hint")); }
                    button type="submit" { (t(lang, "forward.send")) }
                }
            }
        }
        h2 { (t(lang, "forward.batches")) }
        @if batches.is_empty() {
            p.muted { (t(lang, "forward.none_sent")) }
        }
        @for batch in &batches { (batch_table(lang, batch)) }
    };
    html_response(
        lang,
        page(
            lang,
            &t(lang, "forward.title"),
            Some(&actor),
            &headers,
            body,
        ),
        StatusCode::OK,
    )
}

/// Forwards the ticked assessments of one group as a batch, then shows it.
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (actor, lang) = match signed_post(
        &state,
        &headers,
        "/dashboard/forwards",
        &field("csrf"),
        Role::Supervisor,
    )
    .await
    {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let request = ForwardRequest {
        assessment_ids: fields
            .iter()
            .filter(|(k, _)| k == "pick")
            .map(|(_, v)| v.clone())
            .collect(),
        note: field("note"),
    };
    let now = crate::now();
    let by = actor.clone();
    let batch = match state
        .db
        .run(move |tx| forward::forward_in(tx, &by, &request, &now))
        .await
    {
        Ok(batch) => batch,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let body = html! {
        h1 { (t(lang, "forward.done")) }
        div.ok role="status" #forwarded { (t(lang, "forward.done_hint")) }
        (batch_table(lang, &batch))
        p { a href="/dashboard/forwards" { (t(lang, "forward.title")) } " · " a href="/dashboard/decisions" { (t(lang, "decisions.title")) } }
    };
    html_response(
        lang,
        page(lang, &t(lang, "forward.done"), Some(&actor), &headers, body),
        StatusCode::CREATED,
    )
}
