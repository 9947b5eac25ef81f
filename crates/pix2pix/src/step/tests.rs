//! Which network each half-step moves, the L1-only baseline, overfitting one pair, checkpoints
//! and figures, on tiny networks (16×16 images).

use atelier_testkit::{ctx, exclusive_rng, scalar, shared_rng, to_vec};
use burn::module::{ModuleVisitor, Param};
use burn::tensor::Distribution;

use super::*;
use crate::config::ColourSpace;
use crate::loss::l1_loss;

/// Which float values of a module to read.
#[derive(Clone, Copy)]
enum Values {
    /// Weights, biases, batch-norm scales and shifts (what takes a gradient).
    Trainable,
    /// Also batch norm's running statistics (which move in every training-mode forward).
    All,
}

struct Reader(Values, Vec<f32>);

impl ModuleVisitor for Reader {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        if matches!(self.0, Values::All) || value.is_require_grad() {
            self.1.extend(value.into_data().try_into_vec_as::<f32>().unwrap());
        }
    }
}

fn values<M: Module>(module: &M, which: Values) -> Vec<f32> {
    let mut reader = Reader(which, Vec::new());
    module.visit(&mut reader);
    reader.1
}

/// How many values differ between two snapshots.
fn changed(a: &[f32], b: &[f32]) -> usize {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

fn device() -> Device {
    atelier_backend::Backend::Flex.device().unwrap().autodiff()
}

/// 16×16 images, 4 levels, narrow networks.
fn tiny(ngf: usize, ndf: usize) -> Pix2PixConfig {
    Pix2PixConfig { size: 16, ngf, ndf, ..Pix2PixConfig::default() }
}

/// `n` random pairs in `[0, 1]` shaped for `config`.
fn pairs(config: &Pix2PixConfig, n: usize, device: &Device) -> PairBatch {
    let s = config.size;
    let unit = Distribution::Uniform(0.0, 1.0);
    PairBatch {
        inputs: Tensor::random([n, config.input_channels, s, s], unit, device),
        targets: Tensor::random([n, config.output_channels, s, s], unit, device),
        labels: vec![0; n],
    }
}

fn names(output: &StepOutput) -> Vec<&'static str> {
    output.metrics.iter().map(|(name, _)| *name).collect()
}

#[test]
fn each_half_step_moves_only_its_own_network() {
    let _rng = shared_rng();
    let device = device();
    device.seed(4);
    let config = tiny(4, 4);
    let mut gan = Pix2PixExperiment::new(config.clone(), &device);
    let batch = pairs(&config, 2, &device);
    let (input, target) = (to_model_range(batch.inputs), to_model_range(batch.targets));
    let fake = gan.generator.forward(input.clone());
    let (g0, d0) = (values(&gan.generator, Values::Trainable), values(&gan.discriminator, Values::Trainable));

    let _ = gan.discriminator_step(input.clone(), target.clone(), fake.clone());
    let (g1, d1) = (values(&gan.generator, Values::Trainable), values(&gan.discriminator, Values::Trainable));
    assert!(!g0.is_empty() && !d0.is_empty());
    assert_eq!(changed(&g0, &g1), 0, "the discriminator step must leave G's weights unchanged");
    assert!(changed(&d0, &d1) > d0.len() / 2, "the discriminator step must move D");

    let _ = gan.generator_step(input, target, fake);
    let (g2, d2) = (values(&gan.generator, Values::Trainable), values(&gan.discriminator, Values::Trainable));
    assert_eq!(changed(&d1, &d2), 0, "the generator step must leave D's weights unchanged");
    // A third, not a half: the two layers next to the 1×1 bottleneck use only the centre 2×2 of
    // their 4×4 kernels, so ¾ of their weights (half of this tiny G's) never get a gradient.
    assert!(changed(&g1, &g2) > g1.len() / 3, "the generator step must move G");
}

#[test]
fn a_pix2pix_step_reports_every_curve() {
    let _rng = shared_rng();
    let device = device();
    device.seed(5);
    let config = tiny(4, 4);
    let mut gan = Pix2PixExperiment::new(config.clone(), &device);
    let output = gan.train_step(pairs(&config, 3, &device), &mut ctx(&device, 0));
    assert_eq!(output.images, 3);
    assert_eq!(names(&output), ["d_loss", "d_real", "d_fake", "g_gan", "g_l1", "g_loss"]);
    let valid = gan.valid_step(pairs(&config, 3, &device), &mut ctx(&device, 1));
    assert_eq!(names(&valid), ["d_loss", "d_real", "d_fake", "g_gan", "g_l1", "g_loss"]);
    for (name, value) in output.metrics.into_iter().chain(valid.metrics) {
        assert!(scalar(value).is_finite(), "{name}");
    }
}

/// `gan_weight = 0`: no discriminator forward at all, so not even its running statistics move.
#[test]
fn the_l1_only_baseline_never_touches_the_discriminator() {
    let _rng = shared_rng();
    let device = device();
    device.seed(6);
    let config = Pix2PixConfig { gan_weight: 0.0, ..tiny(4, 4) };
    let mut unet = Pix2PixExperiment::new(config.clone(), &device);
    let (g0, d0) = (values(&unet.generator, Values::Trainable), values(&unet.discriminator, Values::All));
    let output = unet.train_step(pairs(&config, 2, &device), &mut ctx(&device, 0));
    assert_eq!(names(&output), ["g_l1", "g_loss"]);
    let (g1, d1) = (values(&unet.generator, Values::Trainable), values(&unet.discriminator, Values::All));
    assert_eq!(changed(&d0, &d1), 0, "the L1-only baseline must leave D untouched");
    assert!(changed(&g0, &g1) > g0.len() / 3, "the L1-only step must move G (a third: see above)");
    let l1 = output.metrics.iter().map(|(_, v)| scalar(v.clone())).collect::<Vec<_>>();
    assert!((l1[1] - 100.0 * l1[0]).abs() < 1e-3 * l1[1], "g_loss = λ·g_l1: {l1:?}");
    let valid = unet.valid_step(pairs(&config, 2, &device), &mut ctx(&device, 1));
    assert_eq!(names(&valid), ["g_l1", "g_loss"]);
}

/// One fixed pair, trained on over and over (the GAN on, dropout on): the generator learns it by
/// heart. L1 in `[−1, 1]` starts near ½ (`G(x) ≈ 0` at initialisation, `mean|y| = ½` for a uniform
/// target). Measured on flex, seed 7: 0.49 → 0.14 over the last 5 training steps (dropout on),
/// 0.10 in inference mode, in 300 steps (about 2 s).
#[test]
fn the_generator_overfits_one_pair() {
    // Exclusive: the curve depends on every draw (initialisation, dropout masks).
    let _rng = exclusive_rng();
    let device = device();
    device.seed(7);
    let config = Pix2PixConfig { learning_rate: 2e-3, ..tiny(8, 8) };
    let mut gan = Pix2PixExperiment::new(config.clone(), &device);
    let batch = pairs(&config, 1, &device);
    let l1_of = |output: StepOutput| {
        output.metrics.into_iter().find(|(name, _)| *name == "g_l1").map(|(_, v)| scalar(v)).unwrap()
    };
    let steps = 300;
    let curve: Vec<f32> =
        (0..steps).map(|step| l1_of(gan.train_step(batch.clone(), &mut ctx(&device, step as u64)))).collect();
    let (first, last) = (curve[..5].iter().sum::<f32>() / 5.0, curve[steps - 5..].iter().sum::<f32>() / 5.0);
    let inference = scalar(l1_loss(
        to_model_range(translate(&gan.generator.valid(), batch.inputs)),
        to_model_range(batch.targets.without_autodiff()),
    ));
    assert!((0.4..0.6).contains(&first), "L1 starts near ½: {first}");
    assert!(last < first / 3.0, "training L1 {first} → {last}");
    assert!(inference < first / 3.0, "inference-mode L1 {first} → {inference}");
}

/// Two steps, then the state into a differently seeded experiment: the same generator outputs in
/// inference mode, the same discriminator, and [`load_generator`] agrees.
#[test]
fn state_round_trip_gives_the_same_translations() {
    let _rng = shared_rng();
    let device = device();
    device.seed(8);
    let config = tiny(4, 4);
    let mut trained = Pix2PixExperiment::new(config.clone(), &device);
    for step in 0..2 {
        trained.train_step(pairs(&config, 2, &device), &mut ctx(&device, step));
    }
    let blobs: BTreeMap<String, Vec<u8>> = trained.state().unwrap().into_iter().collect();
    assert_eq!(
        blobs.keys().map(String::as_str).collect::<Vec<_>>(),
        ["discriminator", "discriminator_optimizer", "generator", "generator_optimizer"]
    );
    device.seed(9);
    let restored = Pix2PixExperiment::new(config.clone(), &device).load_state(&blobs).unwrap();
    let probe = pairs(&config, 2, &device).inputs;
    let want = to_vec(translate(&trained.generator.valid(), probe.clone()));
    let got = to_vec(translate(&restored.generator.valid(), probe.clone()));
    assert_eq!(want, got);
    let plain = device.clone().without_autodiff();
    let loaded = load_generator(&config, &blobs, &plain).unwrap();
    assert_eq!(want, to_vec(translate(&loaded.valid(), probe.clone())));
    assert_eq!(values(&trained.discriminator.valid(), Values::All), values(&restored.discriminator, Values::All));
}

#[test]
fn figures_show_input_output_and_target_in_colour() {
    let _rng = shared_rng();
    let device = device();
    device.seed(10);
    for config in [tiny(4, 4), Pix2PixConfig { size: 16, ngf: 4, ndf: 4, ..Pix2PixConfig::lab_colourisation() }] {
        assert!(config.validate().is_ok());
        let gan = Pix2PixExperiment::new(config.clone(), &device);
        let figures = gan.figures(pairs(&config, 10, &device), &mut ctx(&device, 0));
        assert_eq!(figures.len(), 1);
        let Figure::Grid { name, rows, .. } = &figures[0] else { panic!("a grid") };
        assert_eq!(name, "translations");
        assert_eq!(rows.iter().map(|(label, _)| label.as_str()).collect::<Vec<_>>(), ["input", "output", "target"]);
        for (label, images) in rows {
            assert_eq!(images.dims(), [8, 3, 16, 16], "{:?} {label}", config.colour);
            let v = to_vec(images.clone());
            assert!(v.iter().all(|x| (0.0..=1.0).contains(x)), "{label} in [0, 1]");
        }
        if config.colour == ColourSpace::LabChroma {
            let input = to_vec(rows[0].1.clone());
            let plane = 16 * 16; // the first image's red plane, then its green one
            assert!((0..plane).all(|i| (input[i] - input[plane + i]).abs() < 1e-5), "input shown grey");
        }
    }
}
