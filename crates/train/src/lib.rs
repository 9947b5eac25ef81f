//! The one training loop shared by every model of the course.
//!
//! A model crate implements [`Experiment`]: it owns its modules and optimizers (a GAN owns two of
//! each) and supplies a training step, a validation step, sample figures and its state as bytes.
//! [`fit`] owns everything else:
//!
//! - epochs and steps, with a seeded shuffle per epoch (resumable mid-epoch);
//! - seeding: before step `t` the device and the host RNG are seeded from `(seed, t)`, so a run is
//!   a pure function of its seed and a resumed run repeats the uninterrupted one exactly; the
//!   weight initialisation is seeded by [`Session::seed_device_for_init`] (module `seed` derives
//!   every stream);
//! - running losses kept on the device and read back only every `log_every` steps (no per-step
//!   host sync), written to `metrics.csv` and shown in a progress bar with images/s and ETA;
//! - a NaN/inf guard: a non-finite value stops the run with an error naming the step window, and
//!   the last good checkpoint is kept (checkpoints are only written after a finite read);
//! - atomic checkpoints every `checkpoint_every` steps and at each epoch end, `--resume`;
//! - Ctrl-C (a stop flag): checkpoint, then stop;
//! - validation, sample grids and metric plots after every epoch;
//! - an optional [`Monitor`] ([`fit_monitored`]): a measurement the runner takes every few steps
//!   with tools a model crate may not depend on (a GAN's samples scored by the frozen evaluator),
//!   logged beside the loop's own metrics, with its warnings shown and kept in `warnings.log` (a
//!   measurement that fails is such a warning: the run goes on);
//! - device values read back to the host only through [`host::to_host_f32`]: a failed read is an
//!   error ([`TrainError::DeviceRead`]), never an empty vector.
//!
//! The parts both loops share have their own modules: `session` (settings, seeds, step contexts),
//! `resume` (where a run starts, saving checkpoints), `stop` (Ctrl-C and the step limit),
//! `window` (the metric window on the device and the NaN guard), `metrics_log` (`metrics.csv`)
//! and `monitor`.
//!
//! An agent that gathers its own data (reinforcement learning) trains with [`agent::run_agent`],
//! the environment-driven sibling of `fit` built from the same parts.
//!
//! Architecture invariant: this is the only crate with a training loop.

pub mod agent;
pub mod batch;
pub mod checkpoint;
pub mod config;
pub mod error;
pub mod experiment;
pub mod figures;
pub mod fit;
pub mod host;
mod metrics_log;
pub mod monitor;
pub mod progress;
mod resume;
pub mod schedule;
pub mod seed;
pub mod session;
pub mod state;
pub mod stop;
mod window;

pub use agent::{Agent, AgentProgress, AgentReport, AgentSchedule, EnvStep, EvalRow, run_agent};
pub use batch::{BatchSource, ImageBatch, ImageSource, PairAugment, PairBatch, PairSource};
pub use config::TrainConfig;
pub use error::TrainError;
pub use experiment::{Experiment, Figure, StepContext, StepOutput};
pub use fit::{fit, fit_monitored};
pub use host::{DeviceReadError, scalar_to_host, to_host_f32};
pub use monitor::{Monitor, MonitorReport, WARNINGS_FILE};
pub use schedule::{ClockUnit, LrSchedule, RunClock};
pub use session::{AfterRestore, Resume, Session};
pub use state::{
    load_model_and_optimizer, load_model_blob, model_and_optimizer_state, module_from_bytes, module_to_bytes,
    optimizer_from_bytes, optimizer_to_bytes, pytorch_adam, pytorch_adam_beta1,
};
pub use stop::Outcome;
