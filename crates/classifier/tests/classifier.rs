//! Behaviour of the classifier lecture's models, loss and training step, on every test backend
//! (flex, ndarray, and wgpu where a Vulkan adapter exists).

use std::collections::BTreeMap;

use atelier_backend::{Backend, test_backends};
use atelier_classifier::step::load_model;
use atelier_classifier::{Architecture, Classifier, ClassifierConfig, ClassifierExperiment, Trainable};
use atelier_layers::loss::{accuracy, cross_entropy};
use atelier_testkit::{ctx, embedded_images, exclusive_rng, shared_rng, to_vec};
use atelier_train::Experiment;
use burn::prelude::*;

fn config(architecture: Architecture) -> ClassifierConfig {
    ClassifierConfig { architecture, ..Default::default() }
}

const ALL: [Architecture; 4] = [Architecture::Perceptron, Architecture::Mlp, Architecture::Cnn, Architecture::Vgg];

#[test]
fn every_architecture_gives_logits_and_features_of_the_right_shape() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        for (architecture, features) in ALL.into_iter().zip([784, 256, 128, 256]) {
            let model = Classifier::new(&config(architecture), &device);
            let x = embedded_images(3, &device).images;
            assert_eq!(model.forward(x.clone()).dims(), [3, 10], "{backend} {architecture:?}");
            assert_eq!(model.features(x).dims(), [3, features], "{backend} {architecture:?}");
        }
    }
}

#[test]
fn the_reference_cnn_has_the_pytorch_parameter_count() {
    // Conv(1→32,k3): 32·9+32 = 320; Conv(32→64,k3): 64·32·9+64 = 18 496; Linear(3136→128):
    // 401 536; Linear(128→10): 1 290. Total 421 642 (PyTorch's count for the same model).
    let model = Classifier::new(&ClassifierConfig::default(), &Backend::Flex.device().unwrap());
    assert_eq!(model.num_params(), 421_642);
    // The perceptron is softmax regression: 784·10 + 10.
    assert_eq!(Classifier::new(&config(Architecture::Perceptron), &Backend::Flex.device().unwrap()).num_params(), 7850);
}

#[test]
fn cross_entropy_and_accuracy_match_hand_computed_values() {
    for (backend, device) in test_backends() {
        // Row 0: logits (0, 0), label 0 → ln 2. Row 1: logits (0, ln 3), label 1 → −ln(3/4).
        // Mean = (ln 2 − ln 0.75)/2 = 0.490415…; argmax: row 0 → 0 (tie: first), row 1 → 1.
        let logits = Tensor::<2>::from_floats([[0.0, 0.0], [0.0, 3f32.ln()]], &device);
        let labels = Tensor::<1, Int>::from_ints([0, 1], &device);
        let ce = cross_entropy(logits.clone(), labels.clone()).into_scalar::<f32>();
        let expected = (2f32.ln() - 0.75f32.ln()) / 2.0;
        assert!((ce - expected).abs() < 1e-5, "{backend}: {ce} vs {expected}");
        let labels = Tensor::<1, Int>::from_ints([1, 1], &device);
        assert!((accuracy(logits, labels).into_scalar::<f32>() - 0.5).abs() < 1e-6, "{backend}");
    }
}

#[test]
fn overfits_one_batch() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        if backend != Backend::Flex {
            continue; // 60 convolutional steps take minutes on ndarray and on a software GPU; the
            // step itself runs on every backend in `same_seed_same_numbers`
        }
        let device = device.autodiff();
        device.seed(7);
        let mut experiment = ClassifierExperiment::new(ClassifierConfig::default(), &device);
        let batch = embedded_images(16, &device);
        let mut last = (0.0, 0.0);
        for step in 0..60 {
            let out = experiment.train_step(batch.clone(), &mut ctx(&device, step));
            let values: Vec<f32> = out.metrics.into_iter().map(|(_, v)| v.into_scalar::<f32>()).collect();
            last = (values[0], values[1]);
        }
        assert!(last.0 < 0.05 && last.1 == 1.0, "{backend}: loss {} accuracy {} after 60 steps", last.0, last.1);
    }
}

#[test]
fn head_only_training_leaves_the_convolutions_untouched() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        device.seed(5);
        let trained = ClassifierExperiment::new(ClassifierConfig::default(), &device);
        let blobs: BTreeMap<String, Vec<u8>> = trained.state().unwrap().into_iter().collect();
        let transfer = ClassifierConfig {
            trainable: Trainable::HeadOnly,
            pretrained_run: Some("unused-in-the-crate".into()),
            ..Default::default()
        };
        let mut experiment = ClassifierExperiment::from_pretrained(transfer, &blobs, &device).unwrap();
        let batch = embedded_images(8, &device);
        let conv_before = to_vec(experiment.model.valid().convs.unwrap().forward(batch.images.clone().inner()));
        let dense_before = to_vec(experiment.model.valid().forward(batch.images.clone().inner()));
        for step in 0..3 {
            experiment.train_step(batch.clone(), &mut ctx(&device, step));
        }
        let conv_after = to_vec(experiment.model.valid().convs.unwrap().forward(batch.images.clone().inner()));
        let dense_after = to_vec(experiment.model.valid().forward(batch.images.inner()));
        assert_eq!(conv_before, conv_after, "{backend}: frozen convolutions must not move");
        assert_ne!(dense_before, dense_after, "{backend}: the new dense part learns");
    }
}

#[test]
fn same_seed_same_numbers() {
    let _rng = exclusive_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let run = || {
            device.seed(42);
            let mut e = ClassifierExperiment::new(config(Architecture::Vgg), &device);
            let batch = embedded_images(8, &device);
            (0..2)
                .map(|s| {
                    device.seed(100 + s);
                    e.train_step(batch.clone(), &mut ctx(&device, s)).metrics[0].1.clone().into_scalar::<f32>()
                })
                .collect::<Vec<f32>>()
        };
        assert_eq!(run(), run(), "{backend}");
    }
}

#[test]
fn save_load_round_trip_gives_identical_logits_on_every_backend() {
    let _rng = shared_rng();
    let flex = Backend::Flex.device().unwrap().autodiff();
    flex.seed(3);
    let mut trained = ClassifierExperiment::new(config(Architecture::Vgg), &flex);
    trained.train_step(embedded_images(8, &flex), &mut ctx(&flex, 0)); // moves BatchNorm statistics too
    let blobs: BTreeMap<String, Vec<u8>> = trained.state().unwrap().into_iter().collect();
    let reference = to_vec(trained.model.valid().forward(embedded_images(4, &flex.clone().inner()).images));
    for (backend, device) in test_backends() {
        let loaded = load_model(&config(Architecture::Vgg), &blobs, &device).unwrap();
        let logits = to_vec(loaded.forward(embedded_images(4, &device).images));
        let max_diff = logits.iter().zip(&reference).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(max_diff < 1e-3, "{backend}: max |diff| {max_diff}");
    }
    let mut partial = blobs.clone();
    partial.remove("optimizer");
    let err = ClassifierExperiment::new(config(Architecture::Vgg), &flex).load_state(&partial).err().unwrap();
    assert!(err.contains("no 'optimizer'"), "{err}");
}

#[test]
fn invalid_settings_are_refused_with_their_name() {
    assert!(ClassifierConfig { classes: 1, ..Default::default() }.validate().unwrap_err().contains("classes"));
    let frozen_mlp = ClassifierConfig {
        architecture: Architecture::Mlp,
        trainable: Trainable::HeadOnly,
        pretrained_run: Some("x".into()),
        ..Default::default()
    };
    assert!(frozen_mlp.validate().unwrap_err().contains("convolution layers"));
    let nothing_to_freeze = ClassifierConfig { trainable: Trainable::HeadOnly, ..Default::default() };
    assert!(nothing_to_freeze.validate().unwrap_err().contains("--pretrained"));
    assert!(
        ClassifierConfig { learning_rate: -1.0, ..Default::default() }
            .validate()
            .unwrap_err()
            .contains("learning_rate")
    );
}
