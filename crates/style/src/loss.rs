//! The objective `L(x) = α·L_content + β·Σ_l w_l·E_l` (Gatys et al. 2016, eq. 7), term by term.

use burn::prelude::*;

use crate::gram::{gram, gram_distance};

/// What the canvas is compared with: the style image's Gram matrices (one per style layer) with
/// their layer weights and, for style transfer, the content image's features at the content layer.
#[derive(Debug, Clone)]
pub struct Targets {
    /// `A^l = G^l(s)`, `[1, N_l, N_l]` per layer.
    pub grams: Vec<Tensor<3>>,
    /// `w_l = 1 / (L · ¼·Σ_ij (A^l_ij)²)`: each layer's loss relative to its target's size, so
    /// every layer counts alike whatever the scale of its activations (noise starts near 1).
    pub weights: Vec<f64>,
    /// `(c, F^c(p))`: the content layer and the content image's features there.
    pub content: Option<(usize, Tensor<4>)>,
}

impl Targets {
    /// The style image's Gram matrices from its `style_features`, and their weights (one read
    /// from the device per layer, once); the content features at `content_layer` when there is a
    /// content image.
    pub fn new(style_features: Vec<Tensor<4>>, content: Option<(usize, Vec<Tensor<4>>)>) -> Self {
        let grams: Vec<Tensor<3>> = style_features.into_iter().map(|f| gram(f.detach())).collect();
        let weights = layer_weights(&grams);
        let content = content.map(|(layer, features)| (layer, features[layer].clone().detach()));
        Self { grams, weights, content }
    }
}

/// `w_l = 1 / (L · ¼·Σ_ij (A^l_ij)²)` of the target Gram matrices `A^l` (a layer whose target is
/// all zeros, every filter dead on the style image, gets `1/L`).
pub fn layer_weights(grams: &[Tensor<3>]) -> Vec<f64> {
    let layers = grams.len() as f64;
    grams
        .iter()
        .map(|a| {
            let size = f64::from(a.clone().square().sum().mul_scalar(0.25).into_scalar::<f32>());
            1.0 / (layers * if size > 0.0 { size } else { 1.0 })
        })
        .collect()
}

/// The objective's terms, on the device.
pub struct Terms {
    /// `E_l` for each style layer, `[1]` each.
    pub style_layers: Vec<Tensor<1>>,
    /// `Σ_l w_l·E_l` with the weights of [`Targets::weights`].
    pub style: Tensor<1>,
    /// `L_content = ½ · mean (F^c(x) − F^c(p))²`, when there is a content image.
    pub content: Option<Tensor<1>>,
    /// `α·L_content + β·L_style` with `α = 1`, `β = style_weight` (style only: `L_style`).
    pub total: Tensor<1>,
}

/// The terms of the objective for the canvas's `features` (one tensor per layer).
pub fn objective(features: Vec<Tensor<4>>, targets: &Targets, style_weight: f64) -> Terms {
    let content = targets
        .content
        .as_ref()
        .map(|(layer, target)| (features[*layer].clone() - target.clone()).square().mean().mul_scalar(0.5));
    let style_layers: Vec<Tensor<1>> =
        features.into_iter().zip(&targets.grams).map(|(f, target)| gram_distance(gram(f), target.clone())).collect();
    let style = style_layers
        .iter()
        .zip(&targets.weights)
        .map(|(e, &w)| e.clone().mul_scalar(w))
        .reduce(|a, b| a + b)
        .expect("at least one style layer");
    let total = match &content {
        Some(content) => content.clone() + style.clone().mul_scalar(style_weight),
        None => style.clone(),
    };
    Terms { style_layers, style, content, total }
}
