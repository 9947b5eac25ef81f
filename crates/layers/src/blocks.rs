//! Convolution blocks shared by the course's models.

use atelier_kernels::{ConvKernel, NormKernel};
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

/// 3×3 convolution (padding = dilation, so the side is kept) – batch norm – ReLU: the unit of
/// VGG-style encoders, U-Net's blocks and the embedding network. `channels`: `[in, out]`; `dilation`
/// 1 is an ordinary convolution, `r > 1` an atrous one whose taps are `r` pixels apart.
#[derive(burn::module::Module, Debug)]
pub struct ConvBnRelu {
    conv: Conv2d,
    norm: burn::nn::BatchNorm,
}

impl ConvBnRelu {
    pub fn new(channels: [usize; 2], dilation: usize, device: &Device) -> Self {
        let conv = Conv2dConfig::new(channels, [3, 3])
            .with_padding(PaddingConfig2d::Explicit(dilation, dilation, dilation, dilation))
            .with_dilation([dilation, dilation])
            .init(device);
        Self { conv, norm: burn::nn::BatchNormConfig::new(channels[1]).init(device) }
    }

    /// `[n, c_in, h, w]` → `[n, c_out, h, w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        burn::tensor::activation::relu(self.norm.apply(self.conv.apply(x)))
    }
}

/// Two [`ConvBnRelu`] in a row (`[in, out]` then `[out, out]`): U-Net's block at every level.
#[derive(burn::module::Module, Debug)]
pub struct DoubleConv {
    first: ConvBnRelu,
    second: ConvBnRelu,
}

impl DoubleConv {
    pub fn new(channels: [usize; 2], dilation: usize, device: &Device) -> Self {
        Self {
            first: ConvBnRelu::new(channels, dilation, device),
            second: ConvBnRelu::new([channels[1], channels[1]], dilation, device),
        }
    }

    /// `[n, c_in, h, w]` → `[n, c_out, h, w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.second.forward(self.first.forward(x))
    }
}
