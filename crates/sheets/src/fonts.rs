//! The fonts a sheet is set in (Noto Sans, regular and bold: Indonesian and Vietnamese in full),
//! checked once when they are given, and their advances for measuring text.

use crate::canvas::Weight;
use crate::SheetError;

/// The bundled Noto Sans, under the SIL Open Font License (`assets/fonts/OFL.txt`).
const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf");

/// The two faces of a sheet, as bytes; parsed for embedding once, on first use, and shared by
/// every sheet made with them (a batch parses them once, not once per sheet).
#[derive(Clone)]
pub struct Fonts {
    pub(crate) regular: Vec<u8>,
    pub(crate) bold: Vec<u8>,
    parsed:
        std::sync::Arc<std::sync::OnceLock<Option<(printpdf::ParsedFont, printpdf::ParsedFont)>>>,
}

impl Fonts {
    /// The fonts that ship with the app.
    pub fn bundled() -> Fonts {
        Fonts {
            regular: REGULAR.to_vec(),
            bold: BOLD.to_vec(),
            parsed: Default::default(),
        }
    }

    /// Other fonts (TrueType or OpenType); refused with `sheet.font` when either is not one.
    pub fn from_bytes(regular: Vec<u8>, bold: Vec<u8>) -> Result<Fonts, SheetError> {
        for (name, bytes) in [("regular", &regular), ("bold", &bold)] {
            let face = ttf_parser::Face::parse(bytes, 0)
                .map_err(|e| SheetError::Font(format!("the {name} font cannot be read: {e}")))?;
            let letters = face
                .glyph_index('A')
                .and_then(|g| face.glyph_hor_advance(g));
            let mut warnings = Vec::new();
            let embeddable = printpdf::ParsedFont::from_bytes(bytes, 0, &mut warnings).is_some();
            if letters.is_none() || !embeddable {
                return Err(SheetError::Font(format!(
                    "the {name} font is incomplete or damaged and cannot be embedded"
                )));
            }
        }
        Ok(Fonts {
            regular,
            bold,
            parsed: Default::default(),
        })
    }

    /// The faces as printpdf embeds them: regular, bold.
    pub(crate) fn parsed(
        &self,
    ) -> Result<&(printpdf::ParsedFont, printpdf::ParsedFont), SheetError> {
        self.parsed
            .get_or_init(|| {
                let mut warnings = Vec::new();
                let regular = printpdf::ParsedFont::from_bytes(&self.regular, 0, &mut warnings)?;
                let bold = printpdf::ParsedFont::from_bytes(&self.bold, 0, &mut warnings)?;
                Some((regular, bold))
            })
            .as_ref()
            .ok_or_else(|| SheetError::Font("a font cannot be read".into()))
    }

    pub(crate) fn metrics(&self) -> Result<Metrics<'_>, SheetError> {
        fn face<'b>(bytes: &'b [u8], name: &str) -> Result<ttf_parser::Face<'b>, SheetError> {
            ttf_parser::Face::parse(bytes, 0)
                .map_err(|e| SheetError::Font(format!("the {name} font cannot be read: {e}")))
        }
        Ok(Metrics {
            regular: face(&self.regular, "regular")?,
            bold: face(&self.bold, "bold")?,
        })
    }
}

/// Advance widths, to measure a line before it is set.
pub struct Metrics<'a> {
    regular: ttf_parser::Face<'a>,
    bold: ttf_parser::Face<'a>,
}

impl Metrics<'_> {
    /// The width of `text` in mm at `size` points (kerning aside: lines get a little slack).
    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let face = match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        };
        let em = face.units_per_em() as f32;
        let units: f32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or((em * 0.6) as u16) as f32
            })
            .sum();
        units / em * size * 25.4 / 72.0
    }
}
