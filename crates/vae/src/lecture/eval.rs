//! `eval vae`: −ELBO, the importance-sampled NLL, the active dimensions, and the pictures
//! (reconstructions, samples, traversals, interpolations, the k = 2 manifold).

use std::sync::Arc;
use std::time::Instant;

use atelier_data::Dataset;
use atelier_lecture::{LatentPaths, OpenRun};
use atelier_train::figures::write_figure;
use atelier_train::host::scalar_to_host;
use atelier_train::seed::{Stream, derive};
use atelier_train::{Figure, ImageSource};
use burn::prelude::*;

use crate::eval::{
    TEST_BINARIZATION_SEED, importance_sampled_nll, kl_per_dimension, most_active_dimensions, negative_elbo,
    test_targets,
};
use crate::figures::{
    STRIP_STEPS, fixed_prior_samples, interpolation_figure, manifold_figure, reconstruction_figure, traversal_figure,
};
use crate::step::load_model;
use crate::{Likelihood, VaeConfig};

/// Images per −ELBO batch (no gradients, so larger than training batches).
const EVAL_BATCH: usize = 500;
/// Images per importance-sampling batch; with [`IS_CHUNK`] samples each, 4 000 decodes at once.
const IS_IMAGES_PER_BATCH: usize = 8;
/// Importance samples decoded at once per image.
const IS_CHUNK: usize = 500;
/// A latent dimension whose mean KL is below this (nats) is counted as unused.
const ACTIVE_KL_NATS: f64 = 0.01;
/// Test images the per-dimension KL is averaged over.
const KL_IMAGES: usize = 2000;
/// Pairs of test images interpolated in the evaluation figures (indices into the test set).
const INTERPOLATION_PAIRS: [(usize, usize); 3] = [(0, 1), (2, 3), (4, 9)];
/// Side of the k = 2 manifold grid.
const MANIFOLD_SIDE: usize = 15;

/// What `eval vae` was asked for beyond the run.
pub struct EvalOptions {
    /// K, importance samples per image.
    pub is_samples: usize,
    /// Test images scored by importance sampling (None: all).
    pub is_images: Option<usize>,
    /// A deterministic code space (a trained autoencoder's) drawn beside the VAE's interpolations.
    pub companion: Option<Box<dyn LatentPaths>>,
    /// The flag that gives one, for the hint when none is given.
    pub companion_flag: Option<&'static str>,
}

/// Evaluates the run's latest checkpoint on the (fixedly binarised) test set; writes figures.
pub fn eval(run: &OpenRun<VaeConfig>, data: Dataset, options: &EvalOptions) -> Result<Vec<(String, f64)>, String> {
    if options.is_samples == 0 {
        return Err("--is-samples must be at least 1 (K importance samples per image)".into());
    }
    let (config, seed, device) = (&run.config, run.seed(), &run.device);
    let (step, blobs) = run.latest_checkpoint()?;
    let model = load_model(config, &blobs, device)?;
    let companion = options.companion.as_ref();
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
        let extra = companion
            .map(|paths| vec![(paths.label(), paths.path(image_a.clone(), image_b.clone(), STRIP_STEPS))])
            .unwrap_or_default();
        figures
            .push(grid_named(interpolation_figure(&model, image_a, image_b, extra), &format!("interpolation-{a}-{b}")));
    }
    if latent == 2 {
        figures.push(manifold_figure(&model.decoder, MANIFOLD_SIDE, device)?);
    }
    for figure in figures {
        let path = write_figure(&run.dir.samples_dir(), "eval-", figure)?;
        eprintln!("wrote {}", path.display());
    }
    if let (None, Some(flag)) = (companion, options.companion_flag) {
        eprintln!("(give --{flag} RUN_DIR to draw a plain autoencoder's interpolation beside the VAE's)");
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
