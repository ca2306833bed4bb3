//! Producers and products change after they first travel: an officer's correction reaches the
//! office, two officers correcting one producer offline converge on the same record (per
//! field, the edit the server received later wins, and the value that lost is in the history
//! both laptops see), and a deletion travels as a tombstone.

mod field;

use field::{client, colleague, server, Backend, Field, Server};
use ovop_server::db::Val;
use serde_json::Value;

/// The server's latest revision of a producer or product: its revision and body.
async fn latest(server: &Server, kind: &'static str, id: &str) -> (i64, Value) {
    field::revisions(server, kind, id)
        .await
        .pop()
        .expect("the record is on the server")
}

async fn an_edit_after_the_first_sync_reaches_the_office(backend: Backend) {
    let (server, token) = server(backend).await;
    let budi = client(&server.running.url(), &token);
    let mut field = Field::new();
    let assessed = field.finalised(1);
    let report = field.sync(&budi).await.expect("first sync");
    assert_eq!((report.sent, report.references), (1, 2), "{report:?}");
    let product = field.store.product(&field.product).expect("product");
    let mut producer = field
        .store
        .producer(&product.producer_id)
        .expect("producer");

    // The officer corrects the producer's name and business number, and the product's brand.
    producer.name = "KUB Purun Tapin Sejahtera".into();
    producer.registration_no = Some("9120001234567".into());
    field
        .store
        .save_producer(&producer, &field::now())
        .expect("edit");
    let mut renamed = product.clone();
    renamed.brand = Some("Purun Asli".into());
    field
        .store
        .save_product(&renamed, &field::now())
        .expect("edit");
    // Saving again without a change queues nothing.
    field
        .store
        .save_product(&renamed, &field::now())
        .expect("same");
    let waiting = field
        .store
        .history("producer", &producer.id)
        .expect("history");
    assert_eq!(waiting.waiting, vec!["name", "registration_no"]);

    let report = field.sync(&budi).await.expect("sync the edits");
    assert_eq!(
        (report.sent, report.references, report.rejected),
        (0, 2, 0),
        "{report:?}"
    );
    // The same sync pulls the records back as the server now has them, with their history.
    assert_eq!((report.pulled.producers, report.pulled.products), (1, 1));
    let (revision, body) = latest(&server, "producer", &producer.id).await;
    assert_eq!(revision, 2);
    assert_eq!(body["name"], "KUB Purun Tapin Sejahtera");
    assert_eq!(body["registration_no"], "9120001234567");
    assert_eq!(body["legal_form"], "KUB", "the fields not edited are kept");
    let (revision, body) = latest(&server, "product", &product.id).await;
    assert_eq!((revision, body["brand"].as_str()), (2, Some("Purun Asli")));
    // The office's review list names the producer as corrected.
    let listed = server
        .running
        .state
        .db
        .run(move |tx| {
            Ok(tx.query_opt(
                "SELECT producer_name FROM assessment WHERE id = $1",
                &[Val::from(assessed.as_str())],
            )?)
        })
        .await
        .expect("query")
        .map(|r| r.text(0));
    assert_eq!(listed.as_deref(), Some("KUB Purun Tapin Sejahtera"));

    let history = field
        .store
        .history("producer", &producer.id)
        .expect("history");
    assert_eq!(history.revision, 2);
    assert!(history.waiting.is_empty(), "{history:?}");
    let fields: Vec<&str> = history.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, vec!["name", "registration_no"]);
    assert_eq!(history.changes[0].previous, "KUB Purun Tapin");
    assert!(history
        .changes
        .iter()
        .all(|c| !c.overridden && c.by.starts_with("budi")));
    assert_eq!(
        field.store.producer(&producer.id).expect("producer").name,
        "KUB Purun Tapin Sejahtera"
    );
    // Nothing is sent twice.
    let again = field.sync(&budi).await.expect("again");
    assert_eq!(
        (again.sent, again.references, again.push_bytes_sent),
        (0, 0, 0)
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_after_the_first_sync_reaches_the_office_on_sqlite() {
    an_edit_after_the_first_sync_reaches_the_office(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_after_the_first_sync_reaches_the_office_on_postgres() {
    an_edit_after_the_first_sync_reaches_the_office(Backend::Postgres).await;
}

async fn two_laptops_edit_one_producer_and_converge(backend: Backend) {
    let (server, token) = server(backend).await;
    let rina_token = colleague(&server).await;
    let budi = client(&server.running.url(), &token);
    let rina = client(&server.running.url(), &rina_token);
    let mut his = Field::new();
    his.finalised(0);
    his.sync(&budi).await.expect("budi sends");
    let producer_id = his
        .store
        .product(&his.product)
        .expect("product")
        .producer_id;
    let mut hers = Field::new();
    let pulled = hers.sync(&rina).await.expect("rina pulls");
    assert_eq!(pulled.pulled.producers, 1);

    // Offline, both correct the producer: both its name, each another field too.
    let mut mine = his.store.producer(&producer_id).expect("his copy");
    mine.name = "KUB Purun Makmur".into();
    mine.phone = Some("0811-500-100".into());
    his.store
        .save_producer(&mine, &field::now())
        .expect("his edit");
    let mut theirs = hers.store.producer(&producer_id).expect("her copy");
    theirs.name = "KUB Purun Makmur Jaya".into();
    theirs.address = Some("Jl. Purun No. 3".into());
    hers.store
        .save_producer(&theirs, &field::now())
        .expect("her edit");

    // Budi reaches the office first, Rina second: her name wins, his phone and her address stay.
    his.sync(&budi).await.expect("budi syncs");
    let report = hers.sync(&rina).await.expect("rina syncs");
    assert_eq!(
        (report.references, report.rejected, report.conflicts),
        (1, 0, 0)
    );
    his.sync(&budi).await.expect("budi pulls");

    let (_, office) = latest(&server, "producer", &producer_id).await;
    let a = his.store.producer(&producer_id).expect("his");
    let b = hers.store.producer(&producer_id).expect("hers");
    assert_eq!(a, b, "both laptops hold the same producer");
    assert_eq!(a.name, "KUB Purun Makmur Jaya");
    assert_eq!(a.phone.as_deref(), Some("0811-500-100"));
    assert_eq!(a.address.as_deref(), Some("Jl. Purun No. 3"));
    for (field, value) in [
        ("name", "KUB Purun Makmur Jaya"),
        ("phone", "0811-500-100"),
        ("address", "Jl. Purun No. 3"),
    ] {
        assert_eq!(office[field], value, "the office holds {field}");
    }
    // His name lost, and both laptops are told so.
    for laptop in [&his, &hers] {
        let history = laptop
            .store
            .history("producer", &producer_id)
            .expect("history");
        let lost: Vec<_> = history.changes.iter().filter(|c| c.overridden).collect();
        assert_eq!(lost.len(), 1, "{history:?}");
        assert_eq!(
            (lost[0].field.as_str(), &lost[0].previous, &lost[0].value),
            (
                "name",
                &Value::from("KUB Purun Makmur"),
                &Value::from("KUB Purun Makmur Jaya")
            )
        );
        assert!(lost[0].by.starts_with("rina"), "{:?}", lost[0]);
        assert_eq!(history.revision, 3);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_laptops_edit_one_producer_and_both_converge_with_the_other_value_in_history_on_sqlite()
{
    two_laptops_edit_one_producer_and_converge(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_laptops_edit_one_producer_and_both_converge_with_the_other_value_in_history_on_postgres(
) {
    two_laptops_edit_one_producer_and_converge(Backend::Postgres).await;
}

/// A pull never undoes a change waiting to travel: the server's other fields come in, the
/// waiting field stays, and after the sync the laptop and the office agree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_merges_field_by_field_around_an_edit_waiting_to_travel() {
    let (server, token) = server(Backend::Sqlite).await;
    let rina_token = colleague(&server).await;
    let budi = client(&server.running.url(), &token);
    let rina = client(&server.running.url(), &rina_token);
    let mut his = Field::new();
    his.sync(&budi).await.expect("budi sends his producer");
    let producer_id = his
        .store
        .product(&his.product)
        .expect("product")
        .producer_id;
    let mut hers = Field::new();
    hers.sync(&rina).await.expect("rina pulls");
    let mut theirs = hers.store.producer(&producer_id).expect("hers");
    theirs.phone = Some("0813-1".into());
    hers.store
        .save_producer(&theirs, &field::now())
        .expect("edit");
    hers.sync(&rina).await.expect("rina sends");

    // Budi edits the name; before his edit travels, he pulls Rina's phone.
    let mut mine = his.store.producer(&producer_id).expect("his");
    mine.name = "KUB Purun Baru".into();
    his.store.save_producer(&mine, &field::now()).expect("edit");
    let cursor = his.store.sync_cursor().expect("cursor");
    let (status, page) = server
        .get(&token, &format!("/v1/changes?since={cursor}"))
        .await;
    assert_eq!(status, 200);
    let page: ovop_protocol::ChangesPage = serde_json::from_value(page).expect("page");
    let changes: Vec<ovop_store::sync::Pulled> = page
        .changes
        .into_iter()
        .map(|c| ovop_store::sync::Pulled {
            cursor: c.cursor,
            kind: c.kind,
            id: c.id,
            body: c.body,
        })
        .collect();
    let pulled = his
        .store
        .apply_pulled(&changes, page.next, &field::now())
        .expect("apply");
    assert_eq!(pulled.kept_local, 1);
    let merged = his.store.producer(&producer_id).expect("merged");
    assert_eq!(
        (merged.name.as_str(), merged.phone.as_deref()),
        ("KUB Purun Baru", Some("0813-1"))
    );
    his.sync(&budi).await.expect("budi syncs");
    hers.sync(&rina).await.expect("rina pulls");
    assert_eq!(
        his.store.producer(&producer_id).expect("his"),
        hers.store.producer(&producer_id).expect("hers")
    );
    let (revision, office) = latest(&server, "producer", &producer_id).await;
    assert_eq!(
        (revision, office["name"].as_str()),
        (3, Some("KUB Purun Baru"))
    );
    server.stop().await;
}

/// A deleted product travels as a tombstone: colleagues' laptops hide it; an assessed product
/// or a producer with products is kept, with a code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_travels_as_a_tombstone() {
    let (server, token) = server(Backend::Sqlite).await;
    let rina_token = colleague(&server).await;
    let budi = client(&server.running.url(), &token);
    let rina = client(&server.running.url(), &rina_token);
    let mut his = Field::new();
    let first = his.product.clone();
    let spare = his.new_product();
    his.product = first;
    his.sync(&budi).await.expect("budi sends");
    let mut hers = Field::new();
    hers.sync(&rina).await.expect("rina pulls");
    assert!(hers.store.product(&spare).is_ok());
    let producer_id = his.store.product(&spare).expect("spare").producer_id;

    let refused = his.store.delete_producer(&producer_id, &field::now());
    assert_eq!(refused.err().map(|e| e.code()), Some("store.in_use"));
    his.finalised(0);
    let refused = his.store.delete_product(&his.product, &field::now());
    assert_eq!(refused.err().map(|e| e.code()), Some("store.in_use"));
    his.store
        .delete_product(&spare, &field::now())
        .expect("delete");
    his.store
        .delete_producer(&producer_id, &field::now())
        .expect("delete");
    assert!(his
        .store
        .products_of(&producer_id)
        .expect("list")
        .is_empty());

    let report = his.sync(&budi).await.expect("budi sends the tombstones");
    assert_eq!(report.rejected, 0, "{report:?}");
    let (_, office) = latest(&server, "product", &spare).await;
    assert_eq!(office["deleted"], true);
    hers.sync(&rina).await.expect("rina pulls");
    assert!(hers
        .store
        .products_of(&producer_id)
        .expect("list")
        .is_empty());
    let visible = hers.store.producers_in(None, 50).expect("producers");
    assert!(
        visible.iter().all(|p| p.id != producer_id),
        "the producer is hidden"
    );
    server.stop().await;
}

/// An edit the server cannot take is refused with a code, and nothing is stored of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_an_unknown_record_or_field_is_refused_with_a_code() {
    use ovop_protocol::{Kind, Record};
    let (server, token) = server(Backend::Sqlite).await;
    let mut field = Field::new();
    field
        .sync(&client(&server.running.url(), &token))
        .await
        .expect("sync");
    let producer_id = field.store.product(&field.product).expect("p").producer_id;
    let edit = |target: &str, fields: Value| {
        Record::new(
            Kind::Edit,
            &ovop_store::new_id(),
            1,
            serde_json::json!({"target": "producer", "target_id": target, "fields": fields}),
            vec![],
        )
    };
    let unknown = "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d";
    let records = vec![
        edit(unknown, serde_json::json!({"name": "X"})),
        edit(&producer_id, serde_json::json!({"owner": "X"})),
        edit(
            &producer_id,
            serde_json::json!({"village_code": "99.99.99.9999"}),
        ),
        edit(&producer_id, serde_json::json!({"workforce": "many"})),
    ];
    let (status, body) = server.push(&token, &records).await;
    assert_eq!(status, 200, "{body}");
    let codes: Vec<(&str, &str)> = body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["problem"]["code"].as_str().unwrap_or(""),
                r["problem"]["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("push.unknown_record", "body.target_id"),
            ("push.bad_edit", "body.fields.owner"),
            ("push.unknown_region", "body.fields.village_code"),
            ("push.bad_edit", "body.fields.workforce"),
        ]
    );
    let (revision, _) = latest(&server, "producer", &producer_id).await;
    assert_eq!(revision, 1, "nothing was applied");
    assert_eq!(
        server
            .count("SELECT count(*) FROM record WHERE kind = 'edit'")
            .await,
        0
    );
    server.stop().await;
}

/// A producer the server refused as first sent (no village) travels whole again once the
/// officer gives it one, and then arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_producer_refused_as_first_sent_travels_again_once_corrected() {
    let (server, token) = server(Backend::Sqlite).await;
    let budi = client(&server.running.url(), &token);
    let mut field = Field::new();
    let mut producer = ovop_store::records::Producer {
        name: "KWT Melati".into(),
        ..Default::default()
    };
    producer.id = field
        .store
        .add_producer(&producer, &field::now())
        .expect("producer");
    let report = field.sync(&budi).await.expect("sync");
    assert_eq!(report.rejected, 1, "{report:?}");
    let refused = field
        .store
        .outbox_rows()
        .expect("outbox")
        .into_iter()
        .find(|r| r.record_id == producer.id)
        .expect("row");
    assert_eq!(refused.state, "rejected");
    producer.village_code = Some(field::TAPIN.into());
    field
        .store
        .save_producer(&producer, &field::now())
        .expect("corrected");
    let report = field.sync(&budi).await.expect("sync again");
    assert_eq!((report.references, report.rejected), (1, 0), "{report:?}");
    let (revision, body) = latest(&server, "producer", &producer.id).await;
    assert_eq!(
        (revision, body["village_code"].as_str()),
        (1, Some(field::TAPIN))
    );
    server.stop().await;
}
