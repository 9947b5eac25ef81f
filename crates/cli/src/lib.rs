//! The `cargo xtask …` command line, defined once.
//!
//! `xtask` parses it (fast to compile: clap only), runs the commands that need no tensors
//! (`data …`) itself and hands the others to the runner binary, which parses the same
//! definitions. Every flag that is not given is `None`, so a value from `--config` or a resumed
//! run's `config.json` is only overridden by what the user actually typed.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Atelier: the deep-learning-for-images course on Burn", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model; writes one run directory (config, provenance, metrics, checkpoints, images, plots).
    Train(Box<TrainCommand>),
    /// Evaluate a trained run on the test set; prints a table and writes <run>/eval.json.
    Eval(EvalCommand),
    /// Measure training throughput (images/s) and peak memory, one row per backend.
    Bench(BenchCommand),
    /// Train one model for several seeds, evaluate each, and print mean ± std in one table.
    Sweep(SweepCommand),
    /// List the backends of this build and the device each one finds.
    Backends,
    /// The main job: train and evaluate the autoencoder on whatever data is found, in a few minutes.
    Demo(DemoArgs),
    /// Get data: download the canonical files, or write the embedded mini set.
    #[command(subcommand)]
    Data(DataCommand),
}

/// Compute backend (`flex` is the fastest CPU backend measured; `cuda` needs `--features cuda`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    Flex,
    Ndarray,
    Wgpu,
    Cuda,
}

impl BackendArg {
    pub fn name(self) -> &'static str {
        match self {
            BackendArg::Flex => "flex",
            BackendArg::Ndarray => "ndarray",
            BackendArg::Wgpu => "wgpu",
            BackendArg::Cuda => "cuda",
        }
    }
}

/// The models that can be trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelName {
    Autoencoder,
    /// Deep Q-Learning on CartPole-v1.
    Dqn,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TrainCommand {
    #[command(subcommand)]
    pub model: Option<TrainModel>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Where a run's settings come from and where it goes (on `train` itself and on every model).
#[derive(Debug, Args, Default, Clone)]
pub struct RunArgs {
    /// Start from this config.json, e.g. to repeat a run (flags given beside it override its values).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Continue this run directory from its latest checkpoint (its config.json is reused).
    #[arg(long, value_name = "RUN_DIR")]
    pub resume: Option<PathBuf>,
    /// Where run directories go [default: runs].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TrainModel {
    /// The convolutional autoencoder (plain, denoising or sparse).
    Autoencoder(AutoencoderTrainArgs),
    /// Deep Q-Learning on CartPole-v1 (length in environment steps; --epochs and the data flags do not apply).
    Dqn(DqnTrainArgs),
}

/// Flags every `train` command has.
#[derive(Debug, Args, Default, Clone)]
pub struct CommonTrainArgs {
    /// Compute backend [default: flex].
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// Folder with the four MNIST-format files (default search: $ATELIER_DATA, ./data/fashion-mnist,
    /// /usr/share/datasets/fashion-mnist, then the embedded mini set).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Seed of everything random: weights, shuffling, noise, augmentation [default: 0].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Passes over the training set [default: 10].
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Images per step [default: 128].
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Stop after this many steps in total (a quick look; resumable).
    #[arg(long)]
    pub max_steps: Option<u64>,
    /// Train on the first N training images only.
    #[arg(long, value_name = "N")]
    pub train_limit: Option<usize>,
    /// Validate on the first N test images only.
    #[arg(long, value_name = "N")]
    pub valid_limit: Option<usize>,
    /// Steps between reads of the running losses [default: 50].
    #[arg(long)]
    pub log_every: Option<usize>,
    /// Steps between checkpoints [default: 1000; also at every epoch end].
    #[arg(long)]
    pub checkpoint_every: Option<usize>,
    /// Learning rate [default: the model's, 1e-3 for the autoencoder].
    #[arg(long)]
    pub lr: Option<f64>,
}

/// The autoencoder lecture's variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AutoencoderVariantArg {
    /// Reconstruct the input.
    Plain,
    /// Reconstruct the clean image from a noisy input (σ from --noise-sigma).
    Denoising,
    /// Reconstruct with an L1 penalty λ·Σ|aᵢ| on the code (λ from --sparsity).
    Sparse,
}

#[derive(Debug, Args, Clone)]
pub struct AutoencoderTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Code size k [default: 32].
    #[arg(long)]
    pub latent: Option<usize>,
    /// Lecture variant [default: plain].
    #[arg(long, value_enum)]
    pub variant: Option<AutoencoderVariantArg>,
    /// σ of the input noise for --variant denoising [default: 0.3].
    #[arg(long)]
    pub noise_sigma: Option<f64>,
    /// λ of the sparsity penalty for --variant sparse [default: 1e-3].
    #[arg(long)]
    pub sparsity: Option<f64>,
}

/// Which bootstrap target a DQN agent learns from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DqnTargetArg {
    /// y = r + γ·max_a' Q⁻(s', a')
    Dqn,
    /// y = r + γ·Q⁻(s', argmax_a' Q(s', a'))
    DoubleDqn,
}

/// The TD loss of a DQN agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DqnLossArg {
    Mse,
    /// Huber with κ = 1 (smooth L1).
    Huber,
}

#[derive(Debug, Args, Clone)]
pub struct DqnTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Environment steps of the whole run [default: 100000].
    #[arg(long)]
    pub total_steps: Option<u64>,
    /// Bootstrap target [default: dqn].
    #[arg(long, value_enum)]
    pub target: Option<DqnTargetArg>,
    /// TD loss [default: huber].
    #[arg(long, value_enum)]
    pub loss: Option<DqnLossArg>,
    /// Discount factor γ [default: 0.99].
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Replay buffer capacity in transitions [default: 100000].
    #[arg(long)]
    pub buffer_capacity: Option<usize>,
    /// Environment steps before the first update [default: 1000].
    #[arg(long)]
    pub learning_starts: Option<u64>,
    /// Hidden layer widths, comma-separated [default: 120,84].
    #[arg(long, value_delimiter = ',')]
    pub hidden: Option<Vec<usize>>,
    /// Environment steps between greedy evaluations [default: 10000].
    #[arg(long)]
    pub eval_every: Option<u64>,
    /// Episodes per greedy evaluation during training [default: 100].
    #[arg(long)]
    pub eval_episodes: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SweepCommand {
    /// The model (only `dqn` has a sweep so far).
    pub model: ModelName,
    /// Seeds, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,1,2")]
    pub seeds: Vec<u64>,
    /// Environment steps per run [default: the model's].
    #[arg(long)]
    pub total_steps: Option<u64>,
    /// Greedy evaluation episodes per run.
    #[arg(long, default_value_t = 100)]
    pub episodes: usize,
    /// Compute backend [default: flex].
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// Where the sweep's runs go [default: runs].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Start every run from this config.json (its seed is replaced).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalCommand {
    pub model: ModelName,
    /// The run directory to evaluate (its latest checkpoint).
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// Backend for the evaluation [default: the run's].
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also evaluate denoising at this input noise σ (default: the run's σ for a denoising model).
    #[arg(long)]
    pub noise_sigma: Option<f64>,
    /// Greedy episodes to evaluate (dqn) [default: 100].
    #[arg(long)]
    pub episodes: Option<usize>,
}

#[derive(Debug, Args)]
pub struct BenchCommand {
    pub model: ModelName,
    /// Backends to measure (repeat the flag; default: flex and ndarray).
    #[arg(long, value_enum)]
    pub backend: Vec<BackendArg>,
    /// Images per step.
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
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Images to train on in total (sets the number of epochs) [default: 120000].
    #[arg(long, default_value_t = 120_000)]
    pub budget_images: usize,
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Download the canonical files and verify their MD5 checksums.
    Fetch {
        dataset: DatasetArg,
        /// Target folder [default: data/<dataset>].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write the class-balanced embedded mini set from a full dataset folder.
    Subset {
        /// Folder with the full dataset [default: the usual search order].
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        #[arg(long, default_value_t = 200)]
        train_per_class: usize,
        #[arg(long, default_value_t = 50)]
        test_per_class: usize,
        #[arg(long, value_name = "DIR", default_value = "assets/fashion-mnist-mini")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetArg {
    Mnist,
    FashionMnist,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn unset_flags_stay_unset() {
        let cli = Cli::try_parse_from(["x", "train", "autoencoder", "--latent", "2"]).unwrap();
        let Command::Train(train) = cli.command else { panic!("parsed the wrong command") };
        let TrainCommand { model: Some(TrainModel::Autoencoder(args)), .. } = *train else {
            panic!("parsed the wrong command")
        };
        assert_eq!(args.latent, Some(2));
        assert_eq!(args.common.epochs, None);
        assert_eq!(args.common.backend, None);
    }

    #[test]
    fn bad_flags_are_refused() {
        assert!(Cli::try_parse_from(["x", "train", "autoencoder", "--backend", "tpu"]).is_err());
        assert!(Cli::try_parse_from(["x", "train", "autoencoder", "--epochs", "-1"]).is_err());
        assert!(Cli::try_parse_from(["x", "eval", "autoencoder"]).is_err(), "--run is required");
        assert!(Cli::try_parse_from(["x", "train", "dqn", "--target", "triple"]).is_err());
    }

    #[test]
    fn dqn_flags_parse() {
        let cli = Cli::try_parse_from(["x", "train", "dqn", "--total-steps", "5000", "--hidden", "64,64"]).unwrap();
        let Command::Train(train) = cli.command else { panic!("parsed the wrong command") };
        let TrainCommand { model: Some(TrainModel::Dqn(args)), .. } = *train else {
            panic!("parsed the wrong command")
        };
        assert_eq!(args.total_steps, Some(5000));
        assert_eq!(args.hidden, Some(vec![64, 64]));
        let cli = Cli::try_parse_from(["x", "sweep", "dqn", "--seeds", "3,4"]).unwrap();
        let Command::Sweep(sweep) = cli.command else { panic!("parsed the wrong command") };
        assert_eq!(sweep.seeds, vec![3, 4]);
    }
}
