//! The reference convolutional autoencoder for 28×28 grayscale images.
//!
//! Exactly the PyTorch model the speed comparisons use (keep it the default):
//!
//! ```text
//! encoder: Conv(1→32, k4, s2, p1) – ReLU – Conv(32→64, k4, s2, p1) – ReLU – flatten – Linear(3136→k)
//! decoder: Linear(k→3136) – ReLU – reshape [64,7,7] – ConvT(64→32, k4, s2, p1) – ReLU
//!          – ConvT(32→1, k4, s2, p1) – sigmoid
//! ```
//! A k4 s2 p1 convolution halves the side (28 → 14 → 7); the transposed one doubles it back.
//! Weights use Burn's defaults, which match PyTorch's (Kaiming-uniform with a = √5).

use atelier_kernels::ConvKernel;
use atelier_layers::blocks::{doubling_deconv, halving_conv};
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

/// Channels after the encoder's second convolution.
const FEATURES: usize = 64;
/// Side of the feature map after two halvings of 28.
const SIDE: usize = 7;
/// `64 · 7 · 7 = 3136`, the flattened feature size.
const FLAT: usize = FEATURES * SIDE * SIDE;

#[derive(Module, Debug)]
pub struct Encoder {
    conv1: Conv2d,
    conv2: Conv2d,
    fc: Linear,
    relu: Relu,
}

#[derive(Module, Debug)]
pub struct Decoder {
    fc: Linear,
    deconv1: ConvTranspose2d,
    deconv2: ConvTranspose2d,
    relu: Relu,
}

#[derive(Module, Debug)]
pub struct Autoencoder {
    pub encoder: Encoder,
    pub decoder: Decoder,
}

impl Autoencoder {
    /// The reference model with code size `latent`.
    pub fn new(latent: usize, device: &Device) -> Self {
        Self {
            encoder: Encoder {
                conv1: halving_conv([1, 32], device),
                conv2: halving_conv([32, FEATURES], device),
                fc: LinearConfig::new(FLAT, latent).init(device),
                relu: Relu::new(),
            },
            decoder: Decoder {
                fc: LinearConfig::new(latent, FLAT).init(device),
                deconv1: doubling_deconv([FEATURES, 32], device),
                deconv2: doubling_deconv([32, 1], device),
                relu: Relu::new(),
            },
        }
    }

    /// Code and reconstruction of `x`.
    ///
    /// # Shapes
    /// `x`: `[n, 1, 28, 28]` → (`[n, k]`, `[n, 1, 28, 28]`)
    pub fn forward(&self, x: Tensor<4>) -> (Tensor<2>, Tensor<4>) {
        let code = self.encoder.forward(x);
        let reconstruction = self.decoder.forward(code.clone());
        (code, reconstruction)
    }
}

impl Encoder {
    /// `[n, 1, 28, 28]` → `[n, k]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.relu.forward(self.conv1.apply(x)); // [n, 32, 14, 14]
        let x = self.relu.forward(self.conv2.apply(x)); // [n, 64, 7, 7]
        let x = x.flatten::<2>(1, 3); // [n, 3136]
        self.fc.forward(x) // [n, k]
    }
}

impl Decoder {
    /// `[n, k]` → `[n, 1, 28, 28]` in `(0, 1)`
    pub fn forward(&self, code: Tensor<2>) -> Tensor<4> {
        let [n, _] = code.dims();
        let x = self.relu.forward(self.fc.forward(code)); // [n, 3136]
        let x = x.reshape([n, FEATURES, SIDE, SIDE]); // [n, 64, 7, 7]
        let x = self.relu.forward(self.deconv1.apply(x)); // [n, 32, 14, 14]
        sigmoid(self.deconv2.apply(x)) // [n, 1, 28, 28]
    }
}
