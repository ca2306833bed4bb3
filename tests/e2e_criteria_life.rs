//! End-to-end: the real window on a laptop holding only the shipped OCOP sheets of Decision
//! 1048/781, replaced by Decision 148 on 24 February 2023. The Criteria screen marks them
//! expired; the start form of an OCOP product says so in Vietnamese, says no sheet in force is
//! installed and what to do, and starts on the old sheet only once the officer confirms.
//! Needs what `e2e_window.rs` needs (Xvfb, tauri-driver, WebKitWebDriver).

// The window is WebKitGTK driven through WebKitWebDriver: Linux only (README, "Windows").
#![cfg(target_os = "linux")]

#[path = "support/driver.rs"]
mod driver;

use driver::{click, save_screenshot, scroll_to, start, switch_language, text_of, wait_for_css};

const PORT: u16 = 4534;

/// An OCOP cooperative and its rice cracker (product set 02, processed rice and cereals),
/// written into the app's store the way the app writes them.
fn seed_ocop_product(data_home: &std::path::Path) -> String {
    use ovop_store::records::{Producer, Product};
    let mut store = driver::app_store(data_home);
    let now = "2026-11-23T08:00:00Z";
    let producer = store
        .save_producer(
            &Producer {
                name: "HTX Nông nghiệp Hòa Lợi".into(),
                ..Producer::default()
            },
            now,
        )
        .expect("producer");
    store
        .save_product(
            &Product {
                producer_id: producer,
                name: "Bánh tráng gạo lứt".into(),
                programme: Some("ocop".into()),
                product_set: Some("02".into()),
                ..Product::default()
            },
            now,
        )
        .expect("product")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ocop_product_is_warned_that_the_1048_sheet_is_no_longer_in_force() {
    let data_home = tempfile::tempdir().expect("temp data folder");
    let product = seed_ocop_product(data_home.path());
    let (_driver, client, _) = start(data_home.path(), PORT).await;
    switch_language(&client, "vi").await;

    // The Criteria screen: every 1048 sheet is marked expired since the day 148 took effect.
    click(&client, "[data-testid=nav-criteria]").await;
    let badge = text_of(
        &client,
        "[data-testid=criteria-row][data-id='ocop-1048-02'] [data-testid=set-standing]",
    )
    .await;
    assert_eq!(badge.trim(), "Hết hiệu lực từ 24 tháng 2, 2023");
    click(
        &client,
        "[data-testid=criteria-row][data-id='ocop-1048-02']",
    )
    .await;
    wait_for_css(&client, "[data-testid=sheet][data-id='ocop-1048-02']").await;
    let overview = text_of(&client, "[data-testid=sheet] [data-testid=set-standing]").await;
    assert_eq!(overview.trim(), "Hết hiệu lực từ 24 tháng 2, 2023");
    save_screenshot(&client, "criteria-life-list-vi.png").await;

    // The product's start form: the 1048 sheet for its group, with the warning in words.
    click(&client, "[data-testid=nav-producers]").await;
    click(&client, "[data-testid=producer-row]").await;
    click(
        &client,
        &format!("[data-testid=product-row][data-id='{product}'] [data-testid=product-assess]"),
    )
    .await;
    let warning = wait_for_css(&client, "[data-testid=assess-set-standing]").await;
    let text = warning.text().await.expect("text");
    for says in [
        "Bộ tiêu chí này đã hết hiệu lực",
        "Bộ này theo Quyết định 1048/QĐ-TTg (21/08/2019) và Quyết định 781/QĐ-TTg (08/06/2020).",
        "Đã được thay thế từ ngày 24 tháng 2, 2023",
        "Máy này chưa có bộ tiêu chí đang có hiệu lực cho bộ sản phẩm này.",
        "nhập từ tệp trong màn hình Tiêu chí",
        "Vẫn đánh giá theo bộ này",
    ] {
        assert!(text.contains(says), "the warning says {says:?}: {text}");
    }
    let chosen = wait_for_css(&client, "[data-testid=assess-set]")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(chosen.starts_with("ocop-1048-02"), "{chosen:?}");
    let start_button = wait_for_css(&client, "[data-testid=assess-start]").await;
    assert!(
        !start_button.is_enabled().await.expect("enabled"),
        "the old sheet needs the officer's word"
    );
    scroll_to(&client, &warning, "center").await;
    save_screenshot(&client, "criteria-life-start-vi.png").await;

    // Confirmed, the assessment starts on the old sheet (an office may redo an old assessment).
    click(&client, "[data-testid=assess-confirm-standing]").await;
    assert!(start_button.is_enabled().await.expect("enabled"));
    click(&client, "[data-testid=assess-start]").await;
    let sheet = wait_for_css(&client, "[data-testid=assessment-screen]").await;
    let title = sheet.text().await.expect("text");
    assert!(title.contains("Bánh tráng gạo lứt"), "{title}");
}
