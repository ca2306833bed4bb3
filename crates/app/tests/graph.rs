//! The crates' graph as the README draws it: the front ends over `ovop-app`, `ovop-app` over
//! the store, the sync engine and the sheets, which do not know each other, and those over the
//! protocol and the core; the server over the protocol and the core alone. Read from
//! `cargo metadata`, so a dependency added against the graph fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each workspace package and the workspace packages it depends on (normal dependencies).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata");
    let packages = metadata["packages"].as_array().expect("packages");
    let ours: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|name| ours.contains(*name))
                .map(str::to_string)
                .collect();
            (p["name"].as_str().unwrap_or_default().to_string(), deps)
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_crates_depend_on_each_other_as_the_readme_draws_them() {
    let graph = graph();
    let allowed: BTreeMap<&str, BTreeSet<String>> = [
        ("ovop-core", set(&[])),
        ("ovop-protocol", set(&["ovop-core"])),
        ("ovop-store", set(&["ovop-core", "ovop-protocol"])),
        ("ovop-sheets", set(&["ovop-core", "ovop-protocol"])),
        ("ovop-sync", set(&["ovop-core", "ovop-protocol"])),
        (
            "ovop-server",
            set(&["ovop-core", "ovop-protocol", "ovop-sheets"]),
        ),
        (
            "ovop-app",
            set(&[
                "ovop-core",
                "ovop-protocol",
                "ovop-store",
                "ovop-sync",
                "ovop-sheets",
            ]),
        ),
        // The front ends: over ovop-app, and the lower crates' types and plain calls.
        (
            "ovop",
            set(&[
                "ovop-app",
                "ovop-core",
                "ovop-protocol",
                "ovop-store",
                "ovop-sync",
                "ovop-sheets",
            ]),
        ),
        (
            "ovop-field",
            set(&[
                "ovop-app",
                "ovop-core",
                "ovop-protocol",
                "ovop-store",
                "ovop-sheets",
            ]),
        ),
    ]
    .into_iter()
    .collect();
    for (package, deps) in &graph {
        let Some(may) = allowed.get(package.as_str()) else {
            panic!("{package} is not in the README's graph");
        };
        let extra: Vec<&String> = deps.difference(may).collect();
        assert!(
            extra.is_empty(),
            "{package} depends on {extra:?}, against the graph"
        );
    }
    // The application layer is what both front ends stand on.
    for front in ["ovop", "ovop-field"] {
        assert!(
            graph[front].contains("ovop-app"),
            "{front} does not use ovop-app"
        );
    }
    assert!(graph["ovop-app"].is_superset(&set(&["ovop-store", "ovop-sync", "ovop-sheets"])));
}
