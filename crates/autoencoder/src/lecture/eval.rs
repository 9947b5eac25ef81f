//! `eval autoencoder`: test MSE and PSNR beside PCA at the same k (and the denoising gain), the
//! reconstructions, morphs and the latent scatter.

use std::sync::Arc;

use atelier_data::Dataset;
use atelier_lecture::OpenRun;
use atelier_train::figures::write_figure;
use atelier_train::seed::{Stream, derive};
use atelier_train::{BatchSource, ImageSource};
use burn::prelude::*;

use crate::eval::{EvalReport, pca_mse, reconstruction_mse};
use crate::figures::{latent_scatter, morph_figure, reconstruction_figure};
use crate::step::load_model;
use crate::{AutoencoderConfig, Variant};

/// Images per evaluation batch (no gradients, so larger than training batches).
const EVAL_BATCH: usize = 1000;
/// Test images shown in the latent scatter plot.
const SCATTER_IMAGES: usize = 3000;
/// Pairs of test images morphed in the evaluation figures (indices into the test set).
const MORPH_PAIRS: [(usize, usize); 3] = [(0, 1), (2, 3), (4, 9)];

/// Evaluates the run's latest checkpoint on the test set; writes figures into `samples/`.
pub fn eval(
    run: &OpenRun<AutoencoderConfig>,
    data: Dataset,
    noise_sigma: Option<f64>,
) -> Result<Vec<(String, f64)>, String> {
    let (config, seed, device) = (&run.config, run.seed(), &run.device);
    let (step, blobs) = run.latest_checkpoint()?;
    let model = load_model(config, &blobs, device)?;
    let k = config.latent;
    let class_names = data.class_names.clone();
    let train = ImageSource::new(Arc::new(data.train), None);
    let test = ImageSource::new(Arc::new(data.test), None);
    let batches = |source: &ImageSource| {
        let n = source.len();
        let source = source.clone();
        let device = device.clone();
        (0..n).step_by(EVAL_BATCH).map(move |start| {
            let indices: Vec<usize> = (start..(start + EVAL_BATCH).min(n)).collect();
            source.plain_batch(&indices, &device).images
        })
    };

    eprintln!("evaluating checkpoint at step {} on {} test images", step, test.len());
    let (test_mse, _) = reconstruction_mse(&model, batches(&test), None).map_err(|e| e.to_string())?;
    let sigma = noise_sigma.or(match config.variant {
        Variant::Denoising { noise_sigma } => Some(noise_sigma),
        _ => None,
    });
    let denoising = sigma
        .map(|sigma| {
            device.seed(derive(seed, Stream::Figures, 1)); // the same noise for every evaluation of this run
            let (denoised, noisy) = reconstruction_mse(&model, batches(&test), Some(sigma))?;
            Ok::<_, atelier_train::DeviceReadError>((sigma, noisy, denoised))
        })
        .transpose()
        .map_err(|e| e.to_string())?;
    eprintln!("fitting PCA (k = {k}) on {} training images", train.len());
    let flat = |source: &ImageSource| {
        let images: Vec<Tensor<4>> = batches(source).collect();
        Tensor::cat(images, 0).flatten::<2>(1, 3) // [n, 784]
    };
    let test_flat = flat(&test);
    let pca_test_mse = pca_mse(flat(&train), test_flat.clone(), k).map_err(|e| e.to_string())?;
    let pca_fit_on_test_mse = pca_mse(test_flat.clone(), test_flat, k).map_err(|e| e.to_string())?;
    let report = EvalReport { test_mse, pca_test_mse, pca_fit_on_test_mse, denoising };

    // Figures of the evaluated model.
    device.seed(derive(seed, Stream::Figures, 2));
    let first = test.first(16, device);
    let mut figures = vec![reconstruction_figure(&model, config.variant, first.images.clone())];
    let pair_images = test.first(10, device).images;
    for (a, b) in MORPH_PAIRS {
        if let atelier_train::Figure::Grid { rows, marks, .. } = morph_figure(&model, pair_images.clone(), a, b) {
            figures.push(atelier_train::Figure::Grid { name: format!("morphing-{a}-{b}"), rows, marks });
        }
    }
    let scatter = test.first(SCATTER_IMAGES, device);
    figures
        .push(latent_scatter(&model, scatter.images, &scatter.label_values, &class_names).map_err(|e| e.to_string())?);
    for figure in figures {
        let path = write_figure(&run.dir.samples_dir(), "eval-", figure)?;
        eprintln!("wrote {}", path.display());
    }
    let mut entries = report.entries();
    entries.push(("checkpoint_step".to_string(), step as f64));
    entries.push(("latent".to_string(), k as f64));
    Ok(entries)
}
