//! The style lecture's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// What the pixels are optimised for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StyleTask {
    /// Texture synthesis: from noise, match the style image's Gram matrices only (`α = 0`).
    Texture,
    /// Style transfer: from the content image, `α·L_content + β·L_style`.
    Transfer,
    /// Fast style transfer: a feed-forward network trained on content images (the emoji) with the
    /// same objective, one network per style (Johnson et al. 2016).
    Fast,
}

/// The frozen network whose feature statistics are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeatureNetwork {
    /// The colour evaluator's trained trunk (`assets/emoji-evaluator/`): four Conv–BN–ReLU blocks.
    Emoji,
    /// Random zero-mean filters of four sizes (3, 5, 9, 15 pixels), one ReLU layer each: the
    /// untrained baseline (Ustyuzhaninov et al. 2016).
    Random,
    /// ImageNet's VGG-19 (up to conv5_1), from a weights file the user has (`--weights`).
    Vgg19,
    /// ImageNet's EfficientNet-Lite0 (stages 1 to 5), from the file `cargo xtask data fetch
    /// efficientnet` unpacks (or `--weights`).
    Efficientnet,
    /// The Fashion evaluator's convolutions (`assets/evaluator/`: a CNN the classifier lecture
    /// trained on grey garments), on the image's grey.
    Fashion,
    /// The convolutions of a classifier run of the user's (`--feature-run`, e.g. one trained with
    /// `--architecture vgg`), on the image's grey.
    Run,
}

/// How the pixels are optimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PixelOptimizer {
    /// Adam at `--lr` (PyTorch's settings).
    #[default]
    Adam,
    /// L-BFGS with a backtracking line search (Gatys et al.'s choice; `crate::lbfgs`).
    Lbfgs,
}

atelier_core::named_choices!(PixelOptimizer,
    PixelOptimizer::Adam => "adam", "Adam at --lr";
    PixelOptimizer::Lbfgs => "lbfgs", "L-BFGS (20 pairs) with a backtracking line search, no learning rate";
);
atelier_core::named_choices!(StyleTask,
    StyleTask::Texture => "texture", "texture synthesis from noise: match the style image's Gram matrices";
    StyleTask::Transfer => "transfer", "style transfer: the content image's features with the style image's Gram matrices";
    StyleTask::Fast => "fast", "a feed-forward stylizer trained on the emoji (content) for one style image (Johnson et al.)";
);
atelier_core::named_choices!(FeatureNetwork,
    FeatureNetwork::Emoji => "emoji", "the colour evaluator's trained trunk (four Conv–BN–ReLU blocks)";
    FeatureNetwork::Random => "random", "random zero-mean filters of four sizes (the untrained baseline)";
    FeatureNetwork::Vgg19 => "vgg19", "ImageNet's VGG-19 (conv1_1 … conv5_1), weights from --weights FILE";
    FeatureNetwork::Efficientnet => "efficientnet", "ImageNet's EfficientNet-Lite0 (stages 1–5), from `cargo xtask data fetch efficientnet`";
    FeatureNetwork::Fashion => "fashion", "the Fashion evaluator's convolutions (a CNN of the classifier lecture), on the grey";
    FeatureNetwork::Run => "run", "the convolutions of an image-classification run (--feature-run RUN), on the grey";
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct StyleConfig {
    /// What the pixels are optimised for.
    #[param(selects, set = Self::select_task)]
    pub task: StyleTask,
    /// The style (texture) image: a name in the textures folder (brick, grass, gravel) or an image file.
    #[param(value_name = "NAME|FILE")]
    pub style: String,
    /// The content image: a name in the textures folder (chelsea, coffee) or an image file.
    #[param(value_name = "NAME|FILE", only_if = Self::transfers, why = "applies to --task transfer only")]
    pub content: String,
    /// The frozen network whose features are matched.
    #[param]
    pub features: FeatureNetwork,
    /// The ImageNet weights: for vgg19 a PyTorch `.pth` or a `.safetensors` file in torchvision's
    /// layout (`features.0.weight` …); for efficientnet [default: data/imagenet/efficientnet-lite0.pth].
    /// Read, never downloaded.
    #[param(value_name = "FILE", only_if = Self::imports, why = "applies to --features vgg19 and efficientnet only")]
    #[serde(default)]
    pub weights: String,
    /// A run of the classifier lecture whose convolutions (its latest checkpoint) are the features.
    #[param(value_name = "RUN_DIR", only_if = Self::uses_feature_run, why = "applies to --features run only")]
    #[serde(default)]
    pub feature_run: String,
    /// Side of the synthesised image in pixels (the images are cropped square and resized to it).
    #[param]
    pub size: usize,
    /// Channels of the canvas: 1 where a grey texture is synthesised (a grey style gives a grey
    /// picture), else 3; set from the data.
    pub channels: usize,
    /// β/α: the weight of the style loss over the content loss.
    #[param(only_if = Self::has_content, why = "does nothing for --task texture (a texture has no content term)")]
    pub style_weight: f64,
    /// Scales, coarse to fine: the synthesis starts at `size / 2^(scales − 1)` and doubles the side
    /// after each equal share of the steps (the canvas upsampled, the targets taken anew).
    #[param(only_if = Self::optimises_pixels, why = "does not apply to --task fast")]
    #[serde(default = "one_scale")]
    pub scales: usize,
    /// How the pixels are optimised.
    #[param(only_if = Self::optimises_pixels, why = "does not apply to --task fast (its network trains with Adam)")]
    #[serde(default)]
    pub optimizer: PixelOptimizer,
    /// Adam's learning rate (on the pixels in [0, 1] units; on the network's weights for --task fast).
    #[param(flag = "lr", only_if = Self::uses_adam, why = "applies to Adam only (L-BFGS has no learning rate)")]
    pub learning_rate: f64,
    /// Channels of the stylizer's first layer (doubled twice by its two downsamplings).
    #[param(only_if = Self::feeds_forward, why = "applies to --task fast only")]
    pub width: usize,
    /// Residual blocks of the stylizer.
    #[param(only_if = Self::feeds_forward, why = "applies to --task fast only")]
    pub residual_blocks: usize,
}

/// The default of `scales` in an older run's config.json.
fn one_scale() -> usize {
    1
}

impl Default for StyleConfig {
    fn default() -> Self {
        Self::for_task(StyleTask::Texture)
    }
}

/// Optimisation steps in one "epoch" of the shared loop: an epoch here is a stretch of steps on
/// the same image, after which the loop validates, draws the canvas and checkpoints.
pub const STEPS_PER_EPOCH: usize = 50;

/// The smallest image side the four style layers can see (three 2×2 poolings leave 2×2).
pub const MIN_SIZE: usize = 16;

impl StyleConfig {
    /// The preset of a task: a synthesis optimises a 128×128 image; the stylizer trains on the
    /// 64×64 emoji, with Adam at 1e-3 on its weights.
    pub fn for_task(task: StyleTask) -> Self {
        let fast = task == StyleTask::Fast;
        Self {
            task,
            style: "brick".into(),
            content: "chelsea".into(),
            features: FeatureNetwork::Emoji,
            weights: String::new(),
            feature_run: String::new(),
            size: if fast { 64 } else { 128 },
            channels: 3,
            style_weight: if fast { 0.1 } else { 10.0 },
            scales: 1,
            optimizer: PixelOptimizer::Adam,
            learning_rate: if fast { 1e-3 } else { 0.02 },
            width: 16,
            residual_blocks: 3,
        }
    }

    /// `--task`: another task starts from that task's preset.
    pub fn select_task(&mut self, task: StyleTask) -> Result<(), String> {
        if task != self.task {
            *self = Self::for_task(task);
        }
        Ok(())
    }

    /// Whether the content image is used.
    pub fn transfers(&self) -> bool {
        self.task == StyleTask::Transfer
    }

    /// The image side at `scale` (0: the coarsest).
    pub fn side(&self, scale: usize) -> usize {
        self.size >> (self.scales.max(1) - 1 - scale.min(self.scales.max(1) - 1))
    }

    /// Whether pixels are optimised (not a network).
    pub fn optimises_pixels(&self) -> bool {
        !self.feeds_forward()
    }

    /// Whether Adam optimises (the network, or the pixels by choice).
    pub fn uses_adam(&self) -> bool {
        self.feeds_forward() || self.optimizer == PixelOptimizer::Adam
    }

    /// Whether the features come from a weights file.
    pub fn imports(&self) -> bool {
        matches!(self.features, FeatureNetwork::Vgg19 | FeatureNetwork::Efficientnet)
    }

    /// Whether the features are a classifier run's.
    pub fn uses_feature_run(&self) -> bool {
        self.features == FeatureNetwork::Run
    }

    /// Whether a network is trained (rather than pixels optimised).
    pub fn feeds_forward(&self) -> bool {
        self.task == StyleTask::Fast
    }

    /// Whether the style loss is weighed against a content loss.
    pub fn has_content(&self) -> bool {
        self.task != StyleTask::Texture
    }

    /// The loop settings of the README's results: a synthesis runs 10 epochs of 50 steps, one
    /// image per step; the stylizer 4 epochs over the content images, 4 per step.
    pub fn training(&self) -> TrainConfig {
        match self.task {
            StyleTask::Fast => {
                TrainConfig { epochs: 4, batch_size: 4, log_every: 10, checkpoint_every: 200, ..TrainConfig::default() }
            }
            StyleTask::Texture | StyleTask::Transfer => TrainConfig {
                epochs: 10,
                batch_size: 1,
                log_every: 10,
                checkpoint_every: 100,
                ..TrainConfig::default()
            },
        }
    }

    /// Refuses settings that cannot run, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.size < MIN_SIZE {
            return Err(format!("size must be at least {MIN_SIZE} pixels (got {})", self.size));
        }
        if self.scales == 0
            || self.scales > 8
            || self.side(0) < MIN_SIZE
            || !self.size.is_multiple_of(1 << (self.scales.max(1) - 1))
        {
            return Err(format!(
                "--scales {} at size {}: the coarsest side must be a whole number of pixels, at least {MIN_SIZE}",
                self.scales, self.size
            ));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        if !(self.style_weight > 0.0 && self.style_weight.is_finite()) {
            return Err(format!("style_weight must be a positive number (got {})", self.style_weight));
        }
        if self.feeds_forward() && (!self.size.is_multiple_of(4) || self.width == 0) {
            return Err(format!(
                "the stylizer needs size divisible by 4 (got {}) and width at least 1 (got {})",
                self.size, self.width
            ));
        }
        if self.features == FeatureNetwork::Vgg19 && self.weights.trim().is_empty() {
            return Err(
                "--features vgg19 needs --weights FILE (VGG-19's ImageNet weights, a .pth or .safetensors file)".into(),
            );
        }
        if self.uses_feature_run() && self.feature_run.trim().is_empty() {
            return Err("--features run needs --feature-run RUN_DIR (a run of the image-classification lecture)".into());
        }
        if self.style.trim().is_empty() {
            return Err("style must name a texture or an image file".into());
        }
        Ok(())
    }
}
