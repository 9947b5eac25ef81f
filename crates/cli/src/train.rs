//! `train`: the loop's flags (every model), the image-data flags (every model that reads images)
//! and each model's own flags. Defaults are not written here: `help` adds each model's real ones.

use std::path::PathBuf;

use atelier_autoencoder::Variant;
use atelier_backend::Backend;
use atelier_classifier::{Architecture, Augmentation, Trainable};
use atelier_cyclegan::CycleTask;
use atelier_dcgan::GeneratorLoss;
use atelier_dqn::{TargetKind, TdLoss};
use atelier_facenet::{Augmentation as ViewAugmentation, FacenetTask, Mining};
use atelier_lstm::{CellKind, Progression, Task};
use atelier_pix2pix::TranslationTask;
use atelier_segmentation::{Architecture as SegmentationArchitecture, ClassWeights, SegmentationTask};
use atelier_vae::Likelihood;
use clap::{Args, Subcommand};

use crate::choice;

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
    /// Deep Q-Learning on CartPole-v1 (length in environment steps; it gathers its own data).
    Dqn(DqnTrainArgs),
    /// The GAN lecture's DCGAN (Algorithm 1; minimax or non-saturating generator loss).
    Dcgan(DcganTrainArgs),
    /// The image-to-image lecture's pix2pix (U-Net + PatchGAN + λ·L1; --gan-weight 0: the L1-only U-Net).
    Pix2pix(Pix2pixTrainArgs),
    /// The unpaired-translation lecture's CycleGAN (two ResNet generators, two PatchGANs, cycle
    /// consistency; --cycle-weight 0: the adversarial-only ablation).
    Cyclegan(CycleganTrainArgs),
    /// The segmentation lecture: FCN or U-Net, a class for every pixel (Fashion-MNIST scenes or your folder).
    Segmentation(SegmentationTrainArgs),
    /// The metric-learning lecture: an embedding on the unit sphere trained with FaceNet's triplet
    /// loss and semi-hard mining (Fashion classes, emoji across renderings, or your identity folder).
    Facenet(FacenetTrainArgs),
    /// The colour evaluator: a CNN with an emoji-category head and a style (Google/Twitter) head,
    /// the ruler of the colour lectures (`eval emoji-evaluator --export-evaluator` installs it).
    EmojiEvaluator(EmojiEvaluatorTrainArgs),
}

impl TrainModel {
    /// The name of the model, as typed (`autoencoder`, `vae`, …).
    pub fn name(&self) -> &'static str {
        match self {
            TrainModel::Autoencoder(_) => "autoencoder",
            TrainModel::Vae(_) => "vae",
            TrainModel::Classifier(_) => "classifier",
            TrainModel::Lstm(_) => "lstm",
            TrainModel::Dqn(_) => "dqn",
            TrainModel::Dcgan(_) => "dcgan",
            TrainModel::Pix2pix(_) => "pix2pix",
            TrainModel::Cyclegan(_) => "cyclegan",
            TrainModel::Segmentation(_) => "segmentation",
            TrainModel::Facenet(_) => "facenet",
            TrainModel::EmojiEvaluator(_) => "emoji-evaluator",
        }
    }

    /// The loop's flags, which every model has.
    pub fn common(&self) -> &CommonTrainArgs {
        match self {
            TrainModel::Autoencoder(args) => &args.common,
            TrainModel::Vae(args) => &args.common,
            TrainModel::Classifier(args) => &args.common,
            TrainModel::Lstm(args) => &args.common,
            TrainModel::Dqn(args) => &args.common,
            TrainModel::Dcgan(args) => &args.common,
            TrainModel::Pix2pix(args) => &args.common,
            TrainModel::Cyclegan(args) => &args.common,
            TrainModel::Segmentation(args) => &args.common,
            TrainModel::Facenet(args) => &args.common,
            TrainModel::EmojiEvaluator(args) => &args.common,
        }
    }

    /// The image-data flags, which every model but the agent has.
    pub fn data(&self) -> Option<&ImageDataArgs> {
        match self {
            TrainModel::Autoencoder(args) => Some(&args.data),
            TrainModel::Vae(args) => Some(&args.data),
            TrainModel::Classifier(args) => Some(&args.data),
            TrainModel::Lstm(args) => Some(&args.data),
            TrainModel::Dqn(_) => None,
            TrainModel::Dcgan(args) => Some(&args.data),
            TrainModel::Pix2pix(args) => Some(&args.data),
            TrainModel::Cyclegan(args) => Some(&args.data),
            TrainModel::Segmentation(args) => Some(&args.data),
            TrainModel::Facenet(args) => Some(&args.data),
            TrainModel::EmojiEvaluator(args) => Some(&args.data),
        }
    }
}

/// Flags of the training loop, on every `train` command.
#[derive(Debug, Args, Default, Clone)]
pub struct CommonTrainArgs {
    /// Compute backend: flex, ndarray, wgpu (cuda in a build with `--features cuda`).
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Seed of everything random: weights, shuffling, noise, augmentation.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Examples per step.
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Stop after this many steps in total (a quick look; resumable).
    #[arg(long)]
    pub max_steps: Option<u64>,
    /// Steps between reads of the running losses.
    #[arg(long)]
    pub log_every: Option<usize>,
    /// Steps between checkpoints (also at every epoch end).
    #[arg(long)]
    pub checkpoint_every: Option<usize>,
    /// Learning rate.
    #[arg(long)]
    pub lr: Option<f64>,
}

/// Flags of the models that train on a dataset, in epochs.
#[derive(Debug, Args, Default, Clone)]
pub struct ImageDataArgs {
    /// Data folder, or `embedded` for the mini set in assets/. Fashion-MNIST (the four IDX files)
    /// is searched in $ATELIER_DATA, ./data/fashion-mnist, /usr/share/datasets/fashion-mnist, then
    /// embedded; emoji (pix2pix's emoji tasks, the colour evaluator) in $ATELIER_EMOJI,
    /// ./data/emoji, then embedded; `--task folder` needs a paired folder of your own.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Passes over the training set.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Train on the first N training examples only.
    #[arg(long, value_name = "N")]
    pub train_limit: Option<usize>,
    /// Validate on the first N test examples only.
    #[arg(long, value_name = "N")]
    pub valid_limit: Option<usize>,
}

#[derive(Debug, Args, Clone)]
pub struct AutoencoderTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Code size k.
    #[arg(long)]
    pub latent: Option<usize>,
    /// Lecture variant.
    #[arg(long, value_parser = choice!(Variant))]
    pub variant: Option<Variant>,
    /// σ of the input noise of --variant denoising.
    #[arg(long)]
    pub noise_sigma: Option<f64>,
    /// λ of the sparsity penalty of --variant sparse.
    #[arg(long)]
    pub sparsity: Option<f64>,
}

#[derive(Debug, Args, Clone)]
pub struct VaeTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Latent size k.
    #[arg(long)]
    pub latent: Option<usize>,
    /// Decoder distribution p(x|z).
    #[arg(long, value_parser = choice!(Likelihood))]
    pub likelihood: Option<Likelihood>,
    /// Fixed pixel std s of --likelihood gaussian.
    #[arg(long)]
    pub gaussian_sigma: Option<f64>,
    /// Weight β of the KL term (1 = the true ELBO).
    #[arg(long)]
    pub beta: Option<f64>,
    /// Steps over which the KL weight rises linearly from 0 to β (0 = no warm-up).
    #[arg(long, value_name = "STEPS")]
    pub kl_warmup: Option<u64>,
}

#[derive(Debug, Args, Clone)]
pub struct ClassifierTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Network (each starts from the settings its README result was measured with).
    #[arg(long, value_parser = choice!(Architecture))]
    pub architecture: Option<Architecture>,
    /// Start from this trained classifier run (its convolution layers; the dense part is new).
    #[arg(long, value_name = "RUN_DIR")]
    pub pretrained: Option<PathBuf>,
    /// Layers to train.
    #[arg(long, value_parser = choice!(Trainable))]
    pub trainable: Option<Trainable>,
    /// Data augmentation.
    #[arg(long, value_parser = choice!(Augmentation))]
    pub augment: Option<Augmentation>,
    #[command(flatten)]
    pub decay: LrDecayArgs,
}

/// A step-decay schedule of the learning rate over epochs.
#[derive(Debug, Args, Default, Clone)]
pub struct LrDecayArgs {
    /// Multiply the learning rate by --lr-decay-factor every this many epochs.
    #[arg(long, value_name = "EPOCHS")]
    pub lr_decay_every: Option<usize>,
    /// The factor of the step decay.
    #[arg(long, value_name = "F")]
    pub lr_decay_factor: Option<f64>,
}

#[derive(Debug, Args, Clone)]
pub struct LstmTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// The lecture's task (each starts from the settings its README result was measured with).
    #[arg(long, value_parser = choice!(Task))]
    pub task: Option<Task>,
    /// Recurrent cell.
    #[arg(long, value_parser = choice!(CellKind))]
    pub cell: Option<CellKind>,
    /// Hidden units.
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Progressions of --task sequence.
    #[arg(long, value_parser = choice!(Progression))]
    pub progression: Option<Progression>,
    /// Terms shown before the one to predict, --task sequence.
    #[arg(long)]
    pub terms: Option<usize>,
    /// Generated training sequences per epoch, --task sequence.
    #[arg(long, value_name = "N")]
    pub train_sequences: Option<usize>,
    /// Generated held-out sequences, --task sequence.
    #[arg(long, value_name = "N")]
    pub test_sequences: Option<usize>,
    #[command(flatten)]
    pub decay: LrDecayArgs,
}

#[derive(Debug, Args, Clone)]
pub struct DqnTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Environment steps of the whole run.
    #[arg(long)]
    pub total_steps: Option<u64>,
    /// Bootstrap target.
    #[arg(long, value_parser = choice!(TargetKind))]
    pub target: Option<TargetKind>,
    /// TD loss.
    #[arg(long, value_parser = choice!(TdLoss))]
    pub loss: Option<TdLoss>,
    /// Discount factor γ.
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Replay buffer capacity in transitions.
    #[arg(long)]
    pub buffer_capacity: Option<usize>,
    /// Environment steps before the first update.
    #[arg(long)]
    pub learning_starts: Option<u64>,
    /// Hidden layer widths, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub hidden: Option<Vec<usize>>,
    /// Environment steps between greedy evaluations.
    #[arg(long)]
    pub eval_every: Option<u64>,
    /// Episodes per greedy evaluation during training.
    #[arg(long)]
    pub eval_episodes: Option<usize>,
}

#[derive(Debug, Args, Clone)]
pub struct DcganTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Noise size.
    #[arg(long)]
    pub latent: Option<usize>,
    /// Generator loss.
    #[arg(long, value_parser = choice!(GeneratorLoss))]
    pub generator_loss: Option<GeneratorLoss>,
    /// k, discriminator steps per generator step; the batch is split into k minibatches.
    #[arg(long, value_name = "K")]
    pub d_steps: Option<usize>,
    /// One-sided label smoothing: the real images' target, e.g. 0.9 (1 = no smoothing).
    #[arg(long, value_name = "TARGET")]
    pub smooth_real: Option<f64>,
    /// Adam's β₁ for both networks.
    #[arg(long)]
    pub beta1: Option<f64>,
    /// Steps between FCD / IS / coverage scores of samples during training; 0 = never.
    #[arg(long, value_name = "STEPS")]
    pub score_every: Option<u64>,
    /// Generated images per score during training.
    #[arg(long, value_name = "N")]
    pub score_images: Option<usize>,
}

#[derive(Debug, Args, Clone)]
pub struct Pix2pixTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Data folder: an emoji folder (emoji tasks), Fashion-MNIST (edges2fashion) or a paired folder
    /// (--task folder); see --task. The four-file flag help above is Fashion-MNIST's.
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Translation task.
    #[arg(long, value_parser = choice!(TranslationTask))]
    pub task: Option<TranslationTask>,
    /// Channels of the generator's first feature map.
    #[arg(long)]
    pub ngf: Option<usize>,
    /// Channels of the discriminator's first feature map.
    #[arg(long)]
    pub ndf: Option<usize>,
    /// λ, the weight of the L1 term.
    #[arg(long, value_name = "LAMBDA")]
    pub l1_weight: Option<f64>,
    /// Weight of the adversarial term; 0 trains the L1-only U-Net baseline (no discriminator).
    #[arg(long)]
    pub gan_weight: Option<f64>,
    /// Adam's β₁ for both networks.
    #[arg(long)]
    pub beta1: Option<f64>,
    /// Sobel threshold of the edge-map tasks (grey levels in [0, 1]; a black–white step is 4).
    #[arg(long)]
    pub edge_threshold: Option<f32>,
}

#[derive(Debug, Args, Clone)]
pub struct CycleganTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Data folder: an emoji folder (twitter-google), Fashion-MNIST (edges-fashion) or, with
    /// --task folder, CycleGAN's trainA/ trainB/ testA/ testB/; see --task. The four-file flag help
    /// above is Fashion-MNIST's.
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// The two domains.
    #[arg(long, value_parser = choice!(CycleTask))]
    pub task: Option<CycleTask>,
    /// Side of the square images (a multiple of 4, at least 16): 32 or 64.
    #[arg(long)]
    pub size: Option<usize>,
    /// Channels of the generators' first feature map.
    #[arg(long)]
    pub ngf: Option<usize>,
    /// Channels of the discriminators' first feature map.
    #[arg(long)]
    pub ndf: Option<usize>,
    /// Residual blocks at the generators' bottleneck.
    #[arg(long)]
    pub blocks: Option<usize>,
    /// λ_cyc, the weight of the cycle-consistency loss; 0 trains the adversarial-only ablation
    /// (the identity term, λ_id = ratio·λ_cyc, goes with it).
    #[arg(long, value_name = "LAMBDA")]
    pub cycle_weight: Option<f64>,
    /// λ_id as a share of λ_cyc.
    #[arg(long)]
    pub identity_ratio: Option<f64>,
    /// Generated images remembered per domain for the discriminators (0: no history).
    #[arg(long)]
    pub pool_size: Option<usize>,
    /// Adam's β₁ for all four networks.
    #[arg(long)]
    pub beta1: Option<f64>,
}

#[derive(Debug, Args, Clone)]
pub struct SegmentationTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Data folder: Fashion-MNIST (fashion-scenes are made from its garments), an emoji folder
    /// (emoji-scenes) or, with --task folder, a folder of images/ + masks/ + classes.txt (training data; its test/ subfolder, if
    /// any, is the test set).
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Where the images and masks come from.
    #[arg(long, value_parser = choice!(SegmentationTask))]
    pub task: Option<SegmentationTask>,
    /// The network.
    #[arg(long, value_parser = choice!(SegmentationArchitecture))]
    pub model: Option<SegmentationArchitecture>,
    /// Channels of the first level (doubled at every pooling).
    #[arg(long)]
    pub base_channels: Option<usize>,
    /// Poolings (image sides must be multiples of 2^depth).
    #[arg(long)]
    pub depth: Option<usize>,
    /// Dilation of the bottleneck's convolutions (1: none; 2, 4: atrous, DeepLab's idea).
    #[arg(long)]
    pub dilation: Option<usize>,
    /// Class weights of the pixel-wise loss.
    #[arg(long, value_parser = choice!(ClassWeights))]
    pub class_weights: Option<ClassWeights>,
    /// Scenes made for training (fashion-scenes, emoji-scenes).
    #[arg(long, value_name = "N")]
    pub train_scenes: Option<usize>,
    /// Scenes made for test (the first 500 also validate after each epoch).
    #[arg(long, value_name = "N")]
    pub test_scenes: Option<usize>,
    #[command(flatten)]
    pub decay: LrDecayArgs,
}

#[derive(Debug, Args, Clone)]
pub struct FacenetTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Data folder: Fashion-MNIST (--task fashion), an emoji folder (--task emoji) or, with --task
    /// folder, one sub-folder of images per identity (a train/ and test/ pair of such folders, or
    /// one folder whose every fifth identity is held out for test).
    #[command(flatten)]
    pub data: ImageDataArgs,
    /// Where the identities come from.
    #[arg(long, value_parser = choice!(FacenetTask))]
    pub task: Option<FacenetTask>,
    /// Which triplets of a batch the loss uses.
    #[arg(long, value_parser = choice!(Mining))]
    pub mining: Option<Mining>,
    /// Dimension of the embedding (on the unit sphere).
    #[arg(long)]
    pub dim: Option<usize>,
    /// α of the triplet loss, in squared distance (the sphere's squared diameter is 4).
    #[arg(long)]
    pub margin: Option<f64>,
    /// P: identities per batch (a batch is P × K images).
    #[arg(long, value_name = "P")]
    pub identities_per_batch: Option<usize>,
    /// K: views of each identity per batch (at least 2).
    #[arg(long, value_name = "K")]
    pub views_per_identity: Option<usize>,
    /// Channels of the first conv block (doubled by each of the four).
    #[arg(long)]
    pub base_channels: Option<usize>,
    /// Variation of the training views.
    #[arg(long, value_parser = choice!(ViewAugmentation))]
    pub augment: Option<ViewAugmentation>,
}

#[derive(Debug, Args, Clone)]
pub struct EmojiEvaluatorTrainArgs {
    #[command(flatten)]
    pub common: CommonTrainArgs,
    /// Data folder: an emoji folder (default search: $ATELIER_EMOJI, ./data/emoji, the embedded
    /// mini set). The four-file flag help above is Fashion-MNIST's.
    #[command(flatten)]
    pub data: ImageDataArgs,
}
