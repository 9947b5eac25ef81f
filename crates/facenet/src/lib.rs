//! # The metric-learning lecture: FaceNet's triplet loss
//!
//! ## Read this first: one training step, top to bottom
//! 1. **The batch**: `P` identities × `K` views each ([`batches::IdentitySource`]), FaceNet's
//!    large mini-batches with several views per identity, so that every anchor has positives and
//!    plenty of negatives to choose from.
//! 2. **The network**: `model.rs::EmbeddingNet::forward` ([`model::EmbeddingNet::forward`]): four
//!    conv blocks, global average pooling, a linear map to `dim`, then `f(x) = v / ‖v‖` on the unit
//!    sphere.
//! 3. **The objective**: `loss.rs::triplet_loss` ([`loss::triplet_loss`]), with the triplets mined
//!    inside the batch ([`Mining`]).
//! 4. **The update**: `step.rs`, `train_step` of [`step::FacenetExperiment`]: one Adam step.
//! 5. **The measures**: identification ([`retrieval`]: Recall@k, mAP@R), verification
//!    ([`verification`]: ROC AUC, 10-fold accuracy, TAR at FAR) and clustering ([`clustering`]:
//!    k-means, NMI, purity).
//!
//! FaceNet (Schroff et al. 2015) learns `f(x) ∈ ℝ^d`, `‖f(x)‖ = 1`, so that views of one identity
//! are close and views of different identities far, then recognises, verifies and clusters by
//! distance alone: a new identity needs no retraining, only a gallery image. For an anchor `a`, a
//! positive `p` (same identity) and a negative `n`:
//!
//! ```text
//!   ‖f(xᵃ) − f(xᵖ)‖² + α < ‖f(xᵃ) − f(xⁿ)‖²        (what the embedding should satisfy)
//!   L = Σ_{(a,p,n) ∈ T} max(0, ‖f(xᵃ) − f(xᵖ)‖² − ‖f(xᵃ) − f(xⁿ)‖² + α)
//! ```
//!
//! averaged over the chosen triplets `T`. Most triplets already satisfy the constraint and give
//! no gradient, and the number of triplets grows as the cube of the data, so FaceNet **mines**:
//! inside each batch, every positive pair `(a, p)` takes a *semi-hard* negative, the closest one
//! that is still farther than the positive (`d(a,p) < d(a,n)`), which is hard enough to teach and
//! not so hard that it collapses the embedding to a point early on, as the hardest negatives can
//! (the paper's warning, measured here with `--mining hard`).
//!
//! ## Departures, written down
//! - **Batch size**: FaceNet's batches held ~1,800 faces (40 per identity) on a GPU cluster; here
//!   `P·K` = 128 (Fashion: 8 × 16; emoji: 32 × 4).
//! - **Mining rule when no semi-hard negative exists**: the farthest negative (TensorFlow's
//!   `triplet_semihard_loss`, which the course reference follows); FaceNet does not say.
//! - **"Hard"** takes the closest negative for every positive pair (not the hardest positive too),
//!   so the comparison with semi-hard changes one thing.
//! - **Network**: the course reference's four conv blocks (not Inception/Zeiler–Fergus), sized for
//!   28×28 and 64×64 images.
//!
//! This crate does no file IO.

pub mod batches;
pub mod clustering;
pub mod config;
pub mod identities;
pub mod loss;
pub mod model;
pub mod retrieval;
pub mod step;
pub mod verification;

pub use batches::{IdentityBatch, IdentitySource};
pub use config::{Augmentation, FacenetConfig, FacenetTask, Mining};
pub use identities::{Background, IdentityImages};
pub use model::EmbeddingNet;
pub use step::{FacenetExperiment, load_model};
pub mod lecture;
