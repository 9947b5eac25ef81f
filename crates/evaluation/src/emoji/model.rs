//! The evaluator's network: four Conv–BN–ReLU blocks with max-pools between them, global average
//! pooling to the shared features, and two linear heads.
//!
//! ```text
//! [3,64,64] ·2−1 – cbr(3→32)  [32,64,64]  – MaxPool2 [32,32,32]
//!                – cbr(32→64) [64,32,32]  – MaxPool2 [64,16,16]
//!                – cbr(64→128)[128,16,16] – MaxPool2 [128,8,8]
//!                – cbr(128→256)[256,8,8]  – AdaptiveAvgPool(1) = features [256]
//! features – Linear(256→9) = content logits,  features – Linear(256→2) = style logits
//! ```
//! `cbr` is `torch_ref_color.py`'s: Conv2d(3×3, padding 1) – BatchNorm – ReLU. Weights use Burn's
//! defaults, which match PyTorch's.

use atelier_kernels::{ConvKernel, NormKernel};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::*;

use super::config::EmojiEvaluatorConfig;

/// One `cbr`: Conv2d(3×3, padding 1) – BatchNorm – ReLU, keeping the image size.
#[derive(Module, Debug)]
pub struct ConvBlock {
    conv: Conv2d,
    norm: BatchNorm,
    relu: Relu,
}

impl ConvBlock {
    fn new(channels: [usize; 2], device: &Device) -> Self {
        Self {
            conv: Conv2dConfig::new(channels, [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)).init(device),
            norm: BatchNormConfig::new(channels[1]).init(device),
            relu: Relu::new(),
        }
    }

    /// `[n, c_in, h, w]` → `[n, c_out, h, w]`
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.relu.forward(self.norm.apply(self.conv.apply(x)))
    }
}

/// The shared features and both heads' logits of a batch.
#[derive(Debug, Clone)]
pub struct EvaluatorLogits {
    /// `[n, feature_dim]`
    pub features: Tensor<2>,
    /// `[n, content_classes]`
    pub content: Tensor<2>,
    /// `[n, style_classes]`
    pub style: Tensor<2>,
}

#[derive(Module, Debug)]
pub struct EmojiEvaluatorNet {
    blocks: Vec<ConvBlock>,
    pool: MaxPool2d,
    global_average: AdaptiveAvgPool2d,
    content_head: Linear,
    style_head: Linear,
}

impl EmojiEvaluatorNet {
    /// A fresh network for `config`, initialised from the device's seed.
    pub fn new(config: &EmojiEvaluatorConfig, device: &Device) -> Self {
        let inputs = std::iter::once(3).chain(config.widths.iter().copied());
        let blocks = inputs.zip(&config.widths).map(|(c_in, &c_out)| ConvBlock::new([c_in, c_out], device)).collect();
        let features = config.feature_dim();
        Self {
            blocks,
            pool: MaxPool2dConfig::new([2, 2]).init(),
            global_average: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            content_head: LinearConfig::new(features, config.content_classes).init(device),
            style_head: LinearConfig::new(features, config.style_classes).init(device),
        }
    }

    /// Shared features of images in `[0, 1]` (scaled to `[−1, 1]` here):
    /// `[n, 3, 64, 64]` → `[n, 256]`.
    pub fn features(&self, images_unit: Tensor<4>) -> Tensor<2> {
        let last = self.activations(images_unit).pop().expect("the trunk has blocks"); // [n, 256, 8, 8]
        self.global_average.forward(last).flatten::<2>(1, 3) // [n, 256, 1, 1] → [n, 256]
    }

    /// Each block's output (after its ReLU, before the pooling) of images in `[0, 1]` of any size
    /// `h × w` (divisible by 8): `[n, 32, h, w]`, `[n, 64, h/2, w/2]`, `[n, 128, h/4, w/4]`,
    /// `[n, 256, h/8, w/8]` — the feature maps the style lecture matches.
    pub fn activations(&self, images_unit: Tensor<4>) -> Vec<Tensor<4>> {
        let mut x = images_unit.mul_scalar(2.0).sub_scalar(1.0); // [n, 3, h, w] in [−1, 1]
        let mut maps = Vec::with_capacity(self.blocks.len());
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                x = self.pool.forward(x); // [n, 32, h/2, w/2], [n, 64, h/4, w/4], [n, 128, h/8, w/8]
            }
            x = block.forward(x); // [n, 32, h, w], [n, 64, h/2, w/2], [n, 128, h/4, w/4], [n, 256, h/8, w/8]
            maps.push(x.clone());
        }
        maps
    }

    /// `[n, 256]` → `[n, 9]`
    pub fn content_logits(&self, features: Tensor<2>) -> Tensor<2> {
        self.content_head.forward(features)
    }

    /// `[n, 256]` → `[n, 2]`
    pub fn style_logits(&self, features: Tensor<2>) -> Tensor<2> {
        self.style_head.forward(features)
    }

    /// Features and both heads' logits of `[n, 3, 64, 64]` images in `[0, 1]`.
    pub fn forward(&self, images_unit: Tensor<4>) -> EvaluatorLogits {
        let features = self.features(images_unit); // [n, 256]
        EvaluatorLogits {
            content: self.content_logits(features.clone()), // [n, 9]
            style: self.style_logits(features.clone()),     // [n, 2]
            features,
        }
    }
}

#[cfg(test)]
mod tests {
    use atelier_backend::Backend;
    use burn::tensor::Distribution;

    use super::*;

    #[test]
    fn the_net_gives_features_and_logits_of_the_right_shape() {
        let _rng = atelier_testkit::shared_rng();
        let device = Backend::Flex.device().unwrap();
        device.seed(1);
        let net = EmojiEvaluatorNet::new(&EmojiEvaluatorConfig::default(), &device);
        let images = Tensor::<4>::random([2, 3, 64, 64], Distribution::Uniform(0.0, 1.0), &device);
        let logits = net.forward(images);
        assert_eq!(logits.features.dims(), [2, 256]);
        assert_eq!(logits.content.dims(), [2, 9]);
        assert_eq!(logits.style.dims(), [2, 2]);
    }

    /// Conv `c_in·c_out·9 + c_out`, batch norm `4·c` (γ, β, and the running mean and variance that
    /// Burn's `num_params` counts beside them), Linear `d_in·d_out + d_out`.
    #[test]
    fn the_parameter_count_adds_up_layer_by_layer() {
        let conv = |c_in: usize, c_out: usize| c_in * c_out * 9 + c_out;
        let norm = |c: usize| 4 * c;
        let blocks = conv(3, 32) + norm(32) // 896 + 128
            + conv(32, 64) + norm(64)       // 18 496 + 256
            + conv(64, 128) + norm(128)     // 73 856 + 512
            + conv(128, 256) + norm(256); // 295 168 + 1 024
        let heads = (256 * 9 + 9) + (256 * 2 + 2); // 2 313 + 514
        assert_eq!(blocks + heads, 393_163);
        let net = EmojiEvaluatorNet::new(&EmojiEvaluatorConfig::default(), &Backend::Flex.device().unwrap());
        assert_eq!(net.num_params(), 393_163);
    }
}
