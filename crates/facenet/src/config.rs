//! The metric-learning lecture's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// Where the identities come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FacenetTask {
    /// Fashion-MNIST, each class an identity (10 identities, 6,000 views each).
    Fashion,
    /// Emoji as identities seen in several renderings (Google, Twitter, skin tones); the test
    /// identities are emoji the network never saw.
    Emoji,
    /// A folder with one sub-folder per identity (`name/*.jpg`, the LFW layout) of your own.
    Folder,
}

/// Which triplets `(a, p, n)` of a batch the loss uses (FaceNet §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mining {
    /// For every positive pair, the closest negative farther than the positive (FaceNet's rule);
    /// when there is none, the farthest negative.
    SemiHard,
    /// For every positive pair, the closest negative (can collapse the embedding early).
    Hard,
    /// Every valid triplet of the batch, averaged.
    All,
    /// For every positive pair, a negative drawn uniformly.
    Random,
}

/// Whether training views are varied beyond the data's own renderings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Augmentation {
    /// The images as they are.
    None,
    /// The course's augmentations: small rotations (±10°), scale (0.9–1.1), shifts (±3 px) and
    /// noise (σ 0.02); no flips (a mirrored emoji is not always the same emoji).
    Views,
}

atelier_core::named_choices!(FacenetTask,
    FacenetTask::Fashion => "fashion", "Fashion-MNIST, classes as identities (28×28 grey)";
    FacenetTask::Emoji => "emoji", "emoji as identities across renderings (64×64 colour); tested on unseen emoji";
    FacenetTask::Folder => "folder", "your own folder, one sub-folder per identity (--data-dir)";
);
atelier_core::named_choices!(Augmentation,
    Augmentation::None => "none", "the images as they are";
    Augmentation::Views => "views", "small rotations, scale, shifts and noise (no flips)";
);
atelier_core::named_choices!(Mining,
    Mining::SemiHard => "semi-hard", "closest negative farther than the positive (FaceNet); else the farthest";
    Mining::Hard => "hard", "closest negative of every positive pair";
    Mining::All => "all", "every valid triplet of the batch";
    Mining::Random => "random", "a uniformly drawn negative for every positive pair";
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct FacenetConfig {
    /// Where the identities come from.
    #[param(selects, set = Self::select_task)]
    pub task: FacenetTask,
    /// Channels of the input images (1 grey, 3 colour); set from the data.
    pub input_channels: usize,
    /// Side of the (square) input images; set from the data.
    pub image_size: usize,
    /// Dimension of the embedding `f(x)` (on the unit sphere).
    #[param]
    pub dim: usize,
    /// α of the triplet loss, in squared distance (the sphere's squared diameter is 4).
    #[param]
    pub margin: f64,
    /// Which triplets of a batch the loss uses.
    #[param]
    pub mining: Mining,
    /// Variation of the training views.
    #[param(flag = "augment")]
    pub augmentation: Augmentation,
    /// P: identities per batch (a batch is P × K images).
    #[param(value_name = "P")]
    pub identities_per_batch: usize,
    /// K: views of each identity per batch (at least 2, so every anchor has a positive).
    #[param(value_name = "K")]
    pub views_per_identity: usize,
    /// Channels of the first conv block (doubled by each of the four: 32 → 32-64-128-256).
    #[param]
    pub base_channels: usize,
    /// Adam's learning rate.
    #[param(flag = "lr")]
    pub learning_rate: f64,
}

impl Default for FacenetConfig {
    /// Fashion-MNIST with the course reference's network (`Embedder` of `torch_ref_color.py`).
    fn default() -> Self {
        Self::for_task(FacenetTask::Fashion)
    }
}

impl FacenetConfig {
    /// The preset of a task: the batch is `P × K` views, sized to the task's identities
    /// (Fashion has only 10, so many views each; emoji have hundreds with a few views each).
    pub fn for_task(task: FacenetTask) -> Self {
        let (channels, size, p, k, augmentation) = match task {
            FacenetTask::Fashion => (1, 28, 8, 16, Augmentation::None),
            FacenetTask::Emoji => (3, 64, 32, 4, Augmentation::Views),
            FacenetTask::Folder => (3, 64, 16, 4, Augmentation::Views),
        };
        Self {
            task,
            input_channels: channels,
            image_size: size,
            dim: 64,
            margin: 0.2,
            mining: Mining::SemiHard,
            augmentation,
            identities_per_batch: p,
            views_per_identity: k,
            base_channels: 32,
            learning_rate: 1e-3,
        }
    }

    /// `--task`: another task than this configuration's starts from that task's preset.
    pub fn select_task(&mut self, task: FacenetTask) -> Result<(), String> {
        if task != self.task {
            *self = Self::for_task(task);
        }
        Ok(())
    }

    /// Images per step, `P·K`.
    pub fn batch_size(&self) -> usize {
        self.identities_per_batch * self.views_per_identity
    }

    /// The loop settings of the README's results (batches of `P·K`), measured on 2 CPU cores with
    /// flex: Fashion 10 epochs of 60,000 images (42 min), emoji 10 epochs of 6,064 views (23 min at
    /// 45 images/s); a folder 20 epochs.
    pub fn training(&self) -> TrainConfig {
        let epochs = match self.task {
            FacenetTask::Fashion => 10,
            FacenetTask::Emoji => 10,
            FacenetTask::Folder => 20,
        };
        TrainConfig { epochs, batch_size: self.batch_size(), ..TrainConfig::default() }
    }

    /// Channels of the four conv blocks.
    pub fn widths(&self) -> [usize; 4] {
        [0, 1, 2, 3].map(|level| self.base_channels << level)
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=4).contains(&self.input_channels) {
            return Err(format!("input_channels must be 1 to 4 (got {})", self.input_channels));
        }
        if self.image_size < 8 {
            return Err(format!("image_size must be at least 8 (three poolings; got {})", self.image_size));
        }
        if self.dim < 2 || self.dim > 4096 {
            return Err(format!("dim must be 2 to 4096 (got {})", self.dim));
        }
        if !(self.margin > 0.0 && self.margin <= 4.0) {
            return Err(format!(
                "margin must be in (0, 4], the squared diameter of the unit sphere (got {})",
                self.margin
            ));
        }
        if self.identities_per_batch < 2 {
            return Err(format!(
                "identities_per_batch must be at least 2: a triplet needs another identity (got {})",
                self.identities_per_batch
            ));
        }
        if self.views_per_identity < 2 {
            return Err(format!(
                "views_per_identity must be at least 2: an anchor needs a positive (got {})",
                self.views_per_identity
            ));
        }
        if self.batch_size() > 1024 {
            return Err(format!(
                "identities_per_batch × views_per_identity must be at most 1024 (got {})",
                self.batch_size()
            ));
        }
        if self.base_channels == 0 || self.base_channels > 256 {
            return Err(format!("base_channels must be 1 to 256 (got {})", self.base_channels));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        Ok(())
    }

    /// The name runs and tables use: `semi-hard`, `hard`, …
    pub fn label(&self) -> String {
        self.mining.name().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_bad_values_are_named() {
        for task in FacenetTask::ALL {
            let config = FacenetConfig::for_task(task);
            assert!(config.validate().is_ok(), "{task:?}");
            assert_eq!(config.training().batch_size, config.batch_size());
        }
        let config = FacenetConfig::default();
        assert_eq!(config.widths(), [32, 64, 128, 256]);
        assert_eq!(config.batch_size(), 128);
        let bad = |c: FacenetConfig, word: &str| assert!(c.validate().unwrap_err().contains(word), "{word}");
        bad(FacenetConfig { views_per_identity: 1, ..config.clone() }, "views_per_identity");
        bad(FacenetConfig { identities_per_batch: 1, ..config.clone() }, "identities_per_batch");
        bad(FacenetConfig { margin: 0.0, ..config.clone() }, "margin");
        bad(FacenetConfig { dim: 1, ..config.clone() }, "dim");
        bad(FacenetConfig { learning_rate: f64::NAN, ..config }, "learning_rate");
        assert_eq!(Mining::SemiHard.name(), "semi-hard");
    }
}
