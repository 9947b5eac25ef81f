//! The U-Net generator and the PatchGAN discriminator (Isola et al. 2017), sized as the course's
//! PyTorch reference (`UNetG`, `PatchD` of `torch_ref_color.py`) for 64×64 images, ngf = ndf = 32.
//!
//! ```text
//! G (U-Net), widths c = [32, 64, 128, 256, 256, 256]; e = encoder output, u = up block output
//!   x [c_in,64,64]
//!   e0 = Conv(c_in→32)                          [32,32,32]  ─────────────────────────────┐
//!   e1 = LReLU – Conv(32→64)   – BN             [64,16,16]  ───────────────────────┐     │
//!   e2 = LReLU – Conv(64→128)  – BN             [128,8,8]   ─────────────────┐     │     │
//!   e3 = LReLU – Conv(128→256) – BN             [256,4,4]   ───────────┐     │     │     │
//!   e4 = LReLU – Conv(256→256) – BN             [256,2,2]   ─────┐     │     │     │     │
//!   e5 = LReLU – Conv(256→256)  (no BN)         [256,1,1]        │     │     │     │     │
//!   u0 = ReLU – ConvT(256→256) – BN – Dropout   [256,2,2] ‖ e4 ──┘     │     │     │     │  [512,2,2]
//!   u1 = ReLU – ConvT(512→256) – BN – Dropout   [256,4,4] ‖ e3 ────────┘     │     │     │  [512,4,4]
//!   u2 = ReLU – ConvT(512→128) – BN – Dropout   [128,8,8] ‖ e2 ──────────────┘     │     │  [256,8,8]
//!   u3 = ReLU – ConvT(256→64)  – BN             [64,16,16] ‖ e1 ───────────────────┘     │  [128,16,16]
//!   u4 = ReLU – ConvT(128→32)  – BN             [32,32,32] ‖ e0 ─────────────────────────┘  [64,32,32]
//!   y  = ReLU – ConvT(64→c_out) – tanh          [c_out,64,64] in [−1, 1]
//! D (PatchGAN) on (x ‖ y) [c_in + c_out, 64, 64]
//!   Conv(→32, s2) – LReLU                       [32,32,32]
//!   Conv(32→64, s2) – BN – LReLU                [64,16,16]
//!   Conv(64→128, s1) – BN – LReLU               [128,15,15]
//!   Conv(128→1, s1)                             [1,14,14] logits, one per 34×34 patch
//! ```
//! Every convolution is 4×4 with padding 1; `‖` concatenates on channels (the skip connections).
//! Convolutions followed by batch norm have no bias (as the reference's `bias=not norm`), except
//! in `D`, where every convolution keeps PyTorch's default bias (as the reference's `PatchD`).
//! Weights start at `N(0, 0.02)`, biases at 0, batch-norm scales at `N(1, 0.02)` and shifts at 0
//! (pix2pix's `init_weights`).
//!
//! On the 1×1 bottleneck, the last down convolution (2×2 → 1×1) and the first up convolution
//! (1×1 → 2×2) only use the centre 2×2 taps of their 4×4 kernels: ¾ of their weights (1.57 M of
//! G's 7.3 M at 64×64) never get a gradient and keep their initial values. The reference and
//! pix2pix at 256×256 (8 levels, also down to 1×1) carry the same dead taps; they are kept so
//! that the layers and counts match.

use atelier_kernels::{ConvKernel, NormKernel};
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Initializer, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::{leaky_relu, relu, tanh};

use crate::config::Pix2PixConfig;

/// pix2pix's initialisation of every convolution weight: `N(0, 0.02)`.
pub const PIX2PIX_INIT: Initializer = Initializer::Normal { mean: 0.0, std: 0.02 };
/// LeakyReLU's slope for negative inputs (encoder and discriminator).
const LEAKY_SLOPE: f64 = 0.2;
/// The generator's widths stop doubling at `8·ngf`.
const MAX_WIDTH_FACTOR: usize = 8;
/// Up blocks with dropout: the three next to the bottleneck.
const DROPOUT_BLOCKS: usize = 3;
/// Every convolution's kernel side.
const KERNEL: usize = 4;

/// Whether a convolution is followed by batch norm (and so has no bias of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Norm {
    Batch,
    None,
}

/// Encoder level `i ≥ 1`: LeakyReLU(0.2) – Conv(k4 s2 p1) – BN (none at the bottleneck).
#[derive(Module, Debug)]
pub struct DownBlock {
    conv: Conv2d,
    norm: Option<BatchNorm>,
}

/// Decoder level: ReLU – ConvTranspose(k4 s2 p1, no bias) – BN – Dropout (the first three only).
#[derive(Module, Debug)]
pub struct UpBlock {
    conv: ConvTranspose2d,
    norm: BatchNorm,
    dropout: Option<Dropout>,
}

#[derive(Module, Debug)]
pub struct UNetGenerator {
    /// `e0`: Conv(c_in → ngf), no norm, no activation before it.
    first: Conv2d,
    /// `e1 … e_{depth−1}`.
    downs: Vec<DownBlock>,
    /// `u0 …`, from the bottleneck outwards.
    ups: Vec<UpBlock>,
    /// ConvTranspose(2·ngf → c_out) with bias, then tanh.
    last: ConvTranspose2d,
}

#[derive(Module, Debug)]
pub struct PatchDiscriminator {
    conv1: Conv2d,
    conv2: Conv2d,
    norm2: BatchNorm,
    conv3: Conv2d,
    norm3: BatchNorm,
    conv4: Conv2d,
}

/// A batch norm whose scales start at `N(1, 0.02)` and shifts at 0 (pix2pix's init).
fn pix2pix_norm(features: usize, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(features).init(device);
    norm.gamma = Initializer::Normal { mean: 1.0, std: 0.02 }.init([features], device);
    norm
}

/// A 4×4 convolution with padding 1 (stride 2 halves the side, stride 1 takes 1 off it);
/// weights `N(0, 0.02)`, bias 0 when it has one.
fn conv(channels: [usize; 2], stride: usize, norm: Norm, device: &Device) -> Conv2d {
    let mut conv = Conv2dConfig::new(channels, [KERNEL, KERNEL])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_bias(norm == Norm::None)
        .with_initializer(PIX2PIX_INIT)
        .init(device);
    conv.bias = conv.bias.map(|_| Initializer::Zeros.init([channels[1]], device));
    conv
}

/// The k4 s2 p1 transposed convolution (doubles the side); weights `N(0, 0.02)`, bias 0 when it
/// has one.
fn up_conv(channels: [usize; 2], norm: Norm, device: &Device) -> ConvTranspose2d {
    let mut conv = ConvTranspose2dConfig::new(channels, [KERNEL, KERNEL])
        .with_stride([2, 2])
        .with_padding([1, 1])
        .with_bias(norm == Norm::None)
        .with_initializer(PIX2PIX_INIT)
        .init(device);
    conv.bias = conv.bias.map(|_| Initializer::Zeros.init([channels[1]], device));
    conv
}

/// The generator's widths, one per level: `ngf·[1, 2, 4, 8, 8, 8, …]` (`depth` entries).
pub fn generator_widths(ngf: usize, depth: usize) -> Vec<usize> {
    (0..depth).map(|i| ngf * (1 << i).min(MAX_WIDTH_FACTOR)).collect()
}

impl DownBlock {
    fn new(channels: [usize; 2], norm: Norm, device: &Device) -> Self {
        Self {
            conv: conv(channels, 2, norm, device),
            norm: (norm == Norm::Batch).then(|| pix2pix_norm(channels[1], device)),
        }
    }

    /// `[n, c_in, s, s]` → `[n, c_out, s/2, s/2]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.conv.apply(leaky_relu(x, LEAKY_SLOPE)); // [n, c_out, s/2, s/2]
        match &self.norm {
            Some(norm) => norm.apply(x),
            None => x,
        }
    }
}

impl UpBlock {
    fn new(channels: [usize; 2], dropout: Option<f64>, device: &Device) -> Self {
        Self {
            conv: up_conv(channels, Norm::Batch, device),
            norm: pix2pix_norm(channels[1], device),
            dropout: dropout.map(|p| DropoutConfig::new(p).init()),
        }
    }

    /// `[n, c_in, s, s]` → `[n, c_out, 2s, 2s]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.norm.apply(self.conv.apply(relu(x))); // [n, c_out, 2s, 2s]
        match &self.dropout {
            Some(dropout) => dropout.forward(x),
            None => x,
        }
    }
}

impl UNetGenerator {
    /// A fresh U-Net of `log2(size)` levels (`config` validated), initialised from the device's seed.
    pub fn new(config: &Pix2PixConfig, device: &Device) -> Self {
        let depth = config.depth();
        let c = generator_widths(config.ngf, depth);
        let downs = (1..depth)
            .map(|i| {
                let norm = if i + 1 == depth { Norm::None } else { Norm::Batch };
                DownBlock::new([c[i - 1], c[i]], norm, device)
            })
            .collect();
        // Up block j lands on level k = depth − 2 − j; its input is the bottleneck (j = 0) or the
        // previous up block's output concatenated with its skip (2·c[k + 1] channels).
        let ups = (0..depth - 1)
            .map(|j| {
                let k = depth - 2 - j;
                let c_in = if j == 0 { c[k + 1] } else { 2 * c[k + 1] };
                let dropout = (j < DROPOUT_BLOCKS).then_some(config.dropout);
                UpBlock::new([c_in, c[k]], dropout, device)
            })
            .collect();
        Self {
            first: conv([config.input_channels, c[0]], 2, Norm::None, device),
            downs,
            ups,
            last: up_conv([2 * c[0], config.output_channels], Norm::None, device),
        }
    }

    /// `G(x)`: inputs `[n, c_in, s, s]` in `[−1, 1]` → outputs `[n, c_out, s, s]` in `[−1, 1]`.
    /// Dropout is active on an autodiff device in training mode (pix2pix's noise `z`), off in
    /// [`Module::valid`] mode.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let mut skips = Vec::with_capacity(self.downs.len());
        let mut h = self.first.apply(x); // e0 [n, c0, s/2, s/2]
        for down in &self.downs {
            let next = down.forward(h.clone()); // e_i [n, c_i, s/2^(i+1), s/2^(i+1)]
            skips.push(h);
            h = next;
        }
        // h: the bottleneck e_{depth−1} [n, c_{depth−1}, 1, 1]; skips: e0 … e_{depth−2}.
        for (up, skip) in self.ups.iter().zip(skips.into_iter().rev()) {
            h = Tensor::cat(vec![up.forward(h), skip], 1); // u_j ‖ e_k [n, 2·c_k, s/2^(k+1), s/2^(k+1)]
        }
        tanh(self.last.apply(relu(h))) // [n, c_out, s, s]
    }
}

impl PatchDiscriminator {
    /// A fresh PatchGAN on `input_channels + output_channels` channels, initialised from the
    /// device's seed.
    pub fn new(config: &Pix2PixConfig, device: &Device) -> Self {
        let (c_in, ndf) = (config.input_channels + config.output_channels, config.ndf);
        Self {
            conv1: conv([c_in, ndf], 2, Norm::None, device),
            conv2: conv([ndf, 2 * ndf], 2, Norm::None, device),
            norm2: pix2pix_norm(2 * ndf, device),
            conv3: conv([2 * ndf, 4 * ndf], 1, Norm::None, device),
            norm3: pix2pix_norm(4 * ndf, device),
            conv4: conv([4 * ndf, 1], 1, Norm::None, device),
        }
    }

    /// `D(x, y)`: an input `[n, c_in, s, s]` and an output (real or generated) `[n, c_out, s, s]`,
    /// both in `[−1, 1]` → one logit per patch, `[n, 1, s/4 − 2, s/4 − 2]` (`[n, 1, 14, 14]` on
    /// 64×64, each seeing a 34×34 patch). `D = σ(logit)` is "this patch is real". Shapes below for
    /// 64×64 and ndf = 32.
    pub fn forward(&self, input: Tensor<4>, output: Tensor<4>) -> Tensor<4> {
        let x = Tensor::cat(vec![input, output], 1); // [n, c_in + c_out, 64, 64]
        let x = leaky_relu(self.conv1.apply(x), LEAKY_SLOPE); // [n, 32, 32, 32]
        let x = leaky_relu(self.norm2.apply(self.conv2.apply(x)), LEAKY_SLOPE); // [n, 64, 16, 16]
        let x = leaky_relu(self.norm3.apply(self.conv3.apply(x)), LEAKY_SLOPE); // [n, 128, 15, 15]
        self.conv4.apply(x) // [n, 1, 14, 14]
    }
}

pub use atelier_layers::pictures::{to_model_range, to_unit_range};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ColourSpace;
    use burn::tensor::Distribution;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap().autodiff()
    }

    fn images(shape: [usize; 4], device: &Device) -> Tensor<4> {
        Tensor::random(shape, Distribution::Uniform(-1.0, 1.0), device)
    }

    #[test]
    fn shapes_and_ranges_at_64() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        device.seed(1);
        let config = Pix2PixConfig::default();
        let (g, d) = (UNetGenerator::new(&config, &device), PatchDiscriminator::new(&config, &device));
        let x = images([2, 3, 64, 64], &device);
        let y = g.forward(x.clone());
        assert_eq!(y.dims(), [2, 3, 64, 64]);
        let (lo, hi) = (y.clone().min().into_scalar::<f32>(), y.clone().max().into_scalar::<f32>());
        assert!((-1.0..=1.0).contains(&lo) && (-1.0..=1.0).contains(&hi), "tanh output in [−1, 1]: {lo}..{hi}");
        assert_eq!(d.forward(x, y).dims(), [2, 1, 14, 14]);
    }

    #[test]
    fn size_32_and_lab_colourisation_work() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        device.seed(1);
        let config = Pix2PixConfig { size: 32, ..Pix2PixConfig::default() };
        let (g, d) = (UNetGenerator::new(&config, &device), PatchDiscriminator::new(&config, &device));
        let x = images([2, 3, 32, 32], &device);
        let y = g.forward(x.clone());
        assert_eq!(y.dims(), [2, 3, 32, 32]);
        assert_eq!(d.forward(x, y).dims(), [2, 1, 6, 6]);

        let config = Pix2PixConfig::lab_colourisation();
        assert_eq!(config.colour, ColourSpace::LabChroma);
        let (g, d) = (UNetGenerator::new(&config, &device), PatchDiscriminator::new(&config, &device));
        let x = images([2, 1, 64, 64], &device);
        let y = g.forward(x.clone());
        assert_eq!(y.dims(), [2, 2, 64, 64]);
        assert_eq!(d.forward(x, y).dims(), [2, 1, 14, 14]);
    }

    /// The trainable counts are PyTorch's, printed by `/root/torchvenv/bin/python` on the reference
    /// classes of `torch_ref_color.py`: `sum(p.numel() for p in UNetG().parameters())` = 7,315,043
    /// (`UNetG(1, 2)`: 7,312,994), `PatchD()` = 169,569. Burn's `num_params` also counts batch norm's
    /// running mean and variance, 2 per feature: G has 1,440 batch-norm features (2,880 in PyTorch's
    /// `running_*` buffers), D has 192 (384).
    #[test]
    fn parameter_counts_match_the_pytorch_reference() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        let config = Pix2PixConfig::default();
        assert_eq!(UNetGenerator::new(&config, &device).num_params(), 7_315_043 + 2_880);
        assert_eq!(PatchDiscriminator::new(&config, &device).num_params(), 169_569 + 384);
        let lab = Pix2PixConfig::lab_colourisation();
        assert_eq!(UNetGenerator::new(&lab, &device).num_params(), 7_312_994 + 2_880);
        assert_eq!(generator_widths(32, 6), [32, 64, 128, 256, 256, 256]);
    }

    /// On the 1×1 bottleneck the 4×4, stride-2, padding-1 kernels of the last down convolution
    /// (2×2 → 1×1) and the first up convolution (1×1 → 2×2) only ever meet the input with their
    /// centre 2×2 taps: the outer ring, ¾ of their weights, never gets a gradient.
    #[test]
    fn the_layers_at_the_bottleneck_use_only_their_kernel_centres() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        let config = Pix2PixConfig { size: 16, ngf: 4, ..Pix2PixConfig::default() };
        let g = UNetGenerator::new(&config, &device);
        let loss = g.forward(images([2, 3, 16, 16], &device)).powi_scalar(2).mean();
        let grads = loss.backward();
        let down = g.downs.last().unwrap().conv.weight.val().grad(&grads).unwrap();
        let up = g.ups[0].conv.weight.val().grad(&grads).unwrap();
        for (layer, grad) in [("last down", down), ("first up", up)] {
            let grad = atelier_testkit::to_vec(grad);
            let centre = |i: usize| (1..=2).contains(&(i / KERNEL % KERNEL)) && (1..=2).contains(&(i % KERNEL));
            assert!(grad.iter().enumerate().all(|(i, g)| centre(i) || *g == 0.0), "{layer}: outer taps moved");
            assert!(grad.iter().enumerate().any(|(i, g)| centre(i) && *g != 0.0), "{layer}: centre taps learn");
        }
    }

    #[test]
    fn range_maps_invert_each_other() {
        let device = device();
        let unit = Tensor::<1>::from_floats([0.0, 0.25, 1.0], &device).reshape([1, 1, 1, 3]);
        let model = to_model_range(unit.clone());
        let back = to_unit_range(model.clone());
        let (model, back) = (atelier_testkit::to_vec(model), atelier_testkit::to_vec(back));
        assert_eq!(model, [-1.0, -0.5, 1.0]);
        assert_eq!(back, [0.0, 0.25, 1.0]);
        let clamped = atelier_testkit::to_vec(to_unit_range(Tensor::full([1, 1, 1, 1], 3.0, &device)));
        assert_eq!(clamped, [1.0]);
    }
}
