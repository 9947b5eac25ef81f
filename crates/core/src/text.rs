//! The one typeface of every picture: DejaVu Sans, compiled in from `assets/fonts/` (licence beside
//! it), so text renders the same on every machine and never depends on the fonts installed there.
//! It covers Greek (β, σ, λ, ε, μ), subscripts and the usual mathematical signs.
//!
//! Bitmap pictures rasterise their text from it directly ([`crate::raster`], measured with
//! [`text_size`]); it is also registered with `plotters` under the generic family name
//! `sans-serif` (the name plotters' own defaults ask for, and what an SVG viewer falls back to)
//! the first time any picture asks for a [`font`].

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::style::{FontDesc, FontFamily, FontStyle, register_font};

/// DejaVu Sans 2.37 (`assets/fonts/DejaVuSans.ttf`).
pub static FONT_BYTES: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/fonts/DejaVuSans.ttf"));

/// The family every picture draws its text in.
pub const FAMILY: FontFamily<'static> = FontFamily::SansSerif;

/// Text sizes in pixels (the em height), one per role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    /// Plot titles.
    Title,
    /// Axis titles and legends.
    Label,
    /// Tick labels, row labels and captions.
    Small,
    /// Counts inside heatmap cells, captions under small images.
    Tiny,
}

impl TextSize {
    pub fn pixels(self) -> f64 {
        match self {
            TextSize::Title => 22.0,
            TextSize::Label => 17.0,
            TextSize::Small => 14.0,
            TextSize::Tiny => 12.0,
        }
    }
}

/// The embedded font, parsed once.
pub fn face() -> Result<&'static FontRef<'static>, String> {
    static FACE: OnceLock<Result<FontRef<'static>, String>> = OnceLock::new();
    FACE.get_or_init(|| {
        FontRef::try_from_slice(FONT_BYTES)
            .map_err(|e| format!("the embedded font assets/fonts/DejaVuSans.ttf cannot be parsed: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// One line of text laid out at a size: where each glyph's pen position falls.
#[derive(Debug, Clone)]
pub struct Line {
    /// `(character, pen x)` from the line's left edge, kerning included.
    pub glyphs: Vec<(char, f32)>,
    /// Advance width of the whole line.
    pub width: f32,
    /// Distance from the top of the line box down to the baseline.
    pub ascent: f32,
    /// Height of the line box (ascent + descent): `size` pixels.
    pub height: f32,
}

impl Line {
    /// Lays out `text` at `size` pixels.
    pub fn layout(text: &str, size: f64) -> Result<Line, String> {
        let scaled = face()?.as_scaled(PxScale::from(size as f32));
        let mut glyphs = Vec::with_capacity(text.len());
        let mut pen = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                pen += scaled.kern(previous, id);
            }
            glyphs.push((c, pen));
            pen += scaled.h_advance(id);
            previous = Some(id);
        }
        Ok(Line { glyphs, width: pen, ascent: scaled.ascent(), height: scaled.ascent() - scaled.descent() })
    }
}

/// Registers the embedded font once; `Err` (the same message every time) if it cannot be parsed.
pub fn ensure_registered() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY.as_str(), FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "the embedded font assets/fonts/DejaVuSans.ttf cannot be parsed".to_string())
        })
        .clone()
}

/// The embedded font at `size` pixels (registered on first use).
pub fn font(size: f64) -> Result<FontDesc<'static>, String> {
    ensure_registered()?;
    Ok(FontDesc::new(FAMILY, size, FontStyle::Normal))
}

/// Width and height in pixels of `text` drawn at `size` (the height of a line: ascent plus
/// descent, the same for every text).
pub fn text_size(text: &str, size: f64) -> Result<(u32, u32), String> {
    if text.is_empty() {
        return Ok((0, 0));
    }
    let line = Line::layout(text, size)?;
    Ok((line.width.ceil() as u32, line.height.ceil() as u32))
}

/// The largest size, from `size` down to `min_size` in steps of one pixel, at which `text` is at
/// most `width` pixels wide (`min_size` when none is).
pub fn fitting_size(text: &str, size: f64, min_size: f64, width: u32) -> Result<f64, String> {
    let mut candidate = size;
    while candidate > min_size {
        if text_size(text, candidate)?.0 <= width {
            return Ok(candidate);
        }
        candidate -= 1.0;
    }
    Ok(min_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_parses_and_measures_greek() {
        let (w, h) = text_size("β σ λ ε", 20.0).unwrap();
        assert!(w > 40 && h > 10, "{w}×{h}");
        let (short, _) = text_size("loss", 20.0).unwrap();
        let (long, _) = text_size("loss per optimisation step", 20.0).unwrap();
        assert!(long > 4 * short, "{short} vs {long}");
    }

    #[test]
    fn fitting_size_shrinks_long_text_only() {
        assert_eq!(fitting_size("Bag", 14.0, 8.0, 60).unwrap(), 14.0);
        let fitted = fitting_size("Ankle boot and more", 14.0, 8.0, 60).unwrap();
        assert!(fitted < 14.0);
        assert!(text_size("Ankle boot and more", fitted).unwrap().0 <= 60 || fitted == 8.0);
    }
}
