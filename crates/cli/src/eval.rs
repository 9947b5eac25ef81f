//! `eval`: one subcommand per kind of run, each with only the flags that apply to it.

use std::path::PathBuf;

use atelier_backend::Backend;
use clap::{Args, Subcommand, ValueEnum};

use atelier_cyclegan::Direction;

use crate::choice;

#[derive(Debug, Args)]
pub struct EvalCommand {
    #[command(subcommand)]
    pub target: EvalTarget,
}

/// What `eval` scores: a model's run, or a folder of images.
#[derive(Debug, Subcommand)]
pub enum EvalTarget {
    /// Test MSE and PSNR beside PCA at the same k (+ denoising gain), figures.
    Autoencoder(AutoencoderEvalArgs),
    /// Test −ELBO, importance-sampled NLL, samples, traversals, interpolations.
    Vae(VaeEvalArgs),
    /// Test accuracy, per-class accuracy, confusion matrix, misclassified images.
    Classifier(ClassifierEvalArgs),
    /// The task's test metric (accuracy, completion NLL, exact next values).
    Lstm(LstmEvalArgs),
    /// Greedy returns of the final policy and of the best one kept during training.
    Dqn(DqnEvalArgs),
    /// Generate images and score them like `eval images`.
    Dcgan(DcganEvalArgs),
    /// Translate the held-out pairs: L1, PSNR, SSIM beside the identity baseline, and the task's measures.
    Pix2pix(Pix2pixEvalArgs),
    /// Translate the test images both ways: against the true counterparts (emoji) L1, PSNR, SSIM,
    /// cycle L1, FCD, looks-like-the-target-style and category kept (class kept for garments),
    /// beside the identity; --compare adds other CycleGAN runs (the λ_cyc = 0 ablation),
    /// --pix2pix a paired run (the upper bound).
    Cyclegan(CycleganEvalArgs),
    /// Segment the test images: mIoU, per-class IoU, pixel and boundary accuracy, confusion
    /// heatmap; --compare adds other runs (FCN vs U-Net) to the same table and picture.
    Segmentation(SegmentationEvalArgs),
    /// Identification (Recall@1/5, mAP@R), verification (ROC AUC, 10-fold accuracy, TAR at FAR)
    /// and clustering (NMI, purity) on test identities, beside raw pixels and the untrained
    /// network; --compare adds other runs (mining strategies) to the table.
    Facenet(FacenetEvalArgs),
    /// The colour evaluator's test accuracies (category, style) and its calibration (FCD of real
    /// images against real, noisy and blurred ones); --export-evaluator installs it.
    EmojiEvaluator(EmojiEvaluatorEvalArgs),
    /// A folder of PNGs (generated samples, translations) scored with the ruler that fits them: 28×28
    /// grey → the Fashion evaluator, 64×64 colour → the colour evaluator (FCD, IS, coverage, style).
    Images(ImagesEvalArgs),
}

impl EvalTarget {
    /// The name as typed (`autoencoder`, …, `images`).
    pub fn name(&self) -> &'static str {
        match self {
            EvalTarget::Autoencoder(_) => "autoencoder",
            EvalTarget::Vae(_) => "vae",
            EvalTarget::Classifier(_) => "classifier",
            EvalTarget::Lstm(_) => "lstm",
            EvalTarget::Dqn(_) => "dqn",
            EvalTarget::Dcgan(_) => "dcgan",
            EvalTarget::Pix2pix(_) => "pix2pix",
            EvalTarget::Cyclegan(_) => "cyclegan",
            EvalTarget::Segmentation(_) => "segmentation",
            EvalTarget::Facenet(_) => "facenet",
            EvalTarget::EmojiEvaluator(_) => "emoji-evaluator",
            EvalTarget::Images(_) => "images",
        }
    }

    /// The backend typed with `--backend`, if any.
    pub fn backend(&self) -> Option<Backend> {
        match self {
            EvalTarget::Autoencoder(a) => a.common.backend,
            EvalTarget::Vae(a) => a.common.backend,
            EvalTarget::Classifier(a) => a.common.backend,
            EvalTarget::Lstm(a) => a.common.backend,
            EvalTarget::Dqn(a) => a.common.backend,
            EvalTarget::Dcgan(a) => a.common.backend,
            EvalTarget::Pix2pix(a) => a.common.backend,
            EvalTarget::Cyclegan(a) => a.common.backend,
            EvalTarget::Segmentation(a) => a.common.backend,
            EvalTarget::Facenet(a) => a.common.backend,
            EvalTarget::EmojiEvaluator(a) => a.common.backend,
            EvalTarget::Images(a) => a.backend,
        }
    }
}

/// The run to evaluate, and on what.
#[derive(Debug, Args, Clone)]
pub struct EvalRunArgs {
    /// The run directory to evaluate (its latest checkpoint).
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// Backend for the evaluation [default: the run's].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
}

#[derive(Debug, Args, Clone)]
pub struct AutoencoderEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also evaluate denoising at this input noise σ [default: the run's σ for a denoising model].
    #[arg(long)]
    pub noise_sigma: Option<f64>,
}

#[derive(Debug, Args, Clone)]
pub struct VaeEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Importance samples K per image for the log-likelihood estimate [default: 1000].
    #[arg(long, value_name = "K")]
    pub is_samples: Option<usize>,
    /// Test images scored by importance sampling (each costs K decodes) [default: 1000; 0 = all].
    #[arg(long, value_name = "N")]
    pub is_images: Option<usize>,
    /// A trained autoencoder run to draw beside the VAE's interpolations.
    #[arg(long, value_name = "RUN_DIR")]
    pub autoencoder_run: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ClassifierEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also install this run as the evaluator (assets/evaluator/) used by `eval images`.
    #[arg(long)]
    pub export_evaluator: bool,
}

#[derive(Debug, Args, Clone)]
pub struct LstmEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder of the rows and complete tasks [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct DqnEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Greedy episodes to evaluate [default: the run's eval_episodes].
    #[arg(long)]
    pub episodes: Option<usize>,
}

#[derive(Debug, Args, Clone)]
pub struct DcganEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Generate N images and compare them with at most N test images [default: 10000].
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args, Clone)]
pub struct Pix2pixEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct CycleganEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Other CycleGAN runs on the same task to put in the same table (repeat the flag).
    #[arg(long, value_name = "RUN_DIR")]
    pub compare: Vec<PathBuf>,
    /// A pix2pix run on the same emoji (twitter-to-google) or garments (edges2fashion): its X → Y
    /// row, the paired upper bound.
    #[arg(long, value_name = "RUN_DIR")]
    pub pix2pix: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct SegmentationEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Other segmentation runs on the same task to put in the same table and picture (repeat the flag).
    #[arg(long, value_name = "RUN_DIR")]
    pub compare: Vec<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct FacenetEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Data folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Other FaceNet runs on the same task to put in the same table (repeat the flag).
    #[arg(long, value_name = "RUN_DIR")]
    pub compare: Vec<PathBuf>,
    /// A quick look: at most N query images and N gallery images (the first ones) [default: all].
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// `search`: which gallery images are nearest to a query image in a trained FaceNet embedding.
#[derive(Debug, Args, Clone)]
pub struct SearchArgs {
    /// The FaceNet run whose latest checkpoint embeds.
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// The query image (PNG or JPEG, any size: resized to the run's).
    #[arg(long, value_name = "IMAGE")]
    pub query: PathBuf,
    /// Folder of gallery images (PNG/JPEG; sub-folders are read too, their names taken as identities).
    #[arg(long, value_name = "DIR")]
    pub gallery: PathBuf,
    /// How many nearest images to list.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Also draw query → nearest images into this PNG.
    #[arg(long, value_name = "PNG")]
    pub picture: Option<PathBuf>,
    /// Backend [default: the run's].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
}

/// `cluster`: a folder of images grouped by identity (k-means on a trained FaceNet embedding).
#[derive(Debug, Args, Clone)]
pub struct ClusterArgs {
    /// The FaceNet run whose latest checkpoint embeds.
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// Folder of images (PNG/JPEG; sub-folders are read too, their names taken as the true identities
    /// to score the clusters against).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Number of clusters [default: the number of sub-folders, or √(images/2)].
    #[arg(long)]
    pub clusters: Option<usize>,
    /// Write clusters.csv (image, cluster) and one picture per cluster into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Backend [default: the run's].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
}

/// `segment`: a user's own images through a trained segmentation run.
#[derive(Debug, Args, Clone)]
pub struct SegmentArgs {
    /// The segmentation run whose latest checkpoint segments.
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// Folder of PNG/JPEG images (any size; grey or colour as the run was trained).
    #[arg(long = "in", value_name = "DIR")]
    pub input: PathBuf,
    /// Folder written: NAME-mask.png (class indices), NAME-colour.png (the classes in colour),
    /// NAME-overlay.png (the colours over the image) and legend.png.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Backend [default: the run's].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
}

#[derive(Debug, Args, Clone)]
pub struct EmojiEvaluatorEvalArgs {
    #[command(flatten)]
    pub common: EvalRunArgs,
    /// Emoji folder [default: the run's].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also install this run as the colour evaluator (assets/emoji-evaluator/).
    #[arg(long)]
    pub export_evaluator: bool,
}

/// `translate`: a user's own images through a trained translation run.
#[derive(Debug, Args, Clone)]
pub struct TranslateArgs {
    /// The pix2pix or CycleGAN run whose latest checkpoint translates.
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// CycleGAN's direction: x2y (G) or y2x (F); pix2pix runs have one.
    #[arg(long, value_parser = choice!(Direction))]
    pub direction: Option<Direction>,
    /// Folder of PNG/JPEG images (any size; resized to the model's).
    #[arg(long = "in", value_name = "DIR")]
    pub input: PathBuf,
    /// Folder the translations are written to, as PNGs under the same names.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The size of the PNGs written.
    #[arg(long, value_enum, default_value_t = OutputSize::Input)]
    pub size: OutputSize,
    /// Backend [default: the run's].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
}

/// The size `translate` writes its PNGs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputSize {
    /// Each input image's own size: the output scaled back up (colorize keeps the input's own
    /// lightness at full resolution and scales only the predicted colour, a and b).
    Input,
    /// The model's size (64×64 for emoji), as the generator drew it.
    Model,
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
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
    /// Data folder of the real images [default: the usual search order of that evaluator's data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The ruler [default: the one that fits the first image: 28×28 → fashion, 64×64 → emoji].
    #[arg(long, value_enum)]
    pub evaluator: Option<EvaluatorArg>,
}

/// Which frozen evaluator measures a folder of images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvaluatorArg {
    /// The Fashion-MNIST classifier (28×28 grey), compared with real Fashion-MNIST images.
    Fashion,
    /// The colour evaluator (64×64 RGB emoji), compared with real Google-style emoji.
    Emoji,
}

/// The real images generated ones are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReferenceArg {
    Test,
    Train,
}
