//! The synthesis through the shared loop, and its evaluation beside the baselines (noise,
//! Heeger–Bergen) on a held-out network, the pixel histograms and the pyramid's band histograms.

use std::time::Instant;

use atelier_core::Rng;
use atelier_data::colour::ColourImage;
use atelier_lecture::{Context, OpenRun};
use atelier_train::figures::write_figure;
use atelier_train::seed::{Stream, derive};
use atelier_train::{Figure, Outcome, Session, TrainError, fit, to_host_f32};
use burn::prelude::*;

use super::data::StyleImages;
use super::judges::Judges;
use super::networks::feature_net;
use crate::canvas::START_NOISE;
use crate::config::{FeatureNetwork, STEPS_PER_EPOCH, StyleConfig, StyleTask};
use crate::heeger_bergen;
use crate::measures::{band_histogram_distance, pixel_histogram_distance};
use crate::step::{Images, Steps, SynthesisExperiment, load_canvas};

/// `[1, 3, h, w]` in `[0, 1]` on `device`.
pub fn image_tensor(image: &ColourImage, device: &Device) -> Tensor<4> {
    Tensor::<4>::from_data(TensorData::new(image.to_planar_unit(), [1, 3, image.height, image.width]), device)
}

pub fn train(
    config: &StyleConfig,
    session: &Session,
    images: StyleImages,
    ctx: &Context,
) -> Result<Outcome, TrainError> {
    let device = &session.device;
    session.seed_device_for_init();
    let net = feature_net(config, device, ctx).map_err(TrainError::Config)?;
    let images = Images {
        style: image_tensor(&images.style, device),
        content: images.content.as_ref().map(|c| image_tensor(c, device)),
    };
    let total_steps = session.config.epochs as u64 * STEPS_PER_EPOCH as u64;
    let experiment = SynthesisExperiment::new(config.clone(), net, images).coarse_to_fine(total_steps);
    let (_, outcome) = fit(experiment, &Steps { len: STEPS_PER_EPOCH }, &Steps { len: 1 }, session)?;
    Ok(outcome)
}

/// Heeger–Bergen rounds in the evaluation's baseline.
pub const HEEGER_BERGEN_ROUNDS: usize = 8;

/// One picture measured: its label, key in `eval.json` and pixels `[3, size, size]`.
struct Candidate {
    key: &'static str,
    label: String,
    pixels: Vec<f32>,
}

pub fn eval(run: &OpenRun<StyleConfig>, images: StyleImages, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    let size = config.size;
    let (step, blobs) = run.latest_checkpoint()?;
    eprintln!("evaluating the canvas at step {step}");
    let canvas = load_canvas(config, &blobs, device)?;
    let synthesis = to_host_f32(canvas.picture(), "the canvas").map_err(|e| e.to_string())?;
    let style = images.style.to_planar_unit();

    // The noise a texture starts from (its distribution; the draw is the evaluation's own).
    let mut rng = Rng::new(derive(run.seed(), Stream::Figures, 0));
    let (lo, hi) = START_NOISE;
    let plane: Vec<f32> = (0..config.channels * size * size).map(|_| rng.uniform(lo as f32, hi as f32)).collect();
    let noise: Vec<f32> = if config.channels == 1 { plane.repeat(3) } else { plane };
    let started = Instant::now();
    let classical =
        heeger_bergen::synthesise(&style, 3, size, size, HEEGER_BERGEN_ROUNDS, derive(run.seed(), Stream::Figures, 1));
    let classical_seconds = started.elapsed().as_secs_f64();
    let features = config.features.name();
    let mut candidates = vec![
        Candidate { key: "noise", label: "noise".into(), pixels: noise },
        Candidate { key: "heeger_bergen", label: "Heeger–Bergen".into(), pixels: classical },
        Candidate { key: "synthesis", label: format!("Gatys ({features})"), pixels: synthesis },
    ];
    let content = images.content.as_ref().map(ColourImage::to_planar_unit);
    if let (StyleTask::Transfer, Some(content)) = (config.task, &content) {
        // A transfer starts from the content image (Heeger–Bergen makes textures, not transfers).
        candidates.retain(|c| c.key == "synthesis");
        candidates
            .insert(0, Candidate { key: "content", label: "content (the start)".into(), pixels: content.clone() });
    }

    let tensor = |pixels: &[f32]| Tensor::<4>::from_data(TensorData::new(pixels.to_vec(), [1, 3, size, size]), device);
    let style_tensor = tensor(&style);
    let judges = Judges::new(device, ctx)?;
    eprintln!(
        "style distances on three networks: random filters of another seed (held out), the colour evaluator's trunk \
         ({}), the Fashion evaluator's convolutions (held out)",
        if config.features == FeatureNetwork::Emoji { "the one this run optimised" } else { "held out" }
    );
    let mut entries = Vec::new();
    let mut fashion_of = std::collections::BTreeMap::new();
    for candidate in &candidates {
        let key = candidate.key;
        let scores = judges.score(tensor(&candidate.pixels), style_tensor.clone())?;
        for (name, score) in Judges::NAMES.iter().zip(scores) {
            entries.push((format!("{key}_{name}_style"), score));
        }
        fashion_of.insert(key, scores[2]);
        entries.push((
            format!("{}_pixel_histogram", candidate.key),
            pixel_histogram_distance(&candidate.pixels, &style, 3),
        ));
        entries.push((
            format!("{}_band_histogram", candidate.key),
            band_histogram_distance(&candidate.pixels, &style, 3, size, size),
        ));
    }
    if let Some(content) = &content {
        let distance = |pixels: &[f32]| judges.content(tensor(pixels), tensor(content));
        entries
            .push(("synthesis_heldout_content".into(), distance(&candidates.last().expect("the synthesis").pixels)?));
        entries.push(("style_image_heldout_content".into(), distance(&style)?));
    }
    if let (Some(s), Some(hb)) = (fashion_of.get("synthesis"), fashion_of.get("heeger_bergen")) {
        entries.push(("fashion_style_vs_heeger_bergen".into(), s / hb));
        entries.push(("heeger_bergen_seconds".into(), classical_seconds));
    }
    entries.push(("steps".into(), step as f64));

    let mut rows = vec![("style".to_string(), style_tensor)];
    rows.extend(candidates.iter().map(|c| (c.label.clone(), tensor(&c.pixels))));
    let path = write_figure(
        &run.dir.samples_dir(),
        "eval-",
        Figure::Grid { name: "comparison".into(), rows, marks: Vec::new() },
    )?;
    eprintln!("wrote {}", path.display());
    Ok(entries)
}
