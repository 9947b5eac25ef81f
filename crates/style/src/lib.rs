//! # The style lecture: texture synthesis and style transfer by matching feature statistics
//!
//! ## Read this first: one optimisation step, top to bottom
//! 1. **What is optimised**: the pixels `x` of one image ([`canvas::Canvas`]), not a network.
//! 2. **Objective** (`loss.rs`, [`loss::objective`]):
//!
//! ```text
//!     L(x) = α·L_content(x, p) + β·Σ_l w_l·E_l(x, s)                     (Gatys et al. 2016, eq. 7)
//!
//!     G^l_ij(x) = 1/(N_l·M_l) · Σ_k F^l_ik(x)·F^l_jk(x)     Gram matrix of layer l's features F^l
//!                                                            (N_l channels × M_l positions)
//!     E_l(x, s) = ¼ · Σ_ij (G^l_ij(x) − G^l_ij(s))²         style loss of layer l (Gatys 2015, eq. 4)
//!     L_content(x, p) = ½ · mean_ik (F^c_ik(x) − F^c_ik(p))²  content loss at one deeper layer c
//! ```
//!
//!    with `w_l = 1/(L·¼·Σ_ij (G^l_ij(s))²)` over the `L` style layers (each layer's error relative
//!    to its target's size), `s` the style (texture) image and `p` the content image. Texture
//!    synthesis is the case `α = 0` from noise (Gatys et al. 2015).
//! 3. **The update**: `step.rs`, `train_step` of [`step::SynthesisExperiment`]: features of the
//!    canvas → `L` → backward to the pixels → one Adam step on the pixels, or one L-BFGS step
//!    ([`lbfgs`]: two-loop recursion, backtracking line search). With `scales` > 1 the synthesis
//!    runs coarse to fine (the canvas upsampled after each share of the steps).
//!
//! The features `F^l` come from a frozen network chosen by [`FeatureNetwork`]: the colour
//! evaluator's trained convolutional trunk (`assets/emoji-evaluator/`), the Fashion evaluator's or
//! any classifier run's convolutions (rebuilt by the classifier lecture through the registry),
//! ImageNet networks read from files ([`vgg`] VGG-19 from the user's, [`efficientnet`]
//! EfficientNet-Lite0 from the fetched package), or random multi-scale filters (Ustyuzhaninov et
//! al. 2016): the baseline that shows what training the features buys.
//!
//! **Fast style transfer** (Johnson et al. 2016) trains a network instead of pixels: the
//! transformation network `y = T(x)` of [`transformer`] is trained on many content images with
//! the same objective (each image its own content target), so one pass stylizes an unseen image
//! ([`fast::FastExperiment`]).
//!
//! The classical baseline is [`heeger_bergen`]: match the histograms of every band of a Laplacian
//! pyramid, and of the pixels, alternately (Heeger & Bergen 1995). [`measures`] scores all of them
//! on a *held-out* network (one that was not optimised), on the pixel histograms and on the
//! pyramid's band histograms.
//!
//! ## Departures from the papers
//! - Gatys et al. use ImageNet VGG-19; by default the course's networks are small (the colour
//!   evaluator's four Conv–BN–ReLU blocks, trained on 64×64 emoji), so its four blocks' outputs are
//!   the style layers and the third is the content layer. VGG-19 is read from a file the user has.
//! - The Gram matrix is divided by `N_l·M_l` before the difference (the paper divides the squared
//!   difference by `4·N_l²·M_l²`: the same number).
//! - The layer weights `w_l` (free in the paper, `1/L` in its figures) divide each layer's loss
//!   by its target's size: the small networks' layers differ in scale by orders of magnitude, and
//!   equal weights let one layer decide the picture.
//! - The content loss is a mean rather than a sum over the content layer (so `α/β` does not
//!   depend on the image size).
//! - Texture synthesis starts from grey noise of small amplitude, `U(0.4, 0.6)`, and a grey
//!   texture is synthesised in grey (one channel): see [`canvas::START_NOISE`] for why.
//! - The pixels are optimised with Adam by default (`--optimizer lbfgs`: the paper's L-BFGS, see
//!   [`lbfgs`]) and are not constrained to `[0, 1]` during the optimisation (as in the paper); they
//!   are clamped when drawn and measured.
//! - With `--features vgg19` (ImageNet's VGG-19, from the user's weights file) the poolings
//!   average, as in the paper, and the content layer is conv4_1 (the paper: conv4_2): see [`vgg`].
//! - Heeger–Bergen here uses a Laplacian pyramid (the paper: a steerable pyramid, orientation
//!   bands) and matches each colour channel separately (the paper: in a PCA colour basis).
//!
//! This crate does no file IO except behind its `lecture` module (data, evaluation pictures).

pub mod canvas;
pub mod config;
pub mod efficientnet;
pub mod fast;
pub mod features;
pub mod gram;
pub mod heeger_bergen;
pub mod lbfgs;
pub mod loss;
pub mod measures;
pub mod step;
pub mod transformer;
pub mod vgg;

pub use config::{FeatureNetwork, PixelOptimizer, StyleConfig, StyleTask};
pub use step::SynthesisExperiment;
pub mod lecture;
