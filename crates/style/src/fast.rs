//! Fast style transfer (Johnson et al. 2016) in the shared training loop: the transformation
//! network `y = T(x)` is trained on a set of content images with the same perceptual objective
//! as the optimisation route, `L(T(x)) = α·L_content(T(x), x) + β·Σ_l w_l·E_l(T(x), s)` (one
//! style image `s`, each content image its own content target), so that one pass of `T` stylizes
//! an image the network never saw.

use std::collections::BTreeMap;
use std::sync::Arc;

use atelier_core::Rng;
use atelier_train::{
    BatchSource, Experiment, Figure, StepContext, StepOutput, load_model_and_optimizer, load_model_blob,
    model_and_optimizer_state, pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::StyleConfig;
use crate::features::FeatureNet;
use crate::gram::gram;
use crate::loss::{Targets, layer_weights, objective};
use crate::step::{Layers, metrics};
use crate::transformer::TransformNet;

/// Images shown by the per-epoch figure.
const FIGURE_IMAGES: usize = 8;

/// A batch of content images `[n, 3, size, size]` in `[0, 1]`.
#[derive(Debug, Clone)]
pub struct ContentBatch {
    pub images: Tensor<4>,
}

/// Content images in memory, planar `[count, 3, size, size]`.
#[derive(Clone)]
pub struct ContentImages {
    pub pixels: Arc<Vec<f32>>,
    pub count: usize,
    pub size: usize,
}

impl ContentImages {
    /// The images `indices`, on `device`.
    pub fn tensor(&self, indices: &[usize], device: &Device) -> Tensor<4> {
        let image = 3 * self.size * self.size;
        let mut pixels = Vec::with_capacity(indices.len() * image);
        for &i in indices {
            pixels.extend_from_slice(&self.pixels[i * image..(i + 1) * image]);
        }
        Tensor::<4>::from_data(TensorData::new(pixels, [indices.len(), 3, self.size, self.size]), device)
    }
}

impl BatchSource for ContentImages {
    type Batch = ContentBatch;

    fn len(&self) -> usize {
        self.count
    }

    fn batch(&self, indices: &[usize], _rng: &mut Rng, device: &Device) -> ContentBatch {
        ContentBatch { images: self.tensor(indices, device) }
    }
}

/// The transformation network, its optimiser, the frozen loss network and the style's targets.
pub struct FastExperiment {
    pub net: TransformNet,
    optimizer: ModuleOptimizer,
    pub config: StyleConfig,
    features: FeatureNet,
    style: Tensor<4>,
    grams: Vec<Tensor<3>>,
    weights: Vec<f64>,
}

impl FastExperiment {
    /// A fresh network (initialised from the device's seed) for the style image `[1, 3, s, s]`.
    pub fn new(config: StyleConfig, features: FeatureNet, style: Tensor<4>) -> Self {
        let device = style.device();
        let grams: Vec<Tensor<3>> = features.activations(style.clone()).into_iter().map(|f| gram(f.detach())).collect();
        let weights = layer_weights(&grams);
        let net = TransformNet::new(config.width, config.residual_blocks, &device);
        Self { net, optimizer: pytorch_adam(), config, features, style, grams, weights }
    }

    /// The objective's terms for the content images `x` and their stylized `y = T(x)`.
    fn terms(&self, x: Tensor<4>, y: Tensor<4>) -> crate::loss::Terms {
        let layer = self.features.content_layer();
        let content = self.features.activations(x).swap_remove(layer).detach(); // F^c(x)
        let targets =
            Targets { grams: self.grams.clone(), weights: self.weights.clone(), content: Some((layer, content)) };
        objective(self.features.activations(y), &targets, self.config.style_weight)
    }
}

impl Experiment for FastExperiment {
    type Batch = ContentBatch;

    fn train_step(&mut self, batch: ContentBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.images.dims()[0];
        let stylized = self.net.forward(batch.images.clone()); // [n, 3, s, s]
        let terms = self.terms(batch.images, stylized);
        let grads = GradientsParams::from_grads(terms.total.backward(), &self.net);
        self.net = self.optimizer.step(self.config.learning_rate, self.net.clone(), grads);
        metrics(images, terms, Layers::Each)
    }

    fn valid_step(&self, batch: ContentBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.images.dims()[0];
        let x = batch.images.detach();
        metrics(images, self.terms(x.clone(), self.net.forward(x).detach()), Layers::Summed)
    }

    fn figures(&self, batch: ContentBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let n = batch.images.dims()[0].min(FIGURE_IMAGES);
        let x = batch.images.detach().narrow(0, 0, n);
        let y = self.net.forward(x.clone()).detach();
        let rows = vec![
            ("style".to_string(), self.style.clone().detach()),
            ("content".to_string(), x),
            ("stylized".to_string(), y),
        ];
        vec![Figure::Grid { name: "stylized".into(), rows, marks: Vec::new() }]
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        model_and_optimizer_state(&self.net, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (net, optimizer) = load_model_and_optimizer(self.net, blobs)?;
        Ok(Self { net, optimizer, ..self })
    }
}

/// The transformation network of a checkpoint.
pub fn load_transform_net(
    config: &StyleConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<TransformNet, String> {
    load_model_blob(TransformNet::new(config.width, config.residual_blocks, device), blobs)
}
