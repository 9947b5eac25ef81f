//! The game's losses, written on `D`'s logits `ℓ` with `D = σ(ℓ)`, `log D = log σ(ℓ)` and
//! `log(1 − D) = log σ(−ℓ)` (stable for any logit).

use atelier_layers::loss::binary_cross_entropy_with_logits;
use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;

use crate::config::GeneratorLoss;

/// The discriminator's BCE, real target `s` (1, or `< 1` with one-sided smoothing), fake target 0:
///
/// `L_D = −mean[ s·log D(x) + (1 − s)·log(1 − D(x)) ] − mean[ log(1 − D(G(z))) ]`
///
/// (the sum of the two batch means, as in PyTorch's reference; `2 ln 2` when `D ≡ ½`, `s = 1`).
/// `real_logits`, `fake_logits`: `[m, 1]` → `[1]`.
///
/// Both halves are the shared binary cross-entropy on logits,
/// [`atelier_layers::loss::binary_cross_entropy_with_logits`] (the mean of the per-element
/// Bernoulli NLL), with targets `s` and 0.
pub fn discriminator_loss(real_logits: Tensor<2>, fake_logits: Tensor<2>, real_target: f32) -> Tensor<1> {
    let real_targets = real_logits.ones_like().mul_scalar(real_target); // [m, 1], all s
    let fake_targets = fake_logits.zeros_like(); // [m, 1], all 0
    binary_cross_entropy_with_logits(real_logits, real_targets)
        + binary_cross_entropy_with_logits(fake_logits, fake_targets)
}

/// The generator's loss on `D`'s logits of fakes `[m, 1]` → `[1]`:
/// - minimax: `L_G = mean log(1 − D(G(z))) = mean log σ(−ℓ)`, `∂L_G/∂ℓ = −σ(ℓ)/m`;
/// - non-saturating: `L_G = −mean log D(G(z)) = −mean log σ(ℓ)`, `∂L_G/∂ℓ = −(1 − σ(ℓ))/m`.
pub fn generator_loss(kind: GeneratorLoss, fake_logits: Tensor<2>) -> Tensor<1> {
    match kind {
        GeneratorLoss::Minimax => log_sigmoid(fake_logits.neg()).mean(),
        GeneratorLoss::NonSaturating => log_sigmoid(fake_logits).mean().neg(),
    }
}

/// Mean `D(·) = σ(ℓ)` of a batch of logits `[m, 1]` → `[1]` (the curves of D(x) and D(G(z))).
pub fn mean_probability(logits: Tensor<2>) -> Tensor<1> {
    burn::tensor::activation::sigmoid(logits).mean()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap().autodiff()
    }

    fn logits(values: &[f32], device: &Device) -> Tensor<2> {
        Tensor::<1>::from_floats(values, device).reshape([values.len(), 1]).require_grad()
    }

    fn sigmoid(x: f32) -> f32 {
        1.0 / (1.0 + (-x).exp())
    }

    #[test]
    fn undecided_discriminator_loses_two_ln_two() {
        let device = device();
        let zero = Tensor::<2>::zeros([4, 1], &device);
        let loss = discriminator_loss(zero.clone(), zero, 1.0).into_scalar::<f32>();
        assert!((loss - 2.0 * std::f32::consts::LN_2).abs() < 1e-6, "{loss}");
    }

    #[test]
    fn discriminator_loss_matches_its_formula_with_smoothing() {
        let device = device();
        let (r, f) = ([2.0f32, -0.5], [0.3f32, -1.5]);
        let s = 0.9f32;
        let loss = discriminator_loss(logits(&r, &device), logits(&f, &device), s).into_scalar::<f32>();
        let real: f32 =
            r.iter().map(|&l| -(s * sigmoid(l).ln() + (1.0 - s) * (1.0 - sigmoid(l)).ln())).sum::<f32>() / 2.0;
        let fake: f32 = f.iter().map(|&l| -(1.0 - sigmoid(l)).ln()).sum::<f32>() / 2.0;
        assert!((loss - (real + fake)).abs() < 1e-5, "{loss} vs {}", real + fake);
    }

    /// The lecture's argument at chosen points: where `D` rejects a fake (ℓ = −6, D ≈ 0.0025) the
    /// minimax gradient is ~0 and the non-saturating one ~−1 (per image, before the 1/m of the mean).
    #[test]
    fn generator_losses_have_the_gradients_their_formulas_say() {
        let device = device();
        let points = [-6.0f32, -1.0, 0.0, 2.0];
        let m = points.len() as f32;
        for kind in [GeneratorLoss::Minimax, GeneratorLoss::NonSaturating] {
            let l = logits(&points, &device);
            let loss = generator_loss(kind, l.clone());
            let value = loss.clone().into_scalar::<f32>();
            let grads = loss.backward();
            let grad: Vec<f32> = l.grad(&grads).unwrap().into_data().try_into_vec_as::<f32>().unwrap();
            let mut expected_value = 0.0;
            for (&x, &g) in points.iter().zip(&grad) {
                let (expected_grad, term) = match kind {
                    GeneratorLoss::Minimax => (-sigmoid(x) / m, (1.0 - sigmoid(x)).ln()),
                    GeneratorLoss::NonSaturating => (-(1.0 - sigmoid(x)) / m, -sigmoid(x).ln()),
                };
                expected_value += term / m;
                assert!((g - expected_grad).abs() < 1e-6, "{kind:?} at ℓ = {x}: {g} vs {expected_grad}");
            }
            assert!((value - expected_value).abs() < 1e-5, "{kind:?}: {value} vs {expected_value}");
        }
        // Saturation, in numbers: at ℓ = −6 the minimax gradient is ~400× smaller.
        let minimax = sigmoid(-6.0);
        let non_saturating = 1.0 - sigmoid(-6.0);
        assert!(non_saturating / minimax > 400.0);
    }
}
