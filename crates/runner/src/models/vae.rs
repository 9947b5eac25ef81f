//! The VAE: training through the shared loop, evaluation (−ELBO, importance-sampled NLL,
//! pictures), and the benchmark step.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use atelier_autoencoder::figures::morph_codes;
use atelier_core::run_dir::RunDir;
use atelier_data::Dataset;
use atelier_layers::latent::standard_normal_codes;
use atelier_train::figures::write_figure;
use atelier_train::host::scalar_to_host;
use atelier_train::seed::{Stream, derive};
use atelier_train::{Figure, ImageSource, Outcome, Session, TrainError, fit};
use atelier_vae::eval::{
    TEST_BINARIZATION_SEED, importance_sampled_nll, kl_per_dimension, most_active_dimensions, negative_elbo,
    test_targets,
};
use atelier_vae::figures::{
    STRIP_STEPS, fixed_prior_samples, interpolation_figure, manifold_figure, reconstruction_figure, traversal_figure,
};
use atelier_vae::step::load_model;
use atelier_vae::{Likelihood, VaeConfig, VaeExperiment};
use burn::prelude::*;

use crate::config::{ModelConfig, RunConfig};

/// Images per −ELBO batch (no gradients, so larger than training batches).
const EVAL_BATCH: usize = 500;
/// Images per importance-sampling batch; with [`IS_CHUNK`] samples each, 4 000 decodes at once.
const IS_IMAGES_PER_BATCH: usize = 8;
/// Importance samples decoded at once per image.
const IS_CHUNK: usize = 500;
/// Default K and number of test images of the importance-sampled estimate.
pub const DEFAULT_IS_SAMPLES: usize = 1000;
pub const DEFAULT_IS_IMAGES: usize = 1000;
/// A latent dimension whose mean KL is below this (nats) is counted as unused.
const ACTIVE_KL_NATS: f64 = 0.01;
/// Test images the per-dimension KL is averaged over.
const KL_IMAGES: usize = 2000;
/// Pairs of test images interpolated in the evaluation figures (indices into the test set).
const INTERPOLATION_PAIRS: [(usize, usize); 3] = [(0, 1), (2, 3), (4, 9)];
/// Side of the k = 2 manifold grid.
const MANIFOLD_SIDE: usize = 15;

pub fn train(config: &VaeConfig, session: &Session, data: Dataset) -> Result<Outcome, TrainError> {
    let device = &session.device;
    session.seed_device_for_init();
    let experiment = VaeExperiment::new(config.clone(), device);
    let train = ImageSource::new(Arc::new(data.train), session.config.train_limit);
    let valid = ImageSource::new(Arc::new(data.test), None);
    fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
}

/// What `eval vae` was asked for beyond the run.
pub struct EvalOptions<'a> {
    /// K, importance samples per image.
    pub is_samples: usize,
    /// Test images scored by importance sampling (None: all).
    pub is_images: Option<usize>,
    /// A trained autoencoder run whose interpolations are drawn beside the VAE's.
    pub autoencoder_run: Option<&'a Path>,
}

/// Evaluates the run's latest checkpoint on the (fixedly binarised) test set; writes figures.
pub fn eval(
    run: &RunDir,
    config: &VaeConfig,
    seed: u64,
    device: &Device,
    data: Dataset,
    options: &EvalOptions,
) -> Result<Vec<(String, f64)>, String> {
    if options.is_samples == 0 {
        return Err("--is-samples must be at least 1 (K importance samples per image)".into());
    }
    let (step, blobs) = super::latest_checkpoint(run)?;
    let model = load_model(config, &blobs, device)?;
    let autoencoder = options.autoencoder_run.map(|dir| load_autoencoder(dir, device)).transpose()?;
    if let Likelihood::Gaussian { sigma } = config.likelihood {
        eprintln!(
            "note: this VAE has a Gaussian likelihood (s = {sigma}); its nats are a density on grey pixels, not \
             comparable with Bernoulli VAEs"
        );
    }

    let test = data.test;
    let n = test.len();
    let (rows, cols) = (test.images.rows, test.images.cols);
    let all: Vec<usize> = (0..n).collect();
    let targets = test_targets(config.likelihood, &test.batch_pixels(&all), TEST_BINARIZATION_SEED);
    let pixels = rows * cols;
    let batch_of = |start: usize, count: usize| {
        let values = targets[start * pixels..(start + count) * pixels].to_vec();
        Tensor::<4>::from_data(TensorData::new(values, [count, 1, rows, cols]), device) // [count, 1, 28, 28]
    };

    eprintln!("evaluating checkpoint at step {} on {n} test images", step);
    device.seed(derive(seed, Stream::Figures, 10));
    let elbo = negative_elbo(
        &model,
        config,
        (0..n).step_by(EVAL_BATCH).map(|start| batch_of(start, EVAL_BATCH.min(n - start))),
    )
    .map_err(|e| e.to_string())?;

    let is_images = options.is_images.map_or(n, |m| m.min(n));
    let k = options.is_samples;
    eprintln!("importance sampling: K = {k} samples on the first {is_images} test images ({} decodes)", k * is_images);
    device.seed(derive(seed, Stream::Figures, 11));
    let started = Instant::now();
    let mut nll_sum: Option<Tensor<1>> = None;
    for start in (0..is_images).step_by(IS_IMAGES_PER_BATCH) {
        let count = IS_IMAGES_PER_BATCH.min(is_images - start);
        let nll = importance_sampled_nll(&model, config.likelihood, batch_of(start, count), k, IS_CHUNK)?.sum();
        nll_sum = Some(nll_sum.map_or(nll.clone(), |s| s + nll));
        if start > 0 && start % 200 == 0 {
            let done = start as f64 / is_images as f64;
            let eta = started.elapsed().as_secs_f64() * (1.0 - done) / done;
            eprintln!("  {start}/{is_images} images, about {eta:.0} s left");
        }
    }
    let nll_sum =
        nll_sum.map(|s| scalar_to_host(s, "the importance-sampled NLL")).transpose().map_err(|e| e.to_string())?;
    let nll_is = nll_sum.map_or(f64::NAN, f64::from) / is_images.max(1) as f64;
    device.seed(derive(seed, Stream::Figures, 12));
    let subset_elbo = negative_elbo(
        &model,
        config,
        (0..is_images).step_by(EVAL_BATCH).map(|start| batch_of(start, EVAL_BATCH.min(is_images - start))),
    )
    .map_err(|e| e.to_string())?;

    let kl_dims = kl_per_dimension(&model, batch_of(0, KL_IMAGES.min(n))).map_err(|e| e.to_string())?;
    let active = kl_dims.iter().filter(|kl| **kl > ACTIVE_KL_NATS).count();

    // Pictures of the evaluated model.
    device.seed(derive(seed, Stream::Figures, 13));
    let grey = ImageSource::new(Arc::new(test), None);
    let latent = config.latent;
    let mut figures = vec![
        reconstruction_figure(&model, config, grey.first(16, device).images),
        grid_named(fixed_prior_samples(&model.decoder, 8, 12, device), "samples"),
        traversal_figure(&model.decoder, Tensor::zeros([1, latent], device), &most_active_dimensions(&kl_dims, 8)),
    ];
    let first_ten = grey.first(10, device).images;
    for (a, b) in INTERPOLATION_PAIRS {
        let image_a = first_ten.clone().narrow(0, a, 1); // [1, 1, 28, 28]
        let image_b = first_ten.clone().narrow(0, b, 1);
        let extra = autoencoder
            .as_ref()
            .map(|ae| vec![("autoencoder".to_string(), autoencoder_path(ae, image_a.clone(), image_b.clone()))])
            .unwrap_or_default();
        figures
            .push(grid_named(interpolation_figure(&model, image_a, image_b, extra), &format!("interpolation-{a}-{b}")));
    }
    if latent == 2 {
        figures.push(manifold_figure(&model.decoder, MANIFOLD_SIDE, device)?);
    }
    for figure in figures {
        let path = write_figure(&run.samples_dir(), "eval-", figure)?;
        eprintln!("wrote {}", path.display());
    }
    if autoencoder.is_none() {
        eprintln!("(give --autoencoder-run RUN_DIR to draw a plain autoencoder's interpolation beside the VAE's)");
    }

    Ok(vec![
        ("test_neg_elbo_nats".to_string(), elbo.negative_elbo_nats()),
        ("test_reconstruction_nats".to_string(), elbo.reconstruction_nats()),
        ("test_kl_nats".to_string(), elbo.kl_nats()),
        ("test_nll_is_nats".to_string(), nll_is),
        ("is_subset_neg_elbo_nats".to_string(), subset_elbo.negative_elbo_nats()),
        ("is_samples".to_string(), k as f64),
        ("is_images".to_string(), is_images as f64),
        ("test_images".to_string(), n as f64),
        ("active_dimensions".to_string(), active as f64),
        ("latent".to_string(), latent as f64),
        ("checkpoint_step".to_string(), step as f64),
    ])
}

/// Renames a grid figure (the file name it is written under).
fn grid_named(figure: Figure, name: &str) -> Figure {
    match figure {
        Figure::Grid { rows, marks, .. } => Figure::Grid { name: name.to_string(), rows, marks },
        other => other,
    }
}

/// The latest checkpoint of a trained autoencoder run.
fn load_autoencoder(dir: &Path, device: &Device) -> Result<atelier_autoencoder::Autoencoder, String> {
    let run = RunDir::open(dir).map_err(|e| e.to_string())?;
    let config = RunConfig::load(&run.config_path())?;
    let ModelConfig::Autoencoder(ae) = &config.model else {
        return Err(format!(
            "--autoencoder-run {}: a {} run, not an autoencoder run",
            dir.display(),
            config.model.name()
        ));
    };
    let (_, blobs) = super::latest_checkpoint(&run).map_err(|e| format!("--autoencoder-run: {e}"))?;
    atelier_autoencoder::step::load_model(ae, &blobs, device)
}

/// The plain autoencoder's decoded straight path between the codes of two images.
fn autoencoder_path(ae: &atelier_autoencoder::Autoencoder, a: Tensor<4>, b: Tensor<4>) -> Tensor<4> {
    let codes = ae.encoder.forward(Tensor::cat(vec![a, b], 0)); // [2, k]
    let path = morph_codes(codes.clone().narrow(0, 0, 1), codes.narrow(0, 1, 1), STRIP_STEPS); // [9, k]
    ae.decoder.forward(path) // [9, 1, 28, 28]
}

/// `sample vae`: `count` PNGs of the decoder's mean image for `z ~ N(0, I)` into `out`.
pub fn sample(
    run: &RunDir,
    config: &VaeConfig,
    seed: u64,
    device: &Device,
    count: usize,
    out: &Path,
) -> Result<usize, String> {
    let (step, blobs) = super::latest_checkpoint(run)?;
    let model = load_model(config, &blobs, device)?;
    eprintln!("sampling {count} images from the checkpoint at step {step}");
    let z = standard_normal_codes(count, config.latent, super::sample_seed(seed), device); // [count, k]
    let pixels = super::decode_to_pixels(z, |z| model.decoder.mean_image(z))?;
    crate::png_folder::write_png_folder(out, &pixels)
}
