//! The VAE's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// The fixed pixel std `s` of the Gaussian likelihood unless `--gaussian-sigma` says otherwise.
pub const DEFAULT_GAUSSIAN_SIGMA: f64 = 0.1;

/// The decoder's distribution `p(x|z)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Params)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Likelihood {
    /// Independent Bernoulli pixels on dynamically binarised images (reported in nats).
    Bernoulli,
    /// Independent Gaussians `N(x; sigmoid(logit), s²)` on grey pixels in `[0, 1]` (a density:
    /// a different model, whose nats are not comparable with the Bernoulli's).
    Gaussian {
        /// Fixed pixel std s of --likelihood gaussian.
        #[param(flag = "gaussian-sigma")]
        sigma: f64,
    },
}

impl Likelihood {
    /// Every likelihood with its default parameter, in the order `--help` lists them.
    pub const ALL: [Likelihood; 2] = [Likelihood::Bernoulli, Likelihood::Gaussian { sigma: DEFAULT_GAUSSIAN_SIGMA }];

    /// The name on the command line (`--likelihood`).
    pub fn name(&self) -> &'static str {
        match self {
            Likelihood::Bernoulli => "bernoulli",
            Likelihood::Gaussian { .. } => "gaussian",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Likelihood::Bernoulli => "Bernoulli pixels on dynamically binarised images: a true likelihood in nats",
            Likelihood::Gaussian { .. } => {
                "Gaussian pixels N(x; mean, s²) on grey images (the \"MSE VAE\"; s from --gaussian-sigma)"
            }
        }
    }
}

atelier_core::choice_value!(Likelihood);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct VaeConfig {
    /// Latent size k.
    #[param]
    pub latent: usize,
    /// Decoder distribution p(x|z).
    #[param(nested)]
    pub likelihood: Likelihood,
    /// Weight β of the KL term (1 = the true ELBO).
    #[param]
    pub beta: f64,
    /// Steps over which the KL weight rises linearly from 0 to β (0 = no warm-up).
    #[param(flag = "kl-warmup", value_name = "STEPS")]
    pub kl_warmup_steps: u64,
    /// Adam's learning rate.
    #[param(flag = "lr")]
    pub learning_rate: f64,
}

impl Default for VaeConfig {
    /// The PyTorch reference: k = 32, Bernoulli, β = 1, no warm-up, Adam 1e-3.
    fn default() -> Self {
        Self { latent: 32, likelihood: Likelihood::Bernoulli, beta: 1.0, kl_warmup_steps: 0, learning_rate: 1e-3 }
    }
}

impl VaeConfig {
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
        if !(self.beta >= 0.0 && self.beta.is_finite()) {
            return Err(format!("beta must be ≥ 0 (got {})", self.beta));
        }
        if let Likelihood::Gaussian { sigma } = self.likelihood
            && !(sigma > 0.0 && sigma.is_finite())
        {
            return Err(format!("the Gaussian likelihood's sigma must be > 0 (got {sigma})"));
        }
        Ok(())
    }

    /// `β_t = β · min(1, t / warm-up)`: the KL weight at optimisation step `step`.
    pub fn kl_weight(&self, step: u64) -> f64 {
        if self.kl_warmup_steps == 0 {
            return self.beta;
        }
        self.beta * (step as f64 / self.kl_warmup_steps as f64).min(1.0)
    }
}
