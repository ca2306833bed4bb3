//! File names made from what users typed (a product's name, a certificate's number, a set's id),
//! such that Windows accepts them as well as Linux and macOS. [`safe_file_name`] is the one
//! gate every name the product writes passes; [`words_stem`] turns words into a stem first.
//!
//! Windows refuses `< > : " / \ | ? *` and control characters, drops a trailing dot or space
//! (so `sheet.` and `sheet` would be the same file), and keeps the device names (`CON`, `NUL`,
//! `COM1` ... with any extension: `aux.pdf` is the device too) from being files. A name is at
//! most 255 UTF-16 units on Windows and 255 bytes on Linux; names here stay far below both, so
//! the folder's path has room as well.

/// The most UTF-8 bytes a stem keeps: a character is never more UTF-16 units than UTF-8 bytes,
/// so this bounds both systems' limits, with room for an extension.
pub const MAX_STEM_BYTES: usize = 160;

/// The most UTF-8 bytes [`words_stem`] keeps, so words fit in a stem with a prefix and a
/// suffix around them (`usulan-7-…`, `…-rev2-tanda-terima`).
pub const MAX_WORDS_BYTES: usize = 100;

/// Characters Windows refuses in a name (besides control characters).
const FORBIDDEN: [char; 9] = ['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Names Windows keeps for devices, whatever their case and extension.
const DEVICES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// `words` as part of a file name: the letters and digits of any language kept, every run of
/// anything else one dash, none at either end; at most `max_chars` characters and
/// [`MAX_WORDS_BYTES`] bytes, cut between characters. Empty when `words` has no letter or digit.
pub fn words_stem(words: &str, max_chars: usize) -> String {
    let mut stem = String::new();
    let mut chars = 0;
    for word in words.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let dash = usize::from(!stem.is_empty());
        for (i, c) in word.chars().enumerate() {
            let extra = if i == 0 { dash } else { 0 };
            if chars + extra + 1 > max_chars || stem.len() + extra + c.len_utf8() > MAX_WORDS_BYTES
            {
                return stem;
            }
            if extra == 1 {
                stem.push('-');
            }
            stem.push(c);
            chars += extra + 1;
        }
    }
    stem
}

/// `stem.ext` as a name every system accepts (`ext` without its dot, empty for none):
/// characters Windows refuses become `_`, dots and spaces leave both ends, the stem is cut to
/// [`MAX_STEM_BYTES`] between characters, `fallback` stands in for a stem left empty, and a
/// device name (`CON`, `aux.tar`, `COM¹`) gets `_` before it.
pub fn safe_file_name(stem: &str, ext: &str, fallback: &str) -> String {
    let mut stem = clean(stem);
    if stem.is_empty() {
        stem = clean(fallback);
    }
    if stem.is_empty() {
        stem = "file".into();
    }
    if is_device(&stem) {
        stem.insert(0, '_');
    }
    let ext: String = ext.chars().filter(char::is_ascii_alphanumeric).collect();
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

/// Refused characters as `_`, no dot or space at either end, at most [`MAX_STEM_BYTES`].
fn clean(stem: &str) -> String {
    let replaced: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || FORBIDDEN.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut cut = String::new();
    for c in replaced.trim_matches(['.', ' ']).chars() {
        if cut.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        cut.push(c);
    }
    cut.trim_end_matches(['.', ' ']).to_string()
}

/// Whether Windows takes `name` for a device: its part before the first dot, without the spaces
/// that end it, is a device's name (`con .txt`, `LPT9`, `Com²`).
fn is_device(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper = base.to_uppercase();
    if DEVICES.contains(&upper.as_str()) {
        return true;
    }
    let Some(number) = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"))
    else {
        return false;
    };
    matches!(
        number,
        "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(stem: &str) -> String {
        safe_file_name(stem, "pdf", "lembar")
    }

    /// What Windows refuses in a whole file name.
    fn windows_refuses(name: &str) -> bool {
        name.chars()
            .any(|c| c.is_control() || FORBIDDEN.contains(&c))
            || name.ends_with(['.', ' '])
            || name.encode_utf16().count() > 255
            || is_device(name)
    }

    #[test]
    fn device_names_are_never_files() {
        for (stem, name) in [
            ("CON", "_CON.pdf"),
            ("con", "_con.pdf"),
            ("aux.pdf", "_aux.pdf.pdf"),
            ("con .txt", "_con .txt.pdf"),
            ("COM1", "_COM1.pdf"),
            ("LPT9", "_LPT9.pdf"),
            ("lpt0", "_lpt0.pdf"),
            ("COM²", "_COM².pdf"),
            ("nul.", "_nul.pdf"),
            ("Prn.tar.gz", "_Prn.tar.gz.pdf"),
            ("CONOUT$", "_CONOUT$.pdf"),
        ] {
            assert_eq!(pdf(stem), name, "{stem}");
            assert!(!windows_refuses(&pdf(stem)), "{stem}");
        }
        assert_eq!(safe_file_name("nul", "", "x"), "_nul");
        // Not devices: longer names, or a device's name inside another.
        for stem in [
            "CONSOLE",
            "COM10",
            "LPT",
            "aux-1",
            "con_x",
            "Nulis",
            "sertifikat-CON",
        ] {
            assert_eq!(pdf(stem), format!("{stem}.pdf"));
        }
    }

    #[test]
    fn characters_windows_refuses_become_underscores() {
        assert_eq!(pdf("a:b?c*d"), "a_b_c_d.pdf");
        assert_eq!(pdf("a/b\\c|d"), "a_b_c_d.pdf");
        assert_eq!(pdf("<\"x\">"), "__x__.pdf");
        assert_eq!(pdf("tab\there\u{0}\u{85}"), "tab_here__.pdf");
        assert_eq!(pdf("../../etc/passwd"), "_.._etc_passwd.pdf");
    }

    #[test]
    fn no_dot_or_space_ends_a_name() {
        assert_eq!(pdf("lembar. . "), "lembar.pdf");
        assert_eq!(pdf("  .hidden"), "hidden.pdf");
        assert_eq!(pdf("..."), "lembar.pdf");
        assert_eq!(pdf(" "), "lembar.pdf");
        assert_eq!(safe_file_name("notes.", "", "x"), "notes");
        assert_eq!(safe_file_name("x", ".p?df", "x"), "x.pdf");
    }

    #[test]
    fn an_empty_or_punctuation_only_name_falls_back_to_the_default() {
        assert_eq!(words_stem("", 60), "");
        assert_eq!(words_stem("/// -- !!", 60), "");
        assert_eq!(pdf(&words_stem("/// -- !!", 60)), "lembar.pdf");
        assert_eq!(safe_file_name("", "pdf", ""), "file.pdf");
        assert_eq!(safe_file_name("", "pdf", "con"), "_con.pdf");
    }

    #[test]
    fn words_keep_letters_and_digits_of_any_language_with_dashes_between() {
        assert_eq!(
            words_stem("Keripik Pisang / Kepok 150g", 60),
            "Keripik-Pisang-Kepok-150g"
        );
        assert_eq!(words_stem("Cà phê bột Đắk Hà", 60), "Cà-phê-bột-Đắk-Hà");
        assert_eq!(words_stem("../../etc/passwd", 60), "etc-passwd");
        assert_eq!(words_stem("Madu 🍯 Hutan: A*B?", 60), "Madu-Hutan-A-B");
        assert_eq!(words_stem("abc def", 5), "abc-d");
        assert_eq!(words_stem("abc def", 4), "abc");
        assert_eq!(words_stem("abc def", 3), "abc");
    }

    #[test]
    fn a_long_vietnamese_name_is_cut_between_characters_well_under_the_limits() {
        let long = "Nước mắm Phú Quốc thượng hạng ".repeat(10);
        assert!(long.chars().count() >= 300);
        let words = words_stem(&long, 300);
        assert!(words.len() <= MAX_WORDS_BYTES, "{} bytes", words.len());
        assert!(long.replace(' ', "-").starts_with(&words));
        assert!(!words.ends_with('-'));
        let name = pdf(&long);
        assert!(name.len() <= MAX_STEM_BYTES + 4, "{} bytes", name.len());
        assert!(name.encode_utf16().count() < 200);
        assert!(!windows_refuses(&name), "{name}");
        assert!(name.ends_with(".pdf"));
        // Three-byte letters cut at a byte limit that falls inside one.
        let stem = "ố".repeat(200);
        let name = pdf(&stem);
        assert_eq!(name, format!("{}.pdf", "ố".repeat(MAX_STEM_BYTES / 3)));
    }

    #[test]
    fn an_emoji_is_kept_whole_or_not_at_all() {
        assert_eq!(pdf("Kue 🎂"), "Kue 🎂.pdf");
        assert_eq!(words_stem("🎂🎂", 60), "");
        let stem = format!("a{}", "🎂".repeat(100));
        let name = pdf(&stem);
        assert_eq!(
            name,
            format!("a{}.pdf", "🎂".repeat((MAX_STEM_BYTES - 1) / 4))
        );
        assert!(!windows_refuses(&name));
    }
}
