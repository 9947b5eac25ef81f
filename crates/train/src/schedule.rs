//! Learning-rate schedules, the one type every model uses: image models count epochs, agents
//! count environment steps of a run of known length.

use atelier_core::params::{ApplyError, Arity, ParamInfo, ParamValue, Params, one};
use serde::{Deserialize, Serialize};

/// The factor of a step decay that `--lr-decay-every` starts when `--lr-decay-factor` is not given.
pub const DEFAULT_DECAY_FACTOR: f64 = 0.1;

/// How the learning rate changes over a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LrSchedule {
    /// The same rate throughout.
    #[default]
    Constant,
    /// `lr · factor^⌊epoch / every_epochs⌋` (epochs counted from 0). Needs [`RunClock::Epoch`].
    StepDecay { every_epochs: usize, factor: f64 },
    /// Linear from `lr` at step 0 to `end_factor · lr` at the last step, `lr · (1 − (1 − end_factor) ·
    /// min(step / total, 1))`: late updates get small, so a policy settles instead of oscillating.
    /// Needs [`RunClock::Step`].
    Linear { end_factor: f64 },
}

/// Where a run is when it asks for its learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunClock {
    /// Epoch `0, 1, …` of a run counted in epochs (the image loop, `fit`).
    Epoch(u64),
    /// `step` steps done of a run of `total` steps (the agent loop, `run_agent`).
    Step { step: u64, total: u64 },
}

/// What a loop counts its run in, for [`LrSchedule::validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockUnit {
    Epochs,
    Steps,
}

impl LrSchedule {
    /// The rate at `clock` for a base rate `lr`. A schedule on the clock it does not read
    /// (refused by [`validate`](Self::validate)) keeps the base rate.
    pub fn rate(&self, lr: f64, clock: RunClock) -> f64 {
        match (*self, clock) {
            (LrSchedule::Constant, _) => lr,
            (LrSchedule::StepDecay { every_epochs, factor }, RunClock::Epoch(epoch)) => {
                lr * factor.powi((epoch / every_epochs.max(1) as u64).min(i32::MAX as u64) as i32)
            }
            (LrSchedule::Linear { end_factor }, RunClock::Step { step, total }) => {
                let progress = (step as f64 / total as f64).min(1.0);
                lr * (1.0 - (1.0 - end_factor) * progress)
            }
            (LrSchedule::StepDecay { .. }, RunClock::Step { .. }) | (LrSchedule::Linear { .. }, RunClock::Epoch(_)) => {
                lr
            }
        }
    }

    /// Refuses a schedule that cannot run on a loop counting in `unit`, naming the setting.
    pub fn validate(&self, unit: ClockUnit) -> Result<(), String> {
        match (*self, unit) {
            (LrSchedule::Constant, _) => Ok(()),
            (LrSchedule::StepDecay { every_epochs, factor }, ClockUnit::Epochs) => {
                if every_epochs == 0 {
                    return Err("lr_schedule.every_epochs must be at least 1".into());
                }
                if !(factor > 0.0 && factor.is_finite()) {
                    return Err(format!("lr_schedule.factor must be a positive number (got {factor})"));
                }
                Ok(())
            }
            (LrSchedule::Linear { end_factor }, ClockUnit::Steps) => {
                if !(0.0..=1.0).contains(&end_factor) {
                    return Err(format!("lr_schedule.end_factor must be in [0, 1] (got {end_factor})"));
                }
                Ok(())
            }
            (LrSchedule::StepDecay { .. }, ClockUnit::Steps) => {
                Err("lr_schedule step_decay counts epochs, and this run is counted in steps: use linear or constant".into())
            }
            (LrSchedule::Linear { .. }, ClockUnit::Epochs) => Err(
                "lr_schedule linear needs the run's length in steps, and this run is counted in epochs: use step_decay or constant"
                    .into(),
            ),
        }
    }
}

/// A schedule's two flags, for the models trained in epochs: `--lr-decay-every N` makes (or
/// changes) a step decay, `--lr-decay-factor F` changes its factor (alone on a constant rate it is
/// refused: nothing would decay). `--help` says "never" for a constant rate.
impl Params for LrSchedule {
    fn params() -> Vec<ParamInfo> {
        let flag = |flag, help, value_name, check: fn(&str) -> Result<(), String>| ParamInfo {
            field: "lr_schedule",
            flag,
            help,
            value_name: Some(value_name),
            unit: None,
            arity: Arity::One,
            choices: None,
            selects: false,
            required: false,
            within: None,
            fallback: None,
            check,
        };
        vec![
            flag(
                "lr-decay-every",
                "Multiply the learning rate by --lr-decay-factor every this many epochs.",
                "EPOCHS",
                |text| <usize as ParamValue>::parse(text).map(drop),
            ),
            flag("lr-decay-factor", "The factor of the step decay.", "F", |text| {
                <f64 as ParamValue>::parse(text).map(drop)
            }),
        ]
    }

    fn shown(&self, flag: &str) -> Option<String> {
        match (flag, *self) {
            ("lr-decay-every", LrSchedule::Constant) => Some("never".into()),
            ("lr-decay-every", LrSchedule::StepDecay { every_epochs, .. }) => Some(every_epochs.to_string()),
            ("lr-decay-every", LrSchedule::Linear { .. }) => Some("linear, per step".into()),
            ("lr-decay-factor", LrSchedule::StepDecay { factor, .. }) => Some(factor.to_string()),
            ("lr-decay-factor", LrSchedule::Constant) => Some(DEFAULT_DECAY_FACTOR.to_string()),
            ("lr-decay-factor", LrSchedule::Linear { end_factor }) => Some(end_factor.to_string()),
            _ => None,
        }
    }

    fn apply(&mut self, flag: &str, values: &[String]) -> Result<(), ApplyError> {
        match (flag, *self) {
            ("lr-decay-every", LrSchedule::StepDecay { factor, .. }) => {
                *self = LrSchedule::StepDecay { every_epochs: one(flag, values)?, factor };
            }
            ("lr-decay-every", LrSchedule::Constant) => {
                *self = LrSchedule::StepDecay { every_epochs: one(flag, values)?, factor: DEFAULT_DECAY_FACTOR };
            }
            ("lr-decay-factor", LrSchedule::StepDecay { every_epochs, .. }) => {
                *self = LrSchedule::StepDecay { every_epochs, factor: one(flag, values)? };
            }
            ("lr-decay-factor", LrSchedule::Constant) => {
                return Err(ApplyError::Invalid(
                    "--lr-decay-factor needs a step decay: give --lr-decay-every too (this run's learning rate is \
                     constant)"
                        .into(),
                ));
            }
            ("lr-decay-every" | "lr-decay-factor", other) => {
                return Err(ApplyError::Invalid(format!(
                    "--lr-decay-every and --lr-decay-factor do not apply to the schedule {other:?}"
                )));
            }
            _ => return Err(ApplyError::NotMine),
        }
        Ok(())
    }

    fn refuse_unused(&self, _typed: &[&str]) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decay_flags_make_and_change_a_step_decay() {
        let apply = |mut schedule: LrSchedule, flags: &[(&str, &str)]| {
            for (flag, value) in flags {
                schedule.apply(flag, &[value.to_string()]).map_err(|e| format!("{e:?}"))?;
            }
            Ok::<_, String>(schedule)
        };
        let constant = LrSchedule::Constant;
        assert_eq!(
            apply(constant, &[("lr-decay-every", "4")]),
            Ok(LrSchedule::StepDecay { every_epochs: 4, factor: 0.1 })
        );
        assert_eq!(
            apply(constant, &[("lr-decay-every", "3"), ("lr-decay-factor", "0.3")]),
            Ok(LrSchedule::StepDecay { every_epochs: 3, factor: 0.3 })
        );
        let vgg = LrSchedule::StepDecay { every_epochs: 9, factor: 0.1 };
        assert_eq!(
            apply(vgg, &[("lr-decay-factor", "0.5")]),
            Ok(LrSchedule::StepDecay { every_epochs: 9, factor: 0.5 })
        );
        assert!(apply(constant, &[("lr-decay-factor", "0.5")]).unwrap_err().contains("needs a step decay"));
        assert_eq!(
            (constant.shown("lr-decay-every"), constant.shown("lr-decay-factor")),
            (Some("never".into()), Some("0.1".into()))
        );
        assert_eq!(vgg.shown("lr-decay-every"), Some("9".into()));
        assert_eq!(LrSchedule::Constant.apply("latent", &[]), Err(ApplyError::NotMine));
    }

    #[test]
    fn step_decay_divides_the_rate_every_n_epochs() {
        let s = LrSchedule::StepDecay { every_epochs: 8, factor: 0.1 };
        assert_eq!(s.rate(1e-3, RunClock::Epoch(0)), 1e-3);
        assert_eq!(s.rate(1e-3, RunClock::Epoch(7)), 1e-3);
        assert!((s.rate(1e-3, RunClock::Epoch(8)) - 1e-4).abs() < 1e-12);
        assert!((s.rate(1e-3, RunClock::Epoch(16)) - 1e-5).abs() < 1e-13);
        assert_eq!(LrSchedule::Constant.rate(0.5, RunClock::Epoch(99)), 0.5);
        assert!(
            LrSchedule::StepDecay { every_epochs: 0, factor: 0.1 }
                .validate(ClockUnit::Epochs)
                .unwrap_err()
                .contains("every_epochs")
        );
        assert!(
            LrSchedule::StepDecay { every_epochs: 2, factor: 0.0 }
                .validate(ClockUnit::Epochs)
                .unwrap_err()
                .contains("factor")
        );
        assert_eq!(s.validate(ClockUnit::Epochs), Ok(()));
    }

    #[test]
    fn linear_decay_falls_from_the_base_rate_to_the_end_factor_and_stays() {
        let clock = |step| RunClock::Step { step, total: 1000 };
        let to_zero = LrSchedule::Linear { end_factor: 0.0 };
        assert_eq!(to_zero.rate(1e-3, clock(0)), 1e-3);
        assert!((to_zero.rate(1e-3, clock(250)) - 7.5e-4).abs() < 1e-15);
        assert!((to_zero.rate(1e-3, clock(500)) - 5e-4).abs() < 1e-15);
        assert_eq!(to_zero.rate(1e-3, clock(1000)), 0.0);
        assert_eq!(to_zero.rate(1e-3, clock(5000)), 0.0, "past the end the rate stays at the end value");
        let to_tenth = LrSchedule::Linear { end_factor: 0.1 };
        assert!((to_tenth.rate(1e-3, clock(1000)) - 1e-4).abs() < 1e-15);
        assert_eq!(LrSchedule::Constant.rate(1e-3, clock(700)), 1e-3);
        assert_eq!(to_zero.validate(ClockUnit::Steps), Ok(()));
        assert!(LrSchedule::Linear { end_factor: 1.5 }.validate(ClockUnit::Steps).unwrap_err().contains("end_factor"));
        assert!(LrSchedule::Linear { end_factor: -0.1 }.validate(ClockUnit::Steps).is_err());
    }

    #[test]
    fn a_schedule_on_a_clock_it_does_not_read_is_refused() {
        let linear = LrSchedule::Linear { end_factor: 0.0 };
        let step_decay = LrSchedule::StepDecay { every_epochs: 2, factor: 0.5 };
        assert!(linear.validate(ClockUnit::Epochs).unwrap_err().contains("counted in epochs"));
        assert!(step_decay.validate(ClockUnit::Steps).unwrap_err().contains("counted in steps"));
        assert_eq!(LrSchedule::Constant.validate(ClockUnit::Epochs), Ok(()));
        assert_eq!(LrSchedule::Constant.validate(ClockUnit::Steps), Ok(()));
    }

    /// The JSON a run's `config.json` records for each schedule, unchanged from the two types it
    /// replaces (every lecture's), so old runs still load.
    #[test]
    fn config_json_of_every_schedule() {
        let json = |s: LrSchedule| serde_json::to_string(&s).unwrap();
        assert_eq!(json(LrSchedule::Constant), r#"{"kind":"constant"}"#);
        assert_eq!(
            json(LrSchedule::StepDecay { every_epochs: 9, factor: 0.1 }),
            r#"{"kind":"step_decay","every_epochs":9,"factor":0.1}"#
        );
        assert_eq!(json(LrSchedule::Linear { end_factor: 0.0 }), r#"{"kind":"linear","end_factor":0.0}"#);
        let back: LrSchedule = serde_json::from_str(r#"{"kind":"linear","end_factor":0.0}"#).unwrap();
        assert_eq!(back, LrSchedule::Linear { end_factor: 0.0 });
    }
}
