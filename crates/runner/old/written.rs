//! Writing a planar image in `[0, 1]` (1 grey or 3 RGB channels) as a PNG: what `translate`
//! writes for pix2pix and CycleGAN runs.

use std::path::Path;

use atelier_core::png::{Channels, save, save_gray_unit};
use atelier_data::colour::ColourImage;

/// `pixels`: `[channels, height, width]` in `[0, 1]`; 3 channels are written as RGB, any other
/// count as grey (the first plane).
pub fn save_planar_unit(
    path: &Path,
    pixels: &[f32],
    channels: usize,
    width: usize,
    height: usize,
) -> Result<(), String> {
    let saved = if channels == 3 {
        let rgb = ColourImage::from_planar_unit(pixels, width, height);
        save(path, &rgb.pixels, width, height, Channels::Rgb)
    } else {
        save_gray_unit(path, pixels, width, height)
    };
    saved.map_err(|e| format!("{}: {e}", path.display()))
}
