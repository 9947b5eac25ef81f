//! The measures of a synthesis, each against its source texture:
//!
//! - **style distance** `D(x, s) = 1/L · Σ_l ‖G^l(x) − G^l(s)‖² / ‖G^l(s)‖²` (the style loss of
//!   [`crate::loss`]: each layer's Gram error relative to the style's) on a network: on a *held-out* network, one the synthesis was not optimised on, it says whether
//!   the statistics were reproduced or only the optimised network was fooled;
//! - **pixel histogram distance**: the total-variation distance `½·Σ_b |p_b − q_b|` between the
//!   32-bin histograms of the pixel values in `[0, 1]`, averaged over the colour channels;
//! - **band histogram distance**: the same distance between the histograms of every band of the
//!   Laplacian pyramid (the statistics Heeger–Bergen matches: its own terms), each band's bins
//!   spanning both images' range of that band, averaged over bands and channels.

use burn::prelude::*;

use crate::features::FeatureNet;
use crate::gram::{gram, gram_distance};
use crate::heeger_bergen::{Plane, laplacian_pyramid, levels_for};
use crate::loss::layer_weights;

/// Bins of the histograms.
pub const BINS: usize = 32;

/// `Σ_l w_l·E_l(x, s)` on `net` with the weights of [`crate::loss::layer_weights`] (each layer's
/// Gram error relative to the style's Gram matrix), for images `[1, 3, h, w]` in `[0, 1]`: `[1]`.
pub fn style_distance(net: &FeatureNet, x: Tensor<4>, s: Tensor<4>) -> Tensor<1> {
    gram_style_distance(net.activations(x), net.activations(s))
}

/// [`style_distance`] of feature maps already computed (one per layer, `x`'s and `s`'s).
pub fn gram_style_distance(fx: Vec<Tensor<4>>, fs: Vec<Tensor<4>>) -> Tensor<1> {
    let targets: Vec<Tensor<3>> = fs.into_iter().map(gram).collect();
    let weights = layer_weights(&targets);
    fx.into_iter()
        .zip(targets)
        .zip(weights)
        .map(|((a, target), w)| gram_distance(gram(a), target).mul_scalar(w))
        .reduce(|a, b| a + b)
        .expect("at least one layer")
}

/// `½·mean (F^c(y) − F^c(x))²` at `net`'s content layer: how much of the content image `x` its
/// stylized `y` kept, `[1]`.
pub fn content_distance(net: &FeatureNet, y: Tensor<4>, x: Tensor<4>) -> Tensor<1> {
    let layer = net.content_layer();
    let of = |t: Tensor<4>| net.activations(t).swap_remove(layer);
    (of(y) - of(x)).square().mean().mul_scalar(0.5)
}

/// The normalised histogram of `values` over `[lo, hi]` in [`BINS`] bins (values outside go to
/// the end bins).
pub fn histogram(values: &[f32], lo: f32, hi: f32) -> Vec<f64> {
    let mut counts = vec![0.0; BINS];
    let width = (hi - lo).max(f32::MIN_POSITIVE);
    for &v in values {
        let bin = (((v - lo) / width) * BINS as f32).floor().clamp(0.0, (BINS - 1) as f32) as usize;
        counts[bin] += 1.0;
    }
    let total = values.len().max(1) as f64;
    counts.iter_mut().for_each(|c| *c /= total);
    counts
}

/// `½·Σ_b |p_b − q_b|`: 0 for the same histogram, 1 for disjoint ones.
pub fn total_variation(p: &[f64], q: &[f64]) -> f64 {
    0.5 * p.iter().zip(q).map(|(a, b)| (a - b).abs()).sum::<f64>()
}

/// The pixel histogram distance of two planar images `[channels, h, w]` of the same shape.
pub fn pixel_histogram_distance(a: &[f32], b: &[f32], channels: usize) -> f64 {
    let plane = a.len() / channels;
    (0..channels)
        .map(|c| {
            let range = c * plane..(c + 1) * plane;
            total_variation(&histogram(&a[range.clone()], 0.0, 1.0), &histogram(&b[range], 0.0, 1.0))
        })
        .sum::<f64>()
        / channels as f64
}

/// The band histogram distance of two planar images `[channels, height, width]`, same shape.
pub fn band_histogram_distance(a: &[f32], b: &[f32], channels: usize, height: usize, width: usize) -> f64 {
    let plane = height * width;
    let levels = levels_for(height.min(width));
    let mut total = 0.0;
    let mut count = 0usize;
    for c in 0..channels {
        let range = c * plane..(c + 1) * plane;
        let pa = laplacian_pyramid(&Plane::new(width, height, a[range.clone()].to_vec()), levels);
        let pb = laplacian_pyramid(&Plane::new(width, height, b[range].to_vec()), levels);
        for (band_a, band_b) in pa.iter().zip(&pb) {
            let both = band_a.values.iter().chain(&band_b.values);
            let (lo, hi) = both.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            total += total_variation(&histogram(&band_a.values, lo, hi), &histogram(&band_b.values, lo, hi));
            count += 1;
        }
    }
    total / count.max(1) as f64
}
