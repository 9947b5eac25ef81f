//! `eval pix2pix`: the held-out pairs translated by the run's generator, scored beside the identity
//! baseline (the input itself, shown in the target's colours), with the task's own measures.
//!
//! Every image is compared in RGB (grey for Fashion) in `[0, 1]`:
//! - `l1` = mean |output − target| over pixels and channels;
//! - `psnr_db` = the mean over images of `10·log₁₀(1 / MSE_image)`, and `psnr_pooled_db` =
//!   `10·log₁₀(1 / MSE)` of the MSE over every pixel of the set (lower: the worst images weigh most);
//! - `ssim` = the mean over images and channels of SSIM (Wang et al. 2004, 7×7 windows as
//!   `atelier_evaluation::ssim`);
//! - colorize: `mean_chroma` of the outputs and of the real images (`√(a² + b²)` in CIE Lab): the
//!   GAN term should bring it closer to the real one than the L1-only U-Net does;
//! - edges2fashion: `class_kept`, the share of generated garments the Fashion evaluator puts in their
//!   source's class, and `fcd` against the real test garments.

use atelier_data::PairSet;
use atelier_data::lab::{chroma, srgb_to_lab};
use atelier_data::translation::crop_centred;
use atelier_evaluation::emoji::ruler::{EmojiRuler, score_against_google};
use atelier_evaluation::{RealSplit, Rendered, Scorer, paired_scores};
use atelier_lecture::{Context, OpenRun};
use atelier_train::Figure;
use atelier_train::figures::write_figure;
use atelier_train::host::to_host_f32;
use burn::prelude::*;

use super::data::TranslationData;
use crate::{ColourSpace, Pix2PixConfig, TranslationTask, UNetGenerator, load_generator, translate};

/// Pairs per forward pass.
const BATCH: usize = 64;
/// Test pairs in the evaluation picture.
const PICTURE_PAIRS: usize = 16;

/// The images a task's generator outputs (`[n, c_out, h, w]` unit) as pictures, given the inputs.
pub fn render(config: &Pix2PixConfig, inputs: &[f32], outputs: &[f32]) -> Rendered {
    let side = config.size;
    let plane = side * side;
    match config.colour {
        ColourSpace::LabChroma => {
            let n = outputs.len() / (2 * plane);
            let mut pixels = Vec::with_capacity(n * 3 * plane);
            for i in 0..n {
                let mut lab = inputs[i * plane..(i + 1) * plane].to_vec();
                lab.extend_from_slice(&outputs[i * 2 * plane..(i + 1) * 2 * plane]);
                pixels.extend(atelier_data::lab::planar_unit_lab_to_rgb(&lab));
            }
            Rendered { channels: 3, side, pixels }
        }
        ColourSpace::Rgb => Rendered { channels: config.output_channels, side, pixels: outputs.to_vec() },
    }
}

/// The identity baseline: the input shown in the target's space (colorize: `L` with no chroma;
/// a grey edge map copied to every channel of an RGB target).
pub fn identity(config: &Pix2PixConfig, set: &PairSet) -> Rendered {
    let plane = config.size * config.size;
    let n = set.len();
    match config.colour {
        ColourSpace::LabChroma => {
            let neutral = vec![128.0 / 255.0; n * 2 * plane];
            render(config, &set.inputs, &neutral)
        }
        ColourSpace::Rgb => {
            let (ci, co) = (config.input_channels, config.output_channels);
            let mut pixels = Vec::with_capacity(n * co * plane);
            for i in 0..n {
                let input = set.input(i);
                for c in 0..co {
                    let from = if ci == co { c } else { 0 };
                    pixels.extend_from_slice(&input[from * plane..(from + 1) * plane]);
                }
            }
            Rendered { channels: co, side: config.size, pixels }
        }
    }
}

/// The mean Lab chroma of RGB images.
pub fn mean_chroma(images: &Rendered) -> f64 {
    let plane = images.side * images.side;
    let (mut sum, mut count) = (0.0, 0usize);
    for i in 0..images.count() {
        let image = images.image(i);
        for p in 0..plane {
            let rgb = [0, 1, 2].map(|c| f64::from(image[c * plane + p]));
            sum += chroma(srgb_to_lab(rgb));
            count += 1;
        }
    }
    sum / count.max(1) as f64
}

/// The generator's outputs for every pair of `set`, `[n, c_out, h, w]` unit, on the host.
pub fn translate_set(generator: &UNetGenerator, set: &PairSet, device: &Device) -> Result<Vec<f32>, String> {
    let [ci, h, w] = set.input_shape;
    let mut out = Vec::with_capacity(set.len() * set.target_len());
    for start in (0..set.len()).step_by(BATCH) {
        let n = BATCH.min(set.len() - start);
        let inputs = set.inputs[start * set.input_len()..(start + n) * set.input_len()].to_vec();
        let x = Tensor::<4>::from_data(TensorData::new(inputs, [n, ci, h, w]), device); // [n, c_in, h, w]
        out.extend(to_host_f32(translate(generator, x), "the translated images").map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// Scores the latest checkpoint on the test pairs; writes `samples/eval-translations.png`.
pub fn eval(run: &OpenRun<Pix2PixConfig>, data: TranslationData, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    let (step, blobs) = run.latest_checkpoint()?;
    let generator = load_generator(config, &blobs, device)?;
    let test = &data.test;
    eprintln!("translating {} test pairs ({}) with the checkpoint at step {step}", test.len(), data.source);
    let outputs = translate_set(&generator, test, device)?;
    let images = render(config, &test.inputs, &outputs);
    let targets = render(config, &test.inputs, &test.targets);
    let baseline = identity(config, test);
    let [l1, psnr, ssim, pooled] = paired_scores(&images, &targets)?;
    let [id_l1, id_psnr, id_ssim, id_pooled] = paired_scores(&baseline, &targets)?;
    let mut entries = vec![
        ("l1".to_string(), l1),
        ("psnr_db".to_string(), psnr),
        ("psnr_pooled_db".to_string(), pooled),
        ("ssim".to_string(), ssim),
        ("identity_l1".to_string(), id_l1),
        ("identity_psnr_db".to_string(), id_psnr),
        ("identity_psnr_pooled_db".to_string(), id_pooled),
        ("identity_ssim".to_string(), id_ssim),
        ("psnr_gain_over_identity_db".to_string(), psnr - id_psnr),
        ("test_pairs".to_string(), test.len() as f64),
        ("checkpoint_step".to_string(), step as f64),
    ];
    match config.task {
        TranslationTask::Colorize => {
            entries.push(("mean_chroma".to_string(), mean_chroma(&images)));
            entries.push(("real_mean_chroma".to_string(), mean_chroma(&targets)));
        }
        TranslationTask::Edges2fashion => {
            let fashion = data.fashion.as_ref().ok_or("edges2fashion needs the Fashion-MNIST test set")?;
            entries.extend(fashion_scores(config, fashion, test, &images, device, ctx)?)
        }
        _ => {}
    }
    if config.task.reads_emoji() {
        match EmojiRuler::load(device) {
            Ok(ruler) => entries.extend(emoji_scores(&ruler, test, &images, &baseline, &targets, device)?),
            Err(e) => eprintln!("warning: no colour evaluator, so no FCD / style / category scores: {e}"),
        }
    }
    let path = write_figure(&run.dir.samples_dir(), "eval-", picture(config, test, &outputs, device))?;
    eprintln!("wrote {}", path.display());
    Ok(entries)
}

/// The colour evaluator on the outputs and on the identity baseline: FCD against the real Google
/// test emoji (the targets), the share that looks like Google's style, the share whose category
/// is kept.
fn emoji_scores(
    ruler: &EmojiRuler,
    test: &PairSet,
    images: &Rendered,
    baseline: &Rendered,
    targets: &Rendered,
    device: &Device,
) -> Result<Vec<(String, f64)>, String> {
    // The targets are the real Google test emoji: one pass gives the reference and their own shares.
    let real = ruler.outputs(&targets.pixels, test.len(), device)?;
    let mut entries = Vec::new();
    for (prefix, shown) in [("", images), ("identity_", baseline)] {
        let scores = score_against_google(ruler, &shown.pixels, &test.labels, &real, device)?;
        entries.extend(scores.into_iter().map(|(name, value)| (format!("{prefix}{name}"), value)));
    }
    entries.push(("real_looks_like_google".to_string(), real.share_of_style(0)));
    entries.push(("real_category_kept".to_string(), real.content_kept(&test.labels)));
    entries.push(("colour_evaluator_content_accuracy".to_string(), ruler.card.content_accuracy));
    entries.push(("colour_evaluator_style_accuracy".to_string(), ruler.card.style_accuracy));
    Ok(entries)
}

/// The Fashion evaluator on the generated garments (cropped back to 28×28): the share put in their
/// source's class, and FCD against the real test garments.
fn fashion_scores(
    config: &Pix2PixConfig,
    fashion: &atelier_data::Dataset,
    test: &PairSet,
    images: &Rendered,
    device: &Device,
    ctx: &Context,
) -> Result<Vec<(String, f64)>, String> {
    let side = config.size;
    let garments: Vec<f32> = (0..images.count()).flat_map(|i| crop_centred(images.image(i), side, 28, 28)).collect();
    let scorer = Scorer::new(ctx, fashion, RealSplit::Test, test.len(), device)?;
    let predicted = scorer.predicted_classes(&garments)?;
    let kept = predicted.iter().zip(&test.labels).filter(|(p, l)| p == l).count() as f64 / test.len() as f64;
    let scores = scorer.score(&garments)?;
    Ok(vec![("class_kept".to_string(), kept), ("fcd".to_string(), scores.fcd)])
}

/// Input | output | target of the first test pairs, as one picture.
fn picture(config: &Pix2PixConfig, test: &PairSet, outputs: &[f32], device: &Device) -> Figure {
    let n = PICTURE_PAIRS.min(test.len());
    let [ci, h, w] = test.input_shape;
    let co = config.output_channels;
    let tensor =
        |values: &[f32], c: usize| Tensor::<4>::from_data(TensorData::new(values.to_vec(), [n, c, h, w]), device);
    let inputs = tensor(&test.inputs[..n * test.input_len()], ci);
    let shown = |images: Tensor<4>| crate::display_rgb(config, inputs.clone(), images);
    Figure::Grid {
        name: "translations".into(),
        rows: vec![
            ("input".into(), crate::display_inputs_rgb(config, inputs.clone())),
            ("output".into(), shown(tensor(&outputs[..n * test.target_len()], co))),
            ("target".into(), shown(tensor(&test.targets[..n * test.target_len()], co))),
        ],
        marks: Vec::new(),
    }
}
