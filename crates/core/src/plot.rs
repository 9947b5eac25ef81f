//! Line plots (loss and metric curves over steps), drawn with `plotters`: a title, axis titles,
//! tick labels in compact notation ([`format_tick`]), a light grid and a legend naming each series.
//!
//! The y axis is logarithmic when the values span decades ([`Scale::Auto`]): a loss falling from
//! 2.3 to 0.01 shows its whole descent instead of a cliff and a flat line. Degenerate data never
//! panics: no points gives an empty frame with a unit range, a single value is padded to a range,
//! non-finite points are skipped (and so are non-positive values on a logarithmic axis), a
//! one-point series is drawn as a dot, and long series are downsampled for drawing.

use std::ops::Range;

use plotters::backend::DrawingBackend;
use plotters::chart::{ChartBuilder, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::coord::combinators::{IntoLogRange, LogCoord};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement};
use plotters::series::LineSeries;
use plotters::style::{Color, ShapeStyle};

use crate::canvas::{Rgb, palette_color};
use crate::picture::{Picture, drawing_error};
use crate::text::{TextSize, font};

/// Size of a [`LinePlot`] image in pixels.
pub const LINE_PLOT_SIZE: (usize, usize) = (800, 500);
/// At most this many points per series are drawn; longer series are downsampled.
pub const MAX_POINTS_PER_SERIES: usize = 2000;
/// [`Scale::Auto`] picks a logarithmic axis when the largest value is more than this many times
/// the smallest (all values positive).
pub const LOG_SCALE_RATIO: f64 = 100.0;

/// Significant digits in tick labels (enough for 1-2-5 ticks, too few for float noise).
const TICK_SIGNIFICANT_DIGITS: usize = 4;
/// Ink of text and axes.
pub const INK: Rgb = Rgb::DARK_GREY;
/// Major grid lines.
pub const GRID_COLOR: Rgb = Rgb(218, 218, 218);
/// Minor grid lines.
const MINOR_GRID_COLOR: Rgb = Rgb(242, 242, 242);
const MARGIN: u32 = 16;
const X_LABEL_AREA: u32 = 58;
const Y_LABEL_AREA: u32 = 82;
const CURVE_WIDTH: u32 = 2;
const SINGLE_POINT_RADIUS: u32 = 4;
const LEGEND_SWATCH: i32 = 24;

/// One named curve of a [`LinePlot`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series { name: name.into(), points }
    }
}

/// How values map to positions along the y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// [`Scale::Log10`] when every finite value is positive and they span more than
    /// [`LOG_SCALE_RATIO`], else [`Scale::Linear`].
    #[default]
    Auto,
    Linear,
    /// Logarithmic (base 10); values ≤ 0 cannot be shown and are skipped.
    Log10,
}

/// Curves over a shared x axis, e.g. training and validation loss per step.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    pub title: String,
    /// The x axis title, with its unit (e.g. "optimisation step").
    pub x_label: String,
    /// The y axis title, with its unit where it has one (e.g. "PSNR (dB)").
    pub y_label: String,
    pub y_scale: Scale,
    pub series: Vec<Series>,
}

impl Scale {
    /// The scale actually drawn for values `ys` ([`Scale::Auto`] decided).
    pub fn resolve(self, ys: impl Iterator<Item = f64>) -> Scale {
        match self {
            Scale::Linear | Scale::Log10 => self,
            Scale::Auto => {
                let (mut lo, mut hi, mut any) = (f64::INFINITY, f64::NEG_INFINITY, false);
                for y in ys.filter(|y| y.is_finite()) {
                    (lo, hi, any) = (lo.min(y), hi.max(y), true);
                }
                if any && lo > 0.0 && hi / lo > LOG_SCALE_RATIO { Scale::Log10 } else { Scale::Linear }
            }
        }
    }

    /// Whether `v` can be drawn: finite, within [`AXIS_LIMIT`], and positive on a log axis.
    fn shows(self, v: f64) -> bool {
        v.is_finite() && v.abs() <= AXIS_LIMIT && (self != Scale::Log10 || v > 0.0)
    }
}

impl LinePlot {
    /// The y scale drawn for this plot's data.
    pub fn resolved_scale(&self) -> Scale {
        self.y_scale.resolve(self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)))
    }

    /// The points of every series that can be drawn on `scale`, downsampled.
    fn visible_points(&self, scale: Scale) -> Vec<Vec<(f64, f64)>> {
        self.series
            .iter()
            .map(|series| {
                let drawable: Vec<(f64, f64)> =
                    series.points.iter().copied().filter(|&(x, y)| Scale::Linear.shows(x) && scale.shows(y)).collect();
                downsample(&drawable, MAX_POINTS_PER_SERIES)
            })
            .collect()
    }

    fn paint_on<DB: DrawingBackend, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        visible: &[Vec<(f64, f64)>],
        x_range: Range<f64>,
        y_coord: Y,
        legend: SeriesLabelPosition,
    ) -> Result<(), String>
    where
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, font(TextSize::Title.pixels())?.color(&INK.plotters()))
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(RangedCoordf64::from(x_range), y_coord)
            .map_err(drawing_error)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| format_tick(*v))
            .y_label_formatter(&|v| format_tick(*v))
            .label_style(font(TextSize::Small.pixels())?.color(&INK.plotters()))
            .axis_desc_style(font(TextSize::Label.pixels())?.color(&INK.plotters()))
            .axis_style(INK.plotters())
            .bold_line_style(GRID_COLOR.plotters())
            .light_line_style(MINOR_GRID_COLOR.plotters())
            .draw()
            .map_err(drawing_error)?;
        for (index, (series, points)) in self.series.iter().zip(visible).enumerate() {
            let color = palette_color(index).plotters();
            let style = ShapeStyle::from(&color).stroke_width(CURVE_WIDTH);
            let drawn = match points.as_slice() {
                [single] => chart
                    .draw_series(std::iter::once(Circle::new(*single, SINGLE_POINT_RADIUS, style.filled())))
                    .map_err(drawing_error)?,
                _ => chart.draw_series(LineSeries::new(points.iter().copied(), style)).map_err(drawing_error)?,
            };
            drawn
                .label(series.name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + LEGEND_SWATCH, y)], style));
        }
        if !self.series.is_empty() {
            chart
                .configure_series_labels()
                .position(legend)
                .margin(10)
                .legend_area_size(LEGEND_SWATCH + 6)
                .label_font(font(TextSize::Small.pixels())?.color(&INK.plotters()))
                .background_style(Rgb::WHITE.plotters().mix(0.9))
                .border_style(GRID_COLOR.plotters())
                .draw()
                .map_err(drawing_error)?;
        }
        Ok(())
    }
}

impl Picture for LinePlot {
    fn size(&self) -> (usize, usize) {
        LINE_PLOT_SIZE
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let scale = self.resolved_scale();
        let visible = self.visible_points(scale);
        let x_range = padded_range(visible.iter().flatten().map(|p| p.0), Scale::Linear);
        let y_range = padded_range(visible.iter().flatten().map(|p| p.1), scale);
        let legend = legend_corner(&visible, &x_range, &y_range, scale);
        match scale {
            Scale::Log10 => {
                let y = LogCoord::from(y_range.log_scale());
                self.paint_on(root, &visible, x_range, y, legend)
            }
            Scale::Linear | Scale::Auto => {
                self.paint_on(root, &visible, x_range, RangedCoordf64::from(y_range), legend)
            }
        }
    }
}

/// The range of the drawable `values` with a little room around the data (a factor on a
/// logarithmic axis); an empty or single-valued range is widened.
fn padded_range(values: impl Iterator<Item = f64>, scale: Scale) -> Range<f64> {
    const PAD: f64 = 0.04;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|&v| scale.shows(v)) {
        (lo, hi) = (lo.min(v), hi.max(v));
    }
    if lo > hi {
        return if scale == Scale::Log10 { 0.1..1.0 } else { 0.0..1.0 };
    }
    if scale == Scale::Log10 {
        let (log_lo, log_hi) = (lo.log10(), hi.log10());
        let pad = ((log_hi - log_lo) * PAD).max(0.05);
        return 10f64.powf(log_lo - pad)..10f64.powf(log_hi + pad);
    }
    // Halve before subtracting so that ±1e308 does not overflow.
    let span = hi / 2.0 - lo / 2.0;
    if span <= hi.abs().max(lo.abs()) * 1e-9 {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        return (lo - pad)..(hi + pad);
    }
    let pad = span * 2.0 * PAD;
    // Keep the width finite: plotters' tick search does not end on an infinite range.
    (lo - pad).max(-AXIS_LIMIT)..(hi + pad).min(AXIS_LIMIT)
}

/// The largest magnitude an axis shows; larger values are skipped like non-finite ones (plotters'
/// pixel mapping overflows on them).
const AXIS_LIMIT: f64 = 1e300;

/// The corner (or edge middle) of the plot area the curves cross least, upper right on ties: the
/// curves are followed segment by segment (not only at logged points), and each candidate is a
/// band of the plot area (right, left or centre 40% of the width; top, middle or bottom 30% of the
/// height).
fn legend_corner(visible: &[Vec<(f64, f64)>], x: &Range<f64>, y: &Range<f64>, scale: Scale) -> SeriesLabelPosition {
    const SUBSTEPS: usize = 16;
    let fraction_y = |v: f64| match scale {
        Scale::Log10 => (v.log10() - y.start.log10()) / (y.end.log10() - y.start.log10()),
        Scale::Linear | Scale::Auto => (v - y.start) / (y.end - y.start),
    };
    let fraction_x = |v: f64| (v - x.start) / (x.end - x.start);
    // (position, x band, y band), in order of preference.
    let candidates = [
        (SeriesLabelPosition::UpperRight, (0.6, 1.0), (0.7, 1.0)),
        (SeriesLabelPosition::LowerRight, (0.6, 1.0), (0.0, 0.3)),
        (SeriesLabelPosition::MiddleRight, (0.6, 1.0), (0.35, 0.65)),
        (SeriesLabelPosition::UpperLeft, (0.0, 0.4), (0.7, 1.0)),
        (SeriesLabelPosition::LowerLeft, (0.0, 0.4), (0.0, 0.3)),
        (SeriesLabelPosition::UpperMiddle, (0.3, 0.7), (0.7, 1.0)),
        (SeriesLabelPosition::LowerMiddle, (0.3, 0.7), (0.0, 0.3)),
    ];
    let mut crossings = [0usize; 7];
    for series in visible {
        for pair in series.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            for k in 0..=SUBSTEPS {
                let t = k as f64 / SUBSTEPS as f64;
                let (fx, fy) = (fraction_x(x0 + (x1 - x0) * t), fraction_y(y0 + (y1 - y0) * t));
                for (count, (_, (x_lo, x_hi), (y_lo, y_hi))) in crossings.iter_mut().zip(&candidates) {
                    *count += usize::from(fx >= *x_lo && fx <= *x_hi && fy >= *y_lo && fy <= *y_hi);
                }
            }
        }
        if let [(px, py)] = series.as_slice() {
            let (fx, fy) = (fraction_x(*px), fraction_y(*py));
            for (count, (_, (x_lo, x_hi), (y_lo, y_hi))) in crossings.iter_mut().zip(&candidates) {
                *count += usize::from(fx >= *x_lo && fx <= *x_hi && fy >= *y_lo && fy <= *y_hi);
            }
        }
    }
    let best = (0..candidates.len()).min_by_key(|&i| (crossings[i], i)).unwrap_or(0);
    candidates[best].0.clone()
}

/// At most `max_points` of `points` (in order): each bucket keeps its lowest and highest value,
/// so spikes survive.
pub fn downsample(points: &[(f64, f64)], max_points: usize) -> Vec<(f64, f64)> {
    const POINTS_PER_BUCKET: usize = 2;
    if points.len() <= max_points {
        return points.to_vec();
    }
    let buckets = (max_points / POINTS_PER_BUCKET).max(1);
    let bucket_size = points.len().div_ceil(buckets);
    let mut kept = Vec::with_capacity(max_points);
    for bucket in points.chunks(bucket_size) {
        let by_y = |a: &(usize, &(f64, f64)), b: &(usize, &(f64, f64))| a.1.1.total_cmp(&b.1.1);
        let (Some((low, _)), Some((high, _))) =
            (bucket.iter().enumerate().min_by(by_y), bucket.iter().enumerate().max_by(by_y))
        else {
            continue;
        };
        let (first, second) = (low.min(high), low.max(high));
        kept.push(bucket[first]);
        if second != first {
            kept.push(bucket[second]);
        }
    }
    kept
}

/// A compact label for a tick value: `0`, `0.012`, `12.5`, `1.5k`, `2M`, `2e-4`, `1.5e9`.
pub fn format_tick(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == 0.0 {
        return "0".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let body = if !(1e-3..1e9).contains(&a) {
        scientific(a)
    } else if a >= 1e6 {
        format!("{}M", decimal(a / 1e6))
    } else if a >= 1e3 {
        format!("{}k", decimal(a / 1e3))
    } else {
        decimal(a)
    };
    format!("{sign}{body}")
}

/// `a` (positive) with [`TICK_SIGNIFICANT_DIGITS`] significant digits, trailing zeros trimmed.
fn decimal(a: f64) -> String {
    let magnitude = a.log10().floor() as i64;
    let decimals = (TICK_SIGNIFICANT_DIGITS as i64 - 1 - magnitude).max(0) as usize;
    trim_fraction_zeros(&format!("{a:.decimals$}"))
}

/// `a` (positive) as `mantissa e exponent`, mantissa zeros trimmed: `2e-4`, `1.5e9`.
fn scientific(a: f64) -> String {
    let formatted = format!("{a:.prec$e}", prec = TICK_SIGNIFICANT_DIGITS - 1);
    match formatted.split_once('e') {
        Some((mantissa, exponent)) => format!("{}e{exponent}", trim_fraction_zeros(mantissa)),
        None => formatted,
    }
}

fn trim_fraction_zeros(s: &str) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::Canvas;

    fn count_color(canvas: &Canvas, c: Rgb) -> usize {
        canvas.pixels().chunks(3).filter(|p| *p == [c.0, c.1, c.2]).count()
    }

    fn loss_plot(series: Vec<Series>, y_scale: Scale) -> LinePlot {
        LinePlot { title: "Loss".into(), x_label: "step".into(), y_label: "loss".into(), y_scale, series }
    }

    fn decaying(name: &str, n: usize, factor: f64) -> Series {
        Series::new(name, (0..n).map(|i| (i as f64, factor * (-(i as f64) / 200.0).exp() + 0.01)).collect())
    }

    #[test]
    fn format_tick_is_compact() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (100.0, "100"),
            (12.5, "12.5"),
            (0.012, "0.012"),
            (0.6000000000000001, "0.6"),
            (-0.5, "-0.5"),
            (0.001, "0.001"),
            (1500.0, "1.5k"),
            (12000.0, "12k"),
            (2.0e6, "2M"),
            (2e-4, "2e-4"),
            (-2.5e-5, "-2.5e-5"),
            (1.5e9, "1.5e9"),
            (f64::NAN, "NaN"),
        ];
        for (v, expected) in cases {
            assert_eq!(format_tick(v), expected, "format_tick({v})");
        }
    }

    #[test]
    fn auto_scale_goes_logarithmic_only_for_positive_values_spanning_decades() {
        let auto = |ys: &[f64]| Scale::Auto.resolve(ys.iter().copied());
        assert_eq!(auto(&[2.3, 0.9, 0.01]), Scale::Log10, "230× span");
        assert_eq!(auto(&[2.3, 0.9, 0.05]), Scale::Linear, "46× span");
        assert_eq!(auto(&[0.1, 0.5, 0.9]), Scale::Linear, "accuracy");
        assert_eq!(auto(&[-3.0, 500.0, 0.01]), Scale::Linear, "a negative value cannot go on a log axis");
        assert_eq!(auto(&[0.0, 1.0, 1000.0]), Scale::Linear, "nor can zero");
        assert_eq!(auto(&[f64::NAN, 1000.0, 1.0]), Scale::Log10, "NaN is ignored");
        assert_eq!(auto(&[]), Scale::Linear);
        assert_eq!(Scale::Linear.resolve([1.0, 1e6].into_iter()), Scale::Linear, "explicit scales stay");
        let plot = loss_plot(vec![decaying("train", 1000, 10.0)], Scale::Auto);
        assert_eq!(plot.resolved_scale(), Scale::Log10);
    }

    #[test]
    fn a_log_axis_spreads_the_tail_of_a_decaying_loss() {
        // On a linear axis the last half of the curve (values 0.01–0.1 of 10) is a flat line near
        // the bottom; on a log axis it covers a good part of the height.
        let plot = |scale| loss_plot(vec![decaying("train", 1000, 10.0)], scale).render().unwrap();
        let rows_with_curve = |canvas: &Canvas| {
            (0..canvas.height())
                .filter(|&y| {
                    (canvas.width() / 2..canvas.width() - 40).any(|x| canvas.get(x, y) == Some(palette_color(0)))
                })
                .count()
        };
        let (linear, log) = (rows_with_curve(&plot(Scale::Linear)), rows_with_curve(&plot(Scale::Log10)));
        assert!(log > 4 * linear.max(1), "log {log} rows vs linear {linear}");
    }

    #[test]
    fn line_plot_draws_every_series_in_its_colour_with_text() {
        let plot = loss_plot(vec![decaying("train", 1000, 1.0), decaying("valid", 1000, 0.5)], Scale::Linear);
        let canvas = plot.render().unwrap();
        assert_eq!((canvas.width(), canvas.height()), LINE_PLOT_SIZE);
        for index in 0..2 {
            let drawn = count_color(&canvas, palette_color(index));
            assert!(drawn > 500, "series {index} has only {drawn} pixels");
        }
        assert_eq!(count_color(&canvas, palette_color(2)), 0, "no third series");
        assert!(count_color(&canvas, GRID_COLOR) > 1000, "grid lines");
        // The title is centred at the top: dark text pixels there.
        let title_ink = (0..40)
            .flat_map(|y| (300..500).map(move |x| (x, y)))
            .filter(|&(x, y)| canvas.get(x, y).is_some_and(|c| c.0 < 100 && c.1 < 100 && c.2 < 100))
            .count();
        assert!(title_ink > 30, "title pixels: {title_ink}");
    }

    #[test]
    fn png_and_svg_files_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let plot = loss_plot(vec![decaying("train", 300, 1.0)], Scale::Auto);
        plot.save_png(&dir.join("loss.png")).unwrap();
        plot.save_svg(&dir.join("loss.svg")).unwrap();
        let png = image::open(dir.join("loss.png")).unwrap().to_rgb8();
        let svg = std::fs::read_to_string(dir.join("loss.svg")).unwrap();
        assert_eq!((png.width() as usize, png.height() as usize), LINE_PLOT_SIZE);
        assert!(png.pixels().any(|p| p.0 != png.get_pixel(0, 0).0), "not a constant image");
        assert!(svg.starts_with("<svg") && svg.contains("Loss") && svg.contains("train"), "{}", &svg[..200]);
    }

    #[test]
    fn log_scale_plot_skips_non_positive_values() {
        let mut series = decaying("train", 500, 1.0);
        series.points.extend([(500.0, 0.0), (501.0, -1.0), (502.0, f64::NAN)]);
        let canvas = loss_plot(vec![series], Scale::Log10).render().unwrap();
        assert!(count_color(&canvas, palette_color(0)) > 300);
    }

    #[test]
    fn degenerate_line_plots_do_not_panic() {
        let nan = f64::NAN;
        let cases = vec![
            vec![],
            vec![Series::new("empty", vec![])],
            vec![Series::new("nan", vec![(nan, nan), (1.0, nan), (f64::INFINITY, 2.0)])],
            vec![Series::new("one", vec![(3.0, 0.25)])],
            vec![Series::new("flat", vec![(0.0, 5.0), (1.0, 5.0), (2.0, 5.0)])],
            vec![Series::new("zeros", vec![(0.0, 0.0), (0.0, 0.0)])],
            vec![Series::new("huge", vec![(-1e308, -1e308), (1e308, 1e308)])],
            vec![Series::new("tiny", vec![(0.0, 1.0), (1.0, 1.0 + 1e-15)])],
        ];
        for series in cases {
            for scale in [Scale::Auto, Scale::Linear, Scale::Log10] {
                let canvas = loss_plot(series.clone(), scale).render().unwrap();
                assert_eq!((canvas.width(), canvas.height()), LINE_PLOT_SIZE);
            }
        }
    }

    #[test]
    fn a_single_point_is_drawn_as_a_dot() {
        let with_point = loss_plot(vec![Series::new("one", vec![(3.0, 0.25)])], Scale::Linear).render().unwrap();
        let without_point = loss_plot(vec![Series::new("one", vec![])], Scale::Linear).render().unwrap();
        let extra = count_color(&with_point, palette_color(0)) - count_color(&without_point, palette_color(0));
        assert!(extra > 20, "the dot adds {extra} pixels");
    }

    #[test]
    fn downsampling_keeps_extremes_within_the_budget() {
        let mut points: Vec<(f64, f64)> = (0..100_000).map(|i| (i as f64, (i as f64 * 0.01).sin())).collect();
        points[54_321].1 = 10.0;
        points[77_777].1 = -10.0;
        let kept = downsample(&points, MAX_POINTS_PER_SERIES);
        assert!(kept.len() <= MAX_POINTS_PER_SERIES && kept.len() > MAX_POINTS_PER_SERIES / 2);
        assert!(kept.contains(&(54_321.0, 10.0)) && kept.contains(&(77_777.0, -10.0)));
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0), "order is preserved");
        assert_eq!(downsample(&points[..10], MAX_POINTS_PER_SERIES), points[..10].to_vec());
    }

    #[test]
    fn huge_series_are_drawn() {
        let plot = loss_plot(vec![decaying("long", 200_000, 1.0)], Scale::Log10);
        assert!(count_color(&plot.render().unwrap(), palette_color(0)) > 500);
    }

    #[test]
    fn the_legend_goes_where_the_curves_are_not() {
        let (x, y) = (0.0..100.0, 0.0..1.0);
        let line = |f: fn(f64) -> f64| (0..=10).map(|i| (i as f64 * 10.0, f(i as f64 / 10.0))).collect::<Vec<_>>();
        // A falling loss leaves the upper right free.
        let falling = vec![line(|t| 1.0 - 0.9 * t)];
        assert_eq!(legend_corner(&falling, &x, &y, Scale::Linear), SeriesLabelPosition::UpperRight);
        // A rising accuracy crosses the upper right: lower right.
        let rising = vec![line(|t| 0.1 + 0.9 * t)];
        assert_eq!(legend_corner(&rising, &x, &y, Scale::Linear), SeriesLabelPosition::LowerRight);
        // D(x) high and D(G(z)) low along the whole run (the GAN's curves): the middle of the right edge.
        let game = vec![line(|_| 0.9), line(|_| 0.1)];
        assert_eq!(legend_corner(&game, &x, &y, Scale::Linear), SeriesLabelPosition::MiddleRight);
    }
}
