//! A whole backup in one file (database, photos with their thumbnails, imported criteria
//! sets): written to another folder whole or not at all, checked entry by entry before
//! anything is replaced, restored on another laptop with every photo, and refused with a code
//! when cut short, damaged, not a backup, or newer than the app.

use std::io::Cursor;
use std::path::{Path, PathBuf};

mod common;

use common::store_with_product;
use ovop_store::archive::{inspect_archive, restore_archive, EXTENSION};
use ovop_store::records::Producer;
use ovop_store::Store;

const NOW: &str = "2026-12-07T09:30:15Z";
const CRITERIA: &str = "Dinas Tapin 2026 (kopi).json";

fn picture(seed: u8, width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([seed, (x % 250) as u8, (y % 250) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A laptop's data: a producer, a product, three photos and an imported criteria set.
fn laptop(dir: &Path) -> (Store, Vec<(String, Vec<u8>)>) {
    let (mut store, producer, product) = store_with_product(dir);
    let mut photos = Vec::new();
    for (i, (kind, id)) in [
        ("product", product.as_str()),
        ("product", product.as_str()),
        ("producer", producer.as_str()),
    ]
    .into_iter()
    .enumerate()
    {
        let format = if i == 1 {
            image::ImageFormat::Png
        } else {
            image::ImageFormat::Jpeg
        };
        let bytes = picture(i as u8 * 60, 900 + i as u32, 600, format);
        let photo = store
            .add_photo(kind, id, "", &format!("foto {i}.jpg"), &bytes, NOW)
            .unwrap();
        photos.push((photo.sha256, bytes));
    }
    std::fs::create_dir_all(dir.join("criteria")).unwrap();
    std::fs::write(
        dir.join("criteria").join(CRITERIA),
        b"{\"id\": \"tapin-kopi\"}",
    )
    .unwrap();
    (store, photos)
}

fn only_backup(dir: &Path) -> PathBuf {
    let names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "one file, nothing half-written beside it: {names:?}"
    );
    assert_eq!(
        names[0].extension().and_then(|e| e.to_str()),
        Some(EXTENSION)
    );
    names[0].clone()
}

fn producers(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM producer ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every file under `dir`, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                pending.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_whole_backup_restored_on_another_laptop_opens_with_every_photo() {
    let home = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let (store, photos) = laptop(home.path());
    let written = store.write_archive(usb.path(), NOW).unwrap();
    let file = only_backup(usb.path());
    assert_eq!(written.path, file.display().to_string());
    assert_eq!(
        file.file_name().unwrap().to_str().unwrap(),
        "ovop-backup-20261207-093015.ovopbak"
    );
    assert_eq!(written.bytes, std::fs::metadata(&file).unwrap().len());
    assert_eq!(
        (
            written.contents.producers,
            written.contents.products,
            written.contents.photos
        ),
        (1, 1, 3)
    );
    // A second backup in the same second is refused, not written over the first.
    let again = store.write_archive(usb.path(), NOW).unwrap_err();
    assert_eq!(again.code(), "store.exists");
    only_backup(usb.path());
    drop(store);

    // Another laptop: nothing there yet. The check reads the whole file and changes nothing.
    let db = other.path().join("ovop.sqlite");
    let checked = inspect_archive(&db, &file).unwrap();
    assert_eq!(checked.created_at, NOW);
    assert_eq!(checked.contents, written.contents);
    assert!(!db.exists());
    assert_eq!(tree(other.path()), vec![]);

    let restored = restore_archive(&db, &file).unwrap();
    assert_eq!(restored.kept, None);
    // Three photos, their thumbnails, the criteria set.
    assert_eq!(restored.files_added, 7);
    let store = Store::open(&db).unwrap();
    assert_eq!(producers(&db), vec!["Kopi Loksado".to_string()]);
    for (sha, bytes) in &photos {
        assert_eq!(&store.photo_bytes(sha).unwrap(), bytes);
        let thumb = image::load_from_memory(&store.thumbnail_bytes(sha).unwrap()).unwrap();
        assert!(thumb.width() <= 320);
    }
    assert_eq!(
        std::fs::read(other.path().join("criteria").join(CRITERIA)).unwrap(),
        b"{\"id\": \"tapin-kopi\"}"
    );
    // Nothing of the restore is left beside the data.
    let left: Vec<String> = std::fs::read_dir(other.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("staging") || n.contains("check") || n.contains("restoring"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
}

#[test]
fn a_restore_over_a_laptops_data_keeps_the_replaced_database_and_every_photo() {
    let home = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let (mut store, photos) = laptop(home.path());
    store.write_archive(usb.path(), NOW).unwrap();
    let file = only_backup(usb.path());
    // After the backup: a second producer and a fourth photo.
    let later = store
        .add_producer(
            &Producer {
                name: "UMKM Dodol Nanas".into(),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap();
    let extra = picture(7, 640, 480, image::ImageFormat::Jpeg);
    let added = store
        .add_photo("producer", &later, "", "dodol.jpg", &extra, NOW)
        .unwrap();
    let db = store.path().to_path_buf();
    drop(store);

    let restored = restore_archive(&db, &file).unwrap();
    // The photos were there already: nothing added, nothing written over.
    assert_eq!(restored.files_added, 0);
    let kept = PathBuf::from(restored.kept.expect("the replaced database is kept"));
    assert_eq!(
        producers(&kept),
        vec!["Kopi Loksado".to_string(), "UMKM Dodol Nanas".to_string()]
    );
    assert_eq!(producers(&db), vec!["Kopi Loksado".to_string()]);
    let store = Store::open(&db).unwrap();
    for (sha, bytes) in &photos {
        assert_eq!(&store.photo_bytes(sha).unwrap(), bytes);
    }
    // The later photo's file stays on disk (the kept database names it).
    assert_eq!(store.photo_bytes(&added.sha256).unwrap(), extra);
}

/// The backup's bytes, and where in them each entry's data starts (tar: a 512-byte header,
/// then the data).
fn entries(file: &Path) -> Vec<(String, u64, u64)> {
    let mut archive = tar::Archive::new(std::fs::File::open(file).unwrap());
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.path().unwrap().to_string_lossy().to_string(),
                e.raw_file_position(),
                e.size(),
            )
        })
        .collect()
}

#[test]
fn a_backup_cut_short_damaged_or_foreign_is_refused_and_nothing_changes() {
    let home = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let (store, _) = laptop(home.path());
    store.write_archive(usb.path(), NOW).unwrap();
    let good = only_backup(usb.path());
    let db = store.path().to_path_buf();
    drop(store);
    let bytes = std::fs::read(&good).unwrap();
    let layout = entries(&good);
    let (_, photo_at, photo_size) = layout
        .iter()
        .find(|(n, _, _)| n.starts_with("files/") && !n.ends_with(".thumb.jpg"))
        .cloned()
        .unwrap();
    let (_, manifest_at, _) = layout
        .iter()
        .find(|(n, _, _)| n == "manifest.json")
        .cloned()
        .unwrap();
    let (_, database_at, _) = layout
        .iter()
        .find(|(n, _, _)| n == "database.sqlite")
        .cloned()
        .unwrap();
    let flipped = |at: u64| {
        let mut b = bytes.clone();
        b[at as usize] ^= 0x5a;
        b
    };
    let manifest_text = String::from_utf8_lossy(&bytes[manifest_at as usize..]).to_string();
    let hash_at = manifest_at + manifest_text.find("\"sha256\":\"").unwrap() as u64 + 12;
    // An entry a backup never writes: a name climbing out of the folder it is restored to.
    let escaping = {
        let mut out = Vec::new();
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..13].copy_from_slice(b"../../evil.sh");
        header.set_size(4);
        header.set_mode(0o755);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(b"boo\n");
        out.resize(out.len() + 508 + 1024, 0);
        out
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut in half",
            bytes[..bytes.len() / 2].to_vec(),
            "backup.damaged",
        ),
        (
            "cut before its manifest",
            bytes[..manifest_at as usize - 512].to_vec(),
            "backup.damaged",
        ),
        (
            "cut inside a photo",
            bytes[..(photo_at + photo_size / 2) as usize].to_vec(),
            "backup.damaged",
        ),
        (
            "a photo's byte changed",
            flipped(photo_at + photo_size / 3),
            "backup.damaged",
        ),
        (
            "a database byte changed",
            flipped(database_at + 5000),
            "backup.damaged",
        ),
        (
            "its manifest's hash changed",
            flipped(hash_at),
            "backup.damaged",
        ),
        ("empty", Vec::new(), "backup.not_a_backup"),
        (
            "a text file",
            b"bukan cadangan, hanya catatan\n".repeat(100),
            "backup.not_a_backup",
        ),
        ("an entry climbing out", escaping, "backup.not_a_backup"),
    ];
    let before = tree(home.path());
    for (what, content, code) in cases {
        let file = usb.path().join(format!("{what}.{EXTENSION}"));
        std::fs::write(&file, &content).unwrap();
        let checked = inspect_archive(&db, &file).unwrap_err();
        assert_eq!(checked.code(), code, "{what}: {checked}");
        let refused = restore_archive(&db, &file).unwrap_err();
        assert_eq!(refused.code(), code, "{what}: {refused}");
        assert_eq!(
            tree(home.path()),
            before,
            "{what}: the laptop's data changed"
        );
        assert!(!home.path().join("evil.sh").exists());
    }
    // A file that is not there.
    let missing = restore_archive(&db, &usb.path().join("nothing.ovopbak")).unwrap_err();
    assert_eq!(missing.code(), "store.not_found");
    assert_eq!(producers(&db), vec!["Kopi Loksado".to_string()]);
}

#[test]
fn a_backup_of_a_newer_app_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let (store, _) = laptop(home.path());
    // The database as a newer app would leave it.
    rusqlite::Connection::open(store.path())
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    store.write_archive(usb.path(), NOW).unwrap();
    let file = only_backup(usb.path());
    let db = other.path().join("ovop.sqlite");
    let refused = restore_archive(&db, &file).unwrap_err();
    assert_eq!(refused.code(), "store.newer_schema", "{refused}");
    assert!(!db.exists());
    assert!(!other.path().join("ovop.sqlite.files").exists());
}

#[test]
fn a_backup_goes_only_to_a_folder_and_leaves_nothing_when_it_fails() {
    let home = tempfile::tempdir().unwrap();
    let (store, _) = laptop(home.path());
    let not_a_folder = home.path().join("catatan.txt");
    std::fs::write(&not_a_folder, "x").unwrap();
    for target in [not_a_folder.clone(), home.path().join("tidak-ada")] {
        let refused = store.write_archive(&target, NOW).unwrap_err();
        assert_eq!(refused.code(), "store.io", "{refused}");
    }
    let left: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("partial") || n.contains("snapshot"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
}
