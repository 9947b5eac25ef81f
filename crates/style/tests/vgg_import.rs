//! VGG-19's import through Burn's store, checked on a small VGG-19-shaped network (stage widths 4, 8,
//! 8, 16, 16, random weights) that PyTorch saved in torchvision's layout.
//!
//! Golden data: `tests/data/vgg19-small.{pth,safetensors}` and `vgg19-small-outputs.json`, from
//! `python crates/runner/reference/pytorch_reference.py vgg-import --out crates/style/tests/data`
//! (PyTorch 2.15.0, CPU, 2026-12-06): each style layer's per-channel mean and RMS and first values
//! on a fixed 32×32 image, with ImageNet normalisation and average pooling as in `src/vgg.rs`.

use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_style::features::FeatureNet;
use atelier_style::lecture::imported::load_vgg19;
use atelier_style::step::{Images, SynthesisExperiment, Tick};
use atelier_style::vgg::{STYLE_LAYERS, StageWidths};
use atelier_style::{FeatureNetwork, StyleConfig};
use atelier_testkit::commands::scratch;
use atelier_testkit::{ctx, scalar, shared_rng};
use atelier_train::Experiment;
use burn::prelude::*;
use serde_json::Value;

const SMALL: StageWidths = StageWidths([4, 8, 8, 16, 16]);
const SIZE: usize = 32;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// The reference script's image: `0.5 + 0.45·sin(0.37·i)` over the flat index of `[1, 3, 32, 32]`.
fn image(device: &Device) -> Tensor<4> {
    let values: Vec<f32> = (0..3 * SIZE * SIZE).map(|i| (0.5 + 0.45 * (0.37 * i as f64).sin()) as f32).collect();
    Tensor::<4>::from_data(TensorData::new(values, [1, 3, SIZE, SIZE]), device)
}

fn close(ours: f64, theirs: f64, what: &str) {
    let gap = (ours - theirs).abs();
    assert!(gap <= 1e-4 * theirs.abs().max(1.0), "{what}: ours {ours}, PyTorch {theirs}");
}

fn floats(value: &Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

fn matches_pytorch_layer_by_layer(file: &str) {
    let device = Backend::Flex.device().unwrap();
    let net = load_vgg19(&data(file), SMALL, &device).unwrap_or_else(|e| panic!("{file}: {e}"));
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(data("vgg19-small-outputs.json")).unwrap()).unwrap();
    let outputs = net.activations(image(&device));
    assert_eq!(outputs.len(), STYLE_LAYERS.len());
    for (name, output) in STYLE_LAYERS.iter().zip(outputs) {
        let expected = &golden["layers"][name];
        let shape: Vec<usize> =
            expected["shape"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(output.dims().to_vec(), shape, "{name}'s shape");
        let [_, channels, h, w] = output.dims();
        let flat = output.reshape([channels, h * w]); // [c, h·w]
        let means = flat.clone().mean_dim(1).into_data().try_to_vec::<f32>().unwrap();
        let rms = flat.clone().square().mean_dim(1).sqrt().into_data().try_to_vec::<f32>().unwrap();
        let first = flat.reshape([channels * h * w]).narrow(0, 0, 8).into_data().try_to_vec::<f32>().unwrap();
        for (c, (ours, theirs)) in means.iter().zip(floats(&expected["channel_means"])).enumerate() {
            close(f64::from(*ours), theirs, &format!("{file} {name} channel {c}'s mean"));
        }
        for (c, (ours, theirs)) in rms.iter().zip(floats(&expected["channel_rms"])).enumerate() {
            close(f64::from(*ours), theirs, &format!("{file} {name} channel {c}'s RMS"));
        }
        for (i, (ours, theirs)) in first.iter().zip(floats(&expected["first"])).enumerate() {
            close(f64::from(*ours), theirs, &format!("{file} {name} value {i}"));
        }
    }
}

#[test]
fn a_pytorch_checkpoint_imports_and_matches_pytorch_layer_by_layer() {
    matches_pytorch_layer_by_layer("vgg19-small.pth");
}

#[test]
fn a_safetensors_file_imports_and_matches_pytorch_layer_by_layer() {
    matches_pytorch_layer_by_layer("vgg19-small.safetensors");
}

#[test]
fn weights_of_the_wrong_shape_are_refused_naming_the_layer() {
    let device = Backend::Flex.device().unwrap();
    for file in ["vgg19-small.pth", "vgg19-small.safetensors"] {
        let error = load_vgg19(&data(file), StageWidths::IMAGENET, &device).unwrap_err();
        assert!(
            error.contains(
                "conv1_1 (features.0.weight) has shape [4, 3, 3, 3] in the file where VGG-19 has [64, 3, 3, 3]"
            ),
            "{error}"
        );
        assert_eq!(error.lines().count(), 1, "one sentence: {error}");
    }
}

#[test]
fn missing_unknown_and_unreadable_files_are_refused_in_one_sentence() {
    let device = Backend::Flex.device().unwrap();
    let dir = scratch("vgg-bad");
    let garbage = dir.join("vgg19.pth");
    std::fs::write(&garbage, b"not a checkpoint").unwrap();
    let text = dir.join("vgg19.txt");
    std::fs::write(&text, b"weights").unwrap();
    let cases = [
        (dir.join("absent.pth"), "no such file"),
        (text, "must be a .pth, .pt or .safetensors file"),
        (garbage, "not a readable weights file"),
    ];
    for (path, needle) in cases {
        let error = load_vgg19(&path, SMALL, &device).unwrap_err();
        assert!(error.contains(needle), "{}: {error}", path.display());
        assert_eq!(error.lines().count(), 1, "one sentence: {error}");
    }
}

/// The imported network drives the synthesis like any other choice: the objective falls.
#[test]
fn an_imported_network_drives_the_texture_synthesis() {
    let _rng = shared_rng();
    let device = Backend::Flex.device().unwrap().autodiff();
    let net = load_vgg19(&data("vgg19-small.pth"), SMALL, &device).unwrap();
    let config = StyleConfig { size: SIZE, features: FeatureNetwork::Vgg19, ..StyleConfig::default() };
    device.seed(3);
    let mut synthesis =
        SynthesisExperiment::new(config, FeatureNet::vgg19(net), Images { style: image(&device), content: None });
    let losses: Vec<f32> =
        (0..30).map(|step| scalar(synthesis.train_step(Tick, &mut ctx(&device, step)).metrics[0].1.clone())).collect();
    assert!(losses[29] < 0.5 * losses[0], "the objective falls: {losses:?}");
}
