//! The region's history comes down: a new laptop enrolled for an officer gets back every
//! assessment revision of its regions (the officer's own, which they may correct, and their
//! colleagues', read-only), the photos' thumbnails within the officer's disk budget, and a
//! whole photo on demand, resumed after a cut.

mod field;

use std::collections::BTreeMap;
use std::path::PathBuf;

use field::{
    client, colleague, enrol_as, patient_client, photo, rule, server, Backend, Fault, Field,
    NewLaptop, Proxy, Server,
};
use ovop_app::sync::pulled::fetch_photo;
use ovop_store::Store;

/// Every revision a store holds: `(id, revision) -> (content hash, status)`.
fn revisions(store: &Store) -> BTreeMap<(String, i64), (Option<String>, String)> {
    let mut out = BTreeMap::new();
    for a in store.assessments(None, None).expect("list") {
        for r in store.revisions(&a.id).expect("revisions") {
            out.insert((r.id.clone(), r.revision), (r.content_hash, r.status));
        }
    }
    out
}

async fn a_new_laptop_restores_the_regency_with_its_history(
    backend: Backend,
    assessments: usize,
    photos_every: usize,
) {
    let (server, token) = server(backend).await;
    let budi = patient_client(&server.running.url(), &token);
    // Budi's laptop: products of several producers, one photo on every `photos_every`-th
    // assessment, and a correction (a second revision) of the first.
    let mut laptop = Field::new();
    enrol_as(laptop.dir.path(), &field::enrolment(&token));
    let mut first = None;
    let mut photos = 0;
    for i in 0..assessments {
        if i > 0 && i % 50 == 0 {
            laptop.new_product();
        }
        let with = usize::from(i % photos_every == 0);
        photos += with;
        let id = laptop.finalised(with);
        first.get_or_insert(id);
    }
    let first = first.expect("an assessment");
    laptop
        .store
        .correct(&first, "tanggal kunjungan salah", &field::now())
        .expect("correct");
    laptop
        .store
        .finalize(&first, &field::now())
        .expect("finalise the correction");
    let report = laptop.sync(&budi).await.expect("Budi's sync");
    assert_eq!(report.sent as usize, assessments + 1, "{report:?}");
    // Rina, his colleague in the regency, assesses on her own laptop.
    let rina_token = colleague(&server).await;
    let rina = client(&server.running.url(), &rina_token);
    let mut hers = Field::new();
    let her_assessment = hers.draft(0);
    hers.store
        .add_photo(
            "assessment",
            &her_assessment,
            "",
            "rina.png",
            &photo(999_999, 48),
            &field::now(),
        )
        .expect("her photo");
    hers.store
        .finalize(&her_assessment, &field::now())
        .expect("final");
    hers.sync(&rina).await.expect("Rina's sync");

    // Budi's laptop is lost; the office enrols a new one for him.
    let new_token = server.enrol("budi", "rahasia-budi-1").await;
    let mut new = NewLaptop::new("budi", &new_token);
    let report = new
        .sync(&patient_client(&server.running.url(), &new_token))
        .await;
    assert_eq!(
        report.pulled.assessments as usize,
        assessments + 2,
        "every revision of the regency, his and Rina's: {report:?}"
    );
    assert_eq!(report.pulled.thumbnails as usize, photos + 1, "{report:?}");

    // Every revision of his is here as he sent it, final and his to correct.
    let before = revisions(&laptop.store);
    let after = revisions(&new.store);
    for ((id, revision), (hash, _)) in &before {
        let (restored, status) = after
            .get(&(id.clone(), *revision))
            .unwrap_or_else(|| panic!("{id} revision {revision} was not restored"));
        assert_eq!(restored, hash, "{id} revision {revision}");
        assert_eq!(status, "synced");
    }
    assert_eq!(
        after.len(),
        before.len() + 1,
        "his and Rina's, nothing else"
    );
    let his = new.store.assessment(&first).expect("his");
    assert_eq!((his.revision, his.pulled_mine), (2, true));
    assert_eq!(his.pulled_from.as_deref(), Some("budi (display)"));
    let theirs = new.store.assessment(&her_assessment).expect("hers");
    assert_eq!(
        (theirs.pulled_from.as_deref(), theirs.pulled_mine),
        (Some("rina (display)"), false)
    );

    // The app shows the product's history with who made each revision.
    let product = &his.product_id;
    let shown = ovop_app::views::summaries(&new.store, None, Some(product)).expect("list");
    let on_the_old_laptop = laptop
        .store
        .assessments(None, Some(product))
        .expect("list")
        .len();
    assert_eq!(shown.len(), on_the_old_laptop);
    assert!(shown
        .iter()
        .all(|s| s.pulled_from.as_deref() == Some("budi (display)") && s.pulled_mine));
    let corrected = shown.iter().find(|s| s.id == first).expect("the corrected");
    assert_eq!(corrected.revision, 2);
    let original = laptop.store.assessment(&first).expect("original");
    let restored = new.store.assessment(&first).expect("restored");
    assert_eq!(restored.answers, original.answers);
    assert_eq!(restored.result, original.result);
    assert_eq!(restored.verdict, original.verdict);

    // Each photo is known, its thumbnail here, its bytes not (they come on demand).
    let budget = new.store.photo_budget().expect("budget");
    assert_eq!(
        (
            budget.photos as usize,
            budget.thumbnails as usize,
            budget.whole
        ),
        (photos + 1, photos + 1, 0)
    );
    for p in new
        .store
        .pulled_photos("assessment", &first, 1)
        .expect("photos")
    {
        assert!(p.thumbnail && !p.whole);
        let thumb = new.store.thumbnail_bytes(&p.sha256).expect("thumbnail");
        assert!(thumb.starts_with(&[0xFF, 0xD8]), "a JPEG");
        assert!(new.store.photo_bytes(&p.sha256).is_err(), "not fetched yet");
    }

    // His own: corrected here. Rina's: read-only, with the code the app translates.
    new.store
        .correct(&first, "koreksi dari laptop baru", &field::now())
        .expect("his own");
    let refused = new
        .store
        .correct(&her_assessment, "bukan milik saya", &field::now())
        .expect_err("a colleague's");
    assert_eq!(refused.code(), "store.not_yours");

    // A second sync brings nothing again; the old laptop, found again, gets Rina's only.
    let again = new
        .sync(&patient_client(&server.running.url(), &new_token))
        .await;
    assert_eq!(
        (again.pulled.assessments, again.pulled.thumbnails),
        (0, 0),
        "{again:?}"
    );
    let old = laptop.sync(&budi).await.expect("the old laptop");
    assert_eq!(old.pulled.assessments, 1, "{old:?}");
    let old_rina = laptop.store.assessment(&her_assessment).expect("Rina's");
    assert!(!old_rina.pulled_mine);

    // The office hands Rina's assessment to Budi: his new laptop may now correct it, and
    // Rina's own copy becomes read-only on her laptop.
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let handed = reqwest::Client::new()
        .post(server.url(&format!("/v1/review/assessments/{her_assessment}/owner")))
        .bearer_auth(&sari)
        .json(&serde_json::json!({"officer": "budi"}))
        .send()
        .await
        .expect("hand over");
    assert!(handed.status().is_success(), "{}", handed.status());
    new.sync(&patient_client(&server.running.url(), &new_token))
        .await;
    let now_his = new.store.assessment(&her_assessment).expect("handed");
    assert_eq!(
        (now_his.pulled_from.as_deref(), now_his.pulled_mine),
        (Some("budi (display)"), true)
    );
    new.store
        .correct(&her_assessment, "diserahkan kepada saya", &field::now())
        .expect("his now");
    hers.sync(&rina).await.expect("Rina's next sync");
    let no_longer = hers.store.assessment(&her_assessment).expect("hers before");
    assert_eq!(
        (no_longer.pulled_from.as_deref(), no_longer.pulled_mine),
        (Some("budi (display)"), false)
    );
    let refused = hers
        .store
        .correct(&her_assessment, "masih milik saya?", &field::now())
        .expect_err("handed over");
    assert_eq!(refused.code(), "store.not_yours");
}

#[tokio::test]
async fn a_new_laptop_restores_a_regency_of_1000_assessments_and_200_photos_sqlite() {
    a_new_laptop_restores_the_regency_with_its_history(Backend::Sqlite, 1000, 5).await;
}

#[tokio::test]
async fn a_new_laptop_restores_the_regency_with_its_history_postgres() {
    a_new_laptop_restores_the_regency_with_its_history(Backend::Postgres, 60, 5).await;
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A laptop of Budi's with one final assessment and one large photo, synced; the photo, its
/// hash and the assessment.
async fn one_photo(server: &Server, token: &str) -> (Field, Vec<u8>, String, String) {
    let mut laptop = Field::new();
    let id = laptop.draft(0);
    let bytes = photo(7, 420);
    laptop
        .store
        .add_photo("assessment", &id, "", "besar.png", &bytes, &field::now())
        .expect("photo");
    laptop.store.finalize(&id, &field::now()).expect("final");
    laptop
        .sync(&client(&server.running.url(), token))
        .await
        .expect("sync");
    let hex = sha256_hex(&bytes);
    (laptop, bytes, hex, id)
}

#[tokio::test]
async fn a_pulled_photo_cut_half_way_resumes() {
    let (server, token) = server(Backend::Sqlite).await;
    let (_laptop, bytes, hex, id) = one_photo(&server, &token).await;
    let size = bytes.len() as u64;
    assert!(size > 400_000, "a photo worth resuming: {size} bytes");

    let new_token = server.enrol("budi", "rahasia-budi-1").await;
    let mut new = NewLaptop::new("budi", &new_token);
    new.sync(&client(&server.running.url(), &new_token)).await;
    assert_eq!(new.store.pulled_photo(&hex).expect("known"), (size, false));

    // The download is cut after 150 kB of the answer.
    let proxy = Proxy::start(server.running.addr).await;
    proxy.add(rule(
        &format!("GET /v1/blobs/{hex}/content"),
        Fault::CutResponseAfter(150_000),
        1,
    ));
    let through = client(&proxy.url(), &new_token);
    let cut = fetch_photo(&through, &mut new.store, &hex, &field::now())
        .await
        .expect_err("cut");
    assert_eq!(proxy.rules_left(), 0);
    assert!(cut.code.starts_with("sync."), "a network error: {cut:?}");
    let kept = std::fs::metadata(new.store.partial_photo(&hex))
        .expect("the partial file")
        .len();
    assert!(kept > 100_000 && kept < size, "kept {kept} of {size}");
    let listed = new
        .store
        .pulled_photos("assessment", &id, 1)
        .expect("listed");
    assert_eq!((listed.len(), listed[0].partial), (1, kept));

    // The next try asks for the rest only, and the photo is whole and checked.
    let received = fetch_photo(&through, &mut new.store, &hex, &field::now())
        .await
        .expect("resumed");
    assert_eq!(received, size - kept, "only the missing bytes came");
    assert_eq!(new.store.photo_bytes(&hex).expect("whole"), bytes);
    assert!(!new.store.partial_photo(&hex).exists());
    assert_eq!(new.store.pulled_photo(&hex).expect("known"), (size, true));
    // Fetching it again costs nothing.
    let again = fetch_photo(&through, &mut new.store, &hex, &field::now())
        .await
        .expect("here");
    assert_eq!(again, 0);
}

#[tokio::test]
async fn a_damaged_partial_download_starts_again_and_the_budget_is_kept() {
    let (server, token) = server(Backend::Sqlite).await;
    let (mut laptop, bytes, hex, _id) = one_photo(&server, &token).await;
    let size = bytes.len() as u64;
    let new_token = server.enrol("budi", "rahasia-budi-1").await;
    let mut new = NewLaptop::new("budi", &new_token);
    let direct = client(&server.running.url(), &new_token);

    // A budget of nothing: no thumbnail is fetched, and the whole photo is refused.
    new.store
        .set_photo_budget_mb(0, &field::now())
        .expect("budget");
    let report = new.sync(&direct).await;
    assert_eq!(report.pulled.thumbnails, 0);
    let refused = fetch_photo(&direct, &mut new.store, &hex, &field::now())
        .await
        .expect_err("over budget");
    assert_eq!(refused.code, "photos.budget");
    assert!(!new.store.partial_photo(&hex).exists(), "nothing written");
    assert!(new.store.set_photo_budget_mb(u64::MAX, "x").is_err());

    // With room, a partial file of the right length but wrong bytes (a disk that lost them)
    // is found out by the hash, thrown away, and the photo downloads whole again.
    new.store
        .set_photo_budget_mb(50, &field::now())
        .expect("budget");
    let partial: PathBuf = new.store.partial_photo(&hex);
    std::fs::create_dir_all(partial.parent().expect("dir")).expect("dir");
    std::fs::write(&partial, vec![0u8; size as usize]).expect("garbage");
    let damaged = fetch_photo(&direct, &mut new.store, &hex, &field::now())
        .await
        .expect_err("the hash");
    assert_eq!(damaged.code, "store.invalid");
    assert!(!partial.exists());
    fetch_photo(&direct, &mut new.store, &hex, &field::now())
        .await
        .expect("again");
    assert_eq!(new.store.photo_bytes(&hex).expect("whole"), bytes);
    let budget = new.store.photo_budget().expect("budget");
    assert!(budget.used_bytes >= size, "{budget:?}");

    let report = new.sync(&direct).await;
    assert_eq!(report.pulled.thumbnails, 1, "now there is room: {report:?}");

    // A lower budget frees the whole photo at once, then the thumbnail: nothing pulled is kept
    // beyond it, and the photo comes again on demand.
    new.store
        .set_photo_budget_mb(0, &field::now())
        .expect("budget");
    let budget = new.store.photo_budget().expect("budget");
    assert_eq!(
        (budget.used_bytes, budget.whole, budget.thumbnails),
        (0, 0, 0)
    );
    assert!(new.store.photo_bytes(&hex).is_err());
    assert!(new.store.thumbnail_bytes(&hex).is_err());
    assert_eq!(new.store.pulled_photo(&hex).expect("known"), (size, false));
    new.store
        .set_photo_budget_mb(50, &field::now())
        .expect("budget");
    fetch_photo(&direct, &mut new.store, &hex, &field::now())
        .await
        .expect("again, on demand");
    assert_eq!(new.store.photo_bytes(&hex).expect("whole"), bytes);
    // Budi's own laptop keeps its own photo whatever the budget.
    laptop
        .store
        .set_photo_budget_mb(0, &field::now())
        .expect("budget");
    assert_eq!(laptop.store.photo_bytes(&hex).expect("his own"), bytes);
}

#[tokio::test]
async fn photos_come_only_to_those_who_may_see_them_and_bad_ranges_are_refused() {
    let (server, token) = server(Backend::Sqlite).await;
    let (_laptop, bytes, hex, _id) = one_photo(&server, &token).await;
    let http = reqwest::Client::new();
    let get = |path: String, token: String, range: Option<&'static str>| {
        let mut request = http.get(server.url(&path)).bearer_auth(token);
        if let Some(range) = range {
            request = request.header("range", range);
        }
        request.send()
    };
    let content = format!("/v1/blobs/{hex}/content");
    // Whole, and a part.
    let whole = get(content.clone(), token.clone(), None)
        .await
        .expect("get");
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.bytes().await.expect("bytes").to_vec(), bytes);
    let part = get(content.clone(), token.clone(), Some("bytes=100-199"))
        .await
        .expect("get");
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"].to_str().expect("text"),
        format!("bytes 100-199/{}", bytes.len())
    );
    assert_eq!(part.bytes().await.expect("bytes").to_vec(), bytes[100..200]);
    // Ranges it cannot serve: a code, not a panic or a wrong part.
    for bad in [
        "bytes=-5",
        "bytes=9999999-",
        "lines=1-2",
        "bytes=10-5",
        "bytes=x-",
    ] {
        let answer = get(content.clone(), token.clone(), Some(bad))
            .await
            .expect("get");
        assert_eq!(answer.status(), 416, "{bad}");
        let problem: serde_json::Value = answer.json().await.expect("problem");
        assert_eq!(problem["code"], "blob.bad_range", "{bad}");
    }
    // An officer of another regency, a name that is no hash, no token: refused.
    let sari = server.enrolled_user("sari", "officer", &["63.71"]).await;
    for path in [content.clone(), format!("/v1/blobs/{hex}/thumbnail")] {
        let answer = get(path.clone(), sari.clone(), None).await.expect("get");
        assert_eq!(answer.status(), 404, "{path}");
        let problem: serde_json::Value = answer.json().await.expect("problem");
        assert_eq!(problem["code"], "blob.unknown");
    }
    let answer = get("/v1/blobs/not-a-hash/content".into(), token.clone(), None)
        .await
        .expect("get");
    assert_eq!(answer.status(), 400);
    let answer = http.get(server.url(&content)).send().await.expect("get");
    assert_eq!(answer.status(), 401);
    // The thumbnail is a small JPEG, made once and served again.
    for _ in 0..2 {
        let thumb = get(format!("/v1/blobs/{hex}/thumbnail"), token.clone(), None)
            .await
            .expect("get");
        assert_eq!(thumb.status(), 200);
        let thumb = thumb.bytes().await.expect("bytes");
        let image = image::load_from_memory(&thumb).expect("a picture");
        assert!(image.width().max(image.height()) <= 320);
        assert!(thumb.len() < bytes.len() / 4);
    }
    // Sari's laptop pulls none of Budi's assessments either.
    let mut hers = NewLaptop::new("sari", &sari);
    let report = hers.sync(&client(&server.running.url(), &sari)).await;
    assert_eq!(report.pulled.assessments, 0, "{report:?}");
}

#[tokio::test]
async fn a_photo_added_after_the_product_travelled_reaches_the_office_and_a_colleague() {
    let (server, token) = server(Backend::Sqlite).await;
    let budi = client(&server.running.url(), &token);
    let mut laptop = Field::new();
    laptop.finalised(0);
    laptop.sync(&budi).await.expect("the product travels");
    let product = laptop.product.clone();

    // A photo of the packaging, taken on the next visit: it travels as an edit of the product.
    let bytes = photo(4242, 96);
    let hex = sha256_hex(&bytes);
    laptop
        .store
        .add_photo(
            "product",
            &product,
            "",
            "kemasan.png",
            &bytes,
            &field::now(),
        )
        .expect("photo");
    let report = laptop.sync(&budi).await.expect("the photo travels");
    assert_eq!(
        (report.references, report.blobs_uploaded, report.rejected),
        (1, 1, 0),
        "{report:?}"
    );
    let again = laptop.sync(&budi).await.expect("nothing more");
    assert_eq!(
        (again.references, again.blobs_uploaded),
        (0, 0),
        "{again:?}"
    );
    let named: &'static str = Box::leak(
        format!(
            "SELECT COUNT(*) FROM record_blob rb JOIN blob b ON b.sha256 = rb.sha256
             WHERE rb.kind = 'product' AND rb.id = '{product}' AND rb.sha256 = 'sha256:{hex}'
               AND b.complete_at IS NOT NULL"
        )
        .into_boxed_str(),
    );
    assert_eq!(
        server.count(named).await,
        1,
        "the office holds it for the product"
    );

    // Rina's laptop pulls the product with its photo: the thumbnail, then the whole on demand.
    let rina_token = colleague(&server).await;
    let mut hers = NewLaptop::new("rina", &rina_token);
    let direct = client(&server.running.url(), &rina_token);
    hers.sync(&direct).await;
    let listed = hers
        .store
        .pulled_photos("product", &product, 0)
        .expect("listed");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].thumbnail && !listed[0].whole);
    fetch_photo(&direct, &mut hers.store, &hex, &field::now())
        .await
        .expect("whole");
    assert_eq!(hers.store.photo_bytes(&hex).expect("bytes"), bytes);
    // Budi's own laptop lists it as its own, not as pulled.
    laptop.sync(&budi).await.expect("pull");
    assert!(laptop
        .store
        .pulled_photos("product", &product, 0)
        .expect("listed")
        .is_empty());
}
