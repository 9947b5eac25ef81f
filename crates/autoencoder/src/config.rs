//! The autoencoder's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// σ of the denoising variant unless `--noise-sigma` says otherwise (the lecture's σ = 0.3).
pub const DEFAULT_NOISE_SIGMA: f64 = 0.3;
/// λ of the sparse variant unless `--sparsity` says otherwise.
pub const DEFAULT_SPARSITY: f64 = 1e-3;

/// Which lecture variant to train.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Params)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Variant {
    /// Reconstruct the input: `L(x, g(f(x)))`.
    Plain,
    /// Reconstruct the clean image from a noisy one: `L(x, g(f(clip(x + σε))))`.
    Denoising {
        /// σ of the input noise of --variant denoising (on pixels in `[0, 1]`).
        #[param]
        noise_sigma: f64,
    },
    /// Reconstruct with an L1 penalty on the code: `L(x, x̂) + λ·Σ|aᵢ|`.
    Sparse {
        /// λ of the sparsity penalty of --variant sparse: the weight of the code's activity.
        #[param(flag = "sparsity")]
        lambda: f64,
    },
}

impl Variant {
    /// Every variant with its default parameter, in the order `--help` lists them.
    pub const ALL: [Variant; 3] = [
        Variant::Plain,
        Variant::Denoising { noise_sigma: DEFAULT_NOISE_SIGMA },
        Variant::Sparse { lambda: DEFAULT_SPARSITY },
    ];

    /// The name on the command line (`--variant`).
    pub fn name(&self) -> &'static str {
        match self {
            Variant::Plain => "plain",
            Variant::Denoising { .. } => "denoising",
            Variant::Sparse { .. } => "sparse",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Variant::Plain => "reconstruct the input",
            Variant::Denoising { .. } => "reconstruct the clean image from a noisy input (σ from --noise-sigma)",
            Variant::Sparse { .. } => "reconstruct with an L1 penalty λ·Σ|aᵢ| on the code (λ from --sparsity)",
        }
    }
}

atelier_core::choice_value!(Variant);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderConfig {
    /// Code size k.
    #[param]
    pub latent: usize,
    /// Lecture variant.
    #[param(nested)]
    pub variant: Variant,
    /// Adam's learning rate.
    #[param(flag = "lr")]
    pub learning_rate: f64,
}

impl Default for AutoencoderConfig {
    /// The PyTorch reference: k = 32, plain, Adam 1e-3.
    fn default() -> Self {
        Self { latent: 32, variant: Variant::Plain, learning_rate: 1e-3 }
    }
}

impl AutoencoderConfig {
    /// The loop settings the README's results were measured with: 10 epochs of 128 images.
    pub fn training(&self) -> TrainConfig {
        TrainConfig::default()
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.latent == 0 {
            return Err("latent must be at least 1".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        match self.variant {
            Variant::Denoising { noise_sigma } if !(noise_sigma >= 0.0 && noise_sigma.is_finite()) => {
                Err(format!("noise_sigma must be ≥ 0 (got {noise_sigma})"))
            }
            Variant::Sparse { lambda } if !(lambda >= 0.0 && lambda.is_finite()) => {
                Err(format!("lambda must be ≥ 0 (got {lambda})"))
            }
            _ => Ok(()),
        }
    }
}
