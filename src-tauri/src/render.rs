//! How the window draws on a laptop with little memory. WebKitGTK's compositing mode keeps
//! layer buffers that cost the web process about 100 MB; on a 4 GB laptop the app draws
//! without it (measured in `benches/app.rs`: the whole process tree at rest goes from about
//! 310 MB to 240 MB). With more memory compositing stays on, for smoother scrolling.

/// At or below this much memory the window draws without compositing (a "4 GB" laptop
/// reports about 3.7 GiB; an "8 GB" one about 7.6 GiB).
const LOW_MEMORY_KIB: u64 = 6 * 1024 * 1024;

/// Whether to draw without compositing: `OVOP_LOW_MEMORY=1` or `0` decides; otherwise the
/// memory `/proc/meminfo` reports. Unknown memory keeps WebKit's default.
pub fn low_memory(meminfo: Option<&str>, setting: Option<&str>) -> bool {
    match setting.map(str::trim) {
        Some("1") | Some("true") | Some("yes") => return true,
        Some("0") | Some("false") | Some("no") => return false,
        _ => {}
    }
    let total_kib = meminfo.and_then(|text| {
        text.lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
    });
    total_kib.is_some_and(|kib| kib <= LOW_MEMORY_KIB)
}

/// Chooses the drawing mode before the window exists. Must run first thing in `main`, while
/// the process has one thread (it sets an environment variable WebKit reads). A mode already
/// chosen with `WEBKIT_DISABLE_COMPOSITING_MODE` is left alone.
pub fn choose_mode() {
    if !cfg!(target_os = "linux") || std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some() {
        return;
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let setting = std::env::var("OVOP_LOW_MEMORY").ok();
    if low_memory(meminfo.as_deref(), setting.as_deref()) {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

#[cfg(test)]
mod tests {
    use super::low_memory;

    const FOUR_GB: &str = "MemTotal:        3884504 kB\nMemFree:          612340 kB\n";
    const SIXTEEN_GB: &str = "MemTotal:       16058376 kB\nMemFree:         9012340 kB\n";

    #[test]
    fn a_four_gigabyte_laptop_draws_without_compositing_a_bigger_one_with() {
        assert!(low_memory(Some(FOUR_GB), None));
        assert!(!low_memory(Some(SIXTEEN_GB), None));
    }

    #[test]
    fn the_setting_decides_and_unreadable_memory_keeps_the_default() {
        assert!(low_memory(Some(SIXTEEN_GB), Some("1")));
        assert!(!low_memory(Some(FOUR_GB), Some("0")));
        assert!(!low_memory(None, None));
        assert!(!low_memory(Some("garbage\nMemTotal: lots"), None));
        assert!(low_memory(Some(FOUR_GB), Some("maybe")));
    }
}
