//! Translations scored against their targets, image by image: what the translation lectures report.
//!
//! Every image is compared in `[0, 1]` per channel:
//! - `l1` = mean |output − target| over pixels and channels;
//! - `psnr_db` = the mean over images of `10·log₁₀(1 / MSE_image)`, and `psnr_pooled_db` =
//!   `10·log₁₀(1 / MSE)` of the MSE over every pixel of the set (lower: the worst images weigh most);
//! - `ssim` = the mean over images and channels of SSIM (Wang et al. 2004, 7×7 windows as
//!   [`crate::ssim`]).

/// Images shown and scored: `[n, c, h, w]` in `[0, 1]`, `c` = 3 (RGB) or 1 (grey).
pub struct Rendered {
    pub channels: usize,
    pub side: usize,
    pub pixels: Vec<f32>,
}

impl Rendered {
    pub fn image(&self, i: usize) -> &[f32] {
        let n = self.channels * self.side * self.side;
        &self.pixels[i * n..(i + 1) * n]
    }
    pub fn count(&self) -> usize {
        self.pixels.len() / (self.channels * self.side * self.side)
    }
}

/// `l1`, `psnr_db`, `ssim`, `psnr_pooled_db` of `images` against `targets`.
pub fn paired_scores(images: &Rendered, targets: &Rendered) -> Result<[f64; 4], String> {
    let (n, c, side) = (images.count(), images.channels, images.side);
    if n == 0 {
        return Err("there are no test pairs to score".to_string());
    }
    let plane = side * side;
    let (mut l1, mut psnr, mut ssim, mut mse) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        let (x, y) = (images.image(i), targets.image(i));
        let mut abs = 0.0;
        let mut sq = 0.0;
        for (a, b) in x.iter().zip(y) {
            let d = f64::from(a - b);
            abs += d.abs();
            sq += d * d;
        }
        l1 += abs / x.len() as f64;
        mse += sq / x.len() as f64;
        psnr += atelier_layers::quality::psnr_db((sq / x.len() as f64).max(1e-10));
        for ch in 0..c {
            ssim +=
                crate::ssim(&x[ch * plane..(ch + 1) * plane], &y[ch * plane..(ch + 1) * plane], side, side)? / c as f64;
        }
    }
    let n = n as f64;
    Ok([l1 / n, psnr / n, ssim / n, atelier_layers::quality::psnr_db((mse / n).max(1e-10))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_test_split_is_an_error_not_a_perfect_score() {
        let empty = Rendered { channels: 3, side: 8, pixels: Vec::new() };
        assert_eq!(paired_scores(&empty, &empty).unwrap_err(), "there are no test pairs to score");
    }
}
