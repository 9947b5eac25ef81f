//! Environments: a small trait, and CartPole-v1 as every RL benchmark defines it.
//!
//! CartPole (Barto, Sutton and Anderson, 1983, in the form of gymnasium's `CartPole-v1`): a pole
//! hinged on a cart that moves along a frictionless track; the agent pushes the cart left or right
//! with a force of 10 N. With `F = ±10`, `m_c = 1.0`, `m_p = 0.1`, `M = m_c + m_p`, half-length
//! `l = 0.5`, `g = 9.8`, one step of `τ = 0.02 s` (explicit Euler, position first with the *old*
//! velocity):
//!
//! ```text
//!   temp  = (F + m_p·l·θ̇²·sin θ) / M
//!   θ̈     = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / M))
//!   ẍ     = temp − m_p·l·θ̈·cos θ / M
//!   x ← x + τ·ẋ,   ẋ ← ẋ + τ·ẍ,   θ ← θ + τ·θ̇,   θ̇ ← θ̇ + τ·θ̈
//! ```
//!
//! Every step earns reward 1 (the step that ends the episode included). The episode **terminates**
//! when `|x| > 2.4` or `|θ| > 12° = 12·2π/360 rad` (the pole fell: no future reward), and is
//! **truncated** after 500 steps (a time limit, not a property of the state: the future would have
//! gone on). The initial state is uniform in `[−0.05, 0.05]⁴`.
//!
//! The state is integrated in `f64` (as gymnasium does with NumPy floats) and observed as `f32`.

use atelier_core::Rng;
use serde::{Deserialize, Serialize};

/// What one step of an environment returns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition<O> {
    /// The observation after the step (for an ended episode: the final observation, before reset).
    pub observation: O,
    pub reward: f32,
    /// How the episode goes on after this step.
    pub end: EpisodeEnd,
}

/// Whether an episode ended at a step, and how. The difference matters for the TD target: a
/// terminal state has value 0, a truncated one still has `V(s') = max_a Q(s', a)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EpisodeEnd {
    /// The episode goes on.
    Running,
    /// A terminal state was reached (the pole fell or the cart left the track): no bootstrapping.
    Terminated,
    /// The time limit cut the episode: the target still bootstraps from the next state.
    Truncated,
}

impl EpisodeEnd {
    /// Whether a new episode must start.
    pub fn is_over(self) -> bool {
        self != EpisodeEnd::Running
    }
}

/// A discrete-action environment, driven by the caller's random source (so runs are reproducible).
///
/// Ours rather than `burn::rl::Environment`: see the crate documentation.
pub trait Environment {
    /// What the agent sees.
    type Observation: Copy;
    /// Number of discrete actions `0..ACTIONS`.
    const ACTIONS: usize;
    /// Starts a new episode; returns its first observation.
    fn reset(&mut self, rng: &mut Rng) -> Self::Observation;
    /// Applies `action` (in `0..ACTIONS`).
    fn step(&mut self, action: usize) -> Transition<Self::Observation>;
    /// The current observation.
    fn observation(&self) -> Self::Observation;
}

/// Gravity (m/s²).
pub const GRAVITY: f64 = 9.8;
pub const MASS_CART: f64 = 1.0;
pub const MASS_POLE: f64 = 0.1;
pub const TOTAL_MASS: f64 = MASS_CART + MASS_POLE;
/// Half the pole's length (gymnasium's `length`).
pub const HALF_LENGTH: f64 = 0.5;
pub const POLE_MASS_LENGTH: f64 = MASS_POLE * HALF_LENGTH;
/// Magnitude of the push (N).
pub const FORCE: f64 = 10.0;
/// Seconds per step.
pub const TAU: f64 = 0.02;
/// The pole has fallen beyond 12° (in radians, as gymnasium writes it: `12·2π/360`).
pub const THETA_THRESHOLD: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
/// The cart has left the track beyond ±2.4 m.
pub const X_THRESHOLD: f64 = 2.4;
/// CartPole-v1's time limit.
pub const MAX_EPISODE_STEPS: u32 = 500;
/// Half-width of the uniform initial state.
pub const INITIAL_BOUND: f32 = 0.05;

/// CartPole-v1. State `[x, ẋ, θ, θ̇]`; action 0 pushes left, 1 pushes right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartPole {
    /// `[x, ẋ, θ, θ̇]`.
    pub state: [f64; 4],
    /// Steps taken in the current episode.
    pub steps: u32,
}

impl Default for CartPole {
    fn default() -> Self {
        Self { state: [0.0; 4], steps: 0 }
    }
}

impl CartPole {
    /// A cart-pole starting from `state` (for tests and figures).
    pub fn from_state(state: [f64; 4]) -> Self {
        Self { state, steps: 0 }
    }

    /// One Euler step of the dynamics under push `action` (no episode bookkeeping).
    pub fn dynamics(state: [f64; 4], action: usize) -> [f64; 4] {
        let [x, x_dot, theta, theta_dot] = state;
        let force = if action == 1 { FORCE } else { -FORCE };
        let (sin, cos) = theta.sin_cos();
        let temp = (force + POLE_MASS_LENGTH * theta_dot * theta_dot * sin) / TOTAL_MASS;
        let theta_acc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
        let x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS;
        [x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot, theta_dot + TAU * theta_acc]
    }

    /// Whether `state` is terminal (pole fallen or cart off the track).
    pub fn is_terminal(state: [f64; 4]) -> bool {
        let [x, _, theta, _] = state;
        !(-X_THRESHOLD..=X_THRESHOLD).contains(&x) || !(-THETA_THRESHOLD..=THETA_THRESHOLD).contains(&theta)
    }
}

impl Environment for CartPole {
    type Observation = [f32; 4];
    const ACTIONS: usize = 2;

    fn reset(&mut self, rng: &mut Rng) -> [f32; 4] {
        self.state = std::array::from_fn(|_| f64::from(rng.uniform(-INITIAL_BOUND, INITIAL_BOUND)));
        self.steps = 0;
        self.observation()
    }

    fn step(&mut self, action: usize) -> Transition<[f32; 4]> {
        self.state = Self::dynamics(self.state, action);
        self.steps += 1;
        // A state both terminal and at the time limit is terminal: its value is truly 0.
        let end = if Self::is_terminal(self.state) {
            EpisodeEnd::Terminated
        } else if self.steps >= MAX_EPISODE_STEPS {
            EpisodeEnd::Truncated
        } else {
            EpisodeEnd::Running
        };
        Transition { observation: self.observation(), reward: 1.0, end }
    }

    fn observation(&self) -> [f32; 4] {
        self.state.map(|v| v as f32)
    }
}
