//! The TD target and the TD loss.
//!
//! For a batch of transitions `(s, a, r, s', d)` with `d = 1` when `s'` is terminal:
//!
//! ```text
//!   DQN:         y = r + γ·(1 − d)·max_a' Q_θ⁻(s', a')
//!   Double DQN:  y = r + γ·(1 − d)·Q_θ⁻(s', argmax_a' Q_θ(s', a'))
//!   loss         L(θ) = 1/N · Σᵢ ℓ(Q_θ(sᵢ, aᵢ) − yᵢ)      (y is a constant: no gradient)
//! ```
//! A truncated episode has `d = 0`: its last state is not terminal, so its target still bootstraps.

use atelier_layers::loss::mean_squared_error;
use burn::prelude::*;

use crate::config::{TargetKind, TdLoss};

/// The TD targets `y`, `[n, 1]`, on the device of the inputs (no gradient).
///
/// # Shapes
/// `rewards`, `terminals`: `[n, 1]`; `next_q_target` (`Q_θ⁻(s', ·)`), `next_q_online` (`Q_θ(s', ·)`,
/// used by Double DQN only): `[n, actions]`.
pub fn td_target(
    kind: TargetKind,
    gamma: f64,
    rewards: Tensor<2>,
    terminals: Tensor<2>,
    next_q_target: Tensor<2>,
    next_q_online: Tensor<2>,
) -> Tensor<2> {
    let next_value = match kind {
        TargetKind::Dqn => next_q_target.max_dim(1), // [n, 1]
        TargetKind::DoubleDqn => {
            let chosen = next_q_online.argmax(1); // [n, 1] Int
            next_q_target.gather(1, chosen) // [n, 1]
        }
    };
    let continues = terminals.neg().add_scalar(1.0); // 1 − d
    (rewards + next_value * continues.mul_scalar(gamma)).detach()
}

/// The mean TD loss of `q_taken` (`Q_θ(s, a)`, `[n, 1]`) against targets `y` (`[n, 1]`).
///
/// - MSE: `1/N Σ δ²` ([`mean_squared_error`])
/// - Huber (κ): `1/N Σ h(δ)`, `h(δ) = ½δ²` for `|δ| ≤ κ`, `κ(|δ| − ½κ)` otherwise, computed as
///   `½·q² + κ·(|δ| − q)` with `q = min(|δ|, κ)`.
pub fn td_loss(loss: TdLoss, q_taken: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    match loss {
        TdLoss::Mse => mean_squared_error(q_taken, targets),
        TdLoss::Huber { delta: kappa } => {
            let abs = (q_taken - targets).abs(); // |δ|, [n, 1]
            let quadratic = abs.clone().clamp_max(kappa);
            let linear = abs - quadratic.clone();
            (quadratic.powi_scalar(2).mul_scalar(0.5) + linear.mul_scalar(kappa)).mean()
        }
    }
}
