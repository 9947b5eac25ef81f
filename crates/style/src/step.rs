//! Pixel optimisation in the shared training loop: each step is one Adam or L-BFGS step on the
//! canvas's pixels against the objective of [`crate::loss`]. The "batch" carries nothing: the targets are
//! fixed when the experiment is made.

use std::collections::BTreeMap;

use atelier_core::Rng;
use atelier_train::state::{MODEL_BLOB, blob};
use atelier_train::{
    BatchSource, Experiment, Figure, StepContext, StepOutput, load_model_and_optimizer, load_model_blob,
    model_and_optimizer_state, module_to_bytes, pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::canvas::Canvas;
use crate::config::{PixelOptimizer, StyleConfig, StyleTask};
use crate::features::FeatureNet;
use crate::lbfgs::Lbfgs;
use crate::loss::{Targets, Terms, objective};

/// Metric names of the style layers' `E_l`, in layer order (as many as the network has: 2 for the
/// Fashion evaluator, 4 for the emoji trunk and the random filters, 5 for VGG-19).
pub const LAYER_METRICS: [&str; 8] = [
    "style_layer1",
    "style_layer2",
    "style_layer3",
    "style_layer4",
    "style_layer5",
    "style_layer6",
    "style_layer7",
    "style_layer8",
];

/// Whether a step's metrics list each style layer's `E_l` or only their weighted sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layers {
    Each,
    Summed,
}

/// A step's metrics from the objective's terms: `loss`, `style_loss`, `content_loss` (where there
/// is one) and, with [`Layers::Each`], each style layer's `E_l` under [`LAYER_METRICS`].
pub fn metrics(images: usize, terms: Terms, layers: Layers) -> StepOutput {
    let mut output = StepOutput::new(images).with("loss", terms.total).with("style_loss", terms.style);
    if let Some(content) = terms.content {
        output = output.with("content_loss", content);
    }
    if layers == Layers::Each {
        for (name, layer) in LAYER_METRICS.iter().zip(terms.style_layers) {
            output = output.with(name, layer);
        }
    }
    output
}

/// One step's batch: nothing (the targets live in the experiment).
#[derive(Debug, Clone, Copy)]
pub struct Tick;

/// A source of `len` ticks: the loop's epoch is `len` optimisation steps.
pub struct Steps {
    pub len: usize,
}

impl BatchSource for Steps {
    type Batch = Tick;

    fn len(&self) -> usize {
        self.len
    }

    fn batch(&self, _indices: &[usize], _rng: &mut Rng, _device: &Device) -> Tick {
        Tick
    }
}

/// The images a synthesis works from, `[1, 3, h, w]` in `[0, 1]` each.
#[derive(Debug, Clone)]
pub struct Images {
    pub style: Tensor<4>,
    /// Style transfer's content image (the canvas starts from it).
    pub content: Option<Tensor<4>>,
}

/// The name of the L-BFGS state in a checkpoint.
pub const LBFGS_BLOB: &str = "lbfgs";

/// The optimiser of the pixels, with its state.
enum Optimizer {
    Adam(ModuleOptimizer),
    Lbfgs(Lbfgs),
}

/// The canvas, its optimiser, the frozen network and the targets.
pub struct SynthesisExperiment {
    pub canvas: Canvas,
    optimizer: Optimizer,
    pub config: StyleConfig,
    net: FeatureNet,
    targets: Targets,
    images: Images,
}

impl SynthesisExperiment {
    /// A fresh synthesis on the images' device (autodiff enabled): texture synthesis starts from
    /// noise drawn from the device's seed, style transfer from the content image.
    pub fn new(config: StyleConfig, net: FeatureNet, images: Images) -> Self {
        let device = images.style.device();
        // A stylizer's optimisation route (its evaluation) transfers too.
        let content = match config.task {
            StyleTask::Transfer | StyleTask::Fast => images.content.clone(),
            StyleTask::Texture => None,
        };
        let targets = Targets::new(
            net.activations(images.style.clone()),
            content.clone().map(|c| (net.content_layer(), net.activations(c))),
        );
        let canvas = match content {
            Some(content) => Canvas::from_image(content),
            None => Canvas::noise(config.channels, config.size, &device),
        };
        let optimizer = match config.optimizer {
            PixelOptimizer::Adam => Optimizer::Adam(pytorch_adam()),
            PixelOptimizer::Lbfgs => Optimizer::Lbfgs(Lbfgs::default()),
        };
        Self { canvas, optimizer, config, net, targets, images }
    }

    /// The network the run optimises with.
    pub fn net(&self) -> &FeatureNet {
        &self.net
    }
}

impl Experiment for SynthesisExperiment {
    type Batch = Tick;

    fn train_step(&mut self, _batch: Tick, _ctx: &mut StepContext) -> StepOutput {
        let features = self.net.activations(self.canvas.image()); // one map per style layer
        let style_weight = self.config.style_weight;
        let terms = objective(features, &self.targets, style_weight);
        match &mut self.optimizer {
            Optimizer::Adam(adam) => {
                let grads = GradientsParams::from_grads(terms.total.backward(), &self.canvas);
                self.canvas = adam.step(self.config.learning_rate, self.canvas.clone(), grads);
                metrics(1, terms, Layers::Each)
            }
            Optimizer::Lbfgs(lbfgs) => {
                let pixels = self.canvas.pixels.val(); // [1, c, h, w]
                let shape = pixels.dims();
                let grad = pixels.grad(&terms.total.backward()).expect("the pixels have a gradient").reshape([-1]);
                let loss = f64::from(terms.total.clone().into_scalar::<f32>());
                let (net, targets) = (&self.net, &self.targets);
                let evaluate = |trial: Tensor<1>| {
                    let image = Canvas::from_image(trial.reshape(shape).autodiff()).image().detach();
                    f64::from(objective(net.activations(image), targets, style_weight).total.into_scalar::<f32>())
                };
                let x = pixels.detach().without_autodiff().reshape([-1]); // [c·h·w]
                let (next, step) = lbfgs.step(x, loss, grad, evaluate);
                self.canvas = Canvas::from_image(next.reshape(shape).autodiff());
                let device = self.canvas.pixels.val().device();
                metrics(1, terms, Layers::Each)
                    .with("step_size", Tensor::<1>::from_floats([step.step_size as f32], &device))
                    .with("evaluations", Tensor::<1>::from_floats([step.evaluations as f32], &device))
            }
        }
    }

    /// The objective of the picture as drawn (clamped to `[0, 1]`).
    fn valid_step(&self, _batch: Tick, _ctx: &mut StepContext) -> StepOutput {
        let features = self.net.activations(self.canvas.picture());
        metrics(1, objective(features, &self.targets, self.config.style_weight), Layers::Summed)
    }

    fn figures(&self, _batch: Tick, _ctx: &mut StepContext) -> Vec<Figure> {
        let mut rows = vec![("style".to_string(), self.images.style.clone().detach())];
        if let (StyleTask::Transfer, Some(content)) = (self.config.task, &self.images.content) {
            rows.push(("content".to_string(), content.clone().detach()));
        }
        rows.push(("synthesis".to_string(), self.canvas.picture()));
        vec![Figure::Grid { name: "synthesis".into(), rows, marks: Vec::new() }]
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        match &self.optimizer {
            Optimizer::Adam(adam) => model_and_optimizer_state(&self.canvas, adam),
            Optimizer::Lbfgs(lbfgs) => Ok(vec![
                (MODEL_BLOB.to_string(), module_to_bytes(&self.canvas)?),
                (LBFGS_BLOB.to_string(), lbfgs.to_bytes()),
            ]),
        }
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        match self.optimizer {
            Optimizer::Adam(_) => {
                let (canvas, adam) = load_model_and_optimizer(self.canvas, blobs)?;
                Ok(Self { canvas, optimizer: Optimizer::Adam(adam), ..self })
            }
            Optimizer::Lbfgs(_) => {
                let canvas = load_model_blob(self.canvas, blobs)?;
                let len = canvas.pixels.val().shape().num_elements();
                let device = canvas.pixels.val().device().without_autodiff();
                let lbfgs = Lbfgs::from_bytes(blob(blobs, LBFGS_BLOB)?, len, &device)?;
                Ok(Self { canvas, optimizer: Optimizer::Lbfgs(lbfgs), ..self })
            }
        }
    }
}

/// The canvas of a checkpoint (for evaluation): `[1, 3, size, size]`.
pub fn load_canvas(config: &StyleConfig, blobs: &BTreeMap<String, Vec<u8>>, device: &Device) -> Result<Canvas, String> {
    let blank = Canvas::from_image(Tensor::<4>::zeros([1, config.channels, config.size, config.size], device));
    load_model_blob(blank, blobs)
}
