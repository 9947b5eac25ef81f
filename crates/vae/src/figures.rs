//! The lecture's pictures: reconstructions, samples from the prior, traversals of one latent
//! dimension, interpolation between images, and (k = 2) the decoded manifold.
//!
//! Images are pixel means `sigmoid(logits)` of `p(x|z)`, the usual way to show a Bernoulli decoder.

use atelier_layers::latent::{linear_path, standard_normal_codes};
use atelier_train::Figure;
use burn::prelude::*;

use crate::config::{Likelihood, VaeConfig};
use crate::model::{Decoder, Vae};

/// The host seed of the fixed prior samples: the same `z` every epoch and every run, so sample
/// grids compare across epochs and runs.
pub const PRIOR_SAMPLES_SEED: u64 = 20_141_220;
/// Columns of traversal and interpolation strips.
pub const STRIP_STEPS: usize = 9;
/// The range `[−r, r]` a traversal sweeps one latent coordinate over (prior std = 1).
pub const TRAVERSAL_RANGE: f32 = 3.0;
/// The range `[−r, r]²` of the k = 2 manifold grid.
pub const MANIFOLD_RANGE: f32 = 2.5;

/// Rows "input" [, "binarised"], "decoded μ" for a batch of grey images `[n, 1, 28, 28]`.
pub fn reconstruction_figure(model: &Vae, config: &VaeConfig, images: Tensor<4>) -> Figure {
    let target = config.likelihood.prepare(images.clone());
    let posterior = model.encoder.forward(target.clone());
    let output = model.decoder.mean_image(posterior.mean);
    let mut rows = vec![("input".to_string(), images)];
    if config.likelihood == Likelihood::Bernoulli {
        rows.push(("binarised".to_string(), target));
    }
    rows.push(("decoded mean".to_string(), output));
    Figure::Grid { name: "reconstructions".into(), rows, marks: Vec::new() }
}

/// A `rows × cols` grid of images decoded from fixed codes `z ~ N(0, I)` ([`PRIOR_SAMPLES_SEED`]).
pub fn fixed_prior_samples(decoder: &Decoder, rows: usize, cols: usize, device: &Device) -> Figure {
    let k = decoder.latent();
    let images = decoder.mean_image(standard_normal_codes(rows * cols, k, PRIOR_SAMPLES_SEED, device)); // [r·c, 1, 28, 28]
    // One label for the whole grid, on its first row (the rows differ only by their fixed codes).
    let label = |r: usize| if r == 0 { "z ~ N(0, I), decoded mean".to_string() } else { String::new() };
    let rows = (0..rows).map(|r| (label(r), images.clone().narrow(0, r * cols, cols))).collect(); // [cols, 1, 28, 28] each
    Figure::Grid { name: "samples".into(), rows, marks: Vec::new() }
}

/// One strip per chosen dimension `j`: start from the code `base` `[1, k]` and sweep `zⱼ` over
/// `[−r, r]` ([`TRAVERSAL_RANGE`]) in [`STRIP_STEPS`] steps, keeping the other coordinates.
pub fn traversal_figure(decoder: &Decoder, base: Tensor<2>, dims: &[(usize, f64)]) -> Figure {
    let device = base.device();
    let [_, k] = base.dims();
    let values: Vec<f32> = (0..STRIP_STEPS)
        .map(|i| -TRAVERSAL_RANGE + 2.0 * TRAVERSAL_RANGE * i as f32 / (STRIP_STEPS - 1) as f32)
        .collect();
    let sweep = Tensor::<1>::from_floats(values.as_slice(), &device).reshape([STRIP_STEPS, 1]); // [steps, 1]
    let rows = dims
        .iter()
        .map(|&(j, kl)| {
            let codes = base.clone().repeat_dim(0, STRIP_STEPS); // [steps, k]
            let codes = codes.slice_assign([0..STRIP_STEPS, j..j + 1], sweep.clone());
            debug_assert!(j < k);
            (format!("z{j} (KL {kl:.1})"), decoder.mean_image(codes))
        })
        .collect();
    Figure::Grid { name: "traversals".into(), rows, marks: Vec::new() }
}

/// Decoded images along the straight path between the posterior means of images `a` and `b`
/// (`[1, 1, 28, 28]` each), beside the pixel-space cross-fade. `extra` rows (e.g. the plain
/// autoencoder's path between the same images) go between the two.
pub fn interpolation_figure(model: &Vae, a: Tensor<4>, b: Tensor<4>, extra: Vec<(String, Tensor<4>)>) -> Figure {
    let [_, c, h, w] = a.dims();
    let means = model.encoder.forward(Tensor::cat(vec![a.clone(), b.clone()], 0)).mean; // [2, k]
    let path = linear_path(means.clone().narrow(0, 0, 1), means.narrow(0, 1, 1), STRIP_STEPS); // [9, k]
    let decoded = model.decoder.mean_image(path); // [9, 1, 28, 28]
    let blend =
        linear_path(a.reshape([1, c * h * w]), b.reshape([1, c * h * w]), STRIP_STEPS).reshape([STRIP_STEPS, c, h, w]);
    let mut rows = vec![("VAE (mean path)".to_string(), decoded)];
    rows.extend(extra);
    rows.push(("pixel blend".to_string(), blend));
    Figure::Grid { name: "interpolation".into(), rows, marks: vec![(0, STRIP_STEPS / 2)] }
}

/// For k = 2: images decoded over a regular `side × side` grid of `z ∈ [−r, r]²`
/// ([`MANIFOLD_RANGE`]); rows go from `z₂ = +r` (top) to `−r`, columns from `z₁ = −r` to `+r`.
pub fn manifold_figure(decoder: &Decoder, side: usize, device: &Device) -> Result<Figure, String> {
    let k = decoder.latent();
    if k != 2 {
        return Err(format!("the manifold picture needs a 2-D latent space (this model has k = {k})"));
    }
    let at = |i: usize| -MANIFOLD_RANGE + 2.0 * MANIFOLD_RANGE * i as f32 / (side.max(2) - 1) as f32;
    let mut rows = Vec::with_capacity(side);
    for r in 0..side {
        let z2 = at(side - 1 - r);
        let codes: Vec<f32> = (0..side).flat_map(|c| [at(c), z2]).collect();
        let codes = Tensor::<2>::from_data(TensorData::new(codes, [side, 2]), device); // [side, 2]
        rows.push((format!("z2 = {z2:+.1}"), decoder.mean_image(codes)));
    }
    Ok(Figure::Grid { name: "manifold".into(), rows, marks: Vec::new() })
}
