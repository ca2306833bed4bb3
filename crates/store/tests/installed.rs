//! Installed criteria sets: the files their ids and versions name are files on every system.

use ovop_core::{Catalog, Rubric};
use ovop_store::installed::{install_imported, install_pulled, load_catalog, Installed};

/// A shipped set under another id and version.
fn renamed(id: &str, version: &str) -> Rubric {
    let mut set = Catalog::shipped().entries()[0].rubric.set().clone();
    set.id = id.into();
    set.version = version.into();
    Rubric::new(set).expect("a rubric")
}

#[test]
fn a_set_whose_id_is_a_windows_device_name_is_installed_under_a_name_windows_takes() {
    let data = tempfile::tempdir().expect("data");
    // `con.tapin-1.json` would be the console on Windows (what precedes the first dot).
    let rubric = renamed("con.tapin", "1");
    let Ok(Installed::Written(path)) = install_imported(data.path(), &rubric) else {
        panic!("not written");
    };
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some("_con.tapin-1.json")
    );
    // Pulled from the office: prefixed, so never a device.
    let pulled = renamed("nul", "1");
    let json = serde_json::to_string(pulled.set()).expect("json");
    assert_eq!(install_pulled(data.path(), &json), Ok(true));
    let catalog = load_catalog(Some(data.path()));
    for (id, version) in [("con.tapin", "1"), ("nul", "1")] {
        assert!(catalog.get(id, Some(version)).is_some(), "{id} {version}");
    }
    let names: Vec<String> = std::fs::read_dir(data.path().join("criteria"))
        .expect("the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.contains(&"pulled-nul-1.json".to_string()),
        "{names:?}"
    );
}
