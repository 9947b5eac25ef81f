//! The lecture's two segmentation networks, one module: an FCN (no skips) and U-Net (skips),
//! sized as the course's PyTorch reference (`UNetSeg` of `torch_ref_color.py`) at depth 3, base 32:
//!
//! ```text
//! x [c_in,64,64]
//!   e0 = DoubleConv(c_in→32)                         [32,64,64]  ─────────────────────────┐
//!   e1 = DoubleConv(32→64)   on maxpool(e0)          [64,32,32]  ───────────────────┐     │
//!   e2 = DoubleConv(64→128)  on maxpool(e1)          [128,16,16] ─────────────┐     │     │
//!   b  = DoubleConv(128→256) on maxpool(e2)          [256,8,8]   (dilated)    │     │     │
//!   d2 = DoubleConv(k·128→128) on ConvT(256→128)(b)  [128,16,16] ‖ e2 ────────┘     │     │
//!   d1 = DoubleConv(k·64→64)   on ConvT(128→64)(d2)  [64,32,32]  ‖ e1 ──────────────┘     │
//!   d0 = DoubleConv(k·32→32)   on ConvT(64→32)(d1)   [32,64,64]  ‖ e0 ────────────────────┘
//!   logits = Conv1×1(32→classes)(d0)                 [classes,64,64]
//! ```
//! `DoubleConv` = (Conv 3×3 pad 1 – BN – ReLU) × 2 ([`atelier_layers::blocks::DoubleConv`]);
//! `ConvT` = transposed convolution, kernel 2, stride 2 (doubles the side); `‖` = concatenation on
//! channels. U-Net concatenates (`k = 2`); the FCN does not (`k = 1`), so its decoder must rebuild
//! every detail from the 8×8 bottleneck. Weights start as PyTorch's defaults (Kaiming-uniform).

use atelier_kernels::ConvKernel;
use atelier_layers::blocks::DoubleConv;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::prelude::*;
use burn::tensor::ops::PadMode;

use crate::config::{Architecture, SegmentationConfig};

/// One decoder level: upsample, (concatenate the skip), two convolutions.
#[derive(Module, Debug)]
pub struct DecoderLevel {
    up: ConvTranspose2d,
    block: DoubleConv,
}

#[derive(Module, Debug)]
pub struct SegmentationNet {
    /// `e0 … e_{depth−1}`, full size down.
    encoder: Vec<DoubleConv>,
    pool: MaxPool2d,
    bottleneck: DoubleConv,
    /// From the bottleneck outwards: `d_{depth−1} … d0`.
    decoder: Vec<DecoderLevel>,
    head: Conv2d,
    #[module(skip)]
    skips: Skips,
}

/// Whether the decoder sees the encoder's maps (kept in the module so a loaded checkpoint knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skips {
    Concatenate,
    None,
}

impl SegmentationNet {
    /// A fresh network for `config` (validated), initialised from the device's seed.
    pub fn new(config: &SegmentationConfig, device: &Device) -> Self {
        let c = config.widths(); // [c0, …, c_depth]
        let depth = config.depth;
        let skips = match config.architecture {
            Architecture::Unet => Skips::Concatenate,
            Architecture::Fcn => Skips::None,
        };
        let encoder = (0..depth)
            .map(|level| {
                let c_in = if level == 0 { config.input_channels } else { c[level - 1] };
                DoubleConv::new([c_in, c[level]], 1, device)
            })
            .collect();
        let decoder = (0..depth)
            .rev()
            .map(|level| {
                let up = ConvTranspose2dConfig::new([c[level + 1], c[level]], [2, 2]).with_stride([2, 2]).init(device);
                let c_in = if skips == Skips::Concatenate { 2 * c[level] } else { c[level] };
                DecoderLevel { up, block: DoubleConv::new([c_in, c[level]], 1, device) }
            })
            .collect();
        Self {
            encoder,
            pool: MaxPool2dConfig::new([2, 2]).init(),
            bottleneck: DoubleConv::new([c[depth - 1], c[depth]], config.dilation, device),
            decoder,
            head: Conv2dConfig::new([c[0], config.classes], [1, 1]).init(device),
            skips,
        }
    }

    /// The side every input must be a multiple of (`2^depth`).
    pub fn side_multiple(&self) -> usize {
        1 << self.encoder.len()
    }

    /// Refuses an input side the poolings cannot halve evenly, saying what to do.
    pub fn check_input(&self, height: usize, width: usize) -> Result<(), String> {
        let m = self.side_multiple();
        if height % m == 0 && width % m == 0 && height > 0 && width > 0 {
            Ok(())
        } else {
            Err(format!(
                "a {height}×{width} image cannot go through {} poolings: both sides must be multiples of {m} \
                 (forward_any_size pads it)",
                self.encoder.len()
            ))
        }
    }

    /// Class scores (logits) for every pixel: `[n, c_in, h, w]` in `[0, 1]` → `[n, classes, h, w]`.
    /// `h` and `w` must be multiples of [`Self::side_multiple`] ([`Self::check_input`]); shapes
    /// below for 64×64 at depth 3, base 32.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let mut skips = Vec::with_capacity(self.encoder.len());
        let mut h = x;
        for block in &self.encoder {
            let e = block.forward(h); // e_l [n, c_l, 64/2^l, 64/2^l]
            h = self.pool.forward(e.clone()); // [n, c_l, 64/2^(l+1), 64/2^(l+1)]
            skips.push(e);
        }
        h = self.bottleneck.forward(h); // [n, 256, 8, 8]
        for (level, skip) in self.decoder.iter().zip(skips.into_iter().rev()) {
            let up = level.up.apply(h); // [n, c_l, 2s, 2s]
            let joined = match self.skips {
                Skips::Concatenate => Tensor::cat(vec![up, skip], 1), // [n, 2·c_l, 2s, 2s]
                Skips::None => up,
            };
            h = level.block.forward(joined); // d_l [n, c_l, 2s, 2s]
        }
        self.head.apply(h) // [n, classes, 64, 64]
    }

    /// [`Self::forward`] for any size: the input is padded (replicating its edge) on the right and
    /// bottom to the next multiple of [`Self::side_multiple`], and the logits cropped back, so the
    /// output is `[n, classes, h, w]` for every `h, w ≥ 1`.
    pub fn forward_any_size(&self, x: Tensor<4>) -> Tensor<4> {
        let [_, _, height, width] = x.dims();
        let m = self.side_multiple();
        let (pad_h, pad_w) = ((m - height % m) % m, (m - width % m) % m);
        if pad_h == 0 && pad_w == 0 {
            return self.forward(x);
        }
        let padded = x.pad((0, pad_w, 0, pad_h), PadMode::Edge); // [n, c_in, h + pad_h, w + pad_w]
        let logits = self.forward(padded);
        logits.narrow(2, 0, height).narrow(3, 0, width) // [n, classes, h, w]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap().autodiff()
    }

    /// PyTorch's counts of the reference, printed by `/root/torchvenv/bin/python` on
    /// `torch_ref_color.py`: `sum(p.numel() for p in UNetSeg(skips=…).parameters())` = 1,928,171
    /// (U-Net) and 1,734,635 (FCN); Burn's `num_params` adds batch norm's running mean and
    /// variance: 2,816 (the reference's `running_*` buffers).
    #[test]
    fn parameter_counts_match_the_pytorch_reference() {
        let _rng = atelier_testkit::shared_rng(); // initialises networks: not during a seeded test
        let device = device();
        let unet = SegmentationConfig::default();
        let fcn = SegmentationConfig { architecture: Architecture::Fcn, ..unet.clone() };
        assert_eq!(SegmentationNet::new(&unet, &device).num_params(), 1_928_171 + 2_816);
        assert_eq!(SegmentationNet::new(&fcn, &device).num_params(), 1_734_635 + 2_816);
        // Dilation changes where the taps are, not how many.
        let dilated = SegmentationConfig { dilation: 2, ..unet };
        assert_eq!(SegmentationNet::new(&dilated, &device).num_params(), 1_928_171 + 2_816);
    }

    #[test]
    fn outputs_have_the_input_size_for_every_variant() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        device.seed(3);
        for architecture in [Architecture::Fcn, Architecture::Unet] {
            for dilation in [1, 2] {
                let config = SegmentationConfig {
                    architecture,
                    dilation,
                    base_channels: 4,
                    input_channels: 3,
                    classes: 5,
                    ..SegmentationConfig::default()
                };
                let net = SegmentationNet::new(&config, &device);
                let x = Tensor::random([2, 3, 32, 24], Distribution::Uniform(0.0, 1.0), &device);
                assert_eq!(net.forward(x).dims(), [2, 5, 32, 24], "{architecture:?} dilation {dilation}");
            }
        }
    }

    #[test]
    fn odd_sizes_are_refused_by_check_input_and_padded_by_forward_any_size() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        let config = SegmentationConfig { base_channels: 4, ..SegmentationConfig::default() };
        let net = SegmentationNet::new(&config, &device);
        let message = net.check_input(37, 64).unwrap_err();
        assert!(message.contains("37×64") && message.contains("multiples of 8"), "{message}");
        assert!(net.check_input(64, 64).is_ok());
        let x = Tensor::random([1, 1, 37, 29], Distribution::Uniform(0.0, 1.0), &device);
        assert_eq!(net.forward_any_size(x).dims(), [1, 11, 37, 29]);
        // On a size that needs no padding it is `forward` itself.
        let x = Tensor::random([1, 1, 16, 16], Distribution::Uniform(0.0, 1.0), &device);
        let net = net.valid();
        let (a, b) = (net.forward(x.clone().inner()), net.forward_any_size(x.inner()));
        assert_eq!(atelier_testkit::to_vec(a), atelier_testkit::to_vec(b));
    }

    /// The skips are what lets a pixel's class depend on full-resolution detail: with the
    /// encoder's first map cut off, U-Net's output changes; the FCN's depends only on the bottleneck.
    #[test]
    fn unet_concatenates_skips_and_fcn_does_not() {
        let _rng = atelier_testkit::shared_rng(); // initialises networks: not during a seeded test
        let device = device();
        let unet = SegmentationNet::new(&SegmentationConfig { base_channels: 4, ..Default::default() }, &device);
        let fcn = SegmentationNet::new(
            &SegmentationConfig { base_channels: 4, architecture: Architecture::Fcn, ..Default::default() },
            &device,
        );
        assert_eq!((unet.skips, fcn.skips), (Skips::Concatenate, Skips::None));
        assert_eq!(unet.decoder.last().unwrap().block.num_params(), DoubleConv::new([8, 4], 1, &device).num_params());
        assert_eq!(fcn.decoder.last().unwrap().block.num_params(), DoubleConv::new([4, 4], 1, &device).num_params());
    }
}
