//! The sequences lecture's three tasks through the shared loop, and their evaluation.

use std::sync::Arc;

use atelier_core::Rng;
use atelier_data::Dataset;
use atelier_lecture::{Context, OpenRun};
use atelier_train::figures::write_figure;
use atelier_train::host::{DeviceReadError, scalar_to_host};
use atelier_train::seed::{Stream, derive, init_seed};
use atelier_train::{BatchSource, ImageSource, Outcome, Session, TrainError, fit};
use burn::prelude::*;

use crate::eval::{bottom_half_nll_nats, predict, sequence_entries, test_accuracy};
use crate::figures::completion_figure;
use crate::progression::{Family, Pool, SequenceItem, SequenceSource, generate, pool_of};
use crate::step::load_model;
use crate::{ImageTaskExperiment, LstmConfig, RecurrentModel, SequenceExperiment, Task};

/// Images per evaluation batch.
const EVAL_BATCH: usize = 1000;
/// Test images and samples per image in the evaluation's completion grid.
const EVAL_COMPLETION_IMAGES: usize = 10;
const EVAL_COMPLETION_SAMPLES: usize = 4;
/// Test images completed for the evaluator's accuracy (the first ones of the test set).
const EVALUATOR_IMAGES: usize = 2000;

/// Whether the task reads images (all but `sequence`).
pub fn needs_images(config: &LstmConfig) -> bool {
    !matches!(config.task, Task::Sequence { .. })
}

/// The `sequence` task's training and held-out sets, generated from the run's seed.
pub fn sequence_sets(config: &LstmConfig, seed: u64) -> Option<(Vec<SequenceItem>, Vec<SequenceItem>)> {
    let Task::Sequence { progression, terms, train_sequences, test_sequences } = config.task else {
        return None;
    };
    let train = generate(progression, terms, train_sequences, Pool::Train, init_seed(seed, 1));
    let test = generate(progression, terms, test_sequences, Pool::Test, init_seed(seed, 2));
    Some((train, test))
}

/// The lecture's examples with `terms` shown terms: 6, 7, 8 → 9 and 2, 4, 8 → 16 (for 3 terms).
pub fn lecture_examples(terms: usize) -> Vec<SequenceItem> {
    vec![SequenceItem::arithmetic(9 - terms as i64, 1, terms), SequenceItem::geometric(2, 2, terms)]
}

pub fn train(config: &LstmConfig, session: &Session, data: Option<Dataset>) -> Result<Outcome, TrainError> {
    let device = &session.device;
    let seed = session.config.seed;
    session.seed_device_for_init();
    if let Some((train_items, test_items)) = sequence_sets(config, seed) {
        let experiment = SequenceExperiment::new(config.clone(), device).map_err(TrainError::Config)?;
        let mut train_items = train_items;
        if let Some(limit) = session.config.train_limit {
            train_items.truncate(limit);
        }
        let train = SequenceSource::new(train_items);
        let valid = SequenceSource::new(test_items);
        let (experiment, outcome) = fit(experiment, &train, &valid, session)?;
        print_examples(&experiment.model.valid(), config, &device.clone().without_autodiff())?;
        return Ok(outcome);
    }
    let data = data.ok_or_else(|| TrainError::Config(format!("the {} task needs images", config.task.name())))?;
    let experiment = ImageTaskExperiment::new(config.clone(), data.rows(), data.num_classes(), device)
        .map_err(TrainError::Config)?;
    let train = ImageSource::new(Arc::new(data.train), session.config.train_limit);
    let valid = ImageSource::new(Arc::new(data.test), None);
    fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
}

/// Prints the lecture's examples with the model's prediction and the two baselines.
fn print_examples(model: &RecurrentModel, config: &LstmConfig, device: &Device) -> Result<(), DeviceReadError> {
    let Task::Sequence { terms, .. } = config.task else { return Ok(()) };
    let examples = lecture_examples(terms);
    let predictions = predict(model, &examples, device)?;
    for (item, p) in examples.iter().zip(predictions) {
        let shown: Vec<String> = item.terms.iter().map(|t| format!("{t}")).collect();
        let (kind, a, b) = match item.family {
            Family::Arithmetic => ("arithmetic", item.terms[0], item.terms[1] - item.terms[0]),
            Family::Geometric => ("geometric", item.terms[0], item.terms[1] / item.terms[0]),
        };
        let seen = match pool_of(item.family, a as i64, b as i64) {
            Pool::Train => "seen in training",
            Pool::Test => "held out",
        };
        println!(
            "example {} → ? want {}: model {:.3} (rounded {}), last value {}, repeat last difference {}  [{kind}, {seen}]",
            shown.join(", "),
            item.next,
            p,
            p.round(),
            item.last_value(),
            item.repeat_last_difference()
        );
    }
    Ok(())
}

/// Evaluates the run's latest checkpoint; writes figures into `samples/` for `complete`.
pub fn eval(run: &OpenRun<LstmConfig>, data: Option<Dataset>, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
    let (config, seed, device) = (&run.config, run.seed(), &run.device);
    let (step, blobs) = run.latest_checkpoint()?;
    let mut entries = Vec::new();
    if let Some((_, test_items)) = sequence_sets(config, seed) {
        let model = load_model(config, 0, 0, &blobs, device)?;
        eprintln!("evaluating checkpoint at step {} on {} held-out sequences", step, test_items.len());
        let predictions = predict(&model, &test_items, device).map_err(|e| e.to_string())?;
        entries = sequence_entries(&test_items, &predictions);
        print_examples(&model, config, device).map_err(|e| e.to_string())?;
    } else {
        let data = data.ok_or("this task needs images")?;
        let model = load_model(config, data.rows(), data.num_classes(), &blobs, device)?;
        let test = ImageSource::new(Arc::new(data.test), None);
        let n = test.len();
        eprintln!("evaluating checkpoint at step {} on {n} test images", step);
        let batches = (0..n).step_by(EVAL_BATCH).map(|start| {
            let indices: Vec<usize> = (start..(start + EVAL_BATCH).min(n)).collect();
            test.plain_batch(&indices, device)
        });
        match config.task {
            Task::Complete => {
                let nll = bottom_half_nll_nats(&model, batches.map(|b| b.images)).map_err(|e| e.to_string())?;
                entries.push(("bottom_half_nll_nats".to_string(), nll));
                let mut rng = Rng::new(derive(seed, Stream::Figures, 1));
                let images = test.first(EVAL_COMPLETION_IMAGES, device).images;
                let figure = completion_figure(&model, images, EVAL_COMPLETION_SAMPLES, &mut rng);
                let path = write_figure(&run.dir.samples_dir(), "eval-", figure)?;
                eprintln!("wrote {}", path.display());
                entries.extend(evaluator_accuracies(&model, &test, seed, device, ctx)?);
            }
            _ => {
                let accuracy =
                    test_accuracy(&model, batches.map(|b| (b.images, b.labels))).map_err(|e| e.to_string())?;
                entries.push(("test_accuracy".to_string(), accuracy));
            }
        }
        entries.push(("test_images".to_string(), n as f64));
    }
    entries.push(("checkpoint_step".to_string(), step as f64));
    entries.push(("hidden".to_string(), config.hidden as f64));
    Ok(entries)
}

/// The frozen evaluator's accuracy on the binarised test images and on the same images with their
/// bottom half completed by the model (one sample each): how much class identity the completions keep.
fn evaluator_accuracies(
    model: &RecurrentModel,
    test: &ImageSource,
    seed: u64,
    device: &Device,
    ctx: &Context,
) -> Result<Vec<(String, f64)>, String> {
    let (evaluator, card) = match atelier_evaluation::fashion::load(ctx, device) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("(the evaluator's accuracy on completed images is skipped: {e})");
            return Ok(Vec::new());
        }
    };
    let count = EVALUATOR_IMAGES.min(test.len());
    let mut rng = Rng::new(derive(seed, Stream::Figures, 2));
    let (mut on_originals, mut on_completed) = (0.0f64, 0.0f64);
    for start in (0..count).step_by(EVAL_BATCH) {
        let indices: Vec<usize> = (start..(start + EVAL_BATCH).min(count)).collect();
        let batch = test.plain_batch(&indices, device);
        let [n, c, h, w] = batch.images.dims();
        let rows = crate::complete::binarize(batch.images); // [n, h, w]
        let completed = crate::complete::complete(model, rows.clone(), h / 2, &mut rng); // [n, h, w]
        let correct = |images: Tensor<3>| {
            let (_, logits) = evaluator.net.features_and_logits(images.reshape([n, c, h, w])); // [n, classes]
            let hits = logits.argmax(1).reshape([n]).equal(batch.labels.clone()).float().sum();
            scalar_to_host(hits, "the evaluator's hits").map(f64::from)
        };
        on_originals += correct(rows).map_err(|e| e.to_string())?;
        on_completed += correct(completed).map_err(|e| e.to_string())?;
    }
    eprintln!(
        "evaluator (test accuracy {:.4} on grey images) on {count} binarised test images: originals {:.4}, bottom half completed {:.4}",
        card.test_accuracy,
        on_originals / count as f64,
        on_completed / count as f64
    );
    Ok(vec![
        ("evaluator_accuracy_binarised_originals".to_string(), on_originals / count as f64),
        ("evaluator_accuracy_completed".to_string(), on_completed / count as f64),
        ("evaluator_images".to_string(), count as f64),
    ])
}
