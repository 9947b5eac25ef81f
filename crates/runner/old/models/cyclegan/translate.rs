//! `translate --run RUN --direction x2y|y2x --in DIR --out DIR` for a CycleGAN run: each PNG or
//! JPEG of `--in` (any size; transparency on white) is resized to the model's size, made the
//! domain's input (RGB; grey for the garments; the Sobel edge map when edges go in), translated by
//! `G` (x2y) or `F` (y2x), and written to `--out` under its own name as a PNG, at the input's own
//! size (`--size input`, the default) or the model's (`--size model`).

use std::path::Path;

use atelier_cli::OutputSize;
use atelier_core::run_dir::RunDir;
use atelier_cyclegan::{CycleGanConfig, CycleTask, Direction, load_generators, translate as generate};
use atelier_data::colour::{GreyPolicy, image_files, read_image, resize_planes};
use atelier_data::edges::{edge_map, planar_rgb_to_grey};
use burn::prelude::*;

use crate::models::latest_checkpoint;

/// The generator's input `[c, size, size]` for one RGB image (planar, unit).
fn domain_input(config: &CycleGanConfig, direction: Direction, rgb: &[f32]) -> Vec<f32> {
    let side = config.size;
    match (config.task, direction) {
        (CycleTask::EdgesFashion, Direction::X2y) => edge_map(&planar_rgb_to_grey(rgb), side, side, 0.5),
        (CycleTask::EdgesFashion, Direction::Y2x) => planar_rgb_to_grey(rgb),
        _ => rgb.to_vec(),
    }
}

/// Translates every image of `input` into `out`; returns how many were written.
pub fn translate(
    run: &RunDir,
    config: &CycleGanConfig,
    direction: Direction,
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
    let generators = load_generators(config, &blobs, device)?;
    let generator = generators.of(direction);
    eprintln!(
        "translating {} images {} with {} ({}) at step {step}",
        files.len(),
        direction.name(),
        run.path().display(),
        config.task.name()
    );
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let (side, c) = (config.size, config.channels);
    for file in &files {
        let original = read_image(file, GreyPolicy::Convert).map_err(|e| e.to_string())?;
        let image = original.clone().resized(side);
        let x = domain_input(config, direction, &image.to_planar_unit());
        let x = Tensor::<4>::from_data(TensorData::new(x, [1, c, side, side]), device); // [1, c, s, s]
        let output =
            atelier_train::host::to_host_f32(generate(generator, x), "the translation").map_err(|e| e.to_string())?;
        let (width, height) = match size {
            OutputSize::Model => (side, side),
            OutputSize::Input => (original.width, original.height),
        };
        let pixels = resize_planes(&output, side, side, width, height);
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let path = out.join(format!("{stem}.png"));
        crate::written::save_planar_unit(&path, &pixels, c, width, height)?;
    }
    Ok(files.len())
}
