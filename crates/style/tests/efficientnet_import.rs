//! EfficientNet-Lite0's ImageNet weights (`cargo xtask data fetch efficientnet`) through Burn's
//! store: the network classifies the embedded photographs as PyTorch does with the same weights.
//!
//! Golden data: `python crates/runner/reference/pytorch_reference.py efficientnet-check --weights
//! data/imagenet/efficientnet-lite0.pth` (PyTorch 2.15.0, CPU, 2026-12-06): the embedded chelsea
//! and coffee (128×128, bilinear to 224×224) are ImageNet's class 285 "Egyptian cat" (p = 0.3802)
//! and 967 "espresso" (p = 0.7259).
//!
//! The weights are fetched, not committed (18 MB): without them the test says so and passes, unless
//! `ATELIER_IMAGENET_TEST=required` (CI fetches them and sets it).

use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_style::efficientnet::EfficientNetLite0;
use atelier_style::lecture::data::EMBEDDED;
use atelier_style::lecture::imported::{EFFICIENTNET_FILE, load_efficientnet};
use atelier_style::step::resized;
use burn::prelude::*;

fn weights() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(EFFICIENTNET_FILE);
    if path.is_file() {
        return Some(path);
    }
    let required = std::env::var("ATELIER_IMAGENET_TEST").is_ok_and(|v| v == "required");
    assert!(!required, "{} is missing and ATELIER_IMAGENET_TEST=required", path.display());
    eprintln!("skipped: {} is missing (cargo xtask data fetch efficientnet)", path.display());
    None
}

/// The embedded photograph `name`, `[1, 3, 224, 224]` in `[0, 1]`.
fn photograph(name: &str, device: &Device) -> Tensor<4> {
    let bytes = EMBEDDED.iter().find(|(n, _)| *n == name).unwrap().1;
    let image =
        atelier_data::colour::decode(bytes, Path::new(name), atelier_data::colour::GreyPolicy::Convert).unwrap();
    let planar =
        Tensor::<4>::from_data(TensorData::new(image.to_planar_unit(), [1, 3, image.height, image.width]), device);
    resized(planar, 224)
}

#[test]
fn the_imported_network_sees_the_cat_and_the_espresso_as_pytorch_does() {
    let Some(path) = weights() else { return };
    let device = Backend::Flex.device().unwrap();
    let net: EfficientNetLite0 = load_efficientnet(&path, &device).unwrap();
    for (name, class, probability) in [("chelsea", 285, 0.3802), ("coffee", 967, 0.7259)] {
        let probabilities = burn::tensor::activation::softmax(net.logits(photograph(name, &device)), 1);
        let values = probabilities.into_data().try_to_vec::<f32>().unwrap();
        let top = (0..values.len()).max_by(|&a, &b| values[a].total_cmp(&values[b])).unwrap();
        assert_eq!(top, class, "{name}: top class");
        let ours = f64::from(values[class]);
        assert!((ours - probability).abs() < 2e-3, "{name}: p = {ours}, PyTorch {probability}");
    }
    // The style layers: stages 1 to 5.
    let shapes: Vec<[usize; 4]> =
        net.activations(Tensor::<4>::zeros([1, 3, 64, 64], &device)).iter().map(|t| t.dims()).collect();
    assert_eq!(shapes, [[1, 16, 32, 32], [1, 24, 16, 16], [1, 40, 8, 8], [1, 80, 4, 4], [1, 112, 4, 4]]);
}

#[test]
fn another_networks_file_is_refused_in_one_sentence() {
    let device = Backend::Flex.device().unwrap();
    let vgg = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vgg19-small.pth");
    let error = load_efficientnet(&vgg, &device).unwrap_err();
    assert!(error.contains("holds none of EfficientNet-Lite0's layers"), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
}
