//! pix2pix's losses. `D`'s outputs are logits `ℓ`, one per patch, with `D = σ(ℓ)`,
//! `log D = log σ(ℓ)` and `log(1 − D) = log σ(−ℓ)` (stable for any logit); every mean runs over
//! every patch of every image.

use burn::prelude::*;
use burn::tensor::activation::{log_sigmoid, sigmoid};

/// The discriminator's loss, halved as in the paper ("we divide the objective by 2 while
/// optimizing D"):
///
/// `L_D = ½·[ BCE(D(x, y), 1) + BCE(D(x, G(x)), 0) ] = ½·[ −mean log σ(ℓ_real) − mean log σ(−ℓ_fake) ]`
///
/// (`ln 2` when every logit is 0). `real_logits`, `fake_logits`: `[n, 1, p, p]` → `[1]`.
pub fn discriminator_loss(real_logits: Tensor<4>, fake_logits: Tensor<4>) -> Tensor<1> {
    let real = log_sigmoid(real_logits).mean().neg(); // BCE(ℓ_real, 1) [1]
    let fake = log_sigmoid(fake_logits.neg()).mean().neg(); // BCE(ℓ_fake, 0) [1]
    (real + fake).mul_scalar(0.5)
}

/// The generator's adversarial loss, non-saturating (pix2pix's choice):
///
/// `L_adv = BCE(D(x, G(x)), 1) = −mean log σ(ℓ_fake)`,  `∂L_adv/∂ℓ = −(1 − σ(ℓ))/N`
///
/// over the `N` patch logits. `fake_logits`: `[n, 1, p, p]` → `[1]`.
pub fn generator_adversarial_loss(fake_logits: Tensor<4>) -> Tensor<1> {
    log_sigmoid(fake_logits).mean().neg()
}

/// `L_L1 = mean |y − G(x)|` over every pixel and channel (in the models' `[−1, 1]` range),
/// `∂L_L1/∂G(x) = sign(G(x) − y)/N`. `output`, `target`: `[n, c, s, s]` → `[1]`.
pub fn l1_loss(output: Tensor<4>, target: Tensor<4>) -> Tensor<1> {
    (target - output).abs().mean()
}

/// The generator's whole loss: `L_G = gan_weight·L_adv + λ·L_L1` (`[1]` each, `[1]` out).
pub fn generator_loss(adversarial: Tensor<1>, l1: Tensor<1>, gan_weight: f64, l1_weight: f64) -> Tensor<1> {
    adversarial.mul_scalar(gan_weight) + l1.mul_scalar(l1_weight)
}

/// Mean `D = σ(ℓ)` over every patch of a batch of logits `[n, 1, p, p]` → `[1]`.
pub fn mean_probability(logits: Tensor<4>) -> Tensor<1> {
    sigmoid(logits).mean()
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_testkit::{patches, scalar, to_vec};
    use std::f32::consts::LN_2;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap().autodiff()
    }

    fn sigmoid(x: f32) -> f32 {
        1.0 / (1.0 + (-x).exp())
    }

    #[test]
    fn undecided_discriminator_loses_ln_two() {
        let device = device();
        let zero = Tensor::<4>::zeros([2, 1, 14, 14], &device);
        let d = scalar(discriminator_loss(zero.clone(), zero.clone()));
        assert!((d - LN_2).abs() < 1e-6, "½·(ln 2 + ln 2) = ln 2, got {d}");
        let adv = scalar(generator_adversarial_loss(zero));
        assert!((adv - LN_2).abs() < 1e-6, "{adv}");
    }

    #[test]
    fn discriminator_loss_matches_its_formula() {
        let device = device();
        let (r, f) = ([2.0f32, -0.5, 1.0, 0.0], [0.3f32, -1.5, -3.0, 4.0]);
        let loss = scalar(discriminator_loss(patches(&r, &device), patches(&f, &device)));
        let real: f32 = r.iter().map(|&l| -sigmoid(l).ln()).sum::<f32>() / 4.0;
        let fake: f32 = f.iter().map(|&l| -(1.0 - sigmoid(l)).ln()).sum::<f32>() / 4.0;
        let expected = 0.5 * (real + fake);
        assert!((loss - expected).abs() < 1e-5, "{loss} vs {expected}");
    }

    #[test]
    fn adversarial_gradient_is_minus_one_minus_sigma_over_n() {
        let device = device();
        let points = [-6.0f32, -1.0, 0.0, 2.0];
        let n = points.len() as f32;
        let logits = patches(&points, &device);
        let loss = generator_adversarial_loss(logits.clone());
        let expected: f32 = points.iter().map(|&l| -sigmoid(l).ln()).sum::<f32>() / n;
        assert!((scalar(loss.clone()) - expected).abs() < 1e-5);
        let grads = loss.backward();
        let grad = to_vec(logits.grad(&grads).unwrap());
        for (&l, &g) in points.iter().zip(&grad) {
            let want = -(1.0 - sigmoid(l)) / n;
            assert!((g - want).abs() < 1e-6, "at ℓ = {l}: {g} vs {want}");
        }
    }

    #[test]
    fn l1_value_and_gradient() {
        let device = device();
        let output = [0.5f32, -0.25, 1.0, -1.0, 0.0, 0.75];
        let target = [0.0f32, 0.25, 1.5, -0.5, -0.5, 0.25];
        let n = output.len() as f32;
        let out = patches(&output, &device);
        let loss = l1_loss(out.clone(), patches(&target, &device));
        // |0.5| + |−0.5| + |−0.5| + |−0.5| + |0.5| + |0.5| = 3, over 6.
        assert!((scalar(loss.clone()) - 0.5).abs() < 1e-6);
        let grads = loss.backward();
        let grad = to_vec(out.grad(&grads).unwrap());
        for ((&o, &t), &g) in output.iter().zip(&target).zip(&grad) {
            let want = (o - t).signum() / n;
            assert!((g - want).abs() < 1e-6, "{o} vs {t}: {g} vs {want}");
        }
    }

    #[test]
    fn generator_loss_weighs_its_terms() {
        let device = device();
        let adv = Tensor::<1>::from_floats([0.7], &device);
        let l1 = Tensor::<1>::from_floats([0.2], &device);
        let total = scalar(generator_loss(adv.clone(), l1.clone(), 1.0, 100.0));
        assert!((total - 20.7).abs() < 1e-4, "{total}");
        assert!((scalar(generator_loss(adv, l1, 0.0, 100.0)) - 20.0).abs() < 1e-4);
    }
}
