//! VGG-19's convolutions up to `conv5_1` (Simonyan & Zisserman 2015, configuration E), the network
//! Gatys et al. match features of, with its layers named as in their paper.
//!
//! ```text
//! x ∈ [0,1] → (x − μ)/σ (ImageNet's mean and deviation per channel)
//! conv1_1 conv1_2                 [n,  64, h,    w]    – AvgPool2 –
//! conv2_1 conv2_2                 [n, 128, h/2,  w/2]  – AvgPool2 –
//! conv3_1 conv3_2 conv3_3 conv3_4 [n, 256, h/4,  w/4]  – AvgPool2 –
//! conv4_1 conv4_2 conv4_3 conv4_4 [n, 512, h/8,  w/8]  – AvgPool2 –
//! conv5_1                         [n, 512, h/16, w/16]
//! ```
//! Every convolution is 3×3 with padding 1 and a bias, followed by a ReLU. The style layers are
//! conv1_1 … conv5_1 (after their ReLU), as in the paper.
//!
//! Departures: the poolings average, as Gatys et al. do ("replacing the max-pooling by average
//! pooling improves the gradient flow"), where the trained network max-pools; the content layer is
//! conv4_1 (the paper takes conv4_2), so that one pass gives the style and content features together.
//! The weights come from a file (see the lecture's `--weights`); this module only holds and runs them.

use atelier_kernels::ConvKernel;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig};
use burn::prelude::*;

/// ImageNet's per-channel mean of images in `[0, 1]` (RGB), which the trained weights expect.
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
/// ImageNet's per-channel standard deviation.
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];

/// The layers this module keeps, in order, with their index in torchvision's `features` sequence
/// (convolution, ReLU and pooling modules counted alike).
pub const LAYERS: [(&str, usize); 13] = [
    ("conv1_1", 0),
    ("conv1_2", 2),
    ("conv2_1", 5),
    ("conv2_2", 7),
    ("conv3_1", 10),
    ("conv3_2", 12),
    ("conv3_3", 14),
    ("conv3_4", 16),
    ("conv4_1", 19),
    ("conv4_2", 21),
    ("conv4_3", 23),
    ("conv4_4", 25),
    ("conv5_1", 28),
];

/// The style layers (the first convolution of each stage).
pub const STYLE_LAYERS: [&str; 5] = ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"];

/// Output channels of each stage: `[64, 128, 256, 512, 512]` for the ImageNet network; any other
/// widths build the same shape narrower (the import test's network).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageWidths(pub [usize; 5]);

impl StageWidths {
    /// The trained network's widths.
    pub const IMAGENET: StageWidths = StageWidths([64, 128, 256, 512, 512]);
}

/// VGG-19 up to conv5_1, one field per convolution named as in the paper (the import maps
/// torchvision's `features.N` onto these names: see [`LAYERS`]).
#[derive(Module, Debug)]
pub struct Vgg19 {
    conv1_1: Conv2d,
    conv1_2: Conv2d,
    conv2_1: Conv2d,
    conv2_2: Conv2d,
    conv3_1: Conv2d,
    conv3_2: Conv2d,
    conv3_3: Conv2d,
    conv3_4: Conv2d,
    conv4_1: Conv2d,
    conv4_2: Conv2d,
    conv4_3: Conv2d,
    conv4_4: Conv2d,
    conv5_1: Conv2d,
    pool: AvgPool2d,
}

impl Vgg19 {
    /// A network of the given widths with Burn's initial weights (to be replaced by a file's).
    pub fn new(widths: StageWidths, device: &Device) -> Self {
        let [w1, w2, w3, w4, w5] = widths.0;
        let conv = |c_in: usize, c_out: usize| {
            Conv2dConfig::new([c_in, c_out], [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)).init(device)
        };
        Self {
            conv1_1: conv(3, w1),
            conv1_2: conv(w1, w1),
            conv2_1: conv(w1, w2),
            conv2_2: conv(w2, w2),
            conv3_1: conv(w2, w3),
            conv3_2: conv(w3, w3),
            conv3_3: conv(w3, w3),
            conv3_4: conv(w3, w3),
            conv4_1: conv(w3, w4),
            conv4_2: conv(w4, w4),
            conv4_3: conv(w4, w4),
            conv4_4: conv(w4, w4),
            conv5_1: conv(w4, w5),
            pool: AvgPool2dConfig::new([2, 2]).init(),
        }
    }

    /// The stages' convolutions in order.
    fn stages(&self) -> [Vec<&Conv2d>; 5] {
        [
            vec![&self.conv1_1, &self.conv1_2],
            vec![&self.conv2_1, &self.conv2_2],
            vec![&self.conv3_1, &self.conv3_2, &self.conv3_3, &self.conv3_4],
            vec![&self.conv4_1, &self.conv4_2, &self.conv4_3, &self.conv4_4],
            vec![&self.conv5_1],
        ]
    }

    /// The style layers' features (after their ReLU) of images `[n, 3, h, w]` in `[0, 1]`:
    /// conv1_1 `[n, w1, h, w]`, conv2_1 `[n, w2, h/2, w/2]`, … conv5_1 `[n, w5, h/16, w/16]`.
    pub fn activations(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        let device = images.device();
        let channel = |v: [f32; 3]| Tensor::<1>::from_floats(v, &device).reshape([1, 3, 1, 1]);
        let mut x = (images - channel(IMAGENET_MEAN)) / channel(IMAGENET_STD); // [n, 3, h, w]
        let mut styles = Vec::with_capacity(STYLE_LAYERS.len());
        for (stage, convs) in self.stages().into_iter().enumerate() {
            if stage > 0 {
                x = self.pool.forward(x); // [n, c, h/2^stage, w/2^stage]
            }
            for (i, conv) in convs.into_iter().enumerate() {
                x = burn::tensor::activation::relu(conv.apply(x));
                if i == 0 {
                    styles.push(x.clone());
                }
            }
        }
        styles
    }
}
