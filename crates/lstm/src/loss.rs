//! The lecture's three objectives, one function per equation.

use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;

/// Cross-entropy of class logits: `L = −1/N · Σₙ log softmax(zₙ)_{yₙ}` (`logits [n, C]`, `labels [n]`).
pub fn cross_entropy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    CrossEntropyLossConfig::new().init(&logits.device()).forward(logits, labels)
}

/// Fraction of correct argmax predictions (`logits [n, C]`, `labels [n]`) → `[1]`.
pub fn accuracy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [n, _] = logits.dims();
    logits.argmax(1).reshape([n]).equal(labels).float().mean()
}

/// Bernoulli negative log-likelihood in nats of every pixel, from logits `l`:
/// `−[x·log σ(l) + (1 − x)·log σ(−l)]`, same shape as the inputs.
pub fn bernoulli_nll<const D: usize>(logits: Tensor<D>, x: Tensor<D>) -> Tensor<D> {
    let log_p = log_sigmoid(logits.clone()); // log σ(l)
    let log_q = log_sigmoid(logits.neg()); // log σ(−l) = log(1 − σ(l))
    (x.clone() * log_p + (x.neg() + 1.0) * log_q).neg()
}

/// Mean squared error `1/N · Σ (ŷ − y)²`.
pub fn mean_squared_error(prediction: Tensor<2>, target: Tensor<2>) -> Tensor<1> {
    (prediction - target).powi_scalar(2).mean()
}
