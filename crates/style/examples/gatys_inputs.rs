//! Writes the inputs of the PyTorch reference of the texture objective
//! (`crates/runner/reference/pytorch_reference.py gatys-loss`): the random filters (seed 5), the
//! 32×32 embedded brick and the starting canvas (device seed 11) that
//! `tests/pytorch_reference.rs` optimises, as little-endian f32 files with `inputs.json`.
//!
//! `cargo run --example gatys_inputs -- DIR`, then
//! `python crates/runner/reference/pytorch_reference.py gatys-loss --inputs DIR --steps 20`.

use atelier_backend::Backend;
use atelier_style::features::{FeatureNet, RANDOM_FILTERS, RANDOM_SIZES};
use atelier_style::lecture::data::EMBEDDED;
use atelier_style::step::{Images, SynthesisExperiment};
use atelier_style::{FeatureNetwork, StyleConfig};
use burn::prelude::*;

fn main() -> Result<(), String> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: gatys_inputs DIR")?);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let device = Backend::Flex.device().map_err(|e| e.to_string())?.autodiff();
    let config = reference_config();
    let style = brick(config.size, &device);
    device.seed(11);
    let net = FeatureNet::random(5, &device);
    let FeatureNet::Random(filters) = &net else { unreachable!("random filters") };
    let weights: Vec<Tensor<4>> = filters.weights().to_vec();
    let synthesis = SynthesisExperiment::new(config.clone(), net, Images { style: style.clone(), content: None });
    let write = |name: &str, t: Tensor<4>| {
        let values: Vec<f32> = t.into_data().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(dir.join(name), bytes).map_err(|e| e.to_string())
    };
    write("style.f32", style)?;
    write("canvas.f32", synthesis.canvas.pixels.val())?;
    for (k, weight) in RANDOM_SIZES.iter().zip(weights) {
        write(&format!("filters-{k}.f32"), weight)?;
    }
    let meta = format!(
        "{{\"size\": {}, \"channels\": {}, \"filters\": {RANDOM_FILTERS}, \"sizes\": {:?}, \"lr\": {}}}\n",
        config.size, config.channels, RANDOM_SIZES, config.learning_rate
    );
    std::fs::write(dir.join("inputs.json"), meta).map_err(|e| e.to_string())?;
    println!("wrote the inputs to {}", dir.display());
    Ok(())
}

/// The reference's setting: a grey 32×32 texture, random filters, Adam 0.02.
fn reference_config() -> StyleConfig {
    StyleConfig {
        size: 32,
        channels: 1,
        features: FeatureNetwork::Random,
        learning_rate: 0.02,
        ..StyleConfig::default()
    }
}

/// The embedded brick at `size`, `[1, 3, size, size]`.
fn brick(size: usize, device: &Device) -> Tensor<4> {
    let image = atelier_data::colour::decode(
        EMBEDDED[0].1,
        std::path::Path::new("brick"),
        atelier_data::colour::GreyPolicy::Convert,
    )
    .expect("the embedded brick decodes")
    .resized(size);
    Tensor::<4>::from_data(TensorData::new(image.to_planar_unit(), [1, 3, size, size]), device)
}
