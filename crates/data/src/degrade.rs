//! Controlled damage to images, to calibrate the ruler: FCD must grow with each (host, f32).

use atelier_core::Rng;

/// `clip(x + σ·ε, 0, 1)`, `ε ~ N(0, 1)` per pixel from `seed`.
pub fn gaussian_noise(pixels: &[f32], sigma: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    pixels.iter().map(|p| (p + sigma * rng.normal()).clamp(0.0, 1.0)).collect()
}

/// Gaussian blur of std `sigma` pixels (separable kernel of radius ⌈3σ⌉, edges clamped) on
/// every `side × side` image of `pixels`. `sigma = 0` returns the images unchanged.
pub fn gaussian_blur(pixels: &[f32], side: usize, sigma: f32) -> Vec<f32> {
    if sigma <= 0.0 {
        return pixels.to_vec();
    }
    let radius = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f32> = (-radius..=radius).map(|d| (-((d * d) as f32) / (2.0 * sigma * sigma)).exp()).collect();
    let total: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / total).collect();
    let clamp = |i: isize| i.clamp(0, side as isize - 1) as usize;
    let mut out = Vec::with_capacity(pixels.len());
    for image in pixels.chunks(side * side) {
        let mut rows = vec![0.0f32; side * side];
        for r in 0..side {
            for c in 0..side {
                rows[r * side + c] =
                    (-radius..=radius).zip(&kernel).map(|(d, k)| k * image[r * side + clamp(c as isize + d)]).sum();
            }
        }
        for r in 0..side {
            for c in 0..side {
                out.push(
                    (-radius..=radius).zip(&kernel).map(|(d, k)| k * rows[clamp(r as isize + d) * side + c]).sum(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blur_keeps_constant_images_and_mass() {
        let flat = vec![0.4f32; 2 * 28 * 28];
        assert!(gaussian_blur(&flat, 28, 1.5).iter().all(|p| (p - 0.4).abs() < 1e-6));
        let mut dot = vec![0.0f32; 28 * 28];
        dot[14 * 28 + 14] = 1.0;
        let blurred = gaussian_blur(&dot, 28, 1.0);
        assert!((blurred.iter().sum::<f32>() - 1.0).abs() < 1e-4, "an interior dot keeps its mass");
        assert!(blurred[14 * 28 + 14] < 0.2 && blurred[14 * 28 + 15] > 0.05);
    }

    #[test]
    fn noise_is_seeded_and_clipped() {
        let x = vec![0.5f32; 100];
        assert_eq!(gaussian_noise(&x, 0.3, 1), gaussian_noise(&x, 0.3, 1));
        assert!(gaussian_noise(&x, 5.0, 2).iter().all(|p| (0.0..=1.0).contains(p)));
    }
}
