//! Image grids: a batch of images tiled into one PNG, or labelled rows of images.
//!
//! Images arrive as an [`ImageBatch`]: a borrowed, row-major NCHW slice of
//! `f32` values in `[0, 1]` (values outside are clamped), with one (grayscale)
//! or three (RGB) channels. Every image is upscaled by an integer factor with
//! nearest-neighbour sampling so that 28×28 digits stay crisp, and neighbouring
//! images are kept apart by a [`SEPARATOR_PX`]-wide gap.
//!
//! * [`save_grid`] tiles a batch left→right, top→bottom (samples).
//! * [`LabeledRows`] draws one row per batch with its label on the left (reconstructions:
//!   "input / noisy / output"; interpolation strips), optionally a title above, a caption under
//!   each image (what a classifier took it for) and a frame around chosen cells.
//!   [`save_labeled_rows`] and [`save_labeled_rows_with_marks`] are its short forms.
//!
//! Text is drawn in the embedded font ([`crate::text`]). Malformed input (lengths that do not
//! match the shape, zero sizes, marks or captions outside the rows) is reported as
//! [`ImageError::InvalidInput`], never a panic.

use std::path::Path;

use crate::canvas::{Canvas, ImageError, Rgb, to_i32};
use crate::text::{TextSize, fitting_size, text_size};

/// Width of the gap between neighbouring images and around the grid.
pub const SEPARATOR_PX: usize = 2;
/// Colour of the gaps in [`save_grid`]; mid grey shows against dark and light images alike.
pub const SEPARATOR_COLOR: Rgb = Rgb::GREY;
/// Background of labelled rows (behind gaps and labels).
pub const LABELED_BACKGROUND: Rgb = Rgb::WHITE;
/// Colour of row labels.
pub const LABEL_COLOR: Rgb = Rgb::DARK_GREY;
/// Colour of the frame drawn around marked cells.
pub const MARK_COLOR: Rgb = Rgb::RED;

/// Colour of captions under images.
pub const CAPTION_COLOR: Rgb = Rgb(190, 20, 20);

/// Space left and right of a row label, and around the title.
const LABEL_PADDING_PX: usize = 8;
/// Captions shrink down to this size (pixels) to fit under their image.
const SMALLEST_CAPTION: f64 = 9.0;

/// A borrowed batch of images in row-major NCHW layout, values in `[0, 1]`.
#[derive(Debug, Clone, Copy)]
pub struct ImageBatch<'a> {
    pub pixels: &'a [f32],
    pub count: usize,
    /// 1 (grayscale) or 3 (RGB, stored as three planes).
    pub channels: usize,
    pub height: usize,
    pub width: usize,
}

/// How the channels of one image are interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColorLayout {
    Gray,
    Rgb,
}

impl<'a> ImageBatch<'a> {
    /// Bundles a slice with its shape (`count` images of `channels`×`height`×`width`).
    pub fn new(pixels: &'a [f32], count: usize, channels: usize, height: usize, width: usize) -> Self {
        ImageBatch { pixels, count, channels, height, width }
    }

    /// Checks that the shape is drawable and matches `pixels.len()`.
    pub fn validate(&self) -> Result<(), String> {
        self.layout()?;
        if self.height == 0 || self.width == 0 {
            return Err(format!("images must not be empty, got {}×{}", self.height, self.width));
        }
        let expected = self
            .image_len()
            .and_then(|len| len.checked_mul(self.count))
            .ok_or_else(|| "image shape overflows usize".to_string())?;
        if self.pixels.len() != expected {
            return Err(format!(
                "{} values do not match {} images of {}×{}×{} (= {expected})",
                self.pixels.len(),
                self.count,
                self.channels,
                self.height,
                self.width
            ));
        }
        Ok(())
    }

    /// The values of image `index` (all its channels). Assumes a validated batch.
    fn image(&self, index: usize) -> &'a [f32] {
        let len = self.channels * self.height * self.width;
        &self.pixels[index * len..(index + 1) * len]
    }

    fn image_len(&self) -> Option<usize> {
        self.channels.checked_mul(self.height)?.checked_mul(self.width)
    }

    fn layout(&self) -> Result<ColorLayout, String> {
        match self.channels {
            1 => Ok(ColorLayout::Gray),
            3 => Ok(ColorLayout::Rgb),
            other => Err(format!("images must have 1 or 3 channels, got {other}")),
        }
    }

    /// Size of one upscaled image in pixels.
    fn cell_size(&self, scale: usize) -> (usize, usize) {
        (self.width * scale, self.height * scale)
    }

    /// Draws image `index` with its top-left corner at `(x, y)`.
    fn draw_image(&self, canvas: &mut Canvas, index: usize, x: usize, y: usize, scale: usize) {
        let (x, y) = (to_i32(x), to_i32(y));
        let values = self.image(index);
        match self.layout() {
            Ok(ColorLayout::Gray) => canvas.blit_gray(x, y, self.width, self.height, values, scale),
            Ok(ColorLayout::Rgb) => canvas.blit_rgb(x, y, self.width, self.height, values, scale),
            Err(_) => {} // unreachable for validated batches; drawing nothing is the safe choice
        }
    }
}

/// Tiles `batch` into a grid of `columns` columns (fewer if the batch is
/// smaller), each image upscaled `scale` times, and writes it as a PNG.
pub fn save_grid(path: &Path, batch: &ImageBatch, columns: usize, scale: usize) -> Result<(), ImageError> {
    let canvas = draw_grid(batch, columns, scale).map_err(|reason| ImageError::invalid(path, reason))?;
    canvas.save_png(path)
}

/// Draws one row of images per `(label, batch)` entry, label on the left,
/// and writes it as a PNG. Rows may hold different numbers of images.
pub fn save_labeled_rows(path: &Path, rows: &[(String, ImageBatch)], scale: usize) -> Result<(), ImageError> {
    save_labeled_rows_with_marks(path, rows, scale, &[])
}

/// Like [`save_labeled_rows`], and frames each `(row, column)` cell in `marks`
/// in [`MARK_COLOR`] (e.g. the midpoint of a morphing strip).
pub fn save_labeled_rows_with_marks(
    path: &Path,
    rows: &[(String, ImageBatch)],
    scale: usize,
    marks: &[(usize, usize)],
) -> Result<(), ImageError> {
    let rows = rows.iter().map(|(label, images)| Row::new(label.clone(), *images)).collect();
    LabeledRows { title: String::new(), rows, marks: marks.to_vec(), scale }.save_png(path)
}

/// One row of a [`LabeledRows`] picture.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// Written left of the images (may be empty).
    pub label: String,
    pub images: ImageBatch<'a>,
    /// One caption per image, written under it, or none at all (empty).
    pub captions: Vec<String>,
}

impl<'a> Row<'a> {
    /// A row without captions.
    pub fn new(label: impl Into<String>, images: ImageBatch<'a>) -> Self {
        Row { label: label.into(), images, captions: Vec::new() }
    }
}

/// Rows of images, each with a label on its left, under an optional title.
#[derive(Debug, Clone)]
pub struct LabeledRows<'a> {
    /// Written above the rows (none when empty).
    pub title: String,
    pub rows: Vec<Row<'a>>,
    /// `(row, column)` cells framed in [`MARK_COLOR`].
    pub marks: Vec<(usize, usize)>,
    /// Every image pixel becomes a `scale`×`scale` block.
    pub scale: usize,
}

impl LabeledRows<'_> {
    /// Writes the picture as a PNG, atomically.
    pub fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        self.check().map_err(|reason| ImageError::invalid(path, reason))?;
        self.render().map_err(|reason| ImageError::draw(path, reason))?.save_png(path)
    }

    /// The picture as pixels.
    pub fn render(&self) -> Result<Canvas, String> {
        self.check()?;
        let label_size = TextSize::Small.pixels();
        let label_column = self.label_column_width(label_size)?;
        let title_band =
            if self.title.is_empty() { 0 } else { line_height(TextSize::Label.pixels()) + 2 * LABEL_PADDING_PX };
        let row_heights: Vec<usize> = self.rows.iter().map(|row| self.row_height(row, label_size)).collect();
        let images_width = self
            .rows
            .iter()
            .map(|row| tiled_length(row.images.count, row.images.cell_size(self.scale).0))
            .max()
            .unwrap_or(0);
        let title_width = text_size(&self.title, TextSize::Label.pixels())?.0 as usize + 2 * LABEL_PADDING_PX;
        let width = (label_column + images_width).max(title_width);
        let height = title_band + row_heights.iter().sum::<usize>() + (self.rows.len() + 1) * SEPARATOR_PX;
        let mut canvas = Canvas::new(width, height, LABELED_BACKGROUND);
        let pad = to_i32(LABEL_PADDING_PX);
        canvas.text(pad, pad, &self.title, LABEL_COLOR, TextSize::Label.pixels())?;

        let mut top = title_band + SEPARATOR_PX;
        for (row_index, (row, &row_h)) in self.rows.iter().zip(&row_heights).enumerate() {
            let (cell_w, cell_h) = row.images.cell_size(self.scale);
            let caption_band = self.caption_band(row);
            let cell_top = top + (row_h - caption_band - cell_h) / 2;
            let text_top = top + (row_h - caption_band).saturating_sub(line_height(label_size)) / 2;
            canvas.text(pad, to_i32(text_top), &row.label, LABEL_COLOR, label_size)?;
            for column in 0..row.images.count {
                let left = label_column + tile_offset(column, cell_w);
                row.images.draw_image(&mut canvas, column, left, cell_top, self.scale);
                if self.marks.contains(&(row_index, column)) {
                    frame_cell(&mut canvas, left, cell_top, cell_w, cell_h);
                }
                if let Some(caption) = row.captions.get(column) {
                    let size = fitting_size(caption, TextSize::Tiny.pixels(), SMALLEST_CAPTION, cell_w as u32)?;
                    let caption_width = text_size(caption, size)?.0 as usize;
                    let x = left + cell_w / 2 - (caption_width / 2).min(cell_w / 2 + SEPARATOR_PX);
                    canvas.text(to_i32(x), to_i32(cell_top + cell_h + 2), caption, CAPTION_COLOR, size)?;
                }
            }
            top += row_h + SEPARATOR_PX;
        }
        Ok(canvas)
    }

    fn check(&self) -> Result<(), String> {
        check_scale(self.scale)?;
        if self.rows.is_empty() {
            return Err("no rows to draw".into());
        }
        for row in &self.rows {
            row.images.validate().map_err(|reason| format!("row {:?}: {reason}", row.label))?;
            if !row.captions.is_empty() && row.captions.len() != row.images.count {
                return Err(format!(
                    "row {:?}: {} captions for {} images",
                    row.label,
                    row.captions.len(),
                    row.images.count
                ));
            }
        }
        check_marks(&self.rows, &self.marks)
    }

    /// Width of the label column: the widest label plus padding, or nothing without labels.
    fn label_column_width(&self, size: f64) -> Result<usize, String> {
        let mut widest = 0;
        for row in &self.rows {
            widest = widest.max(text_size(&row.label, size)?.0 as usize);
        }
        Ok(if widest == 0 { 0 } else { widest + 2 * LABEL_PADDING_PX })
    }

    /// Height of the caption line under `row`'s images (0 without captions).
    fn caption_band(&self, row: &Row) -> usize {
        if row.captions.is_empty() { 0 } else { line_height(TextSize::Tiny.pixels()) + 2 }
    }

    fn row_height(&self, row: &Row, label_size: f64) -> usize {
        let label = if row.label.is_empty() { 0 } else { line_height(label_size) };
        (row.images.cell_size(self.scale).1 + self.caption_band(row)).max(label)
    }
}

/// Height of one line of text at `size` pixels, descenders included.
fn line_height(size: f64) -> usize {
    (size * 1.2).ceil() as usize
}

fn draw_grid(batch: &ImageBatch, columns: usize, scale: usize) -> Result<Canvas, String> {
    batch.validate()?;
    check_scale(scale)?;
    if columns == 0 {
        return Err("a grid needs at least one column".into());
    }
    if batch.count == 0 {
        return Err("the batch holds no images".into());
    }
    let columns = columns.min(batch.count);
    let rows = batch.count.div_ceil(columns);
    let (cell_w, cell_h) = batch.cell_size(scale);
    let mut canvas = Canvas::new(tiled_length(columns, cell_w), tiled_length(rows, cell_h), SEPARATOR_COLOR);
    for index in 0..batch.count {
        let (row, column) = (index / columns, index % columns);
        let x = tile_offset(column, cell_w);
        let y = tile_offset(row, cell_h);
        batch.draw_image(&mut canvas, index, x, y, scale);
    }
    Ok(canvas)
}

fn check_scale(scale: usize) -> Result<(), String> {
    if scale == 0 { Err("scale must be at least 1".into()) } else { Ok(()) }
}

fn check_marks(rows: &[Row], marks: &[(usize, usize)]) -> Result<(), String> {
    for &(row, column) in marks {
        let Some(found) = rows.get(row) else {
            return Err(format!("mark ({row}, {column}): there are only {} rows", rows.len()));
        };
        if column >= found.images.count {
            return Err(format!(
                "mark ({row}, {column}): row {:?} has only {} images",
                found.label, found.images.count
            ));
        }
    }
    Ok(())
}

/// Frames a cell by painting the separator gap around it.
fn frame_cell(canvas: &mut Canvas, left: usize, top: usize, cell_w: usize, cell_h: usize) {
    let gap = to_i32(SEPARATOR_PX);
    let (w, h) = (cell_w + 2 * SEPARATOR_PX, cell_h + 2 * SEPARATOR_PX);
    canvas.stroke_rect(to_i32(left) - gap, to_i32(top) - gap, w, h, SEPARATOR_PX, MARK_COLOR);
}

/// Length of `cells` cells of `cell` pixels with separators between and around them.
fn tiled_length(cells: usize, cell: usize) -> usize {
    cells * cell + (cells + 1) * SEPARATOR_PX
}

/// Offset of cell `index` along one axis of a tiled layout.
fn tile_offset(index: usize, cell: usize) -> usize {
    SEPARATOR_PX + index * (cell + SEPARATOR_PX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE: usize = 3;
    const IMG_H: usize = 2;
    const IMG_W: usize = 3;

    fn decode(path: &Path) -> image::RgbImage {
        image::open(path).unwrap().to_rgb8()
    }

    /// Four 2×3 grayscale images; image `i` has pixel `(row, col)` = (i·6 + row·3 + col) / 23.
    fn four_images() -> Vec<f32> {
        (0..4 * IMG_H * IMG_W).map(|v| v as f32 / 23.0).collect()
    }

    fn gray_byte(v: f32) -> [u8; 3] {
        let b = (v * 255.0).round() as u8;
        [b, b, b]
    }

    #[test]
    fn grid_tiles_images_with_separators() {
        let pixels = four_images();
        let batch = ImageBatch::new(&pixels, 4, 1, IMG_H, IMG_W);
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("atelier-grid-tiles.png");
        save_grid(&path, &batch, 2, SCALE).unwrap();
        let img = decode(&path);

        let (cell_w, cell_h) = (IMG_W * SCALE, IMG_H * SCALE);
        assert_eq!(img.width() as usize, 2 * cell_w + 3 * SEPARATOR_PX);
        assert_eq!(img.height() as usize, 2 * cell_h + 3 * SEPARATOR_PX);

        let sep = [SEPARATOR_COLOR.0, SEPARATOR_COLOR.1, SEPARATOR_COLOR.2];
        assert_eq!(img.get_pixel(0, 0).0, sep, "outer border");
        let between_columns = (SEPARATOR_PX + cell_w) as u32;
        assert_eq!(img.get_pixel(between_columns, 4).0, sep, "gap between columns");
        let between_rows = (SEPARATOR_PX + cell_h) as u32;
        assert_eq!(img.get_pixel(4, between_rows).0, sep, "gap between rows");

        // Image 3 (bottom right), pixel (row 1, col 2), covers a SCALE×SCALE block.
        let (image, row, col) = (3, 1, 2);
        let expected = gray_byte((image * IMG_H * IMG_W + row * IMG_W + col) as f32 / 23.0);
        let x0 = SEPARATOR_PX + cell_w + SEPARATOR_PX + 2 * SCALE;
        let y0 = SEPARATOR_PX + cell_h + SEPARATOR_PX + SCALE;
        for dy in 0..SCALE {
            for dx in 0..SCALE {
                assert_eq!(img.get_pixel((x0 + dx) as u32, (y0 + dy) as u32).0, expected);
            }
        }
        // Image 1 (top right), its first pixel.
        let x1 = (SEPARATOR_PX + cell_w + SEPARATOR_PX) as u32;
        assert_eq!(img.get_pixel(x1, SEPARATOR_PX as u32).0, gray_byte(6.0 / 23.0));
    }

    #[test]
    fn grid_draws_rgb_planes() {
        // One 1×1 RGB image: red 1, green 0, blue 0.
        let pixels = [1.0, 0.0, 0.0];
        let batch = ImageBatch::new(&pixels, 1, 3, 1, 1);
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("atelier-grid-rgb.png");
        save_grid(&path, &batch, 4, 2).unwrap();
        let img = decode(&path);
        assert_eq!(img.dimensions(), (2 + 2 * SEPARATOR_PX as u32, 2 + 2 * SEPARATOR_PX as u32));
        assert_eq!(img.get_pixel(SEPARATOR_PX as u32, SEPARATOR_PX as u32).0, [255, 0, 0]);
    }

    #[test]
    fn bad_batches_are_errors() {
        let pixels = four_images();
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("atelier-grid-bad.png");
        let cases = [
            (ImageBatch::new(&pixels[1..], 4, 1, IMG_H, IMG_W), 2, SCALE),
            (ImageBatch::new(&pixels, 5, 1, IMG_H, IMG_W), 2, SCALE),
            (ImageBatch::new(&pixels, 4, 2, IMG_H, IMG_W), 2, SCALE),
            (ImageBatch::new(&pixels, 4, 1, 0, IMG_W), 2, SCALE),
            (ImageBatch::new(&[], 0, 1, IMG_H, IMG_W), 2, SCALE),
            (ImageBatch::new(&pixels, 4, 1, IMG_H, IMG_W), 0, SCALE),
            (ImageBatch::new(&pixels, 4, 1, IMG_H, IMG_W), 2, 0),
            (ImageBatch::new(&pixels, usize::MAX, 1, IMG_H, IMG_W), 2, SCALE),
        ];
        for (batch, columns, scale) in cases {
            let err = save_grid(&path, &batch, columns, scale).unwrap_err();
            assert!(matches!(err, ImageError::InvalidInput { .. }), "{err}");
            assert!(err.to_string().contains("atelier-grid-bad"), "{err}");
        }
        assert!(!path.exists());
    }

    #[test]
    fn labeled_rows_put_labels_left_of_images_of_varying_counts() {
        let pixels = vec![1.0_f32; 3 * 10 * 10];
        let rows = vec![
            ("input".to_string(), ImageBatch::new(&pixels[..100], 1, 1, 10, 10)),
            ("output".to_string(), ImageBatch::new(&pixels, 3, 1, 10, 10)),
        ];
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("atelier-grid-labeled.png");
        save_labeled_rows(&path, &rows, 2).unwrap();
        let img = decode(&path);

        let label_width = text_size("output", TextSize::Small.pixels()).unwrap().0 as usize;
        let label_column = label_width + 2 * LABEL_PADDING_PX;
        assert_eq!(img.width() as usize, label_column + tiled_length(3, 20));
        assert_eq!(img.height() as usize, 2 * 20 + 3 * SEPARATOR_PX);

        let label_ink = dark_pixels_in(&img, 0..label_column as u32, 0..img.height());
        assert!(label_ink > 20, "labels drawn: {label_ink} dark pixels");

        let first_cell = (label_column + SEPARATOR_PX) as u32;
        assert_eq!(img.get_pixel(first_cell, SEPARATOR_PX as u32).0, [255, 255, 255]);
        // The short first row leaves background where the second row has its third image.
        let third_cell = (label_column + tile_offset(2, 20) + 5) as u32;
        let white = [LABELED_BACKGROUND.0, LABELED_BACKGROUND.1, LABELED_BACKGROUND.2];
        assert_eq!(img.get_pixel(third_cell, 10).0, white);
    }

    fn dark_pixels_in(img: &image::RgbImage, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>) -> usize {
        ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 120))
            .count()
    }

    #[test]
    fn captions_go_under_their_images_and_the_title_above_the_rows() {
        let pixels = vec![1.0_f32; 2 * 28 * 28];
        let rows = vec![Row {
            label: "Shirt (true)".into(),
            images: ImageBatch::new(&pixels, 2, 1, 28, 28),
            captions: vec!["T-shirt/top".into(), "Pullover".into()],
        }];
        let picture = LabeledRows { title: "misclassified test images".into(), rows, marks: Vec::new(), scale: 3 };
        let canvas = picture.render().unwrap();
        let bytes = canvas.encode_png().unwrap();
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let label_column = picture.label_column_width(TextSize::Small.pixels()).unwrap() as u32;
        let title_band = (line_height(TextSize::Label.pixels()) + 2 * LABEL_PADDING_PX) as u32;
        assert!(dark_pixels_in(&img, 0..img.width(), 0..title_band) > 50, "title");
        let cell = 84;
        let image_top = title_band + SEPARATOR_PX as u32;
        let below = image_top + cell..img.height();
        let red = |xs: std::ops::Range<u32>| {
            below
                .clone()
                .flat_map(|y| xs.clone().map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let [r, g, b] = img.get_pixel(x, y).0;
                    r > 150 && g < 120 && b < 120
                })
                .count()
        };
        let first = label_column + SEPARATOR_PX as u32;
        let second = first + cell + SEPARATOR_PX as u32;
        assert!(red(first..first + cell) > 20, "caption under the first image");
        assert!(red(second..second + cell) > 20, "caption under the second image");
        assert_eq!(img.get_pixel(first + 40, image_top + 40).0, [255, 255, 255], "the image itself");
    }

    #[test]
    fn a_caption_count_that_does_not_match_the_images_is_an_error() {
        let pixels = vec![0.0_f32; 2 * 4];
        let rows =
            vec![Row { label: "a".into(), images: ImageBatch::new(&pixels, 2, 1, 2, 2), captions: vec!["x".into()] }];
        let err = LabeledRows { title: String::new(), rows, marks: Vec::new(), scale: 1 }.render().unwrap_err();
        assert!(err.contains("1 captions for 2 images"), "{err}");
    }

    #[test]
    fn marks_frame_the_chosen_cell_only() {
        let pixels = vec![0.0_f32; 3 * 4 * 4];
        let rows = vec![(String::new(), ImageBatch::new(&pixels, 3, 1, 4, 4))];
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("atelier-grid-marks.png");
        save_labeled_rows_with_marks(&path, &rows, 2, &[(0, 1)]).unwrap();
        let img = decode(&path);
        let red = [MARK_COLOR.0, MARK_COLOR.1, MARK_COLOR.2];
        // No labels: no label column. Cell 1 starts at x = tile_offset(1, 8).
        let left = tile_offset(1, 8) as u32;
        assert_eq!(img.get_pixel(left - 1, 5).0, red, "left edge of the frame");
        assert_eq!(img.get_pixel(left + 8, 5).0, red, "right edge of the frame");
        assert_eq!(img.get_pixel(left + 3, 0).0, red, "top edge of the frame");
        assert_eq!(img.get_pixel(left + 3, 5).0, [0, 0, 0], "the image itself is untouched");
        let first_cell_gap = (SEPARATOR_PX - 1) as u32;
        assert_ne!(img.get_pixel(first_cell_gap, 5).0, red, "unmarked cells have no frame");
    }

    #[test]
    fn marks_outside_the_rows_are_errors() {
        let pixels = vec![0.0_f32; 2 * 4];
        let rows = vec![("a".to_string(), ImageBatch::new(&pixels, 2, 1, 2, 2))];
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("atelier-grid-bad-marks.png");
        for mark in [(0, 2), (1, 0)] {
            let err = save_labeled_rows_with_marks(&path, &rows, 1, &[mark]).unwrap_err();
            assert!(matches!(err, ImageError::InvalidInput { .. }), "{err}");
        }
        assert!(save_labeled_rows(&path, &[], 1).is_err());
        assert!(!path.exists());
    }
}
