//! The two records a runs folder holds besides run directories: what the last `demo` did
//! (`demo.json`) and the `bench` results (`bench/<timestamp>-<model>.jsonl`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ReportError;

/// `<runs>/demo.json`.
pub const DEMO_FILE: &str = "demo.json";
/// `<runs>/bench/`.
pub const BENCH_DIR: &str = "bench";

/// What one `cargo xtask demo` did, lecture by lecture.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DemoRecord {
    pub started: String,
    pub finished: Option<String>,
    pub backend: String,
    pub lectures: Vec<DemoLecture>,
}

/// One lecture of a demo.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DemoLecture {
    pub lecture: String,
    pub outcome: DemoOutcome,
    /// The run directory it trained (relative to the runs folder), once known.
    pub run: Option<String>,
    pub seconds: f64,
}

/// How a demo lecture ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DemoOutcome {
    Passed,
    Failed {
        message: String,
    },
    /// Not run: the demo was stopped first.
    Skipped,
}

/// Reads `<runs>/demo.json` (`None` when there is none).
pub fn read_demo(runs: &Path) -> Result<Option<DemoRecord>, ReportError> {
    let path = runs.join(DEMO_FILE);
    match fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ReportError::Read { path, source }),
        Ok(text) => {
            serde_json::from_str(&text).map(Some).map_err(|e| ReportError::Malformed { path, reason: e.to_string() })
        }
    }
}

/// One measured speed of one model on one backend.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchRow {
    pub model: String,
    pub backend: String,
    pub device: String,
    /// Images/s, or gradient updates/s for the agent (`unit` says which).
    pub speed: f64,
    pub unit: &'static str,
    pub peak_memory_mb: f64,
    pub batch_size: Option<u64>,
    /// The file it came from.
    pub file: PathBuf,
}

/// The newest result per (model, backend) from `<runs>/bench/*.jsonl` (files sort by their
/// timestamp name; a line that is not a bench result is skipped and named in `skipped`).
pub fn read_bench(runs: &Path) -> Result<(Vec<BenchRow>, Vec<String>), ReportError> {
    let dir = runs.join(BENCH_DIR);
    if !dir.is_dir() {
        return Ok((Vec::new(), Vec::new()));
    }
    let entries = fs::read_dir(&dir).map_err(|source| ReportError::Read { path: dir.clone(), source })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut newest: BTreeMap<(String, String), BenchRow> = BTreeMap::new();
    let mut skipped = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).map_err(|source| ReportError::Read { path: file.clone(), source })?;
        for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match serde_json::from_str::<Value>(line).ok().and_then(|v| bench_row(&v, &file)) {
                Some(row) => {
                    newest.insert((row.model.clone(), row.backend.clone()), row);
                }
                None => skipped.push(format!("{}:{}", file.display(), index + 1)),
            }
        }
    }
    Ok((newest.into_values().collect(), skipped))
}

fn bench_row(value: &Value, file: &Path) -> Option<BenchRow> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    let (speed, unit) = match (value.get("images_per_s"), value.get("updates_per_s")) {
        (Some(v), _) => (v.as_f64()?, "images/s"),
        (None, Some(v)) => (v.as_f64()?, "updates/s"),
        (None, None) => return None,
    };
    Some(BenchRow {
        model: text("model")?,
        backend: text("backend")?,
        device: text("device").unwrap_or_default(),
        speed,
        unit,
        peak_memory_mb: value.get("peak_memory_mb").and_then(Value::as_f64).unwrap_or(f64::NAN),
        batch_size: value.get("batch_size").and_then(Value::as_u64),
        file: file.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_bench_row_per_model_and_backend_and_bad_lines_named() {
        let runs = tempfile::tempdir().unwrap();
        let bench = runs.path().join(BENCH_DIR);
        fs::create_dir_all(&bench).unwrap();
        let line = |model: &str, backend: &str, speed: f64| {
            format!(
                r#"{{"model":"{model}","backend":"{backend}","device":"cpu","batch_size":128,"steps":30,"images_per_s":{speed},"peak_memory_mb":150.0}}"#
            )
        };
        fs::write(bench.join("20261128-080000-beta.jsonl"), line("beta", "flex", 1000.0)).unwrap();
        fs::write(bench.join("20261128-090000-beta.jsonl"), format!("{}\nnot json\n", line("beta", "flex", 1200.0)))
            .unwrap();
        fs::write(
            bench.join("20261128-090000-zeta.jsonl"),
            r#"{"model":"zeta","backend":"flex","device":"cpu","updates_per_s":1300.0,"peak_memory_mb":24.0}"#,
        )
        .unwrap();
        fs::write(bench.join("notes.txt"), "ignored").unwrap();
        let (rows, skipped) = read_bench(runs.path()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].model.as_str(), rows[0].speed, rows[0].unit), ("beta", 1200.0, "images/s"));
        assert_eq!((rows[1].model.as_str(), rows[1].speed, rows[1].unit), ("zeta", 1300.0, "updates/s"));
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].ends_with("20261128-090000-beta.jsonl:2"), "{skipped:?}");
    }

    #[test]
    fn demo_record_round_trips_and_a_broken_one_is_an_error() {
        let runs = tempfile::tempdir().unwrap();
        assert_eq!(read_demo(runs.path()).unwrap(), None);
        let record = DemoRecord {
            started: "2026-11-28T09:00:00Z".into(),
            finished: None,
            backend: "flex".into(),
            lectures: vec![DemoLecture {
                lecture: "gamma".into(),
                outcome: DemoOutcome::Failed { message: "boom".into() },
                run: None,
                seconds: 1.5,
            }],
        };
        fs::write(runs.path().join(DEMO_FILE), serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(read_demo(runs.path()).unwrap(), Some(record));
        fs::write(runs.path().join(DEMO_FILE), "{").unwrap();
        let error = read_demo(runs.path()).unwrap_err().to_string();
        assert!(error.contains(DEMO_FILE), "{error}");
    }
}
