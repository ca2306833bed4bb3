//! Photos: content-addressed files beside the database, thumbnails, and files that are not
//! photos.

use std::io::Cursor;

mod common;

use common::{store_with_product, NOW};
use ovop_store::photos::MAX_PHOTO_BYTES;
use ovop_store::Store;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([200, (x % 200) as u8, (y % 200) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

#[test]
fn a_photo_is_stored_once_by_its_hash_with_a_thumbnail() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, product) = store_with_product(dir.path());
    let bytes = jpeg(1600, 1200);
    let photo = store
        .add_photo("product", &product, "", "kemasan depan.jpg", &bytes, NOW)
        .unwrap();
    assert_eq!(
        (
            photo.width,
            photo.height,
            photo.mime.as_str(),
            photo.size as usize
        ),
        (1600, 1200, "image/jpeg", bytes.len())
    );
    assert_eq!(photo.name, "kemasan depan.jpg");
    let thumb = image::load_from_memory(&store.thumbnail_bytes(&photo.sha256).unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    // Only a hash names a thumbnail: nothing outside the photo folder can be read through it.
    for name in [
        "../../ovop.sqlite",
        "",
        &photo.sha256.to_uppercase(),
        &format!("{}/x", &photo.sha256[..62]),
    ] {
        assert_eq!(
            store.thumbnail_bytes(name).unwrap_err().code(),
            "store.not_found",
            "{name}"
        );
    }
    assert_eq!(store.photo_bytes(&photo.sha256).unwrap(), bytes);

    // The same bytes again, under another name: one file, one row.
    store
        .add_photo("product", &product, "", "copy.jpg", &bytes, NOW)
        .unwrap();
    let files: Vec<_> = walk(&store.files_dir())
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".thumb.jpg"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(store.photos("product", &product).unwrap().len(), 1);

    store
        .add_photo("product", &product, "", "label.png", &png(300, 200), NOW)
        .unwrap();
    let photos = store.photos("product", &product).unwrap();
    assert_eq!(
        photos.iter().map(|p| p.mime.as_str()).collect::<Vec<_>>(),
        ["image/jpeg", "image/png"]
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

#[test]
fn files_that_are_not_usable_photos_are_refused_with_their_own_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, product) = store_with_product(dir.path());
    let mut truncated = jpeg(800, 600);
    truncated.truncate(truncated.len() / 3);
    let mut garbage_png = png(50, 50);
    for b in garbage_png.iter_mut().skip(40) {
        *b = 0x5a;
    }
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.jpg", truncated, "photo.unreadable"),
        ("damaged.png", garbage_png, "photo.unreadable"),
        ("notes.txt", b"bukan foto".to_vec(), "photo.unsupported"),
        ("animation.gif", gif, "photo.unsupported"),
        ("empty.jpg", Vec::new(), "photo.unsupported"),
        (
            "huge.jpg",
            vec![0xff; MAX_PHOTO_BYTES + 1],
            "photo.too_large",
        ),
    ];
    for (name, bytes, code) in cases {
        let err = store
            .add_photo("product", &product, "", name, &bytes, NOW)
            .unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err}");
        assert!(
            err.to_string().contains(name),
            "the message names the file: {err}"
        );
    }
    assert!(
        store.photos("product", &product).unwrap().is_empty(),
        "nothing half-stored"
    );
    assert!(!store.files_dir().exists() || walk(&store.files_dir()).is_empty());
    let err = store
        .add_photo("product", "no-such-product", "", "a.png", &png(10, 10), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "store.not_found");
}

#[test]
fn moving_the_data_copies_the_database_photos_and_backups_and_checks_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, product) = store_with_product(dir.path());
    let photo = store
        .add_photo("product", &product, "", "kemasan.jpg", &jpeg(800, 600), NOW)
        .unwrap();
    store.backup_to(&store.backup_path("manual-1")).unwrap();

    let target = dir.path().join("drive d").join("OVOP").join("ovop.sqlite");
    let copied = store.copy_to(&target).unwrap();
    // The photo and its thumbnail, and the backup.
    assert_eq!(copied.files, 3, "{copied:?}");
    assert!(copied.bytes > photo.size as u64);

    let moved = Store::open(&target).unwrap();
    assert_eq!(moved.photos("product", &product).unwrap().len(), 1);
    assert_eq!(
        moved.photo_bytes(&photo.sha256).unwrap(),
        store.photo_bytes(&photo.sha256).unwrap()
    );
    assert!(moved.backup_path("manual-1").is_file());
    assert!(walk(target.parent().unwrap())
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".partial")));
    // The source is left as it was.
    assert_eq!(store.photos("product", &product).unwrap().len(), 1);
}

#[test]
fn moving_onto_a_folder_that_has_a_database_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, _) = store_with_product(dir.path());
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let theirs = other.join("ovop.sqlite");
    std::fs::write(&theirs, b"someone else's data").unwrap();
    let err = store.copy_to(&theirs).unwrap_err();
    assert_eq!(err.code(), "store.exists");
    assert_eq!(std::fs::read(&theirs).unwrap(), b"someone else's data");
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
}

#[test]
fn a_move_cut_short_leaves_no_database_and_resumes_without_copying_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, product) = store_with_product(dir.path());
    for i in 0..3 {
        store
            .add_photo(
                "product",
                &product,
                "",
                &format!("{i}.jpg"),
                &jpeg(300 + i, 200),
                NOW,
            )
            .unwrap();
    }
    let target = dir.path().join("new").join("ovop.sqlite");
    // A first attempt that copied the photos, then stopped (the database is copied last).
    let mut files_target = target.as_os_str().to_os_string();
    files_target.push(".files");
    let (files, _) =
        ovop_store::relocate::copy_tree(&store.files_dir(), files_target.as_ref()).unwrap();
    assert_eq!(files, 6);
    assert!(
        !target.exists(),
        "without the database the folder is not taken for a copy"
    );
    // A half-written file from the cut.
    let first = walk(files_target.as_ref())[0].clone();
    let mut partial = first.into_os_string();
    partial.push(".partial");
    std::fs::write(&partial, b"half").unwrap();

    let copied = store.copy_to(&target).unwrap();
    assert_eq!(copied.files, 0, "nothing copied twice: {copied:?}");
    assert!(!std::path::Path::new(&partial).exists());
    assert_eq!(
        Store::open(&target)
            .unwrap()
            .photos("product", &product)
            .unwrap()
            .len(),
        3
    );
}
