//! The classifier in the shared training loop: one Adam step on the cross-entropy.

use std::collections::BTreeMap;

use atelier_layers::loss::{accuracy, cross_entropy};
use atelier_train::{
    Experiment, Figure, ImageBatch, RunClock, StepContext, StepOutput, load_model_and_optimizer, load_model_blob,
    model_and_optimizer_state, pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::{ClassifierConfig, Trainable};
use crate::model::Classifier;

/// The model, its optimizer and its settings.
pub struct ClassifierExperiment {
    pub model: Classifier,
    optimizer: ModuleOptimizer,
    pub config: ClassifierConfig,
}

impl ClassifierExperiment {
    /// A fresh model on `device` (autodiff enabled), initialised from the device's current seed.
    pub fn new(config: ClassifierConfig, device: &Device) -> Self {
        Self { model: Classifier::new(&config, device), optimizer: pytorch_adam(), config }
    }

    /// Transfer learning: start from `pretrained` (a trained model's blobs), keep its convolution
    /// layers and put a freshly initialised dense part on top.
    pub fn from_pretrained(
        config: ClassifierConfig,
        pretrained: &BTreeMap<String, Vec<u8>>,
        device: &Device,
    ) -> Result<Self, String> {
        let model = load_model(&config, pretrained, device)?.with_new_dense(&config, device);
        Ok(Self { model, optimizer: pytorch_adam(), config })
    }
}

/// Logits of a batch; with [`Trainable::HeadOnly`] the convolution features are detached, so no
/// gradient reaches (and Adam never moves) the frozen layers.
fn logits(model: &Classifier, trainable: Trainable, images: Tensor<4>) -> Tensor<2> {
    let conv = model.conv_features(images); // [n, 3136] or [n, 784]
    let conv = match trainable {
        Trainable::All => conv,
        Trainable::HeadOnly => conv.detach(),
    };
    model.dense.logits(model.dense.penultimate(conv)) // [n, classes]
}

impl Experiment for ClassifierExperiment {
    type Batch = ImageBatch;

    fn train_step(&mut self, batch: ImageBatch, ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let logits = logits(&self.model, self.config.trainable, batch.images);
        let loss = cross_entropy(logits.clone(), batch.labels.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let lr = self.config.lr_schedule.rate(self.config.learning_rate, RunClock::Epoch(ctx.epoch));
        self.model = self.optimizer.step(lr, self.model.clone(), grads);
        StepOutput::new(images).with("loss", loss).with("accuracy", accuracy(logits, batch.labels))
    }

    fn valid_step(&self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        let model = self.model.valid();
        let labels = batch.labels.clone().without_autodiff();
        let logits = model.forward(batch.images.without_autodiff());
        let loss = cross_entropy(logits.clone(), labels.clone());
        StepOutput::new(batch.label_values.len()).with("loss", loss).with("accuracy", accuracy(logits, labels))
    }

    fn figures(&self, _batch: ImageBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        Vec::new() // the confusion matrix and misclassified grid are drawn by `eval`
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        model_and_optimizer_state(&self.model, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (model, optimizer) = load_model_and_optimizer(self.model, blobs)?;
        Ok(Self { model, optimizer, config: self.config })
    }
}

/// Loads just the model from checkpoint blobs (for evaluation, transfer learning, the evaluator).
pub fn load_model(
    config: &ClassifierConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<Classifier, String> {
    load_model_blob(Classifier::new(config, device), blobs)
}
