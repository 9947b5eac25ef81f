//! The classifier's training (from scratch or by transfer learning) and evaluation (accuracy,
//! confusion matrix, misclassified examples), and the evaluator export.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use atelier_core::grid::{ImageBatch, LabeledRows, Row};
use atelier_core::heatmap::ConfusionMatrixPlot;
use atelier_core::picture::Picture;
use atelier_data::Dataset;
use atelier_data::augment::AugmentConfig;
use atelier_evaluation::fashion::{EvaluatorCard, install};
use atelier_lecture::OpenRun;
use atelier_lecture::open_run::read;
use atelier_lecture::ordered::Ordered;
use atelier_train::{DeviceReadError, ImageSource, Outcome, Session, TrainError, fit, to_host_f32};
use burn::prelude::*;

use crate::metrics::{ConfusionMatrix, argmax_rows};
use crate::step::load_model;
use crate::{Augmentation, Classifier, ClassifierConfig, ClassifierExperiment};

/// Images per evaluation batch.
const EVAL_BATCH: usize = 1000;
/// Misclassified examples shown per true class.
const MISCLASSIFIED_PER_CLASS: usize = 8;
/// Pixel scale of the misclassified grid (28×28 images become 84×84, wide enough for a caption).
const MISCLASSIFIED_SCALE: usize = 3;

/// The augmentation settings behind [`Augmentation::Standard`].
pub fn augment_config(augmentation: Augmentation) -> AugmentConfig {
    match augmentation {
        Augmentation::None => AugmentConfig::default(),
        Augmentation::Standard => AugmentConfig {
            flip_prob: 0.5,
            max_rotation_deg: 10.0,
            scale_range: (0.9, 1.1),
            max_translate: 2,
            noise_sigma: 0.0,
        },
    }
}

/// Checks `--pretrained` before anything is written: the run exists, is a classifier run of the same
/// architecture and has a checkpoint. Returns its latest checkpoint's blobs (None without `--pretrained`).
pub fn pretrained_blobs(config: &ClassifierConfig) -> Result<Option<BTreeMap<String, Vec<u8>>>, String> {
    let Some(dir) = &config.pretrained_run else { return Ok(None) };
    let (run, _, source): (_, _, ClassifierConfig) = read(dir, super::ID)?;
    if source.architecture != config.architecture {
        return Err(format!(
            "--pretrained {} is a {:?} run; this run is {:?}",
            dir.display(),
            source.architecture,
            config.architecture
        ));
    }
    let (_, blobs) = atelier_lecture::open_run::latest_checkpoint(&run)?;
    Ok(Some(blobs))
}

/// Trains from scratch, or from the convolutions of `pretrained`'s blobs.
pub fn train(
    config: &ClassifierConfig,
    session: &Session,
    data: Dataset,
    pretrained: Option<BTreeMap<String, Vec<u8>>>,
) -> Result<Outcome, TrainError> {
    let device = &session.device;
    session.seed_device_for_init();
    let experiment = match pretrained {
        None => ClassifierExperiment::new(config.clone(), device),
        Some(blobs) => {
            ClassifierExperiment::from_pretrained(config.clone(), &blobs, device).map_err(TrainError::Config)?
        }
    };
    let train = ImageSource::new(Arc::new(data.train), session.config.train_limit)
        .with_augment(augment_config(config.augmentation));
    let valid = ImageSource::new(Arc::new(data.test), None);
    fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
}

/// Logits of every image of `source`, row-major `[n, classes]`, in batches.
fn all_logits(model: &Classifier, source: &ImageSource, device: &Device) -> Result<Vec<f32>, DeviceReadError> {
    let n = atelier_train::BatchSource::len(source);
    let mut out = Vec::new();
    for start in (0..n).step_by(EVAL_BATCH) {
        let indices: Vec<usize> = (start..(start + EVAL_BATCH).min(n)).collect();
        let logits = model.forward(source.plain_batch(&indices, device).images);
        out.extend(to_host_f32(logits, "the classifier's test logits")?);
    }
    Ok(out)
}

/// Test accuracy, per-class accuracy, the confusion matrix and misclassified examples.
pub fn eval(
    run: &OpenRun<ClassifierConfig>,
    data: Dataset,
    export_evaluator: bool,
) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    let (step, blobs) = run.latest_checkpoint()?;
    let model = load_model(config, &blobs, device)?;
    let class_names = data.class_names.clone();
    let test = ImageSource::new(Arc::new(data.test), None);
    let truth: Vec<usize> = test.split().labels.iter().map(|&l| usize::from(l)).collect();
    eprintln!("evaluating checkpoint at step {step} on {} test images", truth.len());
    let predictions = argmax_rows(&all_logits(&model, &test, device).map_err(|e| e.to_string())?, config.classes);
    let matrix = ConfusionMatrix::new(&truth, &predictions, config.classes)?;
    let accuracy = matrix.accuracy();

    let path = run.dir.samples_dir().join("eval-confusion-matrix.png");
    let title = format!("Confusion matrix: test accuracy {:.2}% ({} images)", 100.0 * accuracy, matrix.total());
    let picture = ConfusionMatrixPlot { title, counts: matrix.counts.clone(), class_names: class_names.clone() };
    picture.save_png(&path).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", path.display());
    let path = run.dir.samples_dir().join("eval-misclassified.png");
    if write_misclassified(&path, &test, &truth, &predictions, &class_names, config.classes, device)? {
        eprintln!("wrote {}", path.display());
    }

    let mut entries = vec![("test_accuracy".to_string(), accuracy)];
    for (class, acc) in matrix.per_class_accuracy().iter().enumerate() {
        let name = class_names.get(class).cloned().unwrap_or_else(|| class.to_string());
        entries.push((format!("accuracy_{}", name.to_lowercase().replace(['/', ' ', '-'], "_")), *acc));
    }
    entries.push(("test_images".to_string(), matrix.total() as f64));
    entries.push(("checkpoint_step".to_string(), step as f64));

    if export_evaluator {
        let weights = blobs.get("model").ok_or("the checkpoint has no 'model'")?;
        let card = EvaluatorCard {
            config: Ordered::of(&ClassifierConfig { pretrained_run: None, ..config.clone() })?,
            test_accuracy: accuracy,
            source_run: run.dir.path().to_path_buf(),
            checkpoint_step: step,
            command: std::env::args().collect::<Vec<_>>().join(" "),
        };
        let dir = install(weights, &card)?;
        eprintln!("installed the evaluator in {}", dir.display());
    }
    Ok(entries)
}

/// Up to [`MISCLASSIFIED_PER_CLASS`] wrongly classified test images per true class, one row per
/// class, each image captioned with what the classifier took it for. Returns whether there were
/// any to draw.
fn write_misclassified(
    path: &Path,
    test: &ImageSource,
    truth: &[usize],
    predictions: &[usize],
    class_names: &[String],
    classes: usize,
    device: &Device,
) -> Result<bool, String> {
    let name = |class: usize| class_names.get(class).cloned().unwrap_or_else(|| class.to_string());
    let mut host_rows = Vec::new();
    for class in 0..classes {
        let wrong: Vec<usize> = (0..truth.len())
            .filter(|&i| truth[i] == class && predictions[i] != class)
            .take(MISCLASSIFIED_PER_CLASS)
            .collect();
        if wrong.is_empty() {
            continue;
        }
        let images = test.plain_batch(&wrong, device).images;
        let [n, c, h, w] = images.dims();
        let pixels = to_host_f32(images, "the misclassified test images").map_err(|e| e.to_string())?; // [n, c, h, w]
        let captions = wrong.iter().map(|&i| name(predictions[i])).collect();
        host_rows.push((format!("true: {}", name(class)), pixels, [n, c, h, w], captions));
    }
    if host_rows.is_empty() {
        return Ok(false);
    }
    let rows = host_rows
        .iter()
        .map(|(label, pixels, [n, c, h, w], captions)| Row {
            label: label.clone(),
            images: ImageBatch::new(pixels, *n, *c, *h, *w),
            captions: Vec::clone(captions),
        })
        .collect();
    let title = "Misclassified test images: true class on the left, the predicted class under each image";
    let picture = LabeledRows { title: title.into(), rows, marks: Vec::new(), scale: MISCLASSIFIED_SCALE };
    picture.save_png(path).map_err(|e| e.to_string())?;
    Ok(true)
}
