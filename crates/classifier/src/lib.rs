//! # The CNN classifier lecture
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: `min −1/N · Σₙ log softmax(f(xₙ))_{yₙ}` over the logits of
//!    `model.rs::Classifier::forward` ([`Classifier::forward`]).
//! 2. **Loss function**: `layers/src/loss.rs::cross_entropy` ([`atelier_layers::loss::cross_entropy`]),
//!    with `layers/src/loss.rs::accuracy` ([`atelier_layers::loss::accuracy`]) reported beside it.
//! 3. **The update**: `step.rs`, `train_step` of [`step::ClassifierExperiment`]: logits (the
//!    convolution features detached for [`Trainable::HeadOnly`]) → cross-entropy → backward → one Adam
//!    step at the rate of `train/src/schedule.rs::LrSchedule::rate` ([`atelier_train::LrSchedule::rate`])
//!    for the current epoch.
//!
//! A classifier maps an image `x` to class scores (logits) `s = f(x) ∈ ℝ¹⁰`; softmax turns them
//! into probabilities `p(y = c | x) = exp(s_c) / Σ_j exp(s_j)`, and training minimises the
//! cross-entropy with the true class `y`:
//!
//! ```text
//!     L = −1/N · Σₙ log p(yₙ | xₙ) = −1/N · Σₙ [ s_{yₙ}(xₙ) − log Σ_j exp(s_j(xₙ)) ]
//! ```
//!
//! The lecture's path, one [`Architecture`] each:
//! - **perceptron**: one linear layer on the 784 pixels (softmax regression);
//! - **MLP**: one hidden ReLU layer;
//! - **reference CNN** (the PyTorch speed reference): Conv(1→32, k3, p1)–ReLU–MaxPool2–
//!   Conv(32→64, k3, p1)–ReLU–MaxPool2–Linear(3136→128)–ReLU–Linear(128→10);
//! - **VGG-style**: two stacks of two 3×3 convolutions with batch norm, max-pooling and dropout.
//!
//! Every model splits into `features` (everything up to the penultimate layer, whose activations
//! the evaluation toolkit uses) and a linear `head`. Transfer learning ([`Trainable::HeadOnly`])
//! keeps the convolution layers of a trained model frozen and trains a fresh dense part.
//!
//! This crate does no file IO: the runner loads data and writes files; [`step`] plugs the model
//! into the shared training loop.

pub mod config;
pub mod metrics;
pub mod model;
pub mod step;

pub use config::{Architecture, Augmentation, ClassifierConfig, Trainable};
pub use model::Classifier;
pub use step::ClassifierExperiment;
pub mod lecture;
