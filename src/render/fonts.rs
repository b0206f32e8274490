//! The report's fonts, compiled into the binary, and text measurement with their glyph advances
//! (render stage; depends on printpdf's font parser only).
//!
//! The PDF embeds these faces and the charts name them, so no output depends on the fonts
//! installed on the machine. Layout (PDF wrapping, chart label fitting) measures with the same
//! advances the PDF viewer will use.

use printpdf as pp;
use std::sync::OnceLock;

/// DejaVu Sans, regular.
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans, bold.
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family charts ask for: the embedded faces' PostScript names first (printpdf registers
/// them as aliases of the fonts it is given, and no system font carries them), then the family
/// a browser knows.
pub(crate) const SVG_FAMILY: &str = "DejaVuSans, 'DejaVu Sans', Verdana, sans-serif";
/// The bold counterpart of [`SVG_FAMILY`].
pub(crate) const SVG_FAMILY_BOLD: &str = "DejaVuSans-Bold, 'DejaVu Sans', Verdana, sans-serif";

/// Weight of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// A parsed face with its advance widths in em units, cached for the Latin range.
pub(crate) struct Face {
    pub(crate) parsed: pp::ParsedFont,
    latin: Vec<f32>,
    upem: f32,
}

impl Face {
    fn load(bytes: &[u8]) -> Option<Face> {
        let parsed = pp::ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?;
        let upem = f32::from(parsed.font_metrics.units_per_em.max(1));
        let mut face = Face {
            parsed,
            latin: Vec::new(),
            upem,
        };
        face.latin = (0u32..0x250)
            .map(|cp| char::from_u32(cp).map_or(0.0, |c| face.advance_uncached(c)))
            .collect();
        Some(face)
    }

    fn advance_uncached(&self, c: char) -> f32 {
        let gid = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.parsed.get_horizontal_advance(gid)) / self.upem
    }

    /// Advance of `c` in em.
    pub(crate) fn advance(&self, c: char) -> f32 {
        self.latin
            .get(c as usize)
            .copied()
            .unwrap_or_else(|| self.advance_uncached(c))
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }
}

/// The regular and bold faces, parsed once per process.
pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

impl Fonts {
    /// The face of a weight.
    pub(crate) fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// The embedded fonts; `None` only if the embedded files were corrupt.
pub(crate) fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: Face::load(REGULAR_TTF)?,
                bold: Face::load(BOLD_TTF)?,
            })
        })
        .as_ref()
}

/// Width of `text` in the regular face at `size`, with a fallback estimate if the fonts failed.
pub(crate) fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    match fonts() {
        Some(f) => f.face(weight).width(text, size),
        None => text.chars().count() as f32 * size * 0.6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_parse_and_measure_plausibly() {
        let f = fonts().expect("embedded fonts parse");
        // DejaVu Sans digits are 0.636 em wide: "1234" at 10 pt is about 25.4 pt.
        let w = f.regular.width("1234", 10.0);
        assert!((w - 25.45).abs() < 0.2, "{w}");
        assert!(f.bold.width("Página", 10.0) > f.regular.width("Página", 10.0));
        assert!(f.regular.advance('€') > 0.0 && f.regular.advance('ñ') > 0.0);
    }
}
