//! The tests that define the ruler this lecture exports (the Fashion evaluator, a classifier rebuilt
//! by this lecture from `assets/evaluator/`), on the
//! embedded mini Fashion-MNIST set (2,000 training / 500 test images): FCD(test, train) is small;
//! FCD grows monotonically with noise and with blur; IS of real images is high; coverage is 10/10
//! on test images and 1/10 on a single-class set; the weights load on every backend.

use std::path::PathBuf;

use atelier_backend::{Backend, test_backends};
use atelier_classifier::ClassifierConfig;
use atelier_classifier::lecture::LECTURE;
use atelier_data::{DataSource, load_from};
use atelier_evaluation::degrade::{gaussian_blur, gaussian_noise};
use atelier_evaluation::{Evaluator, EvaluatorOutputs, coverage, fcd, inception_score};
use atelier_lecture::Lecture;
use burn::prelude::*;

fn evaluator_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/evaluator")
}

fn evaluator(device: &Device) -> Evaluator {
    let card: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(evaluator_dir().join("evaluator.json")).unwrap()).unwrap();
    let config: ClassifierConfig = serde_json::from_value(card["config"].clone()).unwrap();
    let weights = std::fs::read(evaluator_dir().join("evaluator.bpk")).unwrap();
    let net = LECTURE.frozen_net(&config, weights, device).expect("the classifier rebuilds frozen nets").unwrap();
    Evaluator { net }
}

/// (test pixels, test labels, train pixels) of the embedded set.
fn embedded() -> (Vec<f32>, Vec<u8>, Vec<f32>) {
    let data = load_from(DataSource::Embedded).unwrap();
    let all = |n: usize| (0..n).collect::<Vec<_>>();
    (
        data.test.batch_pixels(&all(data.test.len())),
        data.test.labels.clone(),
        data.train.batch_pixels(&all(data.train.len())),
    )
}

fn outputs(e: &Evaluator, pixels: &[f32], device: &Device) -> EvaluatorOutputs {
    e.outputs(pixels, pixels.len() / 784, device).expect("the evaluator's outputs read back")
}

#[test]
fn fcd_is_small_between_real_sets_and_grows_with_noise_and_blur() {
    let device = Backend::Flex.device().unwrap();
    let e = evaluator(&device);
    let (test, _, train) = embedded();
    let reference = outputs(&e, &train, &device);
    let real = fcd(&outputs(&e, &test, &device), &reference).unwrap();
    let noisy: Vec<f64> = [0.1, 0.2, 0.3, 0.5]
        .iter()
        .map(|&s| fcd(&outputs(&e, &gaussian_noise(&test, s, 1), &device), &reference).unwrap())
        .collect();
    let blurred: Vec<f64> = [0.5, 1.0, 1.5, 2.5]
        .iter()
        .map(|&s| fcd(&outputs(&e, &gaussian_blur(&test, 28, s), &device), &reference).unwrap())
        .collect();
    eprintln!("FCD(test, train) = {real:.3}; noise σ 0.1..0.5: {noisy:?}; blur σ 0.5..2.5: {blurred:?}");
    assert!(real < noisy[0], "real {real} vs lightest noise {}", noisy[0]);
    assert!(noisy.windows(2).all(|w| w[0] < w[1]), "FCD must rise with noise: {noisy:?}");
    assert!(real < blurred[0], "real {real} vs lightest blur {}", blurred[0]);
    assert!(blurred.windows(2).all(|w| w[0] < w[1]), "FCD must rise with blur: {blurred:?}");
    assert!(noisy[2] > 5.0 * real, "σ = 0.3 noise must be far from real images: {} vs {real}", noisy[2]);
}

#[test]
fn real_images_score_a_high_inception_score_and_full_coverage() {
    let device = Backend::Flex.device().unwrap();
    let e = evaluator(&device);
    let (test, labels, _) = embedded();
    let real = outputs(&e, &test, &device);
    let is = inception_score(&real);
    eprintln!("IS of the 500 embedded test images: {is:.3}");
    assert!(is > 7.0 && is <= 10.0, "IS of real test images {is}");
    assert_eq!(coverage(&real).classes_covered, 10);
    // One class only (the 50 trousers, class 1): coverage 1/10 and IS near 1.
    let trousers: Vec<f32> = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == 1)
        .flat_map(|(i, _)| test[i * 784..(i + 1) * 784].to_vec())
        .collect();
    let single = outputs(&e, &trousers, &device);
    assert_eq!(coverage(&single).classes_covered, 1);
    assert!(inception_score(&single) < 1.5, "{}", inception_score(&single));
}

#[test]
fn the_evaluator_loads_and_agrees_on_every_backend() {
    let (test, _, _) = embedded();
    let some = &test[..16 * 784];
    let flex = Backend::Flex.device().unwrap();
    let reference = outputs(&evaluator(&flex), some, &flex);
    for (backend, device) in test_backends() {
        let out = outputs(&evaluator(&device), some, &device);
        let max_diff =
            out.probabilities.iter().zip(&reference.probabilities).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(max_diff < 1e-3, "{backend}: probabilities differ by {max_diff}");
    }
}
