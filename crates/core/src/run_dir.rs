//! One directory per run: `<out>/<model>/<timestamp>-<backend>-s<seed>/`.
//!
//! ```text
//! config.json      the full resolved configuration, its data's files and MD5s included
//!                  (rerun with `train --config <run>/config.json`)
//! run.json         provenance: git revision, versions, backend and device, command line, times
//! metrics.csv      step,epoch,split,name,value
//! checkpoints/     step-<n>/ folders written atomically, plus `latest` naming the newest
//! samples/         PNG image grids
//! plots/           PNG curves of every metric
//! eval.json        flat "name": number pairs, written by `eval`
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::atomic::{with_path, write_json_atomic};
use crate::clock;

pub const CONFIG_FILE: &str = "config.json";
pub const RUN_FILE: &str = "run.json";
pub const METRICS_FILE: &str = "metrics.csv";
pub const EVAL_FILE: &str = "eval.json";

/// A run's directory and the names of what it holds.
#[derive(Debug, Clone)]
pub struct RunDir {
    path: PathBuf,
}

impl RunDir {
    /// Creates a fresh run directory `<out>/<model>/<timestamp>-<backend>-s<seed>` (a `-2`, `-3`, …
    /// suffix when two runs start in the same second).
    pub fn create(out: &Path, model: &str, backend: &str, seed: u64) -> io::Result<Self> {
        let parent = out.join(model);
        fs::create_dir_all(&parent).map_err(|e| with_path(e, &parent))?;
        let stem = format!("{}-{backend}-s{seed}", clock::compact(clock::unix_now()));
        let mut path = parent.join(&stem);
        let mut n = 2;
        loop {
            match fs::create_dir(&path) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    path = parent.join(format!("{stem}-{n}"));
                    n += 1;
                }
                Err(e) => return Err(with_path(e, &path)),
            }
        }
        let run = Self { path };
        run.create_subdirs()?;
        Ok(run)
    }

    /// Opens an existing run directory (for `--resume`, `eval`, `sample`); it must hold `config.json`.
    pub fn open(path: &Path) -> io::Result<Self> {
        if !path.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{}: no such run directory", path.display())));
        }
        let run = Self { path: path.to_path_buf() };
        if !run.config_path().is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: not a run directory (it has no {CONFIG_FILE})", path.display()),
            ));
        }
        run.create_subdirs()?;
        Ok(run)
    }

    fn create_subdirs(&self) -> io::Result<()> {
        for dir in [self.checkpoints_dir(), self.samples_dir(), self.plots_dir()] {
            fs::create_dir_all(&dir).map_err(|e| with_path(e, &dir))?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn config_path(&self) -> PathBuf {
        self.path.join(CONFIG_FILE)
    }
    pub fn run_path(&self) -> PathBuf {
        self.path.join(RUN_FILE)
    }
    pub fn metrics_path(&self) -> PathBuf {
        self.path.join(METRICS_FILE)
    }
    pub fn eval_path(&self) -> PathBuf {
        self.path.join(EVAL_FILE)
    }
    pub fn checkpoints_dir(&self) -> PathBuf {
        self.path.join("checkpoints")
    }
    pub fn samples_dir(&self) -> PathBuf {
        self.path.join("samples")
    }
    pub fn plots_dir(&self) -> PathBuf {
        self.path.join("plots")
    }

    /// Writes `eval.json`: flat `"name": number` pairs, sorted by name ([`eval_value`]).
    pub fn write_eval(&self, values: &[(String, f64)]) -> io::Result<()> {
        write_json_atomic(&self.eval_path(), &eval_map(values))
    }

    /// [`RunDir::write_eval`] with the record of the data scored under `"data"` (its source,
    /// counts, file names, sizes and MD5s), so `eval.json` says what it measured.
    pub fn write_eval_with_data(&self, values: &[(String, f64)], data: serde_json::Value) -> io::Result<()> {
        let mut map = eval_map(values);
        map.insert(EVAL_DATA_KEY.to_string(), data);
        write_json_atomic(&self.eval_path(), &map)
    }
}

/// The key of `eval.json` that records the data scored.
pub const EVAL_DATA_KEY: &str = "data";

fn eval_map(values: &[(String, f64)]) -> serde_json::Map<String, serde_json::Value> {
    values.iter().map(|(k, v)| (k.clone(), eval_value(*v))).collect()
}

/// A score as `eval.json` holds it: a finite number as itself; NaN or ∞ (a measure not defined on
/// this data: no boundary pixels, no query with a match, a degenerate covariance) as the string
/// `"not defined: …"`, never `null` and never a number that looks like a result.
pub fn eval_value(value: f64) -> serde_json::Value {
    if value.is_finite() {
        serde_json::json!(value)
    } else {
        let why = if value.is_nan() { "not a number" } else { "infinite" };
        serde_json::Value::String(format!("{NOT_DEFINED}: the measure is {why} on this data"))
    }
}

/// How `eval.json` marks a measure that has no value on the data scored.
pub const NOT_DEFINED: &str = "not defined";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_that_are_not_numbers_are_written_as_not_defined_never_null() {
        assert_eq!(eval_value(0.25), serde_json::json!(0.25));
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let written = eval_value(value);
            assert!(written.as_str().is_some_and(|s| s.starts_with("not defined: ")), "{written}");
        }
    }

    #[test]
    fn create_lays_out_the_directory_and_open_checks_it() {
        let scratch = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let out = scratch.path();
        let a = RunDir::create(out, "toy", "flex", 7).unwrap();
        let b = RunDir::create(out, "toy", "flex", 7).unwrap();
        assert_ne!(a.path(), b.path(), "two runs in one second get distinct directories");
        let name = a.path().file_name().unwrap().to_string_lossy().to_string();
        assert!(name.ends_with("-flex-s7"), "{name}");
        assert!(a.checkpoints_dir().is_dir() && a.samples_dir().is_dir() && a.plots_dir().is_dir());
        let err = RunDir::open(a.path()).unwrap_err().to_string();
        assert!(err.contains("has no config.json"), "{err}");
        fs::write(a.config_path(), "{}").unwrap();
        assert!(RunDir::open(a.path()).is_ok());
        let err = RunDir::open(&out.join("missing")).unwrap_err().to_string();
        assert!(err.contains("no such run directory"), "{err}");
        a.write_eval(&[("test_mse".into(), 0.5)]).unwrap();
        let text = fs::read_to_string(a.eval_path()).unwrap();
        assert!(text.contains("\"test_mse\": 0.5"), "{text}");
    }
}
