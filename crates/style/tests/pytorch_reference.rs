//! The texture objective's first 20 steps against PyTorch's on the same inputs: the same Gram
//! loss, weights, features and starting canvas, optimised by the same Adam.
//!
//! Golden curve: PyTorch 2.15.0 (CPU), 2026-12-06, from
//! `cargo run --example gatys_inputs -- DIR` (the inputs built below: random filters of seed 5,
//! the embedded brick at 32×32, the canvas of device seed 11) and
//! `python crates/runner/reference/pytorch_reference.py gatys-loss --inputs DIR --steps 20`.

use atelier_backend::Backend;
use atelier_style::features::FeatureNet;
use atelier_style::lecture::data::EMBEDDED;
use atelier_style::step::{Images, SynthesisExperiment, Tick};
use atelier_style::{FeatureNetwork, StyleConfig};
use atelier_testkit::{ctx, scalar, shared_rng};
use atelier_train::Experiment;
use burn::prelude::*;

const PYTORCH: [f64; 20] = [
    0.29961636662483215,
    0.2701590657234192,
    0.1817033886909485,
    0.1217399314045906,
    0.09028474986553192,
    0.07507822662591934,
    0.07064014673233032,
    0.058423854410648346,
    0.050718262791633606,
    0.044813916087150574,
    0.0378873236477375,
    0.036076128482818604,
    0.03368056192994118,
    0.030243221670389175,
    0.03002426028251648,
    0.028834281489253044,
    0.025858156383037567,
    0.023827649652957916,
    0.021185252815485,
    0.017890099436044693,
];

#[test]
fn the_texture_loss_curve_follows_pytorchs() {
    let _rng = shared_rng();
    let device = Backend::Flex.device().unwrap().autodiff();
    let config = StyleConfig {
        size: 32,
        channels: 1,
        features: FeatureNetwork::Random,
        learning_rate: 0.02,
        ..StyleConfig::default()
    };
    let image = atelier_data::colour::decode(
        EMBEDDED[0].1,
        std::path::Path::new("brick"),
        atelier_data::colour::GreyPolicy::Convert,
    )
    .unwrap()
    .resized(32);
    let style = Tensor::<4>::from_data(TensorData::new(image.to_planar_unit(), [1, 3, 32, 32]), &device);
    device.seed(11);
    let net = FeatureNet::random(5, &device);
    let mut synthesis = SynthesisExperiment::new(config, net, Images { style, content: None });
    for (step, expected) in PYTORCH.iter().enumerate() {
        let output = synthesis.train_step(Tick, &mut ctx(&device, step as u64));
        let loss = f64::from(scalar(output.metrics[0].1.clone()));
        let relative = (loss - expected).abs() / expected.abs();
        assert!(relative <= 1e-3, "step {step}: ours {loss}, PyTorch {expected} ({relative:.2e} apart)");
    }
}
