//! The pixel-wise log loss and the pixel accuracy, both on the device.

use burn::prelude::*;
use burn::tensor::activation::log_softmax;

/// Pixel-wise cross-entropy of class scores `z` `[n, K, h, w]` with true classes `y` `[n, h, w]`,
/// averaged over the pixels `p` and weighted by class:
///
/// ```text
///   L = − Σ_p w_{y_p} · log softmax(z_p)_{y_p}  /  Σ_p w_{y_p}
/// ```
///
/// the lecture's `−Σ_classes y log ŷ` at every pixel (`y` one-hot, so only the true class's term
/// survives). Without weights (`w ≡ 1`) it is the plain mean over the `n·h·w` pixels; with weights
/// it is PyTorch's `cross_entropy(weight=w)` convention (normalised by the weights of the pixels'
/// classes, so `L` stays on the scale of one pixel's log loss).
pub fn pixel_cross_entropy(logits: Tensor<4>, masks: Tensor<3, Int>, weights: Option<Tensor<1>>) -> Tensor<1> {
    let [n, _, h, w] = logits.dims();
    let log_p = log_softmax(logits, 1); // [n, K, h, w]
    let true_log_p = log_p.gather(1, masks.clone().reshape([n, 1, h, w])); // [n, 1, h, w]
    match weights {
        None => true_log_p.mean().neg(),
        Some(weights) => {
            let pixel_weights = weights.select(0, masks.reshape([n * h * w])).reshape([n, 1, h, w]); // w_{y_p}
            (true_log_p * pixel_weights.clone()).sum().neg() / pixel_weights.sum()
        }
    }
}

/// The class with the highest score at every pixel: `[n, K, h, w]` → `[n, h, w]`.
pub fn predict(logits: Tensor<4>) -> Tensor<3, Int> {
    let [n, _, h, w] = logits.dims();
    logits.argmax(1).reshape([n, h, w])
}

/// Fraction of pixels whose predicted class is the true one, a `[1]` tensor on the device.
pub fn pixel_accuracy(logits: Tensor<4>, masks: Tensor<3, Int>) -> Tensor<1> {
    predict(logits).equal(masks).float().mean()
}

/// Inverse-frequency class weights from the training masks' pixel counts:
/// `w_k = N / (K · N_k)` with `N = Σ_k N_k` (a class of average frequency weighs 1); a class with no
/// pixels gets 0 (no pixel of it is ever weighed).
pub fn inverse_frequency_weights(counts: &[u64]) -> Vec<f32> {
    let total: u64 = counts.iter().sum();
    let classes = counts.len() as f64;
    counts
        .iter()
        .map(|&count| if count == 0 { 0.0 } else { (total as f64 / (classes * count as f64)) as f32 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap().autodiff()
    }

    /// Two pixels (a 1×1×2 image), three classes, scores z₀ = (0, ln 2, 0) and z₁ = (ln 3, 0, 0),
    /// true classes 1 and 2. By hand: softmax(z₀) = (1, 2, 1)/4, so −log ŷ₀ = ln 2; softmax(z₁) =
    /// (3, 1, 1)/5, so −log ŷ₁ = ln 5. Plain mean: (ln 2 + ln 5)/2 = ln 10 / 2. With weights
    /// w = (1, 3, 1): (3 ln 2 + ln 5)/(3 + 1).
    #[test]
    fn the_loss_matches_a_hand_computation_plain_and_weighted() {
        let device = device();
        let (l2, l3) = (2f32.ln(), 3f32.ln());
        // [n=1, K=3, h=1, w=2]: class-major, then the two pixels.
        let logits = Tensor::<1>::from_floats([0.0, l3, l2, 0.0, 0.0, 0.0], &device).reshape([1, 3, 1, 2]);
        let masks = Tensor::<1, Int>::from_ints([1, 2], &device).reshape([1, 1, 2]);
        let plain = pixel_cross_entropy(logits.clone(), masks.clone(), None).into_scalar::<f32>();
        assert!((plain - 10f32.ln() / 2.0).abs() < 1e-6, "{plain}");
        let weights = Tensor::<1>::from_floats([1.0, 3.0, 1.0], &device);
        let weighted = pixel_cross_entropy(logits.clone(), masks.clone(), Some(weights)).into_scalar::<f32>();
        assert!((weighted - (3.0 * l2 + 5f32.ln()) / 4.0).abs() < 1e-6, "{weighted}");
        // Uniform weights are the plain mean.
        let uniform = Tensor::<1>::from_floats([2.0, 2.0, 2.0], &device);
        let same = pixel_cross_entropy(logits.clone(), masks.clone(), Some(uniform)).into_scalar::<f32>();
        assert!((same - plain).abs() < 1e-6);
        // Predictions: pixel 0 → class 1 (right), pixel 1 → class 0 (wrong).
        assert_eq!(atelier_testkit::to_vec(predict(logits.clone()).float()), [1.0, 0.0]);
        assert_eq!(pixel_accuracy(logits, masks).into_scalar::<f32>(), 0.5);
    }

    /// ∂L/∂z_{p,k} = (softmax(z_p)_k − [k = y_p]) / P for the plain mean over P pixels.
    #[test]
    fn the_gradient_is_softmax_minus_one_hot_over_the_pixel_count() {
        let device = device();
        let values = [0.5, -1.0, 2.0, 0.0, 1.0, 0.3];
        let logits = Tensor::<1>::from_floats(values, &device).reshape([1, 3, 1, 2]).require_grad();
        let masks = Tensor::<1, Int>::from_ints([0, 2], &device).reshape([1, 1, 2]);
        let grads = pixel_cross_entropy(logits.clone(), masks, None).backward();
        let grad = atelier_testkit::to_vec(logits.grad(&grads).unwrap());
        for (pixel, truth) in [(0usize, 0usize), (1, 2)] {
            let z: Vec<f32> = (0..3).map(|k| values[k * 2 + pixel]).collect();
            let total: f32 = z.iter().map(|v| v.exp()).sum();
            for k in 0..3 {
                let expected = (z[k].exp() / total - if k == truth { 1.0 } else { 0.0 }) / 2.0;
                assert!((grad[k * 2 + pixel] - expected).abs() < 1e-6, "pixel {pixel} class {k}");
            }
        }
    }

    #[test]
    fn inverse_frequency_weighs_rare_classes_up() {
        // N = 100, K = 4: 70 → 100/280, 20 → 100/80, 10 → 100/40, 0 → 0.
        let w = inverse_frequency_weights(&[70, 20, 10, 0]);
        let expected = [100.0 / 280.0, 1.25, 2.5, 0.0];
        assert!(w.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-6), "{w:?}");
    }
}
