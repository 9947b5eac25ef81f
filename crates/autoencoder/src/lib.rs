//! # The autoencoder lecture
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: `Obj = L(x, g(f(x̃))) [+ λ·Σᵢ|aᵢ|]`, the clean image `x` as target:
//!    `loss.rs::objective` ([`loss::objective`]), its input `x̃` from `loss.rs::corrupt`
//!    ([`loss::corrupt`]).
//! 2. **Loss function**: the MSE `L(x, x̂) = 1/(N·D) · Σₙ Σ_d (x̂ₙd − xₙd)²` in
//!    `layers/src/loss.rs::mean_squared_error` ([`atelier_layers::loss::mean_squared_error`]), plus
//!    `layers/src/loss.rs::l1_activity` ([`atelier_layers::loss::l1_activity`]) for the sparse variant.
//! 3. **The update**: `step.rs`, `train_step` of [`step::AutoencoderExperiment`]: corrupt → encode
//!    and decode → objective → backward → one Adam step at the fixed learning rate.
//!
//! An autoencoder learns to copy its input through a bottleneck: an encoder `f` maps an image
//! `x ∈ [0,1]^{28×28}` to a code `a = f(x) ∈ ℝᵏ` with `k ≪ 784`, a decoder `g` maps the code back,
//! and both are trained to minimise the reconstruction error
//!
//! ```text
//!     min_{f,g}  L(x, g(f(x)))          with  L(x, x̂) = 1/D · Σ_d (x̂_d − x_d)²   (MSE)
//! ```
//!
//! The lecture's variants, selected by [`Variant`]:
//!
//! - **plain**: the objective above;
//! - **denoising**: corrupt the input, keep the clean target:
//!   `min L(x, g(f(x̃)))` with `x̃ = clip(x + σ·ε, 0, 1)`, `ε ~ N(0, I)`;
//! - **sparse**: penalise the code's activity: `Obj = L(x, x̂) + λ·Σᵢ |aᵢ|`.
//!
//! The **linear** case is PCA: with a linear encoder and decoder the best `k`-dimensional code is
//! the projection on the top `k` principal directions, `X ≈ U·Vᵀ` ([`pca`]). It is the baseline
//! every convolutional autoencoder must beat at the same `k`.
//!
//! Morphing: decoding `(1−t)·f(a) + t·f(b)` for `t ∈ [0,1]` walks between two images through the
//! latent space; the lecture's midpoint is `(C1+C2)/2` at `t = ½` ([`figures::morph_codes`]).
//!
//! ## Departures from the lecture
//! - The architecture is the PyTorch reference model used for the speed comparisons (see
//!   [`model`]); the lecture's slides use dense layers for the first examples.
//! - The sparse penalty is averaged over the batch (`λ/N · Σₙ Σᵢ |aₙᵢ|`) so λ does not depend on
//!   the batch size.
//!
//! This crate does no file IO: the runner loads data and writes files; [`step`] plugs the model
//! into the shared training loop.

pub mod config;
pub mod eval;
pub mod figures;
pub mod loss;
pub mod model;
pub mod pca;
pub mod step;

pub use config::{AutoencoderConfig, Variant};
pub use model::{Autoencoder, Decoder, Encoder};
pub use step::AutoencoderExperiment;
pub mod lecture;
