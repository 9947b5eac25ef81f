//! The embedding network in the shared training loop: one Adam step on the mined triplet loss.

use std::collections::BTreeMap;

use crate::IdentityBatch;
use atelier_layers::pictures::as_rgb;
use atelier_train::{
    Experiment, Figure, StepContext, StepOutput, load_model_and_optimizer, load_model_blob, model_and_optimizer_state,
    pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::FacenetConfig;
use crate::loss::{squared_distances, triplet_loss};
use crate::model::EmbeddingNet;
use crate::retrieval::{batch_recall_at_1, nearest};

/// Queries shown in the per-epoch retrieval figure, and neighbours per query.
const FIGURE_QUERIES: usize = 8;
const FIGURE_NEIGHBOURS: usize = 5;

/// The network, its optimizer and its settings.
pub struct FacenetExperiment {
    pub model: EmbeddingNet,
    optimizer: ModuleOptimizer,
    pub config: FacenetConfig,
}

impl FacenetExperiment {
    /// A fresh network on `device` (autodiff enabled), initialised from the device's current seed.
    pub fn new(config: FacenetConfig, device: &Device) -> Self {
        Self { model: EmbeddingNet::new(&config, device), optimizer: pytorch_adam(), config }
    }
}

impl Experiment for FacenetExperiment {
    type Batch = IdentityBatch;

    fn train_step(&mut self, batch: IdentityBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let embeddings = self.model.forward(batch.images); // [n, dim]
        let out = triplet_loss(embeddings.clone(), batch.labels.clone(), self.config.margin as f32, self.config.mining);
        let grads = GradientsParams::from_grads(out.loss.backward(), &self.model);
        self.model = self.optimizer.step(self.config.learning_rate, self.model.clone(), grads);
        StepOutput::new(images)
            .with("loss", out.loss)
            .with("active_triplets", out.active_fraction)
            .with("batch_recall_at_1", batch_recall_at_1(embeddings.detach(), batch.labels))
    }

    fn valid_step(&self, batch: IdentityBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let labels = batch.labels.without_autodiff();
        let embeddings = self.model.valid().forward(batch.images.without_autodiff());
        let out = triplet_loss(embeddings.clone(), labels.clone(), self.config.margin as f32, self.config.mining);
        StepOutput::new(images)
            .with("loss", out.loss)
            .with("active_triplets", out.active_fraction)
            .with("batch_recall_at_1", batch_recall_at_1(embeddings, labels))
    }

    /// Each query of a held-out batch and its nearest other views in that batch, the wrong
    /// identities framed.
    fn figures(&self, batch: IdentityBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let n = batch.len();
        if n < 2 {
            return Vec::new();
        }
        let images = batch.images.without_autodiff(); // [n, c, h, w]
        let embeddings = self.model.valid().forward(images.clone());
        let Ok(distances) = atelier_train::to_host_f32(squared_distances(embeddings), "the figure's distances") else {
            return Vec::new();
        };
        let device = images.device();
        let mut rows = Vec::new();
        let mut marks = Vec::new();
        let step = (n / FIGURE_QUERIES).max(1);
        for (row, query) in (0..n).step_by(step).take(FIGURE_QUERIES).enumerate() {
            let found = nearest(&distances[query * n..(query + 1) * n], FIGURE_NEIGHBOURS, Some(query));
            let mut shown = vec![query as i64];
            shown.extend(found.iter().map(|&j| j as i64));
            for (column, &j) in found.iter().enumerate() {
                if batch.identities[j] != batch.identities[query] {
                    marks.push((row, column + 1));
                }
            }
            let picked = images.clone().select(0, Tensor::<1, Int>::from_ints(shown.as_slice(), &device));
            rows.push((format!("query {}", row + 1), as_rgb(picked)));
        }
        vec![Figure::Grid { name: "nearest".to_string(), rows, marks }]
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        model_and_optimizer_state(&self.model, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (model, optimizer) = load_model_and_optimizer(self.model, blobs)?;
        Ok(Self { model, optimizer, config: self.config })
    }
}

/// Loads just the network from checkpoint blobs (evaluation, `search`, `cluster`), on `device`.
pub fn load_model(
    config: &FacenetConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<EmbeddingNet, String> {
    load_model_blob(EmbeddingNet::new(config, device), blobs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FacenetTask, Mining};
    use atelier_core::Rng;

    /// Two identities of 2×2 grey images: dark-left vs dark-right patterns, two views each.
    fn batch(device: &Device) -> IdentityBatch {
        let images = Tensor::<4>::from_floats(
            [
                [[[0.1, 0.9], [0.1, 0.9]]],
                [[[0.2, 0.8], [0.0, 1.0]]],
                [[[0.9, 0.1], [0.9, 0.1]]],
                [[[1.0, 0.0], [0.8, 0.2]]],
            ],
            device,
        )
        .repeat_dim(2, 8)
        .repeat_dim(3, 8); // [4, 1, 16, 16]
        IdentityBatch { images, labels: Tensor::from_ints([0, 0, 1, 1], device), identities: vec![0, 0, 1, 1] }
    }

    /// Overfit one batch: Adam steps drive the semi-hard loss to zero (no active triplet left),
    /// and every view's nearest neighbour is of its identity.
    #[test]
    fn overfits_one_batch() {
        // Seeded weights decide the trajectory: no other test may draw meanwhile.
        let _rng = atelier_testkit::exclusive_rng();
        let device = atelier_backend::Backend::Flex.device().unwrap().autodiff();
        device.seed(3);
        let config = FacenetConfig {
            base_channels: 4,
            dim: 8,
            identities_per_batch: 2,
            views_per_identity: 2,
            mining: Mining::SemiHard,
            ..FacenetConfig::for_task(FacenetTask::Fashion)
        };
        let mut experiment = FacenetExperiment::new(config, &device);
        let mut ctx = StepContext { step: 0, epoch: 0, device: device.clone(), rng: Rng::new(0) };
        let first = experiment.train_step(batch(&device), &mut ctx).metrics[0].1.clone().into_scalar::<f32>();
        assert!(first > 0.0);
        let mut last = first;
        for _ in 0..40 {
            last = experiment.train_step(batch(&device), &mut ctx).metrics[0].1.clone().into_scalar::<f32>();
        }
        let out = experiment.train_step(batch(&device), &mut ctx);
        let values: Vec<f32> = out.metrics.iter().map(|(_, v)| v.clone().into_scalar::<f32>()).collect();
        assert!(last < 0.05 * first.max(0.2), "loss {first} → {last}");
        assert_eq!(values[2], 1.0, "batch Recall@1 {values:?}");
    }
}
