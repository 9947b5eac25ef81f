//! A small RGB raster canvas: the drawing surface behind image grids and plots.
//!
//! Drawing positions are signed (`i32`) so that shapes may stick out of the
//! canvas; everything is clipped to the canvas bounds. Sizes are `usize`.
//! [`Canvas::save_png`] writes the result atomically (via [`crate::atomic`]: a `.tmp` file renamed
//! into place), so a crashed run never leaves a half-written PNG behind.

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use crate::atomic::write_atomic;
use crate::font::{DESCENT, GLYPH_ADVANCE, GLYPH_H, GLYPH_SPACING, GLYPH_W, Glyph, baseline_shift, glyph};

/// Bytes per pixel (R, G, B).
const BYTES_PER_PIXEL: usize = 3;

/// An 8-bit RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    /// Text and axes.
    pub const DARK_GREY: Rgb = Rgb(40, 40, 40);
    /// Neutral separators and frames.
    pub const GREY: Rgb = Rgb(128, 128, 128);
    /// Grid lines behind plotted data.
    pub const LIGHT_GREY: Rgb = Rgb(225, 225, 225);
    /// Highlights (marked cells).
    pub const RED: Rgb = Rgb(230, 30, 30);

    /// A grey level from an intensity in `[0, 1]` (clamped; NaN is black).
    pub fn gray(value: f32) -> Rgb {
        let v = unit_to_byte(value);
        Rgb(v, v, v)
    }
}

/// Ten easily distinguished colours (matplotlib's "tab10"), for series and classes.
pub const PALETTE: [Rgb; 10] = [
    Rgb(31, 119, 180),  // blue
    Rgb(255, 127, 14),  // orange
    Rgb(44, 160, 44),   // green
    Rgb(214, 39, 40),   // red
    Rgb(148, 103, 189), // purple
    Rgb(140, 86, 75),   // brown
    Rgb(227, 119, 194), // pink
    Rgb(127, 127, 127), // grey
    Rgb(188, 189, 34),  // olive
    Rgb(23, 190, 207),  // cyan
];

/// The palette colour for series or class `index` (wrapping around).
pub fn palette_color(index: usize) -> Rgb {
    PALETTE[index % PALETTE.len()]
}

/// How wide a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// One pixel wide.
    Thin,
    /// Two pixels wide (each point also covers its right, lower and diagonal neighbour).
    Thick,
}

/// Failure to produce or write an image file. Messages name the file.
#[derive(Debug)]
pub enum ImageError {
    /// The input data cannot be drawn (wrong lengths, zero sizes, bad marks…).
    InvalidInput { path: PathBuf, reason: String },
    /// PNG encoding failed.
    Encode { path: PathBuf, source: image::ImageError },
    /// Writing or renaming the file failed.
    Io { path: PathBuf, source: std::io::Error },
}

impl ImageError {
    /// An [`ImageError::InvalidInput`] for the image that was to be written at `path`.
    pub fn invalid(path: &Path, reason: impl Into<String>) -> Self {
        ImageError::InvalidInput { path: path.to_path_buf(), reason: reason.into() }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::InvalidInput { path, reason } => {
                write!(f, "cannot draw image {}: {reason}", path.display())
            }
            ImageError::Encode { path, source } => {
                write!(f, "cannot encode PNG {}: {source}", path.display())
            }
            ImageError::Io { path, source } => {
                write!(f, "cannot write image {}: {source}", path.display())
            }
        }
    }
}

impl Error for ImageError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ImageError::InvalidInput { .. } => None,
            ImageError::Encode { source, .. } => Some(source),
            ImageError::Io { source, .. } => Some(source),
        }
    }
}

/// An RGB image in memory, row-major, 3 bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    /// A `width`×`height` canvas filled with `background`.
    pub fn new(width: usize, height: usize, background: Rgb) -> Self {
        let Rgb(r, g, b) = background;
        let pixels = [r, g, b].repeat(width * height);
        Canvas { width, height, pixels }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// Raw pixel bytes, row-major RGB.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The colour at `(x, y)`, or `None` outside the canvas.
    pub fn get(&self, x: usize, y: usize) -> Option<Rgb> {
        let offset = self.offset(i32::try_from(x).ok()?, i32::try_from(y).ok()?)?;
        let p = &self.pixels[offset..offset + BYTES_PER_PIXEL];
        Some(Rgb(p[0], p[1], p[2]))
    }

    /// Paints one pixel; positions outside the canvas are ignored.
    pub fn set(&mut self, x: i32, y: i32, c: Rgb) {
        if let Some(offset) = self.offset(x, y) {
            self.pixels[offset..offset + BYTES_PER_PIXEL].copy_from_slice(&[c.0, c.1, c.2]);
        }
    }

    /// Fills the `w`×`h` rectangle whose top-left corner is `(x, y)`.
    pub fn fill_rect(&mut self, x: i32, y: i32, w: usize, h: usize, c: Rgb) {
        let (x0, x1) = clip_span(x, w, self.width);
        let (y0, y1) = clip_span(y, h, self.height);
        for row in y0..y1 {
            for col in x0..x1 {
                let offset = (row * self.width + col) * BYTES_PER_PIXEL;
                self.pixels[offset..offset + BYTES_PER_PIXEL].copy_from_slice(&[c.0, c.1, c.2]);
            }
        }
    }

    /// Draws a frame `thickness` pixels wide just inside the `w`×`h` rectangle at `(x, y)`.
    pub fn stroke_rect(&mut self, x: i32, y: i32, w: usize, h: usize, thickness: usize, c: Rgb) {
        let t = thickness.min(w).min(h);
        let right = x + to_i32(w) - to_i32(t);
        let bottom = y + to_i32(h) - to_i32(t);
        self.fill_rect(x, y, w, t, c);
        self.fill_rect(x, bottom, w, t, c);
        self.fill_rect(x, y, t, h, c);
        self.fill_rect(right, y, t, h, c);
    }

    /// A straight line from `(x0, y0)` to `(x1, y1)`, both ends included (Bresenham).
    /// Parts outside the canvas are cut off before drawing, so far-away ends cost nothing.
    pub fn line(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, c: Rgb, stroke: Stroke) {
        let Some((x0, y0, x1, y1)) = self.clip_segment(x0, y0, x1, y1) else {
            return;
        };
        let dx = (x1 - x0).abs();
        let dy = -(y1 - y0).abs();
        let step_x = if x0 < x1 { 1 } else { -1 };
        let step_y = if y0 < y1 { 1 } else { -1 };
        let (mut x, mut y) = (x0, y0);
        let mut error = dx + dy;
        loop {
            self.plot_point(x, y, c, stroke);
            if x == x1 && y == y1 {
                break;
            }
            let doubled = 2 * error;
            if doubled >= dy {
                error += dy;
                x += step_x;
            }
            if doubled <= dx {
                error += dx;
                y += step_y;
            }
        }
    }

    /// Connects consecutive points with lines.
    pub fn polyline(&mut self, points: &[(i32, i32)], c: Rgb, stroke: Stroke) {
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            self.line(x0, y0, x1, y1, c, stroke);
        }
    }

    /// A filled disc of radius `r` centred on `(cx, cy)`; `r = 0` is a single pixel.
    pub fn dot(&mut self, cx: i32, cy: i32, r: usize, c: Rgb) {
        let r = to_i32(r);
        let r_squared = r * r + r; // slightly rounder than r² for small radii
        for dy in -r..=r {
            for dx in -r..=r {
                if dx * dx + dy * dy <= r_squared {
                    self.set(cx + dx, cy + dy, c);
                }
            }
        }
    }

    /// Width in pixels of `s` drawn by [`Canvas::text`] at `scale`.
    pub fn text_width(s: &str, scale: usize) -> usize {
        let chars = s.chars().count();
        if chars == 0 {
            return 0;
        }
        (chars * GLYPH_ADVANCE - GLYPH_SPACING) * scale
    }

    /// Height in pixels of one line of text at `scale`, descenders included.
    pub fn text_height(scale: usize) -> usize {
        (GLYPH_H + DESCENT) * scale
    }

    /// Draws `s` with its top-left corner at `(x, y)`, each font pixel a `scale`×`scale` block.
    pub fn text(&mut self, x: i32, y: i32, s: &str, c: Rgb, scale: usize) {
        let advance = to_i32(GLYPH_ADVANCE * scale);
        let s_i = to_i32(scale);
        for (i, ch) in s.chars().enumerate() {
            let glyph_x = x + to_i32(i) * advance;
            let glyph_y = y + to_i32(baseline_shift(ch)) * s_i;
            self.for_each_glyph_pixel(glyph(ch), |canvas, col, row| {
                canvas.fill_rect(glyph_x + col * s_i, glyph_y + row * s_i, scale, scale, c);
            });
        }
    }

    /// Draws `s` rotated a quarter turn counter-clockwise (reading bottom to top),
    /// as for a y-axis label. `(x, y)` is the top-left corner of the rotated text's
    /// box, which is [`Canvas::text_height`] wide and [`Canvas::text_width`] tall.
    pub fn text_upward(&mut self, x: i32, y: i32, s: &str, c: Rgb, scale: usize) {
        let s_i = to_i32(scale);
        let bottom = y + to_i32(Canvas::text_width(s, scale)) - s_i;
        let advance = to_i32(GLYPH_ADVANCE * scale);
        for (i, ch) in s.chars().enumerate() {
            let glyph_bottom = bottom - to_i32(i) * advance;
            let glyph_x = x + to_i32(baseline_shift(ch)) * s_i;
            self.for_each_glyph_pixel(glyph(ch), |canvas, col, row| {
                canvas.fill_rect(glyph_x + row * s_i, glyph_bottom - col * s_i, scale, scale, c);
            });
        }
    }

    /// Copies a `w`×`h` grayscale image (values in `[0, 1]`, clamped, row-major)
    /// with its top-left corner at `(x, y)`, each pixel a `scale`×`scale` block.
    ///
    /// # Panics
    /// If `values` holds fewer than `w * h` values.
    pub fn blit_gray(&mut self, x: i32, y: i32, w: usize, h: usize, values: &[f32], scale: usize) {
        assert!(values.len() >= w * h, "blit_gray: {} values for a {w}×{h} image", values.len());
        self.blit_with(x, y, w, h, scale, |i| Rgb::gray(values[i]));
    }

    /// Copies a `w`×`h` colour image stored as three planes (CHW: all red values,
    /// then green, then blue; each in `[0, 1]`, clamped), upscaled by `scale`.
    ///
    /// # Panics
    /// If `planes` holds fewer than `3 * w * h` values.
    pub fn blit_rgb(&mut self, x: i32, y: i32, w: usize, h: usize, planes: &[f32], scale: usize) {
        let plane = w * h;
        assert!(planes.len() >= 3 * plane, "blit_rgb: {} values for a 3×{w}×{h} image", planes.len());
        self.blit_with(x, y, w, h, scale, |i| {
            Rgb(unit_to_byte(planes[i]), unit_to_byte(planes[plane + i]), unit_to_byte(planes[2 * plane + i]))
        });
    }

    /// The canvas encoded as PNG bytes.
    pub fn encode_png(&self) -> Result<Vec<u8>, image::ImageError> {
        let mut bytes = Vec::new();
        PngEncoder::new(&mut bytes).write_image(
            &self.pixels,
            dimension_u32(self.width)?,
            dimension_u32(self.height)?,
            image::ExtendedColorType::Rgb8,
        )?;
        Ok(bytes)
    }

    /// Writes the canvas as a PNG file, atomically: the bytes go to `<path>.tmp`,
    /// which is then renamed to `path`.
    pub fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        let bytes = self.encode_png().map_err(|source| ImageError::Encode { path: path.to_path_buf(), source })?;
        write_atomic(path, &bytes).map_err(|source| ImageError::Io { path: path.to_path_buf(), source })
    }

    fn offset(&self, x: i32, y: i32) -> Option<usize> {
        let x = usize::try_from(x).ok().filter(|&x| x < self.width)?;
        let y = usize::try_from(y).ok().filter(|&y| y < self.height)?;
        Some((y * self.width + x) * BYTES_PER_PIXEL)
    }

    /// The part of a segment inside the canvas grown by one pixel on each side
    /// (Liang–Barsky), or `None` if it misses. Segments inside are returned unchanged.
    fn clip_segment(&self, x0: i32, y0: i32, x1: i32, y1: i32) -> Option<(i32, i32, i32, i32)> {
        let (min_x, max_x) = (-1.0, self.width as f64);
        let (min_y, max_y) = (-1.0, self.height as f64);
        let inside =
            |x: i32, y: i32| (min_x..=max_x).contains(&f64::from(x)) && (min_y..=max_y).contains(&f64::from(y));
        if inside(x0, y0) && inside(x1, y1) {
            return Some((x0, y0, x1, y1));
        }
        let (fx0, fy0) = (f64::from(x0), f64::from(y0));
        let (dx, dy) = (f64::from(x1) - fx0, f64::from(y1) - fy0);
        let (mut enter, mut exit) = (0.0_f64, 1.0_f64);
        // Each boundary as (p, q): the segment is inside where p·t ≤ q.
        let boundaries = [(-dx, fx0 - min_x), (dx, max_x - fx0), (-dy, fy0 - min_y), (dy, max_y - fy0)];
        for (p, q) in boundaries {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else if p < 0.0 {
                enter = enter.max(q / p);
            } else {
                exit = exit.min(q / p);
            }
        }
        if enter > exit {
            return None;
        }
        let at = |t: f64| ((fx0 + t * dx).round() as i32, (fy0 + t * dy).round() as i32);
        let ((cx0, cy0), (cx1, cy1)) = (at(enter), at(exit));
        Some((cx0, cy0, cx1, cy1))
    }

    fn plot_point(&mut self, x: i32, y: i32, c: Rgb, stroke: Stroke) {
        match stroke {
            Stroke::Thin => self.set(x, y, c),
            Stroke::Thick => self.fill_rect(x, y, 2, 2, c),
        }
    }

    /// Calls `paint(canvas, column, row)` for every lit pixel of `rows`.
    fn for_each_glyph_pixel(&mut self, rows: Glyph, mut paint: impl FnMut(&mut Self, i32, i32)) {
        for (row, bits) in rows.iter().enumerate() {
            for col in 0..GLYPH_W {
                let mask = 1 << (GLYPH_W - 1 - col);
                if bits & mask != 0 {
                    paint(self, to_i32(col), to_i32(row));
                }
            }
        }
    }

    /// Paints a `w`×`h` image whose pixel `i` (row-major) has colour `color_of(i)`.
    fn blit_with(&mut self, x: i32, y: i32, w: usize, h: usize, scale: usize, color_of: impl Fn(usize) -> Rgb) {
        let s = to_i32(scale);
        for row in 0..h {
            for col in 0..w {
                let c = color_of(row * w + col);
                self.fill_rect(x + to_i32(col) * s, y + to_i32(row) * s, scale, scale, c);
            }
        }
    }
}

/// Maps an intensity in `[0, 1]` to a byte; out-of-range values are clamped, NaN is 0.
fn unit_to_byte(value: f32) -> u8 {
    if value.is_nan() {
        return 0;
    }
    (value.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// The part `[start, end)` of the span `[from, from + len)` that lies inside `[0, limit)`.
fn clip_span(from: i32, len: usize, limit: usize) -> (usize, usize) {
    let from = i64::from(from);
    let end = from.saturating_add(i64::try_from(len).unwrap_or(i64::MAX));
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let clip = |v: i64| v.clamp(0, limit) as usize;
    (clip(from), clip(end))
}

/// Drawing coordinates are `i32`; sizes beyond that saturate (they are clipped anyway).
fn to_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn dimension_u32(v: usize) -> Result<u32, image::ImageError> {
    u32::try_from(v).map_err(|_| {
        image::ImageError::Limits(image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT_SCALE: usize = 2;
    const ORIGIN: (i32, i32) = (10, 5);

    fn is_dark(c: Rgb) -> bool {
        c.0 < 128 && c.1 < 128 && c.2 < 128
    }

    fn dark_pixels(canvas: &Canvas) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for y in 0..canvas.height() {
            for x in 0..canvas.width() {
                if is_dark(canvas.get(x, y).unwrap()) {
                    found.push((x, y));
                }
            }
        }
        found
    }

    #[test]
    fn new_canvas_is_filled_with_the_background() {
        let canvas = Canvas::new(3, 2, Rgb(1, 2, 3));
        assert_eq!(canvas.pixels().len(), 3 * 2 * 3);
        assert_eq!(canvas.get(2, 1), Some(Rgb(1, 2, 3)));
        assert_eq!(canvas.get(3, 0), None);
    }

    #[test]
    fn set_outside_the_canvas_is_ignored() {
        let mut canvas = Canvas::new(4, 4, Rgb::WHITE);
        canvas.set(-1, 0, Rgb::BLACK);
        canvas.set(0, 4, Rgb::BLACK);
        canvas.set(i32::MAX, i32::MIN, Rgb::BLACK);
        assert!(dark_pixels(&canvas).is_empty());
        canvas.set(3, 3, Rgb::BLACK);
        assert_eq!(dark_pixels(&canvas), vec![(3, 3)]);
    }

    #[test]
    fn text_zero_stays_inside_its_glyph_box() {
        let mut canvas = Canvas::new(40, 30, Rgb::WHITE);
        canvas.text(ORIGIN.0, ORIGIN.1, "0", Rgb::BLACK, TEXT_SCALE);
        let dark = dark_pixels(&canvas);
        assert!(!dark.is_empty(), "'0' drew nothing");
        let (x0, y0) = (ORIGIN.0 as usize, ORIGIN.1 as usize);
        let (x1, y1) = (x0 + GLYPH_W * TEXT_SCALE, y0 + GLYPH_H * TEXT_SCALE);
        for &(x, y) in &dark {
            assert!((x0..x1).contains(&x) && (y0..y1).contains(&y), "dark pixel ({x}, {y}) outside the box");
        }
        // The glyph's top row is 0b01110: lit in the middle, blank at the corners.
        assert!(is_dark(canvas.get(x0 + TEXT_SCALE, y0).unwrap()));
        assert!(!is_dark(canvas.get(x0, y0).unwrap()));
        // Every bit of the glyph is a scale×scale block.
        let lit_bits: u32 = glyph('0').iter().map(|row| row.count_ones()).sum();
        assert_eq!(dark.len(), lit_bits as usize * TEXT_SCALE * TEXT_SCALE);
    }

    #[test]
    fn descenders_hang_below_the_glyph_box_but_within_the_line() {
        let mut canvas = Canvas::new(20, 20, Rgb::WHITE);
        canvas.text(0, 0, "y", Rgb::BLACK, 1);
        let lowest = dark_pixels(&canvas).iter().map(|&(_, y)| y).max().unwrap();
        assert_eq!(lowest, GLYPH_H, "the tail of 'y' uses the descent row");
        assert!(lowest < Canvas::text_height(1));
    }

    #[test]
    fn text_width_counts_glyphs_and_gaps() {
        assert_eq!(Canvas::text_width("", 3), 0);
        assert_eq!(Canvas::text_width("0", 1), GLYPH_W);
        assert_eq!(Canvas::text_width("10", 2), (2 * GLYPH_W + GLYPH_SPACING) * 2);
    }

    #[test]
    fn upward_text_fills_a_rotated_box() {
        let text = "ab";
        let mut canvas = Canvas::new(30, 30, Rgb::WHITE);
        canvas.text_upward(3, 4, text, Rgb::BLACK, 1);
        let dark = dark_pixels(&canvas);
        assert!(!dark.is_empty());
        let (w, h) = (Canvas::text_height(1), Canvas::text_width(text, 1));
        for &(x, y) in &dark {
            assert!((3..3 + w).contains(&x) && (4..4 + h).contains(&y), "({x}, {y}) outside");
        }
    }

    #[test]
    fn line_covers_both_ends_and_is_clipped() {
        let mut canvas = Canvas::new(10, 10, Rgb::WHITE);
        canvas.line(-5, -5, 20, 20, Rgb::BLACK, Stroke::Thin);
        for i in 0..10 {
            assert_eq!(canvas.get(i, i), Some(Rgb::BLACK));
        }
        assert_eq!(dark_pixels(&canvas).len(), 10);

        let mut canvas = Canvas::new(10, 10, Rgb::WHITE);
        canvas.line(1, 1, 1, 1, Rgb::BLACK, Stroke::Thin);
        assert_eq!(dark_pixels(&canvas), vec![(1, 1)]);

        // Far-away ends are clipped first (this would take minutes pixel by pixel).
        let mut canvas = Canvas::new(10, 10, Rgb::WHITE);
        canvas.line(i32::MIN, 5, i32::MAX, 5, Rgb::BLACK, Stroke::Thin);
        assert_eq!(dark_pixels(&canvas).len(), 10);
        canvas.line(-100, -50, -10, 500, Rgb::BLACK, Stroke::Thick);
        assert_eq!(dark_pixels(&canvas).len(), 10, "a line left of the canvas draws nothing");
    }

    #[test]
    fn thick_lines_are_two_pixels_wide() {
        let mut canvas = Canvas::new(10, 10, Rgb::WHITE);
        canvas.line(0, 4, 9, 4, Rgb::BLACK, Stroke::Thick);
        assert_eq!(dark_pixels(&canvas).len(), 20);
        assert_eq!(canvas.get(5, 5), Some(Rgb::BLACK));
    }

    #[test]
    fn fill_rect_and_frame_are_clipped() {
        let mut canvas = Canvas::new(5, 5, Rgb::WHITE);
        canvas.fill_rect(-2, 3, 100, 100, Rgb::BLACK);
        assert_eq!(dark_pixels(&canvas).len(), 5 * 2);

        let mut canvas = Canvas::new(6, 6, Rgb::WHITE);
        canvas.stroke_rect(0, 0, 6, 6, 1, Rgb::BLACK);
        assert_eq!(dark_pixels(&canvas).len(), 20);
        assert_eq!(canvas.get(1, 1), Some(Rgb::WHITE));
    }

    #[test]
    fn dot_is_round_and_centred() {
        let mut canvas = Canvas::new(11, 11, Rgb::WHITE);
        canvas.dot(5, 5, 3, Rgb::BLACK);
        assert_eq!(canvas.get(5, 5), Some(Rgb::BLACK));
        assert_eq!(canvas.get(8, 5), Some(Rgb::BLACK));
        assert_eq!(canvas.get(8, 8), Some(Rgb::WHITE), "corner of the bounding box is outside the disc");
        assert_eq!(canvas.get(9, 5), Some(Rgb::WHITE));
    }

    #[test]
    fn blit_gray_upscales_and_clamps() {
        let mut canvas = Canvas::new(6, 4, Rgb(9, 9, 9));
        canvas.blit_gray(1, 1, 2, 1, &[-1.0, 2.0], 2);
        assert_eq!(canvas.get(1, 1), Some(Rgb::BLACK));
        assert_eq!(canvas.get(2, 2), Some(Rgb::BLACK));
        assert_eq!(canvas.get(3, 1), Some(Rgb::WHITE));
        assert_eq!(canvas.get(4, 2), Some(Rgb::WHITE));
        assert_eq!(canvas.get(5, 1), Some(Rgb(9, 9, 9)));
        assert_eq!(canvas.get(1, 3), Some(Rgb(9, 9, 9)));
    }

    #[test]
    fn blit_rgb_reads_planes() {
        let mut canvas = Canvas::new(1, 1, Rgb::WHITE);
        canvas.blit_rgb(0, 0, 1, 1, &[1.0, 0.0, 0.5], 1);
        assert_eq!(canvas.get(0, 0), Some(Rgb(255, 0, 128)));
    }

    #[test]
    fn save_png_round_trips_and_leaves_no_temp_file() {
        let path = std::env::temp_dir().join(format!("atelier-canvas-{}.png", std::process::id()));
        let mut canvas = Canvas::new(7, 3, Rgb::WHITE);
        canvas.set(6, 2, Rgb(10, 20, 30));
        canvas.save_png(&path).unwrap();
        let decoded = image::open(&path).unwrap().to_rgb8();
        assert_eq!(decoded.dimensions(), (7, 3));
        assert_eq!(decoded.get_pixel(6, 2).0, [10, 20, 30]);
        assert_eq!(decoded.get_pixel(0, 0).0, [255, 255, 255]);
        assert!(!path.with_extension("png.tmp").exists());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn save_png_into_a_missing_directory_names_the_path() {
        let path = std::env::temp_dir().join("atelier-no-such-dir").join("x.png");
        let err = Canvas::new(2, 2, Rgb::WHITE).save_png(&path).unwrap_err();
        assert!(matches!(err, ImageError::Io { .. }));
        assert!(err.to_string().contains("x.png"), "{err}");
    }
}
