//! The convolutional VAE: the course's reference autoencoder with a two-headed encoder.
//!
//! ```text
//! encoder: Conv(1→32, k4, s2, p1) – ReLU – Conv(32→64, k4, s2, p1) – ReLU – flatten
//!          ├─ Linear(3136→k) = μ
//!          └─ Linear(3136→k) = log σ²   (clamped to LOG_VAR_RANGE)
//! decoder: Linear(k→3136) – ReLU – reshape [64,7,7] – ConvT(64→32, k4, s2, p1) – ReLU
//!          – ConvT(32→1, k4, s2, p1) = Bernoulli logits (no sigmoid: the loss takes logits)
//! ```
//! Weights use Burn's defaults, which match PyTorch's (Kaiming-uniform with a = √5).

use atelier_kernels::ConvKernel;
use atelier_layers::blocks::{doubling_deconv, halving_conv};
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;
use burn::tensor::Distribution;

/// Channels after the encoder's second convolution.
const FEATURES: usize = 64;
/// Side of the feature map after two halvings of 28.
const SIDE: usize = 7;
/// `64 · 7 · 7 = 3136`, the flattened feature size.
const FLAT: usize = FEATURES * SIDE * SIDE;

/// The range log σ² is clamped to: σ ∈ [e⁻⁵, e⁵] ≈ [0.0067, 148]. Wide enough never to bind on a
/// healthy model (trained posteriors have σ ≈ 0.05–1), narrow enough that `exp(log σ²)` and
/// `1/σ²` stay far from f32 overflow.
pub const LOG_VAR_RANGE: (f32, f32) = (-10.0, 10.0);

#[derive(Module, Debug)]
pub struct Encoder {
    conv1: Conv2d,
    conv2: Conv2d,
    mean: Linear,
    log_var: Linear,
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
pub struct Vae {
    pub encoder: Encoder,
    pub decoder: Decoder,
}

/// The approximate posterior `q(z|x) = N(μ, diag σ²)` of a batch.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// `[n, k]`
    pub mean: Tensor<2>,
    /// `[n, k]`, log σ², clamped to [`LOG_VAR_RANGE`].
    pub log_var: Tensor<2>,
}

impl Posterior {
    /// σ = exp(½ log σ²), `[n, k]`.
    pub fn std(&self) -> Tensor<2> {
        self.log_var.clone().mul_scalar(0.5).exp()
    }

    /// The reparameterised sample `z = μ + σ ⊙ ε`, `ε ~ N(0, I)` drawn on the device (seeded by
    /// the caller). Gradients flow to μ and log σ² through it. `[n, k]`
    pub fn sample(&self) -> Tensor<2> {
        let noise = self.mean.random_like(Distribution::Normal(0.0, 1.0));
        self.mean.clone() + self.std() * noise
    }
}

impl Vae {
    /// The reference model with latent size `latent`, initialised from the device's seed.
    pub fn new(latent: usize, device: &Device) -> Self {
        Self {
            encoder: Encoder {
                conv1: halving_conv([1, 32], device),
                conv2: halving_conv([32, FEATURES], device),
                mean: LinearConfig::new(FLAT, latent).init(device),
                log_var: LinearConfig::new(FLAT, latent).init(device),
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

    /// Posterior, one reparameterised sample and its decoded logits.
    ///
    /// # Shapes
    /// `x`: `[n, 1, 28, 28]` → (posterior `[n, k]`, z `[n, k]`, logits `[n, 1, 28, 28]`)
    pub fn forward(&self, x: Tensor<4>) -> (Posterior, Tensor<2>, Tensor<4>) {
        let posterior = self.encoder.forward(x);
        let z = posterior.sample();
        let logits = self.decoder.forward(z.clone());
        (posterior, z, logits)
    }
}

impl Encoder {
    /// `[n, 1, 28, 28]` → `q(z|x)` with μ, log σ² of shape `[n, k]`.
    pub fn forward(&self, x: Tensor<4>) -> Posterior {
        let x = self.relu.forward(self.conv1.apply(x)); // [n, 32, 14, 14]
        let x = self.relu.forward(self.conv2.apply(x)); // [n, 64, 7, 7]
        let x = x.flatten::<2>(1, 3); // [n, 3136]
        let (low, high) = LOG_VAR_RANGE;
        Posterior { mean: self.mean.forward(x.clone()), log_var: self.log_var.forward(x).clamp(low, high) }
    }
}

impl Decoder {
    /// `[n, k]` → Bernoulli logits `[n, 1, 28, 28]`.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let [n, _] = z.dims();
        let x = self.relu.forward(self.fc.forward(z)); // [n, 3136]
        let x = x.reshape([n, FEATURES, SIDE, SIDE]); // [n, 64, 7, 7]
        let x = self.relu.forward(self.deconv1.apply(x)); // [n, 32, 14, 14]
        self.deconv2.apply(x) // [n, 1, 28, 28]
    }

    /// The latent size k this decoder takes (its first layer's input width).
    pub fn latent(&self) -> usize {
        self.fc.weight.val().dims()[0] // weight: [k, 3136]
    }

    /// Pixel means `sigmoid(logits)` in `(0, 1)`, for pictures. `[n, k]` → `[n, 1, 28, 28]`
    pub fn mean_image(&self, z: Tensor<2>) -> Tensor<4> {
        burn::tensor::activation::sigmoid(self.forward(z))
    }
}
