//! The lecture's tasks in the shared training loop: one Adam step on each task's objective.

use std::collections::BTreeMap;

use atelier_layers::loss::{accuracy, cross_entropy, mean_squared_error};
use atelier_train::{
    Experiment, Figure, ImageBatch, RunClock, StepContext, StepOutput, module_from_bytes, module_to_bytes,
    optimizer_from_bytes, optimizer_to_bytes,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::complete::{binarize, nll_of_rows_from, row_nll};
use crate::config::{LstmConfig, Task};
use crate::figures::{HALF, completion_figure};
use crate::model::{RecurrentModel, images_as_rows};
use crate::progression::SequenceBatch;

const MODEL_BLOB: &str = "model";
const OPTIMIZER_BLOB: &str = "optimizer";
/// Completions per test image in the per-epoch figure.
const FIGURE_SAMPLES: usize = 3;
/// Columns of the per-epoch completion figure.
const FIGURE_IMAGES: usize = 8;

/// Adam with PyTorch's defaults (β₁ = 0.9, β₂ = 0.999, ε = 1e-8).
fn adam() -> ModuleOptimizer {
    atelier_train::pytorch_adam()
}

/// The model of `config`'s task: inputs and outputs per step, from the image side `side` (28).
pub fn build_model(config: &LstmConfig, side: usize, classes: usize, device: &Device) -> RecurrentModel {
    let (d_input, d_output) = match config.task {
        Task::Sequence { .. } => (1, 1),
        Task::Rows => (side, classes),
        Task::Complete => (side, side),
    };
    RecurrentModel::new(config.cell, d_input, config.hidden, d_output, device)
}

/// Loads just the model from checkpoint blobs (for evaluation and sampling).
pub fn load_model(
    config: &LstmConfig,
    side: usize,
    classes: usize,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<RecurrentModel, String> {
    let bytes = blobs.get(MODEL_BLOB).ok_or_else(|| format!("the checkpoint has no '{MODEL_BLOB}'"))?;
    module_from_bytes(build_model(config, side, classes, device), bytes)
}

fn state_blobs(model: &RecurrentModel, optimizer: &ModuleOptimizer) -> Result<Vec<(String, Vec<u8>)>, String> {
    Ok(vec![
        (MODEL_BLOB.to_string(), module_to_bytes(model)?),
        (OPTIMIZER_BLOB.to_string(), optimizer_to_bytes(optimizer)?),
    ])
}

fn load_blobs(
    model: RecurrentModel,
    blobs: &BTreeMap<String, Vec<u8>>,
) -> Result<(RecurrentModel, ModuleOptimizer), String> {
    let get = |name: &str| blobs.get(name).ok_or_else(|| format!("the checkpoint has no '{name}'"));
    Ok((module_from_bytes(model, get(MODEL_BLOB)?)?, optimizer_from_bytes(adam(), get(OPTIMIZER_BLOB)?)?))
}

/// The image tasks `rows` and `complete` (batches of Fashion-MNIST images).
pub struct ImageTaskExperiment {
    pub model: RecurrentModel,
    optimizer: ModuleOptimizer,
    pub config: LstmConfig,
}

impl ImageTaskExperiment {
    /// A fresh model on `device` (autodiff enabled), initialised from the device's current seed.
    /// Refuses the `sequence` task (it has no images).
    pub fn new(config: LstmConfig, side: usize, classes: usize, device: &Device) -> Result<Self, String> {
        if matches!(config.task, Task::Sequence { .. }) {
            return Err("the sequence task trains on generated progressions, not on images".into());
        }
        config.validate()?;
        Ok(Self { model: build_model(&config, side, classes, device), optimizer: adam(), config })
    }

    /// `(loss, extra metric name, extra metric)` of one batch.
    fn objective(&self, model: &RecurrentModel, batch: ImageBatch) -> (Tensor<1>, &'static str, Tensor<1>) {
        match self.config.task {
            Task::Complete => {
                // L = 1/N Σₙ Σ_t Σ_j NLL(x_{t,j}; ℓ_{t,j}) in nats per image.
                let nll = row_nll(model, binarize(batch.images)); // [n, 28]
                let bottom = nll_of_rows_from(nll.clone(), HALF);
                (nll_of_rows_from(nll, 0), "bottom_half_nll_nats", bottom)
            }
            _ => {
                let logits = model.forward_last(images_as_rows(batch.images)); // [n, 10]
                let acc = accuracy(logits.clone(), batch.labels.clone());
                (cross_entropy(logits, batch.labels), "accuracy", acc)
            }
        }
    }
}

impl Experiment for ImageTaskExperiment {
    type Batch = ImageBatch;

    fn train_step(&mut self, batch: ImageBatch, ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let (loss, name, metric) = self.objective(&self.model, batch);
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let lr = self.config.lr_schedule.rate(self.config.learning_rate, RunClock::Epoch(ctx.epoch));
        self.model = self.optimizer.step(lr, self.model.clone(), grads);
        StepOutput::new(images).with("loss", loss).with(name, metric)
    }

    fn valid_step(&self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let batch = ImageBatch {
            images: batch.images.without_autodiff(),
            labels: batch.labels.without_autodiff(),
            label_values: batch.label_values,
        };
        let (loss, name, metric) = self.objective(&self.model.valid(), batch);
        StepOutput::new(images).with("loss", loss).with(name, metric)
    }

    fn figures(&self, batch: ImageBatch, ctx: &mut StepContext) -> Vec<Figure> {
        match self.config.task {
            Task::Complete => {
                let [n, _, _, _] = batch.images.dims();
                let images = batch.images.without_autodiff().narrow(0, 0, n.min(FIGURE_IMAGES));
                vec![completion_figure(&self.model.valid(), images, FIGURE_SAMPLES, &mut ctx.rng)]
            }
            _ => Vec::new(),
        }
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        state_blobs(&self.model, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (model, optimizer) = load_blobs(self.model, blobs)?;
        Ok(Self { model, optimizer, config: self.config })
    }
}

/// Next-term metrics of a batch: `(mse on the normalised scale, exact next-value accuracy,
/// mse in the original units)`, each `[1]`.
pub fn sequence_metrics(model: &RecurrentModel, batch: SequenceBatch) -> (Tensor<1>, Tensor<1>, Tensor<1>) {
    let prediction = model.forward_last(batch.inputs); // [n, 1], normalised
    let loss = mean_squared_error(prediction.clone(), batch.targets);
    let value = prediction * batch.scales; // ŷ = s · m(a / s)
    let exact = value.clone().round().equal(batch.next.clone()).float().mean();
    let mse = mean_squared_error(value, batch.next);
    (loss, exact, mse)
}

/// The `sequence` task (batches of generated progressions).
pub struct SequenceExperiment {
    pub model: RecurrentModel,
    optimizer: ModuleOptimizer,
    pub config: LstmConfig,
}

impl SequenceExperiment {
    pub fn new(config: LstmConfig, device: &Device) -> Result<Self, String> {
        if !matches!(config.task, Task::Sequence { .. }) {
            return Err(format!("the {} task trains on images, not on generated progressions", config.task.name()));
        }
        config.validate()?;
        Ok(Self { model: build_model(&config, 0, 0, device), optimizer: adam(), config })
    }
}

impl Experiment for SequenceExperiment {
    type Batch = SequenceBatch;

    fn train_step(&mut self, batch: SequenceBatch, ctx: &mut StepContext) -> StepOutput {
        let n = batch.len();
        let (loss, exact, mse) = sequence_metrics(&self.model, batch);
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let lr = self.config.lr_schedule.rate(self.config.learning_rate, RunClock::Epoch(ctx.epoch));
        self.model = self.optimizer.step(lr, self.model.clone(), grads);
        StepOutput::new(n).with("loss", loss).with("next_value_accuracy", exact).with("mse", mse)
    }

    fn valid_step(&self, batch: SequenceBatch, _ctx: &mut StepContext) -> StepOutput {
        let n = batch.len();
        let batch = SequenceBatch {
            inputs: batch.inputs.without_autodiff(),
            targets: batch.targets.without_autodiff(),
            scales: batch.scales.without_autodiff(),
            next: batch.next.without_autodiff(),
        };
        let (loss, exact, mse) = sequence_metrics(&self.model.valid(), batch);
        StepOutput::new(n).with("loss", loss).with("next_value_accuracy", exact).with("mse", mse)
    }

    fn figures(&self, _batch: SequenceBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        Vec::new() // the lecture's examples are printed by `eval` (numbers, not pictures)
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        state_blobs(&self.model, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (model, optimizer) = load_blobs(self.model, blobs)?;
        Ok(Self { model, optimizer, config: self.config })
    }
}
