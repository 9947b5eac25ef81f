//! The flags of the commands that are not a lecture's: `demo`, `report`, the bench harness,
//! `eval images`, and the shared verbs `translate` and `sample` (a lecture answers those through
//! what its runs offer; the flags are the same for every lecture).

use std::path::PathBuf;

use atelier_backend::Backend;
use atelier_core::params::ParamValue;
use atelier_lecture::OutputSize;
use clap::Args;

/// `--backend NAME`: parsed by the backend crate, the one place that knows which backends this
/// build has, so `--backend cuda` without CUDA is the same error on every command.
pub fn backend(name: &str) -> Result<Backend, String> {
    ParamValue::parse(name)
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run only this lecture (repeat the flag for several) [default: every lecture, in the course's order].
    #[arg(long, value_name = "NAME")]
    pub lecture: Vec<String>,
    /// List the lectures and their budgets, then stop.
    #[arg(long)]
    pub list: bool,
    /// Compute backend for every lecture [default: flex].
    #[arg(long, value_parser = backend)]
    pub backend: Option<Backend>,
    /// Fashion-MNIST folder, or `embedded` for every embedded mini set [default: each dataset's usual
    /// search order; the embedded mini sets on a fresh clone]. The emoji lectures find their emoji
    /// by their own order (`$ATELIER_EMOJI`, `./data/emoji`, embedded).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The runs folder the lectures train into (and the report reads).
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub out: PathBuf,
    /// Where the report goes.
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub report: PathBuf,
    /// Each lecture's budget times this factor (1 = the ≤ 15-minute course; 0.05 = a smoke test).
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = positive_factor)]
    pub scale: f64,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The runs folder to read.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub runs: PathBuf,
    /// Where the site goes (index.html + the files it shows).
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub out: PathBuf,
    /// Show every run of each lecture, not only the newest of each kind.
    #[arg(long)]
    pub all: bool,
    /// Write into a folder that holds other files than an earlier report (its files/ is replaced).
    #[arg(long)]
    pub force: bool,
}

fn positive_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 && f <= 10.0 => Ok(f),
        _ => Err(format!("{text:?} is not a factor in (0, 10]")),
    }
}

/// The flags every bench has.
#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// Backends to measure (repeat the flag) [default: flex and ndarray, or the lecture's own; all: flex].
    #[arg(long, value_parser = backend)]
    pub backend: Vec<Backend>,
    /// Examples per step.
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,
    /// Untimed steps first (kernel compilation, autotuning, allocator warm-up).
    #[arg(long, default_value_t = 5)]
    pub warmup: usize,
    /// Timed steps.
    #[arg(long, default_value_t = 30)]
    pub steps: usize,
    /// Print one JSON object per backend instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The runs folder: the results are also written to DIR/bench/<time>-<model>.jsonl (the report's
    /// backends table reads them).
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub out: PathBuf,
    /// Measure and print only (the per-backend child processes of a multi-backend bench).
    #[arg(long, hide = true)]
    pub no_record: bool,
}

/// What `bench all --reference` runs beside ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Reference {
    /// `crates/runner/reference/pytorch_reference.py`: the same models in PyTorch, same batch and threads.
    Pytorch,
}

/// `--reference` and the interpreter that runs it (`bench all`, `bench ops`).
#[derive(Debug, Args, Clone)]
pub struct ReferenceArgs {
    /// Also measure the same models (or ops) in the reference implementation, in the same sitting,
    /// and print the ratio.
    #[arg(long, value_enum)]
    pub reference: Option<Reference>,
    /// The Python interpreter that has PyTorch [default: $ATELIER_PYTHON, else python3].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

impl ReferenceArgs {
    /// The interpreter: `--python`, else `$ATELIER_PYTHON`, else `python3`.
    pub fn interpreter(&self) -> PathBuf {
        self.python
            .clone()
            .or_else(|| std::env::var_os("ATELIER_PYTHON").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("python3"))
    }
}

#[derive(Debug, Args, Clone)]
pub struct BenchAllArgs {
    #[command(flatten)]
    pub bench: BenchArgs,
    #[command(flatten)]
    pub reference: ReferenceArgs,
    /// Measure each (model, backend) this many times, alternating with the reference; the median is kept.
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
    /// Only these lectures (repeat the flag) [default: every lecture with a bench].
    #[arg(long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
}

#[derive(Debug, Args, Clone)]
pub struct BenchOpsArgs {
    #[command(flatten)]
    pub bench: BenchArgs,
    #[command(flatten)]
    pub reference: ReferenceArgs,
}

#[derive(Debug, Args, Clone)]
pub struct ImagesEvalArgs {
    /// The folder of PNGs to score (eval.json is written into it).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// The real split to compare with [default: test].
    #[arg(long, value_enum)]
    pub reference: Option<ReferenceArg>,
    /// Use at most N images of each set [default: 10000].
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Backend for the evaluation [default: flex].
    #[arg(long, value_parser = backend)]
    pub backend: Option<Backend>,
    /// Data folder of the real images [default: the usual search order of that evaluator's data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The ruler [default: the one that fits the first image: 28×28 → fashion, 64×64 → emoji].
    #[arg(long, value_enum)]
    pub evaluator: Option<EvaluatorArg>,
}

/// Which frozen evaluator measures a folder of images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvaluatorArg {
    /// The Fashion-MNIST classifier (28×28 grey), compared with real Fashion-MNIST images.
    Fashion,
    /// The colour evaluator (64×64 RGB emoji), compared with real Google-style emoji.
    Emoji,
}

/// The real images generated ones are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReferenceArg {
    Test,
    Train,
}

/// `translate`: a user's own images through a trained translator.
#[derive(Debug, Args, Clone)]
pub struct TranslateArgs {
    /// The run whose latest checkpoint translates.
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// The direction of a two-way translator; a one-way run has one.
    #[arg(long)]
    pub direction: Option<String>,
    /// Folder of PNG/JPEG images (any size; resized to the model's).
    #[arg(long = "in", value_name = "DIR")]
    pub input: PathBuf,
    /// Folder the translations are written to, as PNGs under the same names.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace files already in --out (without it, a file in the way stops the command before it writes).
    #[arg(long)]
    pub force: bool,
    /// The size of the PNGs written.
    #[arg(long, default_value = "input", value_parser = crate::args::choice_parser::<OutputSize>())]
    pub size: OutputSize,
    /// Backend [default: the run's].
    #[arg(long, value_parser = backend)]
    pub backend: Option<Backend>,
}

/// `sample <lecture>`: a trained generative run's images as PNGs.
#[derive(Debug, Args, Clone)]
pub struct SampleArgs {
    /// The trained run (its latest checkpoint).
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// How many images.
    #[arg(long, default_value_t = 10_000)]
    pub n: usize,
    /// The folder to write 00000.png, 00001.png, … into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace files already in --out (without it, a file in the way stops the command before it writes).
    #[arg(long)]
    pub force: bool,
    /// Seed of the noise.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Backend [default: the run's].
    #[arg(long, value_parser = backend)]
    pub backend: Option<Backend>,
}

/// The arguments of `data …`, which xtask parses and runs (the runner only names the command).
#[derive(Debug, Args)]
pub struct DataArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}
