//! [`AnyLecture`]: a [`Lecture`] with its types erased, so the registry can hold every lecture in
//! one list. Implemented for every `Lecture` here; no lecture writes it.

use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_core::course::CourseEntry;
use atelier_core::params::{ParamInfo, Typed};
use atelier_train::TrainConfig;
use burn::prelude::*;

use crate::bench::{BenchRequest, BenchRow, InAll, Op};
use crate::capability::{
    Companion, CompanionFlag, FrozenNet, LatentPaths, PairedTranslations, Sample, SharedVerb, Translate,
};
use crate::context::Context;
use crate::demo::DemoPlan;
use crate::flags;
use crate::lecture::{About, Clock, Lecture};
use crate::open_run::OpenRun;
use crate::run_config::RunConfig;

/// A verb's name, help and flags, as the command line lists them.
#[derive(Debug, Clone)]
pub struct VerbInfo {
    pub name: &'static str,
    pub about: &'static str,
    pub params: Vec<ParamInfo>,
    pub defaults: Vec<(&'static str, String)>,
}

/// A bench's help, flags and `bench all` settings, as the command line and `bench all` read them.
#[derive(Debug, Clone)]
pub struct BenchInfo {
    pub about: &'static str,
    pub default_backends: Vec<Backend>,
    pub speed: (&'static str, &'static str),
    pub in_all: InAll,
    pub params: Vec<ParamInfo>,
    pub defaults: Vec<(&'static str, String)>,
    pub ops: Vec<Op>,
}

/// What `train` was asked: the config it starts from, if any, and the flags typed.
#[derive(Debug, Clone, Default)]
pub struct TrainRequest {
    /// `--config FILE` (`resume: None`) or the resumed run's config (`resume: Some(RUN)`).
    pub base: Option<RunConfig>,
    pub resume: Option<PathBuf>,
    /// Every flag typed after `train <id>` (backend, data, loop and model flags).
    pub typed: Typed,
    /// Where a new run directory goes.
    pub out: PathBuf,
}

/// A lecture, its types erased. Every method has the [`Lecture`] method of the same purpose behind it.
pub trait AnyLecture: Send + Sync {
    fn id(&self) -> &'static str;
    fn about(&self) -> About;
    fn course(&self) -> Option<CourseEntry>;
    fn clock(&self) -> Clock;

    /// The flags of `train <id>`, in `--help`'s order: run, backend, data, loop, then the model's.
    fn train_flags(&self) -> Vec<ParamInfo>;
    /// Each flag's default as `--help` states it: the default preset's value, then each preset
    /// that differs (`15 (≈ 25 min …); --task sequence: 60; --task complete: 10`).
    fn train_defaults(&self) -> Vec<(&'static str, String)>;
    /// The flags of `eval <id>` (the companions' are added by the command line from the registry).
    fn eval_flags(&self) -> Vec<ParamInfo>;
    /// `--help`'s default of each of its own eval flags that has one.
    fn eval_defaults(&self) -> Vec<(&'static str, String)>;
    fn accepts(&self) -> &'static [Companion];
    fn companions(&self) -> Vec<CompanionFlag>;
    fn verbs(&self) -> Vec<VerbInfo>;
    /// Its commands that work on no run (`sweep`), as the command line lists them.
    fn commands(&self) -> Vec<VerbInfo>;
    /// One of those commands.
    fn run_command(&self, name: &str, typed: Typed, ctx: &Context) -> Result<(), String>;
    fn bench_info(&self) -> Option<BenchInfo>;
    fn demo(&self) -> Option<DemoPlan>;
    fn directions(&self) -> &'static [(&'static str, &'static str)];
    /// The shared commands its runs answer (`translate`, `sample`).
    fn shares(&self) -> &'static [SharedVerb];

    /// The loop settings and model section of a fresh run with no flags (what `--help` states).
    fn default_config(&self) -> Result<RunConfig, String>;

    /// `train`: resolves the flags over the base config, records and checks the data, trains;
    /// returns the run directory.
    fn train(&self, request: TrainRequest, ctx: &Context) -> Result<PathBuf, String>;
    /// `eval`: scores the run and writes its `eval.json`; returns the entries.
    fn eval(&self, typed: Typed, ctx: &Context) -> Result<Vec<(String, f64)>, String>;
    /// One of its verbs.
    fn run_verb(&self, name: &str, typed: Typed, ctx: &Context) -> Result<(), String>;
    /// Its bench on `device`.
    fn bench(&self, request: &BenchRequest, typed: &Typed, device: &Device) -> Result<Vec<BenchRow>, String>;

    fn translator(
        &self,
        path: &Path,
        backend: Option<Backend>,
        direction: Option<&str>,
    ) -> Result<Box<dyn Translate>, String>;
    fn sampler(&self, path: &Path, backend: Option<Backend>) -> Result<Box<dyn Sample>, String>;
    fn paired_translations(
        &self,
        path: &Path,
        data_dir: Option<&Path>,
        device: &Device,
    ) -> Option<Result<PairedTranslations, String>>;
    fn latent_paths(&self, path: &Path, device: &Device) -> Option<Result<Box<dyn LatentPaths>, String>>;
    /// A classifier from a `model` section of this lecture and its weights.
    fn frozen_net(
        &self,
        model: &serde_json::Value,
        weights: Vec<u8>,
        device: &Device,
    ) -> Option<Result<Box<dyn FrozenNet>, String>>;
}

impl<L: Lecture> AnyLecture for L {
    fn id(&self) -> &'static str {
        L::ID
    }

    fn about(&self) -> About {
        Lecture::about(self)
    }

    fn course(&self) -> Option<CourseEntry> {
        Lecture::course(self)
    }

    fn clock(&self) -> Clock {
        Lecture::clock(self)
    }

    fn train_flags(&self) -> Vec<ParamInfo> {
        flags::train_flags::<L>(self)
    }

    fn train_defaults(&self) -> Vec<(&'static str, String)> {
        flags::train_defaults::<L>(self)
    }

    fn eval_flags(&self) -> Vec<ParamInfo> {
        flags::eval_flags::<L>(self)
    }

    fn eval_defaults(&self) -> Vec<(&'static str, String)> {
        flags::defaults_of::<L::EvalArgs>()
    }

    fn accepts(&self) -> &'static [Companion] {
        Lecture::accepts(self)
    }

    fn companions(&self) -> Vec<CompanionFlag> {
        Lecture::companions(self)
    }

    fn verbs(&self) -> Vec<VerbInfo> {
        Lecture::verbs(self)
            .into_iter()
            .map(|v| VerbInfo { name: v.name, about: v.about, params: v.params, defaults: v.defaults })
            .collect()
    }

    fn commands(&self) -> Vec<VerbInfo> {
        Lecture::commands(self)
            .into_iter()
            .map(|c| VerbInfo { name: c.name, about: c.about, params: c.params, defaults: c.defaults })
            .collect()
    }

    fn run_command(&self, name: &str, typed: Typed, ctx: &Context) -> Result<(), String> {
        let commands = Lecture::commands(self);
        let command = commands.iter().find(|c| c.name == name).ok_or_else(|| format!("{} has no {name}", L::ID))?;
        command.run(self, &typed, ctx)
    }

    fn bench_info(&self) -> Option<BenchInfo> {
        Lecture::bench(self).map(|b| BenchInfo {
            about: b.about,
            default_backends: b.default_backends,
            speed: b.speed,
            in_all: b.in_all,
            params: b.params,
            defaults: b.defaults,
            ops: b.ops,
        })
    }

    fn demo(&self) -> Option<DemoPlan> {
        Lecture::demo(self)
    }

    fn directions(&self) -> &'static [(&'static str, &'static str)] {
        Lecture::directions(self)
    }

    fn shares(&self) -> &'static [SharedVerb] {
        Lecture::shares(self)
    }

    fn default_config(&self) -> Result<RunConfig, String> {
        crate::train::default_config::<L>(self)
    }

    fn train(&self, request: TrainRequest, ctx: &Context) -> Result<PathBuf, String> {
        crate::train::run::<L>(self, request, ctx)
    }

    fn eval(&self, typed: Typed, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
        crate::eval::run::<L>(self, typed, ctx)
    }

    fn run_verb(&self, name: &str, mut typed: Typed, ctx: &Context) -> Result<(), String> {
        let verbs = Lecture::verbs(self);
        let verb = verbs.iter().find(|v| v.name == name).ok_or_else(|| format!("{} has no verb {name}", L::ID))?;
        let (path, backend) = flags::run_and_backend(&mut typed)?;
        let run = OpenRun::<L::Config>::open(&path, L::ID, backend)?;
        verb.run(self, &run, &typed, ctx)
    }

    fn bench(&self, request: &BenchRequest, typed: &Typed, device: &Device) -> Result<Vec<BenchRow>, String> {
        let plan = Lecture::bench(self).ok_or_else(|| format!("{} has no bench", L::ID))?;
        plan.run(self, request, typed, device)
    }

    fn translator(
        &self,
        path: &Path,
        backend: Option<Backend>,
        direction: Option<&str>,
    ) -> Result<Box<dyn Translate>, String> {
        let run = OpenRun::<L::Config>::open(path, L::ID, backend)?;
        Lecture::translator(self, &run, direction).unwrap_or_else(|| Err(format!("{} runs do not translate", L::ID)))
    }

    fn sampler(&self, path: &Path, backend: Option<Backend>) -> Result<Box<dyn Sample>, String> {
        let run = OpenRun::<L::Config>::open(path, L::ID, backend)?;
        Lecture::sampler(self, &run).unwrap_or_else(|| Err(format!("{} runs do not sample", L::ID)))
    }

    fn paired_translations(
        &self,
        path: &Path,
        data_dir: Option<&Path>,
        device: &Device,
    ) -> Option<Result<PairedTranslations, String>> {
        let run = match OpenRun::<L::Config>::open_on(path, L::ID, device.clone()) {
            Ok(run) => run,
            Err(e) => return Some(Err(e)),
        };
        Lecture::paired_translations(self, &run, data_dir)
    }

    fn latent_paths(&self, path: &Path, device: &Device) -> Option<Result<Box<dyn LatentPaths>, String>> {
        let run = match OpenRun::<L::Config>::open_on(path, L::ID, device.clone()) {
            Ok(run) => run,
            Err(e) => return Some(Err(e)),
        };
        Lecture::latent_paths(self, &run)
    }

    fn frozen_net(
        &self,
        model: &serde_json::Value,
        weights: Vec<u8>,
        device: &Device,
    ) -> Option<Result<Box<dyn FrozenNet>, String>> {
        let mut model = model.clone();
        let named = model.as_object_mut().and_then(|object| object.remove(crate::run_config::NAME_KEY));
        match serde_json::from_value::<L::Config>(model) {
            Ok(config) => Lecture::frozen_net(self, &config, weights, device),
            // Another lecture's config (an untagged one is tried on every lecture).
            Err(_) if named.is_none() => None,
            Err(e) => Some(Err(format!("not a {} config: {e}", L::ID))),
        }
    }
}

/// The loop settings of `config`, for `--help` and a fresh run.
pub(crate) fn training_of<L: Lecture>(lecture: &L, config: &L::Config) -> TrainConfig {
    let mut train = lecture.training(config);
    lecture.settle(config, &mut train);
    train
}
