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
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};

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
    Lbfgs(Box<Lbfgs>),
}

impl Images {
    /// The same images at `side` (see [`resized`]).
    pub fn at_side(&self, side: usize) -> Images {
        Images { style: resized(self.style.clone(), side), content: self.content.clone().map(|c| resized(c, side)) }
    }
}

/// The canvas, its optimiser, the frozen network and the targets.
pub struct SynthesisExperiment {
    pub canvas: Canvas,
    optimizer: Optimizer,
    pub config: StyleConfig,
    net: FeatureNet,
    targets: Targets,
    /// The images at the current scale's side.
    images: Images,
    /// The images at full size (`config.size`).
    full: Images,
    /// The current scale, `0` (coarsest) … `config.scales − 1` (full size).
    scale: usize,
    /// Steps at each scale before the next (coarse to fine); `u64::MAX` with one scale.
    steps_per_scale: u64,
}

/// The name of the current scale in a checkpoint (multi-scale synthesis).
pub const SCALE_BLOB: &str = "scale";

/// `[n, c, h, w]` → `[n, c, side, side]`, bilinear (corners not aligned, as PyTorch's default),
/// detached: the images and the upsampled canvas are new leaves.
pub fn resized(images: Tensor<4>, side: usize) -> Tensor<4> {
    if images.dims()[2] == side && images.dims()[3] == side {
        return images;
    }
    let options =
        InterpolateOptions::new(InterpolateMode::Bilinear).with_align_corners(false).with_output_size([side, side]);
    interpolate(images, options).detach()
}

impl SynthesisExperiment {
    /// A fresh synthesis on the images' device (autodiff enabled): texture synthesis starts from
    /// noise drawn from the device's seed, style transfer from the content image.
    ///
    /// With `config.scales` > 1 it starts at the coarsest side (`size / 2^(scales − 1)`); see
    /// [`SynthesisExperiment::coarse_to_fine`] for when it moves up.
    pub fn new(config: StyleConfig, net: FeatureNet, images: Images) -> Self {
        let device = images.style.device();
        let side = config.side(0);
        let full = images;
        let images = full.at_side(side);
        let targets = targets(&config, &net, &images);
        let canvas = match transfer_content(&config, &images) {
            Some(content) => Canvas::from_image(content),
            None => Canvas::noise(config.channels, side, &device),
        };
        let optimizer = fresh_optimizer(&config);
        Self { canvas, optimizer, config, net, targets, images, full, scale: 0, steps_per_scale: u64::MAX }
    }

    /// Coarse to fine over `total_steps`: each of the `config.scales` sides gets an equal share of
    /// the steps (the last one the rest); at each move the canvas is upsampled (bilinear), the
    /// targets are taken from the images at the new side and the optimiser starts afresh.
    pub fn coarse_to_fine(self, total_steps: u64) -> Self {
        let scales = self.config.scales.max(1) as u64;
        Self { steps_per_scale: if scales == 1 { u64::MAX } else { total_steps.div_ceil(scales).max(1) }, ..self }
    }

    /// The scale of the step that follows `completed` steps.
    fn scale_at(&self, completed: u64) -> usize {
        ((completed / self.steps_per_scale) as usize).min(self.config.scales.max(1) - 1)
    }

    /// Moves to `scale`: the canvas upsampled to its side, the images and targets at that side, a
    /// fresh optimiser.
    fn rescale(&mut self, scale: usize) {
        let side = self.config.side(scale);
        self.images = self.full.at_side(side);
        self.targets = targets(&self.config, &self.net, &self.images);
        self.canvas = Canvas::from_image(resized(self.canvas.pixels.val().detach(), side));
        self.optimizer = fresh_optimizer(&self.config);
        self.scale = scale;
    }

    /// The network the run optimises with.
    pub fn net(&self) -> &FeatureNet {
        &self.net
    }
}

impl Experiment for SynthesisExperiment {
    type Batch = Tick;

    fn train_step(&mut self, _batch: Tick, ctx: &mut StepContext) -> StepOutput {
        let scale = self.scale_at(ctx.step);
        if scale != self.scale {
            self.rescale(scale);
        }
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
        let mut blobs = match &self.optimizer {
            Optimizer::Adam(adam) => model_and_optimizer_state(&self.canvas, adam)?,
            Optimizer::Lbfgs(lbfgs) => vec![
                (MODEL_BLOB.to_string(), module_to_bytes(&self.canvas)?),
                (LBFGS_BLOB.to_string(), lbfgs.to_bytes()),
            ],
        };
        if self.config.scales > 1 {
            blobs.push((SCALE_BLOB.to_string(), (self.scale as u32).to_le_bytes().to_vec()));
        }
        Ok(blobs)
    }

    fn load_state(mut self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        // The canvas of a multi-scale run has its scale's side: move there first.
        let scale = match blobs.get(SCALE_BLOB) {
            Some(bytes) => {
                let bytes: [u8; 4] = bytes.as_slice().try_into().map_err(|_| "the checkpoint's scale is damaged")?;
                u32::from_le_bytes(bytes) as usize
            }
            None => 0,
        };
        if scale >= self.config.scales.max(1) {
            return Err(format!("the checkpoint is at scale {scale} of a run with {} scales", self.config.scales));
        }
        if scale != self.scale {
            self.rescale(scale);
        }
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
                Ok(Self { canvas, optimizer: Optimizer::Lbfgs(Box::new(lbfgs)), ..self })
            }
        }
    }
}

/// The optimiser `config` asks for, without state.
fn fresh_optimizer(config: &StyleConfig) -> Optimizer {
    match config.optimizer {
        PixelOptimizer::Adam => Optimizer::Adam(pytorch_adam()),
        PixelOptimizer::Lbfgs => Optimizer::Lbfgs(Box::default()),
    }
}

/// The content a synthesis starts from and keeps (style transfer; a stylizer's optimisation route,
/// its evaluation, transfers too); none for a texture.
fn transfer_content(config: &StyleConfig, images: &Images) -> Option<Tensor<4>> {
    match config.task {
        StyleTask::Transfer | StyleTask::Fast => images.content.clone(),
        StyleTask::Texture => None,
    }
}

/// The targets of `images` on `net`.
fn targets(config: &StyleConfig, net: &FeatureNet, images: &Images) -> Targets {
    Targets::new(
        net.activations(images.style.clone()),
        transfer_content(config, images).map(|c| (net.content_layer(), net.activations(c))),
    )
}

/// The canvas of a checkpoint (for evaluation): `[1, 3, size, size]`.
pub fn load_canvas(config: &StyleConfig, blobs: &BTreeMap<String, Vec<u8>>, device: &Device) -> Result<Canvas, String> {
    let blank = Canvas::from_image(Tensor::<4>::zeros([1, config.channels, config.size, config.size], device));
    load_model_blob(blank, blobs)
}
