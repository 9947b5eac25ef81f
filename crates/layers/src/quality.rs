//! Image-quality numbers reported by the evaluations.

/// Peak signal-to-noise ratio of images in `[0, 1]` (peak 1): `PSNR = 10 · log₁₀(1 / MSE)` dB,
/// where MSE is the mean over every pixel of the evaluated set (not a mean of per-image PSNRs).
pub fn psnr_db(mse: f64) -> f64 {
    10.0 * (1.0 / mse).log10()
}

#[cfg(test)]
mod tests {
    #[test]
    fn psnr_of_known_errors() {
        assert!((super::psnr_db(0.01) - 20.0).abs() < 1e-12);
        assert!((super::psnr_db(1.0)).abs() < 1e-12);
    }
}
