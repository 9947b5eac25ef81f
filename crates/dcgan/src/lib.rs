//! # The GAN lecture: DCGAN on Fashion-MNIST
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: the game `min_G max_D V(D, G)` below, played by Algorithm 1 in `step.rs`,
//!    `train_step` of [`step::DcganExperiment`].
//! 2. **Loss functions**: `loss.rs::discriminator_loss` ([`loss::discriminator_loss`]) for `D`,
//!    `loss.rs::generator_loss` ([`loss::generator_loss`]) for `G`.
//! 3. **The updates**: `step.rs::DcganExperiment::discriminator_step`
//!    ([`step::DcganExperiment::discriminator_step`], `k` times, one Adam step of `D`), then
//!    `step.rs::DcganExperiment::generator_step` ([`step::DcganExperiment::generator_step`], one Adam
//!    step of `G` through a frozen `D`).
//!
//! Two networks play a game. The generator `G` turns noise `z ~ N(0, I)` into an image; the
//! discriminator `D` outputs the probability that an image is real. Goodfellow et al. (2014)
//! write the game as one value function:
//!
//! ```text
//!   min_G max_D  V(D, G) = E_{x ~ data}[ log D(x) ]  +  E_{z ~ N(0,I)}[ log(1 − D(G(z))) ]
//! ```
//!
//! **Algorithm 1** ([`step`]), per iteration:
//! 1. `k` times (default 1): draw `m` real images and `m` noise vectors; ascend `V` in `D`, i.e.
//!    descend the binary cross-entropy with targets real = 1, fake = 0 ([`loss::discriminator_loss`]):
//!    `L_D = −(1/m) Σ [ log D(x) + log(1 − D(G(z))) ]`, the fake batch detached from `G`;
//! 2. one generator step with `D`'s weights left unchanged, on either generator loss
//!    ([`GeneratorLoss`], [`loss::generator_loss`]):
//!    - **minimax** (the game as written): `L_G = (1/m) Σ log(1 − D(G(z)))`. Early in training `D`
//!      rejects fakes with confidence, `D(G(z)) ≈ 0`, where this loss is flat: `∂L_G/∂logit = −D(G(z))
//!      ≈ 0`, so `G` hardly learns;
//!    - **non-saturating** (the lecture's recommendation, the default): `L_G = −(1/m) Σ log D(G(z))`,
//!      the same fixed point, with `∂L_G/∂logit = −(1 − D(G(z))) ≈ −1` where the minimax one vanishes.
//!
//! At `D`'s optimum `D*(x) = p_data(x) / (p_data(x) + p_G(x))` and `V = −log 4 + 2·JSD(p_data ‖ p_G)`:
//! an untrained `D` with outputs ≈ ½ has `L_D ≈ 2 ln 2` (a tested fact).
//!
//! ## Architecture ([`model`]): the course's reference (and the PyTorch speed reference)
//! ```text
//! G: z[100] – Linear(100→6272) – BN – ReLU – reshape [128,7,7] – ConvT(128→64, k4 s2 p1) – BN – ReLU
//!    – ConvT(64→1, k4 s2 p1) – tanh  → [1,28,28] in [−1, 1]
//! D: [1,28,28] – Conv(1→64, k4 s2 p1) – LeakyReLU(0.2) – Conv(64→128, k4 s2 p1) – BN – LeakyReLU(0.2)
//!    – flatten [6272] – Linear(6272→1) = logit
//! ```
//! Weights `N(0, 0.02)`, batch-norm scales `N(1, 0.02)` (Radford et al. 2016); Adam(2e-4, β₁ = 0.5,
//! β₂ = 0.999); batch 128; real images scaled from `[0, 1]` to `[−1, 1]` to match `tanh`.
//!
//! ## Departures, written down
//! - The generator step reuses the fake batch of the last discriminator step (with its graph into
//!   `G`) instead of drawing a second noise batch, as PyTorch's DCGAN example does: one generator
//!   forward per iteration. The noise is still fresh every iteration.
//! - `D`'s logit is kept and every loss is written with `log σ(·)` (stable BCE on logits) rather
//!   than `log` of a sigmoid output.
//! - With `k > 1` the loop's batch of `B` real images is split into `k` minibatches, one per
//!   discriminator step (so `m = B/k`; give `--batch-size 256` for `k = 2, m = 128`).
//! - Optional one-sided label smoothing (Salimans et al. 2016): real targets `s < 1`, fakes 0.
//! - `D`'s batch norm sees real and fake batches separately (as in the reference); in the generator
//!   step `D`'s parameters get no gradient, but its batch-norm running statistics move, exactly as
//!   PyTorch's do (they are statistics, not weights, and the game never uses them).
//!
//! ## Watching a GAN train ([`diagnose`])
//! Losses alone do not say whether a GAN is learning. The runner scores samples with the frozen
//! evaluator (FCD, Inception Score, class coverage) every few hundred steps, and [`diagnose`]
//! turns those scores and the losses into the warnings of the lecture: mode collapse, a
//! discriminator that wins outright (diminished gradient), and oscillation without progress.
//!
//! This crate does no file IO.

pub mod config;
pub mod diagnose;
pub mod loss;
pub mod model;
pub mod samples;
pub mod step;

pub use config::{DcganConfig, GeneratorLoss, LabelSmoothing};
pub use model::{Discriminator, Generator};
pub use step::DcganExperiment;
pub mod lecture;
