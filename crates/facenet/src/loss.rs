//! FaceNet's triplet loss with triplet selection inside the batch.
//!
//! With embeddings `f(x)` and squared distances `d(i, j) = ‖f(x_i) − f(x_j)‖²`, a triplet is an
//! anchor `a`, a positive `p` (same identity, `p ≠ a`) and a negative `n` (another identity):
//!
//! ```text
//!   ℓ(a, p, n) = max(0, d(a, p) − d(a, n) + α)
//!   L = 1/|T| · Σ_{(a,p,n) ∈ T} ℓ(a, p, n)
//! ```
//!
//! `T`, the triplets used, is chosen by [`Mining`] from the batch's `P × K` views: every positive
//! pair `(a, p)` of the batch with one negative each (semi-hard, hard, random), or every valid
//! triplet (all). The *active* fraction is the share of `T` with `ℓ > 0` (the others give no
//! gradient): FaceNet's reason to mine.

use burn::prelude::*;
use burn::tensor::{Bool, Distribution};

use crate::config::Mining;

/// Stands in for "no such negative" inside masked minima and maxima (squared distances are ≤ 4 on
/// the sphere; `BIG` is far outside any distance).
const BIG: f32 = 1.0e6;

/// The loss of a batch and how many of its triplets were active, both still on the device.
pub struct TripletLoss {
    /// `L`, `[1]`.
    pub loss: Tensor<1>,
    /// Share of the selected triplets with `ℓ > 0`, `[1]`.
    pub active_fraction: Tensor<1>,
}

/// `d(i, j) = ‖e_i − e_j‖² = ‖e_i‖² + ‖e_j‖² − 2 e_i·e_j`, clamped at 0 against rounding:
/// `[n, dim]` → `[n, n]`.
pub fn squared_distances(embeddings: Tensor<2>) -> Tensor<2> {
    let squares = embeddings.clone().powi_scalar(2).sum_dim(1); // [n, 1]
    let dots = embeddings.clone().matmul(embeddings.transpose()); // [n, n]
    (squares.clone() + squares.transpose() - dots * 2.0).clamp_min(0.0)
}

/// `same[i][j]`: views `i` and `j` show the same identity: `[n]` labels → `[n, n]`.
pub fn same_identity(labels: Tensor<1, Int>) -> Tensor<2, Bool> {
    let [n] = labels.dims();
    labels.clone().reshape([n, 1]).expand([n, n]).equal(labels.reshape([1, n]).expand([n, n]))
}

/// The triplet loss of `embeddings` `[n, dim]` with identities `labels` `[n]`, margin `α`,
/// triplets chosen by `mining`. The batch must hold at least one positive pair and one negative.
/// `Random` draws its negatives from the device's random stream (seeded by the loop per step).
pub fn triplet_loss(embeddings: Tensor<2>, labels: Tensor<1, Int>, margin: f32, mining: Mining) -> TripletLoss {
    let device = embeddings.device();
    let [n, _] = embeddings.dims();
    let d = squared_distances(embeddings); // [n, n]
    let same = same_identity(labels); // [n, n]
    let eye = Tensor::<2>::eye(n, &device).equal_elem(1.0); // [n, n]
    let positive = same.clone().bool_and(eye.bool_not()); // [a, p]: same identity, not itself
    let negative = same.bool_not(); // [a, n]
    let d_ap = d.clone().reshape([n, n, 1]).expand([n, n, n]); // [a, p, ·]
    let d_an = d.clone().reshape([n, 1, n]).expand([n, n, n]); // [a, ·, n]
    let negative3 = negative.clone().reshape([n, 1, n]).expand([n, n, n]); // [a, ·, n]
    let positive_f = positive.clone().float(); // [a, p]
    let pairs = positive_f.clone().sum(); // [1]

    if mining == Mining::All {
        // Every (a, p, n) with p a positive and n a negative of a.
        let valid = positive.reshape([n, n, 1]).expand([n, n, n]).bool_and(negative3).float(); // [a, p, n]
        let losses = (d_ap - d_an + margin).clamp_min(0.0) * valid.clone(); // [a, p, n]
        let count = valid.sum();
        let active = losses.clone().greater_elem(0.0).float().sum() / count.clone();
        return TripletLoss { loss: losses.sum() / count, active_fraction: active };
    }

    let d_an_chosen = match mining {
        Mining::SemiHard => {
            // Negatives farther than the positive: take the closest of them …
            let farther = negative3.clone().bool_and(d_an.clone().greater(d_ap.clone())); // [a, p, n]
            let semi_hard = d_an.clone().mask_fill(farther.clone().bool_not(), BIG).min_dim(2); // [a, p, 1]
            // … or, when there is none, the farthest negative.
            let farthest = d_an.mask_fill(negative3.bool_not(), -BIG).max_dim(2); // [a, p, 1]
            let exists = farther.float().sum_dim(2).greater_elem(0.0); // [a, p, 1]
            farthest.mask_where(exists, semi_hard)
        }
        Mining::Hard => d_an.mask_fill(negative3.bool_not(), BIG).min_dim(2), // [a, p, 1]
        Mining::Random => {
            let scores = d_an.random_like(Distribution::Uniform(0.0, 1.0)).mask_fill(negative3.bool_not(), -1.0);
            let pick = scores.argmax(2); // [a, p, 1]
            d_an.gather(2, pick) // [a, p, 1]
        }
        Mining::All => unreachable!("handled above"),
    };
    let losses = (d - d_an_chosen.reshape([n, n]) + margin).clamp_min(0.0) * positive_f.clone(); // [a, p]
    let active = losses.clone().greater_elem(0.0).float().sum() / pairs.clone();
    TripletLoss { loss: losses.sum() / pairs, active_fraction: active }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap()
    }

    /// Four points on a line (1-D embeddings, so distances are easy by hand):
    /// `a0 = 0, a1 = 0.1` (identity 0), `b0 = 0.3, b1 = 1.0` (identity 1).
    /// Squared distances: d(a0,a1) = 0.01, d(a0,b0) = 0.09, d(a0,b1) = 1, d(a1,b0) = 0.04,
    /// d(a1,b1) = 0.81, d(b0,b1) = 0.49, d(b0,a0) = 0.09, d(b0,a1) = 0.04, d(b1,a0) = 1, d(b1,a1) = 0.81.
    fn points(device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
        (Tensor::from_floats([[0.0], [0.1], [0.3], [1.0]], device), Tensor::from_ints([0, 0, 1, 1], device))
    }

    fn scalar(t: Tensor<1>) -> f32 {
        t.into_scalar::<f32>()
    }

    #[test]
    fn squared_distances_match_hand_values() {
        let device = device();
        let (e, _) = points(&device);
        let d = atelier_testkit::to_vec(squared_distances(e));
        let expect = [0.0, 0.01, 0.09, 1.0, 0.01, 0.0, 0.04, 0.81, 0.09, 0.04, 0.0, 0.49, 1.0, 0.81, 0.49, 0.0];
        for (got, want) in d.iter().zip(expect) {
            assert!((got - want).abs() < 1e-5, "{d:?}");
        }
    }

    /// Semi-hard with α = 0.2, by hand for the four positive pairs:
    /// - (a0,a1): d_ap 0.01; negatives 0.09, 1 both farther → closest 0.09: ℓ = 0.01 − 0.09 + 0.2 = 0.12
    /// - (a1,a0): d_ap 0.01; negatives 0.04, 0.81 → 0.04: ℓ = 0.17
    /// - (b0,b1): d_ap 0.49; negatives 0.09, 0.04, none farther → the farthest, 0.09: ℓ = 0.6
    /// - (b1,b0): d_ap 0.49; negatives 1, 0.81 → 0.81: ℓ = 0 (inactive)
    ///
    /// L = (0.12 + 0.17 + 0.6 + 0) / 4 = 0.2225, active 3/4.
    #[test]
    fn semi_hard_picks_the_closest_farther_negative_and_falls_back_to_the_farthest() {
        let device = device();
        let (e, labels) = points(&device);
        let out = triplet_loss(e, labels, 0.2, Mining::SemiHard);
        assert!((scalar(out.loss) - 0.2225).abs() < 1e-5);
        assert!((scalar(out.active_fraction) - 0.75).abs() < 1e-6);
    }

    /// Hard: the closest negative of each anchor. (a0,a1): 0.09 → 0.12; (a1,a0): 0.04 → 0.17;
    /// (b0,b1): 0.04 → 0.65; (b1,b0): 0.81 → 0 ⇒ L = 0.94 / 4 = 0.235, active 3/4.
    /// All: the eight triplets: (a0,a1,·) 0.12 and 0; (a1,a0,·) 0.17 and 0; (b0,b1,·) 0.6 and 0.65;
    /// (b1,b0,·) 0 and 0 ⇒ L = 1.54 / 8 = 0.1925, active 4/8.
    #[test]
    fn hard_and_all_match_hand_values() {
        let device = device();
        let (e, labels) = points(&device);
        let hard = triplet_loss(e.clone(), labels.clone(), 0.2, Mining::Hard);
        assert!((scalar(hard.loss) - 0.235).abs() < 1e-5);
        assert!((scalar(hard.active_fraction) - 0.75).abs() < 1e-6);
        let all = triplet_loss(e, labels, 0.2, Mining::All);
        assert!((scalar(all.loss) - 0.1925).abs() < 1e-5);
        assert!((scalar(all.active_fraction) - 0.5).abs() < 1e-6);
    }

    /// Random picks a negative: every anchor has two, so each pair's loss is one of two hand
    /// values, and the batch's loss one of the 16 sums (never a positive or the anchor itself).
    #[test]
    fn random_picks_only_negatives() {
        let _rng = atelier_testkit::shared_rng();
        let device = device();
        // a0 = 0, a1 = 0.1 (identity 0), b0 = 0.3, b1 = 0.5 (identity 1).
        let e = Tensor::<2>::from_floats([[0.0], [0.1], [0.3], [0.5]], &device);
        let labels = Tensor::<1, Int>::from_ints([0, 0, 1, 1], &device);
        for seed in 0..5 {
            device.seed(seed);
            let loss = scalar(triplet_loss(e.clone(), labels.clone(), 0.2, Mining::Random).loss);
            // (a0,a1): negatives 0.09 / 0.25 → 0.12 or 0; (a1,a0): 0.04 / 0.16 → 0.17 or 0.05;
            // (b0,b1): d_ap 0.04, negatives 0.09 / 0.04 → 0.15 or 0.2; (b1,b0): 0.25 / 0.16 → 0 or 0.08.
            let possible: Vec<f32> = [[0.12, 0.0], [0.17, 0.05], [0.15, 0.2], [0.0, 0.08]]
                .iter()
                .fold(vec![0.0f32], |sums, [x, y]| sums.iter().flat_map(|s| [s + x, s + y]).collect())
                .into_iter()
                .map(|s| s / 4.0)
                .collect();
            assert!(possible.iter().any(|p| (p - loss).abs() < 1e-5), "{loss} not among {possible:?}");
        }
    }

    /// The gradient of the semi-hard loss with respect to the embeddings, by hand: an active
    /// triplet adds `(2(a − p) − 2(a − n))/|T|` to ∂L/∂a, `−2(a − p)/|T|` to ∂L/∂p and
    /// `2(a − n)/|T|` to ∂L/∂n. With the three active triplets above (|T| = 4):
    /// (a0,a1,b0), (a1,a0,b0), (b0,b1,a0):
    /// ∂a0 = [2(0−0.1) − 2(0−0.3)]/4 + [−2(0.1−0)]/4 + [2(0.3−0)]/4 = (0.4 − 0.2 + 0.6)/4 = 0.2
    /// ∂a1 = [−2(0−0.1)]/4 + [2(0.1−0) − 2(0.1−0.3)]/4 = (0.2 + 0.6)/4 = 0.2
    /// ∂b0 = [2(0−0.3)]/4 + [2(0.1−0.3)]/4 + [2(0.3−1) − 2(0.3−0)]/4 = (−0.6 − 0.4 − 2.0)/4 = −0.75
    /// ∂b1 = [−2(0.3−1)]/4 = 0.35
    #[test]
    fn the_gradient_matches_the_hand_derivative() {
        let device = device().autodiff();
        let (e, labels) = points(&device);
        let e = e.require_grad();
        let out = triplet_loss(e.clone(), labels, 0.2, Mining::SemiHard);
        let grads = out.loss.backward();
        let g = atelier_testkit::to_vec(e.grad(&grads).unwrap());
        for (got, want) in g.iter().zip([0.2, 0.2, -0.75, 0.35]) {
            assert!((got - want).abs() < 1e-4, "{g:?}");
        }
    }
}
