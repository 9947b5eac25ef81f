//! `translate --run RUN --in DIR --out DIR` for a pix2pix run: a user's own images through its
//! generator (the runner reads and writes the files).
//!
//! Each PNG or JPEG of `--in` (any size; transparency on white) is resized to the model's size and
//! turned into the task's input (RGB; the lightness for colorize; the Sobel edge map for the edge
//! tasks; grey for edges2fashion), translated, and written to `--out` under its own name as a PNG,
//! at the input's own size (`--size input`, the default) or the model's (`--size model`).
//!
//! At the input's size the output is scaled back up, except for colorize: there the model predicts
//! only colour (a, b), so the written image keeps the input's own lightness L at full resolution and
//! only a, b are scaled up — colour is smooth, so little is lost (the usual trick of colorization).

use atelier_data::colour::{ColourImage, resize_planes};
use atelier_data::edges::{edge_map, planar_rgb_to_grey};
use atelier_data::lab::{planar_rgb_to_unit_lab, planar_unit_lab_to_rgb};
use atelier_lecture::{OutputSize, Planar, Translate};
use burn::prelude::*;

use super::eval::render;
use crate::{ColourSpace, Pix2PixConfig, TranslationTask, UNetGenerator, translate};

/// A pix2pix run's generator, ready for a user's images.
pub struct Translator {
    pub generator: UNetGenerator,
    pub config: Pix2PixConfig,
    pub device: Device,
    /// The run and its checkpoint, for the log.
    pub described: String,
}

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

/// The output at the size asked for. `original` is the input image before it was resized to the
/// model; `input` and `output` the generator's planes at the model's size.
fn at_size(config: &Pix2PixConfig, original: &ColourImage, input: &[f32], output: &[f32], size: OutputSize) -> Planar {
    let side = config.size;
    let (width, height) = (original.width, original.height);
    match (size, config.colour) {
        (OutputSize::Model, _) => {
            let shown = render(config, input, output);
            Planar { channels: shown.channels, width: side, height: side, pixels: shown.pixels }
        }
        (OutputSize::Input, ColourSpace::LabChroma) => {
            // L at full resolution from the original, a and b scaled up: [3, height, width].
            let mut lab = planar_rgb_to_unit_lab(&original.to_planar_unit());
            let chroma = resize_planes(output, side, side, width, height); // [2, height, width]
            lab[width * height..].copy_from_slice(&chroma);
            Planar { channels: 3, width, height, pixels: planar_unit_lab_to_rgb(&lab) }
        }
        (OutputSize::Input, ColourSpace::Rgb) => {
            let shown = render(config, input, output);
            Planar {
                channels: shown.channels,
                width,
                height,
                pixels: resize_planes(&shown.pixels, side, side, width, height),
            }
        }
    }
}

impl Translate for Translator {
    fn describe(&self) -> String {
        self.described.clone()
    }

    fn translate(&self, original: &ColourImage, size: OutputSize) -> Result<Planar, String> {
        let (config, side) = (&self.config, self.config.size);
        let image = original.clone().resized(side);
        let input = task_input(config, &image.to_planar_unit());
        let x = Tensor::<4>::from_data(
            TensorData::new(input.clone(), [1, config.input_channels, side, side]),
            &self.device,
        );
        let output = atelier_train::host::to_host_f32(translate(&self.generator, x), "the translation")
            .map_err(|e| e.to_string())?;
        Ok(at_size(config, original, &input, &output, size))
    }
}
