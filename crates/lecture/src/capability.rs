//! What a trained run of one lecture offers the shared commands and other lectures, through the
//! registry: a lecture never imports another, it asks the registry for "a run that translates" or
//! "a run whose test translations bound mine" and the lecture that trained that run answers.

use atelier_data::colour::ColourImage;
use burn::prelude::*;

/// Another run an evaluation can draw beside its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Companion {
    /// A paired translator's outputs on its own test pairs: the upper bound of unpaired translation.
    PairedTranslations,
    /// A deterministic autoencoder's straight path between two codes, beside a variational one's.
    LatentPaths,
}

/// A command every lecture's runs may answer, the lecture doing the model's part and the runner
/// the files: `translate` (a folder of images through a generator), `sample` (images drawn from a
/// generative model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedVerb {
    Translate,
    Sample,
}

/// The flag under which a lecture offers its runs as a [`Companion`] (`--<id> RUN`).
#[derive(Debug, Clone, Copy)]
pub struct CompanionFlag {
    pub kind: Companion,
    /// The flag without dashes.
    pub flag: &'static str,
    pub help: &'static str,
}

/// The size `translate` writes its images at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputSize {
    /// Each input image's own size: the output scaled back up.
    Input,
    /// The model's size, as the generator drew it.
    Model,
}

atelier_core::named_choices!(OutputSize,
    OutputSize::Input => "input", "each input image's own size: the output scaled back up (colorize keeps the input's own lightness at full resolution and scales only the predicted colour, a and b)";
    OutputSize::Model => "model", "the model's size (64×64 for emoji), as the generator drew it";
);

/// A planar picture `[channels, height, width]` in `[0, 1]`, 1 (grey) or 3 (RGB) channels.
#[derive(Debug, Clone, PartialEq)]
pub struct Planar {
    pub channels: usize,
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<f32>,
}

/// A trained image-to-image generator, ready for a user's pictures (`translate`).
pub trait Translate {
    /// What translates, for the log: the run, its task and checkpoint step.
    fn describe(&self) -> String;

    /// One image as read (any size; transparency already on white) through the generator, at the
    /// model's size or back at the image's own.
    fn translate(&self, image: &ColourImage, size: OutputSize) -> Result<Planar, String>;
}

/// A trained generative model that draws 28×28 grey images (`sample`).
pub trait Sample {
    /// The checkpoint step it samples from.
    fn step(&self) -> u64;

    /// `count` images `[count, 28, 28]` in `[0, 1]`, rounded to 8 bits as their PNGs hold them,
    /// drawn from noise seeded by `seed`.
    fn sample(&self, count: usize, seed: u64) -> Result<Vec<f32>, String>;
}

/// A run's translations of its own test pairs ([`Companion::PairedTranslations`]).
pub struct PairedTranslations {
    /// The row's label in a table (`<id>, paired (RUN, step 1200)`).
    pub label: String,
    /// What was translated into what (`atelier_data::translation::TWITTER_TO_GOOGLE`, …): another
    /// lecture compares only the same translation; None for a translation no other lecture makes.
    pub translation: Option<&'static str>,
    /// The run's task, as typed (`--task`), for messages.
    pub task: &'static str,
    /// The run's image side.
    pub size: usize,
    /// The test pairs' names, in the order of `outputs`.
    pub names: Vec<String>,
    /// `[n, channels, size, size]` in `[0, 1]`.
    pub outputs: Vec<f32>,
}

/// A deterministic code space to walk between two images ([`Companion::LatentPaths`]).
pub trait LatentPaths {
    /// The row's label in a figure.
    fn label(&self) -> String;

    /// The decoded straight path from `a`'s code to `b`'s (`[1, 1, 28, 28]` each) in `steps`
    /// images: `[steps, 1, 28, 28]`.
    fn path(&self, a: Tensor<4>, b: Tensor<4>, steps: usize) -> Tensor<4>;
}

/// A frozen image classifier: the Fashion evaluator, as the lecture that trains it rebuilds it.
pub trait FrozenNet {
    /// Penultimate features `[n, h]` and class logits `[n, classes]` of images `[n, 1, 28, 28]`.
    fn features_and_logits(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<2>);

    /// Each convolution layer's output (after its ReLU) of grey images `[n, 1, h, w]` of any
    /// size; none for a classifier without convolutions.
    fn feature_maps(&self, images: Tensor<4>) -> Vec<Tensor<4>>;

    /// The number of classes.
    fn classes(&self) -> usize;

    /// One line on the network (`cnn`, `vgg`), for the logs.
    fn describe(&self) -> String;
}
