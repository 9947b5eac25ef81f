//! pix2pix's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

use crate::task::TranslationTask;

/// How the images' channels are read, for pictures and for the colourisation task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColourSpace {
    /// Channels shown as they are: 1 = grey, 3 = RGB (2 = red and green, blue left at 0).
    Rgb,
    /// CIE Lab (D65) colourisation: the input is the lightness `L` (1 channel), the target and the
    /// output are the chroma `a, b` (2 channels), each in `[0, 1]` as `L/100`, `(a + 128)/255`,
    /// `(b + 128)/255` ([`crate::colour`]).
    LabChroma,
}

/// What the generator is trained on, read from `gan_weight`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// `gan_weight·L_cGAN + λ·L_L1`: the generator against a PatchGAN discriminator.
    Pix2Pix,
    /// `λ·L_L1` alone (`gan_weight = 0`): the U-Net baseline, no discriminator at all.
    L1Only,
}

impl Objective {
    /// The name in logs and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Objective::Pix2Pix => "pix2pix",
            Objective::L1Only => "l1-only",
        }
    }
}

atelier_core::choice_value!(TranslationTask);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct Pix2PixConfig {
    /// Translation task (its data and shapes).
    #[param(selects, set = Self::select_task)]
    pub task: TranslationTask,
    /// Sobel threshold of the edge-map tasks (grey levels in [0, 1]; a black–white step is 4).
    #[param(only_if = Self::reads_edges, why = "applies to the edge-map tasks only")]
    pub edge_threshold: f32,
    /// Channels of the input images (1..=3).
    pub input_channels: usize,
    /// Channels of the target and generated images (1..=3).
    pub output_channels: usize,
    /// Side of the square images: a power of two ≥ 16. The U-Net halves it down to 1×1, so it has
    /// `log2(size)` levels (6 for 64, 5 for 32).
    pub size: usize,
    /// Channels of the generator's first feature map (32; pix2pix at 256×256 uses 64).
    #[param]
    pub ngf: usize,
    /// Channels of the discriminator's first feature map (32; pix2pix uses 64).
    #[param]
    pub ndf: usize,
    /// λ, the weight of the L1 term (100 in the paper).
    #[param(value_name = "LAMBDA")]
    pub l1_weight: f64,
    /// Weight of the adversarial term; 0 trains the L1-only U-Net baseline (no discriminator).
    #[param]
    pub gan_weight: f64,
    /// Adam's learning rate, both networks (2e-4).
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// Adam's β₁ for both networks (0.5, as Radford et al. and Isola et al.).
    #[param(flag = "beta1", only_if = Self::has_discriminator, why = "does nothing here")]
    pub beta_1: f64,
    /// Dropout probability of the three up blocks next to the bottleneck (0.5): pix2pix's noise `z`.
    pub dropout: f64,
    pub colour: ColourSpace,
}

impl Default for Pix2PixConfig {
    /// RGB → RGB at 64×64: ngf = ndf = 32, λ = 100, Adam(2e-4, β₁ = 0.5), dropout 0.5.
    fn default() -> Self {
        Self {
            task: TranslationTask::TwitterToGoogle,
            edge_threshold: 0.5,
            input_channels: 3,
            output_channels: 3,
            size: 64,
            ngf: 32,
            ndf: 32,
            l1_weight: 100.0,
            gan_weight: 1.0,
            learning_rate: 2e-4,
            beta_1: 0.5,
            dropout: 0.5,
            colour: ColourSpace::Rgb,
        }
    }
}

impl Pix2PixConfig {
    /// Colourisation in Lab: `L` (1 channel) → `a, b` (2 channels), the rest as [`Default`].
    pub fn lab_colourisation() -> Self {
        Self::for_task(TranslationTask::Colorize)
    }

    /// The task's shapes and colour space, the rest as [`Default`].
    pub fn for_task(task: TranslationTask) -> Self {
        let (input_channels, output_channels, size, colour) = task.shapes();
        Self { task, input_channels, output_channels, size, colour, ..Self::default() }
    }

    /// `--task`: another task than this configuration's starts from that task's preset.
    pub fn select_task(&mut self, task: TranslationTask) -> Result<(), String> {
        if task != self.task {
            *self = Self::for_task(task);
        }
        Ok(())
    }

    /// Whether the task's input is an edge map (`--edge-threshold` applies).
    pub fn reads_edges(&self) -> bool {
        matches!(self.task, TranslationTask::Edges2emoji | TranslationTask::Edges2fashion)
    }

    /// Whether a discriminator trains (`gan_weight` > 0).
    pub fn has_discriminator(&self) -> bool {
        self.gan_weight != 0.0
    }

    /// The loop's defaults: batch 32, and epochs sized so a default run takes well under an hour
    /// on two CPU cores with the full data (flex: ~19 pairs/s at 64×64, so 15 epochs of the 3,032
    /// emoji training pairs ≈ 40 min; edges2fashion's 60,000 pairs at 32×32, 2 epochs).
    pub fn training(&self) -> TrainConfig {
        let epochs = match self.task {
            TranslationTask::Edges2fashion => 2,
            _ => 15,
        };
        TrainConfig { epochs, batch_size: 32, ..TrainConfig::default() }
    }

    /// What the generator descends: the L1-only baseline when `gan_weight` is 0.
    pub fn objective(&self) -> Objective {
        if self.gan_weight == 0.0 { Objective::L1Only } else { Objective::Pix2Pix }
    }

    /// Levels of the U-Net, `log2(size)`: the encoder halves `size` down to 1×1.
    pub fn depth(&self) -> usize {
        self.size.trailing_zeros() as usize
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.size.is_power_of_two() && self.size >= 16) {
            return Err(format!("size must be a power of two, at least 16 (got {})", self.size));
        }
        for (name, channels) in [("input_channels", self.input_channels), ("output_channels", self.output_channels)] {
            if !(1..=3).contains(&channels) {
                return Err(format!("{name} must be 1, 2 or 3 (got {channels})"));
            }
        }
        if self.ngf == 0 || self.ndf == 0 {
            return Err(format!("ngf and ndf must be at least 1 (got {} and {})", self.ngf, self.ndf));
        }
        for (name, weight) in [("l1_weight", self.l1_weight), ("gan_weight", self.gan_weight)] {
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(format!("{name} must be a finite number ≥ 0 (got {weight})"));
            }
        }
        if self.l1_weight + self.gan_weight <= 0.0 {
            return Err("l1_weight and gan_weight are both 0: the generator would have no loss".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        if !(0.0..1.0).contains(&self.beta_1) {
            return Err(format!("beta_1 must be in [0, 1) (got {})", self.beta_1));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(format!("dropout must be in [0, 1) (got {})", self.dropout));
        }
        if !(self.edge_threshold.is_finite() && self.edge_threshold > 0.0) {
            return Err(format!("edge_threshold must be a positive number (got {})", self.edge_threshold));
        }
        if self.colour == ColourSpace::LabChroma && (self.input_channels, self.output_channels) != (1, 2) {
            return Err(format!(
                "the lab_chroma colour space maps L (1 input channel) to a, b (2 output channels), got {} → {}",
                self.input_channels, self.output_channels
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_named() {
        assert!(Pix2PixConfig::default().validate().is_ok());
        assert!(Pix2PixConfig::lab_colourisation().validate().is_ok());
        let bad = Pix2PixConfig { size: 48, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("size"));
        let bad = Pix2PixConfig { size: 8, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("size"));
        let bad = Pix2PixConfig { output_channels: 4, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("output_channels"));
        let bad = Pix2PixConfig { l1_weight: f64::NAN, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("l1_weight"));
        let bad = Pix2PixConfig { gan_weight: -1.0, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("gan_weight"));
        let bad = Pix2PixConfig { gan_weight: 0.0, l1_weight: 0.0, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("both 0"));
        let bad = Pix2PixConfig { dropout: 1.0, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("dropout"));
        let bad = Pix2PixConfig { colour: ColourSpace::LabChroma, ..Pix2PixConfig::default() };
        assert!(bad.validate().unwrap_err().contains("lab_chroma"));
    }

    #[test]
    fn depth_and_objective_follow_the_settings() {
        assert_eq!(Pix2PixConfig::default().depth(), 6);
        assert_eq!(Pix2PixConfig { size: 32, ..Pix2PixConfig::default() }.depth(), 5);
        assert_eq!(Pix2PixConfig::default().objective(), Objective::Pix2Pix);
        let baseline = Pix2PixConfig { gan_weight: 0.0, ..Pix2PixConfig::default() };
        assert_eq!(baseline.objective(), Objective::L1Only);
        assert_eq!(baseline.objective().name(), "l1-only");
    }
}
