//! Shared building blocks of the course: convolution arithmetic, losses and quality measures.
//!
//! Every loss documents its formula; model crates call these instead of writing their own, so a
//! formula lives in one place. The lecture's worked examples (convolution and transposed
//! convolution of a 4×4 image by a 3×3 kernel, the binary cross-entropy of a real image scored
//! 0.1 or 0.9) are golden tests in `tests/lecture_examples.rs`.

pub mod blocks;
pub mod conv_matrix;
pub mod latent;
pub mod linalg;
pub mod loss;
pub mod pictures;
pub mod quality;
