//! The stylizer (`--task fast`): trained on the emoji through the shared loop, judged on unseen
//! emoji beside the optimisation route on the same images (style distance, and time per image),
//! and `stylize`: a folder of the user's images through a trained stylizer.

use std::path::PathBuf;
use std::time::Instant;

use atelier_core::outputs::{Existing, OutputFolder};
use atelier_core::png::{Channels, encode};
use atelier_data::colour::{ColourImage, GreyPolicy, image_files, read_image};
use atelier_derive::Params;
use atelier_lecture::{Context, OpenRun};
use atelier_train::figures::write_figure;
use atelier_train::{Figure, Outcome, Session, StepContext, TrainError, fit, scalar_to_host, to_host_f32};
use burn::prelude::*;

use super::data::StyleImages;
use super::judges::Judges;
use super::networks::feature_net;
use super::run::image_tensor;
use crate::config::{STEPS_PER_EPOCH, StyleConfig, StyleTask};
use crate::fast::{FastExperiment, load_transform_net};
use crate::step::{Images, SynthesisExperiment, Tick};

/// Unseen emoji the stylizer is judged on.
const EVAL_IMAGES: usize = 16;
/// Of those, how many the optimisation route also stylizes (each costs its full optimisation).
const OPTIMISED_IMAGES: usize = 2;
/// The optimisation route's steps per image: the synthesis preset's 10 epochs.
const OPTIMISATION_STEPS: u64 = 10 * STEPS_PER_EPOCH as u64;

pub fn train(
    config: &StyleConfig,
    session: &Session,
    images: StyleImages,
    ctx: &Context,
) -> Result<Outcome, TrainError> {
    let device = &session.device;
    session.seed_device_for_init();
    let sets = images.emoji.ok_or_else(|| TrainError::Config("the stylizer needs content images".into()))?;
    let features = feature_net(config, device, ctx).map_err(TrainError::Config)?;
    let experiment = FastExperiment::new(config.clone(), features, image_tensor(&images.style, device));
    let (_, outcome) = fit(experiment, &sets.train, &sets.test, session)?;
    Ok(outcome)
}

pub fn eval(run: &OpenRun<StyleConfig>, images: StyleImages, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    let test = images.emoji.ok_or("the stylizer's evaluation needs the emoji")?.test;
    let count = test.count.min(EVAL_IMAGES);
    let (step, blobs) = run.latest_checkpoint()?;
    let net = load_transform_net(config, &blobs, device)?;
    eprintln!("evaluating the stylizer at step {step} on {count} unseen emoji");
    let x = test.tensor(&(0..count).collect::<Vec<_>>(), device); // [count, 3, s, s]
    let _warm = to_host_f32(net.forward(x.clone().narrow(0, 0, 1)), "a stylized image").map_err(|e| e.to_string())?;
    let started = Instant::now();
    let stylized = net.forward(x.clone()); // [count, 3, s, s]
    let stylized_host = to_host_f32(stylized.clone(), "the stylized images").map_err(|e| e.to_string())?;
    let fast_seconds = started.elapsed().as_secs_f64() / count as f64;

    let style = image_tensor(&images.style, device);
    let judges = Judges::new(device, ctx)?;
    let size = config.size;
    let one_on = |pixels: &[f32], i: usize, device: &Device| {
        let plane = 3 * size * size;
        Tensor::<4>::from_data(TensorData::new(pixels[i * plane..(i + 1) * plane].to_vec(), [1, 3, size, size]), device)
    };
    let one = |pixels: &[f32], i: usize| one_on(pixels, i, device);
    let content_host = to_host_f32(x, "the content images").map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    let mut fast_on = Vec::new();
    let mut fast_content = Vec::new();
    for (key, pixels) in [("content", &content_host), ("fast", &stylized_host)] {
        let scores = (0..count).map(|i| judges.score(one(pixels, i), style.clone())).collect::<Result<Vec<_>, _>>()?;
        for (j, name) in Judges::NAMES.iter().enumerate() {
            entries.push((format!("{key}_{name}_style"), scores.iter().map(|s| s[j]).sum::<f64>() / count as f64));
        }
        if key == "fast" {
            fast_on = scores;
            let kept = (0..count)
                .map(|i| judges.content(one(pixels, i), one(&content_host, i)))
                .collect::<Result<Vec<_>, _>>()?;
            entries.push(("fast_random_content".into(), kept.iter().sum::<f64>() / count as f64));
            fast_content = kept;
        }
    }

    // The optimisation route on the first images: the same objective, pixels optimised from the
    // content image, with the run's loss network and weights.
    let train_device = device.clone().autodiff();
    let mut optimised = Vec::new();
    let mut optimisation_seconds = 0.0;
    let routes = count.min(OPTIMISED_IMAGES);
    for i in 0..routes {
        train_device.seed(i as u64);
        let transfer = StyleConfig { task: StyleTask::Transfer, channels: 3, learning_rate: 0.02, ..config.clone() };
        let images = Images {
            style: image_tensor(&images.style, &train_device),
            content: Some(one_on(&content_host, i, &train_device)),
        };
        let started = Instant::now();
        let mut synthesis = SynthesisExperiment::new(transfer, feature_net(config, &train_device, ctx)?, images);
        for step in 0..OPTIMISATION_STEPS {
            let mut ctx =
                StepContext { step, epoch: 0, device: train_device.clone(), rng: atelier_core::Rng::new(step) };
            let output = atelier_train::Experiment::train_step(&mut synthesis, Tick, &mut ctx);
            if step + 1 == OPTIMISATION_STEPS {
                let (_, loss) = &output.metrics[0];
                scalar_to_host(loss.clone(), "the optimisation's loss").map_err(|e| e.to_string())?;
            }
        }
        optimisation_seconds += started.elapsed().as_secs_f64();
        let picture = to_host_f32(synthesis.canvas.picture(), "an optimised image").map_err(|e| e.to_string())?;
        optimised.push(one(&picture, 0));
    }
    let optimisation_seconds = optimisation_seconds / routes as f64;
    let optimised_scores =
        optimised.iter().map(|y| judges.score(y.clone(), style.clone())).collect::<Result<Vec<_>, _>>()?;
    let optimised_content = optimised
        .iter()
        .enumerate()
        .map(|(i, y)| judges.content(y.clone(), one(&content_host, i)))
        .collect::<Result<Vec<_>, _>>()?;
    entries.push(("optimisation_random_content".into(), optimised_content.iter().sum::<f64>() / routes as f64));
    entries
        .push(("fast_random_content_on_the_same".into(), fast_content[..routes].iter().sum::<f64>() / routes as f64));
    for (j, name) in Judges::NAMES.iter().enumerate() {
        let route = optimised_scores.iter().map(|s| s[j]).sum::<f64>() / routes as f64;
        let fast = fast_on[..routes].iter().map(|s| s[j]).sum::<f64>() / routes as f64;
        entries.push((format!("optimisation_{name}_style"), route));
        entries.push((format!("fast_over_optimisation_{name}_style"), fast / route));
    }
    entries.push(("fast_seconds_per_image".into(), fast_seconds));
    entries.push(("optimisation_seconds_per_image".into(), optimisation_seconds));
    entries.push(("speedup".into(), optimisation_seconds / fast_seconds));
    entries.push(("steps".into(), step as f64));

    let shown = count.min(8);
    let mut rows = vec![
        ("style".to_string(), style),
        ("content (unseen)".to_string(), one_batch(&content_host, shown, size, device)),
        ("stylizer (one pass)".to_string(), one_batch(&stylized_host, shown, size, device)),
    ];
    rows.push((format!("optimised ({OPTIMISATION_STEPS} steps)"), Tensor::cat(optimised, 0)));
    let path = write_figure(
        &run.dir.samples_dir(),
        "eval-",
        Figure::Grid { name: "stylizer".into(), rows, marks: Vec::new() },
    )?;
    eprintln!("wrote {}", path.display());
    Ok(entries)
}

fn one_batch(pixels: &[f32], n: usize, size: usize, device: &Device) -> Tensor<4> {
    Tensor::<4>::from_data(TensorData::new(pixels[..n * 3 * size * size].to_vec(), [n, 3, size, size]), device)
}

/// The flags of `stylize`.
#[derive(Debug, Params)]
pub struct StylizeArgs {
    /// Folder of PNG/JPEG images (any size; grey ones become three equal channels).
    #[param(flag = "in", value_name = "DIR", required)]
    pub input: PathBuf,
    /// Folder written: NAME.png for each image, stylized at its own size (down to a multiple of 4).
    #[param(value_name = "DIR", required)]
    pub out: PathBuf,
    /// The longest side the stylizer sees: larger images are shrunk to it.
    #[param(value_name = "PIXELS")]
    pub max_side: usize,
    /// Replace files already in --out (without it, a file in the way stops the command before it writes).
    #[param]
    pub force: bool,
}

impl Default for StylizeArgs {
    fn default() -> Self {
        Self { input: PathBuf::new(), out: PathBuf::new(), max_side: 512, force: false }
    }
}

/// `stylize --run RUN --in DIR --out DIR`: each image through the run's stylizer in one pass.
pub fn stylize(
    _: &super::StyleLecture,
    run: &OpenRun<StyleConfig>,
    args: &StylizeArgs,
    _: &Context,
) -> Result<(), String> {
    let (config, device) = (&run.config, &run.device);
    if !config.feeds_forward() {
        return Err(format!(
            "{} is a --task {} run: stylize needs a stylizer (a --task fast run); a synthesis's result is its samples/",
            run.dir.path().display(),
            config.task.name()
        ));
    }
    if args.max_side < 16 {
        return Err(format!("--max-side {}: must be at least 16 pixels", args.max_side));
    }
    let files = image_files(&args.input).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!("{}: no PNG or JPEG images to stylize", args.input.display()));
    }
    let folder = OutputFolder::open(
        &args.out,
        &[("the input folder", args.input.as_path()), ("the run", run.dir.path())],
        Existing::from_force(args.force),
    )?;
    let planned: Vec<(String, PathBuf)> = files
        .iter()
        .map(|f| (format!("{}.png", f.file_stem().unwrap_or_default().to_string_lossy()), f.clone()))
        .collect();
    let outputs = folder.claim(&planned)?;
    let images = files
        .iter()
        .map(|f| read_image(f, GreyPolicy::Convert).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let (step, blobs) = run.latest_checkpoint()?;
    let net = load_transform_net(config, &blobs, device)?;
    eprintln!("stylizing {} image(s) with the stylizer at step {step}", files.len());
    let started = Instant::now();
    for (image, path) in images.into_iter().zip(&outputs) {
        let (width, height) = seen_size(image.width, image.height, args.max_side);
        let resized = image.resized_to(width, height);
        let x = Tensor::<4>::from_data(TensorData::new(resized.to_planar_unit(), [1, 3, height, width]), device);
        let y = to_host_f32(net.forward(x), "a stylized image").map_err(|e| e.to_string())?;
        let picture = ColourImage::from_planar_unit(&y, width, height);
        folder.write(path, &encode(&picture.pixels, width, height, Channels::Rgb).map_err(|e| e.to_string())?)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "wrote {} image(s) to {} ({:.2} s per image)",
        files.len(),
        args.out.display(),
        seconds / files.len() as f64
    );
    Ok(())
}

/// The size an image is stylized at: its own, shrunk so its longest side is at most `max_side`,
/// each side then rounded down to a multiple of 4 (the stylizer halves it twice), at least 16.
fn seen_size(width: usize, height: usize, max_side: usize) -> (usize, usize) {
    let scale = (max_side as f64 / width.max(height) as f64).min(1.0);
    let side = |s: usize| (((s as f64 * scale) as usize) / 4 * 4).max(16);
    (side(width), side(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_stylized_at_their_size_within_the_limit_in_multiples_of_four() {
        assert_eq!(seen_size(64, 64, 512), (64, 64));
        assert_eq!(seen_size(451, 300, 512), (448, 300));
        assert_eq!(seen_size(1024, 512, 512), (512, 256));
        assert_eq!(seen_size(10, 10, 512), (16, 16));
    }
}
