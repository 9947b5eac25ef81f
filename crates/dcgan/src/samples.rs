//! Pictures of a generator: fixed noise, the progression strip across epochs, interpolation.

use atelier_layers::latent::{linear_path, standard_normal_codes};
use atelier_train::Figure;
use atelier_train::host::{DeviceReadError, to_host_f32};
use burn::prelude::*;

use crate::model::{Generator, to_pixels};

/// Seed of the fixed noise every sample grid and score uses (the same z for every run and epoch).
pub const FIXED_NOISE_SEED: u64 = 0x6A4E_0001;
/// Images per row of the progression strip.
pub const PROGRESSION_IMAGES: usize = 10;
/// Side of the fixed-noise sample grid.
pub const GRID_SIDE: usize = 8;
/// Points on each interpolation path.
pub const INTERPOLATION_STEPS: usize = 10;
const PIXELS: usize = 28 * 28;

/// `G(z)` as pixels in `[0, 1]`, with batch norm on its running statistics (the deployed model).
/// `z`: `[n, latent]` → `[n, 1, 28, 28]`
pub fn generate(generator: &Generator, z: Tensor<2>) -> Tensor<4> {
    to_pixels(generator.valid().forward(z.without_autodiff()))
}

/// The fixed-noise grid: `GRID_SIDE` rows of `GRID_SIDE` samples.
pub fn sample_grid(generator: &Generator, latent: usize, device: &Device) -> Figure {
    let images = generate(generator, standard_normal_codes(GRID_SIDE * GRID_SIDE, latent, FIXED_NOISE_SEED, device));
    let rows = (0..GRID_SIDE)
        .map(|r| (String::new(), images.clone().narrow(0, r * GRID_SIDE, GRID_SIDE))) // [8, 1, 28, 28]
        .collect();
    Figure::Grid { name: "samples".into(), rows, marks: Vec::new() }
}

/// Straight paths `G((1−t)·z_a + t·z_b)` between pairs of fixed noise vectors, one row per pair.
pub fn interpolation_figure(generator: &Generator, latent: usize, pairs: usize, device: &Device) -> Figure {
    let z = standard_normal_codes(2 * pairs, latent, FIXED_NOISE_SEED ^ 0xABCD, device); // [2·pairs, latent]
    let rows = (0..pairs)
        .map(|p| {
            let path =
                linear_path(z.clone().narrow(0, 2 * p, 1), z.clone().narrow(0, 2 * p + 1, 1), INTERPOLATION_STEPS);
            (String::new(), generate(generator, path)) // [10, 1, 28, 28]
        })
        .collect();
    Figure::Grid { name: "interpolation".into(), rows, marks: Vec::new() }
}

/// The same `PROGRESSION_IMAGES` noise vectors decoded at the end of each epoch, kept on the
/// device (read back only when a checkpoint is written, where a failed read is an error) and in the
/// checkpoint, so a resumed run draws the whole strip.
#[derive(Debug, Clone, Default)]
pub struct Progression {
    /// `(epoch, images)`: epoch counted from 0, images `[10, 1, 28, 28]` in `[0, 1]`.
    pub rows: Vec<(u64, Tensor<4>)>,
}

impl Progression {
    pub fn has(&self, epoch: u64) -> bool {
        self.rows.iter().any(|(e, _)| *e == epoch)
    }

    /// Decodes the progression noise with `generator` and records it as the state after `epoch`.
    pub fn record(&mut self, epoch: u64, generator: &Generator, latent: usize, device: &Device) {
        self.rows.push((epoch, generate(generator, progression_noise(latent, device))));
    }

    /// The strip: one labelled row per recorded epoch, then `current` (the model now) as `now_epoch`.
    pub fn figure(&self, generator: &Generator, latent: usize, now_epoch: u64, device: &Device) -> Figure {
        let mut rows: Vec<(String, Tensor<4>)> = self
            .rows
            .iter()
            .filter(|(e, _)| *e < now_epoch)
            .map(|(e, images)| (format!("epoch {}", e + 1), images.clone()))
            .collect();
        rows.push((format!("epoch {}", now_epoch + 1), generate(generator, progression_noise(latent, device))));
        Figure::Grid { name: "progression".into(), rows, marks: Vec::new() }
    }

    /// `[rows][epoch u64][values u64][f32 …]`, little-endian (one host read per row).
    pub fn to_bytes(&self) -> Result<Vec<u8>, DeviceReadError> {
        let mut out = (self.rows.len() as u64).to_le_bytes().to_vec();
        for (epoch, images) in &self.rows {
            let pixels = to_host_f32(images.clone(), &format!("the progression strip of epoch {}", epoch + 1))?;
            out.extend(epoch.to_le_bytes());
            out.extend((pixels.len() as u64).to_le_bytes());
            for v in pixels {
                out.extend(v.to_le_bytes());
            }
        }
        Ok(out)
    }

    /// [`Progression::to_bytes`]'s record, its images on `device`.
    pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Self, String> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], String> {
            let slice = bytes.get(at..at + n).ok_or("the progression record is truncated")?;
            at += n;
            Ok(slice)
        };
        let u64_of = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        let count = u64_of(take(8)?);
        let mut rows = Vec::new();
        for _ in 0..count {
            let epoch = u64_of(take(8)?);
            let len = u64_of(take(8)?) as usize;
            let raw = take(len.checked_mul(4).ok_or("the progression record is corrupt")?)?;
            let pixels: Vec<f32> = raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            let n = pixels.len() / PIXELS;
            rows.push((epoch, Tensor::from_data(TensorData::new(pixels, [n, 1, 28, 28]), device))); // [n, 1, 28, 28]
        }
        Ok(Self { rows })
    }
}

/// The noise of the progression strip: the first row of the fixed-noise grid.
fn progression_noise(latent: usize, device: &Device) -> Tensor<2> {
    standard_normal_codes(PROGRESSION_IMAGES, latent, FIXED_NOISE_SEED, device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progression_bytes_round_trip_and_truncation_is_an_error() {
        let device = atelier_backend::Backend::Flex.device().unwrap();
        let row = |value: f32| Tensor::<4>::full([1, 1, 28, 28], value, &device);
        let p = Progression { rows: vec![(0, row(0.5)), (3, row(0.25))] };
        let bytes = p.to_bytes().unwrap();
        let back = Progression::from_bytes(&bytes, &device).unwrap();
        assert_eq!(back.rows.iter().map(|(e, _)| *e).collect::<Vec<_>>(), vec![0, 3]);
        assert_eq!(back.to_bytes().unwrap(), bytes);
        let err = Progression::from_bytes(&bytes[..bytes.len() - 2], &device).unwrap_err();
        assert!(err.contains("truncated"), "{err}");
    }
}
