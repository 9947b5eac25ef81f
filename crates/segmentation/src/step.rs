//! The segmentation network in the shared training loop: one Adam step on the pixel-wise loss.

use std::collections::BTreeMap;

use crate::MaskBatch;
use atelier_layers::pictures::as_rgb;
use atelier_train::{
    Experiment, Figure, RunClock, StepContext, StepOutput, load_model_and_optimizer, load_model_blob,
    model_and_optimizer_state, pytorch_adam,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::SegmentationConfig;
use crate::loss::{pixel_accuracy, pixel_cross_entropy, predict};
use crate::model::SegmentationNet;

/// Scenes shown in the per-epoch figure.
const FIGURE_IMAGES: usize = 8;

/// The network, its optimizer, its settings and the class weights of the loss.
pub struct SegmentationExperiment {
    pub model: SegmentationNet,
    optimizer: ModuleOptimizer,
    pub config: SegmentationConfig,
    /// `w_k` of [`pixel_cross_entropy`] (`None`: every pixel weighs 1), made once on the device. // [classes]
    class_weights: Option<Tensor<1>>,
}

impl SegmentationExperiment {
    /// A fresh network on `device` (autodiff enabled), initialised from the device's current seed.
    /// `class_weights` (one per class) weigh the loss.
    pub fn new(config: SegmentationConfig, class_weights: Option<Vec<f32>>, device: &Device) -> Self {
        let class_weights = class_weights.map(|w| Tensor::from_floats(w.as_slice(), device));
        Self { model: SegmentationNet::new(&config, device), optimizer: pytorch_adam(), config, class_weights }
    }
}

impl Experiment for SegmentationExperiment {
    type Batch = MaskBatch;

    fn train_step(&mut self, batch: MaskBatch, ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let lr = self.config.lr_schedule.rate(self.config.learning_rate, RunClock::Epoch(ctx.epoch));
        let logits = self.model.forward(batch.images); // [n, K, h, w]
        let loss = pixel_cross_entropy(logits.clone(), batch.masks.clone(), self.class_weights.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optimizer.step(lr, self.model.clone(), grads);
        let accuracy = pixel_accuracy(logits.detach(), batch.masks);
        StepOutput::new(images).with("loss", loss).with("pixel_accuracy", accuracy)
    }

    fn valid_step(&self, batch: MaskBatch, _ctx: &mut StepContext) -> StepOutput {
        let images = batch.len();
        let model = self.model.valid();
        let masks = batch.masks.without_autodiff();
        let logits = model.forward(batch.images.without_autodiff());
        let weights = self.class_weights.clone().map(|w| w.without_autodiff());
        let loss = pixel_cross_entropy(logits.clone(), masks.clone(), weights);
        StepOutput::new(images).with("loss", loss).with("pixel_accuracy", pixel_accuracy(logits, masks))
    }

    fn figures(&self, batch: MaskBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let shown = batch.len().min(FIGURE_IMAGES);
        if shown == 0 {
            return Vec::new();
        }
        let images = batch.images.without_autodiff().narrow(0, 0, shown); // [k, c, h, w]
        let masks = batch.masks.without_autodiff().narrow(0, 0, shown); // [k, h, w]
        let predicted = predict(self.model.valid().forward(images.clone())); // [k, h, w]
        let classes = self.config.classes;
        let rows = vec![
            ("image".to_string(), as_rgb(images)),
            ("truth".to_string(), colour_masks(masks, classes)),
            (self.config.label(), colour_masks(predicted, classes)),
        ];
        vec![Figure::Grid { name: "segmentations".to_string(), rows, marks: Vec::new() }]
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        model_and_optimizer_state(&self.model, &self.optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let (model, optimizer) = load_model_and_optimizer(self.model, blobs)?;
        Ok(Self { model, optimizer, config: self.config, class_weights: self.class_weights })
    }
}

/// Loads just the network from checkpoint blobs (evaluation, `segment`), on `device`.
pub fn load_model(
    config: &SegmentationConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<SegmentationNet, String> {
    load_model_blob(SegmentationNet::new(config, device), blobs)
}

/// Masks in the course's label colours ([`atelier_core::canvas::label_colour`]: black background,
/// then the class palette): `[k, h, w]` class indices → `[k, 3, h, w]` in `[0, 1]`.
pub fn colour_masks(masks: Tensor<3, Int>, classes: usize) -> Tensor<4> {
    let device = masks.device();
    let [k, h, w] = masks.dims();
    let palette: Vec<f32> = (0..classes)
        .flat_map(|label| {
            let colour = atelier_core::canvas::label_colour(label.min(255) as u8);
            [colour.0, colour.1, colour.2].map(|v| f32::from(v) / 255.0)
        })
        .collect();
    let palette = Tensor::<1>::from_floats(palette.as_slice(), &device).reshape([classes, 3]); // [K, 3]
    let colours = palette.select(0, masks.reshape([k * h * w])); // [k·h·w, 3]
    colours.reshape([k, h, w, 3]).permute([0, 3, 1, 2]) // [k, 3, h, w]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Architecture;
    use atelier_core::Rng;

    /// Two 16×16 grey images: a bright square (class 1) and a dim bar (class 2) on black (class 0).
    fn batch(device: &Device) -> MaskBatch {
        let (mut pixels, mut masks) = (vec![0.0f32; 2 * 256], vec![0i64; 2 * 256]);
        for row in 0..16 {
            for col in 0..16 {
                if (3..9).contains(&row) && (4..10).contains(&col) {
                    pixels[row * 16 + col] = 1.0;
                    masks[row * 16 + col] = 1;
                }
                if (10..13).contains(&row) && (2..14).contains(&col) {
                    pixels[256 + row * 16 + col] = 0.4;
                    masks[256 + row * 16 + col] = 2;
                }
            }
        }
        MaskBatch {
            images: Tensor::from_data(TensorData::new(pixels, [2, 1, 16, 16]), device),
            masks: Tensor::from_data(TensorData::new(masks, [2, 16, 16]), device),
        }
    }

    /// Overfit one batch: 60 Adam steps take both networks to (nearly) every pixel right, measured on
    /// the training step itself (in inference mode the batch-norm running averages, which trail
    /// weights moving this fast, would be measured too).
    #[test]
    fn each_network_overfits_one_batch() {
        // Seeded weights decide whether 60 steps suffice: no other test may draw meanwhile.
        let _rng = atelier_testkit::exclusive_rng();
        let device = atelier_backend::Backend::Flex.device().unwrap().autodiff();
        for architecture in [Architecture::Fcn, Architecture::Unet] {
            device.seed(7);
            let config = SegmentationConfig {
                architecture,
                classes: 3,
                base_channels: 8,
                depth: 2,
                learning_rate: 1e-2,
                ..SegmentationConfig::default()
            };
            let mut experiment = SegmentationExperiment::new(config, None, &device);
            let mut ctx = StepContext { step: 0, epoch: 0, device: device.clone(), rng: Rng::new(0) };
            let first = experiment.train_step(batch(&device), &mut ctx).metrics[0].1.clone().into_scalar::<f32>();
            for _ in 0..59 {
                experiment.train_step(batch(&device), &mut ctx);
            }
            // The 61st step's own loss and accuracy (batch statistics, as it trained).
            let out = experiment.train_step(batch(&device), &mut ctx);
            let (loss, accuracy) =
                (out.metrics[0].1.clone().into_scalar::<f32>(), out.metrics[1].1.clone().into_scalar::<f32>());
            assert!(loss < 0.1 * first, "{architecture:?}: loss {first} → {loss}");
            assert!(accuracy > 0.99, "{architecture:?}: pixel accuracy {accuracy}");
        }
    }

    /// The step reads the schedule's rate for its epoch: with a step decay by 10⁻⁶ after epoch 0,
    /// a step of epoch 0 moves the weights and a step of epoch 1 leaves them (all but) where they were.
    #[test]
    fn the_step_decay_sets_the_rate_of_each_epoch() {
        let _rng = atelier_testkit::shared_rng();
        let device = atelier_backend::Backend::Flex.device().unwrap().autodiff();
        let config = SegmentationConfig {
            classes: 3,
            base_channels: 4,
            depth: 2,
            learning_rate: 1e-2,
            lr_schedule: atelier_train::LrSchedule::StepDecay { every_epochs: 1, factor: 1e-6 },
            ..SegmentationConfig::default()
        };
        let mut experiment = SegmentationExperiment::new(config, None, &device);
        struct Reader(Vec<f32>);
        impl burn::module::ModuleVisitor for Reader {
            // Trainable parameters only: batch norm's running statistics move at any rate.
            fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
                let value = param.val();
                if value.is_require_grad() {
                    self.0.extend(value.into_data().try_into_vec_as::<f32>().unwrap());
                }
            }
        }
        let weights = |e: &SegmentationExperiment| {
            let mut reader = Reader(Vec::new());
            e.model.visit(&mut reader);
            reader.0
        };
        let change = |before: &[f32], after: &[f32]| -> f32 {
            before.iter().zip(after).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
        };
        let mut ctx = StepContext { step: 0, epoch: 0, device: device.clone(), rng: Rng::new(0) };
        let start = weights(&experiment);
        experiment.train_step(batch(&device), &mut ctx);
        let after_epoch0 = weights(&experiment);
        ctx.epoch = 1;
        experiment.train_step(batch(&device), &mut ctx);
        let after_epoch1 = weights(&experiment);
        assert!(!start.is_empty(), "no trainable parameter was read");
        let (moved, decayed) = (change(&start, &after_epoch0), change(&after_epoch0, &after_epoch1));
        // Adam's first step moves a weight by about the rate (1e-2) at most; at 1e-8 it barely moves.
        assert!(moved > 1e-3, "epoch 0 at the base rate moved the weights by at most {moved}");
        assert!(decayed < 1e-6, "epoch 1 at the decayed rate moved them by {decayed}");
    }

    #[test]
    fn masks_are_drawn_in_the_label_colours() {
        let device = atelier_backend::Backend::Flex.device().unwrap();
        let masks = Tensor::<1, Int>::from_ints([0, 1, 3], &device).reshape([1, 1, 3]);
        let rgb = atelier_testkit::to_vec(colour_masks(masks, 11)); // [1, 3, 1, 3]
        let expect = |label: u8| atelier_core::canvas::label_colour(label);
        for (pixel, label) in [0u8, 1, 3].into_iter().enumerate() {
            let c = expect(label);
            for (channel, value) in [c.0, c.1, c.2].into_iter().enumerate() {
                assert_eq!(rgb[channel * 3 + pixel], f32::from(value) / 255.0);
            }
        }
    }
}
