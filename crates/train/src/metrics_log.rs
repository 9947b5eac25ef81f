//! The run's `metrics.csv` as the loops use it: every failure names the file.

use std::path::Path;

use atelier_core::metrics::{self, MetricRow, MetricsWriter};
use atelier_core::run_dir::RunDir;

use crate::checkpoint::Position;
use crate::error::TrainError;
use atelier_core::curves::{StepAxis, write_metric_plots};

/// The open `metrics.csv` of a run.
pub(crate) struct MetricsLog {
    writer: MetricsWriter,
}

impl MetricsLog {
    /// A new table for a fresh run; for a run resumed at the checkpoint `resumed_at`, the
    /// existing table as it was when that checkpoint was saved (a new one if the run has none yet).
    pub(crate) fn open(run: &RunDir, resumed_at: Option<Position>) -> Result<Self, TrainError> {
        let path = run.metrics_path();
        let writer = match resumed_at {
            Some(at) if metrics::exists(&path) => MetricsWriter::resume(&path, at.step, at.metrics_rows),
            _ => MetricsWriter::create(&path),
        };
        writer.map(|writer| Self { writer }).map_err(|source| TrainError::Metrics { path, source })
    }

    /// Rows written so far: a checkpoint records it.
    pub(crate) fn rows(&self) -> u64 {
        self.writer.rows()
    }

    /// Appends one row.
    pub(crate) fn write(
        &mut self,
        step: u64,
        epoch: u64,
        split: &str,
        name: &str,
        value: f64,
    ) -> Result<(), TrainError> {
        let row = MetricRow { step, epoch, split: split.to_string(), name: name.to_string(), value };
        self.writer.write(&row).map_err(|source| self.error(source))
    }

    /// Draws `plots/<name>.png` for every metric logged so far.
    pub(crate) fn draw_plots(&self, plots_dir: &Path, axis: StepAxis) -> Result<(), TrainError> {
        let rows = metrics::read_metrics(self.writer.path()).map_err(|source| self.error(source))?;
        write_metric_plots(&rows, plots_dir, axis)
            .map_err(|reason| TrainError::Plot { dir: plots_dir.to_path_buf(), reason: reason.to_string() })
    }

    fn error(&self, source: std::io::Error) -> TrainError {
        TrainError::Metrics { path: self.writer.path().to_path_buf(), source }
    }
}
