//! A small RGB raster canvas: the pixels behind image grids, plots and an agent's filmstrip.
//!
//! Pixels are copied in directly (upscaled images, filled rectangles); everything else — lines,
//! discs, text in the embedded font ([`crate::text`]) — is drawn with `plotters` on a drawing
//! area over the same buffer ([`Canvas::draw`]). [`Canvas::save_png`] writes the result
//! atomically ([`crate::png`]), so a crashed run never leaves a half-written PNG behind.

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::style::RGBColor;

use crate::png;
use crate::raster::RasterBackend;
use crate::text;

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
    /// Highlights (marked cells, wrong predictions).
    pub const RED: Rgb = Rgb(230, 30, 30);

    /// A grey level from an intensity in `[0, 1]` (clamped; NaN is black).
    pub fn gray(value: f32) -> Rgb {
        let v = unit_to_byte(value);
        Rgb(v, v, v)
    }

    /// The same colour for `plotters`.
    pub fn plotters(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
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

/// The colour of segmentation label `label` in masks drawn for people: black for label 0 (the
/// background), then the palette in order: label `1 + c` gets [`palette_color`]`(c)` (wrapping
/// around after ten classes).
pub fn label_colour(label: u8) -> Rgb {
    match label.checked_sub(1) {
        None => Rgb::BLACK,
        Some(class) => palette_color(usize::from(class)),
    }
}

/// One mask in [`label_colour`]s as three planes of floats in `[0, 1]` (the layout of image grids).
/// // [3 * labels.len()]
pub fn label_planes(labels: &[u8]) -> Vec<f32> {
    let colours: Vec<Rgb> = labels.iter().map(|&label| label_colour(label)).collect();
    let channel = |pick: fn(Rgb) -> u8| colours.iter().map(move |&c| f32::from(pick(c)) / 255.0);
    channel(|c| c.0).chain(channel(|c| c.1)).chain(channel(|c| c.2)).collect()
}

/// Failure to produce or write an image file. Messages name the file.
#[derive(Debug)]
pub enum ImageError {
    /// The input data cannot be drawn (wrong lengths, zero sizes, bad marks…).
    InvalidInput { path: PathBuf, reason: String },
    /// Drawing failed (`plotters` reported an error, e.g. the embedded font could not be used).
    Draw { path: PathBuf, reason: String },
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

    /// An [`ImageError::Draw`] for the image that was to be written at `path`.
    pub fn draw(path: &Path, reason: impl Into<String>) -> Self {
        ImageError::Draw { path: path.to_path_buf(), reason: reason.into() }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::InvalidInput { path, reason } => {
                write!(f, "cannot draw image {}: {reason}", path.display())
            }
            ImageError::Draw { path, reason } => write!(f, "drawing {} failed: {reason}", path.display()),
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
            ImageError::InvalidInput { .. } | ImageError::Draw { .. } => None,
            ImageError::Encode { source, .. } => Some(source),
            ImageError::Io { source, .. } => Some(source),
        }
    }
}

/// A `plotters` drawing area over a [`Canvas`]'s pixels.
pub type Area<'a> = DrawingArea<RasterBackend<'a>, Shift>;

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

    /// Fills the `w`×`h` rectangle whose top-left corner is `(x, y)` (clipped to the canvas).
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

    /// Runs `paint` on a `plotters` drawing area covering the whole canvas, then keeps what it drew.
    pub fn draw(&mut self, paint: impl FnOnce(&Area) -> Result<(), String>) -> Result<(), String> {
        let size = (dimension_u32(self.width)?, dimension_u32(self.height)?);
        let root = RasterBackend::with_buffer(&mut self.pixels, size).into_drawing_area();
        paint(&root)?;
        root.present().map_err(|e| format!("drawing on the canvas failed: {e}"))
    }

    /// Writes `text` in the embedded font, `size` pixels high, its top-left corner at `(x, y)`.
    pub fn text(&mut self, x: i32, y: i32, text: &str, color: Rgb, size: f64) -> Result<(), String> {
        if text.is_empty() {
            return Ok(());
        }
        let style = text::font(size)?.color(&color.plotters());
        self.draw(|area| area.draw_text(text, &style, (x, y)).map_err(|e| format!("cannot draw text {text:?}: {e}")))
    }

    /// The canvas encoded as PNG bytes.
    pub fn encode_png(&self) -> Result<Vec<u8>, image::ImageError> {
        png::encode(&self.pixels, self.width, self.height, png::Channels::Rgb)
    }

    /// Writes the canvas as a PNG file, atomically ([`crate::atomic::write_atomic`]).
    pub fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        png::save(path, &self.pixels, self.width, self.height, png::Channels::Rgb)
    }

    fn offset(&self, x: i32, y: i32) -> Option<usize> {
        let x = usize::try_from(x).ok().filter(|&x| x < self.width)?;
        let y = usize::try_from(y).ok().filter(|&y| y < self.height)?;
        Some((y * self.width + x) * BYTES_PER_PIXEL)
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
pub fn unit_to_byte(value: f32) -> u8 {
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
pub fn to_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn dimension_u32(v: usize) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("a canvas dimension of {v} pixels is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let canvas = Canvas::new(4, 3, Rgb(1, 2, 3));
        assert_eq!(canvas.pixels().len(), 4 * 3 * 3);
        assert!(canvas.pixels().chunks(3).all(|p| p == [1, 2, 3]));
        assert_eq!(canvas.get(4, 0), None);
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
    fn text_draws_inside_its_box_only() {
        let mut canvas = Canvas::new(200, 60, Rgb::WHITE);
        canvas.text(20, 10, "β σ λ ε", Rgb::BLACK, 20.0).unwrap();
        let dark = dark_pixels(&canvas);
        assert!(dark.len() > 40, "only {} dark pixels", dark.len());
        let (w, h) = text::text_size("β σ λ ε", 20.0).unwrap();
        for &(x, y) in &dark {
            assert!((18..22 + w as usize).contains(&x) && (4..16 + h as usize).contains(&y), "stray pixel {x},{y}");
        }
    }

    #[test]
    fn drawing_with_plotters_changes_the_pixels() {
        use plotters::element::Circle;
        use plotters::style::{BLACK, ShapeStyle};
        let mut canvas = Canvas::new(11, 11, Rgb::WHITE);
        canvas
            .draw(|area| {
                area.draw(&Circle::new((5, 5), 3, ShapeStyle::from(&BLACK).filled())).map_err(|e| e.to_string())
            })
            .unwrap();
        assert!(is_dark(canvas.get(5, 5).unwrap()));
        assert_eq!(canvas.get(0, 0), Some(Rgb::WHITE));
    }

    #[test]
    fn save_png_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("canvas.png");
        let mut canvas = Canvas::new(7, 3, Rgb::WHITE);
        canvas.fill_rect(6, 2, 1, 1, Rgb(10, 20, 30));
        canvas.save_png(&path).unwrap();
        let decoded = image::open(&path).unwrap().to_rgb8();
        assert_eq!(decoded.dimensions(), (7, 3));
        assert_eq!(decoded.get_pixel(6, 2).0, [10, 20, 30]);
        assert_eq!(decoded.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary is left");
    }

    #[test]
    fn save_png_into_a_missing_directory_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-dir").join("x.png");
        let err = Canvas::new(2, 2, Rgb::WHITE).save_png(&path).unwrap_err();
        assert!(matches!(err, ImageError::Io { .. }));
        assert!(err.to_string().contains("x.png"), "{err}");
    }
}
