//! End-to-end: a council's session, a star certificate from the office to the real window, and
//! back to the field. A regency council of three has scored two products in round 2026 · I (the
//! crisps four stars, the dodol three); the officer prints the session's minutes from the
//! window; the laptop sends both final assessments to a real server; the supervisor approves
//! them, forwards the four-star one to the province (the three-star one is refused: it is not
//! proposed) and records a decision awarding four stars; "Sync now" brings the award, its signed
//! certificate and the office's key; the product shows its current star and prints the
//! certificate. The dodol, left at three stars, gets a coaching plan from its sheet's steps; one
//! action is changed (a partner's, due yesterday), two follow-up visits are recorded (the first
//! with a photo), and "Sync now" sends them through a proxy that drops the first push after 700
//! bytes: the office's recap and programme page then count them once, with the overdue action
//! and the photo. Then the clock the app is given moves 35 months on (`OVOP_TODAY`; the engine
//! never reads a clock): the home screen lists the certificate as lapsing, in Indonesian,
//! English and Vietnamese, and "Start re-assessment" opens the product with a re-assessment's
//! start, which begins with the first assessment's dossier (not ticked as shown, the lapsed
//! halal certificate marked). Needs what `e2e_window.rs` needs (Xvfb, tauri-driver,
//! WebKitWebDriver) and poppler's `pdftotext`.

// The window is WebKitGTK driven through WebKitWebDriver: Linux only (README, "Windows").
#![cfg(target_os = "linux")]

#[path = "support/driver.rs"]
mod driver;
#[path = "../crates/cli/tests/field/proxy.rs"]
mod proxy;

use std::time::{Duration, Instant};

use driver::{
    click, fake_opener, office_token, opened_pdf, pdf_text, save_screenshot, scroll_to,
    seed_council_session, start, switch_language, tapin_office, text_of, type_into, wait_for_css,
    wait_for_text, wait_present,
};
use proxy::{rule, Fault, Proxy};
use serde_json::json;

const PORT: u16 = 4514;

// Four workers: the office's server runs in this process and must answer the app's pulls
// while the test itself waits on the window.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_awarded_star_reaches_the_window_lapses_on_time_and_starts_a_reassessment() {
    std::env::set_var("OVOP_NO_KEYRING", "1");
    std::env::remove_var("OVOP_TODAY");
    let data_home = tempfile::tempdir().expect("temp data folder");
    let session = seed_council_session(data_home.path());
    let assessment = session.proposed.clone();
    // "Print" hands the PDF to the desktop's opener; here the opener writes down what it was
    // given, so the test reads the very file the officer would print.
    let opener = fake_opener();
    let opened = opener.log.clone();

    let server_dir = tempfile::tempdir().expect("server folder");
    let server = tapin_office(server_dir.path()).await;
    let url = server.url();
    // The laptop reaches the office through a proxy that can drop the link.
    let proxy = Proxy::start(server.addr).await;
    proxy
        .one_request_per_connection
        .store(true, std::sync::atomic::Ordering::Relaxed);
    // The laptop is enrolled already (the enrolment in the window is `e2e_sync`'s story).
    let data_dir = data_home.path().join("org.ovopfield.app");
    ovop_app::sync::enrol::enrol(
        &data_dir,
        Some(proxy.url()),
        ovop_app::sync::EnrolWith::Password {
            user: "rina".into(),
            password: "rahasia-rina-1".into(),
        },
        "Laptop Rina",
        "2026-11-23T08:00:00Z",
    )
    .await
    .expect("enrolled");

    let (driver, client, _) = start(data_home.path(), PORT).await;

    // The minutes of the session, printed from the crisps' final sheet: both products, the
    // three members, the average and the one product proposed to the province.
    click(&client, "[data-testid=nav-producers]").await;
    click(&client, "[data-testid=producer-row]").await;
    let minutes = pdf_text(&print_paper(&client, &assessment, "minutes", &opened, 1).await);
    for expected in [
        "BERITA ACARA RAPAT DEWAN PENILAI",
        "Keripik Pisang Kepok",
        "Dodol Nanas",
        "Rina Wulandari",
        "Budi Santoso",
        "Dewi Lestari",
        "3 dari 3 anggota hadir",
    ] {
        assert!(minutes.contains(expected), "{expected}: {minutes}");
    }
    // The chair's role, typed as "ketua", is not said twice.
    assert!(!minutes.contains("Ketua (ketua)"), "{minutes}");
    assert_eq!(
        minutes.matches("diusulkan ke Provinsi").count(),
        1,
        "{minutes}"
    );
    let proposal = minutes
        .lines()
        .find(|l| l.contains("diusulkan ke Provinsi"))
        .expect("the proposal");
    assert!(proposal.contains("Keripik Pisang Kepok"), "{proposal}");

    click(&client, "[data-testid=nav-sync]").await;
    wait_present(
        &client,
        "[data-testid=outbox-row][data-state=sent] ~ [data-testid=outbox-row][data-state=sent]",
        Duration::from_secs(60),
    )
    .await;

    // The office approves it and awards four stars by a decision.
    let http = reqwest::Client::new();
    let token = office_token(&url, "sari").await;
    let approved = http
        .post(format!("{url}/v1/review/assessments/{assessment}/decision"))
        .bearer_auth(&token)
        .json(&json!({"revision": 1, "decision": "approved", "comment": ""}))
        .send()
        .await
        .expect("approve");
    assert_eq!(approved.status(), 201);
    let other = &session.other;
    let approved = http
        .post(format!("{url}/v1/review/assessments/{other}/decision"))
        .bearer_auth(&token)
        .json(&json!({"revision": 1, "decision": "approved", "comment": ""}))
        .send()
        .await
        .expect("approve");
    assert_eq!(approved.status(), 201);
    // Three stars stay at the regency: not proposed, not forwarded.
    let refused = http
        .post(format!("{url}/v1/forwards"))
        .bearer_auth(&token)
        .json(&json!({"assessment_ids": [other], "note": ""}))
        .send()
        .await
        .expect("forward");
    assert_eq!(refused.status(), 409);
    let refusal: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(refusal["code"], "forward.not_proposed");
    // Made at the regency at the top of the sheet, it is proposed to the province: the
    // supervisor forwards it up as a batch of one.
    let forwarded = http
        .post(format!("{url}/v1/forwards"))
        .bearer_auth(&token)
        .json(&json!({"assessment_ids": [assessment], "note": "Surat 500/78/2026"}))
        .send()
        .await
        .expect("forward");
    assert_eq!(forwarded.status(), 201);
    let forwarded: serde_json::Value = forwarded.json().await.expect("the batch");
    let today = ovop_store::now_utc()[..10].to_string();
    let recorded: serde_json::Value = http
        .post(format!("{url}/v1/decisions"))
        .bearer_auth(&token)
        .json(&json!({
            "number": "500/77/KPTS/2026", "date": today, "authority": "Bupati Tapin",
            "awards": [{"assessment_id": assessment, "star": 4, "reason": "Dewan kabupaten menilai ulang kemasan"}],
        }))
        .send()
        .await
        .expect("decide")
        .json()
        .await
        .expect("json");
    let certificate = &recorded["awards"][0]["certificate"];
    let number = certificate["number"]
        .as_str()
        .expect("a certificate")
        .to_string();
    let valid_until = certificate["valid_until"]
        .as_str()
        .expect("valid until")
        .to_string();

    // "Sync now" brings it; the product shows its current star and its certificate. The
    // waits allow one request that outlives the client's read timeout (60 s) and its retry.
    let patience = Duration::from_secs(150);
    click(&client, "[data-testid=sync-now]").await;
    wait_present(&client, "[data-testid=sync-report]", patience).await;
    let store_path = data_dir.join("ovop.sqlite");
    let started = Instant::now();
    loop {
        let store = ovop_store::Store::open(&store_path).expect("store");
        if store.certificate(&number).is_ok() {
            break;
        }
        assert!(started.elapsed() < patience, "the award did not come down");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // The sync screen counts the star received.
    let started = Instant::now();
    while !text_of(&client, "[data-testid=sync-report]")
        .await
        .contains("bintang diterima 1")
    {
        assert!(
            started.elapsed() < patience,
            "the report does not count the star"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    click(&client, "[data-testid=nav-producers]").await;
    click(&client, "[data-testid=producer-row]").await;
    // The assessment says where it went; the dodol's says nothing.
    let went = text_of(
        &client,
        &format!(
            "[data-testid=product-row][data-id='{}'] [data-testid=product-assessment-forwarded]",
            session.proposed_product
        ),
    )
    .await;
    assert_eq!(went, "Diusulkan ke Provinsi");
    let dodol = format!(
        "[data-testid=product-row][data-id='{}']",
        session.other_product
    );
    wait_for_css(&client, &dodol).await;
    assert!(
        client
            .find(fantoccini::Locator::Css(&format!(
                "{dodol} [data-testid=product-assessment-forwarded]"
            )))
            .await
            .is_err(),
        "the three-star product was not forwarded"
    );
    // The dodol stays at three stars: the officer makes its coaching plan from its sheet's
    // steps (the first three, ticked).
    click(&client, &format!("{dodol} [data-testid=coaching-start]")).await;
    wait_for_css(&client, &format!("{dodol} [data-testid=coaching-step]")).await;
    click(&client, &format!("{dodol} [data-testid=coaching-save]")).await;
    wait_count(
        &client,
        &format!("{dodol} [data-testid=coaching-action]"),
        3,
    )
    .await;
    let actions = client
        .find_all(fantoccini::Locator::Css(&format!(
            "{dodol} [data-testid=coaching-action]"
        )))
        .await
        .expect("the plan's actions");
    let mut ids = Vec::new();
    for row in &actions {
        ids.push(row.attr("data-id").await.expect("attr").expect("an id"));
    }
    // After the plan is made the officer changes its second action: a packaging partner takes
    // it, and it was due yesterday, so it is overdue from now on.
    let second = format!(
        "{dodol} [data-testid=coaching-action][data-id='{}']",
        ids[1]
    );
    let yesterday = ovop_core::validity::parse_day(&today)
        .and_then(|d| d.previous_day())
        .map(ovop_core::validity::format_day)
        .expect("yesterday");
    click(&client, &format!("{second} [data-testid=coaching-edit]")).await;
    wait_for_css(&client, &format!("{second} [data-testid=action-support]"))
        .await
        .select_by_value("packaging")
        .await
        .expect("support");
    wait_for_css(&client, &format!("{second} [data-testid=action-owner]"))
        .await
        .select_by_value("partner")
        .await
        .expect("owner");
    type_into(
        &client,
        &format!("{second} [data-testid=action-owner-name]"),
        "Rumah Kemasan Banjarbaru",
    )
    .await;
    set_value(
        &client,
        &format!("{second} [data-testid=action-due]"),
        &yesterday,
    )
    .await;
    type_into(
        &client,
        &format!("{second} [data-testid=action-notes]"),
        "Desain label dan kemasan standing pouch",
    )
    .await;
    click(&client, &format!("{second} [data-testid=action-save]")).await;
    wait_for_text(
        &client,
        &format!("{second} [data-testid=coaching-action-due]"),
        "lewat tenggat",
    )
    .await;

    // Two follow-up visits: the first finds the first action done and leaves a photo of the
    // new label; the second finds the packaging under way.
    record_visit(
        &client,
        &dodol,
        &ids[0],
        "done",
        "Label baru sudah dicetak",
        1,
    )
    .await;
    let picture = opener.path().join("label-baru.png");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots/criteria-ocop-id.png"),
        &picture,
    )
    .expect("copy picture");
    wait_for_css(
        &client,
        &format!("{dodol} [data-testid=coaching-visit-row] [data-testid=photo-input]"),
    )
    .await
    .send_keys(picture.to_str().expect("utf-8 path"))
    .await
    .expect("choose the picture");
    wait_for_css(
        &client,
        &format!("{dodol} [data-testid=coaching-visit-row] [data-testid=photo-thumb]"),
    )
    .await;
    wait_for_css(
        &client,
        &format!(
            "{dodol} [data-testid=coaching-action][data-id='{}'][data-progress=done]",
            ids[0]
        ),
    )
    .await;
    record_visit(
        &client,
        &dodol,
        &ids[1],
        "in_progress",
        "Contoh kemasan dari mitra sudah ada",
        2,
    )
    .await;
    wait_for_css(&client, &format!("{second}[data-progress=in_progress]")).await;

    // The home screen lists the overdue action.
    click(&client, "[data-testid=nav-home]").await;
    wait_for_text(&client, "[data-testid=due-row]", "Dodol Nanas").await;

    // The office sees none of it yet.
    let before = recap(&url, &token).await;
    assert_eq!(before["overdue"], json!([]), "{before}");
    let page = dashboard_page(&url, "/dashboard/office").await;
    assert!(page.contains("id=\"no-overdue\""), "{page}");

    // "Sync now": the first push of the plan and the visits is cut after 700 bytes (the link
    // drops); the laptop tries again and everything arrives once.
    proxy.add(rule("POST /v1/push", Fault::CutRequestAfter(700), 1));
    proxy.drop_connections();
    click(&client, "[data-testid=nav-sync]").await;
    let started = Instant::now();
    let mut asked = Instant::now() - Duration::from_secs(60);
    let after = loop {
        if asked.elapsed() > Duration::from_secs(15) {
            click(&client, "[data-testid=sync-now]").await;
            asked = Instant::now();
        }
        let now = recap(&url, &token).await;
        if now["overdue"].as_array().is_some_and(|o| !o.is_empty())
            && now["officers"][0]["visits"] == json!(2)
        {
            break now;
        }
        assert!(
            started.elapsed() < patience,
            "the coaching did not arrive: {now}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(
        proxy.rules_left(),
        0,
        "the push was cut once: {:?}",
        proxy.requests.lock().map(|r| r.clone())
    );
    let rina = after["officers"]
        .as_array()
        .and_then(|o| o.iter().find(|w| w["name"] == "rina"))
        .expect("rina's work");
    assert_eq!(rina["visits"], 2, "{after}");
    assert_eq!(rina["open_actions"], 2, "{after}");
    assert_eq!(rina["overdue_actions"], 1, "{after}");
    let overdue = &after["overdue"][0];
    assert_eq!(overdue["id"], ids[1], "{after}");
    assert_eq!(overdue["support"], "packaging", "{after}");
    assert_eq!(overdue["due"], yesterday.as_str(), "{after}");
    assert_eq!(overdue["progress"], "in_progress", "{after}");
    assert_eq!(overdue["product"], "Dodol Nanas", "{after}");
    let page = dashboard_page(&url, "/dashboard/office").await;
    assert!(
        page.contains(&format!("data-action=\"{}\"", ids[1])) && !page.contains("no-overdue"),
        "{page}"
    );
    // The visit's photo came with it, whole.
    let (photos, kept) = {
        let store = ovop_store::Store::open(&store_path).expect("store");
        let visits = store.visits_of(&session.other_product).expect("visits");
        let photos = visits
            .iter()
            .flat_map(|v| store.photos("coaching_visit", &v.id).expect("photos"))
            .collect::<Vec<_>>();
        assert_eq!(photos.len(), 1);
        let kept = store.photo_bytes(&photos[0].sha256).expect("the photo");
        (photos, kept)
    };
    let blob = dashboard_bytes(&url, &format!("/dashboard/blobs/{}", photos[0].sha256)).await;
    assert_eq!(blob.len(), photos[0].size as usize);
    assert_eq!(blob, kept);

    // The plan, a visit and the due list in the three languages; a sent visit takes no more
    // photos.
    for lang in ["en", "vi", "id"] {
        switch_language(&client, lang).await;
        click(&client, "[data-testid=nav-home]").await;
        wait_for_css(&client, "[data-testid=due-row]").await;
        save_screenshot(&client, &format!("coaching-due-{lang}.png")).await;
        click(&client, "[data-testid=nav-producers]").await;
        click(&client, "[data-testid=producer-row]").await;
        wait_for_css(
            &client,
            &format!("{dodol} [data-testid=coaching-visit-row][data-takes-photos=false]"),
        )
        .await;
        let plan = wait_for_css(&client, &format!("{dodol} [data-testid=coaching-plan]")).await;
        scroll_to(&client, &plan, "start").await;
        save_screenshot(&client, &format!("coaching-plan-{lang}.png")).await;
        click(&client, &format!("{dodol} [data-testid=coaching-visit]")).await;
        let form = wait_for_css(
            &client,
            &format!("{dodol} [data-testid=coaching-visit-form]"),
        )
        .await;
        scroll_to(&client, &form, "center").await;
        save_screenshot(&client, &format!("coaching-visit-{lang}.png")).await;
        click(&client, &format!("{dodol} [data-testid=visit-cancel]")).await;
    }
    client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .expect("scroll back");
    let award = wait_for_css(&client, "[data-testid=product-award][data-current=true]").await;
    let text = award.text().await.expect("text");
    assert!(
        text.contains(&number) && text.contains("Bintang yang berlaku"),
        "{text}"
    );
    save_screenshot(&client, "certificate-id.png").await;

    // The batch as it went up, printed from the crisps' sheet: its cover, the session's minutes,
    // then the crisps' sheet alone.
    let batch = forwarded["id"].as_i64().expect("the batch's number");
    let printed = print_paper(&client, &assessment, "forwarded", &opened, 2).await;
    assert_eq!(
        printed.file_name().and_then(|n| n.to_str()),
        Some(format!("usulan-{batch}-provinsi.pdf").as_str())
    );
    let text = pdf_text(&printed);
    for expected in [
        format!("Diusulkan ke Provinsi · berkas {batch}"),
        "BERITA ACARA RAPAT DEWAN PENILAI".to_string(),
        "Keripik Pisang Kepok".to_string(),
        "9120001234567".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected}: {text}");
    }
    click(&client, "[data-testid=nav-producers]").await;
    click(&client, "[data-testid=producer-row]").await;

    // 35 months on (the clock the app is given): the certificate lapses within 90 days.
    client.close().await.expect("close the session");
    drop(driver);
    let until = ovop_core::validity::parse_day(&valid_until).expect("a day");
    let later = ovop_core::validity::parse_day(&today)
        .and_then(|d| ovop_core::validity::add_months_of(d, 35))
        .expect("35 months on");
    assert!(later <= until && (until - later).whole_days() <= 90);
    std::env::set_var("OVOP_TODAY", ovop_core::validity::format_day(later));
    let (_driver, client, _) = start(data_home.path(), PORT).await;
    for lang in ["id", "en", "vi"] {
        switch_language(&client, lang).await;
        click(&client, "[data-testid=nav-home]").await;
        let row = wait_for_css(&client, "[data-testid=lapsing-row]").await;
        let text = row.text().await.expect("text");
        assert!(
            text.contains("Keripik Pisang Kepok") && text.contains(&number),
            "{lang}: {text}"
        );
        save_screenshot(&client, &format!("lapsing-{lang}.png")).await;
        // The product's certificate, lapsing, in English and Vietnamese (Indonesian, current,
        // above).
        let lapses = match lang {
            "en" => "lapses in",
            "vi" => "hết hạn sau",
            _ => continue,
        };
        click(&client, "[data-testid=nav-producers]").await;
        click(&client, "[data-testid=producer-row]").await;
        let standing = text_of(&client, "[data-testid=award-standing]").await;
        assert!(standing.starts_with(lapses), "{lang}: {standing}");
        save_screenshot(&client, &format!("certificate-{lang}.png")).await;
        click(&client, "[data-testid=nav-home]").await;
        wait_for_css(&client, "[data-testid=lapsing-row]").await;
    }
    // From the list, a re-assessment of the product starts.
    click(&client, "[data-testid=lapsing-reassess]").await;
    let kind = wait_for_css(&client, "[data-testid=assess-kind]").await;
    let chosen = kind.prop("value").await.expect("value");
    assert_eq!(chosen.as_deref(), Some("reassessment"));
    save_screenshot(&client, "reassess-vi.png").await;
    // The re-assessment starts with the dossier of the first: nothing ticked as shown yet, the
    // halal certificate that lapsed in mid-2028 marked.
    click(&client, "[data-testid=assess-start]").await;
    wait_for_css(&client, "[data-testid=dossier-carried]").await;
    let nib = wait_for_css(
        &client,
        "[data-testid=dossier-row][data-kind=nib] [data-testid=dossier-number]",
    )
    .await;
    assert_eq!(
        nib.prop("value").await.expect("value").as_deref(),
        Some("9120001234567")
    );
    let ticked = wait_for_css(
        &client,
        "[data-testid=dossier-row][data-kind=nib] [data-testid=dossier-present]",
    )
    .await
    .is_selected()
    .await
    .expect("checked");
    assert!(
        !ticked,
        "a carried document is ticked only when shown again"
    );
    wait_for_css(
        &client,
        "[data-testid=dossier-row][data-kind=halal] [data-testid=dossier-expired]",
    )
    .await;
    // The picture shows the dossier from its title: the words on what was carried over first.
    let dossier = wait_for_css(&client, "[data-testid=dossier]").await;
    scroll_to(&client, &dossier, "start").await;
    save_screenshot(&client, "dossier-carried-vi.png").await;
    client.close().await.expect("close the session");
    server.shutdown(Duration::from_secs(2)).await;
}

/// Records a follow-up visit of the product card `card` that finds `action` at `progress`,
/// with `notes`; waits until the card lists `visits` visits.
async fn record_visit(
    client: &fantoccini::Client,
    card: &str,
    action: &str,
    progress: &str,
    notes: &str,
    visits: usize,
) {
    click(client, &format!("{card} [data-testid=coaching-visit]")).await;
    wait_for_css(
        client,
        &format!(
            "{card} [data-testid=visit-action][data-id='{action}'] [data-testid=visit-progress]"
        ),
    )
    .await
    .select_by_value(progress)
    .await
    .expect("the action's progress");
    type_into(client, &format!("{card} [data-testid=visit-notes]"), notes).await;
    click(client, &format!("{card} [data-testid=visit-save]")).await;
    wait_count(
        client,
        &format!("{card} [data-testid=coaching-visit-row]"),
        visits,
    )
    .await;
}

/// Waits until `css` matches exactly `n` elements.
async fn wait_count(client: &fantoccini::Client, css: &str, n: usize) {
    let started = Instant::now();
    loop {
        let found = client
            .find_all(fantoccini::Locator::Css(css))
            .await
            .map_or(0, |rows| rows.len());
        if found == n {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{css}: {found} found, {n} expected; the page says: {}",
            text_of(client, "body").await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sets a date field as the date picker would (typing into one depends on the locale's order).
async fn set_value(client: &fantoccini::Client, css: &str, value: &str) {
    let field = wait_for_css(client, css).await;
    client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![
                serde_json::to_value(&field).expect("element reference"),
                json!(value),
            ],
        )
        .await
        .expect("set the value");
}

/// The office's recap of Tapin (this year to today), as its supervisor reads it.
async fn recap(url: &str, token: &str) -> serde_json::Value {
    let answer = reqwest::Client::new()
        .get(format!("{url}/v1/office/recap?region=63.05"))
        .bearer_auth(token)
        .send()
        .await
        .expect("recap");
    assert_eq!(answer.status(), 200);
    answer.json().await.expect("json")
}

/// A dashboard page's bytes, fetched with the supervisor's signed-in session.
async fn dashboard_bytes(url: &str, path: &str) -> Vec<u8> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let signed = http
        .post(format!("{url}/login"))
        .header(reqwest::header::ORIGIN, url)
        .form(&[
            ("user", "sari"),
            ("password", "rahasia-sari-1"),
            ("next", path),
        ])
        .send()
        .await
        .expect("sign in");
    let status = signed.status();
    let cookie = signed
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ovop_session="))
        .and_then(|v| v.split(';').next())
        .map(String::from);
    let Some(cookie) = cookie else {
        panic!(
            "signing in answered {status} without a session: {}",
            signed.text().await.unwrap_or_default()
        );
    };
    let page = http
        .get(format!("{url}{path}"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .expect("the page");
    assert_eq!(page.status(), 200, "{path}");
    page.bytes().await.expect("bytes").to_vec()
}

async fn dashboard_page(url: &str, path: &str) -> String {
    String::from_utf8(dashboard_bytes(url, path).await).expect("utf-8")
}

/// Opens an assessment from its product's list, prints its paper of `kind` and returns the file
/// the desktop's opener was given (the `nth` handed to it).
async fn print_paper(
    client: &fantoccini::Client,
    assessment: &str,
    kind: &str,
    log: &std::path::Path,
    nth: usize,
) -> std::path::PathBuf {
    click(
        client,
        &format!("[data-testid=product-assessment][data-id='{assessment}']"),
    )
    .await;
    wait_for_css(client, "[data-testid=sheet-kind]")
        .await
        .select_by_value(kind)
        .await
        .expect("choose the paper");
    click(client, "[data-testid=sheet-print]").await;
    opened_pdf(client, log, nth).await
}
