//! Tensors made ready for the pictures the loop writes.

use burn::prelude::*;

/// Pixels in `[0, 1]` → the `[−1, 1]` of a generator ending in tanh (the GANs' generators):
/// `2x − 1`.
pub fn to_model_range(images: Tensor<4>) -> Tensor<4> {
    images.mul_scalar(2.0).sub_scalar(1.0)
}

/// A tanh generator's `[−1, 1]` → pixels in `[0, 1]`, clamped: `(x + 1)/2` (for pictures and the
/// evaluators).
pub fn to_unit_range(images: Tensor<4>) -> Tensor<4> {
    images.add_scalar(1.0).mul_scalar(0.5).clamp(0.0, 1.0)
}

/// Channels shown as they are, as 3 channels: grey `[n, 1, h, w]` repeated, 2 channels as red
/// and green with blue 0, RGB kept (more channels: the first three). → `[n, 3, h, w]`.
pub fn as_rgb(images: Tensor<4>) -> Tensor<4> {
    let [n, c, h, w] = images.dims();
    match c {
        1 => images.repeat_dim(1, 3), // [n, 3, h, w]
        2 => {
            let blue = Tensor::zeros([n, 1, h, w], &images.device());
            Tensor::cat(vec![images, blue], 1) // [n, 3, h, w]
        }
        _ => images.narrow(1, 0, 3), // [n, 3, h, w]
    }
}
