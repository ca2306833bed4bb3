//! End-to-end: a council's session, a star certificate from the office to the real window, and
//! back to the field. A regency council of three has scored two products in round 2026 · I (the
//! crisps four stars, the dodol three); the officer prints the session's minutes from the
//! window; the laptop sends both final assessments to a real server; the supervisor approves
//! them, forwards the four-star one to the province (the three-star one is refused: it is not
//! proposed) and records a decision awarding four stars; "Sync now" brings the award, its signed
//! certificate and the office's key; the product shows its current star and prints the
//! certificate. Then the clock the app is given moves 35 months on (`OVOP_TODAY`; the engine
//! never reads a clock): the home screen lists the certificate as lapsing, in Indonesian,
//! English and Vietnamese, and "Start re-assessment" opens the product with a re-assessment's
//! start, which begins with the first assessment's dossier (not ticked as shown, the lapsed
//! halal certificate marked). Needs what `e2e_window.rs` needs (Xvfb, tauri-driver,
//! WebKitWebDriver) and poppler's `pdftotext`.

#[path = "support/driver.rs"]
mod driver;

use std::time::{Duration, Instant};

use driver::{
    click, office_token, save_screenshot, seed_council_session, start, tapin_office, text_of,
    type_into, wait_for_css, wait_present,
};
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
    let opener = tempfile::tempdir().expect("opener folder");
    let opened = opener.path().join("opened.txt");
    let script = opener.path().join("xdg-open");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$OVOP_OPENED_LOG\"\n",
    )
    .expect("opener");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    std::env::set_var("OVOP_OPENED_LOG", &opened);
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::set_var("PATH", format!("{}:{path}", opener.path().display()));

    let server_dir = tempfile::tempdir().expect("server folder");
    let server = tapin_office(server_dir.path()).await;
    let url = server.url();
    // The laptop is enrolled already (the enrolment in the window is `e2e_sync`'s story).
    let data_dir = data_home.path().join("org.ovopfield.app");
    ovop_app::sync::enrol::enrol(
        &data_dir,
        Some(url.clone()),
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
    // steps (the first three, ticked), then records a visit that finds the first one done.
    click(&client, &format!("{dodol} [data-testid=coaching-start]")).await;
    wait_for_css(&client, &format!("{dodol} [data-testid=coaching-step]")).await;
    click(&client, &format!("{dodol} [data-testid=coaching-save]")).await;
    let started = Instant::now();
    while client
        .find_all(fantoccini::Locator::Css(&format!(
            "{dodol} [data-testid=coaching-action]"
        )))
        .await
        .map_or(0, |rows| rows.len())
        < 3
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the plan's three actions did not show: {}",
            text_of(&client, &dodol).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    click(&client, &format!("{dodol} [data-testid=coaching-visit]")).await;
    wait_for_css(&client, &format!("{dodol} [data-testid=visit-progress]"))
        .await
        .select_by_value("done")
        .await
        .expect("done");
    type_into(
        &client,
        &format!("{dodol} [data-testid=visit-notes]"),
        "Label baru sudah dicetak",
    )
    .await;
    click(&client, &format!("{dodol} [data-testid=visit-save]")).await;
    wait_for_css(
        &client,
        &format!("{dodol} [data-testid=coaching-visit-row]"),
    )
    .await;
    wait_for_css(
        &client,
        &format!("{dodol} [data-testid=coaching-action][data-progress=done]"),
    )
    .await;
    let plan = wait_for_css(&client, &format!("{dodol} [data-testid=coaching-plan]")).await;
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(&plan).expect("element reference")],
        )
        .await
        .expect("scroll");
    save_screenshot(&client, "coaching-plan-id.png").await;
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
        wait_for_css(&client, "[data-testid=lang-switch]")
            .await
            .select_by_value(lang)
            .await
            .expect("switch language");
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
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'start'})",
            vec![serde_json::to_value(&dossier).expect("element reference")],
        )
        .await
        .expect("scroll");
    save_screenshot(&client, "dossier-carried-vi.png").await;
    client.close().await.expect("close the session");
    server.shutdown(Duration::from_secs(2)).await;
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

/// The file the app handed to the desktop's opener the `nth` time (from 1), once it has.
async fn opened_pdf(
    client: &fantoccini::Client,
    log: &std::path::Path,
    nth: usize,
) -> std::path::PathBuf {
    let started = Instant::now();
    loop {
        if let Some(line) = std::fs::read_to_string(log)
            .ok()
            .and_then(|t| t.lines().nth(nth - 1).map(String::from))
        {
            return std::path::PathBuf::from(line);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nothing was opened (time {nth}); the page says: {}",
            text_of(client, "body").await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The text of a PDF, as poppler reads it (layout kept, so one line of the page is one line).
fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
