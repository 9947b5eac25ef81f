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
    Vae,
    Classifier,
    Lstm,
    /// Deep Q-Learning on CartPole-v1.
    Dqn,
}

impl ModelName {
    /// The name as typed on the command line (`autoencoder`, `vae`, …).
    pub fn name(self) -> &'static str {
        match self {
            ModelName::Autoencoder => "autoencoder",
            ModelName::Vae => "vae",
            ModelName::Classifier => "classifier",
            ModelName::Lstm => "lstm",
            ModelName::Dqn => "dqn",
        }
    }
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
    /// The variational autoencoder (Bernoulli likelihood on binarised pixels by default).
    Vae(VaeTrainArgs),
    /// A classifier of the CNN lecture (perceptron, MLP, reference CNN, VGG-style); transfer learning.
    Classifier(ClassifierTrainArgs),
    /// The sequences lecture's LSTM (tasks: sequence, rows, complete).
    Lstm(LstmTrainArgs),
    /// Deep Q-Learning on CartPole-v1 (length in environment steps; --epochs and the data flags do not apply).
    Dqn(DqnTrainArgs),
}

impl TrainModel {
    /// The flags every model shares.
    pub fn common(&self) -> &CommonTrainArgs {
        match self {
            TrainModel::Autoencoder(args) => &args.common,
            TrainModel::Vae(args) => &args.common,
            TrainModel::Classifier(args) => &args.common,
            TrainModel::Lstm(args) => &args.common,
            TrainModel::Dqn(args) => &args.common,
        }
    }
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

/// The sequences lecture's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LstmTaskArg {
    /// Next-term prediction on generated arithmetic/geometric progressions.
    Sequence,
    /// Image classification reading the image as 28 steps of 28 pixels.
    Rows,
    /// PixelRNN-style row model: completes the bottom half of an image.
    Complete,
}

/// Which recurrent cell the model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LstmCellArg {
    /// Our LSTM, written from the lecture's equations.
    Ours,
    /// Burn's nn::Lstm.
    Burn,
    /// The plain RNN h_t = tanh(W·[h_{t−1}, x_t] + b).
    Rnn,
}

/// Progressions of the sequence task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressionArg {
    Arithmetic,
    Geometric,
    Mix,
}

#[derive(Debug, Args, Clone)]
pub struct LstmTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// The lecture's task [default: rows].
    #[arg(long, value_enum)]
    pub task: Option<LstmTaskArg>,
    /// Recurrent cell [default: ours].
    #[arg(long, value_enum)]
    pub cell: Option<LstmCellArg>,
    /// Hidden units [default: 128].
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Progressions of --task sequence [default: mix].
    #[arg(long, value_enum)]
    pub progression: Option<ProgressionArg>,
    /// Terms shown before the one to predict, --task sequence [default: 3].
    #[arg(long)]
    pub terms: Option<usize>,
    /// Generated training sequences per epoch, --task sequence [default: 20000].
    #[arg(long, value_name = "N")]
    pub train_sequences: Option<usize>,
    /// Generated held-out sequences, --task sequence [default: 2000].
    #[arg(long, value_name = "N")]
    pub test_sequences: Option<usize>,
    /// Multiply the learning rate by --lr-decay-factor every this many epochs [default: never].
    #[arg(long, value_name = "EPOCHS")]
    pub lr_decay_every: Option<usize>,
    /// The factor of --lr-decay-every [default: 0.1].
    #[arg(long, value_name = "F", requires = "lr_decay_every")]
    pub lr_decay_factor: Option<f64>,
}

/// The VAE's decoder distribution p(x|z).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LikelihoodArg {
    /// Bernoulli pixels on dynamically binarised images: a true likelihood in nats.
    Bernoulli,
    /// Gaussian pixels N(x; mean, s²) on grey images (the "MSE VAE"; s from --gaussian-sigma).
    Gaussian,
}

#[derive(Debug, Args, Clone)]
pub struct VaeTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Latent size k [default: 32].
    #[arg(long)]
    pub latent: Option<usize>,
    /// Decoder distribution [default: bernoulli].
    #[arg(long, value_enum)]
    pub likelihood: Option<LikelihoodArg>,
    /// Fixed pixel std s of --likelihood gaussian [default: 0.1].
    #[arg(long)]
    pub gaussian_sigma: Option<f64>,
    /// Weight β of the KL term (1 = the true ELBO) [default: 1].
    #[arg(long)]
    pub beta: Option<f64>,
    /// Steps over which the KL weight rises linearly from 0 to β [default: 0, no warm-up].
    #[arg(long, value_name = "STEPS")]
    pub kl_warmup: Option<u64>,
}

/// The classifier lecture's networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchitectureArg {
    /// Softmax regression on the pixels.
    Perceptron,
    /// One hidden layer of 256 ReLU units.
    Mlp,
    /// The reference CNN (the PyTorch speed reference).
    Cnn,
    /// VGG-style stacks of 3×3 convolutions with batch norm and dropout.
    Vgg,
}

/// Which layers a classifier run trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrainableArg {
    /// Every layer.
    All,
    /// Transfer learning: keep the convolution layers of --pretrained frozen, train a new dense part.
    HeadOnly,
}

/// Training-time data augmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AugmentArg {
    None,
    /// Horizontal flips, ±10° rotations, 0.9–1.1 zoom, ±2 px shifts.
    Standard,
}

#[derive(Debug, Args, Clone)]
pub struct ClassifierTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Network [default: cnn].
    #[arg(long, value_enum)]
    pub architecture: Option<ArchitectureArg>,
    /// Start from this trained classifier run (its convolution layers; the dense part is new).
    #[arg(long, value_name = "RUN_DIR")]
    pub pretrained: Option<PathBuf>,
    /// Layers to train [default: all].
    #[arg(long, value_enum)]
    pub trainable: Option<TrainableArg>,
    /// Data augmentation [default: none].
    #[arg(long, value_enum)]
    pub augment: Option<AugmentArg>,
}

/// What `eval` scores: a model's run, or a folder of images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalTarget {
    Autoencoder,
    Vae,
    Classifier,
    Lstm,
    Dqn,
    /// A folder of 28×28 PNGs (e.g. generated samples), scored with the frozen evaluator: FCD, IS, coverage.
    Images,
}

impl EvalTarget {
    pub fn name(self) -> &'static str {
        match self {
            EvalTarget::Autoencoder => "autoencoder",
            EvalTarget::Vae => "vae",
            EvalTarget::Classifier => "classifier",
            EvalTarget::Lstm => "lstm",
            EvalTarget::Dqn => "dqn",
            EvalTarget::Images => "images",
        }
    }
}

/// The real images generated ones are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReferenceArg {
    Test,
    Train,
}

#[derive(Debug, Args)]
pub struct EvalCommand {
    pub model: EvalTarget,
    /// The run directory to evaluate (its latest checkpoint).
    #[arg(long, value_name = "RUN_DIR", required_unless_present = "dir")]
    pub run: Option<PathBuf>,
    /// images: the folder of PNGs to score (eval.json is written into it).
    #[arg(long, value_name = "DIR", conflicts_with = "run")]
    pub dir: Option<PathBuf>,
    /// images: the real split to compare with [default: test].
    #[arg(long, value_enum)]
    pub reference: Option<ReferenceArg>,
    /// images: use at most N images of each set [default: 10000].
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// classifier: also install this run as the evaluator (assets/evaluator/) used by `eval images`.
    #[arg(long)]
    pub export_evaluator: bool,
    /// Backend for the evaluation [default: the run's].
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also evaluate denoising at this input noise σ (default: the run's σ for a denoising model).
    #[arg(long)]
    pub noise_sigma: Option<f64>,
    /// vae: importance samples K per image for the log-likelihood estimate [default: 1000].
    #[arg(long, value_name = "K")]
    pub is_samples: Option<usize>,
    /// vae: test images scored by importance sampling (each costs K decodes) [default: 1000; 0 = all].
    #[arg(long, value_name = "N")]
    pub is_images: Option<usize>,
    /// vae: a trained autoencoder run to draw beside the VAE's interpolations.
    #[arg(long, value_name = "RUN_DIR")]
    pub autoencoder_run: Option<PathBuf>,
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
    /// Recurrent cells to measure for `bench lstm` (repeat the flag; default: ours and burn).
    #[arg(long, value_enum)]
    pub cell: Vec<LstmCellArg>,
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
    /// Write images of a split as 28×28 PNGs (optionally with noise or blur), e.g. as a reference
    /// folder for `eval images`.
    Pngs {
        /// The split to write [default: test].
        #[arg(long, value_enum)]
        split: Option<ReferenceArg>,
        /// Dataset folder [default: the usual search order].
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Write at most N images (the first ones) [default: 10000].
        #[arg(long, value_name = "N", default_value_t = 10_000)]
        limit: usize,
        /// Add Gaussian noise of this σ (clipped to [0, 1], seed 0).
        #[arg(long, value_name = "SIGMA")]
        noise: Option<f32>,
        /// Blur with a Gaussian of this σ in pixels.
        #[arg(long, value_name = "SIGMA")]
        blur: Option<f32>,
        /// The folder to write `00000.png`, `00001.png`, … into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
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
