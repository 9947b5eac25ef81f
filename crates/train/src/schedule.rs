//! Learning-rate schedules over epochs, shared by the models that train for epochs.

use serde::{Deserialize, Serialize};

/// How the learning rate changes over epochs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LrSchedule {
    /// The same rate throughout.
    #[default]
    Constant,
    /// `lr · factor^⌊epoch / every_epochs⌋` (epochs counted from 0).
    StepDecay { every_epochs: usize, factor: f64 },
}

impl LrSchedule {
    /// The rate in `epoch` (0-based) for a base rate `lr`.
    pub fn rate(&self, lr: f64, epoch: u64) -> f64 {
        match *self {
            LrSchedule::Constant => lr,
            LrSchedule::StepDecay { every_epochs, factor } => {
                lr * factor.powi((epoch / every_epochs.max(1) as u64).min(i32::MAX as u64) as i32)
            }
        }
    }

    /// Refuses a schedule that cannot run, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if let LrSchedule::StepDecay { every_epochs, factor } = *self {
            if every_epochs == 0 {
                return Err("lr_schedule.every_epochs must be at least 1".into());
            }
            if !(factor > 0.0 && factor.is_finite()) {
                return Err(format!("lr_schedule.factor must be a positive number (got {factor})"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_decay_divides_the_rate_every_n_epochs() {
        let s = LrSchedule::StepDecay { every_epochs: 8, factor: 0.1 };
        assert_eq!(s.rate(1e-3, 0), 1e-3);
        assert_eq!(s.rate(1e-3, 7), 1e-3);
        assert!((s.rate(1e-3, 8) - 1e-4).abs() < 1e-12);
        assert!((s.rate(1e-3, 16) - 1e-5).abs() < 1e-13);
        assert_eq!(LrSchedule::Constant.rate(0.5, 99), 0.5);
        assert!(
            LrSchedule::StepDecay { every_epochs: 0, factor: 0.1 }.validate().unwrap_err().contains("every_epochs")
        );
        assert!(LrSchedule::StepDecay { every_epochs: 2, factor: 0.0 }.validate().unwrap_err().contains("factor"));
    }
}
