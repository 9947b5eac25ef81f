//! `bench`: one subcommand per model; only `bench lstm` has `--cell`.

use atelier_backend::Backend;
use atelier_lstm::CellKind;
use clap::{Args, Subcommand};

use crate::{ModelName, choice};

#[derive(Debug, Args)]
pub struct BenchCommand {
    #[command(subcommand)]
    pub model: BenchModel,
}

#[derive(Debug, Subcommand)]
pub enum BenchModel {
    /// The reference autoencoder step.
    Autoencoder(BenchArgs),
    /// The VAE step.
    Vae(BenchArgs),
    /// The reference CNN step.
    Classifier(BenchArgs),
    /// The `rows` model, per recurrent cell.
    Lstm(LstmBenchArgs),
    /// Environment steps/s and gradient updates/s of the agent.
    Dqn(BenchArgs),
    /// One DCGAN iteration (one D step + one G step).
    Dcgan(BenchArgs),
    /// One pix2pix iteration (one D step + one G step) on Twitter→Google emoji pairs, 64×64
    /// (PyTorch's reference was measured at --batch-size 32).
    Pix2pix(BenchArgs),
    /// One CycleGAN iteration (both generators, then both discriminators) on unpaired Twitter and
    /// Google emoji, 64×64, ngf 32, 6 blocks (PyTorch's reference was measured at --batch-size 32).
    Cyclegan(BenchArgs),
    /// One Adam step of the FCN and of U-Net on 64×64 Fashion scenes, 11 classes (PyTorch's
    /// reference was measured at --batch-size 32).
    Segmentation(BenchArgs),
    /// One Adam step of the embedding network and its semi-hard triplet loss on 64×64 emoji,
    /// batch/2 identities × 2 views (PyTorch's reference was measured at --batch-size 32).
    Facenet(BenchArgs),
    /// Every lecture's bench in one table (each model and backend in a fresh process), optionally
    /// beside PyTorch running the same models in the same sitting.
    All(BenchAllArgs),
    /// The primitives of the training steps (convolutions, transposed convolutions, matmul, batch
    /// norm, the LSTM step) at the lectures' shapes: forward and forward + backward, optionally beside PyTorch.
    Ops(BenchOpsArgs),
}

impl BenchModel {
    /// The model, its flags, and the LSTM cells to measure (empty: the default pair); `None` for
    /// `bench all`.
    pub fn parts(&self) -> Option<(ModelName, &BenchArgs, &[CellKind])> {
        Some(match self {
            BenchModel::Autoencoder(args) => (ModelName::Autoencoder, args, &[]),
            BenchModel::Vae(args) => (ModelName::Vae, args, &[]),
            BenchModel::Classifier(args) => (ModelName::Classifier, args, &[]),
            BenchModel::Lstm(args) => (ModelName::Lstm, &args.bench, &args.cell),
            BenchModel::Dqn(args) => (ModelName::Dqn, args, &[]),
            BenchModel::Dcgan(args) => (ModelName::Dcgan, args, &[]),
            BenchModel::Pix2pix(args) => (ModelName::Pix2pix, args, &[]),
            BenchModel::Cyclegan(args) => (ModelName::Cyclegan, args, &[]),
            BenchModel::Segmentation(args) => (ModelName::Segmentation, args, &[]),
            BenchModel::Facenet(args) => (ModelName::Facenet, args, &[]),
            BenchModel::All(_) | BenchModel::Ops(_) => return None,
        })
    }

    /// The flags every bench has.
    pub fn args(&self) -> &BenchArgs {
        match self.parts() {
            Some((_, args, _)) => args,
            None => match self {
                BenchModel::All(all) => &all.bench,
                BenchModel::Ops(ops) => &ops.bench,
                _ => unreachable!("every single-model bench has parts"),
            },
        }
    }
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
    pub python: Option<std::path::PathBuf>,
}

impl ReferenceArgs {
    /// The interpreter: `--python`, else `$ATELIER_PYTHON`, else `python3`.
    pub fn interpreter(&self) -> std::path::PathBuf {
        self.python
            .clone()
            .or_else(|| std::env::var_os("ATELIER_PYTHON").map(std::path::PathBuf::from))
            .unwrap_or_else(|| std::path::PathBuf::from("python3"))
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
    /// Only these lectures (repeat the flag) [default: all ten].
    #[arg(long = "model", value_name = "MODEL", value_parser = clap::builder::PossibleValuesParser::new(BENCH_ALL_MODELS))]
    pub models: Vec<String>,
}

/// The lectures' benches `bench all` runs, in the course's order.
pub const BENCH_ALL_MODELS: [&str; 10] =
    ["classifier", "autoencoder", "vae", "dcgan", "lstm", "dqn", "pix2pix", "cyclegan", "segmentation", "facenet"];

#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// Backends to measure (repeat the flag) [default: flex and ndarray; dqn: flex, ndarray and wgpu; all: flex].
    #[arg(long, value_parser = choice::backend)]
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
    pub out: std::path::PathBuf,
    /// Measure and print only (the per-backend child processes of a multi-backend bench).
    #[arg(long, hide = true)]
    pub no_record: bool,
}

#[derive(Debug, Args, Clone)]
pub struct LstmBenchArgs {
    #[command(flatten)]
    pub bench: BenchArgs,
    /// Recurrent cells to measure (repeat the flag) [default: ours and burn].
    #[arg(long, value_parser = choice!(CellKind))]
    pub cell: Vec<CellKind>,
}

#[derive(Debug, Args, Clone)]
pub struct BenchOpsArgs {
    #[command(flatten)]
    pub bench: BenchArgs,
    #[command(flatten)]
    pub reference: ReferenceArgs,
}
