//! Scatter plots of 2-D points coloured by class (latent codes of test images), drawn with
//! `plotters`: a title, axis titles, tick labels, and a legend of the classes beside the plot.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, ShapeStyle};

use crate::canvas::palette_color;
use crate::picture::{Picture, drawing_error};
use crate::plot::{GRID_COLOR, INK, format_tick};
use crate::text::{TextSize, font, text_size};

/// Size of a [`ScatterPlot`] image in pixels.
pub const SCATTER_PLOT_SIZE: (usize, usize) = (820, 620);

const DOT_RADIUS: u32 = 2;
const LEGEND_DOT_RADIUS: u32 = 5;
const LEGEND_GAP: i32 = 10;
const LEGEND_LINE: i32 = 24;
const MARGIN: u32 = 16;

/// Points coloured by class, e.g. a 2-D latent space of Fashion-MNIST images.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPlot {
    pub title: String,
    /// Axis titles, e.g. `("z₁", "z₂")` or `("PC 1", "PC 2")`.
    pub x_label: String,
    pub y_label: String,
    /// `(x, y, class)`; the class picks the colour `PALETTE[class % 10]`.
    pub points: Vec<(f32, f32, usize)>,
    /// Legend names, indexed by class. When empty, the legend lists class numbers.
    pub class_names: Vec<String>,
}

impl ScatterPlot {
    fn finite_points(&self) -> Vec<(f64, f64, usize)> {
        self.points
            .iter()
            .filter(|(x, y, _)| x.is_finite() && y.is_finite())
            .map(|&(x, y, class)| (f64::from(x), f64::from(y), class))
            .collect()
    }

    /// `(class, name)` of every legend line.
    fn legend_entries(&self) -> Vec<(usize, String)> {
        if !self.class_names.is_empty() {
            return self.class_names.iter().cloned().enumerate().collect();
        }
        let mut classes: Vec<usize> = self.points.iter().map(|p| p.2).collect();
        classes.sort_unstable();
        classes.dedup();
        classes.into_iter().map(|class| (class, format!("class {class}"))).collect()
    }

    fn legend_width(&self, entries: &[(usize, String)]) -> Result<u32, String> {
        let mut widest = 0;
        for (_, name) in entries {
            widest = widest.max(text_size(name, TextSize::Small.pixels())?.0);
        }
        Ok(if entries.is_empty() { 0 } else { widest + 3 * LEGEND_GAP as u32 + 2 * LEGEND_DOT_RADIUS })
    }
}

impl Picture for ScatterPlot {
    fn size(&self) -> (usize, usize) {
        SCATTER_PLOT_SIZE
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let points = self.finite_points();
        let entries = self.legend_entries();
        let (width, _) = root.dim_in_pixel();
        let legend_width = self.legend_width(&entries)?;
        let (plot_area, legend_area) = root.split_horizontally(width.saturating_sub(legend_width));

        let x_range = range(points.iter().map(|p| p.0));
        let y_range = range(points.iter().map(|p| p.1));
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(&self.title, font(TextSize::Title.pixels())?.color(&INK.plotters()))
            .margin(MARGIN)
            .x_label_area_size(58)
            .y_label_area_size(70)
            .build_cartesian_2d(RangedCoordf64::from(x_range), RangedCoordf64::from(y_range))
            .map_err(drawing_error)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .x_label_formatter(&|v| format_tick(*v))
            .y_label_formatter(&|v| format_tick(*v))
            .label_style(font(TextSize::Small.pixels())?.color(&INK.plotters()))
            .axis_desc_style(font(TextSize::Label.pixels())?.color(&INK.plotters()))
            .axis_style(INK.plotters())
            .bold_line_style(GRID_COLOR.plotters())
            .light_line_style(GRID_COLOR.plotters().mix(0.3))
            .draw()
            .map_err(drawing_error)?;
        chart
            .draw_series(points.iter().map(|&(x, y, class)| {
                Circle::new((x, y), DOT_RADIUS, ShapeStyle::from(&palette_color(class).plotters()).filled())
            }))
            .map_err(drawing_error)?;

        let label_style =
            font(TextSize::Small.pixels())?.color(&INK.plotters()).pos(Pos::new(HPos::Left, VPos::Center));
        let total_height = LEGEND_LINE * entries.len() as i32;
        let top = (legend_area.dim_in_pixel().1 as i32 - total_height) / 2;
        for (line, (class, name)) in entries.iter().enumerate() {
            let middle = top + LEGEND_LINE * line as i32 + LEGEND_LINE / 2;
            let dot = (LEGEND_DOT_RADIUS as i32, middle);
            let color = palette_color(*class).plotters();
            legend_area.draw(&Circle::new(dot, LEGEND_DOT_RADIUS, color.filled())).map_err(drawing_error)?;
            let text_x = 2 * LEGEND_DOT_RADIUS as i32 + LEGEND_GAP;
            legend_area.draw(&Text::new(name.as_str(), (text_x, middle), &label_style)).map_err(drawing_error)?;
        }
        Ok(())
    }
}

/// The range of `values` with 5% room on each side; an empty or single-valued range is widened.
fn range(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        (lo, hi) = (lo.min(v), hi.max(v));
    }
    if lo > hi {
        return -1.0..1.0;
    }
    let span = hi / 2.0 - lo / 2.0;
    if span <= hi.abs().max(lo.abs()) * 1e-9 {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        return (lo - pad)..(hi + pad);
    }
    (lo - span * 0.1)..(hi + span * 0.1) // finite: the points are f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::{Canvas, Rgb};

    fn count_color(canvas: &Canvas, c: Rgb) -> usize {
        canvas.pixels().chunks(3).filter(|p| *p == [c.0, c.1, c.2]).count()
    }

    fn two_clusters() -> ScatterPlot {
        let mut points = Vec::new();
        for i in 0..200 {
            let t = i as f32 * 0.1;
            points.push((t.cos() - 2.0, t.sin(), 0));
            points.push((t.sin() + 2.0, t.cos() * 0.5, 1));
        }
        points.push((f32::NAN, 0.0, 2));
        ScatterPlot {
            title: "Latent space".into(),
            x_label: "z₁".into(),
            y_label: "z₂".into(),
            points,
            class_names: vec!["zero".into(), "one".into()],
        }
    }

    #[test]
    fn scatter_plot_colours_points_by_class_and_lists_them_right_of_the_plot() {
        let plot = two_clusters();
        let canvas = plot.render().unwrap();
        assert_eq!((canvas.width(), canvas.height()), SCATTER_PLOT_SIZE);
        for class in 0..2 {
            let drawn = count_color(&canvas, palette_color(class));
            assert!(drawn > 300, "class {class} has only {drawn} pixels");
        }
        assert_eq!(count_color(&canvas, palette_color(2)), 0, "the NaN point is skipped");
        // The legend sits in a column at the right edge: both class colours appear there.
        let legend_width = plot.legend_width(&plot.legend_entries()).unwrap() as usize;
        let legend_column =
            (canvas.width() - legend_width..canvas.width()).flat_map(|x| (0..canvas.height()).map(move |y| (x, y)));
        let legend_colours: Vec<Rgb> = legend_column.filter_map(|(x, y)| canvas.get(x, y)).collect();
        for class in 0..2 {
            assert!(legend_colours.contains(&palette_color(class)), "legend swatch of class {class}");
        }
    }

    #[test]
    fn degenerate_scatter_plots_do_not_panic() {
        let cases = vec![
            vec![],
            vec![(1.0, 1.0, 3)],
            vec![(0.0, 0.0, 0), (0.0, 0.0, 15)],
            vec![(f32::INFINITY, 0.0, 0), (f32::MAX, f32::MIN, 1)],
        ];
        for points in cases {
            let plot = ScatterPlot {
                title: String::new(),
                x_label: String::new(),
                y_label: String::new(),
                points,
                class_names: Vec::new(),
            };
            let canvas = plot.render().unwrap();
            assert_eq!((canvas.width(), canvas.height()), SCATTER_PLOT_SIZE);
        }
    }
}
