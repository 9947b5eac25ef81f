//! A confusion matrix as a picture: rows are true classes, columns predictions; each cell is
//! shaded by its share of the row (white → blue) and shows the count. Class names are written in
//! full: horizontally left of the rows, reading upward under the columns, with the axis titles
//! "true class" and "predicted class".

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontTransform, ShapeStyle, TextStyle};

use crate::canvas::Rgb;
use crate::picture::{Picture, drawing_error};
use crate::plot::INK;
use crate::text::{TextSize, font, text_size};

/// Side of one cell in pixels.
pub const CELL: i32 = 54;
const MARGIN: i32 = 18;
const GAP: i32 = 8;
/// The colour of a cell holding a whole row.
pub const FULL_SHADE: Rgb = Rgb(31, 119, 180);
/// Rows wider than this share of the row get white counts.
const LIGHT_TEXT_ABOVE: f64 = 0.5;

/// `counts[true][predicted]` with the class names and a title.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionMatrixPlot {
    pub title: String,
    pub counts: Vec<Vec<usize>>,
    pub class_names: Vec<String>,
}

/// Shade for a fraction in `[0, 1]`: white → [`FULL_SHADE`].
pub fn shade(fraction: f64) -> Rgb {
    let f = if fraction.is_nan() { 0.0 } else { fraction.clamp(0.0, 1.0) };
    let mix = |white: f64, full: u8| (white + (f64::from(full) - white) * f).round() as u8;
    Rgb(mix(255.0, FULL_SHADE.0), mix(255.0, FULL_SHADE.1), mix(255.0, FULL_SHADE.2))
}

/// Where everything goes, in pixels.
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// Left edge of the matrix.
    left: i32,
    /// Top edge of the matrix.
    top: i32,
    /// Height of the column-name band under the matrix.
    column_names: i32,
    width: i32,
    height: i32,
}

impl ConfusionMatrixPlot {
    fn classes(&self) -> usize {
        self.counts.len()
    }

    /// The name of class `c` (its number when no name is given).
    fn name(&self, c: usize) -> String {
        self.class_names.get(c).cloned().unwrap_or_else(|| c.to_string())
    }

    fn layout(&self) -> Result<Layout, String> {
        let label = TextSize::Label.pixels();
        let small = TextSize::Small.pixels();
        let mut widest_name = 0;
        for c in 0..self.classes() {
            widest_name = widest_name.max(text_size(&self.name(c), small)?.0 as i32);
        }
        let (title_w, title_h) = text_size(&self.title, TextSize::Title.pixels())?;
        let axis_h = text_size("true class", label)?.1 as i32;
        let matrix = CELL * self.classes() as i32;
        let left = MARGIN + axis_h + GAP + widest_name + GAP;
        let top = MARGIN + title_h as i32 + 2 * GAP;
        let column_names = widest_name + GAP;
        let width = (left + matrix + MARGIN).max(title_w as i32 + 2 * MARGIN);
        let height = top + matrix + GAP + column_names + GAP + axis_h + MARGIN;
        Ok(Layout { left, top, column_names, width, height })
    }

    fn paint_cells<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, at: Layout) -> Result<(), String> {
        let count_font = font(TextSize::Small.pixels())?;
        for (t, row) in self.counts.iter().enumerate() {
            let row_total: usize = row.iter().sum();
            for (p, &count) in row.iter().enumerate() {
                let fraction = count as f64 / row_total.max(1) as f64;
                let (x, y) = (at.left + p as i32 * CELL, at.top + t as i32 * CELL);
                let cell = Rectangle::new([(x, y), (x + CELL, y + CELL)], shade(fraction).plotters().filled());
                root.draw(&cell).map_err(drawing_error)?;
                let ink = if fraction > LIGHT_TEXT_ABOVE { Rgb::WHITE } else { INK };
                let style = count_font.color(&ink.plotters()).pos(Pos::new(HPos::Center, VPos::Center));
                let centre = (x + CELL / 2, y + CELL / 2);
                root.draw(&Text::new(count.to_string(), centre, &style)).map_err(drawing_error)?;
            }
        }
        let matrix = CELL * self.classes() as i32;
        let frame = Rectangle::new(
            [(at.left, at.top), (at.left + matrix, at.top + matrix)],
            ShapeStyle::from(&Rgb::GREY.plotters()),
        );
        root.draw(&frame).map_err(drawing_error)
    }

    fn paint_labels<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, at: Layout) -> Result<(), String> {
        let ink = INK.plotters();
        let matrix = CELL * self.classes() as i32;
        let small = font(TextSize::Small.pixels())?;
        let row_style = small.color(&ink).pos(Pos::new(HPos::Right, VPos::Center));
        // Rotated a quarter turn: the text reads upward and its end sits at the anchor.
        let column_style =
            small.transform(FontTransform::Rotate270).color(&ink).pos(Pos::new(HPos::Right, VPos::Center));
        for c in 0..self.classes() {
            let middle = c as i32 * CELL + CELL / 2;
            let row_anchor = (at.left - GAP, at.top + middle);
            root.draw(&Text::new(self.name(c), row_anchor, &row_style)).map_err(drawing_error)?;
            let column_anchor = (at.left + middle, at.top + matrix + GAP);
            root.draw(&Text::new(self.name(c), column_anchor, &column_style)).map_err(drawing_error)?;
        }

        let axis = font(TextSize::Label.pixels())?;
        let predicted_style = axis.color(&ink).pos(Pos::new(HPos::Center, VPos::Top));
        let predicted_at = (at.left + matrix / 2, at.top + matrix + GAP + at.column_names + GAP);
        root.draw(&Text::new("predicted class", predicted_at, &predicted_style)).map_err(drawing_error)?;
        let true_style = axis.transform(FontTransform::Rotate270).color(&ink).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new("true class", (MARGIN, at.top + matrix / 2), &true_style)).map_err(drawing_error)?;

        let title_style: TextStyle = font(TextSize::Title.pixels())?.color(&ink).pos(Pos::new(HPos::Center, VPos::Top));
        let title_at = (at.width / 2, MARGIN);
        root.draw(&Text::new(self.title.as_str(), title_at, &title_style)).map_err(drawing_error)
    }
}

impl Picture for ConfusionMatrixPlot {
    fn size(&self) -> (usize, usize) {
        // Measuring only fails when the embedded font is unusable; `paint` then reports it.
        let layout = self.layout().unwrap_or(Layout { left: 0, top: 0, column_names: 0, width: 1, height: 1 });
        (layout.width.max(1) as usize, layout.height.max(1) as usize)
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        if self.counts.iter().any(|row| row.len() != self.classes()) {
            return Err(format!(
                "a confusion matrix must be square, got {} rows of lengths {:?}",
                self.classes(),
                self.counts.iter().map(Vec::len).collect::<Vec<_>>()
            ));
        }
        let layout = self.layout()?;
        self.paint_cells(root, layout)?;
        self.paint_labels(root, layout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::Canvas;

    fn fashion_names() -> Vec<String> {
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn diagonal(classes: usize) -> Vec<Vec<usize>> {
        (0..classes).map(|t| (0..classes).map(|p| if t == p { 40 } else { t % 3 }).collect()).collect()
    }

    fn dark(canvas: &Canvas, xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) -> usize {
        ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| canvas.get(x, y).is_some_and(|c| c.0 < 110 && c.1 < 110 && c.2 < 110))
            .count()
    }

    #[test]
    fn cells_are_shaded_by_their_share_of_the_row() {
        assert_eq!(shade(0.0), Rgb::WHITE);
        assert_eq!(shade(1.0), FULL_SHADE);
        let plot = ConfusionMatrixPlot {
            title: "t".into(),
            counts: vec![vec![10, 0], vec![5, 5]],
            class_names: vec!["a".into(), "b".into()],
        };
        let canvas = plot.render().unwrap();
        let at = plot.layout().unwrap();
        let pixel =
            |t: i32, p: i32| canvas.get((at.left + p * CELL + 3) as usize, (at.top + t * CELL + 3) as usize).unwrap();
        assert_eq!(pixel(0, 0), FULL_SHADE);
        assert_eq!(pixel(0, 1), Rgb::WHITE);
        assert_eq!(pixel(1, 0), shade(0.5));
    }

    #[test]
    fn full_class_names_and_axis_titles_are_written_outside_the_matrix() {
        let plot = ConfusionMatrixPlot {
            title: "test accuracy 80%".into(),
            counts: diagonal(10),
            class_names: fashion_names(),
        };
        let canvas = plot.render().unwrap();
        let at = plot.layout().unwrap();
        let matrix = (CELL * 10) as usize;
        let (left, top) = (at.left as usize, at.top as usize);
        // Row names: the band left of the matrix holds the longest name in full.
        let name_width = text_size("T-shirt/top", TextSize::Small.pixels()).unwrap().0 as usize;
        assert!(left > name_width + 2 * GAP as usize);
        let row_name_ink =
            dark(&canvas, left - GAP as usize - name_width..left - GAP as usize, top..top + CELL as usize);
        assert!(row_name_ink > 40, "row name of class 0: {row_name_ink} dark pixels");
        // Column names: each column's band under the matrix holds a rotated name, as tall as it is long.
        for c in 0..10 {
            let x = left + c * CELL as usize;
            let band = dark(&canvas, x..x + CELL as usize, top + matrix + 2..top + matrix + at.column_names as usize);
            assert!(band > 30, "column name {c}: {band} dark pixels");
        }
        let tall = text_size("Ankle boot", TextSize::Small.pixels()).unwrap().0 as usize;
        let x9 = left + 9 * CELL as usize;
        let lowest_row = (top + matrix..canvas.height())
            .filter(|&y| dark(&canvas, x9..x9 + CELL as usize, y..y + 1) > 0)
            .take_while(|&y| y < top + matrix + at.column_names as usize)
            .max()
            .unwrap();
        assert!(lowest_row - (top + matrix) + 4 >= tall, "'Ankle boot' reaches {lowest_row}, needs {tall} px");
        // Axis titles: under the column names, and left of the row names.
        let below = top + matrix + at.column_names as usize;
        assert!(dark(&canvas, left..left + matrix, below..canvas.height()) > 60, "predicted class");
        assert!(dark(&canvas, 0..MARGIN as usize + 24, top..top + matrix) > 60, "true class");
    }

    #[test]
    fn a_ragged_matrix_is_an_error() {
        let plot =
            ConfusionMatrixPlot { title: String::new(), counts: vec![vec![1, 2], vec![3]], class_names: Vec::new() };
        let err = plot.render().unwrap_err();
        assert!(err.contains("square"), "{err}");
    }
}
