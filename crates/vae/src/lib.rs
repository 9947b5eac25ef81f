//! # The VAE lecture: generating new images from a Gaussian latent space
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: `min E_x[ −log p(x|z) + β_t·KL(q(z|x) ‖ p(z)) ]`, one `z = μ + σ ⊙ ε` per image:
//!    `step.rs::elbo_terms` ([`step::elbo_terms`]) computes both terms per image and
//!    `loss.rs::ElboTerms::objective` ([`loss::ElboTerms::objective`]) averages them with
//!    `β_t = config.rs::VaeConfig::kl_weight` ([`VaeConfig::kl_weight`]).
//! 2. **Loss function**: the reconstruction term `loss.rs::Likelihood::negative_log_likelihood`
//!    ([`Likelihood::negative_log_likelihood`]): `loss.rs::bernoulli_nll_per_image`
//!    ([`loss::bernoulli_nll_per_image`], the shared per-pixel
//!    [`atelier_layers::loss::bernoulli_nll`] summed per image) or `loss.rs::gaussian_nll`
//!    ([`loss::gaussian_nll`]); the latent term `loss.rs::kl_to_standard_normal`
//!    ([`loss::kl_to_standard_normal`]).
//! 3. **The update**: `step.rs`, `train_step` of [`step::VaeExperiment`]: terms → objective with
//!    `β_t` → backward → one Adam step at the fixed learning rate.
//!
//! An autoencoder's codes land wherever training puts them, so a code drawn at random decodes to
//! nothing credible. The variational autoencoder forces the codes to follow a known distribution,
//! the prior `p(z) = N(0, I)`, so that `z ~ N(0, I)` decoded by `p(x|z)` is a new image. The lecture's
//! "Erreur = erreur_reconstruction + erreur_latente" is the negative evidence lower bound:
//!
//! ```text
//!   −ELBO(x) = E_{q(z|x)}[−log p(x|z)]  +  KL(q(z|x) ‖ p(z))   ≥  −log p(x)
//!              └── reconstruction ──┘     └──── latent ────┘
//! ```
//!
//! - encoder `q(z|x) = N(μ(x), diag σ²(x))`: the autoencoder's encoder with two heads, μ and
//!   log σ² ([`model`]);
//! - reparameterisation `z = μ + σ ⊙ ε`, `ε ~ N(0, I)`, so gradients reach μ and σ;
//! - decoder `p(x|z)`: the autoencoder's decoder producing Bernoulli logits, one per pixel;
//! - the KL term in closed form: `KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²)` ([`loss`]).
//!
//! Training minimises `E_x[ reconstruction + β_t · KL ]` with `β_t = β · min(1, t / warm-up)`
//! (β = 1 and no warm-up is the true −ELBO, the default). Evaluation reports the −ELBO in nats per
//! image and the tighter importance-sampled estimate
//! `log p(x) ≈ log (1/K) Σₖ p(x|zₖ) p(zₖ) / q(zₖ|x)`, `zₖ ~ q(z|x)` ([`eval`]).
//!
//! ## Likelihoods ([`Likelihood`])
//! - **Bernoulli** (default): pixels are *dynamically binarised*, `x_b ~ Bernoulli(x)` afresh each
//!   time an image is seen, and `−log p(x_b|z) = Σ_d BCE(logit_d, x_b,d)`: a proper discrete
//!   likelihood in nats, comparable with published binarised-MNIST numbers.
//! - **Gaussian**: `p(x|z) = N(x; sigmoid(logits), s²·I)` with fixed `s` on the grey pixels
//!   (the "MSE VAE"). It is a *different model*: a density, not a probability, so its nats can be
//!   negative and are not comparable with the Bernoulli's.
//!
//! ## Departures from Kingma & Welling (2014)
//! - Convolutional encoder/decoder (the course's reference autoencoder) instead of an MLP.
//! - log σ² is clamped to [`model::LOG_VAR_RANGE`] (an unbounded log-variance is the usual source
//!   of NaN: `exp` overflows); the clamp is part of the model, so evaluation uses it too.
//! - Optional β weight and linear KL warm-up (Bowman et al. 2016); both off by default.
//!
//! This crate does no file IO: the runner loads data and writes files; [`step`] plugs the model
//! into the shared training loop.

pub mod config;
pub mod eval;
pub mod figures;
pub mod loss;
pub mod model;
pub mod step;

pub use config::{Likelihood, VaeConfig};
pub use model::{Decoder, Encoder, Posterior, Vae};
pub use step::VaeExperiment;
pub mod lecture;
