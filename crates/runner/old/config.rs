//! A run's `config.json`: the full resolved configuration, and how flags resolve against it.
//!
//! Precedence: the model crate's defaults < `--config FILE` (or the resumed run's config) < flags
//! typed. Every default comes from the model crates' configs (`--help` reads the same ones): a
//! model's `for_task` / `for_architecture` presets and its `training()` loop settings. A flag that
//! the resolved configuration has no use for (`--noise-sigma` for a plain autoencoder) is refused.

use std::fs;
use std::path::Path;
use std::path::PathBuf;

use atelier_autoencoder::{AutoencoderConfig, Variant};
use atelier_backend::Backend;
use atelier_classifier::ClassifierConfig;
use atelier_cli::{
    AutoencoderTrainArgs, ClassifierTrainArgs, CycleganTrainArgs, DcganTrainArgs, DqnTrainArgs,
    EmojiEvaluatorTrainArgs, FacenetTrainArgs, LrDecayArgs, LstmTrainArgs, Pix2pixTrainArgs, SegmentationTrainArgs,
    TrainModel, VaeTrainArgs,
};
use atelier_cyclegan::CycleGanConfig;
use atelier_dcgan::{DcganConfig, LabelSmoothing};
use atelier_dqn::DqnConfig;
use atelier_evaluation::emoji::EmojiEvaluatorConfig;
use atelier_facenet::FacenetConfig;
use atelier_lstm::{LrSchedule, LstmConfig, Task};
use atelier_pix2pix::Pix2PixConfig;
use atelier_segmentation::SegmentationConfig;
use atelier_train::TrainConfig;
use atelier_vae::{Likelihood, VaeConfig};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// `flex`, `ndarray`, `wgpu` or `cuda`.
    pub backend: String,
    /// The data folder given with `--data-dir` (None: the usual search order; `embedded`: the mini set).
    pub data_dir: Option<PathBuf>,
    /// The data the run trains on, recorded by `train` (folder or embedded set, each file's size and
    /// MD5; or what generates it); `--resume` and `--config` refuse data that differs. None until recorded.
    #[serde(default)]
    pub data: Option<atelier_data::DataRecord>,
    pub train: TrainConfig,
    pub model: ModelConfig,
}

/// The model and its hyper-parameters, tagged by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum ModelConfig {
    Autoencoder(AutoencoderConfig),
    Vae(VaeConfig),
    Classifier(ClassifierConfig),
    Lstm(LstmConfig),
    Dqn(DqnConfig),
    Dcgan(DcganConfig),
    Pix2pix(Pix2PixConfig),
    Cyclegan(CycleGanConfig),
    Segmentation(SegmentationConfig),
    Facenet(FacenetConfig),
    #[serde(rename = "emoji-evaluator")]
    EmojiEvaluator(EmojiEvaluatorConfig),
}

impl ModelConfig {
    pub fn name(&self) -> &'static str {
        match self {
            ModelConfig::Autoencoder(_) => "autoencoder",
            ModelConfig::Vae(_) => "vae",
            ModelConfig::Classifier(_) => "classifier",
            ModelConfig::Lstm(_) => "lstm",
            ModelConfig::Dqn(_) => "dqn",
            ModelConfig::Dcgan(_) => "dcgan",
            ModelConfig::Pix2pix(_) => "pix2pix",
            ModelConfig::Cyclegan(_) => "cyclegan",
            ModelConfig::Segmentation(_) => "segmentation",
            ModelConfig::Facenet(_) => "facenet",
            ModelConfig::EmojiEvaluator(_) => "emoji-evaluator",
        }
    }

    fn validate(&self) -> Result<(), String> {
        match self {
            ModelConfig::Autoencoder(c) => c.validate(),
            ModelConfig::Vae(c) => c.validate(),
            ModelConfig::Classifier(c) => c.validate(),
            ModelConfig::Lstm(c) => c.validate(),
            ModelConfig::Dqn(c) => c.validate(),
            ModelConfig::Dcgan(c) => c.validate(),
            ModelConfig::Pix2pix(c) => c.validate(),
            ModelConfig::Cyclegan(c) => c.validate().and_then(|()| crate::models::cyclegan::data::check_size(c)),
            ModelConfig::Segmentation(c) => c.validate(),
            ModelConfig::Facenet(c) => c.validate(),
            ModelConfig::EmojiEvaluator(c) => c.validate(),
        }
    }
}

impl RunConfig {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not a valid run config: {e}", path.display()))
    }

    /// Checks every setting up front, naming the one that is wrong.
    pub fn validate(&self) -> Result<(), String> {
        self.backend.parse::<Backend>().map_err(|e| e.to_string())?;
        self.train.validate()?;
        self.model.validate()
    }

    /// Applies the loop and data flags the user typed.
    pub fn apply_common(&mut self, model: &TrainModel) {
        let flags = model.common();
        if let Some(b) = flags.backend {
            self.backend = b.name().to_string();
        }
        let t = &mut self.train;
        set(&mut t.seed, flags.seed);
        set(&mut t.batch_size, flags.batch_size);
        set(&mut t.log_every, flags.log_every);
        set(&mut t.checkpoint_every, flags.checkpoint_every);
        if flags.max_steps.is_some() {
            t.max_steps = flags.max_steps;
        }
        if let Some(data) = model.data() {
            if let Some(d) = &data.data_dir {
                self.data_dir = Some(d.clone());
            }
            set(&mut t.epochs, data.epochs);
            if data.train_limit.is_some() {
                t.train_limit = data.train_limit;
            }
            if data.valid_limit.is_some() {
                t.valid_limit = data.valid_limit;
            }
        }
    }
}

fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *target = v;
    }
}

/// The first flag of `flags` that was given although it does not apply, as an error saying why.
fn refuse_unused(flags: &[(&str, bool)], why: &str) -> Result<(), String> {
    match flags.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(format!("{flag} {why}")),
        None => Ok(()),
    }
}

/// The schedule after `--lr-decay-every` / `--lr-decay-factor`: each changes its part of a step
/// decay (a constant rate becomes one with `--lr-decay-every`); a factor alone needs a step decay.
fn step_decay(schedule: LrSchedule, flags: &LrDecayArgs, default_factor: f64) -> Result<LrSchedule, String> {
    match (schedule, flags.lr_decay_every, flags.lr_decay_factor) {
        (schedule, None, None) => Ok(schedule),
        (LrSchedule::StepDecay { every_epochs, factor }, every, new_factor) => Ok(LrSchedule::StepDecay {
            every_epochs: every.unwrap_or(every_epochs),
            factor: new_factor.unwrap_or(factor),
        }),
        (LrSchedule::Constant, Some(every_epochs), factor) => {
            Ok(LrSchedule::StepDecay { every_epochs, factor: factor.unwrap_or(default_factor) })
        }
        (LrSchedule::Constant, None, Some(_)) => Err(
            "--lr-decay-factor needs a step decay: give --lr-decay-every too (this run's learning rate is constant)"
                .into(),
        ),
        (other, _, _) => Err(format!("--lr-decay-every and --lr-decay-factor do not apply to the schedule {other:?}")),
    }
}

/// The autoencoder's part of the config, with the typed flags applied to `base`.
pub fn autoencoder_config(
    base: Option<AutoencoderConfig>,
    args: &AutoencoderTrainArgs,
) -> Result<AutoencoderConfig, String> {
    let mut config = base.unwrap_or_default();
    set(&mut config.latent, args.latent);
    set(&mut config.learning_rate, args.common.lr);
    // Another variant starts from its default parameter; the same one keeps the base's.
    if let Some(variant) = args.variant
        && variant.name() != config.variant.name()
    {
        config.variant = variant;
    }
    match &mut config.variant {
        Variant::Denoising { noise_sigma } => set(noise_sigma, args.noise_sigma),
        Variant::Sparse { lambda } => set(lambda, args.sparsity),
        Variant::Plain => {}
    }
    let denoising = matches!(config.variant, Variant::Denoising { .. });
    let sparse = matches!(config.variant, Variant::Sparse { .. });
    refuse_unused(
        &[
            ("--noise-sigma", args.noise_sigma.is_some() && !denoising),
            ("--sparsity", args.sparsity.is_some() && !sparse),
        ],
        &format!("does not apply to this run's variant, {} (see --variant)", config.variant.name()),
    )?;
    Ok(config)
}

/// The VAE's part of the config, with the typed flags applied to `base`.
pub fn vae_config(base: Option<VaeConfig>, args: &VaeTrainArgs) -> Result<VaeConfig, String> {
    let mut config = base.unwrap_or_default();
    set(&mut config.latent, args.latent);
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.beta, args.beta);
    set(&mut config.kl_warmup_steps, args.kl_warmup);
    if let Some(likelihood) = args.likelihood
        && likelihood.name() != config.likelihood.name()
    {
        config.likelihood = likelihood;
    }
    match &mut config.likelihood {
        Likelihood::Gaussian { sigma } => set(sigma, args.gaussian_sigma),
        Likelihood::Bernoulli => refuse_unused(
            &[("--gaussian-sigma", args.gaussian_sigma.is_some())],
            "applies to --likelihood gaussian only (this run's likelihood is bernoulli)",
        )?,
    }
    Ok(config)
}

/// The classifier's part of the config, with the typed flags applied to `base`. Without a base, an
/// architecture starts from the settings its README result was measured with; an architecture
/// other than the base's takes that architecture's schedule.
pub fn classifier_config(
    base: Option<ClassifierConfig>,
    args: &ClassifierTrainArgs,
) -> Result<ClassifierConfig, String> {
    let mut config = match (base, args.architecture) {
        (None, architecture) => {
            ClassifierConfig::for_architecture(architecture.unwrap_or(ClassifierConfig::default().architecture))
        }
        (Some(base), Some(architecture)) if architecture != base.architecture => ClassifierConfig {
            architecture,
            lr_schedule: ClassifierConfig::for_architecture(architecture).lr_schedule,
            ..base
        },
        (Some(base), _) => base,
    };
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.trainable, args.trainable);
    set(&mut config.augmentation, args.augment);
    if args.pretrained.is_some() {
        config.pretrained_run = args.pretrained.clone();
    }
    config.lr_schedule =
        step_decay(config.lr_schedule, &args.decay, atelier_classifier::config::DEFAULT_LR_DECAY_FACTOR)?;
    Ok(config)
}

/// The LSTM's part of the config, with the typed flags applied to `base`.
///
/// Without a base, a task starts from the settings its README result was measured with; a task
/// other than the base's starts from that task's defaults and schedule. Sequence-only flags with
/// another task, and `--data-dir` with the sequence task, are refused.
pub fn lstm_config(base: Option<LstmConfig>, args: &LstmTrainArgs) -> Result<LstmConfig, String> {
    let mut config = match (base, args.task) {
        (None, task) => LstmConfig::for_task(task.unwrap_or(LstmConfig::default().task)),
        (Some(base), Some(task)) if task.name() != base.task.name() => {
            LstmConfig { task, lr_schedule: LstmConfig::schedule_for(task), ..base }
        }
        (Some(base), _) => base,
    };
    set(&mut config.cell, args.cell);
    set(&mut config.hidden, args.hidden);
    set(&mut config.learning_rate, args.common.lr);
    config.lr_schedule = step_decay(config.lr_schedule, &args.decay, atelier_lstm::config::DEFAULT_LR_DECAY_FACTOR)?;
    match &mut config.task {
        Task::Sequence { progression, terms, train_sequences, test_sequences } => {
            set(progression, args.progression);
            set(terms, args.terms);
            set(train_sequences, args.train_sequences);
            set(test_sequences, args.test_sequences);
            refuse_unused(
                &[("--data-dir", args.data.data_dir.is_some())],
                "does not apply to --task sequence: it generates its own progressions",
            )?;
        }
        Task::Rows | Task::Complete => refuse_unused(
            &[
                ("--progression", args.progression.is_some()),
                ("--terms", args.terms.is_some()),
                ("--train-sequences", args.train_sequences.is_some()),
                ("--test-sequences", args.test_sequences.is_some()),
            ],
            &format!("applies to --task sequence only (this run's task is {})", config.task.name()),
        )?,
    }
    Ok(config)
}

/// The DQN agent's part of the config, with the typed flags applied to `base` (the flags of
/// models that read a dataset do not exist for it: clap refuses them).
pub fn dqn_config(base: Option<DqnConfig>, args: &DqnTrainArgs) -> Result<DqnConfig, String> {
    let mut config = base.unwrap_or_default();
    set(&mut config.total_steps, args.total_steps);
    set(&mut config.batch_size, args.common.batch_size);
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.gamma, args.gamma);
    set(&mut config.buffer_capacity, args.buffer_capacity);
    set(&mut config.learning_starts, args.learning_starts);
    set(&mut config.hidden, args.hidden.clone());
    set(&mut config.eval_every, args.eval_every);
    set(&mut config.eval_episodes, args.eval_episodes);
    set(&mut config.target, args.target);
    set(&mut config.loss, args.loss);
    Ok(config)
}

/// The DCGAN's part of the config, with the typed flags applied to `base`.
pub fn dcgan_config(base: Option<DcganConfig>, args: &DcganTrainArgs) -> Result<DcganConfig, String> {
    let mut config = base.unwrap_or_default();
    set(&mut config.latent, args.latent);
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.discriminator_steps, args.d_steps);
    set(&mut config.beta_1, args.beta1);
    set(&mut config.score_every, args.score_every);
    set(&mut config.score_images, args.score_images);
    set(&mut config.generator_loss, args.generator_loss);
    if let Some(real) = args.smooth_real {
        config.label_smoothing = if real == 1.0 { LabelSmoothing::None } else { LabelSmoothing::OneSided { real } };
    }
    refuse_unused(
        &[("--score-images", args.score_images.is_some() && config.score_every == 0)],
        "does not apply when samples are never scored (--score-every 0)",
    )?;
    Ok(config)
}

/// pix2pix's part of the config: `--task` picks the task's shapes (a new task starts from its
/// preset), then the typed flags apply.
pub fn pix2pix_config(base: Option<Pix2PixConfig>, args: &Pix2pixTrainArgs) -> Result<Pix2PixConfig, String> {
    let mut config = match (base, args.task) {
        (Some(base), Some(task)) if base.task != task => Pix2PixConfig::for_task(task),
        (Some(base), _) => base,
        (None, task) => Pix2PixConfig::for_task(task.unwrap_or(atelier_pix2pix::TranslationTask::TwitterToGoogle)),
    };
    set(&mut config.ngf, args.ngf);
    set(&mut config.ndf, args.ndf);
    set(&mut config.l1_weight, args.l1_weight);
    set(&mut config.gan_weight, args.gan_weight);
    set(&mut config.beta_1, args.beta1);
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.edge_threshold, args.edge_threshold);
    let edges = matches!(
        config.task,
        atelier_pix2pix::TranslationTask::Edges2emoji | atelier_pix2pix::TranslationTask::Edges2fashion
    );
    refuse_unused(
        &[("--edge-threshold", args.edge_threshold.is_some() && !edges)],
        "applies to the edge-map tasks only",
    )?;
    refuse_unused(&[("--beta1", args.beta1.is_some() && config.gan_weight == 0.0)], "does nothing here")?;
    Ok(config)
}

/// CycleGAN's part of the config: `--task` picks the task's channels and size (a new task starts
/// from its preset), then the typed flags apply.
pub fn cyclegan_config(base: Option<CycleGanConfig>, args: &CycleganTrainArgs) -> Result<CycleGanConfig, String> {
    let mut config = match (base, args.task) {
        (Some(base), Some(task)) if base.task != task => CycleGanConfig::for_task(task),
        (Some(base), _) => base,
        (None, task) => CycleGanConfig::for_task(task.unwrap_or(atelier_cyclegan::CycleTask::TwitterGoogle)),
    };
    set(&mut config.size, args.size);
    set(&mut config.ngf, args.ngf);
    set(&mut config.ndf, args.ndf);
    set(&mut config.blocks, args.blocks);
    set(&mut config.cycle_weight, args.cycle_weight);
    set(&mut config.identity_ratio, args.identity_ratio);
    set(&mut config.pool_size, args.pool_size);
    set(&mut config.beta_1, args.beta1);
    set(&mut config.learning_rate, args.common.lr);
    refuse_unused(
        &[("--identity-ratio", args.identity_ratio.is_some() && config.cycle_weight == 0.0)],
        "does nothing with --cycle-weight 0 (λ_id = ratio·λ_cyc)",
    )?;
    Ok(config)
}

/// The segmentation lecture's part of the config: the defaults (or the base), then the typed flags.
pub fn segmentation_config(
    base: Option<SegmentationConfig>,
    args: &SegmentationTrainArgs,
) -> Result<SegmentationConfig, String> {
    let mut config = base.unwrap_or_default();
    set(&mut config.task, args.task);
    set(&mut config.architecture, args.model);
    set(&mut config.base_channels, args.base_channels);
    set(&mut config.depth, args.depth);
    set(&mut config.dilation, args.dilation);
    set(&mut config.class_weights, args.class_weights);
    set(&mut config.train_scenes, args.train_scenes);
    set(&mut config.test_scenes, args.test_scenes);
    set(&mut config.learning_rate, args.common.lr);
    config.lr_schedule =
        step_decay(config.lr_schedule, &args.decay, atelier_segmentation::config::DEFAULT_LR_DECAY_FACTOR)?;
    let folder = config.task == atelier_segmentation::SegmentationTask::Folder;
    refuse_unused(
        &[
            ("--train-scenes", args.train_scenes.is_some() && folder),
            ("--test-scenes", args.test_scenes.is_some() && folder),
        ],
        "applies to the scene tasks only (fashion-scenes, emoji-scenes)",
    )?;
    Ok(config)
}

/// The metric-learning lecture's part of the config: the task's preset (or the base), then the
/// typed flags. The batch is `P × K`, so `--batch-size` is refused.
pub fn facenet_config(base: Option<FacenetConfig>, args: &FacenetTrainArgs) -> Result<FacenetConfig, String> {
    if args.common.batch_size.is_some() {
        return Err(
            "--batch-size: a FaceNet batch is --identities-per-batch P × --views-per-identity K; set those".into()
        );
    }
    let mut config = match (base, args.task) {
        (Some(base), Some(task)) if base.task != task => FacenetConfig::for_task(task),
        (Some(base), _) => base,
        (None, task) => FacenetConfig::for_task(task.unwrap_or(atelier_facenet::FacenetTask::Fashion)),
    };
    set(&mut config.mining, args.mining);
    set(&mut config.dim, args.dim);
    set(&mut config.margin, args.margin);
    set(&mut config.identities_per_batch, args.identities_per_batch);
    set(&mut config.views_per_identity, args.views_per_identity);
    set(&mut config.base_channels, args.base_channels);
    set(&mut config.augmentation, args.augment);
    set(&mut config.learning_rate, args.common.lr);
    Ok(config)
}

/// The colour evaluator's part of the config: its defaults (the loop flags apply as usual, `--lr`
/// sets its learning rate).
pub fn emoji_evaluator_config(args: &EmojiEvaluatorTrainArgs) -> EmojiEvaluatorConfig {
    let mut config = EmojiEvaluatorConfig::default();
    set(&mut config.learning_rate, args.common.lr);
    config
}

/// The default run config for a model: the loop settings are the model's own (`training()`).
pub fn default_run_config(model: ModelConfig) -> RunConfig {
    let train = match &model {
        ModelConfig::Autoencoder(c) => c.training(),
        ModelConfig::Vae(c) => c.training(),
        ModelConfig::Classifier(c) => c.training(),
        ModelConfig::Lstm(c) => c.training(),
        ModelConfig::Dqn(c) => c.training(),
        ModelConfig::Dcgan(c) => c.training(),
        ModelConfig::Pix2pix(c) => c.training(),
        ModelConfig::Cyclegan(c) => c.training(),
        ModelConfig::Segmentation(c) => c.training(),
        ModelConfig::Facenet(c) => c.training(),
        ModelConfig::EmojiEvaluator(c) => c.training(),
    };
    RunConfig { backend: Backend::DEFAULT.name().to_string(), data_dir: None, data: None, train, model }
}

#[cfg(test)]
mod tests {
    use atelier_lstm::{CellKind, Progression};

    use super::*;

    #[test]
    fn config_json_round_trips() {
        let mut config = default_run_config(ModelConfig::Autoencoder(AutoencoderConfig {
            variant: Variant::Denoising { noise_sigma: 0.3 },
            ..AutoencoderConfig::default()
        }));
        config.train.max_steps = Some(7);
        let text = serde_json::to_string_pretty(&config).unwrap();
        let back: RunConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&config).unwrap());
        assert!(text.contains("\"name\": \"autoencoder\""), "{text}");
    }

    #[test]
    fn unknown_fields_and_bad_values_are_refused() {
        let config = default_run_config(ModelConfig::Autoencoder(AutoencoderConfig::default()));
        let text = serde_json::to_string(&config).unwrap().replace("\"backend\"", "\"backnd\"");
        assert!(serde_json::from_str::<RunConfig>(&text).is_err());
        let mut bad = config.clone();
        bad.backend = "tpu".into();
        assert!(bad.validate().unwrap_err().contains("unknown backend 'tpu'"));
        let mut bad = config;
        bad.train.batch_size = 0;
        assert!(bad.validate().unwrap_err().contains("batch_size"));
    }

    fn model_args(model: &str, args: &[&str]) -> TrainModel {
        use atelier_cli::Command;
        let argv = ["x", "train", model].into_iter().chain(args.iter().copied());
        let Command::Train(train) = atelier_cli::try_parse_from(argv).unwrap().command else { panic!("not train") };
        train.model.expect("a model")
    }

    fn lstm(args: &[&str]) -> Result<LstmConfig, String> {
        let TrainModel::Lstm(a) = model_args("lstm", args) else { panic!("not lstm") };
        lstm_config(None, &a)
    }

    fn classifier(args: &[&str]) -> Result<ClassifierConfig, String> {
        let TrainModel::Classifier(a) = model_args("classifier", args) else { panic!("not classifier") };
        classifier_config(None, &a)
    }

    #[test]
    fn classifier_lr_decay_flags_become_a_step_decay_schedule() {
        assert_eq!(classifier(&[]).unwrap().lr_schedule, LrSchedule::Constant);
        // The VGG's measured schedule is its default; the flags change its parts.
        let vgg = classifier(&["--architecture", "vgg"]).unwrap();
        assert_eq!(vgg.lr_schedule, LrSchedule::StepDecay { every_epochs: 9, factor: 0.1 });
        assert_eq!(default_run_config(ModelConfig::Classifier(vgg.clone())).train.epochs, 12);
        assert!((vgg.lr_schedule.rate(vgg.learning_rate, atelier_train::RunClock::Epoch(9)) - 1e-4).abs() < 1e-12);
        let c = classifier(&["--architecture", "vgg", "--lr-decay-factor", "0.5"]).unwrap();
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 9, factor: 0.5 });
        let c = classifier(&["--lr-decay-every", "4"]).unwrap();
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 4, factor: 0.1 });
        let bad = default_run_config(ModelConfig::Classifier(classifier(&["--lr-decay-every", "0"]).unwrap()));
        assert!(bad.validate().unwrap_err().contains("every_epochs"));
        let err = classifier(&["--lr-decay-factor", "0.5"]).unwrap_err();
        assert!(err.contains("--lr-decay-factor needs a step decay"), "{err}");
        // A config file's architecture changed by the flag takes the new one's schedule.
        let cnn = classifier(&[]).unwrap();
        let TrainModel::Classifier(a) = model_args("classifier", &["--architecture", "vgg"]) else { panic!() };
        assert_eq!(classifier_config(Some(cnn), &a).unwrap().lr_schedule, vgg.lr_schedule);
    }

    #[test]
    fn segmentation_lr_decay_flags_become_a_step_decay_schedule() {
        let segmentation = |args: &[&str]| {
            let TrainModel::Segmentation(a) = model_args("segmentation", args) else { panic!("not segmentation") };
            segmentation_config(None, &a)
        };
        assert_eq!(segmentation(&[]).unwrap().lr_schedule, LrSchedule::Constant);
        let c = segmentation(&["--lr-decay-every", "2"]).unwrap();
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 2, factor: 0.1 });
        assert!((c.lr_schedule.rate(c.learning_rate, atelier_train::RunClock::Epoch(2)) - 1e-4).abs() < 1e-12);
        let c = segmentation(&["--lr-decay-every", "3", "--lr-decay-factor", "0.3"]).unwrap();
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 3, factor: 0.3 });
        assert!(segmentation(&["--lr-decay-factor", "0.5"]).unwrap_err().contains("needs a step decay"));
        let zero = segmentation(&["--lr-decay-every", "0"]).unwrap();
        assert!(zero.validate().unwrap_err().contains("every_epochs"));
        // A run written before the schedule existed reads back with the constant rate.
        let mut old = serde_json::to_value(SegmentationConfig::default()).unwrap();
        old.as_object_mut().unwrap().remove("lr_schedule");
        let back: SegmentationConfig = serde_json::from_value(old).unwrap();
        assert_eq!(back.lr_schedule, LrSchedule::Constant);
    }

    #[test]
    fn lstm_flags_resolve_against_the_task() {
        let c = lstm(&[]).unwrap();
        assert_eq!(c, LstmConfig::default());
        assert_eq!(default_run_config(ModelConfig::Lstm(c)).train.epochs, 15);
        let c = lstm(&["--task", "sequence", "--terms", "4", "--cell", "rnn"]).unwrap();
        assert_eq!(c.cell, CellKind::Rnn);
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 40, factor: 0.1 });
        assert_eq!(default_run_config(ModelConfig::Lstm(c.clone())).train.epochs, 60);
        let Task::Sequence { terms, progression, .. } = c.task else { panic!("{c:?}") };
        assert_eq!((terms, progression), (4, Progression::Mix));
        // A base sequence config keeps its settings when --task sequence is given again.
        let TrainModel::Lstm(a) = model_args("lstm", &["--task", "sequence"]) else { panic!() };
        assert_eq!(lstm_config(Some(c.clone()), &a).unwrap().task, c.task);
        let c = lstm(&["--task", "complete", "--hidden", "256", "--lr", "0.002"]).unwrap();
        assert_eq!((c.task, c.hidden, c.learning_rate), (Task::Complete, 256, 0.002));
        let c = lstm(&["--lr-decay-every", "15"]).unwrap();
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 15, factor: 0.1 });
        let mut bad = default_run_config(ModelConfig::Lstm(LstmConfig { hidden: 0, ..LstmConfig::default() }));
        assert!(bad.validate().unwrap_err().contains("hidden"));
        bad.model = ModelConfig::Lstm(LstmConfig::default());
        let text = serde_json::to_string(&bad).unwrap();
        assert!(text.contains("\"name\":\"lstm\""), "{text}");
        let back: RunConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back.model.name(), "lstm");
    }

    /// Flags that the resolved configuration has no use for are refused, naming the flag.
    #[test]
    fn flags_the_resolved_config_does_not_use_are_refused() {
        let refused = |model: &str, args: &[&str], flag: &str| {
            let parsed = model_args(model, args);
            let err = match &parsed {
                TrainModel::Autoencoder(a) => autoencoder_config(None, a).map(drop),
                TrainModel::Vae(a) => vae_config(None, a).map(drop),
                TrainModel::Classifier(a) => classifier_config(None, a).map(drop),
                TrainModel::Lstm(a) => lstm_config(None, a).map(drop),
                TrainModel::Dqn(a) => dqn_config(None, a).map(drop),
                TrainModel::Dcgan(a) => dcgan_config(None, a).map(drop),
                TrainModel::Pix2pix(a) => pix2pix_config(None, a).map(drop),
                TrainModel::Cyclegan(a) => cyclegan_config(None, a).map(drop),
                TrainModel::Segmentation(a) => segmentation_config(None, a).map(drop),
                TrainModel::Facenet(a) => facenet_config(None, a).map(drop),
                TrainModel::EmojiEvaluator(a) => emoji_evaluator_config(a).validate(),
            }
            .expect_err(&format!("{model} {args:?} should be refused"));
            assert!(err.starts_with(flag), "{model} {args:?}: {err}");
        };
        refused("autoencoder", &["--noise-sigma", "0.3"], "--noise-sigma");
        refused("autoencoder", &["--variant", "denoising", "--sparsity", "0.1"], "--sparsity");
        refused("vae", &["--gaussian-sigma", "0.2"], "--gaussian-sigma");
        refused("lstm", &["--task", "rows", "--terms", "4"], "--terms");
        refused("lstm", &["--progression", "mix"], "--progression");
        refused("lstm", &["--task", "sequence", "--data-dir", "d"], "--data-dir");
        refused("dcgan", &["--score-every", "0", "--score-images", "10"], "--score-images");
        refused("classifier", &["--lr-decay-factor", "0.5"], "--lr-decay-factor");
        refused("pix2pix", &["--edge-threshold", "0.3"], "--edge-threshold");
        refused("cyclegan", &["--cycle-weight", "0", "--identity-ratio", "0.5"], "--identity-ratio");
        refused("segmentation", &["--task", "folder", "--train-scenes", "5"], "--train-scenes");
        refused("facenet", &["--batch-size", "64"], "--batch-size");
        let TrainModel::Autoencoder(a) = model_args("autoencoder", &["--variant", "denoising", "--noise-sigma", "0.5"])
        else {
            panic!()
        };
        assert_eq!(autoencoder_config(None, &a).unwrap().variant, Variant::Denoising { noise_sigma: 0.5 });
    }
}
