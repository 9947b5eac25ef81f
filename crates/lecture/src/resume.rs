//! What a resumed run may change: nothing that shapes its models or orders its data.
//!
//! A checkpoint holds weights of one architecture and a position in one sequence of batches; a
//! flag that changes either would load the wrong shapes or skip and repeat images. Such flags are
//! refused by name with the recorded value, before any file is touched. A resume may change how
//! it reports (`--log-every`, `--checkpoint-every`, `--keep-checkpoints`), where it computes
//! (`--backend`), and, explicitly, how far it goes (`--epochs`, `--max-steps`, `--no-max-steps`).

use atelier_core::params::{Params, Typed, apply_all};
use atelier_train::TrainConfig;
use serde::Serialize;

/// The loop flags a resumed run may change.
pub const LOOP_FLAGS_A_RESUME_MAY_CHANGE: &[&str] = &["epochs", "log-every", "checkpoint-every", "keep-checkpoints"];

/// The typed flags, less those named.
pub fn without(typed: &Typed, allowed: &[&str]) -> Typed {
    Typed(typed.0.iter().filter(|(flag, _)| !allowed.contains(&flag.as_str())).cloned().collect())
}

/// Refuses the first typed flag that would change `recorded`, naming the recorded value:
/// `--ngf: the run was trained with 32; a resumed run keeps its architecture and data (…)`.
pub fn refuse_changes<P: Params + Clone + Serialize>(recorded: &P, typed: &Typed, keeps: &str) -> Result<(), String> {
    let before = serde_json::to_value(recorded).map_err(|e| e.to_string())?;
    for (flag, values) in &typed.0 {
        let mut changed = recorded.clone();
        if apply_all(&mut changed, &Typed(vec![(flag.clone(), values.clone())])).is_err() {
            continue; // the full resolution names what is wrong with the value
        }
        let after = serde_json::to_value(&changed).map_err(|e| e.to_string())?;
        if let Some(was) = first_difference(&before, &after) {
            return Err(format!(
                "--{flag}: the run was trained with {was}; a resumed run keeps its {keeps} (to train with {}, start a \
                 new run: train --config RUN_DIR/config.json --{flag} …)",
                values.join(" ")
            ));
        }
    }
    Ok(())
}

/// Refuses a step limit that the run has already reached: a resume has nothing to do there.
pub fn refuse_a_budget_behind(train: &TrainConfig, step: u64) -> Result<(), String> {
    match train.max_steps {
        Some(limit) if limit < step => Err(format!(
            "--max-steps {limit}: the run is already at step {step}; give a larger --max-steps or --no-max-steps"
        )),
        Some(limit) if limit == step => Err(format!(
            "the run already stopped at its --max-steps {limit}; to train on, resume with a larger --max-steps or \
             with --no-max-steps (to its --epochs)"
        )),
        _ => Ok(()),
    }
}

/// The recorded value (as text) of the first field that differs, if any.
fn first_difference(before: &serde_json::Value, after: &serde_json::Value) -> Option<String> {
    if before == after {
        return None;
    }
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "none".to_string(),
        other => other.to_string(),
    };
    match (before, after) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            a.iter().find(|(key, value)| b.get(*key) != Some(value)).map(|(_, value)| shown(value))
        }
        _ => Some(shown(before)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Typed {
        Typed(pairs.iter().map(|(f, v)| (f.to_string(), vec![v.to_string()])).collect())
    }

    #[test]
    fn a_flag_that_changes_the_recorded_loop_is_refused_by_name_and_the_same_value_passes() {
        let recorded = TrainConfig { batch_size: 64, seed: 3, ..TrainConfig::default() };
        let err = refuse_changes(&recorded, &typed(&[("batch-size", "32")]), "data order").unwrap_err();
        assert!(
            err.starts_with("--batch-size: the run was trained with 64; a resumed run keeps its data order"),
            "{err}"
        );
        let err = refuse_changes(&recorded, &typed(&[("train-limit", "100")]), "data order").unwrap_err();
        assert!(err.contains("trained with none"), "{err}");
        refuse_changes(&recorded, &typed(&[("seed", "3"), ("batch-size", "64")]), "data order").unwrap();
        let allowed = without(&typed(&[("epochs", "9"), ("log-every", "1")]), LOOP_FLAGS_A_RESUME_MAY_CHANGE);
        assert!(allowed.0.is_empty());
    }

    #[test]
    fn a_resume_at_or_past_its_step_limit_says_how_to_go_on() {
        let limited = TrainConfig { max_steps: Some(4), ..TrainConfig::default() };
        assert!(refuse_a_budget_behind(&limited, 3).is_ok());
        assert!(refuse_a_budget_behind(&limited, 4).unwrap_err().contains("--no-max-steps"));
        assert!(refuse_a_budget_behind(&limited, 5).unwrap_err().contains("already at step 5"));
        assert!(refuse_a_budget_behind(&TrainConfig::default(), 5).is_ok());
    }
}
