//! Each formula lives once, in `atelier_layers::loss`. When the copies in the model crates were
//! replaced by these functions, the numbers of every run had to stay the same: these tests pin the
//! shared functions to the arithmetic of the copies they replaced, to the last bit, on every test
//! backend (forward values and gradients).

use atelier_backend::test_backends;
use atelier_core::Rng;
use atelier_layers::loss::{
    accuracy, bernoulli_nll, binary_cross_entropy_with_logits, cross_entropy, mean_squared_error,
};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

/// `n` values from N(0, scale²) drawn on the host (the device RNG is not involved).
fn normal(rng: &mut Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| scale * rng.normal()).collect()
}

/// The LSTM crate used Burn's `CrossEntropyLoss`; the shared `cross_entropy` (the classifier's)
/// gives the same loss and the same gradient, bit for bit, on the CPU backends. On wgpu Burn
/// averages the `[n]` column where ours averages `[n, 1]`, a reduction whose last bit may differ
/// (measured: 1 ulp of the loss), so there the two agree to 1e-6 relative; the classifier's
/// arithmetic was kept, as its runs (and the frozen evaluator's weights) were made with it.
#[test]
fn cross_entropy_is_burns_bit_for_bit_on_the_cpu() {
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let mut rng = Rng::new(3);
        let (n, classes) = (64, 10);
        let logits = TensorData::new(normal(&mut rng, n * classes, 3.0), [n, classes]);
        let labels: Vec<i64> = (0..n).map(|_| rng.below(classes) as i64).collect();
        let labels = Tensor::<1, Int>::from_data(TensorData::new(labels, [n]), &device);
        let ours_in = Tensor::<2>::from_data(logits.clone(), &device).require_grad();
        let burns_in = Tensor::<2>::from_data(logits, &device).require_grad();
        let ours = cross_entropy(ours_in.clone(), labels.clone());
        let burns = CrossEntropyLossConfig::new().init(&device).forward(burns_in.clone(), labels);
        let (ours_loss, burns_loss) = (values(ours.clone()), values(burns.clone()));
        let (ours_grads, burns_grads) = (ours.backward(), burns.backward());
        let ours_grad = values(ours_in.grad(&ours_grads).unwrap());
        let burns_grad = values(burns_in.grad(&burns_grads).unwrap());
        if backend.is_cpu() {
            assert_eq!(ours_loss, burns_loss, "{backend}: loss");
            assert_eq!(ours_grad, burns_grad, "{backend}: gradient");
        } else {
            let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-6 * x.abs().max(1e-3));
            assert!(close(&ours_loss, &burns_loss), "{backend}: loss {ours_loss:?} vs {burns_loss:?}");
            assert!(close(&ours_grad, &burns_grad), "{backend}: gradient");
        }
    }
}

/// The VAE summed `−[x·ln σ(s) + (1−x)·ln σ(−s)]` per image with the sign outside the sum, the LSTM
/// and the binary cross-entropy negated per pixel: negation is exact in floating point, so the
/// shared per-pixel `bernoulli_nll` reproduces both to the last bit.
#[test]
fn bernoulli_nll_reproduces_the_vae_and_lstm_arithmetic() {
    for (backend, device) in test_backends() {
        let mut rng = Rng::new(5);
        let (n, pixels) = (8, 49);
        let logits = Tensor::<4>::from_data(TensorData::new(normal(&mut rng, n * pixels, 4.0), [n, 1, 7, 7]), &device);
        let targets: Vec<f32> = (0..n * pixels).map(|_| if rng.next_f32() < 0.4 { 1.0 } else { 0.0 }).collect();
        let target = Tensor::<4>::from_data(TensorData::new(targets, [n, 1, 7, 7]), &device);

        // The VAE's former per-image sum.
        let one_minus_target = target.clone().neg() + 1.0;
        let log_p = target.clone() * log_sigmoid(logits.clone()) + one_minus_target * log_sigmoid(logits.clone().neg());
        let vae_before = log_p.flatten::<2>(1, 3).sum_dim(1).squeeze_dim::<1>(1).neg(); // [n]
        let per_pixel = bernoulli_nll(logits.clone(), target.clone()); // [n, 1, 7, 7]
        let vae_now = per_pixel.clone().flatten::<2>(1, 3).sum_dim(1).squeeze_dim::<1>(1); // [n]
        assert_eq!(values(vae_now), values(vae_before), "{backend}: per-image sum");

        // The LSTM's former per-pixel function.
        let log_q = log_sigmoid(logits.clone().neg());
        let lstm_before = (target.clone() * log_sigmoid(logits.clone()) + (target.clone().neg() + 1.0) * log_q).neg();
        assert_eq!(values(per_pixel.clone()), values(lstm_before), "{backend}: per pixel");

        // The binary cross-entropy on logits is its mean.
        let bce = binary_cross_entropy_with_logits(logits, target);
        assert_eq!(values(bce), values(per_pixel.mean()), "{backend}: BCE = mean NLL");
    }
}

/// `−ln σ(0) = ln 2`; `−ln(1 − σ(ln 3)) = ln 4`; `−ln σ(ln 3) = ln(4/3)`.
#[test]
fn bernoulli_nll_hand_values() {
    for (backend, device) in test_backends() {
        let ln3 = 3f32.ln();
        let logits = Tensor::<1>::from_floats([0.0, ln3, ln3, 0.0], &device);
        let target = Tensor::<1>::from_floats([1.0, 0.0, 1.0, 0.0], &device);
        let nll = values(bernoulli_nll(logits, target));
        let expected = [2f32.ln(), 4f32.ln(), (4.0f32 / 3.0).ln(), 2f32.ln()];
        for (got, want) in nll.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{backend}: {nll:?} vs {expected:?}");
        }
    }
}

/// The DQN's TD loss `mean(δ²)` and the autoencoder's `noisy_input_mse` were written inline as
/// `(a − b)²` averaged: `mean_squared_error` is the same arithmetic.
#[test]
fn mean_squared_error_is_the_inline_mean_of_squares() {
    for (backend, device) in test_backends() {
        let mut rng = Rng::new(7);
        let a = Tensor::<2>::from_data(TensorData::new(normal(&mut rng, 96, 2.0), [32, 3]), &device);
        let b = Tensor::<2>::from_data(TensorData::new(normal(&mut rng, 96, 2.0), [32, 3]), &device);
        let inline = (a.clone() - b.clone()).powi_scalar(2).mean();
        assert_eq!(values(mean_squared_error(a, b)), values(inline), "{backend}");
    }
}

/// Rows 0 and 2 are right, rows 1 and 3 wrong: accuracy ½.
#[test]
fn accuracy_counts_argmax_hits() {
    for (backend, device) in test_backends() {
        let logits =
            Tensor::<2>::from_floats([[2.0, 1.0, 0.0], [0.0, 1.0, 3.0], [0.1, 0.0, 0.5], [5.0, 0.0, 0.0]], &device);
        let labels = Tensor::<1, Int>::from_ints([0, 1, 2, 1], &device);
        assert_eq!(values(accuracy(logits, labels)), [0.5], "{backend}");
    }
}
