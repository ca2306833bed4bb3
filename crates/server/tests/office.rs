//! The office's recap on both backends, against a fixture whose figures were counted by hand:
//! products by their latest official star in the period and the year before, by product set,
//! against the targets; coaching actions open and overdue by officer, regency and support; each
//! officer's work and last sync; a region chosen narrows everything; refusals have codes.
//!
//! The OVOP template has 22 criteria of 1 to 3 points (66 in all) and stars from 20, 33, 46
//! and 59 points: every criterion at level 1 is 22 points (two stars), at level 2 is 44 (three
//! stars), at level 3 is 66 (five stars); level 2 with six criteria at 3 is 50 (four stars).

mod support;

use ovop_protocol::recap::Recap;
use ovop_protocol::{AssessmentBody, Kind, Record};
use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    the_recap_counts_what_the_office_holds_as_counted_by_hand,
    a_corrected_assessment_counts_by_its_latest_revision_whatever_order_they_arrive_in,
    targets_and_recaps_are_refused_outside_the_viewers_regions_and_for_bad_input,
);

/// An assessment of `product` on `day`, every criterion at `level` and the first `high` at 3.
fn rated(id: &str, product: &str, village: &str, day: &str, level: u32, high: usize) -> Record {
    rated_revision(id, 1, product, village, day, level, high)
}

/// [`rated`] as revision `revision` of its assessment.
fn rated_revision(
    id: &str,
    revision: i64,
    product: &str,
    village: &str,
    day: &str,
    level: u32,
    high: usize,
) -> Record {
    let rubric = ovop_core::Catalog::shipped()
        .get("ovop-id-template", None)
        .expect("the template")
        .rubric
        .clone();
    let base = assessment(id, revision, product, village, 0, vec![]);
    let mut body: AssessmentBody = serde_json::from_value(base.body).expect("body");
    let answers = body.answers.as_mut().expect("answers");
    for (i, criterion) in rubric.set().criteria().enumerate() {
        let at = if i < high { 3 } else { level };
        answers
            .answers
            .insert(criterion.code.clone(), ovop_core::Answer::Level(at));
    }
    body.result = rubric.score(answers).expect("scored");
    body.visit.assessed_on = Some(day.into());
    Record::new(
        Kind::Assessment,
        id,
        revision,
        body.to_value().expect("json"),
        vec![],
    )
}

fn product_in(id: &str, producer: &str, set: &str) -> Record {
    Record::new(
        Kind::Product,
        id,
        1,
        json!({"producer_id": producer, "name": format!("Produk {set}"), "programme": "ovop", "product_set": set}),
        vec![],
    )
}

fn action(id: &str, product: &str, support: &str, due: Option<&str>, progress: &str) -> Record {
    let mut action =
        json!({"support": support, "owner": "officer", "notes": "", "progress": progress});
    if let Some(due) = due {
        action["due"] = json!(due);
    }
    Record::new(
        Kind::CoachingAction,
        id,
        1,
        json!({"product_id": product, "action": action}),
        vec![],
    )
}

fn visit(id: &str, product: &str, day: &str) -> Record {
    Record::new(
        Kind::CoachingVisit,
        id,
        1,
        json!({"product_id": product, "visited_on": day, "notes": "", "updates": []}),
        vec![],
    )
}

async fn fixture(server: &Server) -> String {
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("rina", "officer", &["63.06"], Some("rina-rahasia-1"))
        .await;
    server
        .user(
            "sari",
            "supervisor",
            &["63.05", "63.06"],
            Some("sari-rahasia-1"),
        )
        .await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let rina = server.enrol("rina", "rina-rahasia-1").await;
    let sari = server.enrol("sari", "sari-rahasia-1").await;
    let id = |n: u32| uuid(60, n);
    let (tapin, p1, p2, p3, p5) = (id(1), id(11), id(12), id(13), id(15));
    server
        .push_ok(
            &budi,
            &[
                producer(&tapin, TAPIN),
                product_in(&p1, &tapin, "kriya"),
                product_in(&p2, &tapin, "makanan"),
                product_in(&p3, &tapin, "kriya"),
                product_in(&p5, &tapin, "kriya"),
                // P1: three stars in March, four in September: four counts.
                rated(&id(21), &p1, TAPIN, "2026-03-01", 2, 0),
                rated(&id(22), &p1, TAPIN, "2026-09-01", 2, 6),
                // P2: five stars.
                rated(&id(23), &p2, TAPIN, "2026-05-05", 3, 0),
                // P3: two stars the year before, three this year.
                rated(&id(24), &p3, TAPIN, "2025-06-01", 1, 0),
                rated(&id(25), &p3, TAPIN, "2026-02-02", 2, 0),
                // P5: three stars, returned by the supervisor: not counted.
                rated(&id(26), &p5, TAPIN, "2026-07-07", 2, 0),
                action(&id(31), &p1, "packaging", Some("2025-01-01"), "not_started"),
                action(&id(32), &p1, "training", Some("2099-01-01"), "in_progress"),
                action(&id(33), &p1, "lab_test", Some("2025-02-02"), "done"),
                visit(&id(41), &p1, "2026-06-01"),
                visit(&id(42), &p1, "2025-12-31"),
            ],
        )
        .await;
    let (hss, p4) = (id(2), id(14));
    server
        .push_ok(
            &rina,
            &[
                producer(&hss, HSS),
                product_in(&p4, &hss, "kriya"),
                // P4: three stars the year before, two this year.
                rated(&id(27), &p4, HSS, "2025-04-04", 2, 0),
                rated(&id(28), &p4, HSS, "2026-04-04", 1, 0),
                action(&id(34), &p4, "packaging", Some("2025-03-03"), "in_progress"),
                action(&id(35), &p4, "finance", None, "not_started"),
                visit(&id(43), &p4, "2026-08-08"),
            ],
        )
        .await;
    let (status, body) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{}/decision", id(26)),
            &json!({"revision": 1, "decision": "returned", "comment": "foto kurang"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    for (regency, year, star, products) in [
        ("63.05", 2026, 4, 3),
        ("63.05", 2026, 5, 1),
        ("63.05", 2025, 4, 9),
        ("63.06", 2026, 3, 2),
        // Set again: the later figure stands.
        ("63.05", 2026, 5, 2),
    ] {
        let (status, body) = put(
            server,
            &sari,
            "/v1/office/targets",
            &json!({"regency": regency, "year": year, "star": star, "products": products}),
        )
        .await;
        assert_eq!(status, 204, "{body}");
    }
    sari
}

async fn put(server: &Server, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .put(server.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("put");
    let status = response.status().as_u16();
    let text = response.text().await.expect("text");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A GET's status, content type and bytes.
async fn download(server: &Server, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        status,
        kind,
        response.bytes().await.expect("bytes").to_vec(),
    )
}

/// The text poppler reads from a PDF.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("recap.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().expect("path"), "-"])
        .output()
        .expect("pdftotext is needed for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn recap(server: &Server, token: &str, query: &str) -> Recap {
    let (status, body) = server
        .get(token, &format!("/v1/office/recap?{query}"))
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).expect("a recap")
}

/// A regency's code, its products by star now and the year before, and its targets.
type Counted = (String, [u32; 6], [u32; 6], [Option<u32>; 6]);

fn counts(recap: &Recap) -> Vec<Counted> {
    recap
        .regencies
        .iter()
        .map(|r| (r.code.clone(), r.now, r.before, r.target))
        .collect()
}

fn actions(list: &[ovop_protocol::recap::ActionCount]) -> Vec<(&str, u32, u32)> {
    list.iter()
        .map(|c| (c.key.as_str(), c.open, c.overdue))
        .collect()
}

async fn the_recap_counts_what_the_office_holds_as_counted_by_hand(backend: Backend) {
    let server = Server::start(backend).await;
    let sari = fixture(&server).await;
    let whole = recap(&server, &sari, "from=2026-01-01&to=2026-12-31").await;
    assert_eq!(
        (whole.before_from.as_str(), whole.before_to.as_str()),
        ("2025-01-01", "2025-12-31")
    );
    assert_eq!(whole.target_year, 2026);
    assert_eq!(
        counts(&whole),
        [
            (
                "63.05".to_string(),
                [0, 0, 0, 1, 1, 1],
                [0, 0, 1, 0, 0, 0],
                [None, None, None, None, Some(3), Some(2)]
            ),
            (
                "63.06".to_string(),
                [0, 0, 1, 0, 0, 0],
                [0, 0, 0, 1, 0, 0],
                [None, None, None, Some(2), None, None]
            ),
        ]
    );
    assert_eq!(whole.regencies[0].name, "Kabupaten Tapin");
    let sets: Vec<(&str, [u32; 6])> = whole
        .sets
        .iter()
        .map(|s| (s.product_set.as_str(), s.now))
        .collect();
    assert_eq!(
        sets,
        [
            ("kriya", [0, 0, 1, 1, 1, 0]),
            ("makanan", [0, 0, 0, 0, 0, 1])
        ]
    );
    assert_eq!(
        actions(&whole.actions_by_officer),
        [("budi", 2, 1), ("rina", 2, 1)]
    );
    assert_eq!(
        actions(&whole.actions_by_regency),
        [("63.05", 2, 1), ("63.06", 2, 1)]
    );
    assert_eq!(
        actions(&whole.actions_by_support),
        [("finance", 1, 0), ("packaging", 2, 2), ("training", 1, 0)]
    );
    let overdue: Vec<(&str, &str, &str)> = whole
        .overdue
        .iter()
        .map(|o| (o.due.as_str(), o.support.as_str(), o.officer.as_str()))
        .collect();
    assert_eq!(
        overdue,
        [
            ("2025-01-01", "packaging", "budi (display)"),
            ("2025-03-03", "packaging", "rina (display)")
        ]
    );
    assert_eq!(whole.overdue_more, 0);
    let work: Vec<(&str, u32, u32, u32, u32, bool)> = whole
        .officers
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.assessments,
                o.visits,
                o.open_actions,
                o.overdue_actions,
                o.last_sync.is_some(),
            )
        })
        .collect();
    assert_eq!(
        work,
        [("budi", 5, 1, 2, 1, true), ("rina", 1, 1, 2, 1, true)]
    );

    // One regency: only its products, actions, officers and targets.
    let hss = recap(&server, &sari, "region=63.06&from=2026-01-01&to=2026-12-31").await;
    assert_eq!(hss.region_name, "Kabupaten Hulu Sungai Selatan");
    assert_eq!(
        counts(&hss),
        [(
            "63.06".to_string(),
            [0, 0, 1, 0, 0, 0],
            [0, 0, 0, 1, 0, 0],
            [None, None, None, Some(2), None, None]
        )]
    );
    assert_eq!(actions(&hss.actions_by_officer), [("rina", 2, 1)]);
    assert_eq!(hss.officers.len(), 1);
    assert_eq!(hss.overdue.len(), 1);

    // The same figures as XLSX, cell by cell, and as the printed recap.
    let (status, kind, xlsx) = download(
        &server,
        &sari,
        "/v1/office/recap?from=2026-01-01&to=2026-12-31&format=xlsx&lang=en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("a workbook");
    let cells = |book: &mut calamine::Xlsx<_>, sheet: &str| -> Vec<Vec<String>> {
        use calamine::Reader;
        book.worksheet_range(sheet)
            .unwrap_or_else(|e| panic!("sheet {sheet}: {e}"))
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    let stars = cells(&mut book, "Stars");
    assert_eq!(
        stars[0][..4],
        ["Code", "Regency or city", "Period no star", "Period 1 star"]
    );
    assert_eq!(stars[0].len(), 2 + 7 + 7 + 5);
    assert_eq!(
        stars[1],
        [
            "63.05",
            "Kabupaten Tapin",
            "0",
            "0",
            "0",
            "1",
            "1",
            "1",
            "3",
            "0",
            "0",
            "1",
            "0",
            "0",
            "0",
            "1",
            "",
            "",
            "",
            "3",
            "2"
        ]
    );
    assert_eq!(
        stars[2][..16],
        [
            "63.06",
            "Kabupaten Hulu Sungai Selatan",
            "0",
            "0",
            "1",
            "0",
            "0",
            "0",
            "1",
            "0",
            "0",
            "0",
            "1",
            "0",
            "0",
            "1"
        ]
    );
    assert_eq!(stars[2][16..], ["", "", "2", "", ""]);
    assert_eq!(
        cells(&mut book, "Product sets")[1..],
        [
            ["kriya", "0", "0", "1", "1", "1", "0", "3"],
            ["makanan", "0", "0", "0", "0", "0", "1", "1"]
        ]
    );
    assert_eq!(
        cells(&mut book, "Coaching")[1..],
        [
            ["Kind of support", "finance", "Finance", "1", "0"],
            [
                "Kind of support",
                "packaging",
                "Packaging and label",
                "2",
                "2"
            ],
            ["Kind of support", "training", "Training", "1", "0"],
            ["Regency or city", "63.05", "Kabupaten Tapin", "2", "1"],
            [
                "Regency or city",
                "63.06",
                "Kabupaten Hulu Sungai Selatan",
                "2",
                "1"
            ],
            ["Officer", "budi", "budi (display)", "2", "1"],
            ["Officer", "rina", "rina (display)", "2", "1"],
        ]
    );
    let officers = cells(&mut book, "Officers");
    assert_eq!(officers[1][..2], ["budi", "budi (display)"]);
    assert_eq!(officers[1][3..], ["5", "1", "2", "1"]);
    assert_eq!(officers[2][3..], ["1", "1", "2", "1"]);
    let overdue = cells(&mut book, "Overdue");
    assert_eq!(
        overdue[1],
        [
            "2025-01-01",
            "Produk kriya",
            "KUB Purun 0192f5c4-003c-7b31-9c55-000000000001",
            "Packaging and label",
            "",
            "Kabupaten Tapin",
            "budi (display)",
            "Not started"
        ]
    );
    assert_eq!(overdue.len(), 3);

    let (status, kind, pdf) = download(
        &server,
        &sari,
        "/v1/office/recap?region=63.05&from=2026-01-01&to=2026-12-31&format=pdf",
    )
    .await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let text: String = pdf_text(&pdf).split_whitespace().collect();
    for expected in [
        "REKAP PROGRAM OVOP",
        "Kabupaten Tapin · 1 Januari 2026 – 31 Desember 2026",
        "Kabupaten Tapin 0 0 0 1 1 / 3 1 / 2 3 1",
        "Kemasan dan label 1 1",
        "budi (display)",
    ] {
        let expected: String = expected.split_whitespace().collect();
        assert!(text.contains(&expected), "{expected}: {text}");
    }
    assert!(!text.contains("HuluSungai"), "another regency: {text}");

    // The first half of 2026: P1 was three stars then, P4 two, P3 three; P2 five.
    let half = recap(&server, &sari, "from=2026-01-01&to=2026-06-30").await;
    assert_eq!(half.regencies[0].now, [0, 0, 0, 2, 0, 1]);
    assert_eq!(half.officers[0].assessments, 3);
    server.stop().await;
}

async fn targets_and_recaps_are_refused_outside_the_viewers_regions_and_for_bad_input(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let sari = fixture(&server).await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let (status, body) = server.get(&budi, "/v1/office/recap").await;
    assert_eq!((status, code(&body)), (403, "auth.role"), "{body}");
    for (query, status_wanted, code_wanted) in [
        ("region=63.07", 403, "recap.region_not_assigned"),
        ("region=99.99", 400, "recap.unknown_region"),
        ("from=2026-13-01", 400, "recap.bad_period"),
        ("from=2026-06-01&to=2026-01-01", 400, "recap.bad_period"),
        ("from=2000-01-01&to=2026-01-01", 400, "recap.bad_period"),
        ("format=docx", 400, "recap.bad_format"),
        ("from[]=1", 400, "recap.bad_query"),
    ] {
        let (status, body) = server
            .get(&sari, &format!("/v1/office/recap?{query}"))
            .await;
        assert_eq!(
            (status, code(&body)),
            (status_wanted, code_wanted),
            "{query}: {body}"
        );
    }
    for (target, status_wanted, code_wanted) in [
        (
            json!({"regency": "63.07", "year": 2026, "star": 3, "products": 1}),
            403,
            "target.region_not_assigned",
        ),
        (
            json!({"regency": "63.05", "year": 2026, "star": 6, "products": 1}),
            400,
            "target.invalid",
        ),
        (
            json!({"regency": "63.05.01.1001", "year": 2026, "star": 3, "products": 1}),
            400,
            "target.invalid",
        ),
        (
            json!({"regency": "63.05", "year": 1900, "star": 3, "products": 1}),
            400,
            "target.invalid",
        ),
        (
            json!({"regency": "63.05", "year": 2026, "star": 3, "products": -1}),
            400,
            "target.invalid",
        ),
        (
            json!({"regency": "63.05", "year": 2026, "star": 3, "products": 1, "extra": true}),
            400,
            "target.invalid",
        ),
    ] {
        let (status, body) = put(&server, &sari, "/v1/office/targets", &target).await;
        assert_eq!(
            (status, code(&body)),
            (status_wanted, code_wanted),
            "{target}: {body}"
        );
    }
    let response = reqwest::Client::new()
        .put(server.url("/v1/office/targets"))
        .bearer_auth(&sari)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("put");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "target.malformed");
    let (status, body) = put(
        &server,
        &budi,
        "/v1/office/targets",
        &json!({"regency": "63.05", "year": 2026, "star": 3, "products": 1}),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "auth.role"), "{body}");
    // Nothing refused was stored: the five set in the fixture, one replaced.
    assert_eq!(server.count("SELECT COUNT(*) FROM office_target").await, 4);
    server.stop().await;
}

async fn a_corrected_assessment_counts_by_its_latest_revision_whatever_order_they_arrive_in(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let id = |n: u32| uuid(61, n);
    let (pr, p1, p2) = (id(1), id(11), id(12));
    // P1: two stars, corrected to four. P2: its correction (three stars) arrives before the
    // revision it corrects (two stars).
    server
        .push_ok(
            &budi,
            &[
                producer(&pr, TAPIN),
                product_in(&p1, &pr, "kriya"),
                product_in(&p2, &pr, "kriya"),
                rated_revision(&id(21), 1, &p1, TAPIN, "2026-03-01", 1, 0),
            ],
        )
        .await;
    server
        .push_ok(
            &budi,
            &[
                rated_revision(&id(21), 2, &p1, TAPIN, "2026-03-01", 2, 6),
                rated_revision(&id(22), 2, &p2, TAPIN, "2026-04-01", 2, 0),
            ],
        )
        .await;
    server
        .push_ok(
            &budi,
            &[rated_revision(&id(22), 1, &p2, TAPIN, "2026-04-01", 1, 0)],
        )
        .await;
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM assessment WHERE superseded = 1")
            .await,
        2
    );
    let r = recap(&server, &sari, "from=2026-01-01&to=2026-12-31").await;
    assert_eq!(r.regencies[0].now, [0, 0, 0, 1, 1, 0]);
    // Each assessment is one piece of the officer's work, however many revisions it has.
    assert_eq!(r.officers[0].assessments, 2);
    server.stop().await;
}
