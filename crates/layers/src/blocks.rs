//! Convolution blocks shared by the course's 28×28 models.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::prelude::*;

/// A k4 s2 p1 convolution: halves the side (28 → 14 → 7). `channels`: `[in, out]`.
pub fn halving_conv(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

/// A k4 s2 p1 transposed convolution: doubles the side (7 → 14 → 28). `channels`: `[in, out]`.
pub fn doubling_deconv(channels: [usize; 2], device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new(channels, [4, 4]).with_stride([2, 2]).with_padding([1, 1]).init(device)
}
