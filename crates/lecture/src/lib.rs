//! # One place per lecture
//!
//! Each lecture implements [`Lecture`] once, in its own crate (the model, losses and step in its
//! model modules; data assembly, evaluation, figures and the `impl Lecture` behind its `lecture`
//! module), and the runner lists it once in its registry ([`Registry`]). Everything the commands
//! need from a lecture comes through the trait:
//!
//! | command | from the lecture |
//! |---|---|
//! | `train <id>` | its flags (each declared once on its config's field: `atelier_core::params`), presets, loop settings, data ([`Lecture::locate`], [`Lecture::load`]) and [`Lecture::train`] |
//! | `eval <id>` | [`Lecture::eval`], its flags, the other runs it draws beside its own ([`Companion`]) |
//! | `translate`, `sample` | what its runs offer ([`Translate`], [`Sample`]) |
//! | its own verbs | [`Verb`] |
//! | `bench <id>`, `bench all` | [`BenchPlan`] |
//! | `demo`, `report` | [`DemoPlan`], its course entry (`atelier_core::course`) |
//!
//! What is the same for every lecture lives here once: resolving flags over a recorded config
//! ([`train::plan`]), recording and checking the data, the run directory and its provenance, the
//! evaluation table and `eval.json`, the timed bench loop.
//!
//! Architecture invariant: a lecture never imports another. What one lecture needs from another's
//! runs (a paired translator's test outputs, an autoencoder's code space, the classifier behind
//! the frozen evaluator) it asks the [`Registry`] for, through [`Context`].

pub mod any;
pub mod bench;
pub mod capability;
pub mod context;
pub mod data_record;
pub mod demo;
pub mod eval;
pub mod fashion;
pub mod figures;
pub mod flags;
pub mod lecture;
pub mod open_run;
pub mod ordered;
pub mod registry;
pub mod repo;
pub mod resume;
pub mod run_config;
pub mod train;
pub mod verb;

pub use any::{AnyLecture, BenchInfo, TrainRequest, VerbInfo};
pub use bench::{BenchPlan, BenchRequest, BenchRow, InAll, Op, OpCall, Pass, Throughput, time_steps};
pub use capability::{
    Companion, CompanionFlag, FrozenNet, LatentPaths, OutputSize, PairedTranslations, Planar, Sample, SharedVerb,
    Translate,
};
pub use context::Context;
pub use demo::{Budget, DemoPlan};
pub use lecture::{About, Clock, Found, Lecture, Preset};
pub use open_run::OpenRun;
pub use registry::Registry;
pub use run_config::RunConfig;
pub use verb::{LectureCommand, Verb};
