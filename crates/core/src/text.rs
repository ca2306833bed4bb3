//! Text a user hands the product in a file (a criteria sheet saved as CSV, a text file holding
//! a certificate's code), decoded the way Excel and Notepad write it on Windows: "CSV UTF-8"
//! (UTF-8 with a byte-order mark), "Unicode Text" (UTF-16 LE with its mark, tab-separated), and
//! plain "CSV", which is in the machine's ANSI code page: Windows-1252 on Indonesian and English
//! Windows, Windows-1258 on Vietnamese Windows. [`decode_import`] is the one decoder every
//! import goes through; it takes bytes (nothing here opens a file).
//!
//! A code page cannot be told from the bytes (every byte is a letter in both), so the caller
//! names the one the file was most likely written in ([`CodePage`]): from the programme or the
//! language the file declares, or the country the laptop works in.
//!
//! UTF-16 without a byte-order mark is not guessed at: Excel and Notepad always write the mark,
//! and text without it reads as UTF-8 holding NUL characters, which is refused.

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1258};
use unicode_normalization::UnicodeNormalization;

use crate::criteria::Programme;

/// The ANSI code page a file that is not Unicode is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    /// Western European: Indonesian and English Windows.
    Windows1252,
    /// Vietnamese: letters with their tone marks as combining characters.
    Windows1258,
}

impl CodePage {
    /// The code page of Windows set up for the language `lang` (`vi`, `id`, `en`).
    pub fn of_language(lang: &str) -> CodePage {
        if lang.trim().eq_ignore_ascii_case("vi") {
            CodePage::Windows1258
        } else {
            CodePage::Windows1252
        }
    }

    /// The code page of the offices that run `programme`: OCOP is Vietnam's.
    pub fn of_programme(programme: Programme) -> CodePage {
        match programme {
            Programme::Ocop => CodePage::Windows1258,
            Programme::Ovop | Programme::Otop | Programme::Other => CodePage::Windows1252,
        }
    }

    /// The code page of Windows in the country `country` (`VN`, `ID`).
    pub fn of_country(country: &str) -> CodePage {
        if country.trim().eq_ignore_ascii_case("VN") {
            CodePage::Windows1258
        } else {
            CodePage::Windows1252
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CodePage::Windows1252 => "Windows-1252",
            CodePage::Windows1258 => "Windows-1258",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            CodePage::Windows1252 => WINDOWS_1252,
            CodePage::Windows1258 => WINDOWS_1258,
        }
    }
}

/// Why a file's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the UTF-16 text has an odd number of bytes: it is cut short")]
    Utf16Cut,
    #[error("the UTF-16 text is damaged ({0})")]
    Utf16Damaged(String),
    #[error("the text holds NUL characters (UTF-16 or UTF-32 without a byte-order mark, or not text at all): save it as \"CSV UTF-8\"")]
    Nul,
    #[error("the text is not UTF-8 (byte {at} is 0x{byte:02X}): save it as \"CSV UTF-8\" or \"Unicode text\"")]
    NotUtf8 { at: usize, byte: u8 },
    #[error("byte {at} (0x{byte:02X}) is no letter in {code_page}, the code page a plain CSV file is read in: the file is not text, or is in another encoding; save it as \"CSV UTF-8\"")]
    NotText {
        at: usize,
        byte: u8,
        code_page: &'static str,
    },
}

/// The text of a file a user gave, from its bytes:
///
/// * a UTF-8 byte-order mark is dropped, and what follows must be UTF-8;
/// * UTF-16 LE or BE with its byte-order mark is decoded (Excel's "Unicode Text");
/// * valid UTF-8 is taken as it is;
/// * anything else is read in `ansi`, the code page the caller expects, and normalised to NFC
///   (Windows-1258 writes a tone mark as a letter of its own after the vowel). With `ansi`
///   none (a format that is always Unicode, such as JSON) it is refused.
///
/// Text holding NUL characters, or bytes that are control characters in the code page, is
/// refused: it is not text, or not in the encoding it was taken for. Positions in errors are
/// 1-based bytes.
pub fn decode_import(bytes: &[u8], ansi: Option<CodePage>) -> Result<String, DecodeError> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8(rest).map_err(|at| not_utf8(rest, at))?.to_string()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)?
    } else {
        match (utf8(bytes), ansi) {
            (Ok(text), _) => text.to_string(),
            (Err(at), None) => return Err(not_utf8(bytes, at)),
            (Err(_), Some(code_page)) => return code_page_text(bytes, code_page),
        }
    };
    if text.contains('\0') {
        return Err(DecodeError::Nul);
    }
    Ok(text)
}

fn utf8(bytes: &[u8]) -> Result<&str, usize> {
    std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

fn not_utf8(bytes: &[u8], at: usize) -> DecodeError {
    DecodeError::NotUtf8 {
        at: at + 1,
        byte: bytes.get(at).copied().unwrap_or(0),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    let pairs = bytes.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(DecodeError::Utf16Cut);
    }
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| DecodeError::Utf16Damaged(e.to_string()))
}

/// Bytes in a single-byte code page: one character per byte, so a refused character's index
/// is its byte's.
fn code_page_text(bytes: &[u8], code_page: CodePage) -> Result<String, DecodeError> {
    let (text, _) = code_page.encoding().decode_without_bom_handling(bytes);
    // A byte the code page leaves undefined comes out as a C1 control character: the file is
    // in another encoding (or is no text), and reading on would put wrong letters in it.
    let refused = text
        .chars()
        .position(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    if let Some(at) = refused {
        return Err(DecodeError::NotText {
            at: at + 1,
            byte: bytes.get(at).copied().unwrap_or(0),
            code_page: code_page.name(),
        });
    }
    Ok(text.nfc().collect())
}

/// The character (`,`, `;` or tab) that separates the cells of `header`, a CSV file's header
/// line: the one found most often outside quotes. Excel separates with the list separator of
/// the machine's region settings, a semicolon wherever the decimal separator is a comma
/// (Indonesia, Vietnam); "Unicode Text" separates with tabs. On a tie the comma wins, then
/// the semicolon.
pub fn csv_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [commas, semicolons, tabs] = counts;
    if commas >= semicolons && commas >= tabs {
        b','
    } else if semicolons >= tabs {
        b';'
    } else {
        b'\t'
    }
}

/// Bytes as Windows programs write text, for the tests of this crate's readers.
#[cfg(test)]
pub(crate) mod samples {
    use super::CodePage;
    use unicode_normalization::UnicodeNormalization;

    pub(crate) fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    }

    /// Vietnamese as Windows-1258 holds it: each tone mark (grave, hook, tilde, acute, dot
    /// below) a combining character after its vowel, the other marks composed (â, ơ, ư).
    pub(crate) fn windows_1258_form(text: &str) -> String {
        let tone =
            |c: &char| matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}');
        let mut out = String::new();
        for c in text.chars() {
            let (tones, rest): (Vec<char>, Vec<char>) = std::iter::once(c).nfd().partition(tone);
            out.extend(rest.into_iter().nfc());
            out.extend(tones);
        }
        out
    }

    pub(crate) fn encoded(text: &str, code_page: CodePage) -> Vec<u8> {
        let (bytes, _, unmappable) = code_page.encoding().encode(text);
        assert!(
            !unmappable,
            "{text:?} has letters {} lacks",
            code_page.name()
        );
        bytes.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{encoded, utf16, windows_1258_form};
    use super::*;

    const LINE: &str = "Kopi Luwak Café,Jalapeño,Nước mắm Phú Quốc\r\n";

    #[test]
    fn utf8_with_and_without_its_mark_and_utf16_with_its_mark_read_the_same() {
        for (what, bytes) in [
            ("UTF-8", LINE.as_bytes().to_vec()),
            (
                "UTF-8 with its mark",
                [b"\xEF\xBB\xBF", LINE.as_bytes()].concat(),
            ),
            ("UTF-16 LE", utf16(LINE, false)),
            ("UTF-16 BE", utf16(LINE, true)),
        ] {
            for ansi in [
                None,
                Some(CodePage::Windows1252),
                Some(CodePage::Windows1258),
            ] {
                assert_eq!(decode_import(&bytes, ansi).as_deref(), Ok(LINE), "{what}");
            }
        }
    }

    #[test]
    fn a_plain_csv_from_western_windows_is_read_in_windows_1252() {
        let text = "Kopi Luwak Café;Jalapeño;Crème brûlée 5€\r\n";
        let bytes = encoded(text, CodePage::Windows1252);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(
            decode_import(&bytes, Some(CodePage::Windows1252)).as_deref(),
            Ok(text)
        );
    }

    #[test]
    fn a_plain_csv_from_vietnamese_windows_is_read_in_windows_1258_and_composed() {
        let text = "Nước mắm Phú Quốc,Cà phê bột Đắk Hà,Bánh tráng Trảng Bàng\r\n";
        // Windows-1258 has no "ố" or "ắ": they are written "ô" or "ă" and a combining mark.
        let bytes = encoded(&windows_1258_form(text), CodePage::Windows1258);
        assert!(std::str::from_utf8(&bytes).is_err());
        let read = decode_import(&bytes, Some(CodePage::Windows1258)).expect("text");
        assert_eq!(read, text);
        assert!(read.chars().eq(text.nfc()), "NFC");
    }

    #[test]
    fn a_text_that_is_not_unicode_is_refused_when_no_code_page_is_expected() {
        let bytes = encoded("Café", CodePage::Windows1252);
        assert_eq!(
            decode_import(&bytes, None),
            Err(DecodeError::NotUtf8 { at: 4, byte: 0xE9 })
        );
        // A byte-order mark says UTF-8: what follows is not read in a code page.
        let marked = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
        assert!(matches!(
            decode_import(&marked, Some(CodePage::Windows1252)),
            Err(DecodeError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn bytes_that_are_no_text_are_refused_never_panic() {
        // UTF-16 without its mark reads as UTF-8 holding NUL characters.
        let bare = &utf16("kode,poin", false)[2..];
        assert_eq!(
            decode_import(bare, Some(CodePage::Windows1252)),
            Err(DecodeError::Nul)
        );
        assert_eq!(
            decode_import(&utf16("kode", false)[..5], None),
            Err(DecodeError::Utf16Cut)
        );
        // An unpaired surrogate.
        assert!(matches!(
            decode_import(b"\xFF\xFE\x00\xD8a\x00", None),
            Err(DecodeError::Utf16Damaged(_))
        ));
        // 0x81 is undefined in both code pages; a PDF renamed .csv holds control bytes.
        for code_page in [CodePage::Windows1252, CodePage::Windows1258] {
            assert!(matches!(
                decode_import(b"abc\xE9\x81", Some(code_page)),
                Err(DecodeError::NotText {
                    at: 5,
                    byte: 0x81,
                    ..
                })
            ));
        }
        assert!(matches!(
            decode_import(b"%PDF-1.4\n\x01\x02\xE2\xE3", Some(CodePage::Windows1252)),
            Err(DecodeError::NotText { at: 10, .. })
        ));
        for bytes in [
            &b""[..],
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFE",
            b"\xFF\xFF\xFF",
        ] {
            let _ = decode_import(bytes, Some(CodePage::Windows1258));
        }
        assert_eq!(decode_import(b"", None).as_deref(), Ok(""));
    }

    #[test]
    fn the_code_page_follows_the_programme_language_or_country() {
        assert_eq!(
            CodePage::of_programme(Programme::Ocop),
            CodePage::Windows1258
        );
        assert_eq!(
            CodePage::of_programme(Programme::Ovop),
            CodePage::Windows1252
        );
        assert_eq!(CodePage::of_language("vi"), CodePage::Windows1258);
        assert_eq!(CodePage::of_language("id"), CodePage::Windows1252);
        assert_eq!(CodePage::of_country("VN"), CodePage::Windows1258);
        assert_eq!(CodePage::of_country("ID"), CodePage::Windows1252);
    }

    #[test]
    fn the_delimiter_is_the_one_found_most_outside_quotes() {
        assert_eq!(csv_delimiter("part,section,code"), b',');
        assert_eq!(csv_delimiter("part;section;code"), b';');
        assert_eq!(csv_delimiter("part\tsection\tcode"), b'\t');
        assert_eq!(csv_delimiter("\"a, b, c\";\"d, e\";f"), b';');
        assert_eq!(csv_delimiter("\"a;b;c\",d"), b',');
        assert_eq!(csv_delimiter("one column"), b',');
        assert_eq!(csv_delimiter("a;b,c\td"), b',');
        assert_eq!(csv_delimiter("a;b\tc"), b';');
    }
}
