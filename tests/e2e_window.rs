//! End-to-end: the real app window under Xvfb, driven through `tauri-driver` and WebKitWebDriver.
//!
//! Needs a display (`xvfb-run`), `tauri-driver` on PATH (or in ~/.cargo/bin) and
//! `WebKitWebDriver` (Debian's webkit2gtk-driver). The README's test command provides all three.
//! Screenshots go to `target/e2e-artifacts/` for a person to look at.

// The window is WebKitGTK driven through WebKitWebDriver: Linux only (README, "Windows").
#![cfg(target_os = "linux")]

#[path = "support/driver.rs"]
mod driver;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use driver::{
    app_pid, click_centred as click, finalize_in_window, save_screenshot, score_every_criterion,
    seed_draft, start, switch_language, text_of, type_into, wait_for_attr, wait_for_css,
    wait_for_text, wait_gone, Pick,
};
use fantoccini::{Client, Locator};
use serde_json::json;

/// Each test runs its own tauri-driver on its own pair of ports (the driver's and, one above,
/// WebKitWebDriver's), so the tests can run side by side.
const CRITERIA_PORT: u16 = 4444;
const VISIT_PORT: u16 = 4454;
const SCORING_PORT: u16 = 4464;

/// An office's imported set: the template under another id, installed where `ovop criteria
/// import` puts it.
fn install_imported_set(data_home: &Path) {
    let shipped =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/criteria/sets/ovop-id-template.json");
    let mut set: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shipped).expect("template")).expect("json");
    set["id"] = json!("ovop-tapin-2026");
    set["name"] = json!({ "id": "Lembar Penilaian OVOP Kabupaten Tapin" });
    let dir = data_home.join("org.ovopfield.app/criteria");
    std::fs::create_dir_all(&dir).expect("criteria folder");
    std::fs::write(
        dir.join("ovop-tapin-2026.json"),
        serde_json::to_string(&set).expect("encode"),
    )
    .expect("write");
    std::fs::write(dir.join("broken.json"), "{ \"format\": 1, ").expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn criteria_screen_shows_every_set_and_reads_vietnamese_and_indonesian_sheets() {
    let data_home = tempfile::tempdir().expect("temp data folder");
    install_imported_set(data_home.path());
    let (_driver, client, launched) = start(data_home.path(), CRITERIA_PORT).await;

    // The app opens on the home screen, the criteria are one click away.
    wait_for_css(&client, "[data-testid=home-drafts]").await;
    eprintln!(
        "home screen on display {} ms after launch",
        launched.elapsed().as_millis()
    );
    wait_for_css(&client, "[data-testid=nav-criteria]")
        .await
        .click()
        .await
        .expect("open the criteria");

    // The list: 25 OCOP sheets, the OVOP template and the imported set; the broken file is not
    // listed and did not stop the app.
    wait_for_css(
        &client,
        "[data-testid=criteria-row][data-id='ovop-id-template']",
    )
    .await;
    wait_for_css(&client, "[data-testid=sheet] [data-testid=criterion]").await;
    eprintln!(
        "window usable (list and first sheet on screen) {} ms after launch",
        launched.elapsed().as_millis()
    );
    let rows = client
        .find_all(Locator::Css("[data-testid=criteria-row]"))
        .await
        .expect("rows");
    assert_eq!(
        rows.len(),
        27,
        "25 OCOP sets, the OVOP template and the imported set"
    );
    let ocop = client
        .find_all(Locator::Css(
            "[data-testid=criteria-row][data-id^='ocop-1048-']",
        ))
        .await
        .expect("rows");
    assert_eq!(ocop.len(), 25);
    wait_for_css(
        &client,
        "[data-testid=criteria-row][data-id='ovop-tapin-2026']",
    )
    .await;

    // A Vietnamese sheet, diacritics intact.
    wait_for_css(
        &client,
        "[data-testid=criteria-row][data-id='ocop-1048-02']",
    )
    .await
    .click()
    .await
    .expect("click");
    wait_for_css(&client, "[data-testid=sheet][data-id='ocop-1048-02']").await;
    let sheet = text_of(&client, "[data-testid=sheet]").await;
    for expected in [
        "Gia tăng giá trị",
        "Nguồn nguyên liệu",
        "Sử dụng nguyên liệu có nguồn gốc trong tỉnh dưới 50%",
        "Sự tham gia của cộng đồng trong quản lý, điều hành",
        "Có câu chuyện riêng, thể hiện trí tuệ/bản sắc địa phương",
    ] {
        assert!(
            sheet.contains(expected),
            "the OCOP sheet lacks {expected:?}"
        );
    }
    let criteria = client
        .find_all(Locator::Css("[data-testid=sheet] [data-testid=criterion]"))
        .await
        .expect("criteria");
    assert_eq!(criteria.len(), 31, "the cereal sheet has 31 criteria");
    let story = text_of(&client, "[data-testid=criterion][data-code='5.2']").await;
    assert!(
        story.contains("5.1"),
        "5.2 says it applies only when 5.1 scored: {story}"
    );
    save_screenshot(&client, "criteria-ocop-id.png").await;

    // The Indonesian template.
    wait_for_css(
        &client,
        "[data-testid=criteria-row][data-id='ovop-id-template']",
    )
    .await
    .click()
    .await
    .expect("click");
    wait_for_css(&client, "[data-testid=sheet][data-id='ovop-id-template']").await;
    let title = text_of(&client, "[data-testid=sheet-title]").await;
    assert!(title.contains("OVOP"), "template title: {title}");
    let sheet = text_of(&client, "[data-testid=sheet]").await;
    assert!(
        sheet.contains("Produksi"),
        "the template's Indonesian text is shown"
    );
    let levels = client
        .find_all(Locator::Css("[data-testid=sheet] [data-testid=level]"))
        .await
        .expect("levels");
    assert!(
        levels.len() >= 30,
        "every level of the template is on screen, found {}",
        levels.len()
    );
    save_screenshot(&client, "criteria-ovop-id.png").await;

    // English UI, same sheet.
    switch_language(&client, "en").await;
    let search = wait_for_css(&client, "[data-testid=search]").await;
    let placeholder = search
        .attr("placeholder")
        .await
        .expect("placeholder")
        .unwrap_or_default();
    assert!(
        !placeholder.is_empty() && !placeholder.contains("Cari"),
        "the search box speaks English: {placeholder:?}"
    );
    save_screenshot(&client, "criteria-ovop-en.png").await;

    // Vietnamese UI on a Vietnamese sheet: the set's own language, no fallback.
    switch_language(&client, "vi").await;
    // The list keeps its scroll across the switch: the row is brought into view first.
    click(
        &client,
        "[data-testid=criteria-row][data-id='ocop-1048-06']",
    )
    .await;
    wait_for_css(&client, "[data-testid=sheet][data-id='ocop-1048-06']").await;
    let title = text_of(&client, "[data-testid=sheet-title]").await;
    assert!(
        title.contains("Cà phê"),
        "the Vietnamese name of the coffee sheet: {title}"
    );
    save_screenshot(&client, "criteria-ocop-vi.png").await;

    client.close().await.expect("close the session");
}

const VILLAGE: &str = "63.05.04.2007";
const VILLAGE_NAME: &str = "jingah babaris";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_registers_a_producer_and_a_product_with_photos_that_outlive_a_restart() {
    let data_home = tempfile::tempdir().expect("temp data folder");
    let files = tempfile::tempdir().expect("temp files");
    // A real picture (one of the README's screenshots) and a text file named like a photo.
    let picture = files.path().join("keripik.png");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots/criteria-ocop-id.png"),
        &picture,
    )
    .expect("copy picture");
    let fake = files.path().join("catatan.jpg");
    std::fs::write(&fake, "bukan foto, hanya catatan").expect("write fake photo");

    {
        let (_driver, client, launched) = start(data_home.path(), VISIT_PORT).await;

        // Home: nothing assessed yet, and where the region data comes from.
        // (A tile shows "–" until the store answers.)
        assert_eq!(
            wait_for_text(&client, "[data-testid=home-drafts]", "0").await,
            "0"
        );
        assert_eq!(
            wait_for_text(&client, "[data-testid=home-waiting]", "0").await,
            "0"
        );
        let about = text_of(&client, "[data-testid=about]").await;
        assert!(about.contains("ODbL"), "the region data's licence: {about}");
        eprintln!(
            "home screen with its counts {} ms after launch",
            launched.elapsed().as_millis()
        );
        save_screenshot(&client, "visit-home.png").await;

        // The village, found by name without its prefix (the regions are imported in the
        // background on a first start: the search waits for them).
        click(&client, "[data-testid=nav-regions]").await;
        type_into(&client, "[data-testid=region-search]", VILLAGE_NAME).await;
        click(
            &client,
            &format!("[data-testid=region-result][data-code='{VILLAGE}']"),
        )
        .await;
        save_screenshot(&client, "visit-region.png").await;

        // A new producer there, in a few fields.
        click(&client, "[data-testid=producer-new]").await;
        wait_for_css(&client, "[data-testid=producer-form]").await;
        type_into(
            &client,
            "[data-testid=producer-name]",
            "KWT Melati Sejahtera",
        )
        .await;
        click(&client, "[data-testid=producer-save]").await;
        wait_for_text(
            &client,
            "[data-testid=producer-title]",
            "KWT Melati Sejahtera",
        )
        .await;

        // Its product, then two files: the picture is kept, the text file is refused in words.
        click(&client, "[data-testid=product-new]").await;
        type_into(
            &client,
            "[data-testid=product-name]",
            "Keripik Pisang Kepok",
        )
        .await;
        click(&client, "[data-testid=product-save]").await;
        wait_for_text(&client, "[data-testid=product-row]", "Keripik Pisang Kepok").await;
        let input = wait_for_css(
            &client,
            "[data-testid=product-row] [data-testid=photo-input]",
        )
        .await;
        input
            .send_keys(picture.to_str().expect("utf-8 path"))
            .await
            .expect("choose the picture");
        wait_for_css(
            &client,
            "[data-testid=product-row] [data-testid=photo-thumb]",
        )
        .await;
        let input = wait_for_css(
            &client,
            "[data-testid=product-row] [data-testid=photo-input]",
        )
        .await;
        input
            .send_keys(fake.to_str().expect("utf-8 path"))
            .await
            .expect("choose the fake photo");
        let refusal = text_of(&client, "[data-testid=photo-error]").await;
        assert!(
            refusal.contains("catatan.jpg") && !refusal.contains("photo.unreadable"),
            "the refusal names the file and says why in words: {refusal}"
        );
        save_screenshot(&client, "visit-producer.png").await;
        client.close().await.expect("close the session");
    }

    // Closed and opened again: the producer, the product and its photo are all there, and the
    // product is found by a search.
    let (_driver, client, _) = start(data_home.path(), VISIT_PORT).await;
    click(&client, "[data-testid=nav-producers]").await;
    type_into(&client, "[data-testid=product-search]", "keripik kepok").await;
    click(&client, "[data-testid=product-hit]").await;
    wait_for_text(
        &client,
        "[data-testid=producer-title]",
        "KWT Melati Sejahtera",
    )
    .await;
    let thumbs = client
        .find_all(Locator::Css("[data-testid=photo-thumb]"))
        .await
        .expect("thumbnails");
    assert_eq!(
        thumbs.len(),
        1,
        "one photo kept, the refused file not stored"
    );
    // The thumbnail comes from the photo scheme and really draws (the scheme answers and the
    // content policy lets it in).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let drawn = client
            .execute(
                "const img = document.querySelector(\"[data-testid='photo-thumb']\"); return [img.src, img.complete && img.naturalWidth];",
                vec![],
            )
            .await
            .expect("script");
        if drawn[1].as_u64().is_some_and(|w| w > 0) {
            assert!(
                drawn[0]
                    .as_str()
                    .is_some_and(|src| src.starts_with("photo://")),
                "{drawn}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the thumbnail never drew: {drawn}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The whole data onto a USB drive, then back from it: the file is checked and what it
    // brings is shown against the laptop before anything is replaced.
    let usb = files.path().join("usb");
    std::fs::create_dir_all(&usb).expect("usb folder");
    click(&client, "[data-testid=nav-settings]").await;
    type_into(
        &client,
        "[data-testid=archive-folder]",
        usb.to_str().expect("utf-8 path"),
    )
    .await;
    click(&client, "[data-testid=archive-write]").await;
    wait_for_text(&client, "[data-testid=archive-written]", ".ovopbak").await;
    let written: Vec<PathBuf> = std::fs::read_dir(&usb)
        .expect("usb")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    type_into(
        &client,
        "[data-testid=archive-file]",
        written[0].to_str().expect("utf-8 path"),
    )
    .await;
    click(&client, "[data-testid=archive-check]").await;
    let dialog = wait_for_css(&client, "[data-testid=archive-restore-dialog]").await;
    let text = dialog.text().await.expect("text");
    assert!(text.contains("Produsen"), "{text}");
    let counts = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=archive-backup-count]')].map(c => c.textContent.trim());",
            vec![],
        )
        .await
        .expect("counts");
    assert_eq!(counts, serde_json::json!(["1", "1", "0", "1"]));
    save_screenshot(&client, "archive-restore-id.png").await;
    click(&client, "[data-testid=archive-restore-confirm]").await;
    wait_for_css(&client, "[data-testid=archive-restored]").await;
    click(&client, "[data-testid=archive-restore-done]").await;
    click(&client, "[data-testid=nav-producers]").await;
    type_into(&client, "[data-testid=product-search]", "keripik kepok").await;
    click(&client, "[data-testid=product-hit]").await;
    wait_for_css(&client, "[data-testid=photo-thumb]").await;
    assert!(
        std::fs::read_dir(data_home.path().join("org.ovopfield.app"))
            .expect("data folder")
            .any(|e| e
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .contains("before-restore")),
        "the replaced database is kept"
    );
    client.close().await.expect("close the session");
}

/// Keys to whatever has the focus, as a person types them.
async fn press(client: &Client, keys: &str) {
    client
        .active_element()
        .await
        .expect("the focused element")
        .send_keys(keys)
        .await
        .expect("keys");
}

/// The code of the criterion that has the keyboard focus.
async fn focused_criterion(client: &Client) -> Option<String> {
    client
        .execute(
            "return document.activeElement?.closest(\"[data-testid='a-criterion']\")?.dataset.code ?? null",
            vec![],
        )
        .await
        .expect("script")
        .as_str()
        .map(str::to_string)
}

const ARROW_DOWN: &str = "\u{E015}";
const ARROW_UP: &str = "\u{E013}";

async fn wait_for_focus(client: &Client, code: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let focused = focused_criterion(client).await;
        if focused.as_deref() == Some(code) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the focus should be on {code}, it is on {focused:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoring_by_keyboard_survives_a_killed_app_then_is_finalised_and_corrected() {
    let data_home = tempfile::tempdir().expect("temp data folder");
    let id = seed_draft(data_home.path()).assessment;
    let row = format!("[data-testid=home-draft-row][data-id='{id}']");

    // Half the sheet by keyboard: "3" eleven times (each choice moves on to the next criterion
    // left to answer).
    {
        let (_driver, client, _) = start(data_home.path(), SCORING_PORT).await;
        click(&client, &row).await;
        wait_for_css(
            &client,
            &format!("[data-testid=assessment-screen][data-id='{id}']"),
        )
        .await;
        // A new sheet opens with the first criterion in focus; ↓ and ↑ move between criteria.
        wait_for_focus(&client, "1.1").await;
        press(&client, ARROW_DOWN).await;
        wait_for_focus(&client, "1.2").await;
        press(&client, ARROW_UP).await;
        wait_for_focus(&client, "1.1").await;
        for _ in 0..11 {
            press(&client, "3").await;
        }
        wait_for_text(&client, "[data-testid=a-total]", "33").await;
        wait_for_attr(&client, "[data-testid=save-state]", "data-state", "saved").await;
        wait_for_focus(&client, "4.2").await;
        save_screenshot(&client, "scoring-half.png").await;

        // The battery dies: the process is killed, nothing is closed properly.
        let pid = app_pid(data_home.path()).expect("the app's process");
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let _ = client.close().await;
    }

    // Reopened: the same sheet, the eleven answers, the focus where it was.
    let (_driver, client, _) = start(data_home.path(), SCORING_PORT).await;
    wait_for_css(
        &client,
        &format!("[data-testid=assessment-screen][data-id='{id}']"),
    )
    .await;
    assert_eq!(
        text_of(&client, "[data-testid=a-total]")
            .await
            .split_whitespace()
            .next(),
        Some("33")
    );
    let chosen = client
        .find_all(Locator::Css("[data-testid=a-level][aria-pressed=true]"))
        .await
        .expect("chosen levels");
    assert_eq!(chosen.len(), 11, "every answer given before the kill");
    wait_for_focus(&client, "4.2").await;

    // The rest of the sheet and the gates, then review and finalise.
    for _ in 0..11 {
        press(&client, "3").await;
    }
    wait_for_text(&client, "[data-testid=a-total]", "66").await;
    for gate in ["G1", "G2", "G3"] {
        click(
            &client,
            &format!("[data-testid=a-gate][data-code='{gate}'] [data-testid=a-gate-yes]"),
        )
        .await;
    }
    wait_for_attr(&client, "[data-testid=save-state]", "data-state", "saved").await;
    finalize_in_window(&client, Some("scoring-review.png")).await;
    let locked = client
        .find_all(Locator::Css("[data-testid=a-level]:not([disabled])"))
        .await
        .expect("levels");
    assert!(locked.is_empty(), "a final sheet cannot be changed");

    // A correction: a reason, then revision 2 as a draft.
    click(&client, "[data-testid=correct-open]").await;
    type_into(
        &client,
        "[data-testid=correct-reason]",
        "Salah pilih level pada 1.1",
    )
    .await;
    click(&client, "[data-testid=correct-confirm]").await;
    wait_for_attr(
        &client,
        "[data-testid=assessment-status]",
        "data-status",
        "draft",
    )
    .await;
    wait_for_text(&client, "[data-testid=assessment-revision]", "2").await;
    client.close().await.expect("close the session");

    // What the store holds: revision 1 final with its outbox row, revision 2 a draft.
    let store = ovop_store::Store::open(&data_home.path().join("org.ovopfield.app/ovop.sqlite"))
        .expect("store");
    let revisions = store.revisions(&id).expect("revisions");
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].status, "final");
    assert_eq!(revisions[0].result.as_ref().map(|r| r.total), Some(66));
    assert_eq!(revisions[1].status, "draft");
    let queued = store.outbox().expect("outbox");
    assert_eq!(
        queued.iter().filter(|e| e.kind == "assessment").count(),
        1,
        "{queued:?}"
    );
}

const TOUR_PORT: u16 = 4484;

/// A product with a final round from last year and a draft of this year half scored.
fn seed_history(data_home: &Path) -> String {
    let seeded = seed_draft(data_home);
    let mut store =
        ovop_store::Store::open(&data_home.join("org.ovopfield.app/ovop.sqlite")).expect("store");
    // The producer lives in Jingah Babaris (Tapin), found under the regency. A laptop in use:
    // the officer chose Indonesia on its first start.
    store.ensure_regions().expect("regions");
    store
        .choose_countries(&["ID".into()], "2025-10-01T08:00:00Z")
        .expect("Indonesia");
    let mut producer = store.producer(&seeded.producer).expect("producer");
    producer.village_code = Some("63.05.04.2007".into());
    store
        .save_producer(&producer, "2025-10-01T08:00:00Z")
        .expect("village");
    let catalog = ovop_core::catalog::Catalog::shipped();
    let rubric = &catalog
        .get("ovop-id-template", Some("2026.2"))
        .expect("the template")
        .rubric;
    let mut answers = store.assessment(&seeded.assessment).expect("draft").answers;
    let codes: Vec<String> = rubric.set().criteria().map(|c| c.code.clone()).collect();
    for (i, code) in codes.iter().enumerate() {
        let position = [2, 1, 2, 3, 2][i % 5];
        answers
            .answers
            .insert(code.clone(), ovop_core::Answer::Level(position));
    }
    for gate in ["G1", "G2", "G3"] {
        answers.gates.insert(gate.into(), true);
    }
    store
        .save_answers(&seeded.assessment, &answers, "2025-10-02T09:00:00Z")
        .expect("answers");
    let last_year = ovop_store::assessments::Visit {
        assessed_on: Some("2025-10-02".into()),
        assessors: vec![ovop_store::assessments::Assessor {
            name: "Ahmad Fauzi".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    store
        .set_visit(&seeded.assessment, &last_year, "2025-10-02T09:00:00Z")
        .expect("last year's visit");
    store
        .finalize(&seeded.assessment, "2025-10-02T10:00:00Z")
        .expect("final");
    let visit = ovop_store::assessments::Visit {
        assessed_on: Some("2026-11-23".into()),
        assessors: vec![ovop_store::assessments::Assessor {
            name: "Rina Wulandari".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let draft = store
        .new_assessment(&seeded.product, rubric, &visit, "2026-11-23T08:00:00Z")
        .expect("second round");
    for code in &codes[..12] {
        answers
            .answers
            .insert(code.clone(), ovop_core::Answer::Level(3));
    }
    answers.answers.retain(|code, _| codes[..12].contains(code));
    answers.gates.clear();
    store
        .save_answers(&draft, &answers, "2026-11-23T09:00:00Z")
        .expect("answers");
    draft
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_main_screen_reads_in_indonesian_english_and_vietnamese() {
    let data_home = tempfile::tempdir().expect("temp data folder");
    let draft = seed_history(data_home.path());
    // Enrolled with an office that is not on this network: the app stays usable, and the
    // enrolment moves with the data.
    let enrolment = ovop_app::sync::token::Enrolment {
        server: "http://127.0.0.1:9".into(),
        token: "ovt_tour".into(),
        device_id: 1,
        server_id: "tour".into(),
        user: "rina".into(),
        enrolled_at: "2026-11-23T08:00:00Z".into(),
        token_in_keyring: false,
    };
    std::env::set_var("OVOP_NO_KEYRING", "1");
    ovop_app::sync::token::save(&data_home.path().join("org.ovopfield.app"), &enrolment)
        .expect("enrolment");
    let (_driver, client, _) = start(data_home.path(), TOUR_PORT).await;
    wait_for_text(&client, "[data-testid=home-drafts]", "1").await;

    for (lang, home_word) in [("id", "Draf"), ("en", "Draft"), ("vi", "Bản nháp")] {
        switch_language(&client, lang).await;
        let html_lang = client
            .execute("return document.documentElement.lang", vec![])
            .await
            .expect("script");
        assert_eq!(html_lang, json!(lang));

        click(&client, "[data-testid=nav-home]").await;
        wait_for_text(&client, "[data-testid=home-drafts]", "1").await;
        let home = text_of(&client, "body").await;
        assert!(home.contains(home_word), "{lang}: home speaks it: {home}");
        save_screenshot(&client, &format!("home-{lang}.png")).await;

        click(&client, "[data-testid=nav-regions]").await;
        type_into(&client, "[data-testid=region-search]", "tapin").await;
        click(&client, "[data-testid=region-result][data-code='63.05']").await;
        wait_for_text(&client, "h1", "Tapin").await;
        save_screenshot(&client, &format!("regions-{lang}.png")).await;

        click(&client, "[data-testid=nav-producers]").await;
        click(&client, "[data-testid=producer-row]").await;
        wait_for_text(&client, "[data-testid=producer-title]", "KWT Melati").await;
        save_screenshot(&client, &format!("producer-{lang}.png")).await;

        click(&client, "[data-testid=product-history]").await;
        wait_for_css(&client, "[data-testid=history-table]").await;
        save_screenshot(&client, &format!("history-{lang}.png")).await;

        click(&client, "[data-testid=nav-home]").await;
        click(
            &client,
            &format!("[data-testid=home-draft-row][data-id='{draft}']"),
        )
        .await;
        wait_for_text(&client, "[data-testid=a-total]", "36").await;
        save_screenshot(&client, &format!("assessment-{lang}.png")).await;

        click(&client, "[data-testid=nav-settings]").await;
        wait_for_css(&client, "[data-testid=settings-screen]").await;
        save_screenshot(&client, &format!("settings-{lang}.png")).await;

        click(&client, "[data-testid=nav-sync]").await;
        wait_for_css(&client, "[data-testid=sync-status]").await;
        save_screenshot(&client, &format!("sync-{lang}.png")).await;
    }

    // A small netbook screen, 1024x600: every screen fits its width (nothing to scroll
    // sideways) and the sheet's main action stays on screen.
    client
        .set_window_rect(0, 0, 1024, 600)
        .await
        .expect("resize the window");
    let (width, height) = client.get_window_size().await.expect("size");
    assert_eq!((width, height), (1024, 600), "the window took the size");
    for (screen, ready) in [
        ("home", "[data-testid=home-drafts]"),
        ("regions", "[data-testid=region-search]"),
        ("producers", "[data-testid=producer-row]"),
        ("settings", "[data-testid=settings-screen]"),
        ("sync", "[data-testid=sync-status]"),
    ] {
        click(&client, &format!("[data-testid=nav-{screen}]")).await;
        wait_for_css(&client, ready).await;
        assert_fits_width(&client, screen).await;
    }
    click(&client, "[data-testid=nav-home]").await;
    click(
        &client,
        &format!("[data-testid=home-draft-row][data-id='{draft}']"),
    )
    .await;
    wait_for_css(&client, "[data-testid=assessment-screen]").await;
    save_screenshot(&client, "assessment-1024x600-vi.png").await;
    assert_fits_width(&client, "assessment").await;
    let finalize_visible = client
        .execute(
            "const r = document.querySelector(\"[data-testid='finalize-open']\").getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(
        finalize_visible,
        json!(true),
        "the finalise button is on screen at 1024x600"
    );
    click(&client, "[data-testid=nav-settings]").await;
    wait_for_css(&client, "[data-testid=settings-screen]").await;
    save_screenshot(&client, "settings-1024x600-vi.png").await;

    // The data moves to another folder from the window, and the app goes on from there.
    let moved_to = data_home.path().join("Ổ D").join("OVOP Field");
    click(&client, "[data-testid=data-move-open]").await;
    type_into(
        &client,
        "[data-testid=data-move-folder]",
        &moved_to.display().to_string(),
    )
    .await;
    click(&client, "[data-testid=data-move-confirm]").await;
    wait_for_text(
        &client,
        "[data-testid=data-moved]",
        &moved_to.display().to_string(),
    )
    .await;
    save_screenshot(&client, "data-moved-vi.png").await;
    click(&client, "[data-testid=data-move-close]").await;
    wait_for_text(
        &client,
        "[data-testid=data-database]",
        &moved_to.join("ovop.sqlite").display().to_string(),
    )
    .await;
    click(&client, "[data-testid=nav-home]").await;
    wait_for_text(&client, "[data-testid=home-drafts]", "1").await;
    client.close().await.expect("close the session");
    let moved = ovop_store::Store::open(&moved_to.join("ovop.sqlite")).expect("the moved store");
    assert!(
        moved.assessment(&draft).is_ok(),
        "the draft moved with the data"
    );
    assert_eq!(
        ovop_app::sync::token::load(&moved_to)
            .expect("read")
            .map(|e| e.token),
        Some("ovt_tour".to_string()),
        "the enrolment moved with the data"
    );
    assert!(data_home
        .path()
        .join("org.ovopfield.app/ovop.sqlite.moved")
        .is_file());
}

/// Fails when the page is wider than the window (a sideways scroll bar), naming what sticks out.
async fn assert_fits_width(client: &Client, screen: &str) {
    let overflow = client
        .execute(
            "const w = document.documentElement.clientWidth;
             const wide = Array.from(document.querySelectorAll('body *'))
               .filter(e => {
                 const r = e.getBoundingClientRect();
                 if (r.width === 0) return false;
                 // What an ancestor clips (an ellipsis, a scrolling panel) does not stick out.
                 let right = r.right;
                 for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                   if (getComputedStyle(a).overflowX !== 'visible') right = Math.min(right, a.getBoundingClientRect().right);
                 }
                 return right > w + 1;
               })
               .slice(0, 5)
               .map(e => (e.dataset.testid || e.tagName.toLowerCase() + '.' + e.className) + ' in ' + (e.parentElement?.dataset.testid || e.parentElement?.className) + ' ' + (e.textContent || '').slice(0, 40) + ' ' + Math.round(e.getBoundingClientRect().right));
             return { scroll: document.documentElement.scrollWidth, width: w, wide };",
            vec![],
        )
        .await
        .expect("script");
    assert!(
        overflow["scroll"].as_f64() <= overflow["width"].as_f64()
            && overflow["wide"].as_array().is_some_and(Vec::is_empty),
        "{screen} is wider than the 1024-pixel window: {overflow}"
    );
}

const OCOP_PORT: u16 = 4494;

fn level_of(code: &str, position: u32) -> String {
    format!("[data-testid=a-criterion][data-code='{code}'] [data-testid=a-level][data-position='{position}']")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ocop_sheet_in_vietnamese_with_not_applicable_criteria_a_knockout_a_council_refused_for_divergence_then_finalised(
) {
    let data_home = tempfile::tempdir().expect("temp data folder");
    let id = driver::seed_draft_with(data_home.path(), "ocop-1048-02", "781-2020").assessment;
    let (_driver, client, _) = start(data_home.path(), OCOP_PORT).await;
    switch_language(&client, "vi").await;
    click(
        &client,
        &format!("[data-testid=home-draft-row][data-id='{id}']"),
    )
    .await;
    wait_for_css(
        &client,
        &format!("[data-testid=assessment-screen][data-id='{id}']"),
    )
    .await;
    let criteria = client
        .find_all(Locator::Css("[data-testid=a-criterion]"))
        .await
        .expect("criteria");
    assert_eq!(criteria.len(), 31, "the whole cereal sheet");

    // No story (5.1 at 0 points): 5.2 and 5.3 do not apply, and say why.
    click(&client, &level_of("5.1", 1)).await;
    wait_for_css(
        &client,
        "[data-testid=a-criterion][data-code='5.2'] [data-testid=a-not-applicable]",
    )
    .await;
    wait_for_css(
        &client,
        "[data-testid=a-criterion][data-code='5.3'] [data-testid=a-not-applicable]",
    )
    .await;

    // Foreign matter observed (6.1): the sheet stops, no star.
    click(
        &client,
        "[data-testid=a-criterion][data-code='6.1'] [data-testid=a-knockout]",
    )
    .await;
    wait_for_css(&client, "[data-testid=a-knockout-banner]").await;
    wait_for_attr(&client, "[data-testid=a-star]", "data-star", "0").await;
    save_screenshot(&client, "ocop-knockout-vi.png").await;
    click(
        &client,
        "[data-testid=a-criterion][data-code='6.1'] [data-testid=a-knockout]",
    )
    .await;
    // The banner goes with the knock-out.
    wait_gone(&client, "[data-testid=a-knockout-banner]").await;

    // A council: a second member scores 1.1 at the top, the lead at the bottom; the panel shows
    // the average and names 1.1 as the criterion they differ on.
    click(&client, &level_of("1.1", 1)).await;
    click(&client, "[data-testid=council-add]").await;
    type_into(&client, "[data-testid=council-name]", "Nguyễn Văn Bình").await;
    click(&client, "[data-testid=council-add-confirm]").await;
    click(&client, "[data-testid=council-member][data-member='2']").await;
    wait_for_attr(
        &client,
        "[data-testid=council-member][data-member='2']",
        "aria-selected",
        "true",
    )
    .await;
    click(&client, &level_of("1.1", 3)).await;
    wait_for_css(&client, "[data-testid=council-panel]").await;
    wait_for_text(&client, "[data-testid=council-criterion]", "1.1").await;
    let divergence = wait_for_css(&client, "[data-testid=council-divergence]").await;
    assert_eq!(
        divergence
            .attr("data-exceeded")
            .await
            .expect("attr")
            .as_deref(),
        Some("false"),
        "2 points apart, within the 10 allowed"
    );
    save_screenshot(&client, "ocop-council-vi.png").await;

    // The council's roster: none yet; the chair chosen and a member recorded absent (two of
    // three present, three needed: short); the absent member removed again (two of two: met).
    wait_for_attr(
        &client,
        "[data-testid=roster-quorum]",
        "data-tone",
        "problem",
    )
    .await;
    wait_for_css(&client, "[data-testid=roster-chair]")
        .await
        .select_by_index(1)
        .await
        .expect("the lead as chair");
    wait_for_attr(&client, "[data-testid=roster-quorum]", "data-tone", "ok").await;
    click(&client, "[data-testid=roster-add-absent]").await;
    type_into(&client, "[data-testid=roster-absent-name]", "Trần Thị Cúc").await;
    type_into(&client, "[data-testid=roster-absent-role]", "Thư ký").await;
    click(&client, "[data-testid=roster-absent-confirm]").await;
    wait_for_attr(&client, "[data-testid=roster-quorum]", "data-tone", "short").await;
    wait_for_text(
        &client,
        "[data-testid=roster-quorum]",
        "2/3 thành viên có mặt, cần tối thiểu 3",
    )
    .await;
    save_screenshot(&client, "council-roster-vi.png").await;
    click(&client, "[data-testid=roster-absent-member] button").await;
    wait_for_attr(&client, "[data-testid=roster-quorum]", "data-tone", "ok").await;

    // Both sheets scored to the end: Bình at the top of every criterion, the lead at the
    // bottom. They are far more than 10 points apart, so the council cannot be finalised.
    score_every_criterion(&client, Pick::Top).await;
    click(&client, "[data-testid=council-member][data-member='1']").await;
    wait_for_attr(
        &client,
        "[data-testid=council-member][data-member='1']",
        "aria-selected",
        "true",
    )
    .await;
    score_every_criterion(&client, Pick::Bottom).await;
    wait_for_attr(&client, "[data-testid=save-state]", "data-state", "saved").await;
    wait_for_attr(
        &client,
        "[data-testid=council-divergence]",
        "data-exceeded",
        "true",
    )
    .await;
    click(&client, "[data-testid=finalize-open]").await;
    wait_for_attr(
        &client,
        "[data-testid=review-divergence]",
        "data-exceeded",
        "true",
    )
    .await;
    let confirm = wait_for_css(&client, "[data-testid=finalize-confirm]").await;
    assert!(
        !confirm.is_enabled().await.expect("enabled"),
        "a council beyond its divergence is not finalised"
    );
    save_screenshot(&client, "ocop-council-refused-vi.png").await;
    press(&client, ESCAPE).await;
    wait_gone(&client, "[data-testid=finalize-review]").await;

    // Bình withdraws; the lead's sheet alone is complete and is finalised.
    click(&client, "[data-testid=council-member][data-member='2']").await;
    click(&client, "[data-testid=council-remove]").await;
    click(&client, "[data-testid=council-remove-confirm]").await;
    wait_gone(&client, "[data-testid=council-panel]").await;
    finalize_in_window(&client, None).await;
    let shown_total = text_of(&client, "[data-testid=a-total]").await;
    save_screenshot(&client, "ocop-final-vi.png").await;
    client.close().await.expect("close the session");

    // The store has the final sheet, with the result shown and its outbox row; the withdrawn
    // member's sheet is gone.
    let store = ovop_store::Store::open(&data_home.path().join("org.ovopfield.app/ovop.sqlite"))
        .expect("store");
    let last = store.assessment(&id).expect("assessment");
    assert_eq!(last.status, "final");
    assert!(store
        .members(&id, last.revision)
        .expect("members")
        .is_empty());
    assert_eq!(
        last.answers.answers.get("1.1"),
        Some(&ovop_core::Answer::Level(1))
    );
    assert!(last.answers.knockouts.is_empty());
    let result = last.result.as_ref().expect("the locked result");
    assert!(result.complete);
    assert!(
        shown_total.contains(&result.total.to_string()),
        "the window showed {shown_total}, the store has {}",
        result.total
    );
    assert!(store
        .outbox()
        .expect("outbox")
        .iter()
        .any(|entry| entry.record_id == id));
}

const ESCAPE: &str = "\u{E00C}";
