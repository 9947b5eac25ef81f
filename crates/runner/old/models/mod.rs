//! Per-model wiring: data → model crate → shared loop, evaluation and sampling (`bench` times every
//! image model with its one loop in `crate::bench`).

pub mod autoencoder;
pub mod classifier;
pub mod cyclegan;
pub mod dcgan;
pub mod dqn;
pub mod emoji_evaluator;
pub mod facenet;
pub mod lstm;
pub mod pix2pix;
pub mod segmentation;
pub mod vae;

use std::collections::BTreeMap;

use atelier_core::run_dir::RunDir;
use atelier_train::checkpoint;
use atelier_train::host::to_host_f32;
use atelier_train::seed::{Stream, derive};
use burn::prelude::*;

use crate::png_folder::quantize;

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

/// A pix2pix run's translations of its own test pairs: what another translation lecture compares
/// itself with (CycleGAN's paired upper bound). The one bridge between two models' wiring.
pub struct PairedRunTranslations {
    pub label: String,
    pub task: atelier_pix2pix::TranslationTask,
    /// The run's image side.
    pub size: usize,
    /// The test pairs' names, in the order of `outputs`.
    pub names: Vec<String>,
    /// `[n, c_out, size, size]` in `[0, 1]`.
    pub outputs: Vec<f32>,
}

/// Loads the pix2pix run at `path` and translates its task's test pairs (found through `data_dir`
/// or the usual search order).
pub fn pix2pix_test_translations(
    path: &std::path::Path,
    data_dir: Option<&std::path::Path>,
    device: &Device,
) -> Result<PairedRunTranslations, String> {
    let run = RunDir::open(path).map_err(|e| e.to_string())?;
    let config = match crate::config::RunConfig::load(&run.config_path())?.model {
        crate::config::ModelConfig::Pix2pix(c) => c,
        model => return Err(format!("{}: a {} run, not a pix2pix run", path.display(), model.name())),
    };
    let test = pix2pix::data::locate(&config, data_dir)?.load(&config, None)?.test;
    let (step, blobs) = latest_checkpoint(&run)?;
    let generator = atelier_pix2pix::load_generator(&config, &blobs, device)?;
    let outputs = pix2pix::eval::translate_set(&generator, &test, device)?;
    let name = run.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(PairedRunTranslations {
        label: format!("pix2pix, paired ({name}, step {step})"),
        task: config.task,
        size: config.size,
        names: test.names,
        outputs,
    })
}

/// Codes decoded per forward pass when generating images.
const GENERATE_BATCH: usize = 500;

/// The step and blobs of a run's latest checkpoint, or an error naming the run.
pub fn latest_checkpoint(run: &RunDir) -> Result<(u64, BTreeMap<String, Vec<u8>>), String> {
    let latest = checkpoint::latest(&run.checkpoints_dir())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{}: the run has no checkpoint", run.path().display()))?;
    let (position, blobs) = checkpoint::load(&latest).map_err(|e| e.to_string())?;
    Ok((position.step, blobs))
}

/// The seed of the noise behind generated images (`eval dcgan`, `sample … --seed S`).
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
