fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    if let Err(err) = tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    ) {
        eprintln!("tauri-build failed: check tauri.conf.json and src-tauri/capabilities: {err:#}");
        std::process::exit(1);
    }
}
