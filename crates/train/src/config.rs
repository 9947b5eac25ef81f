//! Settings of the loop itself, shared by every model (`train` flags `--epochs`, `--batch-size`,
//! `--seed`, …). Model hyper-parameters live in each model crate's config.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Images per optimisation step.
    pub batch_size: usize,
    /// The one seed: weight init, shuffling, noise and augmentation all derive from it.
    pub seed: u64,
    /// Steps between host reads of the running losses (progress bar, metrics.csv, NaN guard).
    pub log_every: usize,
    /// Steps between checkpoints (also written at the end of every epoch).
    pub checkpoint_every: usize,
    /// How many checkpoints to keep on disk (the newest ones).
    pub keep_checkpoints: usize,
    /// Stop after this many steps in total (None: run all epochs). Used by tests and quick looks.
    pub max_steps: Option<u64>,
    /// Use only the first N training images (None: all of them).
    pub train_limit: Option<usize>,
    /// Use only the first N test images for the per-epoch validation (None: all of them).
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
