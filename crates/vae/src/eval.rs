//! Evaluation numbers (no IO): the test −ELBO with its two parts, the importance-sampled
//! log-likelihood, and which latent dimensions the model uses.

use atelier_core::Rng;
use atelier_train::host::{DeviceReadError, scalar_to_host, to_host_f32};
use burn::prelude::*;

use crate::config::{Likelihood, VaeConfig};
use crate::loss::{kl_to_standard_normal, log_normal, log_standard_normal};
use crate::model::Vae;

/// The binarisation seed of the test set: every run is scored on the same binary images.
pub const TEST_BINARIZATION_SEED: u64 = 0x7E57_B1;

/// A fixed binarisation `x_b,d = [u_d < x_d]`, `u_d ~ U[0, 1)` from `seed`, drawn on the host so
/// the binary test set is identical on every backend. Pixels in `[0, 1]`, any length.
pub fn binarize_fixed(pixels: &[f32], seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    pixels.iter().map(|&p| if rng.next_f32() < p { 1.0 } else { 0.0 }).collect()
}

/// What the likelihood is scored on for a test batch of grey images: a fixed binarisation for the
/// Bernoulli (see [`binarize_fixed`]), the grey image for the Gaussian.
pub fn test_targets(likelihood: Likelihood, pixels: &[f32], seed: u64) -> Vec<f32> {
    match likelihood {
        Likelihood::Bernoulli => binarize_fixed(pixels, seed),
        Likelihood::Gaussian { .. } => pixels.to_vec(),
    }
}

/// Sums of the −ELBO terms over evaluated images (one `z ~ q(z|x)` per image).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ElboSums {
    pub images: usize,
    pub reconstruction: f64,
    pub kl: f64,
}

impl ElboSums {
    pub fn reconstruction_nats(&self) -> f64 {
        self.reconstruction / self.images.max(1) as f64
    }
    pub fn kl_nats(&self) -> f64 {
        self.kl / self.images.max(1) as f64
    }
    /// `−ELBO = reconstruction + KL`, nats per image.
    pub fn negative_elbo_nats(&self) -> f64 {
        self.reconstruction_nats() + self.kl_nats()
    }
}

/// The −ELBO terms of prepared targets (already binarised), `[n, 1, 28, 28]` → (recon `[n]`, KL `[n]`).
/// One `z ~ q(z|x)` per image, drawn on the device (seeded by the caller).
pub fn elbo_per_image(model: &Vae, config: &VaeConfig, targets: Tensor<4>) -> (Tensor<1>, Tensor<1>) {
    let (posterior, _, logits) = model.forward(targets.clone());
    (config.likelihood.negative_log_likelihood(logits, targets), kl_to_standard_normal(&posterior))
}

/// Accumulates [`elbo_per_image`] over batches of prepared targets (one host read at the end; a
/// failed read is an error).
pub fn negative_elbo(
    model: &Vae,
    config: &VaeConfig,
    batches: impl Iterator<Item = Tensor<4>>,
) -> Result<ElboSums, DeviceReadError> {
    let mut images = 0;
    let mut sums: Option<(Tensor<1>, Tensor<1>)> = None;
    for targets in batches {
        images += targets.dims()[0];
        let (reconstruction, kl) = elbo_per_image(model, config, targets);
        let batch = (reconstruction.sum(), kl.sum());
        sums = Some(match sums {
            Some((r, k)) => (r + batch.0, k + batch.1),
            None => batch,
        });
    }
    let Some((reconstruction, kl)) = sums else { return Ok(ElboSums::default()) };
    Ok(ElboSums {
        images,
        reconstruction: f64::from(scalar_to_host(reconstruction, "the summed reconstruction NLL")?),
        kl: f64::from(scalar_to_host(kl, "the summed KL")?),
    })
}

/// The importance-sampled estimate of `−log p(x)` per image, in nats:
///
/// ```text
///   log p(x) ≈ log (1/K) Σₖ wₖ,   wₖ = p(x|zₖ) p(zₖ) / q(zₖ|x),   zₖ ~ q(z|x)
/// ```
/// computed as a log-sum-exp of `log wₖ` for stability, in chunks of at most `chunk` samples per
/// image so memory stays bounded (`images · chunk` decodes at once). With K = 1 it is the
/// one-sample −ELBO; by Jensen it tightens towards `−log p(x)` as K grows (Burda et al. 2016).
///
/// # Shapes
/// `targets`: prepared (binarised) images `[b, 1, 28, 28]` → `[b]`
pub fn importance_sampled_nll(
    model: &Vae,
    likelihood: Likelihood,
    targets: Tensor<4>,
    samples: usize,
    chunk: usize,
) -> Result<Tensor<1>, String> {
    if samples == 0 {
        return Err("the number of importance samples K must be at least 1".into());
    }
    let chunk = chunk.clamp(1, samples);
    let [b, c, h, w] = targets.dims();
    let posterior = model.encoder.forward(targets.clone());
    let k = posterior.mean.dims()[1];
    let mean = posterior.mean.unsqueeze_dim::<3>(1); // [b, 1, k]
    let log_var = posterior.log_var.unsqueeze_dim::<3>(1); // [b, 1, k]
    let flat_targets = targets.reshape([b, 1, c * h * w]); // [b, 1, 784]
    let mut chunk_lse = Vec::new();
    let mut done = 0;
    while done < samples {
        let s = chunk.min(samples - done);
        let mean_s = mean.clone().expand([b, s, k]); // [b, s, k]
        let log_var_s = log_var.clone().expand([b, s, k]);
        let noise = mean_s.random_like(burn::tensor::Distribution::Normal(0.0, 1.0));
        let z = mean_s.clone() + log_var_s.clone().mul_scalar(0.5).exp() * noise; // [b, s, k]
        let logits = model.decoder.forward(z.clone().reshape([b * s, k])); // [b·s, 1, 28, 28]
        let repeated = flat_targets.clone().expand([b, s, c * h * w]).reshape([b * s, c, h, w]);
        let log_px_z = likelihood.negative_log_likelihood(logits, repeated).neg().reshape([b, s]); // [b, s]
        let log_pz: Tensor<2> = log_standard_normal(z.clone()); // [b, s]
        let log_qz: Tensor<2> = log_normal(z, mean_s, log_var_s); // [b, s]
        chunk_lse.push(log_sum_exp(log_px_z + log_pz - log_qz)); // [b, 1]
        done += s;
    }
    let log_mean_w = log_sum_exp(Tensor::cat(chunk_lse, 1)).sub_scalar((samples as f64).ln()); // [b, 1]
    Ok(log_mean_w.squeeze_dim::<1>(1).neg()) // [b]
}

/// `log Σⱼ exp(xᵢⱼ)` along the last dimension, stabilised by the row maximum: `[b, s]` → `[b, 1]`.
pub fn log_sum_exp(x: Tensor<2>) -> Tensor<2> {
    let max = x.clone().max_dim(1).detach(); // [b, 1]
    (x - max.clone()).exp().sum_dim(1).log() + max
}

/// The mean KL of each latent dimension over `images` (prepared targets `[n, 1, 28, 28]`):
/// `KLⱼ = −½ E_x[1 + log σⱼ² − μⱼ² − σⱼ²]`. Dimensions with KL ≈ 0 are unused ("collapsed").
/// A failed read back from the device is an error.
pub fn kl_per_dimension(model: &Vae, targets: Tensor<4>) -> Result<Vec<f64>, DeviceReadError> {
    let posterior = model.encoder.forward(targets);
    let per_dim = (posterior.log_var.clone() + 1.0 - posterior.mean.powi_scalar(2) - posterior.log_var.exp())
        .mean_dim(0)
        .mul_scalar(-0.5); // [1, k]
    Ok(to_host_f32(per_dim, "the KL of each latent dimension")?.into_iter().map(f64::from).collect())
}

/// The `count` dimensions with the largest KL, largest first, as `(dimension, KL)`.
pub fn most_active_dimensions(kl: &[f64], count: usize) -> Vec<(usize, f64)> {
    let mut dims: Vec<(usize, f64)> = kl.iter().copied().enumerate().collect();
    dims.sort_by(|a, b| b.1.total_cmp(&a.1));
    dims.truncate(count);
    dims
}
