//! The DCGAN's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_core::params::ParamValue;
use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// Which loss the generator descends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratorLoss {
    /// `L_G = E log(1 − D(G(z)))`: the game's own value function (saturates when `D` wins).
    Minimax,
    /// `L_G = −E log D(G(z))`: the lecture's recommended form, strong gradients early on.
    NonSaturating,
}

impl GeneratorLoss {
    /// Every loss, in the order `--help` lists them.
    pub const ALL: [GeneratorLoss; 2] = [GeneratorLoss::Minimax, GeneratorLoss::NonSaturating];

    /// The name on the command line (`--generator-loss`).
    pub fn name(&self) -> &'static str {
        match self {
            GeneratorLoss::Minimax => "minimax",
            GeneratorLoss::NonSaturating => "non-saturating",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            GeneratorLoss::Minimax => "L_G = E log(1 − D(G(z))): the game as written (saturates while D wins)",
            GeneratorLoss::NonSaturating => "L_G = −E log D(G(z)): the lecture's recommendation",
        }
    }
}

/// The target of real images in the discriminator's BCE.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LabelSmoothing {
    /// Real = 1, fake = 0.
    None,
    /// Real = `real` (e.g. 0.9), fake = 0: only the real side is smoothed (Salimans et al. 2016).
    OneSided { real: f64 },
}

impl LabelSmoothing {
    /// The target of a real image.
    pub fn real_target(self) -> f32 {
        match self {
            LabelSmoothing::None => 1.0,
            LabelSmoothing::OneSided { real } => real as f32,
        }
    }
}

atelier_core::choice_value!(GeneratorLoss);

/// `--smooth-real TARGET`: the real images' target; 1 means no smoothing.
impl ParamValue for LabelSmoothing {
    fn parse(text: &str) -> Result<Self, String> {
        let real: f64 = ParamValue::parse(text)?;
        Ok(if real == 1.0 { LabelSmoothing::None } else { LabelSmoothing::OneSided { real } })
    }

    fn show(&self) -> String {
        self.real_target().to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct DcganConfig {
    /// Noise size: the length of z.
    #[param]
    pub latent: usize,
    /// Generator loss.
    #[param]
    pub generator_loss: GeneratorLoss,
    /// k, discriminator steps per generator step; the batch is split into k minibatches.
    #[param(flag = "d-steps", value_name = "K")]
    pub discriminator_steps: usize,
    /// One-sided label smoothing: the real images' target, e.g. 0.9 (1 = no smoothing).
    #[param(flag = "smooth-real", value_name = "TARGET")]
    pub label_smoothing: LabelSmoothing,
    /// Adam's learning rate, both networks.
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// Adam's β₁ for both networks (0.5 in DCGAN: less momentum keeps the game stable).
    #[param(flag = "beta1")]
    pub beta_1: f64,
    /// Steps between FCD / IS / coverage scores of samples during training; 0 = never.
    #[param(value_name = "STEPS")]
    pub score_every: u64,
    /// Generated images per score during training (compared with the whole test set).
    #[param(value_name = "N", only_if = Self::scores, why = "does not apply when samples are never scored (--score-every 0)")]
    pub score_images: usize,
}

impl Default for DcganConfig {
    /// The reference: z of 100, non-saturating G loss, k = 1, no smoothing, Adam(2e-4, β₁ = 0.5);
    /// 2,000 samples scored every 500 steps.
    fn default() -> Self {
        Self {
            latent: 100,
            generator_loss: GeneratorLoss::NonSaturating,
            discriminator_steps: 1,
            label_smoothing: LabelSmoothing::None,
            learning_rate: 2e-4,
            beta_1: 0.5,
            score_every: 500,
            score_images: 2000,
        }
    }
}

impl DcganConfig {
    /// Whether samples are scored during training.
    pub fn scores(&self) -> bool {
        self.score_every > 0
    }

    /// The loop settings the README's result was measured with: 20 epochs of 128 images
    /// (9,380 iterations on the full data, about 1 h 35 min on 2 CPU cores).
    pub fn training(&self) -> TrainConfig {
        TrainConfig { epochs: 20, ..TrainConfig::default() }
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.latent == 0 {
            return Err("latent must be at least 1".into());
        }
        if self.discriminator_steps == 0 {
            return Err("discriminator_steps (k) must be at least 1".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        if !(0.0..1.0).contains(&self.beta_1) {
            return Err(format!("beta_1 must be in [0, 1) (got {})", self.beta_1));
        }
        if let LabelSmoothing::OneSided { real } = self.label_smoothing
            && !(real > 0.5 && real <= 1.0)
        {
            return Err(format!("the smoothed real label must be in (0.5, 1] (got {real})"));
        }
        if self.score_every > 0 && self.score_images < 2 {
            return Err(format!("score_images must be at least 2 to fit a covariance (got {})", self.score_images));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_named() {
        assert!(DcganConfig::default().validate().is_ok());
        let bad = DcganConfig { discriminator_steps: 0, ..DcganConfig::default() };
        assert!(bad.validate().unwrap_err().contains("discriminator_steps"));
        let bad = DcganConfig { label_smoothing: LabelSmoothing::OneSided { real: 0.2 }, ..DcganConfig::default() };
        assert!(bad.validate().unwrap_err().contains("smoothed real label"));
        let bad = DcganConfig { beta_1: 1.0, ..DcganConfig::default() };
        assert!(bad.validate().unwrap_err().contains("beta_1"));
    }
}
