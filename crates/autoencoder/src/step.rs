//! The autoencoder in the shared training loop: one Adam step on the objective of [`crate::loss`].

use std::collections::BTreeMap;

use atelier_layers::loss::mean_squared_error;
use atelier_train::{
    Experiment, Figure, ImageBatch, StepContext, StepOutput, load_model_and_optimizer, load_model_blob,
    model_and_optimizer_state, pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::{AutoencoderConfig, Variant};
use crate::figures::{morph_figure, reconstruction_figure};
use crate::loss::{corrupt, objective};
use crate::model::Autoencoder;

/// The model, its optimizer and its settings.
pub struct AutoencoderExperiment {
    pub model: Autoencoder,
    optimizer: ModuleOptimizer,
    pub config: AutoencoderConfig,
}

impl AutoencoderExperiment {
    /// A fresh model on `device` (autodiff enabled), initialised from the device's current seed.
    pub fn new(config: AutoencoderConfig, device: &Device) -> Self {
        Self { model: Autoencoder::new(config.latent, device), optimizer: pytorch_adam(), config }
    }
}

impl Experiment for AutoencoderExperiment {
    type Batch = ImageBatch;

    fn train_step(&mut self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let clean = batch.images; // [n, 1, 28, 28]
        let input = corrupt(self.config.variant, clean.clone());
        let (code, reconstruction) = self.model.forward(input);
        let terms = objective(self.config.variant, clean, reconstruction, code);
        let loss = terms.total();
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optimizer.step(self.config.learning_rate, self.model.clone(), grads);
        let output = StepOutput::new(images).with("loss", loss).with("mse", terms.reconstruction);
        match terms.sparsity {
            Some(penalty) => output.with("sparsity_penalty", penalty),
            None => output,
        }
    }

    fn valid_step(&self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        let model = self.model.valid();
        let clean = batch.images.without_autodiff();
        let input = corrupt(self.config.variant, clean.clone());
        let (code, reconstruction) = model.forward(input.clone());
        let terms = objective(self.config.variant, clean.clone(), reconstruction, code);
        let output =
            StepOutput::new(batch.label_values.len()).with("loss", terms.total()).with("mse", terms.reconstruction);
        match self.config.variant {
            // How far the corrupted input itself is from the clean image: the baseline to gain on.
            Variant::Denoising { .. } => output.with("noisy_input_mse", mean_squared_error(input, clean)),
            _ => output,
        }
    }

    fn figures(&self, batch: ImageBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let model = self.model.valid();
        let clean = batch.images.without_autodiff();
        vec![reconstruction_figure(&model, self.config.variant, clean.clone()), morph_figure(&model, clean, 0, 1)]
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        model_and_optimizer_state(&self.model, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (model, optimizer) = load_model_and_optimizer(self.model, blobs)?;
        Ok(Self { model, optimizer, config: self.config })
    }
}

/// Loads just the model from checkpoint blobs (for evaluation and sampling).
pub fn load_model(
    config: &AutoencoderConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<Autoencoder, String> {
    load_model_blob(Autoencoder::new(config.latent, device), blobs)
}
