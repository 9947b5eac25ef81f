//! The autoencoder's hyper-parameters (the `model` part of a run's `config.json`).

use serde::{Deserialize, Serialize};

/// Which lecture variant to train.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Variant {
    /// Reconstruct the input: `L(x, g(f(x)))`.
    Plain,
    /// Reconstruct the clean image from a noisy one: `L(x, g(f(clip(x + σε))))`.
    Denoising {
        /// σ of the Gaussian noise added to inputs in `[0, 1]`.
        noise_sigma: f64,
    },
    /// Reconstruct with an L1 penalty on the code: `L(x, x̂) + λ·Σ|aᵢ|`.
    Sparse {
        /// λ, the weight of the activity penalty.
        lambda: f64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderConfig {
    /// Code size k (`--latent`).
    pub latent: usize,
    pub variant: Variant,
    /// Adam's learning rate.
    pub learning_rate: f64,
}

impl Default for AutoencoderConfig {
    /// The PyTorch reference: k = 32, plain, Adam 1e-3.
    fn default() -> Self {
        Self { latent: 32, variant: Variant::Plain, learning_rate: 1e-3 }
    }
}

impl AutoencoderConfig {
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
