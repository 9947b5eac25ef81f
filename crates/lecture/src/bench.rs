//! A lecture's training-step benchmark (`bench <id>`, and its row in `bench all`), and the one
//! timed loop every image model's bench uses ([`time_steps`]).

use std::time::Instant;

use atelier_backend::Backend;
use atelier_core::Rng;
use atelier_core::params::{ParamInfo, Params, Typed};
use atelier_train::{BatchSource, Experiment, StepContext};
use burn::prelude::*;

use crate::lecture::Lecture;
use crate::verb::parse_args;

/// What `bench` was asked for, the same for every lecture.
#[derive(Debug, Clone, Copy)]
pub struct BenchRequest {
    pub batch_size: usize,
    /// Untimed steps first (kernel compilation, autotuning, allocator warm-up).
    pub warmup: usize,
    /// Timed steps.
    pub steps: usize,
}

/// One measured line: a label (`segmentation (unet)`) and its numbers under the keys the JSON
/// lines and the report read (`images_per_s`, `data_share`; the agent's `updates_per_s`, …).
#[derive(Debug, Clone)]
pub struct BenchRow {
    pub label: String,
    /// The batch size it ran at (the request's, unless the bench fixes its own).
    pub batch_size: usize,
    pub numbers: Vec<(&'static str, f64)>,
}

/// How `bench all` runs a lecture's bench.
#[derive(Debug, Clone, Copy, Default)]
pub struct InAll {
    /// The batch size, where the lecture's own reference was measured at another than `--batch-size`.
    pub batch_size: Option<usize>,
    /// At most this many timed steps (a slow step).
    pub max_steps: Option<usize>,
    /// Flags of its bench in `bench all` (`--cell ours`).
    pub flags: &'static [&'static str],
}

/// Whether `bench ops` times an op's forward pass, or its forward and backward passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Forward,
    ForwardBackward,
}

/// One timed call of an op: it runs the op (and its backward pass) and reads one number back.
pub type OpCall = Box<dyn FnMut() -> Result<f32, String>>;

/// A primitive of a lecture's step that `bench ops` times at the lecture's shape (the name is
/// shared with the PyTorch script): `prepare` builds its module and input once, at batch `n`, and
/// returns the call to time.
#[derive(Clone, Copy)]
pub struct Op {
    pub name: &'static str,
    pub prepare: fn(usize, &Device, Pass) -> Result<OpCall, String>,
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Ends an op's call: reads the sum of its output back, or (backward pass) differentiates it and
/// reads the sum of the input's gradient.
pub fn finish(out: Tensor<1>, input: Tensor<4>, pass: Pass) -> Result<f32, String> {
    match pass {
        Pass::Forward => atelier_train::scalar_to_host(out, "op output").map_err(|e| e.to_string()),
        Pass::ForwardBackward => {
            let grads = out.backward();
            let grad = input.grad(&grads).ok_or("the input has no gradient")?;
            atelier_train::scalar_to_host(grad.sum(), "input gradient").map_err(|e| e.to_string())
        }
    }
}

type Run<L> = Box<dyn Fn(&L, &BenchRequest, &Typed, &Device) -> Result<Vec<BenchRow>, String> + Send + Sync>;

pub struct BenchPlan<L: Lecture> {
    /// One line of `bench --help`.
    pub about: &'static str,
    /// The backends measured when none is typed (empty: flex and ndarray).
    pub default_backends: Vec<Backend>,
    /// The unit of its speed in `bench all` (`images/s`, `updates/s`) and its JSON key.
    pub speed: (&'static str, &'static str),
    pub in_all: InAll,
    /// Flags of its own (`--cell`).
    pub params: Vec<ParamInfo>,
    /// `--help`'s default of each of them that has one.
    pub defaults: Vec<(&'static str, String)>,
    /// Primitives of its step that `bench ops` times, beyond the shared convolutions and products.
    pub ops: Vec<Op>,
    run: Run<L>,
}

impl<L: Lecture> BenchPlan<L> {
    /// A bench that times images per second, with no flags of its own.
    pub fn images(about: &'static str, run: fn(&L, &BenchRequest, &Device) -> Result<Vec<BenchRow>, String>) -> Self {
        BenchPlan {
            about,
            default_backends: Vec::new(),
            speed: ("images/s", "images_per_s"),
            in_all: InAll::default(),
            params: Vec::new(),
            defaults: Vec::new(),
            ops: Vec::new(),
            run: Box::new(move |lecture, request, _, device| run(lecture, request, device)),
        }
    }

    /// A bench with flags of its own, the fields of `A`.
    pub fn with_args<A: Params + Default + 'static>(
        about: &'static str,
        run: fn(&L, &BenchRequest, &A, &Device) -> Result<Vec<BenchRow>, String>,
    ) -> Self {
        BenchPlan {
            about,
            default_backends: Vec::new(),
            speed: ("images/s", "images_per_s"),
            in_all: InAll::default(),
            params: A::params(),
            defaults: crate::flags::defaults_of::<A>(),
            ops: Vec::new(),
            run: Box::new(move |lecture, request, typed, device| {
                run(lecture, request, &parse_args::<A>(typed)?, device)
            }),
        }
    }

    pub fn with_ops(mut self, ops: Vec<Op>) -> Self {
        self.ops = ops;
        self
    }

    pub fn in_all(mut self, in_all: InAll) -> Self {
        self.in_all = in_all;
        self
    }

    pub fn measuring(mut self, unit: &'static str, key: &'static str) -> Self {
        self.speed = (unit, key);
        self
    }

    pub fn on(mut self, backends: &[Backend]) -> Self {
        self.default_backends = backends.to_vec();
        self
    }

    /// Measures on `device`.
    pub fn run(
        &self,
        lecture: &L,
        request: &BenchRequest,
        typed: &Typed,
        device: &Device,
    ) -> Result<Vec<BenchRow>, String> {
        (self.run)(lecture, request, typed, device)
    }
}

/// What [`time_steps`] measured.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    /// Training images per second over the timed steps.
    pub images_per_s: f64,
    /// The share of the timed steps spent assembling batches on the host and handing them to the
    /// device (what a prefetching thread could hide).
    pub data_share: f64,
}

impl Throughput {
    /// The row of a bench that times images per second.
    pub fn row(self, label: impl Into<String>, batch_size: usize) -> BenchRow {
        BenchRow {
            label: label.into(),
            batch_size,
            numbers: vec![("images_per_s", self.images_per_s), ("data_share", self.data_share)],
        }
    }
}

/// The one timed loop of `bench` for every image model: `warmup` untimed training steps of
/// `experiment` at `batch_size` on `device` (autodiff enabled), then `steps` timed ones, cycling
/// through the source's examples in order. One host read of the last loss ends each phase, so the
/// timing covers the queued device work and no per-step sync is added. A failed read, or a
/// non-finite last loss, is an error (a benchmark of a diverged or broken step measures nothing).
pub fn time_steps<E: Experiment<Batch = S::Batch>, S: BatchSource>(
    mut experiment: E,
    device: &Device,
    source: &S,
    request: &BenchRequest,
) -> Result<Throughput, String> {
    let BenchRequest { batch_size, warmup, steps } = *request;
    let n = source.len();
    let mut rng = Rng::new(0);
    let mut run_steps = |count: usize, rng: &mut Rng, phase: &str, data_seconds: &mut f64| -> Result<(), String> {
        let mut last = None;
        for step in 0..count {
            let indices: Vec<usize> = (0..batch_size).map(|i| (step * batch_size + i) % n).collect();
            let assembling = Instant::now();
            let batch = source.batch(&indices, rng, device);
            *data_seconds += assembling.elapsed().as_secs_f64();
            let mut ctx =
                StepContext { step: step as u64, epoch: 0, device: device.clone(), rng: Rng::new(step as u64) };
            last = experiment.train_step(batch, &mut ctx).metrics.into_iter().next();
        }
        let Some((name, value)) = last else { return Ok(()) }; // no steps, or a step with no metric
        let value = value
            .try_into_scalar::<f32>()
            .map_err(|e| format!("bench: reading the {phase} steps' last {name} from the device failed: {e:?}"))?;
        if !value.is_finite() {
            return Err(format!("bench: the {phase} steps ended with {name} = {value}: the step diverged"));
        }
        Ok(())
    };
    run_steps(warmup, &mut rng, "warm-up", &mut 0.0)?;
    let mut data_seconds = 0.0;
    let start = Instant::now();
    run_steps(steps, &mut rng, "timed", &mut data_seconds)?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(Throughput { images_per_s: (steps * batch_size) as f64 / seconds, data_share: data_seconds / seconds })
}

/// Peak resident set size of this process in MB (Linux `VmHWM`; 0 where unavailable).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}
