//! Behaviour of the VAE lecture's model, losses, estimators and pictures, on every test backend
//! (flex, ndarray, and wgpu where a Vulkan adapter exists).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use atelier_backend::{Backend, test_backends};
use atelier_core::run_dir::RunDir;
use atelier_data::{DataSource, load_from};
use atelier_testkit::{assert_follows_flex, ctx, embedded_images, exclusive_rng, scalar, shared_rng, to_vec};
use atelier_train::fit::Resume;
use atelier_train::{Experiment, ImageSource, Session, TrainConfig, TrainError, checkpoint, fit};
use atelier_vae::eval::{binarize_fixed, importance_sampled_nll, log_sum_exp, most_active_dimensions};
use atelier_vae::figures::{fixed_prior_samples, manifold_figure};
use atelier_vae::loss::{
    bernoulli_nll_per_image, binarize, gaussian_nll, kl_to_standard_normal, log_normal, log_standard_normal,
};
use atelier_vae::model::LOG_VAR_RANGE;
use atelier_vae::step::{elbo_terms, load_model};
use atelier_vae::{Likelihood, Posterior, Vae, VaeConfig, VaeExperiment};
use burn::prelude::*;
use burn::tensor::Distribution;

/// The first `n` embedded training images, binarised with a fixed seed.
fn binary_images(n: usize, device: &Device) -> Tensor<4> {
    let data = load_from(DataSource::Embedded).unwrap();
    let indices: Vec<usize> = (0..n).collect();
    let pixels = binarize_fixed(&data.train.batch_pixels(&indices), 5);
    Tensor::from_data(TensorData::new(pixels, [n, 1, 28, 28]), device)
}

#[test]
fn forward_shapes_and_clamped_log_variance() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        for latent in [2, 32] {
            let vae = Vae::new(latent, &device);
            let (posterior, z, logits) = vae.forward(embedded_images(3, &device).images);
            assert_eq!(posterior.mean.dims(), [3, latent], "{backend}");
            assert_eq!(posterior.log_var.dims(), [3, latent], "{backend}");
            assert_eq!(z.dims(), [3, latent], "{backend}");
            assert_eq!(logits.dims(), [3, 1, 28, 28], "{backend}");
            assert_eq!(vae.decoder.latent(), latent);
            let (low, high) = LOG_VAR_RANGE;
            assert!(to_vec(posterior.log_var).iter().all(|v| (low..=high).contains(v)), "{backend}");
        }
    }
}

#[test]
fn parameter_count_is_the_deterministic_network_plus_one_head() {
    let _rng = shared_rng();
    // The reference autoencoder (k = 32) has 270 561 parameters; the log σ² head adds
    // Linear(3136→32) = 3136·32 + 32 = 100 384 (the same count as the PyTorch model).
    let vae = Vae::new(32, &Backend::Flex.device().unwrap());
    assert_eq!(vae.num_params(), 270_561 + 100_384);
}

#[test]
fn bernoulli_and_gaussian_likelihoods_match_hand_computed_values() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        // Two images of two pixels. Image 0: logits (0, ln 3), target (1, 0):
        // −ln σ(0) − ln(1 − σ(ln 3)) = ln 2 + ln 4 = ln 8. Image 1: logits (ln 3, 0), target (1, 1):
        // −ln(3/4) − ln(1/2) = ln(8/3).
        let ln3 = 3f32.ln();
        let logits = Tensor::<4>::from_floats([[[[0.0, ln3]]], [[[ln3, 0.0]]]], &device); // [2, 1, 1, 2]
        let target = Tensor::<4>::from_floats([[[[1.0, 0.0]]], [[[1.0, 1.0]]]], &device);
        let nll = to_vec(bernoulli_nll_per_image(logits.clone(), target.clone()));
        assert!((nll[0] - 8f32.ln()).abs() < 1e-5 && (nll[1] - (8.0f32 / 3.0).ln()).abs() < 1e-5, "{backend}: {nll:?}");
        // Gaussian, s = 0.5: means σ(0) = 0.5, σ(ln 3) = 0.75. Image 0: (0.5² + 0.75²)/(2·0.25) + 2·½ln(2π·0.25)
        // = 1.625 + ln(π/2) = 2.07658…
        let g = to_vec(gaussian_nll(logits, target, 0.5));
        let expected = 1.625 + (std::f32::consts::PI / 2.0).ln();
        assert!((g[0] - expected).abs() < 1e-4, "{backend}: {g:?} vs {expected}");
    }
}

#[test]
fn closed_form_kl_matches_a_monte_carlo_estimate() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        // KL(q ‖ p) = E_q[log q(z) − log p(z)]; 200 000 samples of a 2-D posterior.
        let mean = [0.7f32, -1.2];
        let log_var = [-1.0f32, 0.5];
        let posterior = Posterior {
            mean: Tensor::<2>::from_floats([mean], &device),
            log_var: Tensor::<2>::from_floats([log_var], &device),
        };
        let closed = scalar(kl_to_standard_normal(&posterior));
        // By hand: −½ Σ (1 + lv − μ² − e^lv) = −½[(1 − 1 − 0.49 − e⁻¹) + (1 + 0.5 − 1.44 − e^0.5)].
        let by_hand = -0.5 * ((-0.49 - (-1f32).exp()) + (0.06 - 0.5f32.exp()));
        assert!((closed - by_hand).abs() < 1e-5, "{backend}: {closed} vs {by_hand}");
        device.seed(17);
        let n = 200_000;
        let m = posterior.mean.clone().expand([n, 2]);
        let lv = posterior.log_var.clone().expand([n, 2]);
        let z = m.clone() + lv.clone().mul_scalar(0.5).exp() * m.random_like(Distribution::Normal(0.0, 1.0));
        let log_q: Tensor<1> = log_normal(z.clone(), m, lv);
        let log_p: Tensor<1> = log_standard_normal(z);
        let monte_carlo = scalar((log_q - log_p).mean());
        assert!((monte_carlo - closed).abs() < 0.02 * closed, "{backend}: MC {monte_carlo} vs closed form {closed}");
    }
}

#[test]
fn gradients_reach_mean_and_log_variance_through_the_reparameterisation() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        device.seed(3);
        let mean = Tensor::<2>::from_floats([[0.5, -0.3]], &device).require_grad();
        let log_var = Tensor::<2>::from_floats([[0.2, -0.4]], &device).require_grad();
        let posterior = Posterior { mean: mean.clone(), log_var: log_var.clone() };
        // A loss through the sample only (no KL): d/dμ and d/dlogσ² come from z = μ + σε alone.
        let loss = posterior.sample().powi_scalar(2).sum();
        let grads = loss.backward();
        let g_mean = to_vec(mean.grad(&grads).expect("μ has a gradient"));
        let g_log_var = to_vec(log_var.grad(&grads).expect("log σ² has a gradient"));
        assert!(g_mean.iter().all(|g| g.abs() > 1e-6), "{backend}: ∂/∂μ = {g_mean:?}");
        assert!(g_log_var.iter().all(|g| g.abs() > 1e-6), "{backend}: ∂/∂log σ² = {g_log_var:?}");
    }
}

#[test]
fn dynamic_binarisation_keeps_the_grey_level_as_probability() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        device.seed(9);
        let grey = Tensor::<4>::full([1, 1, 200, 200], 0.3, &device);
        let b = to_vec(binarize(grey.clone()));
        assert!(b.iter().all(|v| *v == 0.0 || *v == 1.0), "{backend}");
        let mean = b.iter().sum::<f32>() / b.len() as f32;
        assert!((mean - 0.3).abs() < 0.01, "{backend}: mean of Bernoulli(0.3) draws {mean}");
        let again = to_vec(binarize(grey));
        assert_ne!(b, again, "{backend}: a fresh draw each call");
    }
    // The fixed test binarisation is the same on every call and every machine.
    let pixels = [0.0, 0.2, 0.5, 0.9, 1.0];
    assert_eq!(binarize_fixed(&pixels, 1), binarize_fixed(&pixels, 1));
    assert_eq!(binarize_fixed(&[0.0, 1.0], 123), vec![0.0, 1.0]);
}

#[test]
fn log_sum_exp_is_stable_and_exact() {
    let _rng = shared_rng();
    let device = Backend::Flex.device().unwrap();
    let x = Tensor::<2>::from_floats([[1000.0, 1000.0], [-1000.0, -1000.0 + 2f32.ln()]], &device);
    let lse = to_vec(log_sum_exp(x));
    assert!((lse[0] - (1000.0 + 2f32.ln())).abs() < 1e-3, "{lse:?}");
    assert!((lse[1] - (-1000.0 + 3f32.ln())).abs() < 1e-3, "{lse:?}");
}

/// Trains a small model briefly so the posterior is informative, on binary images.
fn briefly_trained(device: &Device, steps: u64) -> (VaeExperiment, Tensor<4>) {
    let plain = device.clone();
    let device = device.clone().autodiff();
    device.seed(11);
    let mut experiment = VaeExperiment::new(VaeConfig { latent: 8, ..Default::default() }, &device);
    let batch = embedded_images(16, &device);
    for step in 0..steps {
        device.seed(1000 + step);
        experiment.train_step(batch.clone(), &mut ctx(&device, step));
    }
    (experiment, binary_images(16, &plain))
}

#[test]
fn importance_sampling_is_never_worse_than_the_elbo() {
    let _rng = shared_rng();
    // The estimator is backend-independent tensor code; on flex only, to keep the suite fast
    // (thousands of decodes take minutes on ndarray and on a software GPU).
    for (backend, device) in test_backends() {
        if backend != Backend::Flex {
            continue;
        }
        let (experiment, targets) = briefly_trained(&device, 20);
        let model = experiment.model.valid();
        let config = experiment.config.clone();
        // −ELBO averaged over 32 samples per image (so Monte-Carlo noise is small) vs K = 128.
        device.seed(21);
        let mut elbo = 0.0;
        for _ in 0..32 {
            let (r, k) = atelier_vae::eval::elbo_per_image(&model, &config, targets.clone());
            elbo += f64::from(scalar((r + k).mean())) / 32.0;
        }
        let is_1 =
            f64::from(scalar(importance_sampled_nll(&model, config.likelihood, targets.clone(), 1, 1).unwrap().mean()));
        let is_256 = f64::from(scalar(
            importance_sampled_nll(&model, config.likelihood, targets.clone(), 128, 64).unwrap().mean(),
        ));
        assert!(is_256 <= elbo + 0.5, "{backend}: IS-NLL (K=128) {is_256} vs −ELBO {elbo}");
        assert!(is_256 < elbo - 0.1, "{backend}: K=128 should tighten the bound: {is_256} vs {elbo}");
        assert!((is_1 - elbo).abs() < 0.05 * elbo, "{backend}: K=1 is a one-sample −ELBO: {is_1} vs {elbo}");
        let err = importance_sampled_nll(&model, config.likelihood, targets, 0, 10).unwrap_err();
        assert!(err.contains("at least 1"), "{err}");
    }
}

#[test]
fn overfits_one_batch() {
    // Seeded runs compared across backends: no other test draws from the device RNG meanwhile.
    let _rng = exclusive_rng();
    let losses = |device: &Device, steps: u64| -> Vec<f32> {
        let device = device.clone().autodiff();
        device.seed(7);
        let config = VaeConfig { latent: 16, likelihood: Likelihood::Gaussian { sigma: 0.1 }, ..Default::default() };
        let mut experiment = VaeExperiment::new(VaeConfig { learning_rate: 3e-3, ..config }, &device);
        let batch = embedded_images(8, &device);
        (0..steps)
            .map(|step| {
                let out = experiment.train_step(batch.clone(), &mut ctx(&device, step));
                scalar(out.metrics[0].1.clone())
            })
            .collect()
    };
    // The learning, on the default backend: 200 steps on one batch. Gaussian nats:
    // 0.5·Σ(x−m)²/s² + const; the const (784·½ln(2π·0.01) ≈ −1085) cancels in the drop.
    let flex = losses(&Backend::Flex.device().unwrap(), 200);
    let (first, last) = (flex[0], flex[199]);
    assert!(first - last > 0.6 * (first + 1085.0), "flex: −ELBO {first} → {last} after 200 steps");
    // The other CPU backend takes the same first steps (the same numbers, so the same learning;
    // its 200 steps took most of a minute). wgpu is left out: 200 steps of JIT-compiled kernels
    // on a software rasteriser take minutes.
    for (backend, device) in test_backends() {
        if matches!(backend, Backend::Flex | Backend::Wgpu) {
            continue;
        }
        assert_follows_flex(backend.name(), &flex, &losses(&device, 10), 1e-3);
    }
}

#[test]
fn training_metrics_are_reported_in_nats() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        device.seed(1);
        let mut e = VaeExperiment::new(VaeConfig { latent: 4, ..Default::default() }, &device);
        let out = e.train_step(embedded_images(4, &device), &mut ctx(&device, 0));
        let names: Vec<&str> = out.metrics.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["loss", "neg_elbo_nats", "reconstruction_nats", "kl_nats"], "{backend}");
        let values: Vec<f32> = out.metrics.into_iter().map(|(_, v)| scalar(v)).collect();
        // An untrained Bernoulli decoder outputs p ≈ ½ everywhere: ≈ 784·ln 2 = 543 nats.
        assert!((values[2] - 543.4).abs() < 60.0, "{backend}: reconstruction {values:?}");
        assert!((values[1] - (values[2] + values[3])).abs() < 1e-2, "{backend}: −ELBO = recon + KL: {values:?}");
    }
}

#[test]
fn kl_warm_up_and_beta_weight_the_objective() {
    let _rng = shared_rng();
    let config = VaeConfig { beta: 2.0, kl_warmup_steps: 100, ..Default::default() };
    assert_eq!(config.kl_weight(0), 0.0);
    assert_eq!(config.kl_weight(50), 1.0);
    assert_eq!(config.kl_weight(100), 2.0);
    assert_eq!(config.kl_weight(10_000), 2.0);
    assert_eq!(VaeConfig::default().kl_weight(0), 1.0);
    let device = Backend::Flex.device().unwrap();
    device.seed(4);
    let vae = Vae::new(4, &device);
    let terms = elbo_terms(&vae, &VaeConfig::default(), embedded_images(4, &device).images);
    let (r, k) = (scalar(terms.reconstruction.clone().mean()), scalar(terms.kl.clone().mean()));
    assert!((scalar(terms.objective(0.0)) - r).abs() < 1e-3);
    assert!((scalar(terms.objective(2.0)) - (r + 2.0 * k)).abs() < 1e-3);
}

#[test]
fn same_seed_same_numbers() {
    let _rng = exclusive_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let run = || {
            device.seed(42);
            let mut e = VaeExperiment::new(VaeConfig::default(), &device);
            let batch = embedded_images(16, &device);
            (0..3)
                .map(|s| {
                    device.seed(100 + s);
                    scalar(e.train_step(batch.clone(), &mut ctx(&device, s)).metrics[0].1.clone())
                })
                .collect::<Vec<f32>>()
        };
        assert_eq!(run(), run(), "{backend}");
    }
}

#[test]
fn save_load_round_trip_gives_identical_samples() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        device.seed(3);
        let config = VaeConfig { latent: 8, ..Default::default() };
        let mut trained = VaeExperiment::new(config.clone(), &device);
        trained.train_step(embedded_images(8, &device), &mut ctx(&device, 0));
        let blobs: BTreeMap<String, Vec<u8>> = trained.state().unwrap().into_iter().collect();
        device.seed(99); // a different initialisation, overwritten by the load
        let loaded = VaeExperiment::new(config.clone(), &device).load_state(&blobs).unwrap();
        let plain = device.clone().inner();
        let samples = |model: &Vae| match fixed_prior_samples(&model.decoder, 2, 3, &plain) {
            atelier_train::Figure::Grid { rows, .. } => {
                rows.into_iter().flat_map(|(_, t)| to_vec(t)).collect::<Vec<_>>()
            }
            _ => unreachable!("samples are a grid"),
        };
        assert_eq!(samples(&trained.model.valid()), samples(&loaded.model.valid()), "{backend}");
        let evaluated = load_model(&config, &blobs, &plain).unwrap();
        assert_eq!(samples(&trained.model.valid()), samples(&evaluated), "{backend}");
        let mut partial = blobs.clone();
        partial.remove("optimizer");
        let err = VaeExperiment::new(config, &device).load_state(&partial).err().unwrap();
        assert!(err.contains("no 'optimizer'"), "{err}");
    }
}

#[test]
fn a_diverging_run_stops_with_the_nan_error_and_keeps_its_last_good_checkpoint() {
    let _rng = shared_rng();
    let device = Backend::Flex.device().unwrap().autodiff();
    let out = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
    let run = RunDir::create(out.path(), "vae", "flex", 0).unwrap();
    let config = TrainConfig {
        epochs: 1,
        batch_size: 8,
        log_every: 1,
        checkpoint_every: 1,
        train_limit: Some(64),
        valid_limit: Some(16),
        ..TrainConfig::default()
    };
    let session = Session {
        run: run.clone(),
        config,
        device: device.clone(),
        stop: Arc::new(AtomicBool::new(false)),
        resume: Resume::Fresh,
        after_restore: Default::default(),
    };
    let data = load_from(DataSource::Embedded).unwrap();
    let train = ImageSource::new(Arc::new(data.train), Some(64));
    let valid = ImageSource::new(Arc::new(data.test), Some(16));
    device.seed(0);
    let absurd = VaeExperiment::new(VaeConfig { learning_rate: 1e12, ..Default::default() }, &device);
    let err = fit(absurd, &train, &valid, &session).err().expect("an absurd learning rate must diverge");
    let TrainError::NonFinite { last_good_checkpoint, last_step, .. } = &err else { panic!("wrong error: {err}") };
    assert!(err.to_string().contains("training diverged"), "{err}");
    let kept = last_good_checkpoint.as_ref().expect("step 1 was finite and checkpointed");
    assert!(*last_step >= 2, "the first step's loss is computed before any update: {err}");
    let (position, blobs) = checkpoint::load(kept).unwrap();
    assert!(position.step < *last_step);
    assert!(load_model(&VaeConfig::default(), &blobs, &Backend::Flex.device().unwrap()).is_ok());
}

#[test]
fn the_manifold_needs_two_latent_dimensions() {
    let _rng = shared_rng();
    let device = Backend::Flex.device().unwrap();
    let vae = Vae::new(2, &device);
    match manifold_figure(&vae.decoder, 5, &device).unwrap() {
        atelier_train::Figure::Grid { rows, .. } => {
            assert_eq!(rows.len(), 5);
            assert!(rows.iter().all(|(_, images)| images.dims() == [5, 1, 28, 28]));
        }
        _ => panic!("a grid"),
    }
    let err = manifold_figure(&Vae::new(8, &device).decoder, 5, &device).err().unwrap();
    assert!(err.contains("k = 8"), "{err}");
    assert_eq!(most_active_dimensions(&[0.1, 3.0, 0.0, 1.5], 2), vec![(1, 3.0), (3, 1.5)]);
}

#[test]
fn invalid_settings_are_refused_with_their_name() {
    let _rng = shared_rng();
    let bad = VaeConfig { latent: 0, ..Default::default() };
    assert!(bad.validate().unwrap_err().contains("latent"));
    let bad = VaeConfig { beta: -1.0, ..Default::default() };
    assert!(bad.validate().unwrap_err().contains("beta"));
    let bad = VaeConfig { likelihood: Likelihood::Gaussian { sigma: 0.0 }, ..Default::default() };
    assert!(bad.validate().unwrap_err().contains("sigma"));
    let bad = VaeConfig { learning_rate: f64::INFINITY, ..Default::default() };
    assert!(bad.validate().unwrap_err().contains("learning_rate"));
}
