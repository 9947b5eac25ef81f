//! Pictures several lectures draw the same way: training curves together on one chart, and
//! generated images decoded in batches.

use atelier_core::png_folder::quantize;
use atelier_core::run_dir::RunDir;
use atelier_train::host::to_host_f32;
use atelier_train::seed::{Stream, derive};
use burn::prelude::*;

/// One chart of training curves drawn together: `series` are `(metric, label)` of `metrics.csv`'s
/// training rows.
pub struct TrainPlot<'a> {
    pub file: &'a str,
    pub title: &'a str,
    pub y_label: &'a str,
    pub series: &'a [(&'a str, &'a str)],
}

/// Draws charts that put several training curves on one picture (the per-metric plots of the loop
/// show each alone) into `plots/<file>.png`.
pub fn write_train_plots(run: &RunDir, x_label: &str, plots: &[TrainPlot]) -> Result<(), String> {
    use atelier_core::picture::Picture;
    use atelier_core::plot::{LinePlot, Scale, Series};
    let rows = atelier_core::metrics::read_metrics(&run.metrics_path()).map_err(|e| e.to_string())?;
    for plot in plots {
        let series = plot
            .series
            .iter()
            .map(|(name, label)| {
                let points =
                    rows.iter().filter(|r| r.split == "train" && r.name == *name).map(|r| (r.step as f64, r.value));
                Series::new(*label, points.collect())
            })
            .filter(|s| !s.points.is_empty())
            .collect();
        let chart = LinePlot {
            title: plot.title.into(),
            x_label: x_label.into(),
            y_label: plot.y_label.into(),
            y_scale: Scale::Linear,
            series,
        };
        chart.save_png(&run.plots_dir().join(format!("{}.png", plot.file))).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Codes decoded per forward pass when generating images.
const GENERATE_BATCH: usize = 500;

/// The seed of the noise behind generated images (`eval`, `sample --seed S`).
pub fn sample_seed(seed: u64) -> u64 {
    derive(seed, Stream::Figures, 20)
}

/// Decodes the codes `z` `[count, k]` with `decode` (→ `[n, 1, 28, 28]` in `[0, 1]`) in batches
/// and returns the images as 8-bit-rounded host pixels `[count, 28, 28]`, as their PNGs hold them.
/// A device read that fails is an error, never a short pixel buffer.
pub fn decode_to_pixels(z: Tensor<2>, decode: impl Fn(Tensor<2>) -> Tensor<4>) -> Result<Vec<f32>, String> {
    let [count, _] = z.dims();
    let mut pixels = Vec::with_capacity(count * 28 * 28);
    for start in (0..count).step_by(GENERATE_BATCH) {
        let n = GENERATE_BATCH.min(count - start);
        let images = decode(z.clone().narrow(0, start, n)); // [n, 1, 28, 28]
        pixels.extend(to_host_f32(images, "the generated images").map_err(|e| e.to_string())?);
    }
    quantize(&mut pixels);
    Ok(pixels)
}
