//! Every hyper-parameter of the agent (the `model` part of a run's `config.json`), each with its
//! meaning. Training length is counted in environment steps.

use atelier_derive::Params;
use atelier_train::TrainConfig;
use atelier_train::{ClockUnit, RunClock};
use serde::{Deserialize, Serialize};

/// How the target network `Q_θ⁻` follows the online network `Q_θ`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetUpdate {
    /// `θ⁻ ← θ` every `every` environment steps (Mnih et al., 2015).
    Hard { every: u64 },
    /// Polyak averaging `θ⁻ ← τ·θ + (1 − τ)·θ⁻` every `every` environment steps (τ = 1 is a hard copy).
    Soft { tau: f64, every: u64 },
}

/// The per-sample loss on the TD error `δ = Q_θ(s, a) − y`, averaged over the batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TdLoss {
    /// `δ²`.
    Mse,
    /// `½δ²` for `|δ| ≤ κ`, `κ·(|δ| − ½κ)` beyond (PyTorch's `smooth_l1` for κ = 1): large errors
    /// get a bounded gradient.
    Huber { delta: f64 },
}

impl TdLoss {
    /// Every loss with its default parameter (Huber κ = 1), in the order `--help` lists them.
    pub const ALL: [TdLoss; 2] = [TdLoss::Mse, TdLoss::Huber { delta: 1.0 }];

    /// The name on the command line (`--loss`).
    pub fn name(&self) -> &'static str {
        match self {
            TdLoss::Mse => "mse",
            TdLoss::Huber { .. } => "huber",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            TdLoss::Mse => "δ²",
            TdLoss::Huber { .. } => "Huber with κ = 1 (smooth L1): large TD errors get a bounded gradient",
        }
    }
}

/// Which action the bootstrap `max` evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// `y = r + γ·max_a' Q_θ⁻(s', a')`: the target network chooses and evaluates.
    Dqn,
    /// `y = r + γ·Q_θ⁻(s', argmax_a' Q_θ(s', a'))`: the online network chooses, the target network
    /// evaluates (van Hasselt et al., 2016), which reduces the max operator's over-estimation.
    DoubleDqn,
}

impl TargetKind {
    /// Every target, in the order `--help` lists them.
    pub const ALL: [TargetKind; 2] = [TargetKind::Dqn, TargetKind::DoubleDqn];

    /// The name on the command line (`--target`).
    pub fn name(&self) -> &'static str {
        match self {
            TargetKind::Dqn => "dqn",
            TargetKind::DoubleDqn => "double-dqn",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            TargetKind::Dqn => "y = r + γ·max_a' Q⁻(s', a')",
            TargetKind::DoubleDqn => "y = r + γ·Q⁻(s', argmax_a' Q(s', a'))",
        }
    }
}

/// How Adam's learning rate changes over the run (the one schedule type of every model): the agent
/// counts environment steps, so `constant` or `linear` (to `end_factor · learning_rate` at
/// `total_steps`).
pub use atelier_train::LrSchedule;

/// The ε-greedy schedule: with probability ε the agent acts uniformly at random, otherwise greedily.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exploration {
    /// ε at step 0.
    pub start: f64,
    /// ε from the end of the decay on.
    pub end: f64,
    /// Fraction of `total_steps` over which ε falls linearly from `start` to `end`.
    pub fraction: f64,
}

atelier_core::choice_value!(TdLoss);
atelier_core::choice_value!(TargetKind);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct DqnConfig {
    /// Environment steps of the whole run.
    #[param]
    pub total_steps: u64,
    /// Hidden layer widths of the Q-network, comma-separated (ReLU after each): 4 → hidden… → 2.
    #[param(delimiter = ',')]
    pub hidden: Vec<usize>,
    /// Adam's learning rate (at step 0, see `lr_schedule`).
    #[param(flag = "lr")]
    pub learning_rate: f64,
    pub lr_schedule: LrSchedule,
    /// Discount factor γ of future rewards.
    #[param]
    pub gamma: f64,
    /// Replay buffer capacity in transitions (the oldest are overwritten).
    #[param]
    pub buffer_capacity: usize,
    /// Transitions per gradient update.
    #[param]
    pub batch_size: usize,
    /// Environment steps before the first update (the buffer fills while ε is high).
    #[param]
    pub learning_starts: u64,
    /// Environment steps between training phases.
    pub train_every: u64,
    /// Gradient updates in each training phase.
    pub gradient_steps: usize,
    pub target_update: TargetUpdate,
    pub exploration: Exploration,
    /// TD loss.
    #[param]
    pub loss: TdLoss,
    /// Bootstrap target.
    #[param]
    pub target: TargetKind,
    /// Clip each parameter tensor's gradient to this L2 norm (None: no clipping).
    pub max_grad_norm: Option<f64>,
    /// Environment steps between greedy evaluations (also written as checkpoints' eval table).
    #[param]
    pub eval_every: u64,
    /// Episodes per greedy evaluation during training.
    #[param]
    pub eval_episodes: usize,
}

impl Default for DqnConfig {
    /// CleanRL's network (4→120→84→2) with settings tuned so that three seeds reach a greedy
    /// 100-episode mean return ≥ 475 within 100k steps (see the README's DQN results).
    fn default() -> Self {
        Self {
            total_steps: 100_000,
            hidden: vec![120, 84],
            learning_rate: 1e-3,
            lr_schedule: LrSchedule::Linear { end_factor: 0.0 },
            gamma: 0.99,
            buffer_capacity: 100_000,
            batch_size: 64,
            learning_starts: 1_000,
            train_every: 256,
            gradient_steps: 64,
            target_update: TargetUpdate::Hard { every: 10 },
            exploration: Exploration { start: 1.0, end: 0.01, fraction: 0.16 },
            loss: TdLoss::Huber { delta: 1.0 },
            target: TargetKind::Dqn,
            max_grad_norm: Some(10.0),
            eval_every: 10_000,
            eval_episodes: 100,
        }
    }
}

impl DqnConfig {
    /// The loop's settings for an agent: its batch size, the TD loss read every 1,000 environment
    /// steps, a checkpoint (networks, optimizer and the replay buffer, ~5 MB) every 10,000. The
    /// length is `total_steps`; the loop's epochs do not apply.
    pub fn training(&self) -> TrainConfig {
        TrainConfig {
            batch_size: self.batch_size,
            log_every: 1_000,
            checkpoint_every: 10_000,
            ..TrainConfig::default()
        }
    }

    /// ε at environment step `step` (linear decay, then flat).
    pub fn epsilon(&self, step: u64) -> f64 {
        let Exploration { start, end, fraction } = self.exploration;
        let decay_steps = fraction * self.total_steps as f64;
        let progress = if decay_steps > 0.0 { (step as f64 / decay_steps).min(1.0) } else { 1.0 };
        start + (end - start) * progress
    }

    /// The learning rate for an update made after `step` environment steps.
    pub fn learning_rate_at(&self, step: u64) -> f64 {
        self.lr_schedule.rate(self.learning_rate, RunClock::Step { step, total: self.total_steps })
    }

    /// Refuses settings that cannot train, naming the setting and why.
    pub fn validate(&self) -> Result<(), String> {
        let positive =
            |name: &str, v: u64| if v == 0 { Err(format!("{name} must be at least 1 (got 0)")) } else { Ok(()) };
        positive("total_steps", self.total_steps)?;
        positive("batch_size", self.batch_size as u64)?;
        positive("buffer_capacity", self.buffer_capacity as u64)?;
        positive("train_every", self.train_every)?;
        positive("gradient_steps", self.gradient_steps as u64)?;
        positive("eval_every", self.eval_every)?;
        positive("eval_episodes", self.eval_episodes as u64)?;
        if let Some(i) = self.hidden.iter().position(|&w| w == 0) {
            return Err(format!("hidden[{i}] must be at least 1 (a layer of width 0)"));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        self.lr_schedule.validate(ClockUnit::Steps)?;
        if !(0.0..=1.0).contains(&self.gamma) {
            return Err(format!("gamma must be in [0, 1] (got {})", self.gamma));
        }
        if self.buffer_capacity < self.batch_size {
            return Err(format!(
                "buffer_capacity ({}) is smaller than batch_size ({}): a batch could never be filled with distinct transitions",
                self.buffer_capacity, self.batch_size
            ));
        }
        if self.learning_starts >= self.total_steps {
            return Err(format!(
                "learning_starts ({}) is not before total_steps ({}): learning would start after the run ends",
                self.learning_starts, self.total_steps
            ));
        }
        if (self.learning_starts as usize) < self.batch_size {
            return Err(format!(
                "learning_starts ({}) is smaller than batch_size ({}): the first batch would repeat a few transitions",
                self.learning_starts, self.batch_size
            ));
        }
        let Exploration { start, end, fraction } = self.exploration;
        for (name, value) in [("exploration.start (ε at step 0)", start), ("exploration.end (final ε)", end)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!("{name} must be in [0, 1] (got {value})"));
            }
        }
        if !(fraction > 0.0 && fraction <= 1.0) {
            return Err(format!("exploration.fraction must be in (0, 1] (got {fraction})"));
        }
        match self.target_update {
            TargetUpdate::Hard { every: 0 } | TargetUpdate::Soft { every: 0, .. } => {
                return Err("target_update.every must be at least 1 (got 0)".into());
            }
            TargetUpdate::Soft { tau, .. } if !(tau > 0.0 && tau <= 1.0) => {
                return Err(format!("target_update.tau must be in (0, 1] (got {tau})"));
            }
            _ => {}
        }
        if let TdLoss::Huber { delta } = self.loss
            && !(delta > 0.0 && delta.is_finite())
        {
            return Err(format!("loss.delta (Huber κ) must be positive (got {delta})"));
        }
        if let Some(norm) = self.max_grad_norm
            && !(norm > 0.0 && norm.is_finite())
        {
            return Err(format!("max_grad_norm must be positive (got {norm})"));
        }
        Ok(())
    }
}
