//! # The segmentation lecture: a class for every pixel
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: the pixel-wise log loss below, in `loss.rs::pixel_cross_entropy`
//!    ([`loss::pixel_cross_entropy`]).
//! 2. **The network**: `model.rs::SegmentationNet::forward` ([`model::SegmentationNet::forward`]):
//!    an encoder that shrinks, a decoder that upsamples with transposed convolutions, and (U-Net)
//!    skip connections.
//! 3. **The update**: `step.rs`, `train_step` of [`step::SegmentationExperiment`]: one Adam step.
//! 4. **The measures**: `metrics.rs` ([`metrics`]): IoU per class, mIoU, pixel accuracy and the
//!    accuracy within 2 px of a class boundary.
//!
//! The course's path goes classification (one class per image) → detection (a box per object) →
//! segmentation (a class per pixel). A **fully convolutional network** has no dense layer, so it
//! maps an image to a map of class scores of the same size: an encoder of convolutions and
//! poolings gathers context while the side shrinks (64 → 8), a decoder upsamples with
//! **transposed convolutions** back to full size, and a 1×1 convolution scores the `K` classes at
//! every pixel. The encoder's pooling throws away *where* exactly things are; **U-Net**
//! (Ronneberger et al. 2015) brings it back by concatenating each encoder map to the decoder map of
//! its size (the skip connections), which matters most at class boundaries.
//!
//! With true classes `y_p` and scores `z_p` at every pixel `p` of the `P = n·h·w` pixels of a batch:
//!
//! ```text
//!   ŷ_p = softmax(z_p)                                     (class probabilities at pixel p)
//!   L   = − 1/P · Σ_p Σ_k [y_p = k] · log ŷ_{p,k}  =  − 1/P · Σ_p log ŷ_{p, y_p}
//! ```
//!
//! the lecture's `−Σ_classes y log ŷ` averaged over pixels. Optionally each pixel is weighted by
//! its class (`w_k = N / (K·N_k)`, inverse frequency over the training masks) against the
//! background's dominance: `L = − Σ_p w_{y_p} log ŷ_{p,y_p} / Σ_p w_{y_p}`.
//!
//! ## Architecture ([`model`]): the course's reference at 64×64, 32-64-128-256 channels
//! Three levels of (3×3 conv – BN – ReLU)×2 and 2×2 max-pooling, a bottleneck of the same block at
//! 8×8 (optionally **dilated**, DeepLab's atrous convolution, which widens its view without
//! pooling further), three transposed convolutions (k2 s2) each followed by a double conv, and a
//! 1×1 head: 1,928,171 trainable parameters for U-Net, 1,734,635 for the FCN, as PyTorch counts the
//! reference. Adam(1e-3).
//!
//! ## Departures, written down
//! - **Padding 1 in every 3×3 convolution**: the output has the input's size, where the U-Net paper
//!   uses unpadded convolutions (572 → 388) and crops the skips. Sides must be multiples of 8 at
//!   depth 3; [`model::SegmentationNet::forward_any_size`] pads other sizes and crops back.
//! - **Batch norm** in every block (the paper predates it); the reference has it too.
//! - **The FCN here is U-Net without skips** (same encoder, same decoder), so the comparison
//!   isolates the skips; Long et al.'s FCN-32s upsamples once from a VGG backbone.
//!
//! ## Why the image-to-image U-Net does not share these blocks
//! Both are U-Nets (an encoder–decoder whose decoder concatenates the encoder map of its size), but
//! their blocks differ in every layer: the image-to-image generator (Isola et al.) halves the side with one
//! 4×4 stride-2 convolution and LeakyReLU per level down to a 1×1 bottleneck and doubles it with a
//! 4×4 transposed convolution, batch norm and dropout; this one (Ronneberger et al.) keeps the side
//! through two 3×3 convolutions, halves it by max-pooling and doubles it with a 2×2 transposed
//! convolution. What is common is the skip (one `Tensor::cat`); a shared block would be a switch
//! between two architectures. The block that *is* shared, the 3×3 conv–BN–ReLU pair
//! ([`atelier_layers::blocks::DoubleConv`]), lives in `crates/layers`, where the embedding network
//! of the metric-learning lecture can use it too (model crates never depend on each other).
//!
//! This crate does no file IO.

pub mod batch;
pub mod config;
pub mod emoji_scenes;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod scenes;
pub mod step;

pub use batch::{MaskBatch, MaskSource};
pub use config::{Architecture, ClassWeights, SegmentationConfig, SegmentationTask};
pub use metrics::{BOUNDARY_RADIUS, ConfusionMatrix, boundary_band};
pub use model::SegmentationNet;
pub use step::{SegmentationExperiment, colour_masks, load_model};
pub mod lecture;
