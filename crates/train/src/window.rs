//! The metric window: running sums of the training metrics kept on the device between host reads,
//! read back in one transfer, checked for NaN/inf and logged. Both loops use it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use burn::prelude::*;

use crate::error::TrainError;
use crate::host::to_host_f32;
use crate::metrics_log::MetricsLog;

/// Per metric, the sum of the values reported since the last read (on the device) and how many
/// steps reported it.
pub(crate) struct MetricWindow {
    sums: BTreeMap<String, (Tensor<1>, u64)>,
    /// The first step whose values are in the window (the step after the last read).
    first_step: u64,
}

impl MetricWindow {
    /// An empty window whose first step is `step + 1`.
    pub(crate) fn new(step: u64) -> Self {
        Self { sums: BTreeMap::new(), first_step: step + 1 }
    }

    /// A window at `step` holding the sums a stopped run left (see [`MetricWindow::stash`]).
    pub(crate) fn restore(pending: Vec<(String, f32, u64)>, step: u64, device: &Device) -> Self {
        let sums =
            pending.into_iter().map(|(name, sum, n)| (name, (Tensor::<1>::from_floats([sum], device), n))).collect();
        Self { sums, first_step: step + 1 }
    }

    /// Adds one step's metrics (one-element device tensors).
    pub(crate) fn add(&mut self, metrics: Vec<(&'static str, Tensor<1>)>) {
        for (name, value) in metrics {
            let entry = match self.sums.remove(name) {
                Some((sum, n)) => (sum + value, n + 1),
                None => (value, 1),
            };
            self.sums.insert(name.to_string(), entry);
        }
    }

    /// Takes the sums so far to the host (one read), leaving the window empty: what a checkpoint
    /// keeps so that a resumed run goes on summing them.
    pub(crate) fn stash(&mut self) -> Result<Vec<(String, f32, u64)>, TrainError> {
        let sums = std::mem::take(&mut self.sums);
        let names: Vec<(String, u64)> = sums.iter().map(|(name, (_, n))| (name.clone(), *n)).collect();
        let values = read_sums(sums.into_values().map(|(sum, _)| sum).collect(), "the pending training metrics")?;
        Ok(names.into_iter().zip(values).map(|((name, n), sum)| (name, sum, n)).collect())
    }

    /// Reads the means of the window at `step` (one host read; each metric's sum over the steps
    /// that reported it), checks each is finite and logs it as split `train`, in name order.
    /// Starts a new window after `step`. `last_checkpoint` is named if a value is not finite.
    pub(crate) fn read(
        &mut self,
        step: u64,
        epoch: u64,
        log: &mut MetricsLog,
        last_checkpoint: Option<&PathBuf>,
    ) -> Result<Vec<(String, f64)>, TrainError> {
        let sums = std::mem::take(&mut self.sums);
        let first_step = std::mem::replace(&mut self.first_step, step + 1);
        let counts: Vec<(String, u64)> = sums.iter().map(|(name, (_, n))| (name.clone(), *n)).collect();
        let values = read_sums(sums.into_values().map(|(sum, _)| sum).collect(), "the running training metrics")?;
        let mut means = Vec::with_capacity(counts.len());
        for ((name, n), sum) in counts.into_iter().zip(values) {
            let mean = f64::from(sum) / n as f64;
            check_finite(&name, mean, first_step, step, last_checkpoint)?;
            log.write(step, epoch, "train", &name, mean)?;
            means.push((name, mean));
        }
        Ok(means)
    }
}

/// One-element sums read back to the host in one transfer.
pub(crate) fn read_sums(sums: Vec<Tensor<1>>, what: &str) -> Result<Vec<f32>, TrainError> {
    if sums.is_empty() {
        return Ok(Vec::new());
    }
    Ok(to_host_f32(Tensor::cat(sums, 0), what)?)
}

/// An error naming the metric and the steps of its window when `value` is NaN or infinite.
pub(crate) fn check_finite(
    name: &str,
    value: f64,
    first_step: u64,
    last_step: u64,
    last_checkpoint: Option<&PathBuf>,
) -> Result<(), TrainError> {
    if value.is_finite() {
        return Ok(());
    }
    Err(TrainError::NonFinite {
        name: name.to_string(),
        value,
        first_step,
        last_step,
        last_good_checkpoint: last_checkpoint.cloned(),
    })
}
