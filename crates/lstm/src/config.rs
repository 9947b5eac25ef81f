//! The sequences lecture's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// The factor of a step-decay schedule unless `--lr-decay-factor` says otherwise.
pub const DEFAULT_LR_DECAY_FACTOR: f64 = atelier_train::schedule::DEFAULT_DECAY_FACTOR;

/// Which recurrent cell a model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    /// Our LSTM, written from the lecture's equations ([`crate::cell::LstmCell`]).
    Ours,
    /// Burn's `burn::nn::Lstm` (the same function, shown equal by a test).
    Burn,
    /// The plain RNN `h_t = tanh(W·[h_{t−1}, x_t] + b)` ([`crate::cell::RnnCell`]): no memory cell.
    Rnn,
}

impl CellKind {
    /// Every cell, in the order `--help` lists them.
    pub const ALL: [CellKind; 3] = [CellKind::Ours, CellKind::Burn, CellKind::Rnn];

    /// The name on the command line (`--cell`).
    pub fn name(&self) -> &'static str {
        match self {
            CellKind::Ours => "ours",
            CellKind::Burn => "burn",
            CellKind::Rnn => "rnn",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            CellKind::Ours => "our LSTM, written from the lecture's equations",
            CellKind::Burn => "Burn's nn::Lstm",
            CellKind::Rnn => "the plain RNN h_t = tanh(W·[h_{t−1}, x_t] + b)",
        }
    }
}

/// Which progressions the `sequence` task generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progression {
    /// `a_k = a_0 + k·d` (6, 7, 8 → 9).
    Arithmetic,
    /// `a_k = a_0 · r^k` (2, 4, 8 → 16).
    Geometric,
    /// Half arithmetic, half geometric: the model must tell which rule applies.
    Mix,
}

impl Progression {
    /// Every choice, in the order `--help` lists them.
    pub const ALL: [Progression; 3] = [Progression::Arithmetic, Progression::Geometric, Progression::Mix];

    /// The name on the command line (`--progression`).
    pub fn name(&self) -> &'static str {
        match self {
            Progression::Arithmetic => "arithmetic",
            Progression::Geometric => "geometric",
            Progression::Mix => "mix",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Progression::Arithmetic => "a_k = a_0 + k·d",
            Progression::Geometric => "a_k = a_0 · r^k",
            Progression::Mix => "half arithmetic, half geometric",
        }
    }
}

/// The lecture's three tasks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Params)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// Next-term prediction on generated progressions (regression of the next value).
    Sequence {
        /// Progressions of --task sequence.
        #[param]
        progression: Progression,
        /// Terms shown before the one to predict, --task sequence (the lecture shows 3).
        #[param]
        terms: usize,
        /// Generated training sequences per epoch, --task sequence.
        #[param(value_name = "N")]
        train_sequences: usize,
        /// Generated held-out sequences, --task sequence (from parameters never used in training).
        #[param(value_name = "N")]
        test_sequences: usize,
    },
    /// A 28×28 image read as 28 time steps of 28 pixels; class from the last hidden state.
    Rows,
    /// PixelRNN-style: row `t`'s pixels as independent Bernoulli variables given rows `< t`.
    Complete,
}

impl Task {
    /// Every task with its default settings, in the order `--help` lists them.
    pub const ALL: [Task; 3] = [Task::default_sequence(), Task::Rows, Task::Complete];

    /// The name on the command line (`--task`).
    pub fn name(&self) -> &'static str {
        match self {
            Task::Sequence { .. } => "sequence",
            Task::Rows => "rows",
            Task::Complete => "complete",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Task::Sequence { .. } => "next-term prediction on generated arithmetic/geometric progressions",
            Task::Rows => "image classification reading the image as 28 steps of 28 pixels",
            Task::Complete => "PixelRNN-style row model: completes the bottom half of an image",
        }
    }

    /// The `sequence` task with the lecture's defaults.
    pub const fn default_sequence() -> Task {
        Task::Sequence { progression: Progression::Mix, terms: 3, train_sequences: 20_000, test_sequences: 2_000 }
    }
}

/// How the learning rate changes over epochs (the one schedule type of every model).
pub use atelier_train::LrSchedule;

atelier_core::choice_value!(CellKind);
atelier_core::choice_value!(Progression);
atelier_core::choice_value!(Task);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct LstmConfig {
    /// The lecture's task (each starts from the settings its README result was measured with).
    #[param(selects, nested, set = Self::select_task)]
    pub task: Task,
    /// Recurrent cell.
    #[param]
    pub cell: CellKind,
    /// Hidden units: the size of the recurrent state `h_t` (and `C_t`).
    #[param]
    pub hidden: usize,
    /// Adam's learning rate.
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// Its schedule over epochs (absent in a config file: constant).
    #[serde(default)]
    #[param(flatten)]
    pub lr_schedule: LrSchedule,
}

impl Default for LstmConfig {
    /// The `rows` classifier of the issue: our LSTM, 128 units, Adam 1e-3.
    fn default() -> Self {
        Self {
            task: Task::Rows,
            cell: CellKind::Ours,
            hidden: 128,
            learning_rate: 1e-3,
            lr_schedule: LrSchedule::Constant,
        }
    }
}

/// Largest number of shown terms (geometric terms grow as `r^k`; f32 keeps them exact below 2²⁴).
pub const MAX_TERMS: usize = 8;

impl LstmConfig {
    /// The settings a task's README result was measured with: the defaults, and for `sequence`
    /// the learning rate ÷10 after epoch 40 (0.998 exact next values after 60 epochs).
    pub fn for_task(task: Task) -> Self {
        Self { task, lr_schedule: Self::schedule_for(task), ..Self::default() }
    }

    /// `--task`: another task than this configuration's starts from that task's defaults and
    /// schedule, keeping the other settings; the same task keeps its own settings.
    pub fn select_task(&mut self, task: Task) -> Result<(), String> {
        if task.name() != self.task.name() {
            *self = Self { task, lr_schedule: Self::schedule_for(task), ..self.clone() };
        }
        Ok(())
    }

    /// The learning-rate schedule a task's README result was measured with.
    pub fn schedule_for(task: Task) -> LrSchedule {
        match task {
            Task::Sequence { .. } => LrSchedule::StepDecay { every_epochs: 40, factor: DEFAULT_LR_DECAY_FACTOR },
            Task::Rows | Task::Complete => LrSchedule::Constant,
        }
    }

    /// The loop settings the README's results were measured with (batches of 128): 15 epochs
    /// for `rows` (0.890), 10 for `complete` (62.67 nats), 60 for `sequence` (0.998).
    pub fn training(&self) -> TrainConfig {
        let epochs = match self.task {
            Task::Sequence { .. } => 60,
            Task::Rows => 15,
            Task::Complete => 10,
        };
        TrainConfig { epochs, ..TrainConfig::default() }
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.hidden == 0 {
            return Err("hidden must be at least 1 unit".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        self.lr_schedule.validate(atelier_train::ClockUnit::Epochs)?;
        if let Task::Sequence { terms, train_sequences, test_sequences, .. } = self.task {
            if !(2..=MAX_TERMS).contains(&terms) {
                return Err(format!("terms must be between 2 and {MAX_TERMS} (got {terms})"));
            }
            if train_sequences == 0 || test_sequences == 0 {
                return Err(format!(
                    "train_sequences and test_sequences must be at least 1 (got {train_sequences} and {test_sequences})"
                ));
            }
        }
        Ok(())
    }
}
