//! CycleGAN's losses, each with its formula. Images are in the models' `[−1, 1]` range; `D`'s
//! outputs are raw patch scores (no sigmoid: the least-squares GAN of Mao et al. 2017).

use burn::prelude::*;

/// One discriminator's least-squares loss,
/// `L_D = ½·[ mean (D(y) − 1)² + mean D(ŷ)² ]` over every patch score of the real images `y` and
/// the generated `ŷ` (from the history buffer). `real`, `fake`: `[n, 1, p, p]` → `[1]`.
pub fn discriminator_loss(real: Tensor<4>, fake: Tensor<4>) -> Tensor<1> {
    (real.sub_scalar(1.0).powi_scalar(2).mean() + fake.powi_scalar(2).mean()).mul_scalar(0.5)
}

/// A generator's least-squares adversarial loss, `L_GAN = mean (D(G(x)) − 1)²`:
/// `∂/∂D(G(x)) = 2·(D(G(x)) − 1)/N`. `fake`: `[n, 1, p, p]` → `[1]`.
pub fn generator_adversarial_loss(fake: Tensor<4>) -> Tensor<1> {
    fake.sub_scalar(1.0).powi_scalar(2).mean()
}

/// Cycle consistency of one direction, `‖F(G(x)) − x‖₁` as the mean absolute difference over
/// pixels and channels. `reconstructed`, `original`: `[n, c, s, s]` → `[1]`.
pub fn cycle_loss(reconstructed: Tensor<4>, original: Tensor<4>) -> Tensor<1> {
    (reconstructed - original).abs().mean()
}

/// The identity loss of one generator, `‖G(y) − y‖₁` (mean): a generator fed an image of its
/// own output domain should leave it alone (it keeps colours; zero for an identity map).
/// `mapped`, `original`: `[n, c, s, s]` → `[1]`.
pub fn identity_loss(mapped: Tensor<4>, original: Tensor<4>) -> Tensor<1> {
    (mapped - original).abs().mean()
}

/// The generators' terms of one step (each `[1]`, `None` when its weight is 0 and it was not
/// computed).
pub struct GeneratorTerms {
    /// `L_GAN(G, D_Y)`.
    pub gan_xy: Tensor<1>,
    /// `L_GAN(F, D_X)`.
    pub gan_yx: Tensor<1>,
    /// `‖F(G(x)) − x‖₁`.
    pub cycle_x: Tensor<1>,
    /// `‖G(F(y)) − y‖₁`.
    pub cycle_y: Tensor<1>,
    /// `‖F(x) − x‖₁`, `‖G(y) − y‖₁`.
    pub identity: Option<(Tensor<1>, Tensor<1>)>,
}

/// `L = L_GAN(G, D_Y) + L_GAN(F, D_X) + λ_cyc·(‖F(G(x)) − x‖₁ + ‖G(F(y)) − y‖₁)
///      + λ_id·(‖F(x) − x‖₁ + ‖G(y) − y‖₁)`, what both generators descend together.
pub fn generator_objective(terms: &GeneratorTerms, cycle_weight: f64, identity_weight: f64) -> Tensor<1> {
    let mut total = terms.gan_xy.clone() + terms.gan_yx.clone();
    if cycle_weight > 0.0 {
        total = total + (terms.cycle_x.clone() + terms.cycle_y.clone()).mul_scalar(cycle_weight);
    }
    if let (Some((x, y)), true) = (&terms.identity, identity_weight > 0.0) {
        total = total + (x.clone() + y.clone()).mul_scalar(identity_weight);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_testkit::{patches, scalar, to_vec};

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap().autodiff()
    }

    #[test]
    fn discriminator_loss_on_chosen_scores() {
        let device = device();
        // Real scores 1, 0, 2, 1 → (0 + 1 + 1 + 0)/4 = ½; fake scores 0, 1, −1, 2 → (0 + 1 + 1 + 4)/4 = 3/2.
        let (real, fake) = (patches(&[1., 0., 2., 1.], &device), patches(&[0., 1., -1., 2.], &device));
        let loss = discriminator_loss(real.clone(), fake.clone());
        assert!((scalar(loss.clone()) - 0.5 * (0.5 + 1.5)).abs() < 1e-6);
        let grads = loss.backward();
        // ∂/∂real = ½·2(r − 1)/4, ∂/∂fake = ½·2f/4.
        assert_eq!(to_vec(real.grad(&grads).unwrap()), [0.0, -0.25, 0.25, 0.0]);
        assert_eq!(to_vec(fake.grad(&grads).unwrap()), [0.0, 0.25, -0.25, 0.5]);
        // A perfect discriminator (1 on real, 0 on fake) loses nothing.
        let perfect = discriminator_loss(patches(&[1.; 4], &device), patches(&[0.; 4], &device));
        assert_eq!(scalar(perfect), 0.0);
    }

    #[test]
    fn adversarial_loss_and_its_gradient() {
        let device = device();
        let scores = [0.0f32, 1.0, 0.5, 3.0];
        let fake = patches(&scores, &device);
        let loss = generator_adversarial_loss(fake.clone());
        // (1 + 0 + ¼ + 4)/4 = 21/16.
        assert!((scalar(loss.clone()) - 21.0 / 16.0).abs() < 1e-6);
        let grad = to_vec(fake.grad(&loss.backward()).unwrap());
        for (&s, &g) in scores.iter().zip(&grad) {
            assert!((g - 2.0 * (s - 1.0) / 4.0).abs() < 1e-6, "at {s}: {g}");
        }
    }

    #[test]
    fn cycle_loss_and_its_gradient() {
        let device = device();
        let rec = patches(&[0.5, -0.5, 1.0, 0.0], &device);
        let orig = patches(&[0.0, 0.0, 0.0, 0.25], &device);
        let loss = cycle_loss(rec.clone(), orig);
        assert!((scalar(loss.clone()) - (0.5 + 0.5 + 1.0 + 0.25) / 4.0).abs() < 1e-6);
        assert_eq!(to_vec(rec.grad(&loss.backward()).unwrap()), [0.25, -0.25, 0.25, -0.25]);
    }

    #[test]
    fn identity_loss_is_zero_for_an_identity_map() {
        let device = device();
        let y = patches(&[0.3, -0.7, 0.9, 0.1], &device);
        assert_eq!(scalar(identity_loss(y.clone(), y.clone())), 0.0);
        assert!((scalar(identity_loss(y.clone().add_scalar(0.1), y)) - 0.1).abs() < 1e-6);
    }

    #[test]
    fn the_objective_weighs_its_terms() {
        let device = device();
        let t = |v: f32| Tensor::<1>::from_floats([v], &device);
        let terms = GeneratorTerms {
            gan_xy: t(0.25),
            gan_yx: t(0.5),
            cycle_x: t(0.1),
            cycle_y: t(0.2),
            identity: Some((t(0.01), t(0.03))),
        };
        // 0.75 + 10·0.3 + 5·0.04 = 3.95.
        assert!((scalar(generator_objective(&terms, 10.0, 5.0)) - 3.95).abs() < 1e-5);
        // λ_cyc = 0, λ_id = 0: the adversarial terms alone.
        assert!((scalar(generator_objective(&terms, 0.0, 0.0)) - 0.75).abs() < 1e-6);
    }
}
