//! The [`Lecture`] trait: everything the commands need from one lecture, implemented once in the
//! lecture's own crate (behind its `lecture` module) and listed once in the runner's registry.

use std::path::Path;

use atelier_core::course::CourseEntry;
use atelier_core::params::Params;
use atelier_data::DataRecord;
use atelier_train::{Outcome, Session, TrainConfig, TrainError};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bench::BenchPlan;
use crate::capability::{
    Companion, CompanionFlag, FrozenNet, LatentPaths, PairedTranslations, Sample, SharedVerb, Translate,
};
use crate::context::Context;
use crate::demo::DemoPlan;
use crate::open_run::OpenRun;
use crate::verb::{LectureCommand, Verb};

/// One lecture of the course (or one instrument the course trains, such as the colour evaluator).
///
/// The runner never names a lecture: `train`, `eval`, `bench`, `demo`, `report`, the extra verbs
/// and `--help` iterate the registry and call these methods through [`crate::AnyLecture`].
pub trait Lecture: Sized + Send + Sync + 'static {
    /// The lecture's hyper-parameters, `config.json`'s `model` section: every `#[param]` field is
    /// a flag of `train <id>`, declared once on the field (see `atelier_core::params`).
    type Config: Params + Clone + std::fmt::Debug + Serialize + DeserializeOwned;
    /// The data a run found, not yet read: what its `config.json` records.
    type Source;
    /// The data a run trains on, read.
    type Data;
    /// The flags of `eval <id>` beyond `--run`, `--backend` and `--data-dir`.
    type EvalArgs: Params + Default;

    /// The lecture's name: the command (`train <id>`), `config.json`'s `model.name`, the runs'
    /// folder (`runs/<id>/`).
    const ID: &'static str;

    /// One line each for `train --help`, `eval --help` (and `bench --help`, when it has a bench).
    fn about(&self) -> About;

    /// Its place in the course (None: an instrument, trained but not taught, e.g. an evaluator).
    fn course(&self) -> Option<CourseEntry> {
        None
    }

    // ---- configuration

    /// The configurations its results were measured with: the first is the default, the others
    /// are selected by a flag (`--task sequence`) whose label they carry. `--help` states each
    /// flag's value in the default and where another preset differs.
    fn presets(&self) -> Vec<Preset<Self::Config>>;

    /// The loop settings a fresh run of `config` starts from (epochs, batch size, …).
    fn training(&self, config: &Self::Config) -> TrainConfig;

    /// What the run's length counts, which decides the loop and data flags it has.
    fn clock(&self) -> Clock {
        Clock::Epochs
    }

    /// Loop flags that exist but are refused, with why (`batch-size`: a batch of P identities × K views).
    fn refused_loop_flags(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// Brings the loop settings in line with the model's (the agent's batch size is its own).
    fn settle(&self, _config: &Self::Config, _train: &mut TrainConfig) {}

    /// Refuses loop settings that do nothing for this configuration, naming the flag (a pixel
    /// optimisation has no batches); checked after [`Lecture::settle`].
    fn validate_loop(&self, _config: &Self::Config, _train: &TrainConfig) -> Result<(), String> {
        Ok(())
    }

    /// Refuses a configuration that cannot train, naming the setting.
    fn validate(&self, config: &Self::Config) -> Result<(), String>;

    /// Refuses `--data-dir` where the configuration makes its own data (the sequence task), with why.
    fn refuses_data_dir(&self, _config: &Self::Config) -> Option<&'static str> {
        None
    }

    // ---- data and training

    /// Finds the run's data (`--data-dir`, or the usual search order of its dataset) and says what
    /// the run records about it; nothing is read yet.
    fn locate(&self, config: &Self::Config, data_dir: Option<&Path>) -> Result<Found<Self::Source>, String>;

    /// Reads the data found. A setting the data decides (a folder's classes, image size) is
    /// written into `config` here, before the run directory exists.
    fn load(&self, source: Self::Source, config: &mut Self::Config, train: &TrainConfig) -> Result<Self::Data, String>;

    /// Trains through the shared loop (`atelier_train::fit`, or `run_agent` for an agent).
    fn train(
        &self,
        config: &Self::Config,
        session: &Session,
        data: Self::Data,
        ctx: &Context,
    ) -> Result<Outcome, TrainError>;

    // ---- evaluation and the other commands

    /// Scores the run's latest checkpoint; returns `eval.json`'s entries (the runner writes it).
    fn eval(
        &self,
        run: &OpenRun<Self::Config>,
        args: &Self::EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String>;

    /// The kinds of other runs its `eval` can draw beside its own (each offered by the lecture
    /// that trains them, under that lecture's flag).
    fn accepts(&self) -> &'static [Companion] {
        &[]
    }

    /// The kinds of run this lecture offers to other lectures' evaluations, with their flag.
    fn companions(&self) -> Vec<CompanionFlag> {
        Vec::new()
    }

    /// Commands of its own (`segment`, `search`, …).
    fn verbs(&self) -> Vec<Verb<Self>> {
        Vec::new()
    }

    /// Commands of its own that work on no run (`sweep`).
    fn commands(&self) -> Vec<LectureCommand<Self>> {
        Vec::new()
    }

    /// Its short version in `demo`.
    fn demo(&self) -> Option<DemoPlan> {
        None
    }

    /// Its training-step benchmark (`bench <id>`).
    fn bench(&self) -> Option<BenchPlan<Self>> {
        None
    }

    // ---- what a trained run offers the shared commands (None: not this lecture's)

    /// The shared commands its runs answer: each has its method below.
    fn shares(&self) -> &'static [SharedVerb] {
        &[]
    }

    /// `translate`: the run's generator on a user's images; `direction` as typed (`x2y`, `y2x`).
    fn translator(
        &self,
        _run: &OpenRun<Self::Config>,
        _direction: Option<&str>,
    ) -> Option<Result<Box<dyn Translate>, String>> {
        None
    }

    /// The directions `translate --direction` accepts for this lecture's runs, with their help.
    fn directions(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// `sample`: images drawn from the run's generative model.
    fn sampler(&self, _run: &OpenRun<Self::Config>) -> Option<Result<Box<dyn Sample>, String>> {
        None
    }

    /// The run's translations of its own test pairs ([`Companion::PairedTranslations`]).
    fn paired_translations(
        &self,
        _run: &OpenRun<Self::Config>,
        _data_dir: Option<&Path>,
    ) -> Option<Result<PairedTranslations, String>> {
        None
    }

    /// Paths between two images through the run's code ([`Companion::LatentPaths`]).
    fn latent_paths(&self, _run: &OpenRun<Self::Config>) -> Option<Result<Box<dyn LatentPaths>, String>> {
        None
    }

    /// A classifier rebuilt from its config (this lecture's `model` section) and weights: how the
    /// frozen Fashion evaluator of `assets/evaluator/` comes back.
    fn frozen_net(
        &self,
        _config: &Self::Config,
        _weights: Vec<u8>,
        _device: &burn::prelude::Device,
    ) -> Option<Result<Box<dyn FrozenNet>, String>> {
        None
    }
}

/// The help lines of a lecture's commands.
#[derive(Debug, Clone, Copy)]
pub struct About {
    /// `train <id>`.
    pub train: &'static str,
    /// `eval <id>`.
    pub eval: &'static str,
    /// `--data-dir`'s help where the lecture reads other data than Fashion-MNIST (None: the
    /// Fashion-MNIST search order).
    pub data: Option<&'static str>,
}

/// One of the configurations a lecture's results were measured with.
#[derive(Debug, Clone)]
pub struct Preset<C> {
    /// The flag that selects it (`--task sequence`); None for the default.
    pub label: Option<String>,
    pub config: C,
    /// The measured time of its default length where that is long (stated beside `--epochs`).
    pub cost: Option<&'static str>,
}

impl<C> Preset<C> {
    /// The default configuration.
    pub fn default(config: C) -> Self {
        Self { label: None, config, cost: None }
    }

    /// A configuration selected by `flag value` (`--task sequence`).
    pub fn selected_by(flag: &str, value: &str, config: C) -> Self {
        Self { label: Some(format!("--{flag} {value}")), config, cost: None }
    }

    /// With the measured time of its default length.
    pub fn costing(mut self, cost: &'static str) -> Self {
        self.cost = Some(cost);
        self
    }
}

/// What a run's length counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Epochs over a dataset: `--epochs`, `--train-limit`, `--valid-limit` and `--data-dir` exist.
    Epochs,
    /// Environment steps of an agent that gathers its own data: no dataset flags.
    EnvironmentSteps,
}

impl Clock {
    /// What the x axis of the lecture's curves counts.
    pub fn axis(self) -> atelier_core::curves::StepAxis {
        match self {
            Clock::Epochs => atelier_core::curves::StepAxis::Optimisation,
            Clock::EnvironmentSteps => atelier_core::curves::StepAxis::Environment,
        }
    }
}

/// The data a run found: what it records, how it is described, and how to read it.
pub struct Found<S> {
    pub source: S,
    /// Each file's size and MD5 (or what generates the data), kept in `config.json`.
    pub record: DataRecord,
    /// One line for `run.json` and the log (`/usr/share/datasets/fashion-mnist`, `embedded`, …).
    pub description: String,
}

impl<S> Found<S> {
    /// Data the run makes itself from its seed (progressions, an environment).
    pub fn generated(source: S, description: &str) -> Self {
        Found { source, record: DataRecord::generated(description), description: description.to_string() }
    }
}
