//! Finding runs in a runs folder (`<runs>/<model>/<timestamp>-<backend>-s<seed>/`) and reading
//! what each one says about itself: its config, provenance, state and evaluation.
//!
//! Anything that is not a run directory (stray files, other folders) is ignored; a run directory
//! whose files cannot be read is still listed, with what went wrong.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use atelier_core::provenance::Provenance;
use atelier_core::run_dir::{CONFIG_FILE, EVAL_FILE, RUN_FILE};
use serde_json::Value;

use crate::error::ReportError;

/// Where a run stands, from `run.json`'s status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Completed,
    /// Stopped before its planned end (Ctrl-C, `--max-steps`): the reason as recorded.
    Stopped(String),
    /// `running`: still training, or killed without a chance to say so.
    Running,
    Failed(String),
    /// `run.json` is missing or unreadable.
    Unknown(String),
}

/// What `eval.json` holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluation {
    /// The flat `"name": number` pairs, in file order (a `null` is a non-finite number).
    Scores(Vec<(String, f64)>),
    NotEvaluated,
    Unreadable(String),
}

/// One run directory.
#[derive(Debug, Clone)]
pub struct Run {
    /// The directory as found under the runs folder.
    pub dir: PathBuf,
    /// `<model>/<directory name>`: unique in one runs folder, safe as a relative path.
    pub id: String,
    /// `model.name` from `config.json` (else the parent folder's name).
    pub model: String,
    /// The variant that sets its targets: the `task`, `architecture`, `variant` or `likelihood` its
    /// model section records; else the model's name.
    pub kind: String,
    pub config: Option<Value>,
    pub provenance: Option<Provenance>,
    pub state: RunState,
    pub evaluation: Evaluation,
}

impl Run {
    /// When it started (`run.json`), else the directory name (which begins with the timestamp).
    pub fn sort_key(&self) -> String {
        self.provenance.as_ref().map_or_else(|| self.id.clone(), |p| p.started.clone())
    }

    /// The seed from `config.json`.
    pub fn seed(&self) -> Option<u64> {
        self.config.as_ref()?.get("train")?.get("seed")?.as_u64()
    }
}

/// Every run under `runs` (none when the folder does not exist).
pub fn scan(runs: &Path) -> Result<Vec<Run>, ReportError> {
    if !runs.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for model_dir in sorted_dirs(runs)? {
        for dir in sorted_dirs(&model_dir)? {
            if dir.join(CONFIG_FILE).is_file() || dir.join(RUN_FILE).is_file() {
                found.push(read_run(runs, &dir));
            }
        }
    }
    Ok(found)
}

/// The newest run of each (model, kind), or every run with [`Selection::All`], newest first.
pub fn select(runs: &[Run], model: &str, selection: Selection) -> Vec<Run> {
    let mut mine: Vec<&Run> = runs.iter().filter(|r| r.model == model).collect();
    mine.sort_by_key(|r| std::cmp::Reverse(r.sort_key()));
    if selection == Selection::All {
        return mine.into_iter().cloned().collect();
    }
    let mut newest: BTreeMap<&str, &Run> = BTreeMap::new();
    for run in mine {
        newest.entry(&run.kind).or_insert(run);
    }
    let mut chosen: Vec<Run> = newest.into_values().cloned().collect();
    chosen.sort_by_key(|r| std::cmp::Reverse(r.sort_key()));
    chosen
}

/// Which runs a lecture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selection {
    /// The newest run of each kind.
    #[default]
    Newest,
    All,
}

fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let entries = fs::read_dir(dir).map_err(|source| ReportError::Read { path: dir.to_path_buf(), source })?;
    let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    Ok(dirs)
}

fn read_run(runs: &Path, dir: &Path) -> Run {
    let id = dir.strip_prefix(runs).unwrap_or(dir).to_string_lossy().replace('\\', "/");
    let config: Option<Value> =
        fs::read_to_string(dir.join(CONFIG_FILE)).ok().and_then(|text| serde_json::from_str(&text).ok());
    let model_section = config.as_ref().and_then(|c| c.get("model"));
    let folder_model = dir.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let model = model_section
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(folder_model)
        .unwrap_or_default();
    let kind = model_section.and_then(kind_of).unwrap_or_else(|| model.clone());
    let (provenance, state) = match fs::read_to_string(dir.join(RUN_FILE)) {
        Err(e) => (None, RunState::Unknown(format!("{RUN_FILE}: {e}"))),
        Ok(text) => match serde_json::from_str::<Provenance>(&text) {
            Err(e) => (None, RunState::Unknown(format!("{RUN_FILE} is not a run record: {e}"))),
            Ok(p) => {
                let state = state_of(&p.status);
                (Some(p), state)
            }
        },
    };
    Run { dir: dir.to_path_buf(), id, model, kind, config, provenance, state, evaluation: read_eval(dir) }
}

/// The variant of a `config.json` model section that decides its targets.
pub fn kind_of(model: &Value) -> Option<String> {
    ["task", "architecture", "variant", "likelihood"].iter().find_map(|key| match model.get(*key)? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("kind").and_then(Value::as_str).map(str::to_string),
        _ => None,
    })
}

fn state_of(status: &str) -> RunState {
    match status {
        "completed" => RunState::Completed,
        "running" => RunState::Running,
        s if s.starts_with("failed") => {
            RunState::Failed(s.trim_start_matches("failed").trim_start_matches(':').trim().to_string())
        }
        s => RunState::Stopped(s.to_string()),
    }
}

fn read_eval(dir: &Path) -> Evaluation {
    let path = dir.join(EVAL_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Evaluation::NotEvaluated,
        Err(e) => return Evaluation::Unreadable(format!("{EVAL_FILE}: {e}")),
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Evaluation::Unreadable(format!("{EVAL_FILE}: {e}")),
    };
    let Some(object) = value.as_object() else {
        return Evaluation::Unreadable(format!("{EVAL_FILE} is not a JSON object"));
    };
    let scores = object
        .iter()
        .filter_map(|(name, v)| match v {
            Value::Number(n) => n.as_f64().map(|x| (name.clone(), x)),
            Value::Null => Some((name.clone(), f64::NAN)),
            Value::String(text) if text.starts_with(atelier_core::run_dir::NOT_DEFINED) => {
                Some((name.clone(), f64::NAN))
            }
            _ => None,
        })
        .collect();
    Evaluation::Scores(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_states() {
        assert_eq!(state_of("completed"), RunState::Completed);
        assert_eq!(state_of("running"), RunState::Running);
        assert_eq!(state_of("failed: NaN loss at step 3"), RunState::Failed("NaN loss at step 3".into()));
        assert_eq!(state_of("interrupted"), RunState::Stopped("interrupted".into()));
    }

    #[test]
    fn kinds_come_from_the_model_section() {
        let epsilon = serde_json::json!({"name": "epsilon", "task": {"kind": "rows"}});
        let cnn = serde_json::json!({"name": "alpha", "architecture": "cnn"});
        let zeta = serde_json::json!({"name": "zeta", "gamma": 0.99});
        assert_eq!(kind_of(&epsilon).as_deref(), Some("rows"));
        assert_eq!(kind_of(&cnn).as_deref(), Some("cnn"));
        assert_eq!(kind_of(&zeta), None);
    }
}
