//! What a model crate supplies to the shared loop.

use std::collections::BTreeMap;

use atelier_core::Rng;
use burn::prelude::*;

/// A model (or several, with their optimizers) that the shared loop can train.
///
/// Model crates implement this in their `step.rs`; they do no file IO: checkpoints go through
/// [`Experiment::state`] / [`Experiment::load_state`] as named byte blobs that the loop writes.
pub trait Experiment: Sized {
    /// What one step consumes, built by a [`crate::BatchSource`].
    type Batch;

    /// One optimisation step (a GAN's may update two networks). Returns detached scalar metrics;
    /// the loop averages them on the device and reads them back only every `log_every` steps.
    fn train_step(&mut self, batch: Self::Batch, ctx: &mut StepContext) -> StepOutput;

    /// Metrics on one held-out batch, without learning.
    fn valid_step(&self, batch: Self::Batch, ctx: &mut StepContext) -> StepOutput;

    /// Pictures of the model's current state (reconstructions, samples, …), drawn after each
    /// epoch from `batch`, a fixed batch of test images.
    fn figures(&self, batch: Self::Batch, ctx: &mut StepContext) -> Vec<Figure>;

    /// Everything a checkpoint must hold to resume exactly: modules and optimizer states.
    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String>;

    /// Restores [`Experiment::state`]'s blobs into a freshly initialised experiment.
    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String>;
}

/// Where a step is, and its random sources. Both are seeded from `(run seed, step)` by the loop.
pub struct StepContext {
    /// Optimisation steps completed before this one (0 for the first step).
    pub step: u64,
    pub epoch: u64,
    /// The device the experiment trains on (autodiff enabled).
    pub device: Device,
    /// Host-side randomness for this step.
    pub rng: Rng,
}

/// Scalar metrics of one step, still on the device: `("loss", loss.detach())`, …
#[derive(Default)]
pub struct StepOutput {
    pub metrics: Vec<(&'static str, Tensor<1>)>,
    /// Images processed (for images/s).
    pub images: usize,
}

impl StepOutput {
    pub fn new(images: usize) -> Self {
        Self { metrics: Vec::new(), images }
    }

    /// Adds a metric (detached from the graph).
    pub fn with(mut self, name: &'static str, value: Tensor<1>) -> Self {
        self.metrics.push((name, value.detach()));
        self
    }
}

/// A picture the loop writes as a PNG into the run's `samples/`.
pub enum Figure {
    /// Rows of images `[n, c, h, w]` in `[0, 1]`, each row with a label on its left; `marks`
    /// frames chosen `(row, column)` cells.
    Grid { name: String, rows: Vec<(String, Tensor<4>)>, marks: Vec<(usize, usize)> },
    /// 2-D points coloured by class; `axes` titles the x and y axes (e.g. `["z₁", "z₂"]`).
    Scatter { name: String, title: String, axes: [String; 2], points: Vec<(f32, f32, usize)>, class_names: Vec<String> },
}
