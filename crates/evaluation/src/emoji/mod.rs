//! # The colour evaluator: a ruler for generated emoji
//!
//! The Fashion images of the course are measured by a frozen classifier ([`crate::Evaluator`]);
//! the colour emoji of the style-transfer lectures (64×64 RGB, drawn by Google or by Twitter) are
//! measured by this network, trained once and then frozen. It has shared features `φ(x)` and two
//! heads: `content` (the emoji category, 9 classes) and `style` (who drew it: Google = 0,
//! Twitter = 1). From them the runner computes:
//!
//! - **FCD** on `φ` and the **Inception-style score** and **content coverage** on `p(content | x)`,
//!   through [`EmojiEvaluatorOutputs::content_view`] and the functions of [`crate::scores`];
//! - **content kept** ([`EmojiEvaluatorOutputs::content_kept`]): how often a translated image is
//!   still read as the category of its source;
//! - **looks like the target style** ([`EmojiEvaluatorOutputs::share_of_style`]).
//!
//! ## Objective ([`loss::evaluator_loss`])
//! ```text
//!   min  L = CE(content head, y_content) + λ·CE(style head, y_style),
//!        CE(s, y) = −1/N · Σₙ log softmax(sₙ)_{yₙ},   λ = style_weight (1)
//! ```
//! trained by one Adam step per batch in `step.rs` ([`step::EmojiEvaluatorExperiment`]).
//!
//! ## Architecture ([`model`]), for a 64×64 input in `[0, 1]` (scaled to `[−1, 1]` inside)
//! ```text
//! [3,64,64] – cbr [32,64,64]  – MaxPool2 [32,32,32]
//!           – cbr [64,32,32]  – MaxPool2 [64,16,16]
//!           – cbr [128,16,16] – MaxPool2 [128,8,8]
//!           – cbr [256,8,8]   – global average pool = φ [256]
//! φ – Linear(256→9) = content logits,   φ – Linear(256→2) = style logits
//! ```
//! `cbr` = Conv2d(3×3, padding 1) – BatchNorm – ReLU, the blocks of `torch_ref_color.py`'s
//! metric-learning embedder (without its projection). 393,163 parameters as Burn counts them.
//!
//! The model modules do no file IO: [`ruler`] reads the installed evaluator from
//! `assets/emoji-evaluator/`, and [`lecture`] trains, scores and installs it (`train` / `eval
//! emoji-evaluator`).

pub mod batch;
pub mod config;
pub mod lecture;
pub mod loss;
pub mod model;
pub mod outputs;
pub mod ruler;
pub mod step;

pub use batch::{StyledBatch, StyledSource};
pub use config::EmojiEvaluatorConfig;
pub use loss::evaluator_loss;
pub use model::{EmojiEvaluatorNet, EvaluatorLogits};
pub use outputs::{EMOJI_IMAGE_SHAPE, EmojiEvaluatorOutputs, outputs};
pub use step::{EmojiEvaluatorExperiment, load_evaluator_net};
