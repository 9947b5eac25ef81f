//! The reinforcement-learning lecture's wiring: the agent through the shared agent loop (it makes
//! its own data, so it has no dataset flags), its greedy evaluation, `sweep dqn`, its demo plan,
//! bench and course entry. (The model modules beside this one do no file IO.)

mod course;
mod run;
mod sweep;

use std::path::Path;

use atelier_backend::Backend;
use atelier_core::course::CourseEntry;
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, BenchRow, Budget, Clock, Context, DemoPlan, Found, Lecture, LectureCommand,
    OpenRun, Preset,
};
use atelier_train::{Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::DqnConfig;

/// The lecture, as the registry lists it.
pub const LECTURE: DqnLecture = DqnLecture;

pub struct DqnLecture;

/// What `run.json` records as the data of a DQN run.
const DATA_SOURCE: &str = "CartPole-v1 (simulated, crates/dqn/src/env.rs)";
/// At least this many gradient updates are timed by `bench dqn` (one takes about a millisecond).
const MIN_TIMED_UPDATES: usize = 300;

/// The flags of `eval dqn`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Greedy episodes to evaluate [default: the run's eval_episodes].
    #[param]
    pub episodes: Option<usize>,
}

impl Lecture for DqnLecture {
    type Config = DqnConfig;
    type Source = ();
    type Data = ();
    type EvalArgs = EvalArgs;

    const ID: &'static str = "dqn";

    fn about(&self) -> About {
        About {
            train: "Deep Q-Learning on CartPole-v1 (length in environment steps; it gathers its own data).",
            eval: "Greedy returns of the final policy and of the best one kept during training.",
            data: None,
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<DqnConfig>> {
        vec![Preset::default(DqnConfig::default())]
    }

    fn training(&self, config: &DqnConfig) -> TrainConfig {
        config.training()
    }

    fn clock(&self) -> Clock {
        Clock::EnvironmentSteps
    }

    /// One batch size: the agent's.
    fn settle(&self, config: &DqnConfig, train: &mut TrainConfig) {
        train.batch_size = config.batch_size;
    }

    fn validate(&self, config: &DqnConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, _config: &DqnConfig, _data_dir: Option<&Path>) -> Result<Found<()>, String> {
        Ok(Found::generated((), DATA_SOURCE))
    }

    fn load(&self, _source: (), _config: &mut DqnConfig, _train: &TrainConfig) -> Result<(), String> {
        Ok(())
    }

    fn train(&self, config: &DqnConfig, session: &Session, _data: (), _ctx: &Context) -> Result<Outcome, TrainError> {
        run::train(config, session)
    }

    fn eval(
        &self,
        run: &OpenRun<DqnConfig>,
        args: &EvalArgs,
        _data_dir: Option<&Path>,
        _ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        run::eval(run, args.episodes.unwrap_or(run.config.eval_episodes))
    }

    fn commands(&self) -> Vec<LectureCommand<Self>> {
        vec![LectureCommand::new(
            "sweep",
            "Train the agent for each seed and evaluate each greedily; prints mean ± std in one table.",
            sweep::run,
        )]
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "DQN on CartPole-v1, the full default run (100,000 environment steps), then 20 greedy episodes",
            budget: Budget::EnvironmentSteps(100_000),
            train_flags: &["--eval-episodes", "20"],
            eval_flags: &["--episodes", "20"],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        let plan = BenchPlan::images("Environment steps/s and gradient updates/s of the agent.", bench)
            .measuring("updates/s", "updates_per_s")
            .on(&[Backend::Flex, Backend::Ndarray, Backend::Wgpu]);
        Some(plan)
    }
}

/// `bench dqn`: physics, acting, updates (at least [`MIN_TIMED_UPDATES`] timed) and the default
/// schedule, on one device.
fn bench(_: &DqnLecture, request: &BenchRequest, device: &Device) -> Result<Vec<BenchRow>, String> {
    let timed = request.steps.max(MIN_TIMED_UPDATES);
    let speeds = run::bench(device, request.batch_size, request.warmup.max(20), timed).map_err(|e| e.to_string())?;
    Ok(vec![BenchRow {
        label: "dqn".into(),
        batch_size: request.batch_size,
        numbers: vec![
            ("timed_updates", timed as f64),
            ("env_steps_per_s", speeds.env_steps_per_s),
            ("acting_steps_per_s", speeds.acting_steps_per_s),
            ("updates_per_s", speeds.updates_per_s),
            ("training_env_steps_per_s", speeds.training_env_steps_per_s),
        ],
    }])
}
