//! Each formula lives once, in `atelier_layers::loss`: these tests hold every shared loss to values
//! computed independently of it — by hand, or in float64 with Python's `math` module (the script is
//! beside each test) — forward and gradient, on every test backend, and at magnitudes where a naive
//! formula overflows.

use atelier_backend::test_backends;
use atelier_layers::loss::{
    accuracy, bernoulli_nll, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_activity,
    mean_squared_error,
};
use burn::prelude::*;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

fn assert_close(got: &[f32], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((f64::from(*g) - w).abs() <= tolerance * w.abs().max(1.0), "{what}: {got:?} vs {want:?}");
    }
}

/// Mean cross-entropy of softmax logits and its gradient `(softmax(z) − onehot(y)) / n`, against
/// float64 values from:
///
/// ```python
/// import math
/// def ce(rows, labels):
///     losses, grads = [], []
///     for r, l in zip(rows, labels):
///         m = max(r); lse = m + math.log(sum(math.exp(x - m) for x in r))
///         losses.append(lse - r[l])
///         grads.append([(math.exp(x - lse) - (j == l)) / len(rows) for j, x in enumerate(r)])
///     return sum(losses) / len(losses), grads
/// ce([[1, 2, 3], [1, 1, 1], [0, -2, 4]], [2, 0, 1])
/// ```
#[test]
fn cross_entropy_matches_values_computed_apart() {
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let logits =
            Tensor::<2>::from_floats([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.0, -2.0, 4.0]], &device).require_grad();
        let labels = Tensor::<1, Int>::from_ints([2, 0, 1], &device);
        let loss = cross_entropy(logits.clone(), labels);
        assert_close(&values(loss.clone()), &[2.5089331306866067], 1e-6, &format!("{backend}: loss"));
        let grads = loss.backward();
        let gradient = values(logits.grad(&grads).unwrap());
        let expected = [
            0.030010191056793478,
            0.08157615701826586,
            -0.11158634807505945,
            -0.22222222222222224,
            0.11111111111111106,
            0.11111111111111106,
            0.005980844934443066,
            -0.3325239139901362,
            0.32654306905569325,
        ];
        assert_close(&gradient, &expected, 1e-5, &format!("{backend}: gradient"));
    }
}

/// Logits a thousand apart: `−ln softmax` is 0 for the top class and 1000 for the other (a naive
/// `ln(Σ exp)` overflows to ∞ in f32).
#[test]
fn cross_entropy_is_stable_at_large_logits() {
    for (backend, device) in test_backends() {
        let logits = Tensor::<2>::from_floats([[1000.0, 0.0], [1000.0, 0.0]], &device);
        let right = cross_entropy(logits.clone().narrow(0, 0, 1), Tensor::<1, Int>::from_ints([0], &device));
        let wrong = cross_entropy(logits.narrow(0, 1, 1), Tensor::<1, Int>::from_ints([1], &device));
        assert_close(&values(right), &[0.0], 1e-6, &format!("{backend}: right"));
        assert_close(&values(wrong), &[1000.0], 1e-6, &format!("{backend}: wrong"));
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

/// `∂/∂s −[x ln σ(s) + (1 − x) ln σ(−s)] = σ(s) − x`: at the logits above, `σ(0) = ½` and
/// `σ(ln 3) = ¾`, so the gradient is `[−½, ¾, −¼, ½]`; the binary cross-entropy is the mean,
/// `(ln 2 + ln 4 + ln(4/3) + ln 2) / 4 = (4 ln 2 + ln(4/3)) / 4`.
#[test]
fn bernoulli_nll_gradient_and_the_binary_cross_entropy_by_hand() {
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let ln3 = 3f32.ln();
        let logits = Tensor::<1>::from_floats([0.0, ln3, ln3, 0.0], &device).require_grad();
        let target = Tensor::<1>::from_floats([1.0, 0.0, 1.0, 0.0], &device);
        let grads = bernoulli_nll(logits.clone(), target.clone()).sum().backward();
        assert_close(&values(logits.grad(&grads).unwrap()), &[-0.5, 0.75, -0.25, 0.5], 1e-6, &format!("{backend}"));
        let bce = values(binary_cross_entropy_with_logits(logits, target));
        let expected = (4.0 * 2f64.ln() + (4.0f64 / 3.0).ln()) / 4.0;
        assert_close(&bce, &[expected], 1e-6, &format!("{backend}: BCE"));
    }
}

/// A logit of ±100 with the wrong target costs 100 nats, and the right one ≈ e⁻¹⁰⁰ ≈ 0 (a naive
/// `ln(1 − σ(s))` gives `ln 0 = −∞` in f32).
#[test]
fn bernoulli_nll_is_stable_at_large_logits() {
    for (backend, device) in test_backends() {
        let logits = Tensor::<1>::from_floats([100.0, -100.0, 100.0], &device);
        let target = Tensor::<1>::from_floats([0.0, 1.0, 1.0], &device);
        assert_close(&values(bernoulli_nll(logits, target)), &[100.0, 100.0, 0.0], 1e-6, &format!("{backend}"));
    }
}

/// `a − b = [1, 0, −2, 3]`: the mean square is `(1 + 0 + 4 + 9) / 4 = 3.5` and its gradient in `a`
/// is `2(a − b) / 4 = [0.5, 0, −1, 1.5]`.
#[test]
fn mean_squared_error_by_hand() {
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let a = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device).require_grad();
        let b = Tensor::<2>::from_floats([[0.0, 2.0], [5.0, 1.0]], &device);
        let loss = mean_squared_error(a.clone(), b);
        assert_close(&values(loss.clone()), &[3.5], 1e-7, &format!("{backend}: loss"));
        let grads = loss.backward();
        assert_close(&values(a.grad(&grads).unwrap()), &[0.5, 0.0, -1.0, 1.5], 1e-7, &format!("{backend}: gradient"));
    }
}

/// `p = [½, ¼]`, `y = [1, 0]`: `−(ln ½ + ln ¾) / 2 = (ln 2 + ln(4/3)) / 2`; a saturated `p = 0` with
/// `y = 1` is clamped to ε = 1e-7: `−ln 1e-7 ≈ 16.118`, large but finite.
#[test]
fn binary_cross_entropy_on_probabilities_by_hand() {
    for (backend, device) in test_backends() {
        let p = Tensor::<1>::from_floats([0.5, 0.25], &device);
        let y = Tensor::<1>::from_floats([1.0, 0.0], &device);
        let expected = (2f64.ln() + (4.0f64 / 3.0).ln()) / 2.0;
        assert_close(&values(binary_cross_entropy(p, y)), &[expected], 1e-6, &format!("{backend}"));
        let saturated =
            binary_cross_entropy(Tensor::<1>::from_floats([0.0], &device), Tensor::from_floats([1.0], &device));
        assert_close(&values(saturated), &[-(1e-7f64.ln())], 1e-3, &format!("{backend}: clamped"));
    }
}

/// Codes `[[1, −2], [0, 3]]`: `Σ|a| = 6` over a batch of 2, times λ = 0.5: `1.5`.
#[test]
fn l1_activity_by_hand() {
    for (backend, device) in test_backends() {
        let code = Tensor::<2>::from_floats([[1.0, -2.0], [0.0, 3.0]], &device);
        assert_close(&values(l1_activity(code, 0.5)), &[1.5], 1e-7, &format!("{backend}"));
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
