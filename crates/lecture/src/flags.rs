//! The flags every lecture's commands share (where a run starts and goes, the backend, the data,
//! the loop's settings), put together with a lecture's own into each command's list, and the
//! defaults `--help` states for them.

use std::path::PathBuf;

use atelier_backend::Backend;
use atelier_core::params::{ParamInfo, ParamValue, Params, Typed};
use atelier_derive::Params;
use atelier_train::TrainConfig;

use crate::any::training_of;
use crate::lecture::{Clock, Lecture};

/// Where a run's settings come from and where it goes.
#[derive(Debug, Clone, Params)]
pub struct RunFlags {
    /// Start from this config.json, e.g. to repeat a run (flags given beside it override its values).
    #[param(value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Continue this run directory from its latest checkpoint (its config.json is reused).
    #[param(value_name = "RUN_DIR")]
    pub resume: Option<PathBuf>,
    /// Where run directories go.
    #[param(value_name = "DIR")]
    pub out: PathBuf,
    /// With --resume: drop the run's recorded --max-steps and train on to its --epochs.
    #[param]
    pub no_max_steps: bool,
}

impl Default for RunFlags {
    fn default() -> Self {
        Self { config: None, resume: None, out: PathBuf::from(DEFAULT_OUT), no_max_steps: false }
    }
}

/// Where runs go unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "runs";

/// The backend a run trains on.
#[derive(Debug, Clone, Params)]
pub struct TrainBackend {
    /// Compute backend: flex, ndarray, wgpu (cuda in a build with `--features cuda`).
    #[param]
    pub backend: Backend,
}

impl Default for TrainBackend {
    fn default() -> Self {
        Self { backend: Backend::DEFAULT }
    }
}

/// The data a run reads.
#[derive(Debug, Clone, Default, Params)]
pub struct TrainData {
    /// Data folder, or `embedded` for the mini set in assets/. Fashion-MNIST (the four IDX files) is
    /// searched in $ATELIER_DATA, ./data/fashion-mnist, /usr/share/datasets/fashion-mnist, then
    /// embedded; emoji in $ATELIER_EMOJI, ./data/emoji, then embedded; a task on a folder of your
    /// own needs it.
    #[param(value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The run a command works on, and the backend it runs on.
#[derive(Debug, Clone, Default, Params)]
pub struct RunBackend {
    /// The run directory (its latest checkpoint).
    #[param(value_name = "RUN_DIR", required)]
    pub run: PathBuf,
    /// Compute backend [default: the run's].
    #[param]
    pub backend: Option<Backend>,
}

/// The data an evaluation reads.
#[derive(Debug, Clone, Default, Params)]
pub struct EvalData {
    /// Data folder [default: the run's].
    #[param(value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The loop flags `train <id>` has: every one for a model trained in epochs; no dataset flags for
/// an agent; a loop flag the model declares itself (the agent's `--batch-size`) is the model's.
fn loop_flags<L: Lecture>(lecture: &L) -> Vec<ParamInfo> {
    let model: Vec<ParamInfo> = <L::Config as Params>::params();
    TrainConfig::params()
        .into_iter()
        .filter(|p| lecture.clock() == Clock::Epochs || !matches!(p.flag, "epochs" | "train-limit" | "valid-limit"))
        .filter(|p| !model.iter().any(|m| m.flag == p.flag))
        .collect()
}

/// Every flag of `train <id>`, in `--help`'s order.
pub fn train_flags<L: Lecture>(lecture: &L) -> Vec<ParamInfo> {
    let mut flags = RunFlags::params();
    flags.extend(TrainBackend::params());
    if lecture.clock() == Clock::Epochs {
        let mut data = TrainData::params();
        if let Some(help) = lecture.about().data {
            data[0].help = help;
        }
        flags.extend(data);
    }
    flags.extend(loop_flags(lecture));
    flags.extend(<L::Config as Params>::params());
    flags
}

/// The flags of `eval <id>` (run, backend, data, the lecture's own).
pub fn eval_flags<L: Lecture>(lecture: &L) -> Vec<ParamInfo> {
    let mut flags = RunBackend::params();
    if lecture.clock() == Clock::Epochs {
        flags.extend(EvalData::params());
    }
    flags.extend(<L::EvalArgs as Params>::params());
    flags
}

/// `--help`'s default of each flag of `train <id>` that has one.
pub fn train_defaults<L: Lecture>(lecture: &L) -> Vec<(&'static str, String)> {
    let presets = lecture.presets();
    let refused: Vec<&str> = lecture.refused_loop_flags().iter().map(|(flag, _)| *flag).collect();
    let loops = loop_flags(lecture);
    let value = |flag: &str, preset: &crate::lecture::Preset<L::Config>| -> Option<String> {
        if loops.iter().any(|p| p.flag == flag) {
            let text = training_of(lecture, &preset.config).shown(flag)?;
            return Some(match (flag, preset.cost) {
                ("epochs", Some(cost)) => format!("{text} ({cost})"),
                _ => text,
            });
        }
        let info = <L::Config as Params>::params().into_iter().find(|p| p.flag == flag)?;
        preset.config.shown(flag).or(info.fallback)
    };
    let mut defaults = vec![("out", DEFAULT_OUT.to_string()), ("backend", TrainBackend::default().backend.show())];
    let Some((base, others)) = presets.split_first() else { return defaults };
    for info in loops.iter().chain(<L::Config as Params>::params().iter()) {
        if refused.contains(&info.flag) {
            continue;
        }
        let Some(mut text) = value(info.flag, base) else { continue };
        let base_value = text.clone();
        // A flag that selects a preset holds, in that preset, the value that selects it.
        let others = if info.selects { &[][..] } else { others };
        for other in others {
            if let Some(differs) = value(info.flag, other).filter(|v| *v != base_value) {
                text.push_str(&format!("; {}: {differs}", other.label.as_deref().unwrap_or_default()));
            }
        }
        defaults.push((info.flag, text));
    }
    defaults
}

/// `--help`'s default of each one-value flag of an argument struct: its `Default`'s value.
pub fn defaults_of<A: Params + Default>() -> Vec<(&'static str, String)> {
    let defaults = A::default();
    A::params()
        .into_iter()
        .filter(|p| p.arity == atelier_core::params::Arity::One && !p.required)
        .filter_map(|p| defaults.shown(p.flag).map(|text| (p.flag, text)))
        .collect()
}

/// Takes `--run` and `--backend` from a verb's or an evaluation's flags.
pub fn run_and_backend(typed: &mut Typed) -> Result<(PathBuf, Option<Backend>), String> {
    let run: PathBuf = typed.take_one("run")?.ok_or("--run RUN_DIR is required")?;
    let backend: Option<Backend> = typed.take_one("backend")?;
    Ok((run, backend))
}

/// A lecture's `train` flags as a Markdown table: flag, default (as `--help` states it), help.
pub fn markdown_table(lecture: &dyn crate::AnyLecture) -> String {
    let defaults = lecture.train_defaults();
    let mut table = String::from("| flag | default | what it sets |\n|---|---|---|\n");
    for info in lecture.train_flags() {
        let default = defaults.iter().find(|(flag, _)| *flag == info.flag).map_or("—", |(_, d)| d.as_str());
        let value = match info.arity {
            atelier_core::params::Arity::Switch => String::new(),
            _ => format!(
                " {}",
                info.value_name.map_or_else(|| info.flag.to_uppercase().replace('-', "_"), str::to_string)
            ),
        };
        let choices = info.choices.as_ref().map_or_else(String::new, |c| {
            let names: Vec<&str> = c.iter().map(|(name, _)| *name).collect();
            format!(" ({})", names.join(", "))
        });
        let cell = |text: &str| text.replace('|', "\\|");
        table.push_str(&format!(
            "| `--{}{}` | {} | {}{} |\n",
            info.flag,
            value,
            cell(default),
            cell(info.help),
            cell(&choices)
        ));
    }
    table
}
