//! `--help` states each model's real defaults, read from the model crates' configs: the values a
//! run with no flags records in its `config.json` (a test of the runner checks that they agree).
//!
//! A model's default can depend on a choice (`--task sequence` trains 60 epochs, `--architecture
//! vgg` decays its learning rate); such a flag's help lists the base value, then each choice that
//! changes it: `[default: 15; --task sequence: 60; --task complete: 10]`.

use atelier_autoencoder::AutoencoderConfig;
use atelier_autoencoder::config::{DEFAULT_NOISE_SIGMA, DEFAULT_SPARSITY};
use atelier_backend::Backend;
use atelier_classifier::{Architecture, ClassifierConfig};
use atelier_cyclegan::{CycleGanConfig, CycleTask};
use atelier_dcgan::DcganConfig;
use atelier_dqn::DqnConfig;
use atelier_facenet::{FacenetConfig, FacenetTask};
use atelier_lstm::{LrSchedule, LstmConfig, Task};
use atelier_pix2pix::{Pix2PixConfig, TranslationTask};
use atelier_segmentation::SegmentationConfig;
use atelier_train::TrainConfig;
use atelier_vae::VaeConfig;
use atelier_vae::config::DEFAULT_GAUSSIAN_SIGMA;
use clap::Command;

fn segmentation() -> Vec<Preset> {
    let config = SegmentationConfig::default();
    let cost = Some("< 30 min for U-Net on 2 CPU cores: 12,000 scenes at 7–8 images/s");
    let mut values = epoch_loop_values(&config.training(), config.learning_rate, cost);
    values.extend([
        ("task", config.task.name().to_string()),
        ("model", config.architecture.name().to_string()),
        ("base_channels", config.base_channels.to_string()),
        ("depth", config.depth.to_string()),
        ("dilation", config.dilation.to_string()),
        ("class_weights", config.class_weights.name().to_string()),
        ("train_scenes", config.train_scenes.to_string()),
        ("test_scenes", config.test_scenes.to_string()),
    ]);
    values.extend(decay_values(config.lr_schedule, atelier_segmentation::config::DEFAULT_LR_DECAY_FACTOR));
    vec![Preset { label: None, values }]
}

fn facenet() -> Vec<Preset> {
    FacenetTask::ALL
        .into_iter()
        .map(|task| {
            let config = FacenetConfig::for_task(task);
            let mut values = epoch_loop_values(&config.training(), config.learning_rate, None);
            values.retain(|(id, _)| *id != "batch_size"); // a batch is P × K, refused as a flag
            if task == FacenetTask::Fashion {
                values.push(("task", task.name().to_string()));
            }
            values.extend([
                ("mining", config.mining.name().to_string()),
                ("dim", config.dim.to_string()),
                ("margin", config.margin.to_string()),
                ("identities_per_batch", config.identities_per_batch.to_string()),
                ("views_per_identity", config.views_per_identity.to_string()),
                ("base_channels", config.base_channels.to_string()),
                ("augment", config.augmentation.name().to_string()),
            ]);
            let label = (task != FacenetTask::Fashion).then(|| format!("--task {}", task.name()));
            Preset { label, values }
        })
        .collect()
}

/// One set of defaults: `label` is the choice that selects it (`--task sequence`), `None` for
/// the model's default configuration.
struct Preset {
    label: Option<String>,
    values: Vec<(&'static str, String)>,
}

/// `train <model> --help` with every flag's default appended to its help.
pub fn with_defaults(cli: Command) -> Command {
    type Presets = fn() -> Vec<Preset>;
    let models: [(&str, Presets); 11] = [
        ("autoencoder", autoencoder),
        ("vae", vae),
        ("classifier", classifier),
        ("lstm", lstm),
        ("dqn", dqn),
        ("dcgan", dcgan),
        ("pix2pix", pix2pix),
        ("cyclegan", cyclegan),
        ("segmentation", segmentation),
        ("facenet", facenet),
        ("emoji-evaluator", emoji_evaluator),
    ];
    cli.mut_subcommand("train", |train| {
        models
            .into_iter()
            .fold(train, |train, (name, presets)| train.mut_subcommand(name, |command| annotate(command, &presets())))
    })
}

/// Appends `[default: …]` to the help of every flag the presets give a value.
fn annotate(command: Command, presets: &[Preset]) -> Command {
    let (base, others) = presets.split_first().expect("a model has its default preset");
    base.values.iter().fold(command, |command, (id, value)| {
        let mut text = value.clone();
        for preset in others {
            let label = preset.label.as_deref().unwrap_or_default();
            if let Some((_, other)) = preset.values.iter().find(|(other_id, _)| other_id == id)
                && other != value
            {
                text.push_str(&format!("; {label}: {other}"));
            }
        }
        command.mut_arg(*id, |arg| {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            arg.help(format!("{help} [default: {text}]"))
        })
    })
}

/// The loop's defaults every model has.
fn loop_values(train: &TrainConfig, learning_rate: f64) -> Vec<(&'static str, String)> {
    vec![
        ("backend", Backend::DEFAULT.name().to_string()),
        ("seed", train.seed.to_string()),
        ("batch_size", train.batch_size.to_string()),
        ("log_every", train.log_every.to_string()),
        ("checkpoint_every", train.checkpoint_every.to_string()),
        ("lr", learning_rate.to_string()),
    ]
}

/// The loop's defaults of a model trained in epochs; `cost` is the measured time of the default
/// length where it is long.
fn epoch_loop_values(train: &TrainConfig, learning_rate: f64, cost: Option<&str>) -> Vec<(&'static str, String)> {
    let mut values = loop_values(train, learning_rate);
    let epochs = match cost {
        Some(cost) => format!("{} ({cost})", train.epochs),
        None => train.epochs.to_string(),
    };
    values.push(("epochs", epochs));
    values
}

/// The two flags of a step-decay schedule: its period ("never" for a constant rate) and factor.
fn decay_values(schedule: LrSchedule, default_factor: f64) -> [(&'static str, String); 2] {
    let (every, factor) = match schedule {
        LrSchedule::Constant => ("never".to_string(), default_factor),
        LrSchedule::StepDecay { every_epochs, factor } => (every_epochs.to_string(), factor),
        // Refused for epoch-counted models by `LrSchedule::validate`; said as it is if it ever shows.
        LrSchedule::Linear { end_factor } => ("linear, per step".to_string(), end_factor),
    };
    [("lr_decay_every", every), ("lr_decay_factor", factor.to_string())]
}

fn autoencoder() -> Vec<Preset> {
    let config = AutoencoderConfig::default();
    let mut values = epoch_loop_values(&config.training(), config.learning_rate, None);
    values.extend([
        ("latent", config.latent.to_string()),
        ("variant", config.variant.name().to_string()),
        ("noise_sigma", DEFAULT_NOISE_SIGMA.to_string()),
        ("sparsity", DEFAULT_SPARSITY.to_string()),
    ]);
    vec![Preset { label: None, values }]
}

fn vae() -> Vec<Preset> {
    let config = VaeConfig::default();
    let mut values = epoch_loop_values(&config.training(), config.learning_rate, None);
    values.extend([
        ("latent", config.latent.to_string()),
        ("likelihood", config.likelihood.name().to_string()),
        ("gaussian_sigma", DEFAULT_GAUSSIAN_SIGMA.to_string()),
        ("beta", config.beta.to_string()),
        ("kl_warmup", config.kl_warmup_steps.to_string()),
    ]);
    vec![Preset { label: None, values }]
}

fn classifier() -> Vec<Preset> {
    let default = ClassifierConfig::default().architecture;
    let order = std::iter::once(default).chain(Architecture::ALL.into_iter().filter(|a| *a != default));
    order
        .map(|architecture| {
            let config = ClassifierConfig::for_architecture(architecture);
            let cost = (architecture == Architecture::Vgg).then_some("≈ 70 min on 2 CPU cores with the full data");
            let mut values = epoch_loop_values(&config.training(), config.learning_rate, cost);
            values.extend([
                ("trainable", config.trainable.name().to_string()),
                ("augment", config.augmentation.name().to_string()),
            ]);
            values.extend(decay_values(config.lr_schedule, atelier_classifier::config::DEFAULT_LR_DECAY_FACTOR));
            let label = (architecture != default).then(|| format!("--architecture {}", architecture.name()));
            if label.is_none() {
                values.push(("architecture", architecture.name().to_string()));
            }
            Preset { label, values }
        })
        .collect()
}

fn lstm() -> Vec<Preset> {
    let default = LstmConfig::default().task;
    let order = std::iter::once(default).chain(Task::ALL.into_iter().filter(|t| t.name() != default.name()));
    order
        .map(|task| {
            let config = LstmConfig::for_task(task);
            let cost = match task {
                Task::Rows => Some("≈ 25 min on 2 CPU cores with the full data"),
                Task::Sequence { .. } | Task::Complete => None,
            };
            let mut values = epoch_loop_values(&config.training(), config.learning_rate, cost);
            if task.name() == default.name() {
                values.push(("task", task.name().to_string()));
            }
            values.extend([("cell", config.cell.name().to_string()), ("hidden", config.hidden.to_string())]);
            if let Task::Sequence { progression, terms, train_sequences, test_sequences } = Task::default_sequence() {
                values.extend([
                    ("progression", progression.name().to_string()),
                    ("terms", terms.to_string()),
                    ("train_sequences", train_sequences.to_string()),
                    ("test_sequences", test_sequences.to_string()),
                ]);
            }
            values.extend(decay_values(config.lr_schedule, atelier_lstm::config::DEFAULT_LR_DECAY_FACTOR));
            let label = (task.name() != default.name()).then(|| format!("--task {}", task.name()));
            Preset { label, values }
        })
        .collect()
}

fn dqn() -> Vec<Preset> {
    let config = DqnConfig::default();
    let mut values = loop_values(&config.training(), config.learning_rate);
    let hidden: Vec<String> = config.hidden.iter().map(ToString::to_string).collect();
    values.extend([
        ("total_steps", config.total_steps.to_string()),
        ("target", config.target.name().to_string()),
        ("loss", config.loss.name().to_string()),
        ("gamma", config.gamma.to_string()),
        ("buffer_capacity", config.buffer_capacity.to_string()),
        ("learning_starts", config.learning_starts.to_string()),
        ("hidden", hidden.join(",")),
        ("eval_every", config.eval_every.to_string()),
        ("eval_episodes", config.eval_episodes.to_string()),
    ]);
    vec![Preset { label: None, values }]
}

fn dcgan() -> Vec<Preset> {
    let config = DcganConfig::default();
    let cost = Some("≈ 1 h 35 min on 2 CPU cores with the full data");
    let mut values = epoch_loop_values(&config.training(), config.learning_rate, cost);
    values.extend([
        ("latent", config.latent.to_string()),
        ("generator_loss", config.generator_loss.name().to_string()),
        ("d_steps", config.discriminator_steps.to_string()),
        ("smooth_real", config.label_smoothing.real_target().to_string()),
        ("beta1", config.beta_1.to_string()),
        ("score_every", config.score_every.to_string()),
        ("score_images", config.score_images.to_string()),
    ]);
    vec![Preset { label: None, values }]
}

fn emoji_evaluator() -> Vec<Preset> {
    let config = atelier_evaluation::emoji::EmojiEvaluatorConfig::default();
    vec![Preset { label: None, values: epoch_loop_values(&config.training(), config.learning_rate, None) }]
}

fn cyclegan() -> Vec<Preset> {
    CycleTask::ALL
        .into_iter()
        .map(|task| {
            let config = CycleGanConfig::for_task(task);
            let cost = match task {
                CycleTask::EdgesFashion => "over the first 20,000 training images: 10,000 edge maps vs 10,000 garments",
                _ => "≈ 84 min for the emoji on 2 CPU cores at 64×64, 1.2 pairs/s",
            };
            let mut values = epoch_loop_values(&config.training(), config.learning_rate, Some(cost));
            if task == CycleTask::TwitterGoogle {
                values.push(("task", task.name().to_string()));
            }
            values.extend([
                ("size", config.size.to_string()),
                ("ngf", config.ngf.to_string()),
                ("ndf", config.ndf.to_string()),
                ("blocks", config.blocks.to_string()),
                ("cycle_weight", config.cycle_weight.to_string()),
                ("identity_ratio", config.identity_ratio.to_string()),
                ("pool_size", config.pool_size.to_string()),
                ("beta1", config.beta_1.to_string()),
            ]);
            let label = (task != CycleTask::TwitterGoogle).then(|| format!("--task {}", task.name()));
            Preset { label, values }
        })
        .collect()
}

fn pix2pix() -> Vec<Preset> {
    TranslationTask::ALL
        .into_iter()
        .map(|task| {
            let config = Pix2PixConfig::for_task(task);
            let mut values = epoch_loop_values(&config.training(), config.learning_rate, None);
            if task == TranslationTask::TwitterToGoogle {
                values.push(("task", task.name().to_string()));
            }
            values.extend([
                ("ngf", config.ngf.to_string()),
                ("ndf", config.ndf.to_string()),
                ("l1_weight", config.l1_weight.to_string()),
                ("gan_weight", config.gan_weight.to_string()),
                ("beta1", config.beta_1.to_string()),
                ("edge_threshold", config.edge_threshold.to_string()),
            ]);
            let label = (task != TranslationTask::TwitterToGoogle).then(|| format!("--task {}", task.name()));
            Preset { label, values }
        })
        .collect()
}
