//! Measurements the runner takes of the model during training, beside the loop's own metrics.

use std::collections::BTreeMap;
use std::io::Write;

use atelier_core::run_dir::RunDir;

use crate::error::TrainError;
use crate::metrics_log::MetricsLog;
use crate::progress::Progress;

/// The file of a run that collects the monitor's warnings.
pub const WARNINGS_FILE: &str = "warnings.log";

/// A measurement the runner takes of the model every [`Monitor::every`] steps, beside the loop's
/// own metrics: e.g. a GAN's samples scored by the frozen evaluator, which a model crate cannot
/// depend on. Its numbers go to `metrics.csv` (split `monitor`) and the plots; its warnings are
/// shown above the progress bar and appended to the run's `warnings.log`. A measurement that
/// fails is such a warning too: the training goes on.
pub trait Monitor<E> {
    /// Steps between measurements (also taken once at the end of a completed run).
    fn every(&self) -> u64;
    /// Measures `experiment` after `step` steps; `train_means` are the latest logged training
    /// means (the window just read).
    fn measure(
        &mut self,
        experiment: &E,
        step: u64,
        train_means: &BTreeMap<String, f64>,
    ) -> Result<MonitorReport, String>;
}

/// What a [`Monitor`] measured.
#[derive(Debug, Clone, Default)]
pub struct MonitorReport {
    pub metrics: Vec<(String, f64)>,
    pub warnings: Vec<String>,
}

/// Runs the monitor once: logs its metrics, shows and records its warnings. A failed measurement
/// is recorded as a warning (the run goes on); only the run's own files failing is an error.
#[allow(clippy::too_many_arguments)]
pub(crate) fn measure<E>(
    monitor: &mut dyn Monitor<E>,
    experiment: &E,
    train_means: &BTreeMap<String, f64>,
    step: u64,
    epoch: u64,
    log: &mut MetricsLog,
    progress: &Progress,
    run: &RunDir,
) -> Result<(), TrainError> {
    let report = match monitor.measure(experiment, step, train_means) {
        Ok(report) => report,
        Err(reason) => MonitorReport {
            metrics: Vec::new(),
            warnings: vec![format!("step {step}: the monitor's measurement failed, training goes on: {reason}")],
        },
    };
    if !report.metrics.is_empty() {
        let mut summary = Vec::new();
        for (name, value) in &report.metrics {
            log.write(step, epoch, "monitor", name, *value)?;
            summary.push(format!("{name} {value:.4}"));
        }
        progress.println(&format!("step {step}: {}", summary.join(", ")));
    }
    if !report.warnings.is_empty() {
        let path = run.path().join(WARNINGS_FILE);
        let mut lines = String::new();
        for warning in &report.warnings {
            progress.println(&format!("warning: {warning}"));
            lines.push_str(warning);
            lines.push('\n');
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(lines.as_bytes()))
            .map_err(|source| TrainError::WarningsLog { path, source })?;
    }
    Ok(())
}
