//! `sweep neural-style`: the α/β trade-off of style transfer as a curve. The same content image
//! is optimised once per style weight β (α = 1), each from the content image for the synthesis
//! preset's 500 steps; each result is measured on held-out random filters (style distance and
//! content distance), one picture row per β, and `sweep.json`.

use std::path::PathBuf;

use atelier_backend::Backend;
use atelier_core::atomic::write_json_atomic;
use atelier_core::outputs::{Existing, OutputFolder};
use atelier_core::png::{Channels, encode};
use atelier_data::colour::ColourImage;
use atelier_derive::Params;
use atelier_train::{Experiment, StepContext, scalar_to_host, to_host_f32};
use burn::prelude::*;
use serde::Serialize;

use super::data;
use super::networks::feature_net;
use super::run::image_tensor;
use crate::config::{FeatureNetwork, STEPS_PER_EPOCH, StyleConfig, StyleTask};
use crate::features::{FeatureNet, MEASURING_SEED};
use crate::measures::{content_distance, style_distance};
use crate::step::{Images, SynthesisExperiment, Tick};

/// The flags of `sweep neural-style`.
#[derive(Debug, Params)]
pub struct SweepArgs {
    /// Style weights β (α = 1), comma-separated.
    #[param(delimiter = ',')]
    pub style_weights: Vec<f64>,
    /// The style image: a name in the textures folder or an image file.
    #[param(value_name = "NAME|FILE")]
    pub style: String,
    /// The content image: a name in the textures folder or an image file.
    #[param(value_name = "NAME|FILE")]
    pub content: String,
    /// The network whose features are matched.
    #[param]
    pub features: FeatureNetwork,
    /// The VGG-19 weights (`.pth` or `.safetensors`, torchvision's layout) for --features vgg19.
    #[param(value_name = "FILE")]
    pub weights: String,
    /// The image-classification run for --features run.
    #[param(value_name = "RUN_DIR")]
    pub feature_run: String,
    /// Optimisation steps per β.
    #[param]
    pub steps: u64,
    /// Side of the images.
    #[param]
    pub size: usize,
    /// Folder of the style and content images [default: ./data/textures, else the embedded copies].
    #[param(value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Compute backend [default: flex].
    #[param]
    pub backend: Option<Backend>,
    /// Folder written: sweep.png (content, style, then one result per β) and sweep.json.
    #[param(value_name = "DIR", required)]
    pub out: PathBuf,
    /// Replace files already in --out.
    #[param]
    pub force: bool,
}

impl Default for SweepArgs {
    fn default() -> Self {
        let preset = StyleConfig::for_task(StyleTask::Transfer);
        Self {
            style_weights: vec![0.1, 1.0, 10.0, 100.0],
            style: preset.style,
            content: preset.content,
            features: preset.features,
            weights: preset.weights,
            feature_run: preset.feature_run,
            steps: 10 * STEPS_PER_EPOCH as u64,
            size: preset.size,
            data_dir: None,
            backend: None,
            out: PathBuf::new(),
            force: false,
        }
    }
}

#[derive(Debug, Serialize)]
struct Point {
    style_weight: f64,
    /// Style distance to the style image on held-out random filters.
    random_style: f64,
    /// `½·mean (F^c(x) − F^c(p))²` on held-out random filters' content layer.
    random_content: f64,
}

pub fn run(_: &super::StyleLecture, args: &SweepArgs, ctx: &atelier_lecture::Context) -> Result<(), String> {
    if args.style_weights.is_empty() || args.style_weights.iter().any(|w| !(*w > 0.0 && w.is_finite())) {
        return Err("--style-weights needs positive numbers, e.g. 0.1,1,10,100".into());
    }
    if args.steps == 0 {
        return Err("--steps must be at least 1".into());
    }
    let config = StyleConfig {
        style: args.style.clone(),
        content: args.content.clone(),
        features: args.features,
        weights: args.weights.clone(),
        feature_run: args.feature_run.clone(),
        size: args.size,
        ..StyleConfig::for_task(StyleTask::Transfer)
    };
    config.validate()?;
    let found = data::locate(&config, args.data_dir.as_deref())?;
    let folder = OutputFolder::open(&args.out, &[], Existing::from_force(args.force))?;
    let planned = [("sweep.png".to_string(), args.out.clone()), ("sweep.json".to_string(), args.out.clone())];
    let paths = folder.claim(&planned)?;
    let images = data::load(found.source, config.size)?;
    let content = images.content.ok_or("a transfer has a content image")?;
    let device = args.backend.unwrap_or(Backend::Flex).device().map_err(|e| e.to_string())?;
    let train_device = device.clone().autodiff();
    let judge = FeatureNet::random(MEASURING_SEED, &device);
    let (style, content_tensor) = (image_tensor(&images.style, &device), image_tensor(&content, &device));
    let read = |t: Tensor<1>| scalar_to_host(t, "a distance").map(f64::from).map_err(|e| e.to_string());
    let mut points = Vec::new();
    let mut results = Vec::new();
    for &style_weight in &args.style_weights {
        train_device.seed(0);
        let transfer = StyleConfig { style_weight, ..config.clone() };
        let pair = Images {
            style: image_tensor(&images.style, &train_device),
            content: Some(image_tensor(&content, &train_device)),
        };
        let mut synthesis = SynthesisExperiment::new(transfer, feature_net(&config, &train_device, ctx)?, pair);
        for step in 0..args.steps {
            let mut ctx =
                StepContext { step, epoch: 0, device: train_device.clone(), rng: atelier_core::Rng::new(step) };
            synthesis.train_step(Tick, &mut ctx);
        }
        let pixels = to_host_f32(synthesis.canvas.picture(), "the result").map_err(|e| e.to_string())?;
        let x = Tensor::<4>::from_data(TensorData::new(pixels.clone(), [1, 3, config.size, config.size]), &device);
        let point = Point {
            style_weight,
            random_style: read(style_distance(&judge, x.clone(), style.clone()))?,
            random_content: read(content_distance(&judge, x.clone(), content_tensor.clone()))?,
        };
        eprintln!(
            "β = {style_weight}: style distance {:.4}, content distance {:.4}",
            point.random_style, point.random_content
        );
        points.push(point);
        results.push(pixels);
    }
    // One strip: content, style, then the result of each β, left to right.
    let strip = std::iter::once(content.to_planar_unit())
        .chain([images.style.to_planar_unit()])
        .chain(results)
        .collect::<Vec<_>>();
    let picture = side_by_side(&strip, config.size);
    let bytes = encode(&picture.pixels, picture.width, picture.height, Channels::Rgb).map_err(|e| e.to_string())?;
    folder.write(&paths[0], &bytes)?;
    write_json_atomic(&paths[1], &points).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote {} (content, style, then β = {:?}) and {}",
        paths[0].display(),
        args.style_weights,
        paths[1].display()
    );
    Ok(())
}

/// Square planar images `[3, s, s]` side by side, 4 white pixels apart.
fn side_by_side(images: &[Vec<f32>], size: usize) -> ColourImage {
    let gap = 4;
    let width = images.len() * (size + gap) - gap;
    let mut pixels = vec![255u8; width * size * 3];
    for (k, image) in images.iter().enumerate() {
        let tile = ColourImage::from_planar_unit(image, size, size);
        for y in 0..size {
            let from = &tile.pixels[y * size * 3..(y + 1) * size * 3];
            let start = (y * width + k * (size + gap)) * 3;
            pixels[start..start + size * 3].copy_from_slice(from);
        }
    }
    ColourImage { width, height: size, pixels }
}
