//! Per-model wiring: data → model crate → shared loop, evaluation and benchmark steps.

pub mod autoencoder;
pub mod classifier;
pub mod dcgan;
pub mod dqn;
pub mod lstm;
pub mod vae;

use std::sync::Arc;
use std::time::Instant;

use atelier_data::{Dataset, Rng};
use atelier_train::{BatchSource, Experiment, ImageBatch, ImageSource, StepContext};
use burn::prelude::*;

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
