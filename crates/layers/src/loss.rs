//! Losses of the course, one function per equation, each defined here once: model crates call
//! these instead of writing their own. Every loss but [`bernoulli_nll`] (kept per element, so the
//! likelihood can sum per image or per row) reduces to a mean over the batch, returned as a
//! `Tensor<1>` of one element, still on the autodiff graph.

use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;

/// Mean squared error, the autoencoder's reconstruction loss:
/// `L(x, x̂) = 1/(N·D) · Σₙ Σ_d (x̂ₙd − xₙd)²` (mean over every pixel of the batch).
pub fn mean_squared_error<const D: usize>(prediction: Tensor<D>, target: Tensor<D>) -> Tensor<1> {
    (prediction - target).powi_scalar(2).mean()
}

/// Binary cross-entropy on probabilities `p ∈ (0, 1)` and targets `y ∈ [0, 1]`:
/// `BCE(p, y) = −1/N · Σ [y·ln p + (1−y)·ln(1−p)]`.
///
/// `p` is clamped to `[ε, 1−ε]` (ε = 1e-7) so a saturated output gives a large finite loss, not
/// infinity. Prefer [`binary_cross_entropy_with_logits`] in training: it is exact and stable.
pub fn binary_cross_entropy<const D: usize>(probability: Tensor<D>, target: Tensor<D>) -> Tensor<1> {
    const EPS: f32 = 1e-7;
    let p = probability.clamp(EPS, 1.0 - EPS);
    let one_minus_target = target.clone().neg() + 1.0;
    (target * p.clone().log() + one_minus_target * (p.neg() + 1.0).log()).neg().mean()
}

/// Bernoulli negative log-likelihood of every element, in nats, from logits `s` (p = σ(s)) and
/// targets `x ∈ [0, 1]`: `−log Bernoulli(x; σ(s)) = −[x·ln σ(s) + (1−x)·ln σ(−s)]`, exact and
/// stable through log-sigmoid (`ln σ(−s) = ln(1 − σ(s))`).
///
/// # Shapes
/// `logits`, `target`: any shape → the same shape (sum or average it as the model needs).
pub fn bernoulli_nll<const D: usize>(logits: Tensor<D>, target: Tensor<D>) -> Tensor<D> {
    let one_minus_target = target.clone().neg() + 1.0;
    (target * log_sigmoid(logits.clone()) + one_minus_target * log_sigmoid(logits.neg())).neg()
}

/// Binary cross-entropy on logits `s` (p = σ(s)): the mean of [`bernoulli_nll`] over every element,
/// `BCE = −1/N · Σ [y·ln σ(s) + (1−y)·ln σ(−s)]`.
pub fn binary_cross_entropy_with_logits<const D: usize>(logits: Tensor<D>, target: Tensor<D>) -> Tensor<1> {
    bernoulli_nll(logits, target).mean()
}

/// The sparse autoencoder's activity penalty on a code `a` of shape `[batch, k]`:
/// `Ω(a) = λ · 1/N · Σₙ Σᵢ |aₙᵢ|` (the lecture's `λ·Σ|aᵢ|`, averaged over the batch).
pub fn l1_activity(code: Tensor<2>, lambda: f64) -> Tensor<1> {
    let [batch, _] = code.dims();
    code.abs().sum().div_scalar(batch as f64).mul_scalar(lambda)
}

/// Cross-entropy of class scores (logits) `s` `[N, C]` with true classes `y` `[N]`, through a
/// stable log-softmax: `L = −1/N · Σₙ log softmax(sₙ)_{yₙ} = −1/N · Σₙ [s_{n,yₙ} − log Σ_c exp(s_{n,c})]`.
pub fn cross_entropy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [n, _] = logits.dims();
    let log_p = burn::tensor::activation::log_softmax(logits, 1); // [N, C]
    log_p.gather(1, labels.reshape([n, 1])).mean().neg()
}

/// Fraction of rows whose largest score is the true class (`logits [N, C]`, `labels [N]`):
/// `acc = 1/N · Σₙ [argmax_c s_{n,c} = yₙ]`, a `[1]` tensor that stays on the device. Not a loss
/// (it has no gradient), but the metric every classifying model reports beside [`cross_entropy`].
pub fn accuracy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [n, _] = logits.dims();
    let predicted = logits.argmax(1).reshape([n]); // [N, 1] → [N]
    predicted.equal(labels).float().mean()
}
