//! The loop with a [`Monitor`]: a measurement that fails is a warning, never the end of the run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use atelier_backend::Backend;
use atelier_core::metrics::{MetricRow, read_metrics};
use atelier_core::run_dir::RunDir;
use atelier_data::{DataSource, load_from};
use atelier_testkit::shared_rng;
use atelier_train::{
    Experiment, Figure, ImageBatch, ImageSource, Monitor, MonitorReport, Outcome, Resume, Session, StepContext,
    StepOutput, TrainConfig, WARNINGS_FILE, fit, fit_monitored,
};

/// An experiment without parameters: its "loss" is the mean pixel of the batch.
struct MeanPixel;

impl Experiment for MeanPixel {
    type Batch = ImageBatch;

    fn train_step(&mut self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        StepOutput::new(batch.len()).with("loss", batch.images.mean())
    }

    fn valid_step(&self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        StepOutput::new(batch.len()).with("loss", batch.images.mean())
    }

    fn figures(&self, _batch: ImageBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        Vec::new()
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        Ok(vec![("model".to_string(), vec![1])])
    }

    fn load_state(self, _blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        Ok(self)
    }
}

/// A monitor whose measurement always fails (as the evaluator would on a lost device).
struct Failing {
    calls: Vec<u64>,
}

impl Monitor<MeanPixel> for Failing {
    fn every(&self) -> u64 {
        2
    }

    fn measure(
        &mut self,
        _experiment: &MeanPixel,
        step: u64,
        _train_means: &BTreeMap<String, f64>,
    ) -> Result<MonitorReport, String> {
        self.calls.push(step);
        Err("the evaluator could not read its features".into())
    }
}

fn session(out: &std::path::Path) -> Session {
    let device = Backend::Flex.device().unwrap();
    let run = RunDir::create(out, "mean-pixel", "flex", 0).unwrap();
    let config =
        TrainConfig { epochs: 1, batch_size: 8, log_every: 1, checkpoint_every: 100, ..TrainConfig::default() };
    Session {
        run,
        config,
        device,
        stop: Arc::new(AtomicBool::new(false)),
        resume: Resume::Fresh,
        after_restore: Default::default(),
    }
}

/// The rows of the loop's own metrics (everything but the monitor's).
fn loop_rows(session: &Session) -> Vec<MetricRow> {
    read_metrics(&session.run.metrics_path()).unwrap().into_iter().filter(|r| r.split != "monitor").collect()
}

#[test]
fn a_failing_monitor_is_a_warning_on_screen_and_in_the_log_and_the_run_loses_nothing() {
    let _rng = shared_rng();
    let data = load_from(DataSource::Embedded).unwrap();
    let train = ImageSource::new(Arc::new(data.train), Some(36));
    let valid = ImageSource::new(Arc::new(data.test), Some(16));
    let out = tempfile::tempdir().unwrap();

    let monitored = session(&out.path().join("monitored"));
    let mut monitor = Failing { calls: Vec::new() };
    let (_, outcome) = fit_monitored(MeanPixel, &train, &valid, &monitored, Some(&mut monitor))
        .expect("a failing monitor must not stop the run");
    assert!(matches!(outcome, Outcome::Completed { steps: 5, .. }), "{outcome:?}");
    assert_eq!(monitor.calls, vec![2, 4, 5], "every 2 steps, and once at the end");

    let log = std::fs::read_to_string(monitored.run.path().join(WARNINGS_FILE)).expect("warnings.log was written");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(lines[0].contains("step 2") && lines[0].contains("could not read its features"), "{log}");
    assert!(monitored.run.checkpoints_dir().join("latest").is_file(), "the final checkpoint was written");

    // Nothing lost: the loop logged exactly what a run without a monitor logs.
    let plain = session(&out.path().join("plain"));
    fit(MeanPixel, &train, &valid, &plain).unwrap();
    let (with_monitor, without) = (loop_rows(&monitored), loop_rows(&plain));
    assert_eq!(with_monitor.len(), 6, "5 training means and 1 test mean: {with_monitor:?}");
    assert_eq!(with_monitor, without);
}
