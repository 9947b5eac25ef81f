//! The colour evaluator: trained on the Google and Twitter emoji of the training split, scored on
//! the test split (category and style accuracy), calibrated (FCD of real validation emoji, and of
//! noisy and blurred copies, against the real test emoji), installed in `assets/emoji-evaluator/`,
//! and loaded by the colour lectures' evaluations.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use atelier_core::atomic::{write_atomic, write_json_atomic};
use atelier_core::run_dir::RunDir;
use atelier_data::emoji::{self, EmojiSource, EmojiSplit, Vendor};
use atelier_data::translation::styled_images;
use atelier_data::{DataRecord, StyledImages};
use atelier_evaluation::emoji::{
    EmojiEvaluatorConfig, EmojiEvaluatorExperiment, EmojiEvaluatorNet, EmojiEvaluatorOutputs, load_evaluator_net,
    outputs,
};
use atelier_evaluation::{coverage, fcd, inception_score};
use atelier_train::{Outcome, PairAugment, Session, StyledSource, TrainError, fit};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::models::latest_checkpoint;

/// The colour evaluator's folder, relative to the repository root.
pub const DIR: &str = "assets/emoji-evaluator";
const WEIGHTS: &str = "evaluator.bpk";
const CARD: &str = "evaluator.json";

/// What `--export-evaluator` records beside the weights.
#[derive(Debug, Serialize, Deserialize)]
pub struct EmojiEvaluatorCard {
    pub config: EmojiEvaluatorConfig,
    pub content_accuracy: f64,
    pub style_accuracy: f64,
    /// `(what, FCD against the real Google test emoji)`.
    pub calibration: Vec<(String, f64)>,
    pub source_run: PathBuf,
    pub checkpoint_step: u64,
    pub command: String,
}

/// The frozen colour evaluator and its card.
pub struct EmojiRuler {
    pub net: EmojiEvaluatorNet,
    pub card: EmojiEvaluatorCard,
}

impl EmojiRuler {
    /// Loads `assets/emoji-evaluator/` on `device`.
    pub fn load(device: &Device) -> Result<Self, String> {
        let dir = crate::repo::root().join(DIR);
        let card_path = dir.join(CARD);
        let card: EmojiEvaluatorCard = std::fs::read_to_string(&card_path)
            .map_err(|e| format!("{}: {e} (train and export one: README, 'The colour evaluator')", card_path.display()))
            .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", card_path.display())))?;
        let weights_path = dir.join(WEIGHTS);
        let weights = std::fs::read(&weights_path).map_err(|e| format!("{}: {e}", weights_path.display()))?;
        let net = load_evaluator_net(&card.config, &weights, device)
            .map_err(|e| format!("{}: {e}", weights_path.display()))?;
        Ok(Self { net, card })
    }

    /// What the evaluator sees in `count` RGB images `[count, 3, 64, 64]` in `[0, 1]`.
    pub fn outputs(&self, images: &[f32], count: usize, device: &Device) -> Result<EmojiEvaluatorOutputs, String> {
        outputs(&self.net, images, count, device).map_err(|e| e.to_string())
    }
}

/// The emoji the evaluator learns from, and what the run records about them.
pub fn locate(data_dir: Option<&std::path::Path>) -> Result<(EmojiSource, DataRecord), String> {
    let source = emoji::locate(data_dir).map_err(|e| e.to_string())?;
    let record = DataRecord::of_emoji(&source, &Vendor::SHIPPABLE).map_err(|e| e.to_string())?;
    Ok((source, record))
}

/// The three splits in both shippable styles (Google = style 0, Twitter = style 1).
fn load_splits(source: &EmojiSource) -> Result<[StyledImages; 3], String> {
    let set = emoji::load(source, &Vendor::SHIPPABLE).map_err(|e| e.to_string())?;
    let split = |s| styled_images(&set, &Vendor::SHIPPABLE, s).map_err(|e| e.to_string());
    Ok([split(EmojiSplit::Train)?, split(EmojiSplit::Valid)?, split(EmojiSplit::Test)?])
}

pub fn train(config: &EmojiEvaluatorConfig, session: &Session, source: &EmojiSource) -> Result<Outcome, TrainError> {
    let [train, valid, _] = load_splits(source).map_err(TrainError::Config)?;
    eprintln!("colour evaluator: {} training / {} validation images ({source})", train.len(), valid.len());
    session.seed_device_for_init();
    let experiment = EmojiEvaluatorExperiment::new(config.clone(), &session.device);
    let train = StyledSource::new(Arc::new(train), session.config.train_limit).with_augment(PairAugment::Mirror);
    let valid = StyledSource::new(Arc::new(valid), None);
    fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
}

/// The images of `set` whose style is `style`, `[n, 3, 64, 64]`, with their content labels.
fn of_style(set: &StyledImages, style: usize) -> (Vec<f32>, Vec<usize>) {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for i in (0..set.len()).filter(|&i| set.style[i] == style) {
        pixels.extend_from_slice(set.image(i));
        labels.push(set.content[i]);
    }
    (pixels, labels)
}

/// Test accuracies of both heads and the calibration table; `--export-evaluator` installs the run.
pub fn eval(
    run: &RunDir,
    config: &EmojiEvaluatorConfig,
    device: &Device,
    source: &EmojiSource,
    export: bool,
) -> Result<Vec<(String, f64)>, String> {
    let (step, blobs) = latest_checkpoint(run)?;
    let weights = blobs.get("model").ok_or("the checkpoint has no 'model'")?;
    let net = load_evaluator_net(config, weights, device)?;
    let [_, valid, test] = load_splits(source)?;
    let seen = outputs(&net, &test.pixels, test.len(), device).map_err(|e| e.to_string())?;
    let content_accuracy = seen.content_kept(&test.content);
    let style_accuracy = (0..test.len())
        .filter(|&i| {
            let p = &seen.style_probabilities[i * 2..i * 2 + 2];
            usize::from(p[1] > p[0]) == test.style[i]
        })
        .count() as f64
        / test.len() as f64;
    eprintln!("checkpoint at step {step}: {} test images ({source})", test.len());
    let calibration = calibrate(&net, &valid, &test, device)?;
    let mut entries = vec![
        ("content_accuracy".to_string(), content_accuracy),
        ("style_accuracy".to_string(), style_accuracy),
        ("test_images".to_string(), test.len() as f64),
        ("checkpoint_step".to_string(), step as f64),
    ];
    entries.extend(calibration.iter().map(|(what, v)| (format!("fcd_{what}"), *v)));
    if export {
        let card = EmojiEvaluatorCard {
            config: config.clone(),
            content_accuracy,
            style_accuracy,
            calibration,
            source_run: run.path().to_path_buf(),
            checkpoint_step: step,
            command: std::env::args().collect::<Vec<_>>().join(" "),
        };
        let dir = crate::repo::root().join(DIR);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        write_atomic(&dir.join(WEIGHTS), weights).map_err(|e| e.to_string())?;
        write_json_atomic(&dir.join(CARD), &card).map_err(|e| e.to_string())?;
        eprintln!("installed the colour evaluator in {}", dir.display());
    }
    Ok(entries)
}

/// FCD against the real Google test emoji of: the Google validation emoji as they are, with noise
/// (σ 0.1, 0.2) and blur (σ 1, 2 px), and the Twitter validation emoji (the other style).
fn calibrate(
    net: &EmojiEvaluatorNet,
    valid: &StyledImages,
    test: &StyledImages,
    device: &Device,
) -> Result<Vec<(String, f64)>, String> {
    let (reference, _) = of_style(test, 0);
    let features = |pixels: &[f32]| -> Result<EmojiEvaluatorOutputs, String> {
        outputs(net, pixels, pixels.len() / test.image_len(), device).map_err(|e| e.to_string())
    };
    let real = features(&reference)?.content_view();
    let (google, _) = of_style(valid, 0);
    let (twitter, _) = of_style(valid, 1);
    let damaged = |kind: &str, amount: f32| -> Vec<f32> {
        let pixels = match kind {
            "noise" => atelier_data::degrade::gaussian_noise(&google, amount, 0),
            _ => atelier_data::degrade::gaussian_blur(&google, emoji::SIZE, amount),
        };
        pixels.into_iter().map(|p| p.clamp(0.0, 1.0)).collect()
    };
    let sets: Vec<(&str, Vec<f32>)> = vec![
        ("real_google_valid", google.clone()),
        ("noise_0.1", damaged("noise", 0.1)),
        ("noise_0.2", damaged("noise", 0.2)),
        ("blur_1px", damaged("blur", 1.0)),
        ("blur_2px", damaged("blur", 2.0)),
        ("real_twitter_valid", twitter),
    ];
    let mut rows = Vec::new();
    for (what, pixels) in sets {
        let seen = features(&pixels)?;
        let score = fcd(&seen.content_view(), &real)?;
        eprintln!(
            "calibration {what:<20} FCD {score:>9.2}  IS {:>5.2}  looks like Google {:.3}",
            inception_score(&seen.content_view()),
            seen.share_of_style(0)
        );
        rows.push((what.to_string(), score));
    }
    Ok(rows)
}

/// For the colour lectures: FCD against the evaluator's outputs on real Google test emoji (`real`,
/// computed once by the caller), the share that looks like the Google style, and the share whose
/// category is kept, the Inception-style score and how many of the 9 categories the outputs cover.
pub fn score_against_google(
    ruler: &EmojiRuler,
    images: &[f32],
    labels: &[usize],
    real: &EmojiEvaluatorOutputs,
    device: &Device,
) -> Result<BTreeMap<&'static str, f64>, String> {
    let seen = ruler.outputs(images, labels.len(), device)?;
    Ok(BTreeMap::from([
        ("fcd", fcd(&seen.content_view(), &real.content_view())?),
        ("looks_like_google", seen.share_of_style(0)),
        ("category_kept", seen.content_kept(labels)),
        ("inception_score", inception_score(&seen.content_view())),
        ("category_coverage", coverage(&seen.content_view()).classes_covered as f64),
    ]))
}
