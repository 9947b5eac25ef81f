//! The classifier's hyper-parameters (the `model` part of a run's `config.json`).

use std::path::PathBuf;

use atelier_derive::Params;
use atelier_train::{LrSchedule, TrainConfig};
use serde::{Deserialize, Serialize};

/// The factor of a step-decay schedule unless `--lr-decay-factor` says otherwise.
pub const DEFAULT_LR_DECAY_FACTOR: f64 = atelier_train::schedule::DEFAULT_DECAY_FACTOR;

/// Which network of the lecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// Softmax regression: Linear(784→10).
    Perceptron,
    /// Linear(784→256)–ReLU–Linear(256→10).
    Mlp,
    /// The reference CNN (two 3×3 convolutions, two max-pools, two dense layers).
    Cnn,
    /// VGG-style: [Conv3–BN–ReLU]×2–MaxPool–Dropout, twice, then dense layers with dropout.
    Vgg,
}

/// Which parameters a run trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trainable {
    /// Every layer (training from scratch, or fine-tuning).
    All,
    /// Transfer learning: the convolution layers stay as loaded; only the dense part learns.
    HeadOnly,
}

/// Training-time data augmentation (applied by the data crate on the host).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Augmentation {
    None,
    /// Horizontal flips (p = ½), rotations in ±10°, zoom in [0.9, 1.1], shifts of ±2 pixels.
    Standard,
}

impl Architecture {
    /// Every network, in the order `--help` lists them.
    pub const ALL: [Architecture; 4] =
        [Architecture::Perceptron, Architecture::Mlp, Architecture::Cnn, Architecture::Vgg];

    /// The name on the command line (`--architecture`).
    pub fn name(&self) -> &'static str {
        match self {
            Architecture::Perceptron => "perceptron",
            Architecture::Mlp => "mlp",
            Architecture::Cnn => "cnn",
            Architecture::Vgg => "vgg",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Architecture::Perceptron => "softmax regression on the pixels",
            Architecture::Mlp => "one hidden layer of 256 ReLU units",
            Architecture::Cnn => "the reference CNN (the PyTorch speed reference)",
            Architecture::Vgg => "VGG-style stacks of 3×3 convolutions with batch norm and dropout",
        }
    }
}

impl Trainable {
    /// Every choice, in the order `--help` lists them.
    pub const ALL: [Trainable; 2] = [Trainable::All, Trainable::HeadOnly];

    /// The name on the command line (`--trainable`).
    pub fn name(&self) -> &'static str {
        match self {
            Trainable::All => "all",
            Trainable::HeadOnly => "head-only",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Trainable::All => "every layer",
            Trainable::HeadOnly => {
                "transfer learning: the convolutions of --pretrained stay frozen, a new dense part learns"
            }
        }
    }
}

impl Augmentation {
    /// Every choice, in the order `--help` lists them.
    pub const ALL: [Augmentation; 2] = [Augmentation::None, Augmentation::Standard];

    /// The name on the command line (`--augment`).
    pub fn name(&self) -> &'static str {
        match self {
            Augmentation::None => "none",
            Augmentation::Standard => "standard",
        }
    }

    /// One line of `--help`.
    pub fn about(&self) -> &'static str {
        match self {
            Augmentation::None => "the images as they are",
            Augmentation::Standard => "horizontal flips, ±10° rotations, 0.9–1.1 zoom, ±2 px shifts",
        }
    }
}

atelier_core::choice_value!(Architecture);
atelier_core::choice_value!(Trainable);
atelier_core::choice_value!(Augmentation);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Network (each starts from the settings its README result was measured with).
    #[param(selects, set = Self::select_architecture)]
    pub architecture: Architecture,
    /// Number of classes (10 for Fashion-MNIST and MNIST).
    pub classes: usize,
    /// Layers to train.
    #[param]
    pub trainable: Trainable,
    /// Data augmentation.
    #[param(flag = "augment")]
    pub augmentation: Augmentation,
    /// Start from this trained classifier run (its convolution layers; the dense part is new).
    #[param(flag = "pretrained", value_name = "RUN_DIR")]
    pub pretrained_run: Option<PathBuf>,
    /// Adam's learning rate.
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// Its schedule over epochs (absent in a config file: constant).
    #[serde(default)]
    #[param(flatten)]
    pub lr_schedule: LrSchedule,
}

impl Default for ClassifierConfig {
    /// The PyTorch reference: the CNN, every layer trained, Adam 1e-3.
    fn default() -> Self {
        Self {
            architecture: Architecture::Cnn,
            classes: 10,
            trainable: Trainable::All,
            augmentation: Augmentation::None,
            pretrained_run: None,
            learning_rate: 1e-3,
            lr_schedule: LrSchedule::Constant,
        }
    }
}

impl ClassifierConfig {
    /// The settings an architecture's README result was measured with: the defaults, and for the
    /// VGG network the learning rate ÷10 after epoch 9 (0.9352 after 12 epochs).
    pub fn for_architecture(architecture: Architecture) -> Self {
        let lr_schedule = match architecture {
            Architecture::Vgg => LrSchedule::StepDecay { every_epochs: 9, factor: DEFAULT_LR_DECAY_FACTOR },
            Architecture::Perceptron | Architecture::Mlp | Architecture::Cnn => LrSchedule::Constant,
        };
        Self { architecture, lr_schedule, ..Self::default() }
    }

    /// `--architecture`: another network than this configuration's takes that network's schedule
    /// (the VGG's decay), keeping the other settings.
    pub fn select_architecture(&mut self, architecture: Architecture) -> Result<(), String> {
        if architecture != self.architecture {
            *self =
                Self { architecture, lr_schedule: Self::for_architecture(architecture).lr_schedule, ..self.clone() };
        }
        Ok(())
    }

    /// The loop settings the README's results were measured with: 10 epochs of 128 images, 12 for
    /// the VGG network.
    pub fn training(&self) -> TrainConfig {
        let epochs = match self.architecture {
            Architecture::Vgg => 12,
            Architecture::Perceptron | Architecture::Mlp | Architecture::Cnn => 10,
        };
        TrainConfig { epochs, ..TrainConfig::default() }
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.classes < 2 {
            return Err(format!("classes must be at least 2 (got {})", self.classes));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        self.lr_schedule.validate(atelier_train::ClockUnit::Epochs)?;
        if self.trainable == Trainable::HeadOnly
            && matches!(self.architecture, Architecture::Perceptron | Architecture::Mlp)
        {
            return Err("trainable = head_only needs convolution layers to freeze (cnn or vgg)".into());
        }
        if self.trainable == Trainable::HeadOnly && self.pretrained_run.is_none() {
            return Err("trainable = head_only needs a pretrained run (--pretrained RUN_DIR) to freeze".into());
        }
        Ok(())
    }
}
