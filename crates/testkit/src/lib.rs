//! What the lectures' test files share (a dev-dependency, never a runtime one): the device-RNG
//! lock, embedded images and step contexts for model tests, and ([`commands`]) the real binary on
//! the embedded sets for end-to-end tests.
//!
//! Each backend's device RNG is one per process, shared by every test thread of a test binary.
//! A test that compares two seeded runs takes the lock exclusively ([`exclusive_rng`]); every
//! other test that seeds or draws takes it shared ([`shared_rng`]), so they still run in parallel.

pub mod commands;

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use atelier_core::Rng;
use atelier_data::{DataSource, load_from};
use atelier_train::{ImageBatch, ImageSource, StepContext};
use burn::prelude::*;

static DEVICE_RNG: RwLock<()> = RwLock::new(());

/// Held by tests that use the device RNG but do not compare seeded runs.
pub fn shared_rng() -> RwLockReadGuard<'static, ()> {
    DEVICE_RNG.read().unwrap_or_else(|e| e.into_inner())
}

/// Held by tests that compare two seeded runs: no other test touches the RNG meanwhile.
pub fn exclusive_rng() -> RwLockWriteGuard<'static, ()> {
    DEVICE_RNG.write().unwrap_or_else(|e| e.into_inner())
}

/// The first `n` training images of the embedded mini set, on `device`.
pub fn embedded_images(n: usize, device: &Device) -> ImageBatch {
    let data = load_from(DataSource::Embedded).expect("the embedded set is compiled in");
    ImageSource::new(Arc::new(data.train), None).first(n, device)
}

/// A step context at `step` of epoch 0, its host RNG seeded with `step`.
pub fn ctx(device: &Device, step: u64) -> StepContext {
    StepContext { step, epoch: 0, device: device.clone(), rng: Rng::new(step) }
}

/// A tensor's values on the host.
pub fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().expect("a float tensor")
}

/// A one-element tensor's value.
pub fn scalar(t: Tensor<1>) -> f32 {
    t.into_scalar::<f32>()
}

/// `values` as a `[1, 1, 2, len/2]` tensor that takes gradients: a batch of patch scores (or
/// pixels) for a loss checked against its hand computation.
pub fn patches(values: &[f32], device: &Device) -> Tensor<4> {
    Tensor::<1>::from_floats(values, device).reshape([1, 1, 2, values.len() / 2]).require_grad()
}

/// Asserts that the losses of a model's first steps on another backend (`name`) equal the same
/// steps on flex within `relative` error, and fall: the same numbers, so the same learning, without
/// repeating a long overfitting run on a slow backend.
pub fn assert_follows_flex(name: &str, flex: &[f32], other: &[f32], relative: f32) {
    assert!(
        other.len() >= 2 && flex.len() >= other.len(),
        "{name}: {} steps against flex's {}",
        other.len(),
        flex.len()
    );
    for (step, (a, b)) in flex.iter().zip(other).enumerate() {
        assert!((a - b).abs() <= relative * a.abs(), "{name} step {step}: loss {b}, flex {a}");
    }
    assert!(other[other.len() - 1] < other[0], "{name}: the loss falls: {other:?}");
}
