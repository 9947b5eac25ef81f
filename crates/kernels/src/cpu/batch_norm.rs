//! Batch norm in training mode over `x [n, c, l]` (`l` = the positions per channel, 1 after a
//! dense layer), fused: one pass for the statistics, one for the output; two for the backward.
//!
//! Forward, per channel over its `m = n·l` values: `μ = (1/m) Σ x`, `σ² = (1/m) Σ x² − μ²` (the
//! biased variance, accumulated in `f64`), `x̂ = (x − μ)/√(σ² + ε)`, `y = γ·x̂ + β`.
//!
//! Backward: `∂β = Σ ∂y`, `∂γ = Σ ∂y·x̂`, `∂x = γ/√(σ² + ε) · (∂y − ∂β/m − x̂·∂γ/m)`.

use rayon::prelude::*;

use super::per_channel;

/// The output and the batch statistics (mean, biased variance) of a training-mode batch norm.
pub struct Normalized {
    pub output: Vec<f32>,
    pub mean: Vec<f32>,
    pub variance: Vec<f32>,
}

/// The gradients of the training-mode batch norm: input, `γ`, `β`.
pub struct NormGradients {
    pub input: Vec<f32>,
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
}

/// The inverse standard deviation `1/√(σ² + ε)` per channel.
fn inverse_std(variance: &[f32], epsilon: f64) -> Vec<f32> {
    variance.iter().map(|&v| (1.0 / (v as f64 + epsilon).sqrt()) as f32).collect()
}

/// Training-mode batch norm of `x [n, c, l]` with `gamma`, `beta [c]`.
pub fn forward(x: &[f32], shape: [usize; 3], gamma: &[f32], beta: &[f32], epsilon: f64) -> Normalized {
    let [n, c, l] = shape;
    let m = (n * l) as f64;
    // Σx and Σx² in one pass.
    let sums = per_channel(x, shape, |_, _, v| [v as f64, (v as f64) * (v as f64)]);
    let mean: Vec<f64> = sums.iter().map(|[s, _]| s / m).collect();
    let variance: Vec<f32> = sums.iter().zip(&mean).map(|([_, q], mu)| (q / m - mu * mu).max(0.0) as f32).collect();
    let mean: Vec<f32> = mean.iter().map(|&mu| mu as f32).collect();
    let inv_std = inverse_std(&variance, epsilon);
    let mut output = vec![0.0f32; x.len()];
    output.par_chunks_mut(c * l).enumerate().for_each(|(image, out)| {
        for ch in 0..c {
            let scale = gamma[ch] * inv_std[ch];
            let shift = beta[ch] - mean[ch] * scale;
            let source = &x[(image * c + ch) * l..][..l];
            for (y, &v) in out[ch * l..][..l].iter_mut().zip(source) {
                *y = v * scale + shift;
            }
        }
    });
    Normalized { output, mean, variance }
}

/// The gradients of [`forward`] given `grad = ∂L/∂y`, from the statistics it returned.
pub fn backward(
    x: &[f32],
    shape: [usize; 3],
    gamma: &[f32],
    mean: &[f32],
    variance: &[f32],
    epsilon: f64,
    grad: &[f32],
) -> NormGradients {
    let [n, c, l] = shape;
    let m = (n * l) as f32;
    let inv_std = inverse_std(variance, epsilon);
    // Σ∂y and Σ∂y·x̂ in one pass.
    let sums =
        per_channel(grad, shape, |ch, index, g| [g as f64, (g as f64) * ((x[index] - mean[ch]) * inv_std[ch]) as f64]);
    let beta: Vec<f32> = sums.iter().map(|[b, _]| *b as f32).collect();
    let gamma_grad: Vec<f32> = sums.iter().map(|[_, g]| *g as f32).collect();
    let mut input = vec![0.0f32; x.len()];
    input.par_chunks_mut(c * l).enumerate().for_each(|(image, out)| {
        for ch in 0..c {
            let (mu, inv) = (mean[ch], inv_std[ch]);
            let (mean_grad, mean_projection) = (beta[ch] / m, gamma_grad[ch] / m);
            let scale = gamma[ch] * inv;
            let start = (image * c + ch) * l;
            for ((dx, &g), &v) in out[ch * l..][..l].iter_mut().zip(&grad[start..start + l]).zip(&x[start..start + l]) {
                let normalized = (v - mu) * inv;
                *dx = scale * (g - mean_grad - normalized * mean_projection);
            }
        }
    });
    NormGradients { input, gamma: gamma_grad, beta }
}
