//! # The reinforcement-learning lecture: Deep Q-Learning on CartPole
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective**: `L(θ) = 1/N · Σᵢ ℓ(Q_θ(sᵢ, aᵢ) − yᵢ)` against the TD target
//!    `y = r + γ·(1 − d)·max_a' Q_θ⁻(s', a')` of `td.rs::td_target` ([`td::td_target`]).
//! 2. **Loss function**: `td.rs::td_loss` ([`td::td_loss`]): `ℓ = δ²` through
//!    `layers/src/loss.rs::mean_squared_error` ([`atelier_layers::loss::mean_squared_error`]), or Huber.
//! 3. **The update**: `agent.rs::DqnAgent::update_at` (private; [`agent::DqnAgent::update`] is the
//!    same at the initial rate): a batch from the replay buffer → targets from `Q_θ⁻` → TD loss →
//!    backward → one Adam step at the rate of `config.rs::DqnConfig::learning_rate_at`
//!    ([`config::DqnConfig::learning_rate_at`], the shared [`atelier_train::LrSchedule`] counted in
//!    environment steps). The agent loop runs `gradient_steps` such updates from `step` of
//!    `impl Agent for DqnAgent` every `train_every` environment steps.
//!
//! A **policy** `π(a | s)` maps situations to actions; the **reward** `r` defines the goal; the
//! agent maximises the expected discounted return `G_t = Σ_{k≥0} γᵏ·r_{t+k+1}`. The action value
//! `Q^π(s, a) = E[G_t | s_t = s, a_t = a]` estimates the long-term return of acting `a` in `s`;
//! the optimal one satisfies the **Bellman optimality equation**
//!
//! ```text
//!     Q*(s, a) = E[ r + γ·max_a' Q*(s', a') | s, a ]            (Q*(s', ·) = 0 for a terminal s')
//! ```
//!
//! and the greedy policy `π(s) = argmax_a Q*(s, a)` acts optimally without searching ahead.
//! **Deep Q-Learning** (Mnih et al., 2015) fits a network `Q_θ` to this fixed point by regression on
//! transitions `(s, a, r, s', d)` from a replay buffer `𝒟`, against a slowly moving copy `Q_θ⁻`
//! (the target network):
//!
//! ```text
//!     y      = r + γ·(1 − d)·max_a' Q_θ⁻(s', a')                   (d = 1 iff s' is terminal)
//!     L(θ)   = E_{(s,a,r,s',d) ~ 𝒟} [ ℓ(Q_θ(s, a) − y) ]           ℓ = δ² (MSE) or Huber
//!     θ     ← Adam(θ, ∇_θ L)        θ⁻ ← θ every N steps  (or θ⁻ ← τθ + (1−τ)θ⁻)
//! ```
//!
//! **Double DQN** (van Hasselt et al., 2016) lets the online network choose the next action and the
//! target network evaluate it: `y = r + γ·(1 − d)·Q_θ⁻(s', argmax_a' Q_θ(s', a'))`.
//! The agent explores **ε-greedily**: a uniformly random action with probability ε (falling
//! linearly from `exploration.start` to `exploration.end`), the greedy action otherwise.
//!
//! A **truncated** episode (CartPole's 500-step limit) is not terminal: `d = 0`, and the target
//! bootstraps from `s'`; only a real termination (pole fallen, cart off the track) sets `d = 1`.
//!
//! ## Modules
//! [`env`] CartPole-v1 and the environment trait · [`replay`] the buffer · [`model`] the Q-network ·
//! [`td`] the TD target and loss · [`agent`] the agent in the shared agent loop
//! (`atelier_train::agent::run_agent`) · [`figures`] the filmstrip · [`config`] every setting.
//!
//! ## Why not `burn::rl`
//! Burn 0.22 has an `Environment` trait and a `TransitionBuffer` in `burn::rl`, behind Burn's `rl`
//! feature. This workspace compiles Burn once with one feature set (`flex`, `ndarray`, `wgpu`);
//! enabling `rl` changes that set and recompiles Burn (25+ minutes here) for every user and CI
//! run. The buffer also has to be checkpointed exactly for resume (ours serialises to bytes and
//! samples from the run's seeded RNG; `TransitionBuffer` keeps device tensors and samples with
//! its own randomness), and our environment takes the caller's RNG on reset so that episodes are
//! a function of the run's seed. Both are small: [`env::Environment`] and [`replay::ReplayBuffer`].
//!
//! ## Departures from the references
//! - The default hyper-parameters are not CleanRL's (which need ~500k steps): the network is
//!   CleanRL's 4→120→84→2, the schedule follows the tuned Stable-Baselines3 zoo agent (training
//!   phases of many updates, hard target copies every 10 steps, short exploration) with fewer
//!   updates per phase (64) and a learning rate of 1e-3 decaying linearly to 0, which we measured
//!   to oscillate less late in the run (see [`config::DqnConfig::default`] and the README).
//! - DQN's greedy policy on CartPole oscillates between balancing for 500 steps and failing even
//!   late in training; the agent loop therefore also keeps the policy of the best greedy
//!   evaluation (as SB3's `EvalCallback` keeps a best model), and `eval` reports both.
//! - Burn's gradient clipping by norm clips each parameter tensor separately (PyTorch's
//!   `clip_grad_norm_`, used by SB3, clips the global norm of all of them).
//! - Acting and evaluation run on the plain (non-autodiff) device; the replay buffer lives on the
//!   host and copies one batch to the device per update.
//!
//! This crate does no file IO: the runner writes files; the agent loop is in `atelier-train`.

pub mod agent;
pub mod config;
pub mod env;
pub mod figures;
pub mod model;
pub mod replay;
pub mod td;

pub use agent::DqnAgent;
pub use config::{DqnConfig, Exploration, LrSchedule, TargetKind, TargetUpdate, TdLoss};
pub use env::{CartPole, Environment, EpisodeEnd};
pub mod lecture;
