//! Data augmentation: small random changes that leave the class of an image unchanged.
//!
//! Each transform is a pure function of one grayscale image — `rows × cols` floats,
//! row-major, values in `[0, 1]` — and returns a new image of the same size. Pixels
//! that come from outside the original image are black (0). The geometric transforms
//! map every *output* pixel back to the point of the input it comes from, and read that
//! point by bilinear interpolation (a weighted mean of the four nearest pixels).
//!
//! Coordinates: `x` is the column (to the right), `y` the row (downwards); the centre
//! of an image is `((cols - 1) / 2, (rows - 1) / 2)`.
//!
//! An image whose length is not `rows * cols` is not an error worth a panic: missing
//! pixels read as black, and the output always has `rows * cols` pixels.
//!
//! [`AugmentConfig`] bundles the transforms used in training; its default does nothing.

use atelier_core::rng::Rng;

/// What to do with values that noise pushes outside `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clip {
    /// Leave them as they are.
    None,
    /// Clamp them into `[0, 1]`.
    UnitInterval,
}

/// Mirrors the image left–right.
pub fn flip_horizontal(img: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    map_pixels(rows, cols, |r, c| pixel(img, rows, cols, r as i64, (cols - 1 - c) as i64))
}

/// Rotates the image by `degrees` about its centre, counter-clockwise as displayed.
pub fn rotate(img: &[f32], rows: usize, cols: usize, degrees: f32) -> Vec<f32> {
    let (sin, cos) = f64::from(degrees).to_radians().sin_cos();
    let (cy, cx) = centre(rows, cols);
    // The output pixel at offset (dx, dy) from the centre comes from the input point
    // rotated back by the same angle.
    map_pixels(rows, cols, |r, c| {
        let (dx, dy) = (c as f64 - cx, r as f64 - cy);
        let x = cx + dx * cos - dy * sin;
        let y = cy + dx * sin + dy * cos;
        bilinear(img, rows, cols, y, x)
    })
}

/// Zooms by `factor` about the centre: above 1 enlarges (and crops), below 1 shrinks
/// (and pads with black). A factor that is not a positive number leaves the image unchanged.
pub fn scale(img: &[f32], rows: usize, cols: usize, factor: f32) -> Vec<f32> {
    if !(factor.is_finite() && factor > 0.0) {
        return shift(img, rows, cols, 0, 0);
    }
    let factor = f64::from(factor);
    let (cy, cx) = centre(rows, cols);
    map_pixels(rows, cols, |r, c| {
        let x = cx + (c as f64 - cx) / factor;
        let y = cy + (r as f64 - cy) / factor;
        bilinear(img, rows, cols, y, x)
    })
}

/// Moves the image `dx` pixels right and `dy` pixels down (negative: left, up).
pub fn translate(img: &[f32], rows: usize, cols: usize, dx: i32, dy: i32) -> Vec<f32> {
    shift(img, rows, cols, i64::from(dx), i64::from(dy))
}

/// Pads the image with `pad` black pixels on every side, then cuts a `rows × cols`
/// window at a random position: a random shift of at most `pad` pixels each way.
pub fn random_crop(img: &[f32], rows: usize, cols: usize, pad: usize, rng: &mut Rng) -> Vec<f32> {
    let left = rng.below(2 * pad + 1) as i64;
    let top = rng.below(2 * pad + 1) as i64;
    shift(img, rows, cols, pad as i64 - left, pad as i64 - top)
}

/// Adds independent Gaussian noise of standard deviation `sigma` to every pixel.
pub fn gaussian_noise(img: &[f32], sigma: f32, rng: &mut Rng, clip: Clip) -> Vec<f32> {
    img.iter()
        .map(|&x| {
            let noisy = x + sigma * rng.normal();
            match clip {
                Clip::None => noisy,
                Clip::UnitInterval => noisy.clamp(0.0, 1.0),
            }
        })
        .collect()
}

/// The random augmentation applied to each training image.
#[derive(Debug, Clone, PartialEq)]
pub struct AugmentConfig {
    /// Probability of a horizontal flip.
    pub flip_prob: f32,
    /// Rotation angle drawn uniformly in `[-max, max]` degrees.
    pub max_rotation_deg: f32,
    /// Zoom factor drawn uniformly in `[lo, hi]`.
    pub scale_range: (f32, f32),
    /// Shift drawn uniformly in `-max..=max` pixels, independently for x and y.
    pub max_translate: i32,
    /// Standard deviation of added Gaussian noise (clipped to `[0, 1]`).
    pub noise_sigma: f32,
}

impl Default for AugmentConfig {
    /// Everything off: `apply` returns the image unchanged.
    fn default() -> Self {
        AugmentConfig {
            flip_prob: 0.0,
            max_rotation_deg: 0.0,
            scale_range: (1.0, 1.0),
            max_translate: 0,
            noise_sigma: 0.0,
        }
    }
}

impl AugmentConfig {
    /// Applies, in order: flip, rotation, zoom, shift, noise. A transform that is
    /// switched off is skipped and draws nothing from `rng`.
    pub fn apply(&self, img: &[f32], rows: usize, cols: usize, rng: &mut Rng) -> Vec<f32> {
        let mut out = shift(img, rows, cols, 0, 0); // a copy, of exactly rows × cols pixels
        if self.flip_prob > 0.0 && rng.next_f32() < self.flip_prob {
            out = flip_horizontal(&out, rows, cols);
        }
        if self.max_rotation_deg > 0.0 {
            let degrees = rng.uniform(-self.max_rotation_deg, self.max_rotation_deg);
            out = rotate(&out, rows, cols, degrees);
        }
        let (lo, hi) = self.scale_range;
        if (lo, hi) != (1.0, 1.0) {
            out = scale(&out, rows, cols, rng.uniform(lo, hi));
        }
        if self.max_translate > 0 {
            let span = 2 * self.max_translate as usize + 1;
            let dx = rng.below(span) as i32 - self.max_translate;
            let dy = rng.below(span) as i32 - self.max_translate;
            out = translate(&out, rows, cols, dx, dy);
        }
        if self.noise_sigma > 0.0 {
            out = gaussian_noise(&out, self.noise_sigma, rng, Clip::UnitInterval);
        }
        out
    }
}

/// Builds a `rows × cols` image from a function of (row, col).
fn map_pixels(rows: usize, cols: usize, f: impl Fn(usize, usize) -> f32) -> Vec<f32> {
    (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))).map(|(r, c)| f(r, c)).collect()
}

/// The pixel at (`r`, `c`), or black outside the image.
fn pixel(img: &[f32], rows: usize, cols: usize, r: i64, c: i64) -> f32 {
    let inside = (0..rows as i64).contains(&r) && (0..cols as i64).contains(&c);
    if inside { img.get(r as usize * cols + c as usize).copied().unwrap_or(0.0) } else { 0.0 }
}

/// Moves the image by whole pixels, filling with black.
fn shift(img: &[f32], rows: usize, cols: usize, dx: i64, dy: i64) -> Vec<f32> {
    map_pixels(rows, cols, |r, c| pixel(img, rows, cols, r as i64 - dy, c as i64 - dx))
}

/// The centre of the image as (row, col).
fn centre(rows: usize, cols: usize) -> (f64, f64) {
    ((rows as f64 - 1.0) / 2.0, (cols as f64 - 1.0) / 2.0)
}

/// The image read at the real point (`y`, `x`): the four surrounding pixels, weighted
/// by closeness. Points outside the image read as black.
fn bilinear(img: &[f32], rows: usize, cols: usize, y: f64, x: f64) -> f32 {
    if !(x.is_finite() && y.is_finite()) {
        return 0.0;
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (c, r) = (x0 as i64, y0 as i64);
    let at = |dr: i64, dc: i64| f64::from(pixel(img, rows, cols, r + dr, c + dc));
    let top = at(0, 0) * (1.0 - fx) + at(0, 1) * fx;
    let bottom = at(1, 0) * (1.0 - fx) + at(1, 1) * fx;
    (top * (1.0 - fy) + bottom * fy) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An asymmetric `rows × cols` image: pixel (r, c) = (r * cols + c + 1) / 100.
    fn ramp(rows: usize, cols: usize) -> Vec<f32> {
        (0..rows * cols).map(|i| (i + 1) as f32 / 100.0).collect()
    }

    fn assert_close(a: &[f32], b: &[f32], tolerance: f32) {
        assert_eq!(a.len(), b.len());
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((x - y).abs() <= tolerance, "pixel {i}: {x} vs {y}\n{a:?}\n{b:?}");
        }
    }

    #[test]
    fn flip_of_a_known_image() {
        let img = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(flip_horizontal(&img, 2, 3), vec![3.0, 2.0, 1.0, 6.0, 5.0, 4.0]);
    }

    #[test]
    fn flip_twice_is_the_identity() {
        let img = ramp(4, 7);
        assert_eq!(flip_horizontal(&flip_horizontal(&img, 4, 7), 4, 7), img);
    }

    #[test]
    fn rotate_by_zero_is_the_identity() {
        let img = ramp(4, 7);
        assert_eq!(rotate(&img, 4, 7, 0.0), img);
    }

    #[test]
    fn rotate_by_90_degrees_moves_pixels_exactly() {
        for n in [3, 5] {
            let img = ramp(n, n);
            let rotated = rotate(&img, n, n, 90.0);
            // Counter-clockwise: output (r, c) comes from input (c, n-1-r);
            // the top-right corner goes to the top-left.
            let expected: Vec<f32> =
                (0..n).flat_map(|r| (0..n).map(move |c| (r, c))).map(|(r, c)| img[c * n + (n - 1 - r)]).collect();
            assert_close(&rotated, &expected, 1e-5);
        }
        let img = ramp(3, 3);
        assert_close(&rotate(&img, 3, 3, 90.0), &[0.03, 0.06, 0.09, 0.02, 0.05, 0.08, 0.01, 0.04, 0.07], 1e-5);
        let four_times = (0..4).fold(img.clone(), |acc, _| rotate(&acc, 3, 3, 90.0));
        assert_close(&four_times, &img, 1e-5);
    }

    #[test]
    fn rotate_by_45_degrees_interpolates_and_fills_with_black() {
        let img = vec![1.0; 25];
        let rotated = rotate(&img, 5, 5, 45.0);
        assert_eq!(rotated[12], 1.0, "the centre stays");
        assert!(rotated[0] < 0.5, "corners come from outside: {}", rotated[0]);
    }

    #[test]
    fn scale_by_one_is_the_identity() {
        let img = ramp(5, 6);
        assert_eq!(scale(&img, 5, 6, 1.0), img);
        assert_eq!(scale(&img, 5, 6, 0.0), img, "a meaningless factor changes nothing");
    }

    #[test]
    fn scale_by_two_magnifies_about_the_centre() {
        // A 5×5 image with a lit 1-pixel cross at the centre: zooming ×2 spreads the
        // centre's neighbours half-way out.
        let mut img = vec![0.0; 25];
        img[12] = 1.0;
        let zoomed = scale(&img, 5, 5, 2.0);
        assert_eq!(zoomed[12], 1.0);
        assert_close(&[zoomed[11], zoomed[13], zoomed[7], zoomed[17]], &[0.5; 4], 1e-6);
        assert_eq!(zoomed[10], 0.0);
        let shrunk = scale(&[1.0; 25], 5, 5, 0.5);
        assert_eq!(shrunk[12], 1.0);
        assert_eq!(shrunk[0], 0.0, "shrinking pads with black");
    }

    #[test]
    fn translate_moves_a_lit_pixel() {
        let (rows, cols) = (5, 6);
        let mut img = vec![0.0; rows * cols];
        img[cols + 2] = 1.0; // row 1, col 2
        let moved = translate(&img, rows, cols, 3, 2);
        let lit: Vec<usize> = (0..moved.len()).filter(|&i| moved[i] == 1.0).collect();
        assert_eq!(lit, vec![3 * cols + 5]); // row 3, col 5
        assert_eq!(moved.iter().sum::<f32>(), 1.0);
        let gone = translate(&img, rows, cols, -3, 0);
        assert!(gone.iter().all(|&v| v == 0.0), "moved off the left edge");
    }

    #[test]
    fn random_crop_without_padding_is_the_identity() {
        let img = ramp(4, 5);
        assert_eq!(random_crop(&img, 4, 5, 0, &mut Rng::new(1)), img);
    }

    #[test]
    fn random_crop_is_a_shifted_copy() {
        let img = ramp(6, 6);
        let pad = 2;
        let mut rng = Rng::new(11);
        let mut shifts_seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let cropped = random_crop(&img, 6, 6, pad, &mut rng);
            assert_eq!(cropped.len(), img.len());
            let shift = (-2..=2)
                .flat_map(|dx| (-2..=2).map(move |dy| (dx, dy)))
                .find(|&(dx, dy)| translate(&img, 6, 6, dx, dy) == cropped);
            let shift = shift.expect("a crop of the padded image is a shift of at most `pad`");
            shifts_seen.insert(shift);
        }
        assert!(shifts_seen.len() > 5, "the offset is random: {shifts_seen:?}");
    }

    #[test]
    fn noise_with_zero_sigma_is_the_identity() {
        let img = ramp(3, 4);
        assert_eq!(gaussian_noise(&img, 0.0, &mut Rng::new(2), Clip::None), img);
    }

    #[test]
    fn clipped_noise_stays_in_the_unit_interval() {
        let img = ramp(10, 10);
        let noisy = gaussian_noise(&img, 0.5, &mut Rng::new(3), Clip::UnitInterval);
        assert!(noisy.iter().all(|v| (0.0..=1.0).contains(v)));
        let unclipped = gaussian_noise(&img, 0.5, &mut Rng::new(3), Clip::None);
        assert!(unclipped.iter().any(|v| !(0.0..=1.0).contains(v)));
    }

    #[test]
    fn noise_has_the_requested_standard_deviation() {
        let img = vec![0.5; 100 * 100];
        let sigma = 0.1;
        let noisy = gaussian_noise(&img, sigma, &mut Rng::new(4), Clip::UnitInterval);
        let n = noisy.len() as f32;
        let mean = noisy.iter().sum::<f32>() / n;
        let std = (noisy.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n).sqrt();
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        assert!((std - sigma).abs() < 0.005, "std {std}");
    }

    #[test]
    fn default_config_changes_nothing() {
        let img = ramp(5, 5);
        let mut rng = Rng::new(5);
        assert_eq!(AugmentConfig::default().apply(&img, 5, 5, &mut rng), img);
        assert_eq!(rng, Rng::new(5), "nothing was drawn");
    }

    #[test]
    fn full_config_keeps_size_and_range_and_is_reproducible() {
        let config = AugmentConfig {
            flip_prob: 0.5,
            max_rotation_deg: 15.0,
            scale_range: (0.9, 1.1),
            max_translate: 2,
            noise_sigma: 0.05,
        };
        let img = ramp(7, 7).iter().map(|v| v * 2.0).collect::<Vec<_>>();
        let a = config.apply(&img, 7, 7, &mut Rng::new(6));
        let b = config.apply(&img, 7, 7, &mut Rng::new(6));
        assert_eq!(a, b);
        assert_eq!(a.len(), 49);
        assert_ne!(a, img);
        assert!(a.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn wrong_length_images_do_not_panic() {
        let short = [1.0, 2.0];
        assert_eq!(flip_horizontal(&short, 2, 2), vec![2.0, 1.0, 0.0, 0.0]);
        assert_eq!(rotate(&short, 2, 2, 30.0).len(), 4);
        assert_eq!(flip_horizontal(&[], 0, 0), Vec::<f32>::new());
    }
}
