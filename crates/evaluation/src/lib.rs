//! # The ruler for generative models
//!
//! No Inception network can be downloaded here, so the course measures generated images with its
//! own frozen classifier, the *evaluator* (the reference CNN trained on Fashion-MNIST, weights
//! versioned in `assets/evaluator/`). From its penultimate features `φ(x)` and class
//! probabilities `p(y|x)`:
//!
//! - **Fréchet Classifier Distance** (FID's formula on the evaluator's features): fit Gaussians
//!   `N(μ_g, Σ_g)` and `N(μ_r, Σ_r)` to the features of generated and real images,
//!   `FCD = ‖μ_g − μ_r‖² + Tr(Σ_g + Σ_r − 2·(Σ_g^{1/2} Σ_r Σ_g^{1/2})^{1/2})` ([`fcd`]). Lower is better.
//! - **Classifier Inception Score** `IS = exp(E_x KL(p(y|x) ‖ p(y)))`, `p(y) = E_x p(y|x)`
//!   ([`inception_score`]): high when each image is confidently one class and the classes are
//!   balanced (at most the number of classes, 10).
//! - **Class coverage** ([`coverage`]): the histogram of predicted classes and how many classes
//!   hold at least 1% of the images (mode collapse shows as a low count).
//! - **PSNR** `10·log₁₀(1/MSE)` and **SSIM** (Wang et al. 2004) for paired outputs ([`ssim`]).
//!
//! The measuring modules do no file IO. [`fashion`] and [`emoji::ruler`] read the installed
//! evaluators from `assets/` (the Fashion evaluator's network comes back through the registry:
//! the lecture that trains classifiers rebuilds it, and no lecture is imported here); [`scorer`]
//! scores generated sets against a real split; [`paired`] scores translations against their
//! targets. Any lecture may use these instruments.

pub mod emoji;
pub mod evaluator;
pub mod fashion;
pub mod paired;
pub mod scorer;
pub mod scores;
pub mod ssim;

/// Controlled damage to images (noise, blur), to calibrate the ruler: in the data crate, so that
/// `cargo xtask data pngs` can write degraded sets without tensors.
pub use atelier_data::degrade;

pub use emoji::{EmojiEvaluatorConfig, EmojiEvaluatorExperiment, EmojiEvaluatorNet, EmojiEvaluatorOutputs};
pub use evaluator::{Evaluator, EvaluatorOutputs};
pub use paired::{Rendered, paired_scores};
pub use scorer::{DEFAULT_LIMIT, RealSplit, Scorer};
pub use scores::{Coverage, coverage, fcd, inception_score};
pub use ssim::ssim;
