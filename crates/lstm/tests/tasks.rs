//! The three tasks: shapes, objectives with analytic values, overfitting, determinism,
//! checkpoint round trips, the progression data and its baselines, and bad settings.

use atelier_backend::{Backend, test_backends};
use atelier_core::Rng;
use atelier_lstm::complete::{binarize, complete, nll_of_rows_from, row_nll, shifted_rows};
use atelier_lstm::eval::{score, sequence_entries};
use atelier_lstm::progression::{Family, Pool, SequenceBatch, SequenceItem, generate, pool_of};
use atelier_lstm::step::build_model;
use atelier_lstm::{CellKind, ImageTaskExperiment, LrSchedule, LstmConfig, Progression, SequenceExperiment, Task};
use atelier_testkit::{ctx, embedded_images, exclusive_rng, to_vec};
use atelier_train::{Experiment, RunClock};
use burn::module::Param;
use burn::prelude::*;

fn config(task: Task, cell: CellKind, hidden: usize, learning_rate: f64) -> LstmConfig {
    LstmConfig { task, cell, hidden, learning_rate, lr_schedule: LrSchedule::Constant }
}

fn sequence_task() -> Task {
    Task::Sequence { progression: Progression::Mix, terms: 3, train_sequences: 64, test_sequences: 16 }
}

fn sequence_batch(n: usize, seed: u64, device: &Device) -> SequenceBatch {
    let items = generate(Progression::Mix, 3, n, Pool::Train, seed);
    SequenceBatch::new(&items.iter().collect::<Vec<_>>(), device)
}

#[test]
fn model_shapes_for_every_task_and_cell() {
    let _serial = exclusive_rng();
    // CPU backends only: nine models' kernels JIT-compiled on a software rasteriser take minutes;
    // the recurrent layers' shapes on wgpu are checked in tests/cell.rs.
    for (backend, device) in test_backends().into_iter().filter(|(b, _)| *b != Backend::Wgpu) {
        for cell in [CellKind::Ours, CellKind::Burn, CellKind::Rnn] {
            let images = embedded_images(3, &device).images; // [3, 1, 28, 28]
            let rows = build_model(&config(Task::Rows, cell, 16, 1e-3), 28, 10, &device);
            assert_eq!(rows.forward_last(images.clone().reshape([3, 28, 28])).dims(), [3, 10], "{backend} {cell:?}");
            let completer = build_model(&config(Task::Complete, cell, 16, 1e-3), 28, 10, &device);
            let (logits, _) = completer.forward_all(binarize(images), None);
            assert_eq!(logits.dims(), [3, 28, 28], "{backend} {cell:?}");
            let sequence = build_model(&config(sequence_task(), cell, 16, 1e-3), 0, 0, &device);
            let batch = sequence_batch(5, 1, &device);
            assert_eq!(batch.inputs.dims(), [5, 3, 1]);
            assert_eq!(sequence.forward_last(batch.inputs).dims(), [5, 1], "{backend} {cell:?}");
        }
    }
}

/// With the head's weights and bias at zero every pixel has p = ½, so each pixel costs ln 2 nats
/// whatever its value: the bottom half (14 rows × 28 pixels) costs 392·ln 2 = 271.7103 nats per
/// image and the whole image 784·ln 2 = 543.4206.
#[test]
fn bernoulli_nll_of_a_coin_flip_model_is_ln2_per_pixel() {
    let _serial = exclusive_rng();
    for (backend, device) in test_backends() {
        let mut model = build_model(&config(Task::Complete, CellKind::Ours, 8, 1e-3), 28, 10, &device);
        model.head.weight = Param::from_tensor(Tensor::zeros([8, 28], &device));
        model.head.bias = Some(Param::from_tensor(Tensor::zeros([28], &device)));
        let rows = binarize(embedded_images(4, &device).images);
        let nll = row_nll(&model, rows); // [4, 28]
        let bottom = to_vec(nll_of_rows_from(nll.clone(), 14))[0];
        let whole = to_vec(nll_of_rows_from(nll, 0))[0];
        let ln2 = std::f32::consts::LN_2;
        assert!((bottom - 392.0 * ln2).abs() < 1e-3, "{backend}: bottom half {bottom}");
        assert!((whole - 784.0 * ln2).abs() < 1e-3, "{backend}: whole image {whole}");
    }
}

#[test]
fn the_completion_model_reads_the_row_above() {
    let _serial = exclusive_rng();
    let device = Device::flex();
    let rows = Tensor::<3>::from_floats([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]], &device); // [1, 3, 2]
    assert_eq!(to_vec(shifted_rows(rows)), vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
}

/// Completion keeps the given top half exactly and samples binary pixels below it; the same
/// device seed gives the same completion.
#[test]
fn completions_keep_the_top_half_and_are_binary() {
    let _serial = exclusive_rng();
    for (backend, device) in test_backends() {
        let model = build_model(&config(Task::Complete, CellKind::Ours, 16, 1e-3), 28, 10, &device);
        let rows = binarize(embedded_images(3, &device).images);
        let first = complete(&model, rows.clone(), 14, &mut Rng::new(5));
        let again = complete(&model, rows.clone(), 14, &mut Rng::new(5));
        let other = complete(&model, rows.clone(), 14, &mut Rng::new(6));
        assert_eq!(first.dims(), [3, 28, 28]);
        assert_eq!(to_vec(first.clone().narrow(1, 0, 14)), to_vec(rows.narrow(1, 0, 14)), "{backend}: top half");
        let values = to_vec(first);
        assert!(values.iter().all(|v| *v == 0.0 || *v == 1.0), "{backend}: pixels must be 0 or 1");
        assert!(values == to_vec(again), "{backend}: same seed, same completion");
        assert!(values != to_vec(other), "{backend}: another seed, another completion");
    }
}

/// Trains on one fixed batch; the loss must fall far below its start (rows, complete, sequence).
#[test]
fn overfits_one_batch_on_each_task() {
    let _serial = exclusive_rng();
    for (backend, device) in test_backends() {
        if backend == Backend::Wgpu {
            continue; // hundreds of JIT-compiled steps on a software rasteriser take minutes
        }
        let device = device.autodiff();
        device.seed(7);
        let images = embedded_images(8, &device);
        for task in [Task::Rows, Task::Complete] {
            let mut e = ImageTaskExperiment::new(config(task, CellKind::Ours, 32, 1e-2), 28, 10, &device).unwrap();
            let loss_at = |e: &mut ImageTaskExperiment, step| {
                e.train_step(images.clone(), &mut ctx(&device, step)).metrics[0].1.clone().into_scalar::<f32>()
            };
            let first = loss_at(&mut e, 0);
            let mut last = first;
            for step in 1..60 {
                last = loss_at(&mut e, step);
            }
            let factor = if task == Task::Rows { 0.1 } else { 0.7 };
            assert!(last < factor * first, "{backend} {task:?}: loss {first} → {last} after 60 steps on one batch");
        }
        let batch = sequence_batch(16, 3, &device);
        let mut e = SequenceExperiment::new(config(sequence_task(), CellKind::Ours, 32, 1e-2), &device).unwrap();
        let first = e.train_step(batch.clone(), &mut ctx(&device, 0)).metrics[0].1.clone().into_scalar::<f32>();
        let mut last = first;
        for step in 1..150 {
            last = e.train_step(batch.clone(), &mut ctx(&device, step)).metrics[0].1.clone().into_scalar::<f32>();
        }
        assert!(last < 0.05 * first, "{backend} sequence: loss {first} → {last} after 150 steps on one batch");
    }
}

/// Same seed ⇒ the same losses, step after step; a different seed ⇒ different ones.
#[test]
fn same_seed_same_numbers() {
    let _serial = exclusive_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        let images = embedded_images(8, &device);
        let losses = |seed: u64| -> Vec<f32> {
            device.seed(seed);
            let mut e =
                ImageTaskExperiment::new(config(Task::Rows, CellKind::Ours, 16, 1e-3), 28, 10, &device).unwrap();
            (0..3)
                .map(|s| e.train_step(images.clone(), &mut ctx(&device, s)).metrics[0].1.clone().into_scalar())
                .collect()
        };
        let a = losses(1);
        assert_eq!(a, losses(1), "{backend}");
        assert_ne!(a, losses(2), "{backend}");
    }
}

/// A checkpoint's blobs loaded into a fresh experiment give the same outputs and keep training alike.
#[test]
fn state_round_trip() {
    let _serial = exclusive_rng();
    let device = Device::flex().autodiff();
    device.seed(1);
    let images = embedded_images(4, &device);
    for cell in [CellKind::Ours, CellKind::Burn, CellKind::Rnn] {
        let cfg = config(Task::Rows, cell, 16, 1e-3);
        let mut e = ImageTaskExperiment::new(cfg.clone(), 28, 10, &device).unwrap();
        e.train_step(images.clone(), &mut ctx(&device, 0));
        let blobs: std::collections::BTreeMap<String, Vec<u8>> = e.state().unwrap().into_iter().collect();
        device.seed(99);
        let fresh = ImageTaskExperiment::new(cfg, 28, 10, &device).unwrap().load_state(&blobs).unwrap();
        let rows = images.images.clone().reshape([4, 28, 28]);
        let a = to_vec(e.model.valid().forward_last(rows.clone().without_autodiff()));
        let b = to_vec(fresh.model.valid().forward_last(rows.without_autodiff()));
        assert_eq!(a, b, "{cell:?}");
        let mut e = e;
        let mut fresh = fresh;
        let next_a = e.train_step(images.clone(), &mut ctx(&device, 1)).metrics[0].1.clone().into_scalar::<f32>();
        let next_b = fresh.train_step(images.clone(), &mut ctx(&device, 1)).metrics[0].1.clone().into_scalar::<f32>();
        assert_eq!(next_a, next_b, "{cell:?}: the optimizer state was restored too");
    }
}

#[test]
fn bad_settings_are_refused_with_the_setting_named() {
    let _serial = exclusive_rng();
    let device = Device::flex().autodiff();
    let err = |c: LstmConfig| c.validate().unwrap_err();
    assert!(err(config(Task::Rows, CellKind::Ours, 0, 1e-3)).contains("hidden"));
    assert!(err(config(Task::Rows, CellKind::Ours, 8, 0.0)).contains("learning_rate"));
    assert!(err(config(Task::Rows, CellKind::Ours, 8, f64::NAN)).contains("learning_rate"));
    let terms =
        |terms| Task::Sequence { progression: Progression::Mix, terms, train_sequences: 10, test_sequences: 10 };
    assert!(err(config(terms(1), CellKind::Ours, 8, 1e-3)).contains("terms"));
    assert!(err(config(terms(9), CellKind::Ours, 8, 1e-3)).contains("terms"));
    let empty = Task::Sequence { progression: Progression::Mix, terms: 3, train_sequences: 0, test_sequences: 10 };
    assert!(err(config(empty, CellKind::Ours, 8, 1e-3)).contains("train_sequences"));
    let decay = |every_epochs, factor| LstmConfig {
        lr_schedule: LrSchedule::StepDecay { every_epochs, factor },
        ..config(Task::Rows, CellKind::Ours, 8, 1e-3)
    };
    assert!(err(decay(0, 0.1)).contains("every_epochs"));
    assert!(err(decay(5, 0.0)).contains("factor"));
    let wrong = ImageTaskExperiment::new(config(sequence_task(), CellKind::Ours, 8, 1e-3), 28, 10, &device);
    assert!(wrong.err().unwrap().contains("sequence task"));
    let wrong = SequenceExperiment::new(config(Task::Rows, CellKind::Ours, 8, 1e-3), &device);
    assert!(wrong.err().unwrap().contains("rows task"));
    assert!(ImageTaskExperiment::new(config(Task::Rows, CellKind::Ours, 0, 1e-3), 28, 10, &device).is_err());
}

/// The lecture's examples and the two baselines, by hand: 6, 7, 8 → 9 (last value 8, last
/// difference 8 + 1 = 9); 2, 4, 8 → 16 (last value 8, last difference 8 + 4 = 12).
#[test]
fn progressions_and_baselines() {
    let _serial = exclusive_rng();
    let a = SequenceItem::arithmetic(6, 1, 3);
    assert_eq!((a.terms.clone(), a.next), (vec![6.0, 7.0, 8.0], 9.0));
    assert_eq!((a.last_value(), a.repeat_last_difference()), (8.0, 9.0));
    let g = SequenceItem::geometric(2, 2, 3);
    assert_eq!((g.terms.clone(), g.next), (vec![2.0, 4.0, 8.0], 16.0));
    assert_eq!((g.last_value(), g.repeat_last_difference()), (8.0, 12.0));
    assert_eq!(SequenceItem::geometric(-3, 2, 3).scale(), 12.0);

    let device = Device::flex();
    let batch = SequenceBatch::new(&[&a, &g], &device);
    assert_eq!(to_vec(batch.inputs), vec![0.75, 0.875, 1.0, 0.25, 0.5, 1.0]); // a / s with s = 8
    assert_eq!(to_vec(batch.targets), vec![1.125, 2.0]);

    // Baselines scored: "repeat the last difference" is exact on arithmetic progressions only.
    let items = vec![a.clone(), g.clone()];
    let diff: Vec<f64> = items.iter().map(SequenceItem::repeat_last_difference).collect();
    assert_eq!(score(&items, &diff, Some(Family::Arithmetic)).accuracy, 1.0);
    assert_eq!(score(&items, &diff, Some(Family::Geometric)).accuracy, 0.0);
    assert_eq!(score(&items, &diff, None).mse, 8.0); // (0² + 4²) / 2
    let entries = sequence_entries(&items, &[9.4, 15.6]);
    let get = |name: &str| entries.iter().find(|(n, _)| n == name).unwrap().1;
    assert_eq!(get("next_value_accuracy"), 1.0); // 9.4 → 9 and 15.6 → 16
    assert_eq!(get("repeat_difference_accuracy"), 0.5);
    assert_eq!(get("last_value_accuracy"), 0.0);
    assert!((get("mse") - 0.16).abs() < 1e-12);
}

/// Held-out sequences come from parameter pairs never used in training; generation is a pure
/// function of the seed; `Mix` draws both families.
#[test]
fn held_out_sequences_are_never_trained_on() {
    let _serial = exclusive_rng();
    let params = |item: &SequenceItem| {
        let (a, b) = match item.family {
            Family::Arithmetic => (item.terms[0], item.terms[1] - item.terms[0]),
            Family::Geometric => (item.terms[0], item.terms[1] / item.terms[0]),
        };
        (item.family, a as i64, b as i64)
    };
    let train = generate(Progression::Mix, 3, 2000, Pool::Train, 1);
    let test = generate(Progression::Mix, 3, 500, Pool::Test, 2);
    assert!(train.iter().all(|i| {
        let (f, a, b) = params(i);
        pool_of(f, a, b) == Pool::Train
    }));
    assert!(test.iter().all(|i| {
        let (f, a, b) = params(i);
        pool_of(f, a, b) == Pool::Test
    }));
    let test_params: std::collections::BTreeSet<String> = test.iter().map(|i| format!("{:?}", params(i))).collect();
    assert!(train.iter().all(|i| !test_params.contains(&format!("{:?}", params(i)))));
    let geometric = test.iter().filter(|i| i.family == Family::Geometric).count();
    assert!(geometric > 150 && geometric < 350, "mix draws both families: {geometric} geometric of 500");
    assert_eq!(train, generate(Progression::Mix, 3, 2000, Pool::Train, 1));
    assert_ne!(train, generate(Progression::Mix, 3, 2000, Pool::Train, 3));
    assert!(generate(Progression::Geometric, 4, 50, Pool::Test, 0).iter().all(|i| i.family == Family::Geometric));
}

/// `lr · factor^⌊epoch / every⌋`: 1e-3 for epochs 0–14, 1e-4 for 15–29, 1e-5 from 30.
#[test]
fn step_decay_schedule() {
    let _serial = exclusive_rng();
    let schedule = LrSchedule::StepDecay { every_epochs: 15, factor: 0.1 };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-15;
    assert!(
        close(schedule.rate(1e-3, RunClock::Epoch(0)), 1e-3) && close(schedule.rate(1e-3, RunClock::Epoch(14)), 1e-3)
    );
    assert!(
        close(schedule.rate(1e-3, RunClock::Epoch(15)), 1e-4) && close(schedule.rate(1e-3, RunClock::Epoch(29)), 1e-4)
    );
    assert!(close(schedule.rate(1e-3, RunClock::Epoch(30)), 1e-5));
    assert_eq!(LrSchedule::Constant.rate(2e-3, RunClock::Epoch(99)), 2e-3);
}
