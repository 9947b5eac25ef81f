//! `translate --run RUN --direction x2y|y2x --in DIR --out DIR` for a CycleGAN run (the runner
//! reads and writes the files): each PNG or JPEG of `--in` (any size; transparency on white) is
//! resized to the model's size, made the domain's input (RGB; grey for the garments; the Sobel edge
//! map when edges go in), translated by `G` (x2y) or `F` (y2x), and written to `--out` under its
//! own name as a PNG, at the input's own size (`--size input`, the default) or the model's.

use atelier_data::colour::{ColourImage, resize_planes};
use atelier_data::edges::{edge_map, planar_rgb_to_grey};
use atelier_lecture::{OutputSize, Planar, Translate};
use burn::prelude::*;

use crate::{CycleGanConfig, CycleTask, Direction, Generators, translate as generate};

/// A CycleGAN run's generator of one direction, ready for a user's images.
pub struct Translator {
    pub generators: Generators,
    pub direction: Direction,
    pub config: CycleGanConfig,
    pub device: Device,
    /// The direction, run and checkpoint, for the log.
    pub described: String,
}

/// The generator's input `[c, size, size]` for one RGB image (planar, unit).
fn domain_input(config: &CycleGanConfig, direction: Direction, rgb: &[f32]) -> Vec<f32> {
    let side = config.size;
    match (config.task, direction) {
        (CycleTask::EdgesFashion, Direction::X2y) => edge_map(&planar_rgb_to_grey(rgb), side, side, 0.5),
        (CycleTask::EdgesFashion, Direction::Y2x) => planar_rgb_to_grey(rgb),
        _ => rgb.to_vec(),
    }
}

impl Translate for Translator {
    fn describe(&self) -> String {
        self.described.clone()
    }

    fn translate(&self, original: &ColourImage, size: OutputSize) -> Result<Planar, String> {
        let (side, c) = (self.config.size, self.config.channels);
        let image = original.clone().resized(side);
        let x = domain_input(&self.config, self.direction, &image.to_planar_unit());
        let x = Tensor::<4>::from_data(TensorData::new(x, [1, c, side, side]), &self.device); // [1, c, s, s]
        let generator = self.generators.of(self.direction);
        let output =
            atelier_train::host::to_host_f32(generate(generator, x), "the translation").map_err(|e| e.to_string())?;
        let (width, height) = match size {
            OutputSize::Model => (side, side),
            OutputSize::Input => (original.width, original.height),
        };
        Ok(Planar { channels: c, width, height, pixels: resize_planes(&output, side, side, width, height) })
    }
}
