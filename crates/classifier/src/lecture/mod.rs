//! The classifier lecture's wiring: Fashion-MNIST through the shared loop (from scratch or from a
//! pretrained run's convolutions), its evaluation and the Fashion evaluator's export, the frozen
//! network it rebuilds for the evaluator, its demo plan, bench and course entry. (The model
//! modules beside this one do no file IO.)

mod course;
mod eval;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_data::{DataSource, Dataset};
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Context, DemoPlan, Found, FrozenNet, Lecture, OpenRun, Preset, fashion,
    time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{ImageSource, Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::step::load_model;
use crate::{Architecture, Classifier, ClassifierConfig, ClassifierExperiment};

/// The lecture, as the registry lists it.
pub const LECTURE: ClassifierLecture = ClassifierLecture;
const ID: &str = <ClassifierLecture as Lecture>::ID;

pub struct ClassifierLecture;

/// The flags of `eval classifier`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Also install this run as the evaluator (assets/evaluator/) used by `eval images`.
    #[param]
    pub export_evaluator: bool,
}

impl Lecture for ClassifierLecture {
    type Config = ClassifierConfig;
    type Source = DataSource;
    /// The dataset, and the pretrained run's blobs of a transfer-learning run.
    type Data = (Dataset, Option<BTreeMap<String, Vec<u8>>>);
    type EvalArgs = EvalArgs;

    const ID: &'static str = "classifier";

    fn about(&self) -> About {
        About {
            train: "A classifier of the CNN lecture (perceptron, MLP, reference CNN, VGG-style); transfer learning.",
            eval: "Test accuracy, per-class accuracy, confusion matrix, misclassified images.",
            data: None,
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<ClassifierConfig>> {
        let default = ClassifierConfig::default().architecture;
        let others = Architecture::ALL.into_iter().filter(|a| *a != default);
        std::iter::once(Preset::default(ClassifierConfig::for_architecture(default)))
            .chain(others.map(|a| {
                let preset = Preset::selected_by("architecture", a.name(), ClassifierConfig::for_architecture(a));
                match a {
                    Architecture::Vgg => preset.costing("≈ 70 min on 2 CPU cores with the full data"),
                    _ => preset,
                }
            }))
            .collect()
    }

    fn training(&self, config: &ClassifierConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &ClassifierConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, _config: &ClassifierConfig, data_dir: Option<&Path>) -> Result<Found<DataSource>, String> {
        fashion::locate(data_dir)
    }

    /// The dataset, and a transfer-learning run's pretrained run, checked before a run directory
    /// is created.
    fn load(
        &self,
        source: DataSource,
        config: &mut ClassifierConfig,
        _train: &TrainConfig,
    ) -> Result<Self::Data, String> {
        let pretrained = eval::pretrained_blobs(config)?;
        Ok((fashion::load(source)?, pretrained))
    }

    fn train(
        &self,
        config: &ClassifierConfig,
        session: &Session,
        (data, pretrained): Self::Data,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        eval::train(config, session, data, pretrained)
    }

    fn eval(
        &self,
        run: &OpenRun<ClassifierConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        _ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        eval::eval(run, fashion::load_dir(data_dir)?, args.export_evaluator)
    }

    fn frozen_net(
        &self,
        config: &ClassifierConfig,
        weights: Vec<u8>,
        device: &Device,
    ) -> Option<Result<Box<dyn FrozenNet>, String>> {
        let blobs = BTreeMap::from([("model".to_string(), weights)]);
        // Frozen: no parameter gradients, and batch norm and dropout in inference mode even on an
        // autodiff device (a style loss optimises pixels through it).
        let model = load_model(config, &blobs, device).map(|model| model.freeze());
        Some(model.map(|model| Box::new(Frozen { model, config: config.clone() }) as Box<dyn FrozenNet>))
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "the reference CNN on 30,000 images, then test accuracy and the confusion matrix",
            budget: Budget::Images(30_000),
            train_flags: &["--architecture", "cnn"],
            eval_flags: &[],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        Some(BenchPlan::images("The reference CNN step.", |_, request: &BenchRequest, device: &Device| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let data = atelier_data::load(None).map_err(|e| e.to_string())?;
            let source = ImageSource::new(Arc::new(data.train), None);
            let experiment = ClassifierExperiment::new(ClassifierConfig::default(), &device);
            Ok(vec![time_steps(experiment, &device, &source, request)?.row("classifier (cnn)", request.batch_size)])
        }))
    }
}

/// A trained classifier as the frozen evaluator: its penultimate features and its logits.
struct Frozen {
    model: Classifier,
    config: ClassifierConfig,
}

impl FrozenNet for Frozen {
    fn features_and_logits(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<2>) {
        let phi = self.model.features(images); // [n, h]
        let logits = self.model.dense.logits(phi.clone()); // [n, classes]
        (phi, logits)
    }

    fn feature_maps(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        self.model.convs.as_ref().map_or_else(Vec::new, |convs| convs.feature_maps(images))
    }

    fn classes(&self) -> usize {
        self.config.classes
    }

    fn describe(&self) -> String {
        format!("{:?}", self.config.architecture)
    }
}
