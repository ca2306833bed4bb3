//! End-to-end: the Vietnamese story in the real window, from an empty data folder. The first
//! start asks the language and the country: Tiếng Việt and Vietnam. The region search finds
//! "xa bat trang" without diacritics (Xã Bát Tràng, Thành phố Hà Nội, a commune of 1 July 2025)
//! and "truc bach" by the name of the ward merged whole into Phường Ba Đình. A pottery
//! cooperative is registered in Xã Bát Tràng with its vase in OCOP product set 19 (household
//! handicrafts); its assessment starts on the 1048/781 sheet only once the officer confirms it,
//! the start form having said the sheet is no longer in force since 24 February 2023; every
//! criterion is scored, the sheet finalised and printed, and the PDF names the commune and the
//! cooperative. A second story: producers registered under Vietnam's units before the reform
//! are moved to their new communes only when the officer chooses.
//! Needs what `e2e_window.rs` needs (Xvfb, tauri-driver, WebKitWebDriver) and poppler's
//! `pdftotext` and `pdftoppm`.

// The window is WebKitGTK driven through WebKitWebDriver: Linux only (README, "Windows").
#![cfg(target_os = "linux")]

#[path = "support/driver.rs"]
mod driver;

use std::time::Duration;

use driver::{
    click_centred as click, fake_opener, finalize_in_window, opened_pdf, pdf_text, save_first_page,
    save_screenshot, score_every_criterion, scroll_to, start, switch_language, text_of, type_into,
    wait_for_attr, wait_for_css, wait_for_text, wait_gone, wait_present, Pick,
};

const STORY_PORT: u16 = 4564;
const RELOCATION_PORT: u16 = 4574;

const BAT_TRANG: &str = "VN25-00577";
const BA_DINH: &str = "VN25-00004";
const PRODUCER: &str = "HTX Gốm sứ Bát Tràng";
const PRODUCT: &str = "Bình gốm men lam";

fn result(code: &str) -> String {
    format!("[data-testid=region-result][data-code='{code}']")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vietnamese_officer_starts_fresh_registers_a_potter_in_xa_bat_trang_and_prints_its_ocop_sheet(
) {
    let data_home = tempfile::tempdir().expect("temp data folder");
    let opener = fake_opener();
    let (_driver, client, _) = start(data_home.path(), STORY_PORT).await;

    // The first start: a card on the home screen (it waits for the first import of the
    // regions), in Indonesian until the officer picks Tiếng Việt, then Vietnam.
    wait_present(
        &client,
        "[data-testid=first-start]",
        Duration::from_secs(120),
    )
    .await;
    click(&client, "[data-testid=first-start-lang-vi]").await;
    wait_for_text(
        &client,
        "[data-testid=first-start]",
        "Chào mừng bạn đến với OVOP Field",
    )
    .await;
    click(&client, "[data-testid=first-start-country-VN]").await;
    save_screenshot(&client, "vietnam-first-start-vi.png").await;
    click(&client, "[data-testid=first-start-confirm]").await;
    wait_gone(&client, "[data-testid=first-start]").await;
    let html_lang = client
        .execute("return document.documentElement.lang", vec![])
        .await
        .expect("script");
    assert_eq!(html_lang, serde_json::json!("vi"));

    // Settings keep the choice: Vietnam ticked, with its 34 provinces and 3,321 communes.
    click(&client, "[data-testid=nav-settings]").await;
    wait_for_text(
        &client,
        "[data-testid=settings-country-count-VN]",
        "3.355 địa bàn",
    )
    .await;
    let vietnam = wait_for_css(&client, "[data-testid=settings-country-VN]").await;
    assert!(vietnam.is_selected().await.expect("checked"));
    let indonesia = wait_for_css(&client, "[data-testid=settings-country-ID]").await;
    assert!(!indonesia.is_selected().await.expect("checked"));
    let section = wait_for_css(&client, "[data-testid=settings-countries]").await;
    scroll_to(&client, &section, "center").await;
    save_screenshot(&client, "vietnam-settings-vi.png").await;

    // The region search, without diacritics: Xã Bát Tràng of Hà Nội, a commune of 2025.
    click(&client, "[data-testid=nav-regions]").await;
    type_into(&client, "[data-testid=region-search]", "xa bat trang").await;
    let hit = wait_for_css(&client, &result(BAT_TRANG)).await;
    let text = hit.text().await.expect("text");
    assert!(
        text.contains("Xã Bát Tràng") && text.contains("Thành phố Hà Nội"),
        "{text}"
    );
    let first = text_of(&client, "[data-testid=region-result]").await;
    assert!(first.contains("Xã Bát Tràng"), "the first hit: {first}");
    save_screenshot(&client, "vietnam-search-bat-trang-vi.png").await;

    // An old ward's name finds the ward it was merged into, and says so.
    type_into(&client, "[data-testid=region-search]", "truc bach").await;
    let formerly = wait_for_text(
        &client,
        &format!("{} [data-testid=region-formerly]", result(BA_DINH)),
        "Phường Trúc Bạch",
    )
    .await;
    assert!(
        formerly.contains("Quận Ba Đình") && formerly.contains("sáp nhập toàn bộ"),
        "{formerly}"
    );
    let ba_dinh = text_of(&client, &result(BA_DINH)).await;
    assert!(ba_dinh.contains("Phường Ba Đình"), "{ba_dinh}");
    save_screenshot(&client, "vietnam-search-vi.png").await;

    // The cooperative, registered in Xã Bát Tràng.
    type_into(&client, "[data-testid=region-search]", "xa bat trang").await;
    click(&client, &result(BAT_TRANG)).await;
    wait_for_text(&client, "h1", "Xã Bát Tràng").await;
    click(&client, "[data-testid=producer-new]").await;
    wait_for_css(&client, "[data-testid=producer-form]").await;
    wait_for_attr(
        &client,
        "[data-testid=producer-village]",
        "data-code",
        BAT_TRANG,
    )
    .await;
    type_into(&client, "[data-testid=producer-name]", PRODUCER).await;
    wait_for_css(&client, "#producer-legal")
        .await
        .select_by_value("HTX")
        .await
        .expect("legal form");
    for (field, value) in [
        ("#producer-registration", "0108123456"),
        ("#producer-representative", "Nguyễn Văn Hùng"),
        ("#producer-phone", "0912 345 678"),
        ("#producer-address", "Thôn 3, Xã Bát Tràng"),
        ("#producer-workforce", "42"),
        ("#producer-women", "19"),
    ] {
        type_into(&client, field, value).await;
    }
    click(&client, "[data-testid=producer-save]").await;
    wait_for_text(&client, "[data-testid=producer-title]", PRODUCER).await;
    let place = text_of(&client, "[data-testid=producer-village-name]").await;
    assert!(place.contains("Xã Bát Tràng"), "{place}");

    // Its vase, an OCOP product of set 19 (household handicrafts).
    click(&client, "[data-testid=product-new]").await;
    type_into(&client, "[data-testid=product-name]", PRODUCT).await;
    wait_for_attr(&client, "[data-testid=product-programme]", "value", "ocop").await;
    wait_for_css(&client, "[data-testid=product-set] option[value='19']").await;
    wait_for_css(&client, "[data-testid=product-set]")
        .await
        .select_by_value("19")
        .await
        .expect("product set");
    click(&client, "[data-testid=product-save]").await;
    wait_for_text(&client, "[data-testid=product-row]", PRODUCT).await;
    save_screenshot(&client, "vietnam-producer-vi.png").await;

    // The start form picks the set's sheet, and warns that it is no longer in force: it starts
    // only once the officer confirms.
    click(&client, "[data-testid=product-assess]").await;
    wait_for_css(&client, "[data-testid=assess-start-form]").await;
    let chosen = client
        .execute(
            "const s = document.querySelector(\"[data-testid='assess-set']\"); return s.options[s.selectedIndex].text;",
            vec![],
        )
        .await
        .expect("script");
    assert!(
        chosen
            .as_str()
            .is_some_and(|t| t.contains("Thủ công mỹ nghệ gia dụng")),
        "{chosen}"
    );
    let warning = wait_for_text(
        &client,
        "[data-testid=assess-set-standing]",
        "đã hết hiệu lực",
    )
    .await;
    assert!(warning.contains("2023"), "since when: {warning}");
    let start_button = wait_for_css(&client, "[data-testid=assess-start]").await;
    assert!(
        !start_button.is_enabled().await.expect("enabled"),
        "not started on an expired sheet without a confirmation"
    );
    type_into(&client, "[data-testid=assess-assessor]", "Nguyễn Thị Lan").await;
    let standing = wait_for_css(&client, "[data-testid=assess-set-standing]").await;
    scroll_to(&client, &standing, "center").await;
    save_screenshot(&client, "vietnam-expired-set-vi.png").await;
    click(&client, "[data-testid=assess-confirm-standing]").await;
    click(&client, "[data-testid=assess-start]:not([disabled])").await;
    wait_for_css(&client, "[data-testid=assessment-screen]").await;

    // Every criterion at its top level, saved, then finalised.
    score_every_criterion(&client, Pick::Top).await;
    wait_for_attr(&client, "[data-testid=save-state]", "data-state", "saved").await;
    let total = text_of(&client, "[data-testid=a-total]").await;
    // The top of the sheet: its scrolling column back at the start.
    client
        .execute(
            "for (let e = document.querySelector(\"[data-testid='a-criterion']\"); e; e = e.parentElement) { if (e.scrollHeight > e.clientHeight && getComputedStyle(e).overflowY !== 'visible') e.scrollTop = 0; }",
            vec![],
        )
        .await
        .expect("scroll");
    save_screenshot(&client, "vietnam-scored-vi.png").await;
    finalize_in_window(&client, None).await;

    // Printed: the PDF names the commune and the cooperative.
    click(&client, "[data-testid=sheet-print]").await;
    let pdf = opened_pdf(&client, &opener.log, 1).await;
    let sheet = pdf_text(&pdf);
    assert!(sheet.contains("Xã Bát Tràng"), "the commune: {sheet}");
    assert!(sheet.contains(PRODUCER), "the producer: {sheet}");
    assert!(sheet.contains(PRODUCT), "the product: {sheet}");
    save_first_page(&pdf, "vietnam-sheet-vi.png");
    client.close().await.expect("close the session");

    // The store has what the window showed: the countries, the producer's commune, the final
    // sheet on the 1048/781 set for household handicrafts.
    let store = ovop_store::Store::open(&data_home.path().join("org.ovopfield.app/ovop.sqlite"))
        .expect("store");
    let countries = store.region_countries().expect("countries");
    assert_eq!(
        (countries.chosen, countries.confirmed),
        (vec!["VN".to_string()], true)
    );
    let producers = store.producers_in(Some("VN25-01"), 10).expect("producers");
    assert_eq!(producers.len(), 1);
    assert_eq!(producers[0].village_code.as_deref(), Some(BAT_TRANG));
    let assessments = store.assessments(Some("final"), None).expect("assessments");
    assert_eq!(assessments.len(), 1, "{assessments:?}");
    assert_eq!(assessments[0].answers.criteria, "ocop-1048-19");
    let result = assessments[0].result.as_ref().expect("the locked result");
    assert!(result.complete);
    assert!(
        total.contains(&result.total.to_string()),
        "the window showed {total}, the store has {}",
        result.total
    );
}

/// A laptop from before the reform: Vietnam's old units, a cooperative in the old Xã Bát Tràng
/// (split between three new communes) and an eatery in Phường Trúc Bạch (merged whole into
/// Phường Ba Đình), in Vietnam only.
fn seed_old_units(data_home: &std::path::Path) -> (String, String) {
    use ovop_store::records::Producer;
    let mut store = driver::app_store(data_home);
    let now = "2026-11-23T08:00:00Z";
    store
        .import_regions(&ovop_store::regions::VIETNAM_BEFORE_2025)
        .expect("the old units");
    let mut add = |name: &str, code: &str| {
        store
            .save_producer(
                &Producer {
                    name: name.into(),
                    legal_form: Some("HTX".into()),
                    village_code: Some(code.into()),
                    ..Producer::default()
                },
                now,
            )
            .expect("producer")
    };
    let potter = add(PRODUCER, "VN-00583");
    let eatery = add("HTX Phở cuốn Trúc Bạch", "VN-00004");
    store
        .choose_countries(&["VN".into()], now)
        .expect("Vietnam");
    (potter, eatery)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producers_under_units_that_ceased_move_to_their_new_commune_only_when_the_officer_chooses()
{
    let data_home = tempfile::tempdir().expect("temp data folder");
    let (potter, eatery) = seed_old_units(data_home.path());
    let (_driver, client, _) = start(data_home.path(), RELOCATION_PORT).await;
    switch_language(&client, "vi").await;

    // The regions screen lists both, each with where it may go.
    click(&client, "[data-testid=nav-regions]").await;
    let list = wait_for_text(
        &client,
        "[data-testid=relocations]",
        "Chủ thể thuộc đơn vị hành chính không còn tồn tại",
    )
    .await;
    assert!(
        list.contains(PRODUCER) && list.contains("HTX Phở cuốn Trúc Bạch"),
        "{list}"
    );
    let row = |id: &str| format!("[data-testid=relocation-row][data-producer='{id}']");
    let whole = wait_for_text(
        &client,
        &format!("{} [data-testid=relocate-move]", row(&eatery)),
        "Phường Ba Đình",
    )
    .await;
    assert!(whole.contains("Chuyển sang"), "{whole}");
    save_screenshot(&client, "vietnam-relocations-vi.png").await;

    // The eatery, merged whole: one click.
    click(
        &client,
        &format!("{} [data-testid=relocate-move]", row(&eatery)),
    )
    .await;
    wait_gone(&client, &row(&eatery)).await;

    // The potter, on its page: a choice among the three communes, required.
    click(&client, &format!("{} .link", row(&potter))).await;
    wait_for_text(&client, "[data-testid=producer-title]", PRODUCER).await;
    let banner = wait_for_text(&client, "[data-testid=producer-retired]", "Xã Bát Tràng").await;
    assert!(banner.contains("sáp nhập một phần"), "{banner}");
    let confirm = wait_for_css(&client, "[data-testid=relocate-confirm]").await;
    assert!(!confirm.is_enabled().await.expect("enabled"));
    save_screenshot(&client, "vietnam-relocate-vi.png").await;
    click(
        &client,
        &format!("[data-testid=relocate-candidate][value='{BAT_TRANG}']"),
    )
    .await;
    click(&client, "[data-testid=relocate-confirm]:not([disabled])").await;
    wait_gone(&client, "[data-testid=producer-retired]").await;
    let place = text_of(&client, "[data-testid=producer-village-name]").await;
    assert!(place.contains("Xã Bát Tràng · Thành phố Hà Nội"), "{place}");
    client.close().await.expect("close the session");

    let store = ovop_store::Store::open(&data_home.path().join("org.ovopfield.app/ovop.sqlite"))
        .expect("store");
    assert_eq!(
        store
            .producer(&potter)
            .expect("potter")
            .village_code
            .as_deref(),
        Some(BAT_TRANG)
    );
    assert_eq!(
        store
            .producer(&eatery)
            .expect("eatery")
            .village_code
            .as_deref(),
        Some(BA_DINH)
    );
    assert!(store.relocations().expect("relocations").is_empty());
}
