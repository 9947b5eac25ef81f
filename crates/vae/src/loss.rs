//! The VAE's objective, one function per equation. Every function returns one value per image
//! (`[n]`, in nats), so the same code serves training (mean over the batch) and evaluation.

use std::f64::consts::PI;

use atelier_layers::loss::bernoulli_nll;
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::activation::sigmoid;

use crate::config::Likelihood;
use crate::model::Posterior;

/// `ln(2π)`.
const LN_2PI: f64 = 1.837_877_066_409_345_3;

/// Dynamic binarisation `x_b ~ Bernoulli(x)`: each pixel is 1 with probability equal to its grey
/// level, drawn afresh on every call (device RNG, seeded by the caller).
pub fn binarize(x: Tensor<4>) -> Tensor<4> {
    let uniform = x.random_like(Distribution::Uniform(0.0, 1.0));
    uniform.lower(x).float()
}

/// Bernoulli negative log-likelihood per image, from logits `s` (p = σ(s)): the shared per-pixel
/// [`bernoulli_nll`] summed over the image's pixels,
/// `−log p(x|z) = −Σ_d [x_d·ln σ(s_d) + (1−x_d)·ln σ(−s_d)]`.
///
/// # Shapes
/// `logits`, `target`: `[n, 1, h, w]` → `[n]`
pub fn bernoulli_nll_per_image(logits: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    bernoulli_nll(logits, target).flatten::<2>(1, 3).sum_dim(1).squeeze_dim::<1>(1) // [n, 1, h, w] → [n, h·w] → [n]
}

/// Gaussian negative log-density per image with mean `m = σ(s)` and fixed std `s_x`:
/// `−log N(x; m, s_x² I) = Σ_d [(x_d − m_d)² / (2 s_x²) + ½ ln(2π s_x²)]`.
///
/// # Shapes
/// `logits`, `target`: `[n, 1, h, w]` → `[n]`
pub fn gaussian_nll(logits: Tensor<4>, target: Tensor<4>, sigma: f64) -> Tensor<1> {
    let [_, c, h, w] = target.dims();
    let pixels = (c * h * w) as f64;
    let squared = (sigmoid(logits) - target).powi_scalar(2).flatten::<2>(1, 3).sum_dim(1).squeeze_dim::<1>(1);
    squared.div_scalar(2.0 * sigma * sigma).add_scalar(0.5 * pixels * (2.0 * PI * sigma * sigma).ln())
}

impl Likelihood {
    /// What the likelihood is evaluated on: a fresh binarisation (Bernoulli) or the grey image.
    pub fn prepare(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            Likelihood::Bernoulli => binarize(x),
            Likelihood::Gaussian { .. } => x,
        }
    }

    /// `−log p(x|z)` per image, `[n, 1, h, w]` → `[n]`.
    pub fn negative_log_likelihood(&self, logits: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
        match *self {
            Likelihood::Bernoulli => bernoulli_nll_per_image(logits, target),
            Likelihood::Gaussian { sigma } => gaussian_nll(logits, target, sigma),
        }
    }
}

/// The latent term in closed form, per image:
/// `KL(N(μ, σ²) ‖ N(0, I)) = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²)`.
///
/// # Shapes
/// posterior `[n, k]` → `[n]`
pub fn kl_to_standard_normal(posterior: &Posterior) -> Tensor<1> {
    let Posterior { mean, log_var } = posterior.clone();
    (log_var.clone() + 1.0 - mean.powi_scalar(2) - log_var.exp()).sum_dim(1).squeeze_dim::<1>(1).mul_scalar(-0.5)
}

/// `log N(z; μ, diag σ²) = −½ Σⱼ [(zⱼ − μⱼ)²/σⱼ² + log σⱼ² + ln 2π]` per row.
///
/// # Shapes
/// `z`, `mean`, `log_var`: `[.., k]` with the same leading dims → the leading dims (`D − 1`).
pub fn log_normal<const D: usize, const R: usize>(z: Tensor<D>, mean: Tensor<D>, log_var: Tensor<D>) -> Tensor<R> {
    let squared = (z - mean).powi_scalar(2) / log_var.clone().exp();
    (squared + log_var + LN_2PI).sum_dim(D - 1).squeeze_dim::<R>(D - 1).mul_scalar(-0.5)
}

/// `log N(z; 0, I) = −½ Σⱼ (zⱼ² + ln 2π)` per row: the prior `p(z)`.
pub fn log_standard_normal<const D: usize, const R: usize>(z: Tensor<D>) -> Tensor<R> {
    (z.powi_scalar(2) + LN_2PI).sum_dim(D - 1).squeeze_dim::<R>(D - 1).mul_scalar(-0.5)
}

/// The two terms of `−ELBO` for one batch, per image.
pub struct ElboTerms {
    /// `−log p(x|z)` with one `z ~ q(z|x)`, `[n]`.
    pub reconstruction: Tensor<1>,
    /// `KL(q(z|x) ‖ p(z))`, `[n]`.
    pub kl: Tensor<1>,
}

impl ElboTerms {
    /// `−ELBO = reconstruction + KL`, per image `[n]` (a one-sample estimate).
    pub fn negative_elbo(&self) -> Tensor<1> {
        self.reconstruction.clone() + self.kl.clone()
    }

    /// The training objective `mean_n(reconstruction + β_t·KL)`, a `[1]` tensor.
    pub fn objective(&self, kl_weight: f64) -> Tensor<1> {
        (self.reconstruction.clone() + self.kl.clone().mul_scalar(kl_weight)).mean()
    }
}
