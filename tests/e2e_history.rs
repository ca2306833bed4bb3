//! End-to-end: a replacement laptop gets its region's history back. Rina's old laptop sent an
//! assessment and its correction with a photo; a new app window, enrolled for Rina and holding
//! nothing else, syncs at start: the product lists the assessment as hers from the office, the
//! sheet says so and shows the photo's thumbnail, and the whole photo downloads on demand.
//! Needs what `e2e_window.rs` needs (Xvfb, tauri-driver, WebKitWebDriver).

// The window is WebKitGTK driven through WebKitWebDriver: Linux only (README, "Windows").
#![cfg(target_os = "linux")]

#[path = "support/driver.rs"]
mod driver;

use std::time::{Duration, Instant};

use driver::{
    click, office_token, save_screenshot, seed_final, start, tapin_office, text_of, wait_for_css,
    wait_present,
};
use ovop_app::sync::{token, Enrolment, StoreSide};
use ovop_store::Store;

const PORT: u16 = 4524;

/// A photo of a label, as a camera would give it (a JPEG).
fn label_photo() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 200) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .expect("jpeg");
    bytes.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_laptop_gets_its_regions_history_and_fetches_a_photo_whole() {
    std::env::set_var("OVOP_NO_KEYRING", "1");
    let server_dir = tempfile::tempdir().expect("server folder");
    let server = tapin_office(server_dir.path()).await;
    let url = server.url();

    // Rina's old laptop: a final assessment, then its correction with a photo of the label,
    // both sent to the office.
    let old_home = tempfile::tempdir().expect("old laptop");
    let id = seed_final(old_home.path());
    let old_dir = old_home.path().join("org.ovopfield.app");
    let mut old = Store::open(&old_dir.join("ovop.sqlite")).expect("store");
    let now = ovop_store::now_utc();
    old.correct(&id, "foto label ditambahkan", &now)
        .expect("correct");
    let photo = label_photo();
    let added = old
        .add_photo("assessment", &id, "", "label.jpg", &photo, &now)
        .expect("photo");
    old.finalize(&id, &now).expect("final");
    let old_token = office_token(&url, "rina").await;
    let client = ovop_sync::Client::new(&url, Some(old_token), ovop_sync::Network::default())
        .expect("client");
    let mut side = StoreSide::new(&mut old, Some(old_dir.clone()));
    let sent = ovop_sync::sync_once(&client, &mut side, &mut |_| {})
        .await
        .expect("the old laptop's sync");
    assert_eq!((sent.sent, sent.blobs_uploaded), (2, 1), "{sent:?}");

    // The new laptop: enrolled for Rina, nothing else on it.
    let new_home = tempfile::tempdir().expect("new laptop");
    let new_dir = new_home.path().join("org.ovopfield.app");
    std::fs::create_dir_all(&new_dir).expect("data folder");
    let enrolment = Enrolment {
        server: url.clone(),
        token: office_token(&url, "rina").await,
        device_id: 0,
        server_id: String::new(),
        user: "rina".into(),
        enrolled_at: now.clone(),
        token_in_keyring: false,
    };
    std::fs::write(
        token::enrolment_path(&new_dir),
        serde_json::to_string(&enrolment).expect("json"),
    )
    .expect("enrolment");
    let (_driver, client, _) = start(new_home.path(), PORT).await;

    // The sync at start brings the producer, the product and both revisions.
    let started = Instant::now();
    loop {
        click(&client, "[data-testid=nav-producers]").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rows = client
            .find_all(fantoccini::Locator::Css("[data-testid=producer-row]"))
            .await
            .expect("rows");
        if !rows.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the region's producers did not come down"
        );
        click(&client, "[data-testid=nav-home]").await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    click(&client, "[data-testid=producer-row]").await;
    let pulled = wait_for_css(&client, "[data-testid=product-assessment-pulled]").await;
    assert_eq!(
        pulled.text().await.expect("text").trim(),
        "· dari kantor, milik Anda"
    );
    let listed = client
        .find_all(fantoccini::Locator::Css("[data-testid=product-assessment]"))
        .await
        .expect("list");
    assert_eq!(listed.len(), 1, "one assessment, at its latest revision");
    save_screenshot(&client, "history-product-id.png").await;

    click(&client, "[data-testid=product-assessment]").await;
    wait_present(
        &client,
        "[data-testid=pulled-banner][data-mine=true]",
        Duration::from_secs(30),
    )
    .await;
    let banner = text_of(&client, "[data-testid=pulled-banner]").await;
    assert!(banner.contains("penilaian Anda sendiri"), "{banner}");
    // Her own: she may correct it here.
    wait_for_css(&client, "[data-testid=correct-open]").await;
    // The photo's thumbnail came with the sync; the whole photo comes on demand.
    wait_present(
        &client,
        "[data-testid=pulled-photo][data-whole=false] img",
        Duration::from_secs(30),
    )
    .await;
    save_screenshot(&client, "history-sheet-id.png").await;
    click(&client, "[data-testid=pulled-photo-fetch]").await;
    wait_present(
        &client,
        "[data-testid=pulled-photo][data-whole=true] [data-testid=pulled-photo-whole]",
        Duration::from_secs(60),
    )
    .await;
    let store = Store::open(&new_dir.join("ovop.sqlite")).expect("the new laptop's store");
    assert_eq!(store.photo_bytes(&added.sha256).expect("whole"), photo);
    let restored = store.assessment(&id).expect("restored");
    assert_eq!(
        (restored.revision, restored.pulled_mine),
        (2, true),
        "the correction, hers"
    );
    client.close().await.expect("close the session");
    server.shutdown(Duration::from_secs(2)).await;
}
