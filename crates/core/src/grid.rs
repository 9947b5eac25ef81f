//! Image grids: a batch of images tiled into one PNG, or labelled rows of images.
//!
//! Images arrive as an [`ImageBatch`]: a borrowed, row-major NCHW slice of
//! `f32` values in `[0, 1]` (values outside are clamped), with one (grayscale)
//! or three (RGB) channels. Every image is upscaled by an integer factor with
//! nearest-neighbour sampling so that 28×28 digits stay crisp, and neighbouring
//! images are kept apart by a [`SEPARATOR_PX`]-wide gap.
//!
//! * [`save_grid`] tiles a batch left→right, top→bottom (samples).
//! * [`save_labeled_rows`] draws one row per batch with its label on the left
//!   (reconstructions: "input / noisy / output"; interpolation strips).
//! * [`save_labeled_rows_with_marks`] additionally frames chosen cells.
//!
//! Malformed input (lengths that do not match the shape, zero sizes, marks
//! outside the rows) is reported as [`ImageError::InvalidInput`], never a panic.

use std::path::Path;

use crate::canvas::{Canvas, ImageError, Rgb};

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

/// Space left and right of a row label.
const LABEL_PADDING_PX: usize = 8;
/// Label text scale when the rows are tall enough for it, else 1.
const LARGE_LABEL_SCALE: usize = 2;

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
    let canvas = draw_labeled_rows(rows, scale, marks).map_err(|reason| ImageError::invalid(path, reason))?;
    canvas.save_png(path)
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

fn draw_labeled_rows(rows: &[(String, ImageBatch)], scale: usize, marks: &[(usize, usize)]) -> Result<Canvas, String> {
    check_scale(scale)?;
    if rows.is_empty() {
        return Err("no rows to draw".into());
    }
    for (label, batch) in rows {
        batch.validate().map_err(|reason| format!("row {label:?}: {reason}"))?;
    }
    check_marks(rows, marks)?;

    let label_scale = label_scale(rows, scale);
    let label_column = label_column_width(rows, label_scale);
    let row_heights: Vec<usize> = rows.iter().map(|(_, batch)| row_height(batch, scale, label_scale)).collect();
    let images_width =
        rows.iter().map(|(_, batch)| tiled_length(batch.count, batch.cell_size(scale).0)).max().unwrap_or(0);
    let height = row_heights.iter().sum::<usize>() + (rows.len() + 1) * SEPARATOR_PX;
    let mut canvas = Canvas::new(label_column + images_width, height, LABELED_BACKGROUND);

    let mut top = SEPARATOR_PX;
    for (row_index, ((label, batch), &row_h)) in rows.iter().zip(&row_heights).enumerate() {
        let text_top = top + (row_h - Canvas::text_height(label_scale)) / 2;
        canvas.text(to_i32(LABEL_PADDING_PX), to_i32(text_top), label, LABEL_COLOR, label_scale);

        let (cell_w, cell_h) = batch.cell_size(scale);
        let cell_top = top + (row_h - cell_h) / 2;
        for column in 0..batch.count {
            let left = label_column + tile_offset(column, cell_w);
            batch.draw_image(&mut canvas, column, left, cell_top, scale);
            if marks.contains(&(row_index, column)) {
                frame_cell(&mut canvas, left, cell_top, cell_w, cell_h);
            }
        }
        top += row_h + SEPARATOR_PX;
    }
    Ok(canvas)
}

fn check_scale(scale: usize) -> Result<(), String> {
    if scale == 0 { Err("scale must be at least 1".into()) } else { Ok(()) }
}

fn check_marks(rows: &[(String, ImageBatch)], marks: &[(usize, usize)]) -> Result<(), String> {
    for &(row, column) in marks {
        let Some((label, batch)) = rows.get(row) else {
            return Err(format!("mark ({row}, {column}): there are only {} rows", rows.len()));
        };
        if column >= batch.count {
            return Err(format!("mark ({row}, {column}): row {label:?} has only {} images", batch.count));
        }
    }
    Ok(())
}

/// Large labels when every row is at least as tall as them, small ones otherwise.
fn label_scale(rows: &[(String, ImageBatch)], scale: usize) -> usize {
    let shortest_row = rows.iter().map(|(_, batch)| batch.height * scale).min().unwrap_or(0);
    if shortest_row >= Canvas::text_height(LARGE_LABEL_SCALE) { LARGE_LABEL_SCALE } else { 1 }
}

/// Width of the label column: the widest label plus padding, or nothing without labels.
fn label_column_width(rows: &[(String, ImageBatch)], label_scale: usize) -> usize {
    let widest = rows.iter().map(|(label, _)| Canvas::text_width(label, label_scale)).max().unwrap_or(0);
    if widest == 0 { 0 } else { widest + 2 * LABEL_PADDING_PX }
}

fn row_height(batch: &ImageBatch, scale: usize, label_scale: usize) -> usize {
    batch.cell_size(scale).1.max(Canvas::text_height(label_scale))
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

fn to_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const SCALE: usize = 3;
    const IMG_H: usize = 2;
    const IMG_W: usize = 3;

    fn temp_png(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("atelier-grid-{name}-{}.png", std::process::id()))
    }

    fn decode(path: &Path) -> image::RgbImage {
        let img = image::open(path).unwrap().to_rgb8();
        std::fs::remove_file(path).unwrap();
        img
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
        let path = temp_png("tiles");
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
        let path = temp_png("rgb");
        save_grid(&path, &batch, 4, 2).unwrap();
        let img = decode(&path);
        assert_eq!(img.dimensions(), (2 + 2 * SEPARATOR_PX as u32, 2 + 2 * SEPARATOR_PX as u32));
        assert_eq!(img.get_pixel(SEPARATOR_PX as u32, SEPARATOR_PX as u32).0, [255, 0, 0]);
    }

    #[test]
    fn bad_batches_are_errors() {
        let pixels = four_images();
        let path = temp_png("bad");
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
        let path = temp_png("labeled");
        save_labeled_rows(&path, &rows, 2).unwrap();
        let img = decode(&path);

        let label_scale = LARGE_LABEL_SCALE;
        let label_column = Canvas::text_width("output", label_scale) + 2 * LABEL_PADDING_PX;
        assert_eq!(img.width() as usize, label_column + tiled_length(3, 20));
        assert_eq!(img.height() as usize, 2 * 20 + 3 * SEPARATOR_PX);

        let label_area_has_text = (0..label_column as u32)
            .flat_map(|x| (0..img.height()).map(move |y| (x, y)))
            .any(|(x, y)| img.get_pixel(x, y).0 == [LABEL_COLOR.0, LABEL_COLOR.1, LABEL_COLOR.2]);
        assert!(label_area_has_text);

        let first_cell = (label_column + SEPARATOR_PX) as u32;
        assert_eq!(img.get_pixel(first_cell, SEPARATOR_PX as u32).0, [255, 255, 255]);
        // The short first row leaves background where the second row has its third image.
        let third_cell = (label_column + tile_offset(2, 20) + 5) as u32;
        let white = [LABELED_BACKGROUND.0, LABELED_BACKGROUND.1, LABELED_BACKGROUND.2];
        assert_eq!(img.get_pixel(third_cell, 10).0, white);
    }

    #[test]
    fn marks_frame_the_chosen_cell_only() {
        let pixels = vec![0.0_f32; 3 * 4 * 4];
        let rows = vec![(String::new(), ImageBatch::new(&pixels, 3, 1, 4, 4))];
        let path = temp_png("marks");
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
        let path = temp_png("bad-marks");
        for mark in [(0, 2), (1, 0)] {
            let err = save_labeled_rows_with_marks(&path, &rows, 1, &[mark]).unwrap_err();
            assert!(matches!(err, ImageError::InvalidInput { .. }), "{err}");
        }
        assert!(save_labeled_rows(&path, &[], 1).is_err());
        assert!(!path.exists());
    }
}
