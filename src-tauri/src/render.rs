//! How the window draws on a laptop with little memory. WebKitGTK's compositing mode keeps
//! layer buffers that cost the web process about 100 MB; on a 4 GB laptop the app draws
//! without it (measured in `benches/app.rs`: the whole process tree at rest goes from about
//! 310 MB to 240 MB). With more memory compositing stays on, for smoother scrolling. On
//! Windows the same switch puts WebView2 (Chromium) in its low-end device mode; WebView2
//! offers no way to turn compositing off.

/// At or below this much memory the window draws without compositing (a "4 GB" laptop
/// reports about 3.7 GiB; an "8 GB" one about 7.6 GiB).
const LOW_MEMORY_KIB: u64 = 6 * 1024 * 1024;

/// Whether to draw the low-memory way: `OVOP_LOW_MEMORY=1` or `0` decides; otherwise the
/// laptop's memory (`total_kib`). Unknown memory keeps the web view's default.
pub fn low_memory(total_kib: Option<u64>, setting: Option<&str>) -> bool {
    match setting.map(str::trim) {
        Some("1") | Some("true") | Some("yes") => return true,
        Some("0") | Some("false") | Some("no") => return false,
        _ => {}
    }
    total_kib.is_some_and(|kib| kib <= LOW_MEMORY_KIB)
}

/// The memory `/proc/meminfo` reports, in KiB.
pub fn meminfo_total_kib(meminfo: &str) -> Option<u64> {
    meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
}

/// The laptop's memory in KiB, where the system says it.
fn total_memory_kib() -> Option<u64> {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::SystemInformation::{GlobalMemoryStatusEx, MEMORYSTATUSEX};
        let mut status = MEMORYSTATUSEX {
            dwLength: std::mem::size_of::<MEMORYSTATUSEX>() as u32,
            ..Default::default()
        };
        // SAFETY: `status` is a MEMORYSTATUSEX with its length set, as the call requires.
        let ok = unsafe { GlobalMemoryStatusEx(&mut status) };
        (ok != 0).then_some(status.ullTotalPhys / 1024)
    }
    #[cfg(not(windows))]
    {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .as_deref()
            .and_then(meminfo_total_kib)
    }
}

/// WebView2's switches for the browser process it starts (Microsoft's
/// `WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS`, read by the loader in place of the app's own).
#[cfg(windows)]
const WEBVIEW2_ARGUMENTS: &str = "WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS";

/// On Windows the low-memory way is Chromium's low-end device mode (smaller caches, fewer
/// buffers kept for scrolling), beside the features the window switches off anyway
/// (wry's defaults, which this variable replaces).
#[cfg(windows)]
const WEBVIEW2_LOW_MEMORY: &str =
    "--enable-low-end-device-mode --disable-features=msWebOOUI,msPdfOOUI,msSmartScreenProtection";

/// Chooses the drawing mode before the window exists. Must run first thing in `main`, while
/// the process has one thread (it sets an environment variable the web view reads): on Linux
/// WebKitGTK without compositing, on Windows WebView2 in Chromium's low-end device mode. A
/// mode already chosen in that variable is left alone.
pub fn choose_mode() {
    #[cfg(target_os = "linux")]
    let (variable, value) = ("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    #[cfg(windows)]
    let (variable, value) = (WEBVIEW2_ARGUMENTS, WEBVIEW2_LOW_MEMORY);
    #[cfg(any(target_os = "linux", windows))]
    {
        if std::env::var_os(variable).is_some() {
            return;
        }
        let setting = std::env::var("OVOP_LOW_MEMORY").ok();
        if low_memory(total_memory_kib(), setting.as_deref()) {
            std::env::set_var(variable, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{low_memory, meminfo_total_kib};

    const FOUR_GB: Option<u64> = Some(3884504);
    const SIXTEEN_GB: Option<u64> = Some(16058376);

    #[test]
    fn the_memory_is_read_from_meminfo() {
        assert_eq!(
            meminfo_total_kib("MemTotal:        3884504 kB\nMemFree:          612340 kB\n"),
            Some(3884504)
        );
        assert_eq!(meminfo_total_kib("garbage\nMemTotal: lots"), None);
        assert_eq!(meminfo_total_kib(""), None);
    }

    #[test]
    fn a_four_gigabyte_laptop_draws_without_compositing_a_bigger_one_with() {
        assert!(low_memory(FOUR_GB, None));
        assert!(!low_memory(SIXTEEN_GB, None));
    }

    #[test]
    fn the_setting_decides_and_unreadable_memory_keeps_the_default() {
        assert!(low_memory(SIXTEEN_GB, Some("1")));
        assert!(!low_memory(FOUR_GB, Some("0")));
        assert!(!low_memory(None, None));
        assert!(low_memory(FOUR_GB, Some("maybe")));
    }
}
