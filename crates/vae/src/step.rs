//! The VAE in the shared training loop: one Adam step on `mean(reconstruction + β_t·KL)`.

use std::collections::BTreeMap;

use atelier_train::{
    Experiment, Figure, ImageBatch, StepContext, StepOutput, load_model_and_optimizer, load_model_blob,
    model_and_optimizer_state, pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::VaeConfig;
use crate::eval::elbo_per_image;
use crate::figures::{fixed_prior_samples, reconstruction_figure};
use crate::loss::ElboTerms;
use crate::model::Vae;

/// The model, its optimizer and its settings.
pub struct VaeExperiment {
    pub model: Vae,
    optimizer: ModuleOptimizer,
    pub config: VaeConfig,
}

impl VaeExperiment {
    /// A fresh model on `device` (autodiff enabled), initialised from the device's current seed.
    pub fn new(config: VaeConfig, device: &Device) -> Self {
        Self { model: Vae::new(config.latent, device), optimizer: pytorch_adam(), config }
    }
}

/// Both terms of `−ELBO` on a batch of grey images `[n, 1, 28, 28]`: the likelihood's target is
/// prepared (binarised afresh for the Bernoulli), encoded, sampled once and decoded.
pub fn elbo_terms(model: &Vae, config: &VaeConfig, images: Tensor<4>) -> ElboTerms {
    let (reconstruction, kl) = elbo_per_image(model, config, config.likelihood.prepare(images));
    ElboTerms { reconstruction, kl }
}

/// The metrics every step reports, all in nats per image.
fn metrics(output: StepOutput, terms: &ElboTerms, objective: Tensor<1>) -> StepOutput {
    output
        .with("loss", objective)
        .with("neg_elbo_nats", terms.negative_elbo().mean())
        .with("reconstruction_nats", terms.reconstruction.clone().mean())
        .with("kl_nats", terms.kl.clone().mean())
}

impl Experiment for VaeExperiment {
    type Batch = ImageBatch;

    fn train_step(&mut self, batch: ImageBatch, ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let terms = elbo_terms(&self.model, &self.config, batch.images);
        let loss = terms.objective(self.config.kl_weight(ctx.step));
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optimizer.step(self.config.learning_rate, self.model.clone(), grads);
        metrics(StepOutput::new(images), &terms, loss)
    }

    fn valid_step(&self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        let model = self.model.valid();
        let terms = elbo_terms(&model, &self.config, batch.images.without_autodiff());
        // Validation reports the true −ELBO (β = 1) as its loss, whatever the training weight.
        let objective = terms.objective(1.0);
        metrics(StepOutput::new(batch.label_values.len()), &terms, objective)
    }

    fn figures(&self, batch: ImageBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let model = self.model.valid();
        let images = batch.images.without_autodiff();
        let device = images.device();
        vec![reconstruction_figure(&model, &self.config, images), fixed_prior_samples(&model.decoder, 4, 12, &device)]
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
pub fn load_model(config: &VaeConfig, blobs: &BTreeMap<String, Vec<u8>>, device: &Device) -> Result<Vae, String> {
    load_model_blob(Vae::new(config.latent, device), blobs)
}
