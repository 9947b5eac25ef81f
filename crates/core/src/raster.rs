//! The bitmap backend every picture is drawn on: `plotters`' `BitMapBackend` for shapes, with text
//! rasterised here from the embedded font ([`crate::text`]). plotters' own `ab_glyph` text path
//! drops each glyph's side bearing (letters drift apart: "Ankl e boot") and draws glyphs a quarter
//! of their size above the box it lays out; this one places every glyph at its pen position on
//! the baseline, kerning included, anchored and rotated as the text style asks.

use plotters::backend::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};

use ab_glyph::{Font, PxScale, ScaleFont, point};

use crate::text::{Line, face};

/// Coverage below this is not drawn (invisible, and it saves blending).
const MIN_COVERAGE: f32 = 1.0 / 255.0;

/// An RGB pixel buffer as a `plotters` backend, with exact text.
pub struct RasterBackend<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> RasterBackend<'a> {
    /// Draws into `buffer` (row-major RGB, `size.0 × size.1` pixels).
    pub fn with_buffer(buffer: &'a mut [u8], size: (u32, u32)) -> Self {
        RasterBackend { inner: BitMapBackend::with_buffer(buffer, size) }
    }
}

type Failure<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

/// A text problem (the font) as a drawing error.
fn font_failure<'a>(reason: String) -> Failure<'a> {
    DrawingErrorKind::FontError(reason.into())
}

impl<'a> DrawingBackend for RasterBackend<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Failure<'a>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Failure<'a>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failure<'a>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failure<'a>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure<'a>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), Failure<'a>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32), Failure<'a>> {
        let line = Line::layout(text, style.size()).map_err(font_failure)?;
        Ok((line.width.ceil() as u32, line.height.ceil() as u32))
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result<(), Failure<'a>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let line = Line::layout(text, style.size()).map_err(font_failure)?;
        let anchor = style.anchor();
        // The line box relative to the anchor (unrotated): where its left edge and baseline go.
        let left = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -line.width / 2.0,
            HPos::Right => -line.width,
        };
        let baseline = match anchor.v_pos {
            VPos::Top => line.ascent,
            VPos::Center => line.ascent - line.height / 2.0,
            VPos::Bottom => line.ascent - line.height,
        };
        let scaled = face().map_err(font_failure)?.as_scaled(PxScale::from(style.size() as f32));
        let transform = style.transform();
        let (width, height) = self.get_size();
        let mut pixels = Vec::new();
        for &(c, pen) in &line.glyphs {
            let glyph = scaled.glyph_id(c).with_scale_and_position(scaled.scale(), point(left + pen, baseline));
            let Some(outline) = scaled.outline_glyph(glyph) else {
                continue; // a space
            };
            let bounds = outline.px_bounds();
            outline.draw(|x, y, coverage| {
                if coverage >= MIN_COVERAGE {
                    let (dx, dy) = (bounds.min.x as i32 + x as i32, bounds.min.y as i32 + y as i32);
                    let (dx, dy) = transform.transform(dx, dy);
                    pixels.push(((pos.0 + dx, pos.1 + dy), coverage.min(1.0)));
                }
            });
        }
        for ((x, y), coverage) in pixels {
            if x >= 0 && y >= 0 && (x as u32) < width && (y as u32) < height {
                let ink = BackendColor { alpha: color.alpha * f64::from(coverage), rgb: color.rgb };
                self.inner.draw_pixel((x, y), ink)?;
            }
        }
        Ok(())
    }
}
