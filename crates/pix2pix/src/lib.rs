//! # The image-to-image lecture: pix2pix
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: `G* = arg min_G max_D L_cGAN(G, D) + λ·L_L1(G)` below, played in `step.rs`,
//!    `train_step` of [`step::Pix2PixExperiment`].
//! 2. **Loss functions**: `loss.rs::discriminator_loss` ([`loss::discriminator_loss`]) for `D`;
//!    `loss.rs::generator_adversarial_loss` ([`loss::generator_adversarial_loss`]) and
//!    `loss.rs::l1_loss` ([`loss::l1_loss`]), weighed by `loss.rs::generator_loss`
//!    ([`loss::generator_loss`]), for `G`.
//! 3. **The updates**: `fake = G(x)` once; `step.rs::Pix2PixExperiment::discriminator_step`
//!    ([`step::Pix2PixExperiment::discriminator_step`], one Adam step of `D` on the real pair
//!    `(x, y)` and the fake pair `(x, G(x))` detached), then
//!    `step.rs::Pix2PixExperiment::generator_step` ([`step::Pix2PixExperiment::generator_step`],
//!    one Adam step of `G` through a frozen `D`).
//!
//! pix2pix (Isola et al. 2017) learns a mapping from an input image `x` (edges, a grey picture,
//! one emoji style) to an output image `y` (a photo, its colours, another style) from aligned
//! pairs. A conditional GAN's discriminator sees the input together with an output and says
//! whether the pair is real; an L1 term keeps the output near the target:
//!
//! ```text
//!   L_cGAN(G, D) = E_{x,y}[ log D(x, y) ] + E_{x,z}[ log(1 − D(x, G(x, z))) ]
//!   L_L1(G)      = E_{x,y,z}[ ‖y − G(x, z)‖₁ ]
//!   G*           = arg min_G max_D  L_cGAN(G, D) + λ·L_L1(G)          (λ = 100)
//! ```
//!
//! where the noise `z` is the generator's dropout. In the losses ([`loss`]):
//! - `D` descends `L_D = ½·[ BCE(D(x, y), 1) + BCE(D(x, G(x)), 0) ]`, the mean over every patch
//!   logit, halved as in the paper (`D` learns more slowly than `G`);
//! - `G` descends the non-saturating `L_G = gan_weight·BCE(D(x, G(x)), 1) + λ·mean|y − G(x)|`.
//!
//! With `gan_weight = 0` ([`config::Objective::L1Only`]) the same U-Net is trained on `λ·L_L1`
//! alone, with no discriminator at all: the baseline whose blurry, greyish outputs show what the
//! adversarial term adds (sharpness, saturated colour).
//!
//! ## Architecture ([`model`]): the course's reference at 64×64, ngf = ndf = 32
//! ```text
//! G (U-Net, 6 levels, skip connections ‖ on channels):
//!   x [c_in,64,64] – e0 [32,32,32] – e1 [64,16,16] – e2 [128,8,8] – e3 [256,4,4] – e4 [256,2,2]
//!   – e5 [256,1,1]  (down: LReLU(0.2) – Conv k4 s2 p1 – BN; e0 without LReLU/BN, e5 without BN)
//!   – u0 [256,2,2]‖e4 – u1 [256,4,4]‖e3 – u2 [128,8,8]‖e2 – u3 [64,16,16]‖e1 – u4 [32,32,32]‖e0
//!   – ReLU – ConvT(64→c_out) – tanh → y [c_out,64,64] in [−1, 1]
//!     (up: ReLU – ConvT k4 s2 p1 – BN – Dropout(0.5) on u0, u1, u2)
//! D (PatchGAN, 34×34 receptive field) on (x ‖ y) [c_in + c_out, 64, 64]:
//!   Conv(→32, s2) – LReLU [32,32,32] – Conv(32→64, s2) – BN – LReLU [64,16,16]
//!   – Conv(64→128, s1) – BN – LReLU [128,15,15] – Conv(128→1, s1) → logits [1,14,14]
//! ```
//! 7,315,043 trainable parameters in `G` (RGB → RGB), 169,569 in `D`, as PyTorch counts the
//! reference (¾ of the weights of `e5` and `u0`, which meet a 1×1 map, never get a gradient: see
//! [`model`]). Weights `N(0, 0.02)`, biases 0, batch-norm scales `N(1, 0.02)`; Adam(2e-4,
//! β₁ = 0.5, β₂ = 0.999); images scaled from `[0, 1]` to `[−1, 1]` to match `tanh`.
//!
//! Colourisation ([`config::ColourSpace::LabChroma`], [`colour`]) predicts the CIE Lab chroma
//! `a, b` from the lightness `L`; the pictures put the input's `L` and the chroma back together
//! and convert to sRGB.
//!
//! ## Departures, written down
//! - **Image size 64** instead of the paper's 256: the U-Net has 6 levels instead of 8 and the
//!   PatchGAN 2 stride-2 layers instead of 3, so each of its 14×14 logits sees a 34×34 patch
//!   (the paper's 70×70 PatchGAN, scaled down), and the widths start at 32 instead of 64.
//! - **Batch norm with batches > 1**: the paper trains with batch 1, where batch norm acts as
//!   instance norm; here batch norm normalises over the batch, as the course's reference does.
//! - **Dropout off at test time**: the paper keeps dropout on at inference (its only noise);
//!   here validation, figures and [`step::translate`] run the generator in inference mode
//!   (no dropout, running batch-norm statistics), which gives one deterministic translation.
//! - **One generator forward per iteration**: the generator step reuses the fake batch of the
//!   discriminator step (with its graph into `G`), as the PyTorch reference does.
//! - `D`'s logits are kept and every BCE is written with `log σ(·)` (stable on logits). Every
//!   convolution of `D` has a bias, as the reference's `PatchD` (pix2pix drops it before batch norm).
//! - In the generator step `D`'s parameters take no gradient, but its batch-norm running
//!   statistics move, exactly as PyTorch's do.
//!
//! This crate does no file IO.

pub mod colour;
pub mod config;
pub mod loss;
pub mod model;
pub mod step;
pub mod task;

pub use colour::{display_inputs_rgb, display_rgb, lab_unit_to_rgb};
pub use config::{ColourSpace, Objective, Pix2PixConfig};
pub use model::{PatchDiscriminator, UNetGenerator, to_model_range, to_unit_range};
pub use step::{Pix2PixExperiment, load_generator, translate};
pub use task::TranslationTask;
pub mod lecture;
