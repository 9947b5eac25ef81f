//! The networks every evaluation of the lecture measures on, and how: a synthesis, a transfer and
//! a stylizer's output are judged by the same three.

use atelier_lecture::Context;
use atelier_train::scalar_to_host;
use burn::prelude::*;

use crate::features::{FeatureNet, MEASURING_SEED};
use crate::measures::{content_distance, gram_style_distance, style_distance};
use atelier_evaluation::emoji::ruler::EmojiRuler;

/// The networks a stylized image is measured on: random filters of another seed and the Fashion
/// evaluator's convolutions (both held out), and the colour evaluator's trunk.
pub struct Judges {
    random: FeatureNet,
    emoji: FeatureNet,
    fashion: atelier_evaluation::Evaluator,
}

impl Judges {
    pub const NAMES: [&str; 3] = ["random", "emoji", "fashion"];

    pub fn new(device: &Device, ctx: &Context) -> Result<Self, String> {
        Ok(Self {
            random: FeatureNet::random(MEASURING_SEED, device),
            emoji: FeatureNet::emoji(EmojiRuler::load(device)?.net),
            fashion: atelier_evaluation::fashion::load(ctx, device)?.0,
        })
    }

    /// `½·mean (F^c(y) − F^c(x))²` on the held-out random filters' content layer: how much of the
    /// content image `x` its stylized `y` kept.
    pub fn content(&self, y: Tensor<4>, x: Tensor<4>) -> Result<f64, String> {
        scalar_to_host(content_distance(&self.random, y, x), "a content distance")
            .map(f64::from)
            .map_err(|e| e.to_string())
    }

    /// The style distance of `x` to `style` on each judge, in [`Judges::NAMES`]' order.
    pub fn score(&self, x: Tensor<4>, style: Tensor<4>) -> Result<[f64; 3], String> {
        let read = |t: Tensor<1>| scalar_to_host(t, "a style distance").map(f64::from).map_err(|e| e.to_string());
        let grey = |t: Tensor<4>| self.fashion.net.feature_maps(t.mean_dim(1)); // [1, 1, h, w]
        Ok([
            read(style_distance(&self.random, x.clone(), style.clone()))?,
            read(style_distance(&self.emoji, x.clone(), style.clone()))?,
            read(gram_style_distance(grey(x), grey(style)))?,
        ])
    }
}
