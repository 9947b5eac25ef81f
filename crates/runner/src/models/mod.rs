//! Per-model wiring: data → model crate → shared loop, evaluation and benchmark steps.

pub mod autoencoder;
pub mod classifier;
pub mod dcgan;
pub mod dqn;
pub mod lstm;
pub mod vae;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use atelier_core::run_dir::RunDir;
use atelier_data::{Dataset, Rng};
use atelier_train::seed::{Stream, derive};
use atelier_train::{BatchSource, Experiment, ImageBatch, ImageSource, StepContext, checkpoint};
use burn::prelude::*;

use crate::png_folder::quantize;

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
        pixels.extend(
            images.into_data().try_into_vec_as::<f32>().map_err(|e| format!("reading generated images: {e:?}"))?,
        );
    }
    quantize(&mut pixels);
    Ok(pixels)
}

/// Times `steps` training steps of `experiment` at `batch_size` on `device` (autodiff enabled),
/// after `warmup` untimed ones. Returns images per second. One host read ends each phase, so
/// the timing covers the queued device work and no per-step sync is added.
pub fn bench_image_experiment<E: Experiment<Batch = ImageBatch>>(
    mut experiment: E,
    device: &Device,
    data: &Dataset,
    batch_size: usize,
    warmup: usize,
    steps: usize,
) -> f64 {
    let source = ImageSource::new(Arc::new(data.train.clone()), None);
    let n = source.len();
    let mut rng = Rng::new(0);
    let mut run_steps = |count: usize, rng: &mut Rng| {
        let mut last = None;
        for step in 0..count {
            let indices: Vec<usize> = (0..batch_size).map(|i| (step * batch_size + i) % n).collect();
            let batch = source.batch(&indices, rng, device);
            let mut ctx =
                StepContext { step: step as u64, epoch: 0, device: device.clone(), rng: Rng::new(step as u64) };
            last = experiment.train_step(batch, &mut ctx).metrics.into_iter().next().map(|(_, v)| v);
        }
        last.map(|loss| loss.into_scalar::<f32>())
    };
    run_steps(warmup, &mut rng);
    let start = Instant::now();
    run_steps(steps, &mut rng);
    (steps * batch_size) as f64 / start.elapsed().as_secs_f64()
}
