//! Evaluation numbers (no IO): test reconstruction error, PSNR, the PCA baseline at the same k,
//! and the denoising gain.

use atelier_layers::quality::psnr_db;
use atelier_train::host::{DeviceReadError, scalar_to_host};
use burn::prelude::*;

use crate::loss::add_clipped_noise;
use crate::model::Autoencoder;
use crate::pca::Pca;

/// Mean squared reconstruction error over every pixel of every batch.
///
/// `input_noise`: `None` reconstructs the clean images; `Some(σ)` feeds `clip(x + σε, 0, 1)` and
/// compares the output with the clean `x` (ε drawn on the device, seeded by the caller).
/// Returns `(mse of the output, mse of the input)` (the input's is 0 without noise); a failed
/// read of the sums back from the device is an error.
pub fn reconstruction_mse(
    model: &Autoencoder,
    batches: impl Iterator<Item = Tensor<4>>,
    input_noise: Option<f64>,
) -> Result<(f64, f64), DeviceReadError> {
    let mut output_sum: Option<Tensor<1>> = None;
    let mut input_sum: Option<Tensor<1>> = None;
    let mut pixels = 0usize;
    for clean in batches {
        let [n, c, h, w] = clean.dims();
        pixels += n * c * h * w;
        let input = match input_noise {
            Some(sigma) => add_clipped_noise(clean.clone(), sigma),
            None => clean.clone(),
        };
        let (_, output) = model.forward(input.clone());
        let out_err = (output - clean.clone()).powi_scalar(2).sum();
        let in_err = (input - clean).powi_scalar(2).sum();
        output_sum = Some(output_sum.map_or(out_err.clone(), |s| s + out_err));
        input_sum = Some(input_sum.map_or(in_err.clone(), |s| s + in_err));
    }
    let read = |t: Option<Tensor<1>>, what: &str| -> Result<f64, DeviceReadError> {
        t.map_or(Ok(f64::NAN), |t| scalar_to_host(t, what).map(f64::from))
    };
    let pixels = pixels.max(1) as f64;
    Ok((read(output_sum, "the reconstruction error")? / pixels, read(input_sum, "the noisy inputs' error")? / pixels))
}

/// MSE of PCA at code size `k`, fitted on `train` `[n, 784]` and evaluated on `test` `[m, 784]`.
pub fn pca_mse(train: Tensor<2>, test: Tensor<2>, k: usize) -> Result<f64, DeviceReadError> {
    let pca = Pca::fit(train, k)?;
    let [m, d] = test.dims();
    let err =
        scalar_to_host((pca.reconstruct(test.clone()) - test).powi_scalar(2).sum(), "the PCA reconstruction error")?;
    Ok(f64::from(err) / (m * d) as f64)
}

/// One evaluation of a trained autoencoder, as `eval.json` stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    pub test_mse: f64,
    /// PCA fitted on the training set, evaluated on the test set (the held-out baseline).
    pub pca_test_mse: f64,
    /// PCA fitted on the test set itself (in-sample: an upper bound for any linear code of size k).
    pub pca_fit_on_test_mse: f64,
    /// `(σ, mse of the noisy inputs, mse of the denoised outputs)` when evaluated with noise.
    pub denoising: Option<(f64, f64, f64)>,
}

impl EvalReport {
    /// Flat `name → number` pairs (the `eval.json` keys).
    pub fn entries(&self) -> Vec<(String, f64)> {
        let mut entries = vec![
            ("test_mse".to_string(), self.test_mse),
            ("test_psnr_db".to_string(), psnr_db(self.test_mse)),
            ("pca_test_mse".to_string(), self.pca_test_mse),
            ("pca_test_psnr_db".to_string(), psnr_db(self.pca_test_mse)),
            ("psnr_gain_over_pca_db".to_string(), psnr_db(self.test_mse) - psnr_db(self.pca_test_mse)),
            ("pca_fit_on_test_psnr_db".to_string(), psnr_db(self.pca_fit_on_test_mse)),
        ];
        if let Some((sigma, noisy, denoised)) = self.denoising {
            entries.extend([
                ("noise_sigma".to_string(), sigma),
                ("noisy_test_psnr_db".to_string(), psnr_db(noisy)),
                ("denoised_test_psnr_db".to_string(), psnr_db(denoised)),
                ("denoising_gain_db".to_string(), psnr_db(denoised) - psnr_db(noisy)),
            ]);
        }
        entries
    }
}
