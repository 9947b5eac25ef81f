//! Tensors made ready for the pictures the loop writes.

use burn::prelude::*;

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
