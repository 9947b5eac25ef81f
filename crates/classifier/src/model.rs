//! The lecture's classifiers, each split into convolution layers (`convs`, absent for the
//! perceptron and the MLP) and a dense part (`dense`) whose hidden layer gives the penultimate
//! features.
//!
//! ```text
//! perceptron: flatten [n, 784] ─────────────────────────────── Linear(784→10)
//! mlp:        flatten [n, 784] ─ Linear(784→256)–ReLU ───────── Linear(256→10)
//! cnn:        Conv(1→32,k3,p1)–ReLU–MaxPool2 [n,32,14,14] – Conv(32→64,k3,p1)–ReLU–MaxPool2 [n,64,7,7]
//!             – flatten [n, 3136] – Linear(3136→128)–ReLU ───── Linear(128→10)
//! vgg:        [Conv3(1→32)–BN–ReLU, Conv3(32→32)–BN–ReLU]–MaxPool2–Dropout(0.25)
//!             [Conv3(32→64)–BN–ReLU, Conv3(64→64)–BN–ReLU]–MaxPool2–Dropout(0.25)
//!             – flatten [n, 3136] – Linear(3136→256)–ReLU–Dropout(0.5) – Linear(256→10)
//! ```
//! Weights use Burn's defaults, which match PyTorch's (Kaiming-uniform with a = √5).

use atelier_kernels::{ConvKernel, NormKernel};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::*;

use crate::config::{Architecture, ClassifierConfig};

/// 28·28 input pixels.
const PIXELS: usize = 28 * 28;
/// `64 · 7 · 7`, the flattened output of either convolution stack.
const CONV_FLAT: usize = 64 * 7 * 7;

/// The reference CNN's two convolution blocks.
#[derive(Module, Debug)]
pub struct CnnConvs {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    relu: Relu,
}

/// The VGG-style stacks of 3×3 convolutions with batch norm.
#[derive(Module, Debug)]
pub struct VggConvs {
    convs: Vec<Conv2d>,
    norms: Vec<BatchNorm>,
    pool: MaxPool2d,
    dropout: Dropout,
    relu: Relu,
}

/// The convolution layers of a CNN.
#[derive(Module, Debug)]
pub enum Convs {
    Cnn(CnnConvs),
    Vgg(VggConvs),
}

/// The dense part: an optional hidden ReLU layer (the penultimate features) and the output layer.
#[derive(Module, Debug)]
pub struct Dense {
    hidden: Option<Linear>,
    dropout: Option<Dropout>,
    output: Linear,
    relu: Relu,
}

#[derive(Module, Debug)]
pub struct Classifier {
    pub convs: Option<Convs>,
    pub dense: Dense,
}

fn conv3(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)).init(device)
}

impl Classifier {
    /// A fresh network of `config.architecture`, initialised from the device's seed.
    pub fn new(config: &ClassifierConfig, device: &Device) -> Self {
        let convs = match config.architecture {
            Architecture::Perceptron | Architecture::Mlp => None,
            Architecture::Cnn => Some(Convs::Cnn(CnnConvs {
                conv1: conv3([1, 32], device),
                conv2: conv3([32, 64], device),
                pool: MaxPool2dConfig::new([2, 2]).init(),
                relu: Relu::new(),
            })),
            Architecture::Vgg => Some(Convs::Vgg(VggConvs {
                convs: vec![
                    conv3([1, 32], device),
                    conv3([32, 32], device),
                    conv3([32, 64], device),
                    conv3([64, 64], device),
                ],
                norms: [32, 32, 64, 64].map(|c| BatchNormConfig::new(c).init(device)).to_vec(),
                pool: MaxPool2dConfig::new([2, 2]).init(),
                dropout: DropoutConfig::new(0.25).init(),
                relu: Relu::new(),
            })),
        };
        Self { convs, dense: Dense::new(config, device) }
    }

    /// A fresh dense part for `config` (transfer learning: new head on trained convolutions).
    pub fn with_new_dense(self, config: &ClassifierConfig, device: &Device) -> Self {
        Self { convs: self.convs, dense: Dense::new(config, device) }
    }

    /// The input of the dense part: `[n, 1, 28, 28]` → `[n, 3136]` (CNNs) or `[n, 784]` (pixels).
    pub fn conv_features(&self, x: Tensor<4>) -> Tensor<2> {
        match &self.convs {
            Some(convs) => convs.forward(x).flatten::<2>(1, 3), // [n, 64·7·7]
            None => x.flatten::<2>(1, 3),                       // [n, 784]
        }
    }

    /// Penultimate features (the dense part's hidden layer), `[n, 1, 28, 28]` → `[n, h]`.
    pub fn features(&self, x: Tensor<4>) -> Tensor<2> {
        self.dense.penultimate(self.conv_features(x))
    }

    /// Class scores (logits), `[n, 1, 28, 28]` → `[n, classes]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.dense.logits(self.features(x))
    }
}

impl Convs {
    /// Each convolution's output after its ReLU (batch norm on its running statistics where the
    /// model is not training), of grey images of any size: the CNN's `[n, 32, h, w]`,
    /// `[n, 64, h/2, w/2]`; the VGG's four. What the style lecture measures textures with.
    pub fn feature_maps(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        match self {
            Convs::Cnn(c) => {
                let first = c.relu.forward(c.conv1.apply(x)); // [n, 32, h, w]
                let second = c.relu.forward(c.conv2.apply(c.pool.forward(first.clone()))); // [n, 64, h/2, w/2]
                vec![first, second]
            }
            Convs::Vgg(v) => {
                let mut maps = Vec::with_capacity(v.convs.len());
                let mut x = x;
                for (i, (conv, norm)) in v.convs.iter().zip(&v.norms).enumerate() {
                    if i > 0 && i % 2 == 0 {
                        x = v.pool.forward(x); // [n, 32, h/2, w/2]
                    }
                    x = v.relu.forward(norm.apply(conv.apply(x)));
                    maps.push(x.clone());
                }
                maps
            }
        }
    }

    /// `[n, 1, 28, 28]` → `[n, 64, 7, 7]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            Convs::Cnn(c) => {
                let x = c.pool.forward(c.relu.forward(c.conv1.apply(x))); // [n, 32, 14, 14]
                c.pool.forward(c.relu.forward(c.conv2.apply(x))) // [n, 64, 7, 7]
            }
            Convs::Vgg(v) => {
                let mut x = x;
                for (i, (conv, norm)) in v.convs.iter().zip(&v.norms).enumerate() {
                    x = v.relu.forward(norm.apply(conv.apply(x)));
                    if i % 2 == 1 {
                        x = v.dropout.forward(v.pool.forward(x)); // [n, 32, 14, 14], then [n, 64, 7, 7]
                    }
                }
                x
            }
        }
    }
}

impl Dense {
    fn new(config: &ClassifierConfig, device: &Device) -> Self {
        let (input, hidden, dropout) = match config.architecture {
            Architecture::Perceptron => (PIXELS, None, None),
            Architecture::Mlp => (PIXELS, Some(256), None),
            Architecture::Cnn => (CONV_FLAT, Some(128), None),
            Architecture::Vgg => (CONV_FLAT, Some(256), Some(0.5)),
        };
        Self {
            hidden: hidden.map(|h| LinearConfig::new(input, h).init(device)),
            dropout: dropout.map(|p| DropoutConfig::new(p).init()),
            output: LinearConfig::new(hidden.unwrap_or(input), config.classes).init(device),
            relu: Relu::new(),
        }
    }

    /// `relu(hidden(x))`, or `x` itself without a hidden layer. `[n, d]` → `[n, h]`
    pub fn penultimate(&self, x: Tensor<2>) -> Tensor<2> {
        match &self.hidden {
            Some(hidden) => self.relu.forward(hidden.forward(x)),
            None => x,
        }
    }

    /// `[n, h]` → `[n, classes]`
    pub fn logits(&self, features: Tensor<2>) -> Tensor<2> {
        let features = match &self.dropout {
            Some(dropout) => dropout.forward(features),
            None => features,
        };
        self.output.forward(features)
    }
}
