//! The segmentation lecture's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::{ClockUnit, LrSchedule, TrainConfig};
use serde::{Deserialize, Serialize};

/// The factor of `--lr-decay-every` when `--lr-decay-factor` is not given.
pub const DEFAULT_LR_DECAY_FACTOR: f64 = atelier_train::schedule::DEFAULT_DECAY_FACTOR;

/// Which network of the lecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// Fully convolutional: encoder, then transposed convolutions back to full size, no skips.
    Fcn,
    /// The same encoder and decoder with skip connections (each decoder level also sees the
    /// encoder's feature map of its size, concatenated on channels).
    Unet,
}

/// How the pixel-wise loss weighs the classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeights {
    /// Every pixel counts the same (the background dominates).
    None,
    /// Class `k` weighs `N / (K · N_k)`: rare classes count as much in total as common ones.
    InverseFrequency,
}

/// Where the images and masks come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentationTask {
    /// Fashion-MNIST scenes: 64×64 grey canvases of 1–4 garments, 11 classes.
    FashionScenes,
    /// Emoji scenes: 64×64 colour canvases of 1–3 emoji on plain, striped or noisy backgrounds,
    /// 10 classes (background + the 9 emoji categories).
    EmojiScenes,
    /// A folder of `images/` + `masks/` + `classes.txt` of your own.
    Folder,
}

atelier_core::named_choices!(Architecture,
    Architecture::Fcn => "fcn", "encoder–decoder, upsampling by transposed convolution, no skips";
    Architecture::Unet => "unet", "the same with U-Net's skip connections (concatenation)";
);
atelier_core::named_choices!(ClassWeights,
    ClassWeights::None => "none", "every pixel weighs the same";
    ClassWeights::InverseFrequency => "inverse-frequency", "class k weighs N / (K·N_k) over the training masks";
);
atelier_core::named_choices!(SegmentationTask,
    SegmentationTask::FashionScenes => "fashion-scenes", "64×64 scenes of 1–4 Fashion-MNIST garments, 11 classes";
    SegmentationTask::EmojiScenes => "emoji-scenes", "64×64 colour scenes of 1–3 emoji on random backgrounds, 10 classes (categories)";
    SegmentationTask::Folder => "folder", "your own images/ + masks/ + classes.txt (--data-dir)";
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct SegmentationConfig {
    /// Where the images and masks come from.
    #[param]
    pub task: SegmentationTask,
    /// The network.
    #[param(flag = "model")]
    pub architecture: Architecture,
    /// Channels of the input images (1 grey, 3 colour); set from the data.
    pub input_channels: usize,
    /// Number of classes, background included; set from the data.
    pub classes: usize,
    /// Channels of the first level (doubled at every pooling: 32 → 32-64-128-256 at depth 3).
    #[param]
    pub base_channels: usize,
    /// Poolings (image sides must be multiples of 2^depth).
    #[param]
    pub depth: usize,
    /// Dilation of the bottleneck's convolutions (1: none; 2, 4: atrous, DeepLab's idea).
    #[param]
    pub dilation: usize,
    /// Class weights of the pixel-wise loss.
    #[param]
    pub class_weights: ClassWeights,
    /// Adam's learning rate (at epoch 0, see `lr_schedule`).
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// How the rate changes over the epochs (`--lr-decay-every`, `--lr-decay-factor`): constant by
    /// default; a step decay lets a long run settle once the constant rate has flattened.
    #[serde(default)]
    #[param(flatten)]
    pub lr_schedule: LrSchedule,
    /// Scenes made for training (fashion-scenes, emoji-scenes: from training garments or emoji).
    #[param(value_name = "N", only_if = Self::makes_scenes, why = "applies to the scene tasks only (fashion-scenes, emoji-scenes)")]
    pub train_scenes: usize,
    /// Scenes made for test, from test garments or emoji (the first 500 also validate after each epoch).
    #[param(value_name = "N", only_if = Self::makes_scenes, why = "applies to the scene tasks only (fashion-scenes, emoji-scenes)")]
    pub test_scenes: usize,
    /// Seed of the scene layouts (fixed, so every run sees the same scenes whatever its `--seed`).
    pub scene_seed: u64,
}

impl Default for SegmentationConfig {
    /// U-Net on Fashion scenes, the PyTorch reference's widths (32-64-128-256), Adam 1e-3.
    fn default() -> Self {
        Self {
            task: SegmentationTask::FashionScenes,
            architecture: Architecture::Unet,
            input_channels: 1,
            classes: 11,
            base_channels: 32,
            depth: 3,
            dilation: 1,
            class_weights: ClassWeights::None,
            learning_rate: 1e-3,
            lr_schedule: LrSchedule::Constant,
            train_scenes: 12_000,
            test_scenes: 2_000,
            scene_seed: 0,
        }
    }
}

impl SegmentationConfig {
    /// Whether the task makes scenes (not a folder of the user's).
    pub fn makes_scenes(&self) -> bool {
        self.task != SegmentationTask::Folder
    }

    /// The loop settings of the README's results: one pass over the 12,000 training scenes in
    /// batches of 32 (375 steps: about 30 minutes of U-Net on 2 CPU cores with flex).
    pub fn training(&self) -> TrainConfig {
        TrainConfig { epochs: 1, batch_size: 32, ..TrainConfig::default() }
    }

    /// The channels of levels `0..=depth` (the last one is the bottleneck's).
    pub fn widths(&self) -> Vec<usize> {
        (0..=self.depth).map(|level| self.base_channels << level).collect()
    }

    /// The side every input must be a multiple of.
    pub fn side_multiple(&self) -> usize {
        1 << self.depth
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.classes < 2 {
            return Err(format!("classes must be at least 2 (got {})", self.classes));
        }
        if !(1..=4).contains(&self.input_channels) {
            return Err(format!("input_channels must be 1 to 4 (got {})", self.input_channels));
        }
        if self.base_channels == 0 || self.base_channels > 256 {
            return Err(format!("base_channels must be 1 to 256 (got {})", self.base_channels));
        }
        if !(1..=6).contains(&self.depth) {
            return Err(format!("depth must be 1 to 6 poolings (got {})", self.depth));
        }
        if !(1..=8).contains(&self.dilation) {
            return Err(format!("dilation must be 1 (none) to 8 (got {})", self.dilation));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        self.lr_schedule.validate(ClockUnit::Epochs)?;
        if self.task != SegmentationTask::Folder && (self.train_scenes == 0 || self.test_scenes == 0) {
            return Err("train_scenes and test_scenes must be at least 1".into());
        }
        Ok(())
    }

    /// The name runs and tables use: `fcn`, `unet`, `unet+dilation2`.
    pub fn label(&self) -> String {
        match self.dilation {
            1 => self.architecture.name().to_string(),
            rate => format!("{}+dilation{rate}", self.architecture.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_reference_and_bad_values_are_named() {
        let config = SegmentationConfig::default();
        assert_eq!(config.widths(), [32, 64, 128, 256]);
        assert_eq!(config.side_multiple(), 8);
        assert!(config.validate().is_ok());
        let bad = |c: SegmentationConfig, word: &str| assert!(c.validate().unwrap_err().contains(word));
        bad(SegmentationConfig { classes: 1, ..config.clone() }, "classes");
        bad(SegmentationConfig { depth: 0, ..config.clone() }, "depth");
        bad(SegmentationConfig { dilation: 0, ..config.clone() }, "dilation");
        bad(SegmentationConfig { learning_rate: f64::NAN, ..config.clone() }, "learning_rate");
        let linear = LrSchedule::Linear { end_factor: 0.1 };
        bad(SegmentationConfig { lr_schedule: linear, ..config.clone() }, "counted in epochs");
        assert_eq!(SegmentationConfig { dilation: 2, ..config }.label(), "unet+dilation2");
        assert_eq!(ClassWeights::InverseFrequency.name(), "inverse-frequency");
    }
}
