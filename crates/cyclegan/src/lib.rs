//! # The unpaired-translation lecture: CycleGAN
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: the full `L(G, F, D_X, D_Y)` below, played in `step.rs`, `train_step` of
//!    [`step::CycleGanExperiment`].
//! 2. **Loss functions** ([`loss`]): `discriminator_loss` (least squares, for `D_X` and `D_Y`),
//!    `generator_adversarial_loss`, `cycle_loss`, `identity_loss`, weighed by
//!    `generator_objective`.
//! 3. **The updates**: `step.rs::CycleGanExperiment::generator_step` (one Adam step of `G` and `F`
//!    together through frozen discriminators), then
//!    `step.rs::CycleGanExperiment::discriminator_step` (one Adam step of `D_X` and `D_Y`, each
//!    shown real images and generated ones drawn through its history buffer, [`pool`]).
//!
//! CycleGAN (Zhu et al. 2017) learns two mappings `G: X → Y` and `F: Y → X` from two sets of
//! images that are **not** paired. Adversarial losses alone would let `G` send `x` to any
//! plausible `y`; the cycle-consistency loss asks `F(G(x)) ≈ x` and `G(F(y)) ≈ y`, which ties each
//! output to its input:
//!
//! ```text
//!   L_GAN(G, D_Y) = E_y[(D_Y(y) − 1)²] + E_x[D_Y(G(x))²]            (least squares, Mao et al.)
//!   L_cyc(G, F)   = E_x[‖F(G(x)) − x‖₁] + E_y[‖G(F(y)) − y‖₁]
//!   L_id(G, F)    = E_y[‖G(y) − y‖₁] + E_x[‖F(x) − x‖₁]
//!   L(G, F, D_X, D_Y) = L_GAN(G, D_Y) + L_GAN(F, D_X) + λ_cyc·L_cyc(G, F) + λ_id·L_id(G, F)
//!   G*, F* = arg min_{G,F} max_{D_X,D_Y} L                         (λ_cyc = 10, λ_id = 0.5·λ_cyc)
//! ```
//!
//! The generators descend `(D(G(x)) − 1)²` (the least-squares form of "fool D"); each
//! discriminator descends `½·[(D(y) − 1)² + D(ŷ)²]`, where `ŷ` comes from a buffer of the last 50
//! generated images ([`pool::ImagePool`]). Adam(2e-4, β₁ = 0.5), the rate constant for the first
//! half of the epochs and then decaying linearly towards 0 ([`config::CycleGanConfig::rate`]).
//!
//! ## Architecture ([`model`]): the course's reference, ngf = ndf = 32
//! ```text
//! G, F (ResNet): c7s1-32 – d64 – d128 – R128 × 6 – u64 – u32 – c7s1-c – tanh
//!   (reflection padding, instance norm; [c, s, s] → [128, s/4, s/4] → [c, s, s])
//! D_X, D_Y (PatchGAN): C32 – C64 – C128 – 1, 4×4 kernels, instance norm, LeakyReLU(0.2);
//!   [c, 64, 64] → [1, 14, 14] patch scores (each seeing 34×34 pixels)
//! ```
//!
//! ## Departures, written down
//! - **Image size** 32 by default (64 with `--size 64`) instead of 256, so widths start at 32
//!   (the paper's 64) and the PatchGAN has two stride-2 layers instead of three (a 34×34 patch,
//!   the 70×70 one scaled down); 6 residual blocks, the paper's choice for 128×128 images.
//! - **Batches of several images** (the paper trains with batch 1): instance norm normalises each
//!   image alone, so the networks compute the same function; only the averaging of the gradient
//!   over the batch differs.
//! - **λ_id as a share of λ_cyc** (the paper's code: `lambda_identity = 0.5` times λ): the
//!   ablation λ_cyc = 0 has no identity term either — pure adversarial losses, the lecture's point.
//! - **No resize-and-crop or flip augmentation**: the emoji and garments are already centred and
//!   small; flips would also change the emoji's meaning (arrows, hands).
//! - One Adam for both generators and one for both discriminators, as the paper's code; the
//!   discriminators' loss is the sum of the two halved least-squares losses.
//!
//! This crate does no file IO.

pub mod batches;
pub mod config;
pub mod loss;
pub mod model;
pub mod pool;
pub mod step;
pub mod unpaired;

pub use batches::UnpairedSource;
pub use config::{CycleGanConfig, CycleTask, Direction};
pub use model::{PatchDiscriminator, ResnetGenerator, to_model_range, to_unit_range};
pub use pool::ImagePool;
pub use step::{CycleGanExperiment, Discriminators, Generators, load_generators, translate};
pub use unpaired::UnpairedSet;
pub mod lecture;
