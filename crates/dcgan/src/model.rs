//! The reference generator and discriminator (Radford et al. 2016, sized for 28×28).
//!
//! ```text
//! G: z[100] – Linear(100→6272) – BN – ReLU – reshape [128,7,7]
//!    – ConvT(128→64, k4 s2 p1) – BN – ReLU          [64,14,14]
//!    – ConvT(64→1, k4 s2 p1) – tanh                 [1,28,28]
//! D: Conv(1→64, k4 s2 p1) – LeakyReLU(0.2)          [64,14,14]
//!    – Conv(64→128, k4 s2 p1) – BN – LeakyReLU(0.2) [128,7,7]
//!    – flatten [6272] – Linear(6272→1)              logit
//! ```

use atelier_kernels::{ConvKernel, NormKernel};
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{
    BatchNorm, BatchNormConfig, Initializer, LeakyRelu, LeakyReluConfig, Linear, LinearConfig, PaddingConfig2d, Relu,
    Tanh,
};
use burn::prelude::*;

/// DCGAN's initialisation of every weight (and, in Burn, bias): `N(0, 0.02)`.
pub const DCGAN_INIT: Initializer = Initializer::Normal { mean: 0.0, std: 0.02 };
/// Channels of the generator's first feature map / the discriminator's last one.
const WIDE: usize = 128;
/// Channels of the middle feature maps.
const NARROW: usize = 64;
/// Side of the smallest feature map (28 halved twice).
const SIDE: usize = 7;
/// `128 · 7 · 7 = 6272`.
const FLAT: usize = WIDE * SIDE * SIDE;
/// LeakyReLU's slope for negative inputs in `D`.
const LEAKY_SLOPE: f64 = 0.2;

#[derive(Module, Debug)]
pub struct Generator {
    project: Linear,
    project_norm: BatchNorm,
    up1: ConvTranspose2d,
    up1_norm: BatchNorm,
    up2: ConvTranspose2d,
    relu: Relu,
    tanh: Tanh,
}

#[derive(Module, Debug)]
pub struct Discriminator {
    down1: Conv2d,
    down2: Conv2d,
    down2_norm: BatchNorm,
    leaky: LeakyRelu,
    classify: Linear,
}

/// A batch norm whose scales start at `N(1, 0.02)` and shifts at 0 (DCGAN's init).
fn dcgan_norm(features: usize, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(features).init(device);
    norm.gamma = Initializer::Normal { mean: 1.0, std: 0.02 }.init([features], device);
    norm
}

/// The k4 s2 p1 transposed convolution: doubles height and width.
fn up(channels: [usize; 2], device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new(channels, [4, 4])
        .with_stride([2, 2])
        .with_padding([1, 1])
        .with_initializer(DCGAN_INIT)
        .init(device)
}

/// The k4 s2 p1 convolution: halves height and width.
fn down(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_initializer(DCGAN_INIT)
        .init(device)
}

impl Generator {
    /// A fresh generator for noise of size `latent`, initialised from the device's seed.
    pub fn new(latent: usize, device: &Device) -> Self {
        Self {
            project: LinearConfig::new(latent, FLAT).with_initializer(DCGAN_INIT).init(device),
            project_norm: dcgan_norm(FLAT, device),
            up1: up([WIDE, NARROW], device),
            up1_norm: dcgan_norm(NARROW, device),
            up2: up([NARROW, 1], device),
            relu: Relu::new(),
            tanh: Tanh::new(),
        }
    }

    /// `G(z)`: `[n, latent]` → images `[n, 1, 28, 28]` in `[−1, 1]`.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let [n, _] = z.dims();
        let x = self.relu.forward(self.project_norm.apply(self.project.forward(z))); // [n, 6272]
        let x = x.reshape([n, WIDE, SIDE, SIDE]); // [n, 128, 7, 7]
        let x = self.relu.forward(self.up1_norm.apply(self.up1.apply(x))); // [n, 64, 14, 14]
        self.tanh.forward(self.up2.apply(x)) // [n, 1, 28, 28]
    }
}

impl Discriminator {
    pub fn new(device: &Device) -> Self {
        Self {
            down1: down([1, NARROW], device),
            down2: down([NARROW, WIDE], device),
            down2_norm: dcgan_norm(WIDE, device),
            leaky: LeakyReluConfig::new().with_negative_slope(LEAKY_SLOPE).init(),
            classify: LinearConfig::new(FLAT, 1).with_initializer(DCGAN_INIT).init(device),
        }
    }

    /// The logit of "real": images `[n, 1, 28, 28]` in `[−1, 1]` → `[n, 1]`; `D(x) = σ(logit)`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self.leaky.forward(self.down1.apply(images)); // [n, 64, 14, 14]
        let x = self.leaky.forward(self.down2_norm.apply(self.down2.apply(x))); // [n, 128, 7, 7]
        self.classify.forward(x.flatten::<2>(1, 3)) // [n, 6272] → [n, 1]
    }
}

pub use atelier_layers::pictures::{to_model_range, to_unit_range as to_pixels};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_ranges() {
        let device = atelier_backend::Backend::Flex.device().unwrap().autodiff();
        device.seed(1);
        let g = Generator::new(100, &device);
        let d = Discriminator::new(&device);
        let z = Tensor::<2>::random([3, 100], burn::tensor::Distribution::Normal(0.0, 1.0), &device);
        let images = g.forward(z);
        assert_eq!(images.dims(), [3, 1, 28, 28]);
        let (lo, hi) = (images.clone().min().into_scalar::<f32>(), images.clone().max().into_scalar::<f32>());
        assert!(lo >= -1.0 && hi <= 1.0, "tanh output in [−1, 1]: {lo}..{hi}");
        assert_eq!(d.forward(images).dims(), [3, 1]);
        // The reference's trainable parameters, layer by layer: G 778,305, D 138,817. Burn's
        // `num_params` also counts batch norm's running mean and variance (2 per feature).
        let running = |features: usize| 2 * features;
        assert_eq!(
            g.num_params(),
            100 * 6272 + 6272 + 2 * 6272 + 128 * 64 * 16 + 64 + 2 * 64 + 64 * 16 + 1 + running(6272) + running(64)
        );
        assert_eq!(d.num_params(), 64 * 16 + 64 + 64 * 128 * 16 + 128 + 2 * 128 + 6272 + 1 + running(128));
    }
}
