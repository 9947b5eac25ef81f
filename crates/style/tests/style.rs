//! The style lecture's pieces: the Gram matrix and its loss (golden values worked by hand, the
//! analytic gradient of Gatys et al.'s eq. 6), the Heeger–Bergen pyramid and histogram matching,
//! and the synthesis in the shared loop's terms (it learns, same seed ⇒ same numbers, state
//! round-trips).

use std::collections::BTreeMap;

use atelier_backend::Backend;
use atelier_style::features::FeatureNet;
use atelier_style::gram::{gram, gram_distance};
use atelier_style::heeger_bergen::{Plane, collapse, laplacian_pyramid, match_histogram, synthesise};
use atelier_style::lecture::data::EMBEDDED;
use atelier_style::loss::{Targets, layer_weights, objective};
use atelier_style::measures::{band_histogram_distance, pixel_histogram_distance, style_distance};
use atelier_style::step::{Images, LAYER_METRICS, SynthesisExperiment, Tick};
use atelier_style::{FeatureNetwork, PixelOptimizer, StyleConfig, StyleTask};
use atelier_testkit::{ctx, exclusive_rng, scalar, shared_rng, to_vec};
use atelier_train::Experiment;
use burn::prelude::*;
use burn::tensor::Distribution;

fn flex() -> Device {
    Backend::Flex.device().unwrap()
}

/// `F = [[1, 2], [3, 4]]` (N = 2 channels, M = 2 positions): `F·Fᵀ = [[5, 11], [11, 25]]`,
/// divided by `N·M = 4`.
#[test]
fn the_gram_matrix_of_a_worked_example() {
    let device = flex();
    let f = Tensor::<4>::from_data(TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0], [1, 2, 1, 2]), &device);
    let g = gram(f);
    assert_eq!(g.dims(), [1, 2, 2]);
    assert_eq!(to_vec(g.clone()), vec![1.25, 2.75, 2.75, 6.25]);
    // E = ¼·Σ (G − 0)² = ¼·(1.25² + 2·2.75² + 6.25²) = ¼·55.75
    let zero = Tensor::<3>::zeros([1, 2, 2], &device);
    assert!((scalar(gram_distance(g.clone(), zero)) - 13.9375).abs() < 1e-5);
    // w = 1/(L·¼·‖A‖²) with L = 1.
    let w = layer_weights(&[g]);
    assert!((w[0] - 1.0 / 13.9375).abs() < 1e-9, "{w:?}");
}

/// Gatys et al. (2015), eq. 6 in this normalisation: `∂E/∂F = (G − A)·F / (N·M)` (where `F > 0`).
#[test]
fn the_style_loss_gradient_is_the_papers() {
    let _rng = shared_rng();
    let device = flex().autodiff();
    device.seed(3);
    let (n, h, w) = (4usize, 3usize, 5usize);
    let f = Tensor::<4>::random([1, n, h, w], Distribution::Uniform(0.1, 1.0), &device).require_grad();
    let r = Tensor::<3>::random([1, n, n], Distribution::Uniform(0.0, 0.5), &device);
    let a = (r.clone() + r.swap_dims(1, 2)).div_scalar(2.0); // a target Gram matrix is symmetric
    let loss = gram_distance(gram(f.clone()), a.clone());
    let grads = loss.backward();
    let autodiff = to_vec(f.grad(&grads).unwrap());
    let flat = f.clone().inner().reshape([n, h * w]); // [N, M]
    let g = gram(f.inner()).reshape([n, n]);
    let analytic = to_vec((g - a.inner().reshape([n, n])).matmul(flat).div_scalar((n * h * w) as f64));
    for (x, y) in autodiff.iter().zip(&analytic) {
        assert!((x - y).abs() <= 1e-6 + 1e-4 * y.abs(), "autodiff {x} vs eq. 6 {y}");
    }
}

#[test]
fn the_laplacian_pyramid_collapses_back_to_its_image() {
    let mut rng = atelier_core::Rng::new(1);
    for (w, h) in [(32, 32), (37, 29)] {
        let plane = Plane::new(w, h, (0..w * h).map(|_| rng.next_f32()).collect());
        let pyramid = laplacian_pyramid(&plane, 3);
        assert_eq!(pyramid.len(), 4);
        assert_eq!((pyramid[1].width, pyramid[1].height), (w.div_ceil(2), h.div_ceil(2)));
        let back = collapse(&pyramid);
        let worst = back.values.iter().zip(&plane.values).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-5, "{w}×{h}: off by {worst}");
    }
}

#[test]
fn histogram_matching_takes_the_targets_values_in_the_sources_order() {
    let mut values = vec![0.3, -1.0, 5.0, 0.2];
    match_histogram(&mut values, &[10.0, 40.0, 20.0, 30.0]);
    assert_eq!(values, vec![30.0, 10.0, 40.0, 20.0]);
    // A larger source takes the target's quantiles.
    let mut more: Vec<f32> = (0..8).map(|i| i as f32).collect();
    match_histogram(&mut more, &[1.0, 2.0]);
    assert_eq!(more, vec![1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0]);
}

/// A 32×32 grey crop of the embedded brick, planar RGB.
fn brick(side: usize) -> Vec<f32> {
    let image = atelier_data::colour::decode(
        EMBEDDED[0].1,
        std::path::Path::new("brick"),
        atelier_data::colour::GreyPolicy::Convert,
    )
    .unwrap()
    .resized(side);
    image.to_planar_unit()
}

#[test]
fn heeger_bergen_matches_the_pixel_histogram_and_moves_the_bands_towards_the_texture() {
    let texture = brick(32);
    let synthesised = synthesise(&texture, 3, 32, 32, 4, 7);
    assert_eq!(synthesised, synthesise(&texture, 3, 32, 32, 4, 7), "same seed, same texture");
    assert_eq!(pixel_histogram_distance(&synthesised, &texture, 3), 0.0, "its last step matches the pixels");
    let mut rng = atelier_core::Rng::new(7);
    let noise: Vec<f32> = (0..texture.len()).map(|_| rng.next_f32()).collect();
    let (bands, noise_bands) = (
        band_histogram_distance(&synthesised, &texture, 3, 32, 32),
        band_histogram_distance(&noise, &texture, 3, 32, 32),
    );
    assert!(bands < 0.5 * noise_bands, "bands {bands} vs noise {noise_bands}");
    // A grey texture stays grey.
    assert_eq!(synthesised[..1024], synthesised[1024..2048]);
}

/// A 32×32 texture of the (grey) brick with the random filters: a one-channel canvas.
fn small_config() -> StyleConfig {
    StyleConfig {
        size: 32,
        channels: 1,
        features: FeatureNetwork::Random,
        learning_rate: 0.05,
        ..StyleConfig::default()
    }
}

fn experiment(config: StyleConfig, device: &Device) -> SynthesisExperiment {
    device.seed(11);
    let style = Tensor::<4>::from_data(TensorData::new(brick(config.size), [1, 3, config.size, config.size]), device);
    let content = matches!(config.task, StyleTask::Transfer).then(|| style.clone().flip([3]));
    SynthesisExperiment::new(config, FeatureNet::random(5, device), Images { style, content })
}

/// `(loss, style layers…)` of `steps` steps.
fn losses(experiment: &mut SynthesisExperiment, steps: u64, device: &Device) -> Vec<Vec<f32>> {
    (0..steps)
        .map(|step| {
            let output = experiment.train_step(Tick, &mut ctx(device, step));
            output.metrics.into_iter().map(|(_, v)| scalar(v)).collect()
        })
        .collect()
}

#[test]
fn the_synthesis_learns_the_textures_statistics() {
    let _rng = shared_rng();
    let device = flex().autodiff();
    let mut synthesis = experiment(small_config(), &device);
    let start = synthesis.canvas.picture();
    let curve = losses(&mut synthesis, 60, &device);
    let (first, last) = (curve[0][0], curve[59][0]);
    assert!(last < 0.1 * first, "the style loss fell from {first} to {last} only");
    let step = synthesis.train_step(Tick, &mut ctx(&device, 60));
    let names: Vec<&str> = step.metrics.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, [&["loss", "style_loss"][..], &LAYER_METRICS[..4]].concat(), "four layers of random filters");
    // Measured on the held-out network too (another seed): closer to the brick than the start.
    let texture = Tensor::<4>::from_data(TensorData::new(brick(32), [1, 3, 32, 32]), &device);
    let judge = FeatureNet::random(99, &device);
    let before = scalar(style_distance(&judge, start, texture.clone()));
    let after = scalar(style_distance(&judge, synthesis.canvas.picture(), texture));
    assert!(after < 0.5 * before, "held-out distance {before} → {after}");
    // A grey texture is synthesised in grey: one channel.
    assert_eq!(synthesis.canvas.pixels.val().dims()[1], 1);
}

#[test]
fn same_seed_same_numbers_and_the_state_round_trips() {
    let _rng = exclusive_rng(); // two seeded experiments compared: no other test draws meanwhile
    let device = flex().autodiff();
    let config = StyleConfig { task: StyleTask::Transfer, channels: 3, ..small_config() };
    let mut a = experiment(config.clone(), &device);
    let mut b = experiment(config.clone(), &device);
    let (la, lb) = (losses(&mut a, 3, &device), losses(&mut b, 3, &device));
    assert_eq!(la, lb, "same seed ⇒ same losses");
    assert_eq!(la[0].len(), 3 + 4, "loss, style, content and the four layers");
    // Saved and restored mid-run, the next steps are the same as without the round-trip.
    let blobs: BTreeMap<String, Vec<u8>> = a.state().unwrap().into_iter().collect();
    let mut restored = experiment(config, &device).load_state(&blobs).unwrap();
    assert_eq!(to_vec(restored.canvas.picture()), to_vec(a.canvas.picture()));
    assert_eq!(losses(&mut restored, 2, &device), losses(&mut a, 2, &device));
}

/// L-BFGS (Gatys et al.'s optimiser) through the same experiment: it learns the texture faster than
/// Adam in the same steps, and its memory survives a checkpoint (same numbers after the round-trip).
#[test]
fn lbfgs_learns_faster_than_adam_and_its_memory_round_trips() {
    let _rng = exclusive_rng(); // two seeded experiments compared: no other test draws meanwhile
    let device = flex().autodiff();
    let lbfgs_config = StyleConfig { optimizer: PixelOptimizer::Lbfgs, ..small_config() };
    let mut lbfgs = experiment(lbfgs_config.clone(), &device);
    let mut adam = experiment(small_config(), &device);
    let (with_lbfgs, with_adam) = (losses(&mut lbfgs, 30, &device), losses(&mut adam, 30, &device));
    assert_eq!(with_lbfgs[0][0], with_adam[0][0], "the same start");
    assert!(with_lbfgs[29][0] < 0.5 * with_adam[29][0], "L-BFGS {:?} against Adam {:?}", with_lbfgs[29], with_adam[29]);
    let blobs: BTreeMap<String, Vec<u8>> = lbfgs.state().unwrap().into_iter().collect();
    assert!(blobs.contains_key("lbfgs"), "the memory is checkpointed");
    let mut restored = experiment(lbfgs_config, &device).load_state(&blobs).unwrap();
    assert_eq!(losses(&mut restored, 3, &device), losses(&mut lbfgs, 3, &device));
}

/// Coarse to fine: 10 steps at 16×16, then the canvas upsampled to 32×32 for 10 more; a checkpoint
/// at either scale restores to the same numbers, across the move as well.
#[test]
fn a_multi_scale_synthesis_moves_up_and_resumes_at_either_scale() {
    let _rng = exclusive_rng(); // two seeded experiments compared: no other test draws meanwhile
    let device = flex().autodiff();
    let config = StyleConfig { scales: 2, ..small_config() };
    let fresh = || experiment(config.clone(), &device).coarse_to_fine(20);
    let mut straight = fresh();
    assert_eq!(straight.canvas.pixels.val().dims(), [1, 1, 16, 16], "the coarse side first");
    let step = |e: &mut SynthesisExperiment, at: u64| -> Vec<f32> {
        e.train_step(Tick, &mut ctx(&device, at)).metrics.into_iter().map(|(_, v)| scalar(v)).collect()
    };
    let mut saved = Vec::new();
    let mut curve = Vec::new();
    for at in 0..20 {
        if at == 10 || at == 15 {
            saved.push((at, straight.state().unwrap().into_iter().collect::<BTreeMap<String, Vec<u8>>>()));
        }
        curve.push(step(&mut straight, at));
    }
    assert_eq!(straight.canvas.pixels.val().dims(), [1, 1, 32, 32], "the full side last");
    assert!(curve[19][0] < curve[10][0], "the objective falls at the fine scale: {:?}", curve);
    for (at, blobs) in saved {
        let mut restored = fresh().load_state(&blobs).unwrap();
        for later in at..20 {
            assert_eq!(step(&mut restored, later), curve[later as usize], "resumed at {at}, step {later}");
        }
    }
    assert!(
        StyleConfig { scales: 3, size: 32, ..small_config() }.validate().is_err(),
        "8×8 is below the smallest side"
    );
}

#[test]
fn the_objective_weighs_content_against_style() {
    let device = flex();
    let features = vec![Tensor::<4>::ones([1, 2, 2, 2], &device), Tensor::<4>::ones([1, 2, 1, 1], &device)];
    let target_maps =
        vec![Tensor::<4>::zeros([1, 2, 2, 2], &device), Tensor::<4>::ones([1, 2, 1, 1], &device).mul_scalar(2.0)];
    let targets = Targets::new(target_maps.clone(), Some((0, target_maps)));
    let terms = objective(features, &targets, 10.0);
    // Content at layer 0: ½·mean (1 − 0)² = ½.
    assert!((scalar(terms.content.unwrap()) - 0.5).abs() < 1e-6);
    // Layer 0's target is all zeros (weight 1/L = ½); layer 1: G = 1/2·[[1,1],[1,1]], A = 4× that.
    let style = scalar(terms.style.clone());
    let e0 = 0.25 * 4.0 * 0.25f32; // G entries 4/(2·4) = ½ → ¼·4·¼
    let e1 = 0.25 * 4.0 * 1.5f32 * 1.5; // (½ − 2)² each
    let w1 = 1.0 / (2.0 * 0.25 * 4.0 * 4.0f32);
    assert!((style - (0.5 * e0 + w1 * e1)).abs() < 1e-5, "{style}");
    assert!((scalar(terms.total) - (0.5 + 10.0 * style)).abs() < 1e-4);
}

/// The stylizer keeps an image's shape and range, and learns a batch: with a small style weight
/// its content loss falls (it learns to keep the content images' features).
#[test]
fn the_stylizer_keeps_the_shape_and_learns_a_batch() {
    use atelier_style::fast::{ContentBatch, ContentImages, FastExperiment};
    let _rng = shared_rng();
    let device = flex().autodiff();
    device.seed(2);
    let config = StyleConfig {
        size: 16,
        width: 4,
        residual_blocks: 1,
        style_weight: 0.01,
        learning_rate: 1e-2,
        features: FeatureNetwork::Random,
        ..StyleConfig::for_task(StyleTask::Fast)
    };
    let texture = brick(16);
    let flipped: Vec<f32> = texture.chunks(16).flat_map(|row| row.iter().rev().copied().collect::<Vec<_>>()).collect();
    let style = Tensor::<4>::from_data(TensorData::new(texture.clone(), [1, 3, 16, 16]), &device);
    let content = ContentImages { pixels: std::sync::Arc::new([flipped, texture].concat()), count: 2, size: 16 };
    let mut fast = FastExperiment::new(config, FeatureNet::random(5, &device), style);
    let out = fast.net.forward(content.tensor(&[0, 1], &device));
    assert_eq!(out.dims(), [2, 3, 16, 16]);
    assert!(to_vec(out).iter().all(|v| *v > 0.0 && *v < 1.0), "a sigmoid's range");
    let content_loss = |fast: &mut FastExperiment, step: u64| {
        let output =
            fast.train_step(ContentBatch { images: content.tensor(&[0, 1], &device) }, &mut ctx(&device, step));
        scalar(output.metrics.iter().find(|(n, _)| *n == "content_loss").unwrap().1.clone())
    };
    let first = content_loss(&mut fast, 0);
    let last = (1..40).map(|step| content_loss(&mut fast, step)).last().unwrap();
    assert!(last < 0.75 * first, "the content loss fell from {first} to {last} only");
}
