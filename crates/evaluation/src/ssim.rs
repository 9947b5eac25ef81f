//! Structural similarity (Wang, Bovik, Sheikh & Simoncelli 2004) for paired grayscale images.
//!
//! ```text
//! SSIM(x, y) = (2·μx·μy + C1)(2·σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
//! ```
//! with local statistics under an 11×11 Gaussian window (σ = 1.5), `C1 = (0.01·L)²`,
//! `C2 = (0.03·L)²`, `L = 1` (pixels in `[0, 1]`), averaged over every window position that fits
//! inside the image ("valid" windows, as in the paper's reference code).

const WINDOW: usize = 11;
const WINDOW_SIGMA: f64 = 1.5;
const C1: f64 = 0.01 * 0.01;
const C2: f64 = 0.03 * 0.03;

fn gaussian_window() -> Vec<f64> {
    let half = (WINDOW / 2) as f64;
    let mut w: Vec<f64> = (0..WINDOW * WINDOW)
        .map(|i| {
            let (r, c) = ((i / WINDOW) as f64 - half, (i % WINDOW) as f64 - half);
            (-(r * r + c * c) / (2.0 * WINDOW_SIGMA * WINDOW_SIGMA)).exp()
        })
        .collect();
    let total: f64 = w.iter().sum();
    w.iter_mut().for_each(|v| *v /= total);
    w
}

/// Mean SSIM of two `height × width` images (row-major, pixels in `[0, 1]`). Images smaller than
/// the 11×11 window, or of different sizes, are an error.
pub fn ssim(x: &[f32], y: &[f32], height: usize, width: usize) -> Result<f64, String> {
    if x.len() != height * width || y.len() != height * width {
        return Err(format!("SSIM needs two {height}×{width} images (got {} and {} pixels)", x.len(), y.len()));
    }
    if height < WINDOW || width < WINDOW {
        return Err(format!("SSIM's {WINDOW}×{WINDOW} window does not fit a {height}×{width} image"));
    }
    let w = gaussian_window();
    let mut total = 0.0;
    let mut windows = 0usize;
    for top in 0..=height - WINDOW {
        for left in 0..=width - WINDOW {
            let (mut mx, mut my, mut xx, mut yy, mut xy) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for r in 0..WINDOW {
                for c in 0..WINDOW {
                    let k = w[r * WINDOW + c];
                    let i = (top + r) * width + left + c;
                    let (a, b) = (f64::from(x[i]), f64::from(y[i]));
                    mx += k * a;
                    my += k * b;
                    xx += k * a * a;
                    yy += k * b * b;
                    xy += k * a * b;
                }
            }
            let (vx, vy, cxy) = (xx - mx * mx, yy - my * my, xy - mx * my);
            total += (2.0 * mx * my + C1) * (2.0 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
            windows += 1;
        }
    }
    Ok(total / windows as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_score_one_and_damage_lowers_it() {
        let image: Vec<f32> = (0..28 * 28).map(|i| ((i * 37) % 101) as f32 / 100.0).collect();
        assert!((ssim(&image, &image, 28, 28).unwrap() - 1.0).abs() < 1e-12);
        let darker: Vec<f32> = image.iter().map(|p| p * 0.5).collect();
        let flat = vec![0.5f32; 28 * 28];
        let s_dark = ssim(&image, &darker, 28, 28).unwrap();
        let s_flat = ssim(&image, &flat, 28, 28).unwrap();
        assert!(s_dark < 1.0 && s_flat < s_dark, "darker {s_dark}, flat {s_flat}");
        assert!(ssim(&image, &image[..100], 28, 28).is_err());
        assert!(ssim(&image[..64], &image[..64], 8, 8).unwrap_err().contains("does not fit"));
    }

    #[test]
    fn constant_images_follow_the_formula() {
        // Two constant images a, b: σ terms vanish, SSIM = (2ab + C1)/(a² + b² + C1) · C2/C2.
        let (a, b) = (0.2f32, 0.6f32);
        let s = ssim(&vec![a; 144], &vec![b; 144], 12, 12).unwrap();
        let (a, b) = (f64::from(a), f64::from(b));
        let expected = (2.0 * a * b + C1) / (a * a + b * b + C1);
        assert!((s - expected).abs() < 1e-6, "{s} vs {expected}");
    }
}
