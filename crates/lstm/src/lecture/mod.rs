//! The sequences lecture's wiring: generated progressions or Fashion-MNIST through the shared
//! loop, the evaluation of each task, its demo plan, bench (per recurrent cell, and the LSTM step
//! in `bench ops`) and course entry. (The model modules beside this one do no file IO.)

mod course;
mod run;

use std::path::Path;
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_data::{DataSource, Dataset};
use atelier_derive::Params;
use atelier_lecture::bench::finish;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, BenchRow, Budget, Context, DemoPlan, Found, InAll, Lecture, Op, OpenRun, Pass,
    Preset, fashion, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{ImageSource, Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;
use burn::tensor::Distribution;

use crate::{CellKind, ImageTaskExperiment, LstmCell, LstmConfig, State, Task};

/// The lecture, as the registry lists it.
pub const LECTURE: LstmLecture = LstmLecture;

pub struct LstmLecture;

/// What `run.json` names as the data source of the `sequence` task.
const GENERATED_SOURCE: &str = "generated progressions (from the run's seed)";

/// `eval lstm` has no flags of its own.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {}

/// The flags of `bench lstm`.
#[derive(Debug, Default, Params)]
pub struct BenchArgs {
    /// Recurrent cells to measure (repeat the flag) [default: ours and burn].
    #[param]
    pub cell: Vec<CellKind>,
}

impl Lecture for LstmLecture {
    type Config = LstmConfig;
    /// The Fashion-MNIST files of the image tasks; None for the generated progressions.
    type Source = Option<DataSource>;
    type Data = Option<Dataset>;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "lstm";

    fn about(&self) -> About {
        About {
            train: "The sequences lecture's LSTM (tasks: sequence, rows, complete).",
            eval: "The task's test metric (accuracy, completion NLL, exact next values).",
            data: None,
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<LstmConfig>> {
        let default = LstmConfig::default().task;
        let others = Task::ALL.into_iter().filter(|t| t.name() != default.name());
        std::iter::once(
            Preset::default(LstmConfig::for_task(default)).costing("≈ 25 min on 2 CPU cores with the full data"),
        )
        .chain(others.map(|task| Preset::selected_by("task", task.name(), LstmConfig::for_task(task))))
        .collect()
    }

    fn training(&self, config: &LstmConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &LstmConfig) -> Result<(), String> {
        config.validate()
    }

    fn refuses_data_dir(&self, config: &LstmConfig) -> Option<&'static str> {
        (!run::needs_images(config)).then_some("does not apply to --task sequence: it generates its own progressions")
    }

    fn locate(&self, config: &LstmConfig, data_dir: Option<&Path>) -> Result<Found<Option<DataSource>>, String> {
        if !run::needs_images(config) {
            return Ok(Found::generated(None, GENERATED_SOURCE));
        }
        let found = fashion::locate(data_dir)?;
        Ok(Found { source: Some(found.source), record: found.record, description: found.description })
    }

    fn load(
        &self,
        source: Option<DataSource>,
        _config: &mut LstmConfig,
        _train: &TrainConfig,
    ) -> Result<Option<Dataset>, String> {
        source.map(fashion::load).transpose()
    }

    fn train(
        &self,
        config: &LstmConfig,
        session: &Session,
        data: Option<Dataset>,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        run::train(config, session, data)
    }

    fn eval(
        &self,
        run: &OpenRun<LstmConfig>,
        _args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let needs_images = run::needs_images(&run.config);
        if !needs_images && data_dir.is_some() {
            return Err("--data-dir does not apply to a --task sequence run: it generates its own progressions".into());
        }
        let dataset = needs_images.then(|| fashion::load_dir(data_dir)).transpose()?;
        run::eval(run, dataset, ctx)
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "the LSTM reading images row by row, 30,000 images, then test accuracy",
            budget: Budget::Images(30_000),
            train_flags: &["--task", "rows"],
            eval_flags: &[],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        let plan = BenchPlan::with_args("The `rows` model, per recurrent cell.", bench_rows)
            .in_all(InAll { flags: &["--cell", "ours"], ..InAll::default() })
            .with_ops(vec![Op { name: "lstm_step_28to128", prepare: lstm_step_op }]);
        Some(plan)
    }
}

/// `bench lstm`: the `rows` classifier, with each cell asked for (ours and Burn's by default).
fn bench_rows(
    _: &LstmLecture,
    request: &BenchRequest,
    args: &BenchArgs,
    device: &Device,
) -> Result<Vec<BenchRow>, String> {
    let cells = if args.cell.is_empty() { vec![CellKind::Ours, CellKind::Burn] } else { args.cell.clone() };
    let data = atelier_data::load(None).map_err(|e| e.to_string())?;
    let source = ImageSource::new(Arc::new(data.train.clone()), None);
    cells
        .into_iter()
        .map(|cell| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let config = LstmConfig { cell, ..LstmConfig::default() };
            let experiment = ImageTaskExperiment::new(config, data.rows(), data.num_classes(), &device)
                .map_err(|e| format!("bench lstm: {e}"))?;
            let label = format!("lstm rows ({})", format!("{cell:?}").to_lowercase());
            Ok(time_steps(experiment, &device, &source, request)?.row(label, request.batch_size))
        })
        .collect()
}

/// `bench ops`: one step of our LSTM cell on a row of 28 pixels into 128 units, from a zero state.
fn lstm_step_op(n: usize, device: &Device, pass: Pass) -> Result<atelier_lecture::OpCall, String> {
    let cell = LstmCell::new(28, 128, device);
    let x = Tensor::<4>::random([1, 1, n, 28], Distribution::Normal(0.0, 1.0), device);
    let x = if pass == Pass::ForwardBackward { x.require_grad() } else { x };
    let zeros = State::zeros(n, 128, device);
    Ok(Box::new(move || {
        let state = cell.step(x.clone().reshape([n, 28]), zeros.clone()); // h_1: [n, 128]
        finish(state.hidden.sum(), x.clone(), pass)
    }))
}
