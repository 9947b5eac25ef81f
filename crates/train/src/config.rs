//! Settings of the loop itself, shared by every model: each field marked `#[param]` is a flag of
//! every `train` command (`--epochs`, `--batch-size`, `--seed`, …), declared here once. Model
//! hyper-parameters live in each lecture's config.

use atelier_derive::Params;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Passes over the training set.
    #[param]
    pub epochs: usize,
    /// Examples per step.
    #[param]
    pub batch_size: usize,
    /// Seed of everything random: weights, shuffling, noise, augmentation.
    #[param]
    pub seed: u64,
    /// Steps between reads of the running losses (progress bar, metrics.csv, NaN guard).
    #[param]
    pub log_every: usize,
    /// Steps between checkpoints (also at every epoch end).
    #[param]
    pub checkpoint_every: usize,
    /// How many checkpoints to keep on disk (the newest ones).
    pub keep_checkpoints: usize,
    /// Stop after this many steps in total (a quick look; resumable).
    ///
    /// None: run all epochs.
    #[param]
    pub max_steps: Option<u64>,
    /// Train on the first N training examples only.
    ///
    /// None: all of them.
    #[param(value_name = "N")]
    pub train_limit: Option<usize>,
    /// Validate on the first N test examples only.
    ///
    /// None: all of them.
    #[param(value_name = "N")]
    pub valid_limit: Option<usize>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 128,
            seed: 0,
            log_every: 50,
            checkpoint_every: 1000,
            keep_checkpoints: 2,
            max_steps: None,
            train_limit: None,
            valid_limit: None,
        }
    }
}

impl TrainConfig {
    /// Refuses settings that cannot run, naming the setting and why.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("epochs", self.epochs),
            ("batch_size", self.batch_size),
            ("log_every", self.log_every),
            ("checkpoint_every", self.checkpoint_every),
            ("keep_checkpoints", self.keep_checkpoints),
        ];
        for (name, value) in positive {
            if value == 0 {
                return Err(format!("{name} must be at least 1 (got 0)"));
            }
        }
        if self.train_limit == Some(0) {
            return Err("train_limit must be at least 1 image".into());
        }
        Ok(())
    }
}
