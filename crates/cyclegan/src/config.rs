//! CycleGAN's hyper-parameters (the `model` part of a run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// The unpaired translation tasks of the lecture: what domains `X` and `Y` hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CycleTask {
    /// `X` = Twitter renderings of one half of the training emoji, `Y` = Google renderings of the
    /// other half (no pair ever seen); the test emoji exist in both styles, so every translation
    /// is scored against its true counterpart. RGB.
    TwitterGoogle,
    /// `X` = Sobel edge maps of one half of Fashion-MNIST's training images, `Y` = the garments of
    /// the other half; grey, padded from 28×28 to 32×32.
    EdgesFashion,
    /// A folder of your own in CycleGAN's layout: `trainA/ trainB/ testA/ testB/` (RGB).
    Folder,
}

impl CycleTask {
    pub const ALL: [CycleTask; 3] = [CycleTask::TwitterGoogle, CycleTask::EdgesFashion, CycleTask::Folder];

    pub fn name(self) -> &'static str {
        match self {
            CycleTask::TwitterGoogle => "twitter-google",
            CycleTask::EdgesFashion => "edges-fashion",
            CycleTask::Folder => "folder",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            CycleTask::TwitterGoogle => "Twitter emoji ↔ Google emoji, unpaired halves of the training emoji",
            CycleTask::EdgesFashion => "Fashion-MNIST edge maps ↔ garments, unpaired halves (grey, 32×32)",
            CycleTask::Folder => "your own trainA/ trainB/ testA/ testB/ folders (--data-dir)",
        }
    }

    /// Channels of both domains' images.
    pub fn channels(self) -> usize {
        match self {
            CycleTask::EdgesFashion => 1,
            _ => 3,
        }
    }

    /// The default image side: the garments' 32 (28×28 padded); 64 for the emoji, the colour
    /// evaluator's size (scaled up from 32×32 it calls even real Google emoji Twitter's), and for
    /// a folder.
    pub fn default_size(self) -> usize {
        match self {
            CycleTask::EdgesFashion => 32,
            _ => 64,
        }
    }

    /// True when the domains are emoji styles.
    pub fn reads_emoji(self) -> bool {
        self == CycleTask::TwitterGoogle
    }
}

/// Which way a translation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// `G: X → Y`.
    X2y,
    /// `F: Y → X`.
    Y2x,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::X2y, Direction::Y2x];

    pub fn about(self) -> &'static str {
        match self {
            Direction::X2y => "G: X → Y (twitter → google, edges → garments, A → B)",
            Direction::Y2x => "F: Y → X (google → twitter, garments → edges, B → A)",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Direction::X2y => "x2y",
            Direction::Y2x => "y2x",
        }
    }
}

atelier_core::choice_value!(CycleTask);
atelier_core::choice_value!(Direction);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct CycleGanConfig {
    /// The two domains.
    #[param(selects, set = Self::select_task)]
    pub task: CycleTask,
    /// Channels of both domains (1 or 3).
    pub channels: usize,
    /// Side of the square images (a multiple of 4, at least 16): 32 or 64.
    ///
    /// The generator halves it twice; the discriminator needs 16 for one logit.
    #[param]
    pub size: usize,
    /// Channels of the generators' first feature map (32; the paper's 64).
    #[param]
    pub ngf: usize,
    /// Channels of the discriminators' first feature map (32; the paper's 64).
    #[param]
    pub ndf: usize,
    /// Residual blocks at the generators' bottleneck (6, the paper's choice for 128×128).
    #[param]
    pub blocks: usize,
    /// λ_cyc, the weight of the cycle-consistency loss; 0 trains the adversarial-only ablation (the
    /// identity term, λ_id = ratio·λ_cyc, goes with it).
    #[param(value_name = "LAMBDA")]
    pub cycle_weight: f64,
    /// λ_id as a share of λ_cyc: `λ_id = identity_ratio · λ_cyc` (0.5, the paper's code).
    #[param(only_if = Self::cycles, why = "does nothing with --cycle-weight 0 (λ_id = ratio·λ_cyc)")]
    pub identity_ratio: f64,
    /// Generated images remembered per domain for the discriminators (0: no history).
    #[param]
    pub pool_size: usize,
    /// Adam's learning rate, all four networks (2e-4).
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// Adam's β₁ for all four networks (0.5).
    #[param(flag = "beta1")]
    pub beta_1: f64,
    /// Share of the epochs at the constant rate; the rest decays linearly towards 0 (0.5, the
    /// paper's 100 + 100 epochs).
    pub constant_share: f64,
}

impl Default for CycleGanConfig {
    fn default() -> Self {
        Self::for_task(CycleTask::TwitterGoogle)
    }
}

impl CycleGanConfig {
    /// The task's channels and default size; ngf = ndf = 32, 6 blocks, λ_cyc = 10, λ_id = 5,
    /// history 50, Adam(2e-4, β₁ = 0.5), half the epochs constant.
    pub fn for_task(task: CycleTask) -> Self {
        Self {
            task,
            channels: task.channels(),
            size: task.default_size(),
            ngf: 32,
            ndf: 32,
            blocks: 6,
            cycle_weight: 10.0,
            identity_ratio: 0.5,
            pool_size: 50,
            learning_rate: 2e-4,
            beta_1: 0.5,
            constant_share: 0.5,
        }
    }

    /// `--task`: another task than this configuration's starts from that task's preset.
    pub fn select_task(&mut self, task: CycleTask) -> Result<(), String> {
        if task != self.task {
            *self = Self::for_task(task);
        }
        Ok(())
    }

    /// Whether the cycle term (and with it the identity term) trains.
    pub fn cycles(&self) -> bool {
        self.cycle_weight != 0.0
    }

    /// λ_id = identity_ratio · λ_cyc.
    pub fn identity_weight(&self) -> f64 {
        self.identity_ratio * self.cycle_weight
    }

    /// The loop's defaults: batch 8 (the paper's batch 1 with instance norm, batched so that the
    /// CPU keeps busy) and a length sized so that a default run takes ≤ 1.5 h on two CPU cores with
    /// flex. Measured (`bench cyclegan --batch-size 8`): 1.2 pairs/s at 64×64, so 4 epochs of the
    /// 1,499 Twitter emoji of the X half ≈ 84 min. Edges ↔ garments at 32×32 (a quarter of the
    /// pixels): one epoch over the first 20,000 training images (10,000 edge maps against 10,000
    /// garments).
    pub fn training(&self) -> TrainConfig {
        match self.task {
            CycleTask::EdgesFashion => {
                TrainConfig { epochs: 1, batch_size: 8, train_limit: Some(20_000), ..TrainConfig::default() }
            }
            _ => TrainConfig { epochs: 4, batch_size: 8, ..TrainConfig::default() },
        }
    }

    /// The learning rate of epoch `epoch` (0-based) of a run of `epochs`: constant for the first
    /// `k = round(constant_share · epochs)` epochs, then CycleGAN's linear decay
    /// `lr · (1 − (epoch + 1 − k) / (epochs − k + 1))`, which reaches `lr / (epochs − k + 1)` at the
    /// last epoch.
    pub fn rate(&self, epoch: u64, epochs: usize) -> f64 {
        let constant = (self.constant_share * epochs as f64).round() as u64;
        let decay = epochs as u64 - constant.min(epochs as u64);
        let past = (epoch + 1).saturating_sub(constant);
        self.learning_rate * (1.0 - past.min(decay) as f64 / (decay + 1) as f64)
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.size >= 16 && self.size.is_multiple_of(4)) {
            return Err(format!("size must be a multiple of 4, at least 16 (got {})", self.size));
        }
        if !matches!(self.channels, 1 | 3) {
            return Err(format!("channels must be 1 or 3 (got {})", self.channels));
        }
        if self.ngf == 0 || self.ndf == 0 {
            return Err(format!("ngf and ndf must be at least 1 (got {} and {})", self.ngf, self.ndf));
        }
        for (name, weight) in [("cycle_weight", self.cycle_weight), ("identity_ratio", self.identity_ratio)] {
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(format!("{name} must be a finite number ≥ 0 (got {weight})"));
            }
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        if !(0.0..1.0).contains(&self.beta_1) {
            return Err(format!("beta_1 must be in [0, 1) (got {})", self.beta_1));
        }
        if !(0.0..=1.0).contains(&self.constant_share) {
            return Err(format!("constant_share must be in [0, 1] (got {})", self.constant_share));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_named() {
        assert!(CycleGanConfig::default().validate().is_ok());
        assert!(CycleGanConfig::for_task(CycleTask::EdgesFashion).validate().is_ok());
        let bad = CycleGanConfig { size: 30, ..CycleGanConfig::default() };
        assert!(bad.validate().unwrap_err().contains("size"));
        let bad = CycleGanConfig { size: 12, ..CycleGanConfig::default() };
        assert!(bad.validate().unwrap_err().contains("size"));
        let bad = CycleGanConfig { channels: 2, ..CycleGanConfig::default() };
        assert!(bad.validate().unwrap_err().contains("channels"));
        let bad = CycleGanConfig { cycle_weight: -1.0, ..CycleGanConfig::default() };
        assert!(bad.validate().unwrap_err().contains("cycle_weight"));
        let bad = CycleGanConfig { constant_share: 1.5, ..CycleGanConfig::default() };
        assert!(bad.validate().unwrap_err().contains("constant_share"));
    }

    #[test]
    fn identity_weight_follows_the_cycle_weight() {
        assert_eq!(CycleGanConfig::default().identity_weight(), 5.0);
        let ablation = CycleGanConfig { cycle_weight: 0.0, ..CycleGanConfig::default() };
        assert_eq!(ablation.identity_weight(), 0.0);
    }

    /// CycleGAN's `lambda_rule` with n_epochs = n_epochs_decay = 2: 1, 1, 2/3, 1/3.
    #[test]
    fn the_rate_is_constant_then_decays_linearly() {
        let config = CycleGanConfig { learning_rate: 1.0, ..CycleGanConfig::default() };
        let rates: Vec<f64> = (0..4).map(|e| config.rate(e, 4)).collect();
        let want = [1.0, 1.0, 2.0 / 3.0, 1.0 / 3.0];
        for (r, w) in rates.iter().zip(want) {
            assert!((r - w).abs() < 1e-12, "{rates:?}");
        }
        let constant = CycleGanConfig { constant_share: 1.0, learning_rate: 1.0, ..CycleGanConfig::default() };
        assert!((0..5).all(|e| constant.rate(e, 5) == 1.0));
        // An epoch past the end (a resumed run given more epochs) keeps the last rate.
        assert!((config.rate(9, 4) - 1.0 / 3.0).abs() < 1e-12);
    }
}
