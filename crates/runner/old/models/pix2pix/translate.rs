//! `translate --run RUN --in DIR --out DIR`: a user's own images through a trained generator.
//!
//! Each PNG or JPEG of `--in` (any size; transparency on white) is resized to the model's size and
//! turned into the task's input (RGB; the lightness for colorize; the Sobel edge map for the edge
//! tasks; grey for edges2fashion), translated, and written to `--out` under its own name as a PNG,
//! at the input's own size (`--size input`, the default) or the model's (`--size model`).
//!
//! At the input's size the output is scaled back up, except for colorize: there the model predicts
//! only colour (a, b), so the written image keeps the input's own lightness L at full resolution and
//! only a, b are scaled up — colour is smooth, so little is lost (the usual trick of colorization).

use std::path::Path;

use atelier_cli::OutputSize;
use atelier_core::run_dir::RunDir;
use atelier_data::colour::{ColourImage, GreyPolicy, image_files, read_image, resize_planes};
use atelier_data::edges::{edge_map, planar_rgb_to_grey};
use atelier_data::lab::{planar_rgb_to_unit_lab, planar_unit_lab_to_rgb};
use atelier_pix2pix::{ColourSpace, Pix2PixConfig, TranslationTask, load_generator};
use burn::prelude::*;

use super::eval::render;
use crate::models::latest_checkpoint;

/// The task's input `[c_in, size, size]` for one RGB image (planar, unit).
fn task_input(config: &Pix2PixConfig, rgb: &[f32]) -> Vec<f32> {
    let side = config.size;
    match config.task {
        TranslationTask::TwitterToGoogle | TranslationTask::Folder => rgb.to_vec(),
        TranslationTask::Colorize => planar_rgb_to_unit_lab(rgb)[..side * side].to_vec(),
        TranslationTask::Edges2emoji | TranslationTask::Edges2fashion => {
            edge_map(&planar_rgb_to_grey(rgb), side, side, config.edge_threshold)
        }
    }
}

/// A picture to write: planar `[channels, height, width]` in `[0, 1]`, 1 (grey) or 3 (RGB) channels.
struct Written {
    channels: usize,
    width: usize,
    height: usize,
    pixels: Vec<f32>,
}

/// The output at the size asked for. `original` is the input image before it was resized to the
/// model; `input` and `output` the generator's planes at the model's size.
fn at_size(config: &Pix2PixConfig, original: &ColourImage, input: &[f32], output: &[f32], size: OutputSize) -> Written {
    let side = config.size;
    let (width, height) = (original.width, original.height);
    match (size, config.colour) {
        (OutputSize::Model, _) => {
            let shown = render(config, input, output);
            Written { channels: shown.channels, width: side, height: side, pixels: shown.pixels }
        }
        (OutputSize::Input, ColourSpace::LabChroma) => {
            // L at full resolution from the original, a and b scaled up: [3, height, width].
            let mut lab = planar_rgb_to_unit_lab(&original.to_planar_unit());
            let chroma = resize_planes(output, side, side, width, height); // [2, height, width]
            lab[width * height..].copy_from_slice(&chroma);
            Written { channels: 3, width, height, pixels: planar_unit_lab_to_rgb(&lab) }
        }
        (OutputSize::Input, ColourSpace::Rgb) => {
            let shown = render(config, input, output);
            Written {
                channels: shown.channels,
                width,
                height,
                pixels: resize_planes(&shown.pixels, side, side, width, height),
            }
        }
    }
}

/// Translates every image of `input` into `out`; returns how many were written.
pub fn translate(
    run: &RunDir,
    config: &Pix2PixConfig,
    device: &Device,
    input: &Path,
    out: &Path,
    size: OutputSize,
) -> Result<usize, String> {
    let files = image_files(input).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!("{}: no PNG or JPEG images to translate", input.display()));
    }
    let (step, blobs) = latest_checkpoint(run)?;
    let generator = load_generator(config, &blobs, device)?;
    eprintln!(
        "translating {} images with {} ({}) at step {step}",
        files.len(),
        run.path().display(),
        config.task.name()
    );
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let side = config.size;
    for file in &files {
        let original = read_image(file, GreyPolicy::Convert).map_err(|e| e.to_string())?;
        let image = original.clone().resized(side);
        let input_pixels = task_input(config, &image.to_planar_unit());
        let x = Tensor::<4>::from_data(
            TensorData::new(input_pixels.clone(), [1, config.input_channels, side, side]),
            device,
        );
        let output = atelier_train::host::to_host_f32(atelier_pix2pix::translate(&generator, x), "the translation")
            .map_err(|e| e.to_string())?;
        let written = at_size(config, &original, &input_pixels, &output, size);
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let path = out.join(format!("{stem}.png"));
        crate::written::save_planar_unit(&path, &written.pixels, written.channels, written.width, written.height)?;
    }
    Ok(files.len())
}

/// `translate`: opens the run (pix2pix or CycleGAN), picks the backend (the run's unless typed),
/// translates.
pub fn run(cmd: &atelier_cli::TranslateArgs) -> Result<(), String> {
    use crate::config::ModelConfig;
    let run = RunDir::open(&cmd.run).map_err(|e| e.to_string())?;
    let config = crate::config::RunConfig::load(&run.config_path())?;
    let backend: atelier_backend::Backend = match cmd.backend {
        Some(b) => b,
        None => config.backend.parse().map_err(|e: atelier_backend::BackendError| e.to_string())?,
    };
    let count = match (&config.model, cmd.direction) {
        (ModelConfig::Pix2pix(_), Some(_)) => {
            return Err("--direction is CycleGAN's (x2y or y2x); a pix2pix run translates one way".into());
        }
        (ModelConfig::Pix2pix(model), None) => {
            let device = backend.device().map_err(|e| e.to_string())?;
            translate(&run, model, &device, &cmd.input, &cmd.out, cmd.size)?
        }
        (ModelConfig::Cyclegan(_), None) => {
            return Err("a CycleGAN run translates both ways: give --direction x2y (G) or y2x (F)".into());
        }
        (ModelConfig::Cyclegan(model), Some(direction)) => {
            let device = backend.device().map_err(|e| e.to_string())?;
            crate::models::cyclegan::translate::translate(
                &run, model, direction, &device, &cmd.input, &cmd.out, cmd.size,
            )?
        }
        (model, _) => {
            return Err(format!(
                "{} is a {} run; translate needs a pix2pix or cyclegan run",
                run.path().display(),
                model.name()
            ));
        }
    };
    println!("wrote {count} translations to {}", cmd.out.display());
    Ok(())
}
