//! The image being optimised: its pixels are the only parameters.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::Distribution;

/// The range of the noise a texture starts from: grey ± 0.1, not the paper's full-range white
/// noise. The small networks' features are blind to part of the pixel-level noise (the first
/// block's 32 filters of 3×3 see less than VGG's 64), and what they do not see, the gradient never
/// removes: from full-range noise the picture keeps it (measured: the brick's held-out distance
/// 0.43 of Heeger–Bergen's from full-range noise, 0.16 from this).
pub const START_NOISE: (f64, f64) = (0.4, 0.6);

/// The pixels `x`, `[1, c, h, w]` (`c` = 1 for a grey texture, else 3), a parameter the optimiser
/// updates like a network's weight.
#[derive(Module, Debug)]
pub struct Canvas {
    pub pixels: Param<Tensor<4>>,
}

impl Canvas {
    /// Starts from `image` (style transfer starts from the content image).
    pub fn from_image(image: Tensor<4>) -> Self {
        Self { pixels: Param::from_tensor(image) }
    }

    /// Starts from uniform noise in [`START_NOISE`], `[1, channels, size, size]`, drawn from the
    /// device's seed.
    pub fn noise(channels: usize, size: usize, device: &Device) -> Self {
        let (lo, hi) = START_NOISE;
        Self::from_image(Tensor::<4>::random([1, channels, size, size], Distribution::Uniform(lo, hi), device))
    }

    /// The pixels as optimised (not constrained to `[0, 1]`), as RGB: `[1, 3, h, w]` (a grey
    /// canvas's one channel three times).
    pub fn image(&self) -> Tensor<4> {
        let pixels = self.pixels.val(); // [1, c, h, w]
        match pixels.dims()[1] {
            1 => pixels.repeat_dim(1, 3), // [1, 3, h, w]
            _ => pixels,
        }
    }

    /// The pixels as drawn and measured: RGB, clamped to `[0, 1]`, detached.
    pub fn picture(&self) -> Tensor<4> {
        self.image().detach().clamp(0.0, 1.0)
    }
}
