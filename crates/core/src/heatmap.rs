//! A confusion matrix as a PNG: rows are true classes, columns predictions; each cell is shaded
//! by its share of the row and shows the count.

use std::path::Path;

use crate::canvas::{Canvas, ImageError, Rgb};

const CELL: usize = 44;
const TEXT_SCALE: usize = 1;
const MARGIN: usize = 12;

/// Shade for a fraction in `[0, 1]`: white → blue.
fn shade(fraction: f64) -> Rgb {
    let f = fraction.clamp(0.0, 1.0);
    let mix = |white: f64, blue: f64| (white + (blue - white) * f).round() as u8;
    Rgb(mix(255.0, 31.0), mix(255.0, 119.0), mix(255.0, 180.0))
}

/// Draws `counts[true][predicted]` with the class names on both axes and a title.
pub fn confusion_matrix_canvas(counts: &[Vec<usize>], class_names: &[String], title: &str) -> Canvas {
    let classes = counts.len();
    let label_width = class_names.iter().map(|n| Canvas::text_width(n, TEXT_SCALE)).max().unwrap_or(0) + MARGIN;
    let text_h = Canvas::text_height(TEXT_SCALE);
    let top = MARGIN + 2 * (text_h + MARGIN) + label_width;
    let left = MARGIN + text_h + MARGIN + label_width;
    let width = left + classes * CELL + MARGIN;
    let height = top + classes * CELL + MARGIN;
    let mut canvas = Canvas::new(width, height, Rgb::WHITE);
    canvas.text(MARGIN as i32, MARGIN as i32, title, Rgb::DARK_GREY, TEXT_SCALE);
    let axis_y = (MARGIN + text_h + MARGIN) as i32;
    canvas.text(left as i32, axis_y, "predicted class", Rgb::DARK_GREY, TEXT_SCALE);
    canvas.text_upward(MARGIN as i32, (top + classes * CELL) as i32, "true class", Rgb::DARK_GREY, TEXT_SCALE);
    for (c, name) in class_names.iter().enumerate().take(classes) {
        let x = (left + c * CELL + (CELL - text_h) / 2) as i32;
        canvas.text_upward(x, (top - MARGIN / 2) as i32, name, Rgb::DARK_GREY, TEXT_SCALE);
        let y = (top + c * CELL + (CELL - text_h) / 2) as i32;
        let name_x = left - MARGIN / 2 - Canvas::text_width(name, TEXT_SCALE);
        canvas.text(name_x as i32, y, name, Rgb::DARK_GREY, TEXT_SCALE);
    }
    for (t, row) in counts.iter().enumerate() {
        let row_total: usize = row.iter().sum();
        for (p, &count) in row.iter().enumerate() {
            let fraction = count as f64 / row_total.max(1) as f64;
            let (x, y) = ((left + p * CELL) as i32, (top + t * CELL) as i32);
            canvas.fill_rect(x, y, CELL, CELL, shade(fraction));
            let label = count.to_string();
            let ink = if fraction > 0.5 { Rgb::WHITE } else { Rgb::DARK_GREY };
            let tx = x + ((CELL - Canvas::text_width(&label, TEXT_SCALE)) / 2) as i32;
            canvas.text(tx, y + ((CELL - text_h) / 2) as i32, &label, ink, TEXT_SCALE);
        }
    }
    canvas.stroke_rect(left as i32, top as i32, classes * CELL, classes * CELL, 1, Rgb::GREY);
    canvas
}

/// Writes [`confusion_matrix_canvas`] as a PNG (atomically).
pub fn save_confusion_matrix(
    path: &Path,
    counts: &[Vec<usize>],
    class_names: &[String],
    title: &str,
) -> Result<(), ImageError> {
    confusion_matrix_canvas(counts, class_names, title).save_png(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_shaded_by_their_share_of_the_row() {
        let names: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let canvas = confusion_matrix_canvas(&[vec![10, 0], vec![5, 5]], &names, "t");
        assert!(canvas.width() > 2 * CELL && canvas.height() > 2 * CELL);
        assert_eq!(shade(0.0), Rgb::WHITE);
        assert_eq!(shade(1.0), Rgb(31, 119, 180));
    }
}
