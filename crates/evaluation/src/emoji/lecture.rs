//! The colour evaluator as the registry lists it (an instrument the course trains, not a lecture
//! it teaches): trained on the Google and Twitter emoji of the training split, scored on the test
//! split (category and style accuracy), calibrated (FCD of real validation emoji, and of noisy and
//! blurred copies, against the real test emoji), and installed in `assets/emoji-evaluator/` by
//! `eval emoji-evaluator --export-evaluator`.

use std::path::Path;
use std::sync::Arc;

use super::StyledSource;
use atelier_core::atomic::{write_atomic, write_json_atomic};
use atelier_data::emoji::{self, EmojiSource, EmojiSplit, Vendor};
use atelier_data::translation::styled_images;
use atelier_data::{DataRecord, StyledImages};
use atelier_derive::Params;
use atelier_lecture::{About, Context, Found, Lecture, OpenRun, Preset, repo};
use atelier_train::{Outcome, PairAugment, Session, TrainConfig, TrainError, fit};
use burn::prelude::*;

use super::ruler::{CARD, DIR, EmojiEvaluatorCard, WEIGHTS};
use super::{
    EmojiEvaluatorConfig, EmojiEvaluatorExperiment, EmojiEvaluatorNet, EmojiEvaluatorOutputs, load_evaluator_net,
    outputs,
};
use crate::{fcd, inception_score};

/// The instrument, as the registry lists it.
pub const LECTURE: EmojiEvaluatorLecture = EmojiEvaluatorLecture;

pub struct EmojiEvaluatorLecture;

/// The flags of `eval emoji-evaluator`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Also install this run as the colour evaluator (assets/emoji-evaluator/).
    #[param]
    pub export_evaluator: bool,
}

impl Lecture for EmojiEvaluatorLecture {
    type Config = EmojiEvaluatorConfig;
    type Source = EmojiSource;
    type Data = [StyledImages; 3];
    type EvalArgs = EvalArgs;

    const ID: &'static str = "emoji-evaluator";

    fn about(&self) -> About {
        About {
            train: "The colour evaluator: a CNN with an emoji-category head and a style (Google/Twitter) head, the \
                    ruler of the colour lectures (`eval emoji-evaluator --export-evaluator` installs it).",
            eval: "The colour evaluator's test accuracies (category, style) and its calibration (FCD of real images \
                   against real, noisy and blurred ones); --export-evaluator installs it.",
            data: Some(
                "Data folder: an emoji folder (default search: $ATELIER_EMOJI, ./data/emoji, the embedded mini set).",
            ),
        }
    }

    fn presets(&self) -> Vec<Preset<EmojiEvaluatorConfig>> {
        vec![Preset::default(EmojiEvaluatorConfig::default())]
    }

    fn training(&self, config: &EmojiEvaluatorConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &EmojiEvaluatorConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, _config: &EmojiEvaluatorConfig, data_dir: Option<&Path>) -> Result<Found<EmojiSource>, String> {
        let source = emoji::locate(data_dir).map_err(|e| e.to_string())?;
        let record = DataRecord::of_emoji(&source, &Vendor::SHIPPABLE).map_err(|e| e.to_string())?;
        Ok(Found { description: source.to_string(), source, record })
    }

    fn load(
        &self,
        source: EmojiSource,
        _config: &mut EmojiEvaluatorConfig,
        _train: &TrainConfig,
    ) -> Result<[StyledImages; 3], String> {
        let splits = load_splits(&source)?;
        eprintln!("colour evaluator: {} training / {} validation images ({source})", splits[0].len(), splits[1].len());
        Ok(splits)
    }

    fn train(
        &self,
        config: &EmojiEvaluatorConfig,
        session: &Session,
        [train, valid, _]: [StyledImages; 3],
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        session.seed_device_for_init();
        let experiment = EmojiEvaluatorExperiment::new(config.clone(), &session.device);
        let train = StyledSource::new(Arc::new(train), session.config.train_limit).with_augment(PairAugment::Mirror);
        let valid = StyledSource::new(Arc::new(valid), None);
        fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
    }

    /// Test accuracies of both heads and the calibration table; `--export-evaluator` installs the run.
    fn eval(
        &self,
        run: &OpenRun<EmojiEvaluatorConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        _ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let (config, device) = (&run.config, &run.device);
        let source = emoji::locate(data_dir).map_err(|e| e.to_string())?;
        let (step, blobs) = run.latest_checkpoint()?;
        let weights = blobs.get("model").ok_or("the checkpoint has no 'model'")?;
        let net = load_evaluator_net(config, weights, device)?;
        let [_, valid, test] = load_splits(&source)?;
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
        if args.export_evaluator {
            let card = EmojiEvaluatorCard {
                config: config.clone(),
                content_accuracy,
                style_accuracy,
                calibration,
                source_run: run.dir.path().to_path_buf(),
                checkpoint_step: step,
                command: std::env::args().collect::<Vec<_>>().join(" "),
            };
            let dir = repo::asset(DIR);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            write_atomic(&dir.join(WEIGHTS), weights).map_err(|e| e.to_string())?;
            write_json_atomic(&dir.join(CARD), &card).map_err(|e| e.to_string())?;
            eprintln!("installed the colour evaluator in {}", dir.display());
        }
        Ok(entries)
    }
}

/// The three splits in both shippable styles (Google = style 0, Twitter = style 1).
fn load_splits(source: &EmojiSource) -> Result<[StyledImages; 3], String> {
    let set = emoji::load(source, &Vendor::SHIPPABLE).map_err(|e| e.to_string())?;
    let split = |s| styled_images(&set, &Vendor::SHIPPABLE, s).map_err(|e| e.to_string());
    Ok([split(EmojiSplit::Train)?, split(EmojiSplit::Valid)?, split(EmojiSplit::Test)?])
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
