//! Line plots (loss and metric curves) and scatter plots (2-D latents), drawn
//! on a [`Canvas`] with the built-in font, no plotting crate involved.
//!
//! Both plots share the same machinery: an axis per direction fitted to
//! the finite data, "nice" tick values in 1-2-5 steps ([`nice_ticks`]) that
//! also fix the axis range, compact tick labels ([`format_tick`]), light grid
//! lines, a framed plot area and a legend. Degenerate data never panics: no
//! points gives an empty frame with a unit range, a single value is padded to
//! a range, non-finite points are skipped (and so are non-positive values on a
//! logarithmic axis), and long series are downsampled for drawing.

use std::path::Path;

use crate::canvas::{Canvas, ImageError, Rgb, Stroke, palette_color};

/// Size of a [`LinePlot`] image in pixels.
pub const LINE_PLOT_SIZE: (usize, usize) = (800, 500);
/// Size of a [`ScatterPlot`] image in pixels.
pub const SCATTER_PLOT_SIZE: (usize, usize) = (700, 600);
/// At most this many points per series are drawn; longer series are downsampled.
pub const MAX_POINTS_PER_SERIES: usize = 2000;

/// Roughly how many tick intervals an axis gets.
const TARGET_TICKS: usize = 5;
/// More ticks than this means the range is numerically degenerate.
const MAX_TICKS: usize = 100;
/// Significant digits in tick labels (enough for 1-2-5 ticks, too few for float noise).
const TICK_SIGNIFICANT_DIGITS: usize = 4;

const BACKGROUND: Rgb = Rgb::WHITE;
const INK: Rgb = Rgb::DARK_GREY;
const GRID_COLOR: Rgb = Rgb::LIGHT_GREY;
const LEGEND_BORDER: Rgb = Rgb(190, 190, 190);

const TITLE_SCALE: usize = 3;
const TEXT_SCALE: usize = 2;
/// Space between the image edge and anything drawn.
const MARGIN: usize = 14;
/// Space between neighbouring elements (labels, ticks, legend entries).
const GAP: usize = 8;
const TICK_LENGTH: usize = 5;
const SINGLE_POINT_RADIUS: usize = 3;
const SCATTER_DOT_RADIUS: usize = 2;
const LEGEND_PADDING: usize = 8;
const LEGEND_SWATCH_WIDTH: usize = 22;

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

/// How values map to positions along an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Linear,
    /// Logarithmic (base 10); values ≤ 0 cannot be shown and are skipped.
    Log10,
}

/// Curves over a shared x axis, e.g. training and validation loss per step.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub y_scale: Scale,
    pub series: Vec<Series>,
}

/// Points coloured by class, e.g. a 2-D latent space of MNIST digits.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPlot {
    pub title: String,
    /// `(x, y, class)`; the class picks the colour `PALETTE[class % 10]`.
    pub points: Vec<(f32, f32, usize)>,
    /// Legend names, indexed by class. When empty, the legend lists class numbers.
    pub class_names: Vec<String>,
}

impl LinePlot {
    /// Draws the plot on a fresh [`LINE_PLOT_SIZE`] canvas.
    pub fn render(&self) -> Canvas {
        let (width, height) = LINE_PLOT_SIZE;
        let mut canvas = Canvas::new(width, height, BACKGROUND);
        let visible: Vec<Vec<(f64, f64)>> = self.series.iter().map(|s| self.visible_points(s)).collect();
        let x_axis = Axis::fit(visible.iter().flatten().map(|p| p.0), Scale::Linear);
        let y_axis = Axis::fit(visible.iter().flatten().map(|p| p.1), self.y_scale);

        let labels = AxisLabels { x: &self.x_label, y: &self.y_label };
        let area = PlotArea::layout(&canvas, &self.title, labels, &y_axis, 0);
        draw_title(&mut canvas, &self.title);
        draw_axes(&mut canvas, &area, &x_axis, &y_axis, labels);
        for (index, points) in visible.iter().enumerate() {
            draw_series(&mut canvas, &area, &x_axis, &y_axis, points, palette_color(index));
        }
        let entries: Vec<LegendEntry> = self
            .series
            .iter()
            .enumerate()
            .map(|(index, s)| LegendEntry { name: s.name.clone(), color: palette_color(index) })
            .collect();
        let legend_x = area.right() - to_i32(legend_width(&entries) + GAP);
        draw_legend(&mut canvas, legend_x, area.top + to_i32(GAP), &entries, LegendMarker::Line);
        canvas
    }

    /// Writes the plot as a PNG.
    pub fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        self.render().save_png(path)
    }

    /// The points of `series` that can be drawn on this plot's axes, downsampled.
    fn visible_points(&self, series: &Series) -> Vec<(f64, f64)> {
        let drawable: Vec<(f64, f64)> = series
            .points
            .iter()
            .copied()
            .filter(|&(x, y)| x.is_finite() && self.y_scale.transform(y).is_some())
            .collect();
        downsample(&drawable, MAX_POINTS_PER_SERIES)
    }
}

impl ScatterPlot {
    /// Draws the plot on a fresh [`SCATTER_PLOT_SIZE`] canvas.
    pub fn render(&self) -> Canvas {
        let (width, height) = SCATTER_PLOT_SIZE;
        let mut canvas = Canvas::new(width, height, BACKGROUND);
        let finite: Vec<(f64, f64, usize)> = self
            .points
            .iter()
            .filter(|(x, y, _)| x.is_finite() && y.is_finite())
            .map(|&(x, y, class)| (f64::from(x), f64::from(y), class))
            .collect();
        let x_axis = Axis::fit(finite.iter().map(|p| p.0), Scale::Linear);
        let y_axis = Axis::fit(finite.iter().map(|p| p.1), Scale::Linear);

        let entries = self.legend_entries();
        let legend_w = legend_width(&entries);
        let labels = AxisLabels { x: "", y: "" };
        let legend_space = if entries.is_empty() { 0 } else { legend_w + GAP };
        let area = PlotArea::layout(&canvas, &self.title, labels, &y_axis, legend_space);
        draw_title(&mut canvas, &self.title);
        draw_axes(&mut canvas, &area, &x_axis, &y_axis, labels);
        for &(x, y, class) in &finite {
            if let Some((px, py)) = area.pixel(&x_axis, &y_axis, x, y) {
                canvas.dot(px, py, SCATTER_DOT_RADIUS, palette_color(class));
            }
        }
        draw_legend(&mut canvas, area.right() + to_i32(GAP), area.top, &entries, LegendMarker::Dot);
        canvas
    }

    /// Writes the plot as a PNG.
    pub fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        self.render().save_png(path)
    }

    fn legend_entries(&self) -> Vec<LegendEntry> {
        if !self.class_names.is_empty() {
            return self
                .class_names
                .iter()
                .enumerate()
                .map(|(class, name)| LegendEntry { name: name.clone(), color: palette_color(class) })
                .collect();
        }
        let mut classes: Vec<usize> = self.points.iter().map(|p| p.2).collect();
        classes.sort_unstable();
        classes.dedup();
        classes.into_iter().map(|class| LegendEntry { name: class.to_string(), color: palette_color(class) }).collect()
    }
}

impl Scale {
    /// The axis coordinate of `v`, or `None` when `v` cannot be shown.
    fn transform(self, v: f64) -> Option<f64> {
        let t = match self {
            Scale::Linear => v,
            Scale::Log10 if v > 0.0 => v.log10(),
            Scale::Log10 => return None,
        };
        t.is_finite().then_some(t)
    }
}

/// Tick values in 1-2-5 steps (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) covering
/// `[lo, hi]`: the first tick is ≤ `lo`, the last ≥ `hi`, with at most about
/// `target` intervals between. An empty range is widened around its value;
/// non-finite bounds give no ticks.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let (lo, hi) = pad_empty_range(lo.min(hi), lo.max(hi));
    let Some(step) = NiceStep::at_least((hi - lo) / target.max(1) as f64) else {
        return vec![lo, hi];
    };
    let first = (lo / step.value()).floor();
    let last = (hi / step.value()).ceil();
    if !(first.is_finite() && last.is_finite()) || last - first > MAX_TICKS as f64 {
        return vec![lo, hi];
    }
    let count = (last - first) as usize;
    (0..=count).map(|i| step.multiple(first + i as f64)).collect()
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

/// A tick step `mantissa × 10^exponent` with mantissa 1, 2 or 5.
#[derive(Debug, Clone, Copy)]
struct NiceStep {
    mantissa: f64,
    exponent: i32,
}

impl NiceStep {
    const MANTISSAS: [f64; 3] = [1.0, 2.0, 5.0];
    /// Relative slack so that a raw step of 0.2000000001 still rounds to 0.2.
    const TOLERANCE: f64 = 1e-9;

    /// The smallest 1-2-5 step not below `raw`.
    fn at_least(raw: f64) -> Option<NiceStep> {
        if !(raw.is_finite() && raw > 0.0) {
            return None;
        }
        let exponent = raw.log10().floor() as i32;
        let fraction = raw / power_of_ten(1.0, exponent) * (1.0 - Self::TOLERANCE);
        let step = match Self::MANTISSAS.iter().find(|&&m| m >= fraction) {
            Some(&mantissa) => NiceStep { mantissa, exponent },
            None => NiceStep { mantissa: 1.0, exponent: exponent + 1 },
        };
        Some(step)
    }

    fn value(self) -> f64 {
        power_of_ten(self.mantissa, self.exponent)
    }

    /// `k × step`, computed so that e.g. 3 × 0.2 is the double nearest 0.6.
    fn multiple(self, k: f64) -> f64 {
        power_of_ten(k * self.mantissa, self.exponent)
    }
}

/// `m × 10^e`, dividing for negative `e` so that 2 × 10⁻¹ is exactly the double nearest 0.2.
fn power_of_ten(m: f64, e: i32) -> f64 {
    if e >= 0 { m * 10f64.powi(e) } else { m / 10f64.powi(-e) }
}

/// Widens `[lo, hi]` around its value when it is empty (or numerically so).
fn pad_empty_range(lo: f64, hi: f64) -> (f64, f64) {
    const RELATIVE_PAD: f64 = 0.1;
    const EMPTY_RELATIVE_WIDTH: f64 = 1e-9;
    let magnitude = lo.abs().max(hi.abs());
    if hi - lo > magnitude * EMPTY_RELATIVE_WIDTH {
        return (lo, hi);
    }
    let center = (lo + hi) / 2.0;
    let pad = if magnitude == 0.0 { 1.0 } else { magnitude * RELATIVE_PAD };
    (center - pad, center + pad)
}

/// Ticks for a logarithmic axis covering `[lo, hi]` (both > 0): powers of ten
/// when the range spans enough decades, else 1-2-5 or 1…9 multiples of them.
/// Bounds that are not positive and finite give no ticks.
fn log_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    const MIN_LOG_TICKS: usize = 4;
    let (log_lo, log_hi) = (lo.log10(), hi.log10());
    if !(log_lo.is_finite() && log_hi.is_finite()) {
        return Vec::new();
    }
    // Finite logs of doubles lie within ±330, so these casts are exact.
    let lo_decade = log_lo.floor() as i32;
    let hi_decade = (log_hi.ceil() as i32).max(lo_decade + 1);
    let decades = (hi_decade - lo_decade) as usize;
    let decade_stride = decades.div_ceil(target.max(1)).max(1);
    let mantissa_sets: [&[f64]; 3] = [&[1.0], &[1.0, 2.0, 5.0], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]];
    let mut ticks = Vec::new();
    for (set_index, mantissas) in mantissa_sets.iter().enumerate() {
        let stride = if set_index == 0 { decade_stride } else { 1 };
        let candidates: Vec<f64> = (0..)
            .map(|k| lo_decade + to_i32(k * stride))
            .take_while(|&e| e < hi_decade + to_i32(stride))
            .flat_map(|e| mantissas.iter().map(move |&m| power_of_ten(m, e)))
            .collect();
        ticks = covering(&candidates, lo, hi);
        if ticks.len() >= MIN_LOG_TICKS {
            break;
        }
    }
    ticks
}

/// The ascending `candidates` from the last one ≤ `lo` to the first one ≥ `hi`.
fn covering(candidates: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let start = candidates.iter().rposition(|&c| c <= lo).unwrap_or(0);
    let end = candidates.iter().position(|&c| c >= hi).unwrap_or(candidates.len().saturating_sub(1));
    candidates.get(start..=end).map(<[f64]>::to_vec).unwrap_or_default()
}

/// At most `max_points` of `points`, keeping each bucket's lowest and highest
/// `y` in their original order, so spikes survive the downsampling.
fn downsample(points: &[(f64, f64)], max_points: usize) -> Vec<(f64, f64)> {
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

/// One axis: its scale, its range in transformed coordinates and its ticks (data values).
#[derive(Debug, Clone)]
struct Axis {
    scale: Scale,
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// An axis whose range is set by ticks covering every showable value.
    fn fit(values: impl Iterator<Item = f64>, scale: Scale) -> Axis {
        let (lo, hi) = values
            .filter_map(|v| scale.transform(v))
            .fold(None, |range: Option<(f64, f64)>, t| match range {
                None => Some((t, t)),
                Some((lo, hi)) => Some((lo.min(t), hi.max(t))),
            })
            .unwrap_or((0.0, 1.0));
        let (lo, hi) = pad_empty_range(lo, hi);
        let ticks = match scale {
            Scale::Linear => nice_ticks(lo, hi, TARGET_TICKS),
            Scale::Log10 => log_ticks(10f64.powf(lo), 10f64.powf(hi), TARGET_TICKS),
        };
        let tick_range = ticks
            .first()
            .zip(ticks.last())
            .and_then(|(&first, &last)| Some((scale.transform(first)?, scale.transform(last)?)).filter(|(a, b)| a < b));
        match tick_range {
            Some((first, last)) => Axis { scale, lo: first.min(lo), hi: last.max(hi), ticks },
            None => Axis { scale, lo, hi, ticks: Vec::new() },
        }
    }

    /// Where `v` lies along the axis, 0 at `lo` and 1 at `hi`.
    fn fraction(&self, v: f64) -> Option<f64> {
        let t = self.scale.transform(v)?;
        Some((t - self.lo) / (self.hi - self.lo))
    }
}

/// The framed rectangle data is drawn in, in canvas pixels.
#[derive(Debug, Clone, Copy)]
struct PlotArea {
    left: i32,
    top: i32,
    width: i32,
    height: i32,
}

/// The axis captions of a plot (empty: none).
#[derive(Debug, Clone, Copy)]
struct AxisLabels<'a> {
    x: &'a str,
    y: &'a str,
}

impl PlotArea {
    /// Leaves room for the title, axis labels, tick labels and `right_reserve`
    /// pixels on the right (a legend outside the area).
    fn layout(canvas: &Canvas, title: &str, labels: AxisLabels, y_axis: &Axis, right_reserve: usize) -> PlotArea {
        let text_h = Canvas::text_height(TEXT_SCALE);
        let y_tick_width = y_axis.ticks.iter().map(|&t| Canvas::text_width(&format_tick(t), TEXT_SCALE)).max();
        let left = MARGIN + band(labels.y, text_h) + y_tick_width.unwrap_or(0) + GAP + TICK_LENGTH;
        let top = MARGIN + band(title, Canvas::text_height(TITLE_SCALE)) + GAP;
        let bottom = MARGIN + band(labels.x, text_h) + text_h + GAP + TICK_LENGTH;
        // Half of a typical x tick label ("2.5k") may stick out past the last tick.
        let right = MARGIN + right_reserve + Canvas::text_width("00.0k", TEXT_SCALE) / 2;
        PlotArea {
            left: to_i32(left),
            top: to_i32(top),
            width: to_i32(canvas.width().saturating_sub(left + right).max(1)),
            height: to_i32(canvas.height().saturating_sub(top + bottom).max(1)),
        }
    }

    fn right(&self) -> i32 {
        self.left + self.width
    }

    fn bottom(&self) -> i32 {
        self.top + self.height
    }

    /// The column at `fraction` of the width, kept inside the area.
    fn x_pixel(&self, fraction: f64) -> i32 {
        self.left + (clamp_unit(fraction) * f64::from(self.width - 1)).round() as i32
    }

    /// The row at `fraction` of the height (0 at the bottom), kept inside the area.
    fn y_pixel(&self, fraction: f64) -> i32 {
        self.bottom() - 1 - (clamp_unit(fraction) * f64::from(self.height - 1)).round() as i32
    }

    fn pixel(&self, x_axis: &Axis, y_axis: &Axis, x: f64, y: f64) -> Option<(i32, i32)> {
        Some((self.x_pixel(x_axis.fraction(x)?), self.y_pixel(y_axis.fraction(y)?)))
    }
}

/// `f` limited to `[0, 1]`; NaN becomes 0.
fn clamp_unit(f: f64) -> f64 {
    if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) }
}

/// Height taken by a line of text plus its gap, or nothing for empty text.
fn band(text: &str, text_height: usize) -> usize {
    if text.is_empty() { 0 } else { text_height + GAP }
}

fn draw_title(canvas: &mut Canvas, title: &str) {
    let x = (canvas.width().saturating_sub(Canvas::text_width(title, TITLE_SCALE))) / 2;
    canvas.text(to_i32(x), to_i32(MARGIN), title, INK, TITLE_SCALE);
}

/// Grid lines, tick marks, tick labels, the frame and the axis captions.
fn draw_axes(canvas: &mut Canvas, area: &PlotArea, x_axis: &Axis, y_axis: &Axis, labels: AxisLabels) {
    let text_h = to_i32(Canvas::text_height(TEXT_SCALE));
    let tick = to_i32(TICK_LENGTH);
    let gap = to_i32(GAP);
    for &t in &x_axis.ticks {
        let Some(px) = x_axis.fraction(t).map(|f| area.x_pixel(f)) else {
            continue;
        };
        canvas.line(px, area.top, px, area.bottom() - 1, GRID_COLOR, Stroke::Thin);
        canvas.line(px, area.bottom(), px, area.bottom() + tick - 1, INK, Stroke::Thin);
        let label = format_tick(t);
        let label_x = px - to_i32(Canvas::text_width(&label, TEXT_SCALE)) / 2;
        canvas.text(label_x, area.bottom() + tick + gap / 2, &label, INK, TEXT_SCALE);
    }
    for &t in &y_axis.ticks {
        let Some(py) = y_axis.fraction(t).map(|f| area.y_pixel(f)) else {
            continue;
        };
        canvas.line(area.left, py, area.right() - 1, py, GRID_COLOR, Stroke::Thin);
        canvas.line(area.left - tick, py, area.left - 1, py, INK, Stroke::Thin);
        let label = format_tick(t);
        let label_x = area.left - tick - gap / 2 - to_i32(Canvas::text_width(&label, TEXT_SCALE));
        canvas.text(label_x, py - text_h / 2, &label, INK, TEXT_SCALE);
    }
    canvas.stroke_rect(area.left - 1, area.top - 1, to_usize(area.width + 2), to_usize(area.height + 2), 1, INK);

    let x_label_width = to_i32(Canvas::text_width(labels.x, TEXT_SCALE));
    let x_label_y = area.bottom() + tick + gap / 2 + text_h + gap;
    canvas.text(area.left + (area.width - x_label_width) / 2, x_label_y, labels.x, INK, TEXT_SCALE);
    let y_label_height = to_i32(Canvas::text_width(labels.y, TEXT_SCALE));
    canvas.text_upward(to_i32(MARGIN), area.top + (area.height - y_label_height) / 2, labels.y, INK, TEXT_SCALE);
}

/// A polyline through `points`, or a dot when there is only one.
fn draw_series(canvas: &mut Canvas, area: &PlotArea, x_axis: &Axis, y_axis: &Axis, points: &[(f64, f64)], color: Rgb) {
    let pixels: Vec<(i32, i32)> = points.iter().filter_map(|&(x, y)| area.pixel(x_axis, y_axis, x, y)).collect();
    match pixels.as_slice() {
        [] => {}
        [(x, y)] => canvas.dot(*x, *y, SINGLE_POINT_RADIUS, color),
        _ => canvas.polyline(&pixels, color, Stroke::Thick),
    }
}

/// One legend line: a colour sample and a name.
#[derive(Debug, Clone)]
struct LegendEntry {
    name: String,
    color: Rgb,
}

/// How a legend entry shows its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LegendMarker {
    /// A short thick line, for curves.
    Line,
    /// A dot, for scatter classes.
    Dot,
}

fn legend_width(entries: &[LegendEntry]) -> usize {
    let widest = entries.iter().map(|e| Canvas::text_width(&e.name, TEXT_SCALE)).max().unwrap_or(0);
    2 * LEGEND_PADDING + LEGEND_SWATCH_WIDTH + GAP + widest
}

/// A framed legend box with its top-left corner at `(x, y)`; nothing for no entries.
fn draw_legend(canvas: &mut Canvas, x: i32, y: i32, entries: &[LegendEntry], marker: LegendMarker) {
    if entries.is_empty() {
        return;
    }
    let text_h = Canvas::text_height(TEXT_SCALE);
    let line_h = text_h + GAP;
    let height = 2 * LEGEND_PADDING + entries.len() * line_h - GAP;
    let width = legend_width(entries);
    canvas.fill_rect(x, y, width, height, BACKGROUND);
    canvas.stroke_rect(x, y, width, height, 1, LEGEND_BORDER);

    let swatch_left = x + to_i32(LEGEND_PADDING);
    let swatch_right = swatch_left + to_i32(LEGEND_SWATCH_WIDTH) - 1;
    let text_left = swatch_right + 1 + to_i32(GAP);
    for (i, entry) in entries.iter().enumerate() {
        let top = y + to_i32(LEGEND_PADDING + i * line_h);
        let middle = top + to_i32(text_h / 2);
        match marker {
            LegendMarker::Line => {
                canvas.line(swatch_left, middle - 1, swatch_right, middle - 1, entry.color, Stroke::Thick)
            }
            LegendMarker::Dot => canvas.dot((swatch_left + swatch_right) / 2, middle, text_h / 3, entry.color),
        }
        canvas.text(text_left, top, &entry.name, INK, TEXT_SCALE);
    }
}

fn to_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn to_usize(v: i32) -> usize {
    usize::try_from(v).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn assert_close(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-12, "{actual:?} vs {expected:?}");
        }
    }

    /// Whether consecutive ticks differ by one 1-2-5 step.
    fn assert_one_two_five_steps(ticks: &[f64]) {
        assert!(ticks.len() >= 2, "{ticks:?}");
        let step = ticks[1] - ticks[0];
        let mantissa = step / 10f64.powf(step.log10().floor());
        assert!(
            [1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-9),
            "step {step} is not 1-2-5 in {ticks:?}"
        );
        for pair in ticks.windows(2) {
            assert!(((pair[1] - pair[0]) - step).abs() < step * 1e-9, "uneven {ticks:?}");
        }
    }

    #[test]
    fn nice_ticks_unit_range() {
        assert_close(&nice_ticks(0.0, 1.0, 5), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }

    #[test]
    fn nice_ticks_cover_a_small_range_in_one_two_five_steps() {
        let ticks = nice_ticks(0.013, 0.087, 5);
        assert_one_two_five_steps(&ticks);
        assert!(ticks[0] <= 0.013 && *ticks.last().unwrap() >= 0.087, "{ticks:?}");
        assert!(ticks.len() <= 7, "{ticks:?}");
        assert_close(&ticks, &[0.0, 0.02, 0.04, 0.06, 0.08, 0.1]);
    }

    #[test]
    fn nice_ticks_other_ranges() {
        assert_close(&nice_ticks(0.0, 1000.0, 5), &[0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_close(&nice_ticks(-3.0, 7.0, 5), &[-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_close(&nice_ticks(1.0, 0.0, 5), &nice_ticks(0.0, 1.0, 5));
        for (lo, hi) in [(2.3, 2.3001), (-1e-7, 3e-6), (1e9, 4e9), (17.0, 17.0)] {
            let ticks = nice_ticks(lo, hi, 5);
            assert_one_two_five_steps(&ticks);
            assert!(ticks[0] <= lo && *ticks.last().unwrap() >= hi, "{lo}..{hi}: {ticks:?}");
        }
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert!(nice_ticks(0.0, f64::INFINITY, 5).is_empty());
    }

    #[test]
    fn log_ticks_pick_decades_or_finer_multiples() {
        assert_close(&log_ticks(1e-4, 1.0, 5), &[1e-4, 1e-3, 1e-2, 1e-1, 1.0]);
        assert_close(&log_ticks(0.013, 0.087, 5), &[0.01, 0.02, 0.05, 0.1]);
        assert_close(&log_ticks(0.02, 0.05, 5), &[0.02, 0.03, 0.04, 0.05]);
        let wide = log_ticks(1e-9, 1e9, 5);
        assert!(wide.len() <= 7 && wide[0] <= 1e-9 && *wide.last().unwrap() >= 1e9, "{wide:?}");
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

    fn temp_png(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("atelier-plot-{name}-{}.png", std::process::id()))
    }

    fn decode(path: &Path) -> image::RgbImage {
        let img = image::open(path).unwrap().to_rgb8();
        std::fs::remove_file(path).unwrap();
        img
    }

    fn count_color(img: &image::RgbImage, c: Rgb) -> usize {
        img.pixels().filter(|p| p.0 == [c.0, c.1, c.2]).count()
    }

    fn loss_plot(series: Vec<Series>, y_scale: Scale) -> LinePlot {
        LinePlot { title: "Loss".into(), x_label: "step".into(), y_label: "loss".into(), y_scale, series }
    }

    fn decaying(name: &str, n: usize, factor: f64) -> Series {
        Series::new(name, (0..n).map(|i| (i as f64, factor * (-(i as f64) / 200.0).exp() + 0.01)).collect())
    }

    #[test]
    fn line_plot_draws_every_series_in_its_colour() {
        let plot = loss_plot(vec![decaying("train", 1000, 1.0), decaying("valid", 1000, 0.5)], Scale::Linear);
        let path = temp_png("lines");
        plot.save_png(&path).unwrap();
        let img = decode(&path);
        assert_eq!((img.width() as usize, img.height() as usize), LINE_PLOT_SIZE);
        for index in 0..2 {
            let drawn = count_color(&img, palette_color(index));
            assert!(drawn > 500, "series {index} has only {drawn} pixels");
        }
        assert_eq!(count_color(&img, palette_color(2)), 0, "no third series");
        assert!(count_color(&img, GRID_COLOR) > 1000, "grid lines");
    }

    #[test]
    fn log_scale_plot_skips_non_positive_values() {
        let mut series = decaying("train", 500, 1.0);
        series.points.extend([(500.0, 0.0), (501.0, -1.0), (502.0, f64::NAN)]);
        let img = loss_plot(vec![series], Scale::Log10).render();
        assert!(count_pixels(&img, palette_color(0)) > 300);
    }

    fn count_pixels(canvas: &Canvas, c: Rgb) -> usize {
        canvas.pixels().chunks(3).filter(|p| *p == [c.0, c.1, c.2]).count()
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
            for scale in [Scale::Linear, Scale::Log10] {
                let canvas = loss_plot(series.clone(), scale).render();
                assert_eq!((canvas.width(), canvas.height()), LINE_PLOT_SIZE);
            }
        }
    }

    #[test]
    fn a_single_point_is_drawn_as_a_dot() {
        let canvas = loss_plot(vec![Series::new("one", vec![(3.0, 0.25)])], Scale::Linear).render();
        // The legend swatch also uses the colour; the dot adds a disc of radius 3.
        let without_point = loss_plot(vec![Series::new("one", vec![])], Scale::Linear).render();
        assert!(count_pixels(&canvas, palette_color(0)) > count_pixels(&without_point, palette_color(0)) + 20);
    }

    #[test]
    fn huge_series_are_drawn() {
        let plot = loss_plot(vec![decaying("long", 200_000, 1.0)], Scale::Log10);
        assert!(count_pixels(&plot.render(), palette_color(0)) > 500);
    }

    fn two_clusters() -> ScatterPlot {
        let mut points = Vec::new();
        for i in 0..200 {
            let t = i as f32 * 0.1;
            points.push((t.cos() - 2.0, t.sin(), 0));
            points.push((t.sin() + 2.0, t.cos() * 0.5, 1));
        }
        points.push((f32::NAN, 0.0, 2));
        ScatterPlot { title: "Latent space".into(), points, class_names: vec!["zero".into(), "one".into()] }
    }

    #[test]
    fn scatter_plot_colours_points_by_class() {
        let path = temp_png("scatter");
        two_clusters().save_png(&path).unwrap();
        let img = decode(&path);
        assert_eq!((img.width() as usize, img.height() as usize), SCATTER_PLOT_SIZE);
        for class in 0..2 {
            let drawn = count_color(&img, palette_color(class));
            assert!(drawn > 300, "class {class} has only {drawn} pixels");
        }
        assert_eq!(count_color(&img, palette_color(2)), 0, "the NaN point is skipped");
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
            let plot = ScatterPlot { title: String::new(), points, class_names: Vec::new() };
            let canvas = plot.render();
            assert_eq!((canvas.width(), canvas.height()), SCATTER_PLOT_SIZE);
        }
    }
}
