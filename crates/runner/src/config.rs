//! A run's `config.json`: the full resolved configuration, and how flags resolve against it.
//!
//! Precedence: built-in defaults < `--config FILE` (or the resumed run's config) < flags typed.

use std::fs;
use std::path::{Path, PathBuf};

use atelier_autoencoder::{AutoencoderConfig, Variant};
use atelier_backend::Backend;
use atelier_classifier::{Architecture, Augmentation, ClassifierConfig, Trainable};
use atelier_cli::{
    ArchitectureArg, AugmentArg, AutoencoderTrainArgs, AutoencoderVariantArg, ClassifierTrainArgs, CommonTrainArgs,
    DcganTrainArgs, DqnLossArg, DqnTargetArg, DqnTrainArgs, GeneratorLossArg, LikelihoodArg, LstmCellArg, LstmTaskArg,
    LstmTrainArgs, ProgressionArg, TrainableArg, VaeTrainArgs,
};
use atelier_dcgan::{DcganConfig, GeneratorLoss, LabelSmoothing};
use atelier_dqn::{DqnConfig, TargetKind, TdLoss};
use atelier_lstm::{CellKind, LrSchedule, LstmConfig, Progression, Task};
use atelier_train::TrainConfig;
use atelier_vae::{Likelihood, VaeConfig};
use serde::{Deserialize, Serialize};

/// Default σ of the denoising variant (the lecture's and the σ = 0.3).
pub const DEFAULT_NOISE_SIGMA: f64 = 0.3;
/// Default λ of the sparse variant.
pub const DEFAULT_SPARSITY: f64 = 1e-3;
/// Default pixel std of the VAE's Gaussian likelihood.
pub const DEFAULT_GAUSSIAN_SIGMA: f64 = 0.1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// `flex`, `ndarray`, `wgpu` or `cuda`.
    pub backend: String,
    /// The data folder given with `--data-dir` (None: the usual search order).
    pub data_dir: Option<PathBuf>,
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

    /// Applies the common flags the user typed.
    pub fn apply_common(&mut self, flags: &CommonTrainArgs) {
        if let Some(b) = flags.backend {
            self.backend = b.name().to_string();
        }
        if let Some(d) = &flags.data_dir {
            self.data_dir = Some(d.clone());
        }
        let t = &mut self.train;
        set(&mut t.seed, flags.seed);
        set(&mut t.epochs, flags.epochs);
        set(&mut t.batch_size, flags.batch_size);
        set(&mut t.log_every, flags.log_every);
        set(&mut t.checkpoint_every, flags.checkpoint_every);
        if flags.max_steps.is_some() {
            t.max_steps = flags.max_steps;
        }
        if flags.train_limit.is_some() {
            t.train_limit = flags.train_limit;
        }
        if flags.valid_limit.is_some() {
            t.valid_limit = flags.valid_limit;
        }
    }
}

fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *target = v;
    }
}

/// The autoencoder's part of the config, with the typed flags applied to `base`.
pub fn autoencoder_config(base: Option<AutoencoderConfig>, args: &AutoencoderTrainArgs) -> AutoencoderConfig {
    let mut config = base.unwrap_or_default();
    set(&mut config.latent, args.latent);
    set(&mut config.learning_rate, args.common.lr);
    let variant = match args.variant {
        Some(AutoencoderVariantArg::Plain) => Some(Variant::Plain),
        Some(AutoencoderVariantArg::Denoising) => {
            Some(Variant::Denoising { noise_sigma: args.noise_sigma.unwrap_or(DEFAULT_NOISE_SIGMA) })
        }
        Some(AutoencoderVariantArg::Sparse) => {
            Some(Variant::Sparse { lambda: args.sparsity.unwrap_or(DEFAULT_SPARSITY) })
        }
        None => None,
    };
    set(&mut config.variant, variant);
    // σ or λ typed without --variant adjust the configured variant.
    match &mut config.variant {
        Variant::Denoising { noise_sigma } => set(noise_sigma, args.noise_sigma),
        Variant::Sparse { lambda } => set(lambda, args.sparsity),
        Variant::Plain => {}
    }
    config
}

/// The VAE's part of the config, with the typed flags applied to `base`.
pub fn vae_config(base: Option<VaeConfig>, args: &VaeTrainArgs) -> VaeConfig {
    let mut config = base.unwrap_or_default();
    set(&mut config.latent, args.latent);
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.beta, args.beta);
    set(&mut config.kl_warmup_steps, args.kl_warmup);
    match args.likelihood {
        Some(LikelihoodArg::Bernoulli) => config.likelihood = Likelihood::Bernoulli,
        Some(LikelihoodArg::Gaussian) => {
            config.likelihood = Likelihood::Gaussian { sigma: args.gaussian_sigma.unwrap_or(DEFAULT_GAUSSIAN_SIGMA) }
        }
        None => {}
    }
    if let Likelihood::Gaussian { sigma } = &mut config.likelihood {
        set(sigma, args.gaussian_sigma);
    }
    config
}

/// The classifier's part of the config, with the typed flags applied to `base`.
pub fn classifier_config(base: Option<ClassifierConfig>, args: &ClassifierTrainArgs) -> ClassifierConfig {
    let mut config = base.unwrap_or_default();
    set(&mut config.learning_rate, args.common.lr);
    if let Some(a) = args.architecture {
        config.architecture = match a {
            ArchitectureArg::Perceptron => Architecture::Perceptron,
            ArchitectureArg::Mlp => Architecture::Mlp,
            ArchitectureArg::Cnn => Architecture::Cnn,
            ArchitectureArg::Vgg => Architecture::Vgg,
        };
    }
    if let Some(t) = args.trainable {
        config.trainable = match t {
            TrainableArg::All => Trainable::All,
            TrainableArg::HeadOnly => Trainable::HeadOnly,
        };
    }
    if let Some(a) = args.augment {
        config.augmentation = match a {
            AugmentArg::None => Augmentation::None,
            AugmentArg::Standard => Augmentation::Standard,
        };
    }
    if args.pretrained.is_some() {
        config.pretrained_run = args.pretrained.clone();
    }
    if let Some(every_epochs) = args.lr_decay_every {
        let factor = args.lr_decay_factor.unwrap_or(DEFAULT_LR_DECAY_FACTOR);
        config.lr_schedule = LrSchedule::StepDecay { every_epochs, factor };
    }
    config
}

/// Default factor of `--lr-decay-every`.
pub const DEFAULT_LR_DECAY_FACTOR: f64 = 0.1;

/// The LSTM's part of the config, with the typed flags applied to `base`.
///
/// A `--task` different from the base's starts from that task's defaults; sequence-only flags
/// with another task are refused (they would be silently ignored otherwise).
pub fn lstm_config(base: Option<LstmConfig>, args: &LstmTrainArgs) -> Result<LstmConfig, String> {
    let mut config = base.unwrap_or_default();
    let task = match args.task {
        Some(LstmTaskArg::Rows) => Some(Task::Rows),
        Some(LstmTaskArg::Complete) => Some(Task::Complete),
        Some(LstmTaskArg::Sequence) if matches!(config.task, Task::Sequence { .. }) => Some(config.task),
        Some(LstmTaskArg::Sequence) => Some(Task::default_sequence()),
        None => None,
    };
    set(&mut config.task, task);
    set(
        &mut config.cell,
        args.cell.map(|c| match c {
            LstmCellArg::Ours => CellKind::Ours,
            LstmCellArg::Burn => CellKind::Burn,
            LstmCellArg::Rnn => CellKind::Rnn,
        }),
    );
    set(&mut config.hidden, args.hidden);
    set(&mut config.learning_rate, args.common.lr);
    if let Some(every_epochs) = args.lr_decay_every {
        let factor = args.lr_decay_factor.unwrap_or(DEFAULT_LR_DECAY_FACTOR);
        config.lr_schedule = LrSchedule::StepDecay { every_epochs, factor };
    }
    let progression_flag = args.progression.map(|p| match p {
        ProgressionArg::Arithmetic => Progression::Arithmetic,
        ProgressionArg::Geometric => Progression::Geometric,
        ProgressionArg::Mix => Progression::Mix,
    });
    match &mut config.task {
        Task::Sequence { progression, terms, train_sequences, test_sequences } => {
            set(progression, progression_flag);
            set(terms, args.terms);
            set(train_sequences, args.train_sequences);
            set(test_sequences, args.test_sequences);
        }
        other => {
            let sequence_flags = [
                ("--progression", progression_flag.is_some()),
                ("--terms", args.terms.is_some()),
                ("--train-sequences", args.train_sequences.is_some()),
                ("--test-sequences", args.test_sequences.is_some()),
            ];
            if let Some((flag, _)) = sequence_flags.iter().find(|(_, given)| *given) {
                return Err(format!("{flag} applies to --task sequence only (this run's task is {})", other.name()));
            }
        }
    }
    Ok(config)
}

/// The DQN agent's part of the config, with the typed flags applied to `base`. Refuses the common
/// flags that have no meaning for an agent that gathers its own data.
pub fn dqn_config(base: Option<DqnConfig>, args: &DqnTrainArgs) -> Result<DqnConfig, String> {
    let c = &args.common;
    let not_for_rl = [
        ("--epochs", c.epochs.is_some(), "training length is counted in environment steps: use --total-steps"),
        ("--data-dir", c.data_dir.is_some(), "the agent gathers its own data in CartPole"),
        ("--train-limit", c.train_limit.is_some(), "there is no training set"),
        ("--valid-limit", c.valid_limit.is_some(), "there is no test set: see --eval-episodes"),
    ];
    if let Some((flag, _, why)) = not_for_rl.iter().find(|(_, given, _)| *given) {
        return Err(format!("{flag} does not apply to dqn: {why}"));
    }
    let mut config = base.unwrap_or_default();
    set(&mut config.total_steps, args.total_steps);
    set(&mut config.batch_size, c.batch_size);
    set(&mut config.learning_rate, c.lr);
    set(&mut config.gamma, args.gamma);
    set(&mut config.buffer_capacity, args.buffer_capacity);
    set(&mut config.learning_starts, args.learning_starts);
    set(&mut config.hidden, args.hidden.clone());
    set(&mut config.eval_every, args.eval_every);
    set(&mut config.eval_episodes, args.eval_episodes);
    set(
        &mut config.target,
        args.target.map(|t| match t {
            DqnTargetArg::Dqn => TargetKind::Dqn,
            DqnTargetArg::DoubleDqn => TargetKind::DoubleDqn,
        }),
    );
    set(
        &mut config.loss,
        args.loss.map(|l| match l {
            DqnLossArg::Mse => TdLoss::Mse,
            DqnLossArg::Huber => TdLoss::Huber { delta: 1.0 },
        }),
    );
    Ok(config)
}

/// DCGAN's default length: the 20 epochs over Fashion-MNIST.
pub const DCGAN_EPOCHS: usize = 20;

/// The DCGAN's part of the config, with the typed flags applied to `base`.
pub fn dcgan_config(base: Option<DcganConfig>, args: &DcganTrainArgs) -> DcganConfig {
    let mut config = base.unwrap_or_default();
    set(&mut config.latent, args.latent);
    set(&mut config.learning_rate, args.common.lr);
    set(&mut config.discriminator_steps, args.d_steps);
    set(&mut config.beta_1, args.beta1);
    set(&mut config.score_every, args.score_every);
    set(&mut config.score_images, args.score_images);
    set(
        &mut config.generator_loss,
        args.generator_loss.map(|l| match l {
            GeneratorLossArg::Minimax => GeneratorLoss::Minimax,
            GeneratorLossArg::NonSaturating => GeneratorLoss::NonSaturating,
        }),
    );
    if let Some(real) = args.smooth_real {
        config.label_smoothing = if real == 1.0 { LabelSmoothing::None } else { LabelSmoothing::OneSided { real } };
    }
    config
}

/// The default run config for a model.
pub fn default_run_config(model: ModelConfig) -> RunConfig {
    let train = match &model {
        // Counted in environment steps: read the TD loss every 1,000 steps, checkpoint (networks,
        // optimizer and the replay buffer, ~5 MB) every 10,000. The loop's batch size is the agent's.
        ModelConfig::Dqn(dqn) => TrainConfig {
            batch_size: dqn.batch_size,
            log_every: 1_000,
            checkpoint_every: 10_000,
            ..TrainConfig::default()
        },
        ModelConfig::Dcgan(_) => TrainConfig { epochs: DCGAN_EPOCHS, ..TrainConfig::default() },
        _ => TrainConfig::default(),
    };
    RunConfig { backend: Backend::DEFAULT.name().to_string(), data_dir: None, train, model }
}

#[cfg(test)]
mod tests {
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

    fn lstm_args(args: &[&str]) -> LstmTrainArgs {
        use atelier_cli::{Cli, Command, TrainCommand, TrainModel};
        use clap::Parser;
        let mut argv = vec!["x", "train", "lstm"];
        argv.extend_from_slice(args);
        let Command::Train(train) = Cli::try_parse_from(argv).unwrap().command else { panic!("not train") };
        let TrainCommand { model: Some(TrainModel::Lstm(a)), .. } = *train else { panic!("not lstm") };
        a
    }

    #[test]
    fn classifier_lr_decay_flags_become_a_step_decay_schedule() {
        use atelier_cli::{Cli, Command, TrainCommand, TrainModel};
        use clap::Parser;
        let parse = |extra: &[&str]| {
            let mut argv = vec!["x", "train", "classifier"];
            argv.extend_from_slice(extra);
            let Command::Train(train) = Cli::try_parse_from(argv).unwrap().command else { panic!("not train") };
            let TrainCommand { model: Some(TrainModel::Classifier(a)), .. } = *train else { panic!("not classifier") };
            classifier_config(None, &a)
        };
        assert_eq!(parse(&[]).lr_schedule, LrSchedule::Constant);
        let c = parse(&["--architecture", "vgg", "--lr-decay-every", "9"]);
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 9, factor: 0.1 });
        assert!((c.lr_schedule.rate(c.learning_rate, atelier_train::RunClock::Epoch(9)) - 1e-4).abs() < 1e-12);
        let c = parse(&["--lr-decay-every", "0"]);
        let bad = default_run_config(ModelConfig::Classifier(c));
        assert!(bad.validate().unwrap_err().contains("every_epochs"));
        assert!(Cli::try_parse_from(["x", "train", "classifier", "--lr-decay-factor", "0.5"]).is_err());
    }

    #[test]
    fn lstm_flags_resolve_against_the_task() {
        let c = lstm_config(None, &lstm_args(&[])).unwrap();
        assert_eq!(c, LstmConfig::default());
        let c = lstm_config(None, &lstm_args(&["--task", "sequence", "--terms", "4", "--cell", "rnn"])).unwrap();
        assert_eq!(c.cell, CellKind::Rnn);
        let Task::Sequence { terms, progression, .. } = c.task else { panic!("{c:?}") };
        assert_eq!((terms, progression), (4, Progression::Mix));
        // A base sequence config keeps its settings when --task sequence is given again.
        let again = lstm_config(Some(c.clone()), &lstm_args(&["--task", "sequence"])).unwrap();
        assert_eq!(again.task, c.task);
        let c = lstm_config(None, &lstm_args(&["--task", "complete", "--hidden", "256", "--lr", "0.002"])).unwrap();
        assert_eq!((c.task, c.hidden, c.learning_rate), (Task::Complete, 256, 0.002));
        let c = lstm_config(None, &lstm_args(&["--lr-decay-every", "15"])).unwrap();
        assert_eq!(c.lr_schedule, LrSchedule::StepDecay { every_epochs: 15, factor: 0.1 });
        let err = lstm_config(None, &lstm_args(&["--task", "rows", "--terms", "4"])).unwrap_err();
        assert!(err.contains("--terms applies to --task sequence only"), "{err}");
        let mut bad = default_run_config(ModelConfig::Lstm(LstmConfig { hidden: 0, ..LstmConfig::default() }));
        assert!(bad.validate().unwrap_err().contains("hidden"));
        bad.model = ModelConfig::Lstm(LstmConfig::default());
        let text = serde_json::to_string(&bad).unwrap();
        assert!(text.contains("\"name\":\"lstm\""), "{text}");
        let back: RunConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back.model.name(), "lstm");
    }
}
