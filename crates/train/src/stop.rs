//! How a loop ends: the stop flag (Ctrl-C), the step limit, or the planned end.

use std::path::PathBuf;

use crate::session::Session;

/// How a call to [`crate::fit`] or [`crate::run_agent`] ended (errors aside).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// All epochs (or environment steps) done.
    Completed { steps: u64, images_per_second: f64 },
    /// Stopped by the stop flag (Ctrl-C); resumable from `checkpoint`.
    Interrupted { step: u64, checkpoint: PathBuf },
    /// Stopped at `max_steps`; resumable from `checkpoint`.
    StepLimit { step: u64, checkpoint: PathBuf },
}

/// Why a loop stops before its planned end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The stop flag was set (Ctrl-C).
    Requested,
    /// The step limit (`max_steps`) was reached.
    StepLimit,
}

impl Stop {
    /// Whether the loop must stop before running step `step` when `limit` steps are allowed
    /// (the stop flag first).
    pub(crate) fn before(session: &Session, step: u64, limit: u64) -> Option<Stop> {
        if session.stop_requested() {
            Some(Stop::Requested)
        } else if step >= limit {
            Some(Stop::StepLimit)
        } else {
            None
        }
    }

    /// The outcome of stopping at `step`, resumable from `checkpoint`.
    pub(crate) fn outcome(self, step: u64, checkpoint: PathBuf) -> Outcome {
        match self {
            Stop::Requested => Outcome::Interrupted { step, checkpoint },
            Stop::StepLimit => Outcome::StepLimit { step, checkpoint },
        }
    }
}

/// The step a run stops at: `max_steps` when it comes before the `planned` end.
pub(crate) fn step_limit(max_steps: Option<u64>, planned: u64) -> u64 {
    max_steps.map_or(planned, |m| m.min(planned))
}
