//! Which networks each half-step moves, the history buffer in checkpoints (resume ⇒ the same
//! numbers), the ablation without cycle loss, and the figures, on tiny networks (16×16 images).

use atelier_testkit::{ctx, exclusive_rng, scalar, shared_rng, to_vec};
use burn::module::{ModuleVisitor, Param};
use burn::tensor::Distribution;

use super::*;

struct Reader(Vec<f32>);

impl ModuleVisitor for Reader {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.extend(param.val().into_data().try_into_vec_as::<f32>().unwrap());
    }
}

fn values<M: Module>(module: &M) -> Vec<f32> {
    let mut reader = Reader(Vec::new());
    module.visit(&mut reader);
    reader.0
}

fn changed(a: &[f32], b: &[f32]) -> usize {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

fn device() -> Device {
    atelier_backend::Backend::Flex.device().unwrap().autodiff()
}

/// 16×16 RGB, narrow networks, one residual block, a history of 4.
fn tiny() -> CycleGanConfig {
    CycleGanConfig { size: 16, ngf: 4, ndf: 4, blocks: 1, pool_size: 4, ..CycleGanConfig::default() }
}

/// `n` random unpaired images of each domain in `[0, 1]`.
fn batch(config: &CycleGanConfig, n: usize, device: &Device) -> PairBatch {
    let (c, s) = (config.channels, config.size);
    let unit = Distribution::Uniform(0.0, 1.0);
    PairBatch {
        inputs: Tensor::random([n, c, s, s], unit, device),
        targets: Tensor::random([n, c, s, s], unit, device),
        labels: vec![0; n],
    }
}

fn metric(output: &StepOutput, name: &str) -> f32 {
    let (_, value) = output.metrics.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no metric {name}"));
    scalar(value.clone())
}

#[test]
fn each_half_step_moves_only_its_own_side() {
    let _rng = shared_rng();
    let device = device();
    device.seed(3);
    let mut gan = CycleGanExperiment::new(tiny(), 1, &device);
    let b = batch(&gan.config, 2, &device);
    let (x, y) = (to_model_range(b.inputs), to_model_range(b.targets));
    let (g0, d0) = (values(&gan.generators), values(&gan.discriminators));

    let (_, fake_y, fake_x) = gan.generator_step(x.clone(), y.clone(), 2e-4);
    let (g1, d1) = (values(&gan.generators), values(&gan.discriminators));
    assert!(changed(&g0, &g1) > g0.len() / 2, "the generator step moves both generators");
    assert_eq!(changed(&d0, &d1), 0, "…and leaves both discriminators alone");

    let _ = gan.discriminator_step((x, y), (fake_y, fake_x), 2e-4, &mut atelier_core::Rng::new(1));
    let (g2, d2) = (values(&gan.generators), values(&gan.discriminators));
    assert_eq!(changed(&g1, &g2), 0, "the discriminator step leaves the generators alone");
    assert!(changed(&d1, &d2) > d1.len() / 2, "…and moves both discriminators");
    assert_eq!(gan.history_len(), (2, 2), "the generated images entered the history");
}

/// The whole state (networks, optimizers, history buffers) saved after three steps and loaded
/// into a fresh experiment: the next steps give the same numbers as the uninterrupted run.
#[test]
fn resume_from_state_repeats_the_run_history_included() {
    let _rng = exclusive_rng();
    let device = device();
    device.seed(5);
    let config = tiny();
    let batches: Vec<PairBatch> = (0..6).map(|_| batch(&config, 2, &device)).collect();
    let run = |gan: &mut CycleGanExperiment, steps: std::ops::Range<usize>| -> Vec<f32> {
        let mut seen = Vec::new();
        for step in steps {
            device.seed(100 + step as u64);
            let output = gan.train_step(batches[step].clone(), &mut ctx(&device, step as u64));
            seen.push(metric(&output, "g_loss"));
            seen.push(metric(&output, "d_y"));
        }
        seen
    };
    device.seed(9);
    let mut straight = CycleGanExperiment::new(config.clone(), 2, &device);
    run(&mut straight, 0..3);
    let blobs: BTreeMap<String, Vec<u8>> = straight.state().unwrap().into_iter().collect();
    assert_eq!(
        blobs.keys().map(String::as_str).collect::<std::collections::BTreeSet<_>>(),
        BLOBS.into_iter().collect()
    );
    assert_eq!(blobs[POOL_Y_BLOB].len(), 32 + 4 * 4 * 3 * 16 * 16, "a full history of 4 images");
    let expected = run(&mut straight, 3..6);

    device.seed(77); // other initial weights: everything must come from the state
    let mut resumed = CycleGanExperiment::new(config, 2, &device).load_state(&blobs).unwrap();
    assert_eq!(resumed.history_len(), (4, 4));
    assert_eq!(run(&mut resumed, 3..6), expected);
}

#[test]
fn a_damaged_history_blob_is_refused() {
    let _rng = shared_rng();
    let device = device();
    let gan = CycleGanExperiment::new(tiny(), 1, &device);
    let mut blobs: BTreeMap<String, Vec<u8>> = gan.state().unwrap().into_iter().collect();
    assert!(blobs[POOL_X_BLOB].is_empty(), "an empty history is stored as nothing");
    blobs.insert(POOL_X_BLOB.to_string(), vec![1, 2, 3]);
    let gan = CycleGanExperiment::new(tiny(), 1, &device);
    assert!(gan.load_state(&blobs).err().unwrap().contains("history buffer"));
    // A whole header followed by a torn value (35 bytes): an error, not a panic.
    let header: Vec<u8> = [1u64, 3, 8, 8].iter().flat_map(|d| d.to_le_bytes()).collect();
    blobs.insert(POOL_X_BLOB.to_string(), [header.clone(), vec![0, 0, 0]].concat());
    let gan = CycleGanExperiment::new(tiny(), 1, &device);
    assert!(gan.load_state(&blobs).err().unwrap().contains("history buffer"));
    // Images of another size than the configuration's: named, not a panic in Tensor::cat later.
    let config = tiny();
    let other: Vec<u8> = [1u64, config.channels as u64, config.size as u64 / 2, config.size as u64 / 2]
        .iter()
        .flat_map(|d| d.to_le_bytes())
        .chain(vec![0u8; 4 * config.channels * (config.size / 2) * (config.size / 2)])
        .collect();
    blobs.insert(POOL_X_BLOB.to_string(), other);
    let gan = CycleGanExperiment::new(tiny(), 1, &device);
    let err = gan.load_state(&blobs).err().unwrap();
    assert!(err.starts_with("history_x: ") && err.contains("this run's configuration takes"), "{err}");
}

/// λ_cyc = 0: the adversarial losses alone (no identity term either); the cycle errors are still
/// measured but take no part in the loss.
#[test]
fn the_ablation_without_cycle_loss_descends_the_adversarial_terms_alone() {
    let _rng = shared_rng();
    let device = device();
    device.seed(2);
    let config = CycleGanConfig { cycle_weight: 0.0, ..tiny() };
    let mut gan = CycleGanExperiment::new(config.clone(), 1, &device);
    let output = gan.train_step(batch(&config, 2, &device), &mut ctx(&device, 0));
    let names: Vec<&str> = output.metrics.iter().map(|(n, _)| *n).collect();
    assert!(!names.contains(&"identity_x"), "{names:?}");
    let sum = metric(&output, "g_gan_xy") + metric(&output, "g_gan_yx");
    assert!((metric(&output, "g_loss") - sum).abs() < 1e-6);
    assert!(metric(&output, "cycle_x") > 0.0);
}

/// A full training step on a fixed batch, repeated: the cycle error falls (the generators learn
/// to invert each other on it).
#[test]
fn repeated_steps_on_one_batch_reduce_the_cycle_error() {
    let _rng = exclusive_rng();
    let device = device();
    device.seed(11);
    let config = CycleGanConfig { ngf: 8, learning_rate: 2e-3, ..tiny() };
    let mut gan = CycleGanExperiment::new(config.clone(), 1, &device);
    let b = batch(&config, 4, &device);
    let mut cycle = Vec::new();
    for step in 0..60 {
        let output = gan.train_step(b.clone(), &mut ctx(&device, step));
        cycle.push(metric(&output, "cycle_x") + metric(&output, "cycle_y"));
    }
    let (first, last) = (cycle[0], cycle[cycle.len() - 1]);
    assert!(last < 0.5 * first, "cycle error {first} → {last}");
}

#[test]
fn validation_and_figures_show_both_directions() {
    let _rng = shared_rng();
    let device = device();
    device.seed(1);
    let gan = CycleGanExperiment::new(tiny(), 1, &device);
    let b = batch(&gan.config, 3, &device);
    let output = gan.valid_step(b.clone(), &mut ctx(&device, 0));
    for name in ["l1_xy", "l1_yx", "cycle_x", "cycle_y", "identity_x", "identity_y", "d_x", "d_y", "g_loss"] {
        assert!(metric(&output, name).is_finite(), "{name}");
    }
    let figures = gan.figures(b, &mut ctx(&device, 0));
    let Figure::Grid { rows, .. } = &figures[0] else { panic!("a grid") };
    let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["x", "G(x)", "F(G(x))", "y", "F(y)", "G(F(y))"]);
    for (_, images) in rows {
        assert_eq!(images.dims(), [3, 3, 16, 16]);
        assert!(to_vec(images.clone()).iter().all(|v| (0.0..=1.0).contains(v)));
    }
}

#[test]
fn translate_maps_pixels_to_pixels() {
    let _rng = shared_rng();
    let device = device();
    let gan = CycleGanExperiment::new(tiny(), 1, &device);
    let blobs: BTreeMap<String, Vec<u8>> = gan.state().unwrap().into_iter().collect();
    let plain = device.clone().without_autodiff();
    let loaded = load_generators(&gan.config, &blobs, &plain).unwrap();
    let x = Tensor::<4>::random([2, 3, 16, 16], Distribution::Uniform(0.0, 1.0), &plain);
    let ours = to_vec(translate(loaded.of(Direction::X2y), x.clone()));
    let theirs = to_vec(translate(&gan.generators.valid().g, x.to_device(&device)));
    assert_eq!(ours, theirs, "the loaded generator is the trained one");
}
