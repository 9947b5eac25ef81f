//! Johnson et al.'s (2016) image transformation network, the feed-forward stylizer: one pass
//! replaces hundreds of optimisation steps.
//!
//! ```text
//! [3, h, w] – c9s1-w  [w, h, w]        9×9 convolution, stride 1, reflection padding 4, IN, ReLU
//!           – d2w     [2w, h/2, w/2]   3×3, stride 2, IN, ReLU
//!           – d4w     [4w, h/4, w/4]
//!           – R4w × B                  residual blocks: x + IN(conv3(ReLU(IN(conv3(x)))))
//!           – u2w     [2w, h/2, w/2]   nearest ×2 then 3×3 convolution, IN, ReLU
//!           – uw      [w, h, w]
//!           – c9s1-3  [3, h, w]        9×9 convolution, then σ: pixels in (0, 1)
//! ```
//!
//! Departures from the paper: the upsampling is nearest-neighbour then a convolution (the paper:
//! fractionally-strided convolutions, whose overlap draws checkerboards; Odena et al. 2016), the
//! output is a sigmoid (the paper: a scaled tanh), instance norm replaces batch norm (Ulyanov et
//! al. 2016, adopted by Johnson's own code), and `w` (32 in the paper) and `B` (5) are settings.

use atelier_kernels::ConvKernel;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{InstanceNorm, InstanceNormConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, sigmoid};
use burn::tensor::ops::PadMode;

/// `[n, c, h, w]` padded by `p` on every side with its mirror image → `[n, c, h + 2p, w + 2p]`.
fn reflect(x: Tensor<4>, p: usize) -> Tensor<4> {
    x.pad((p, p, p, p), PadMode::Reflect)
}

/// How a layer changes the image's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resampling {
    Keep,
    /// Stride 2: halves the side.
    Down,
    /// Nearest-neighbour ×2 before the convolution: doubles the side.
    Up,
}

/// Reflection padding, a `k×k` convolution, instance norm and ReLU.
#[derive(Module, Debug)]
pub struct ConvLayer {
    conv: Conv2d,
    norm: InstanceNorm,
    #[module(skip)]
    resampling: Resampling,
}

impl ConvLayer {
    fn new(channels: [usize; 2], kernel: usize, resampling: Resampling, device: &Device) -> Self {
        let stride = if resampling == Resampling::Down { 2 } else { 1 };
        Self {
            conv: Conv2dConfig::new(channels, [kernel, kernel]).with_stride([stride, stride]).init(device),
            norm: InstanceNormConfig::new(channels[1]).init(device),
            resampling,
        }
    }

    /// The convolution's output before its norm and ReLU.
    fn convolve(&self, x: Tensor<4>) -> Tensor<4> {
        let x = match self.resampling {
            Resampling::Up => {
                // Each pixel copied into a 2×2 block.
                let [n, c, h, w] = x.dims();
                let blocks = x.reshape([n, c, h, 1, w, 1]).repeat_dim(3, 2).repeat_dim(5, 2); // [n, c, h, 2, w, 2]
                blocks.reshape([n, c, 2 * h, 2 * w])
            }
            Resampling::Keep | Resampling::Down => x,
        };
        let k = self.conv.weight.dims()[2];
        self.conv.apply(reflect(x, k / 2))
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        relu(self.norm.forward(self.convolve(x)))
    }
}

/// `x + IN(conv3(ReLU(IN(conv3(x)))))`.
#[derive(Module, Debug)]
pub struct Residual {
    first: ConvLayer,
    second: ConvLayer,
}

impl Residual {
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let h = self.first.forward(x.clone());
        x + self.second.norm.forward(self.second.convolve(h))
    }
}

#[derive(Module, Debug)]
pub struct TransformNet {
    encoder: Vec<ConvLayer>,
    blocks: Vec<Residual>,
    decoder: Vec<ConvLayer>,
    output: Conv2d,
}

impl TransformNet {
    /// The network of width `w` with `blocks` residual blocks, initialised from the device's seed.
    pub fn new(width: usize, blocks: usize, device: &Device) -> Self {
        let (w, w2, w4) = (width, 2 * width, 4 * width);
        Self {
            encoder: vec![
                ConvLayer::new([3, w], 9, Resampling::Keep, device),
                ConvLayer::new([w, w2], 3, Resampling::Down, device),
                ConvLayer::new([w2, w4], 3, Resampling::Down, device),
            ],
            blocks: (0..blocks)
                .map(|_| Residual {
                    first: ConvLayer::new([w4, w4], 3, Resampling::Keep, device),
                    second: ConvLayer::new([w4, w4], 3, Resampling::Keep, device),
                })
                .collect(),
            decoder: vec![
                ConvLayer::new([w4, w2], 3, Resampling::Up, device),
                ConvLayer::new([w2, w], 3, Resampling::Up, device),
            ],
            output: Conv2dConfig::new([w, 3], [9, 9]).init(device),
        }
    }

    /// Images `[n, 3, h, w]` in `[0, 1]` (sides divisible by 4) → stylized `[n, 3, h, w]` in `(0, 1)`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<4> {
        let mut x = images.mul_scalar(2.0).sub_scalar(1.0); // [n, 3, h, w] in [−1, 1]
        for layer in &self.encoder {
            x = layer.forward(x); // [n, w, h, w], [n, 2w, h/2, w/2], [n, 4w, h/4, w/4]
        }
        for block in &self.blocks {
            x = block.forward(x); // [n, 4w, h/4, w/4]
        }
        for layer in &self.decoder {
            x = layer.forward(x); // [n, 2w, h/2, w/2], [n, w, h, w]
        }
        sigmoid(self.output.apply(reflect(x, 4))) // [n, 3, h, w]
    }
}
