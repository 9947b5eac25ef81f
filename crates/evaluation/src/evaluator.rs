//! The frozen evaluator: penultimate features and class probabilities of images.

use atelier_lecture::FrozenNet;
use atelier_train::host::{DeviceReadError, to_host_f32};
use burn::prelude::*;
use burn::tensor::activation::softmax;

/// Images per forward pass.
const BATCH: usize = 500;

/// A trained classifier used as a fixed measuring instrument (rebuilt by the lecture that trains
/// such classifiers, through the registry: see [`crate::fashion`]).
pub struct Evaluator {
    pub net: Box<dyn FrozenNet>,
}

/// What the evaluator sees in a set of images (host vectors, row-major).
#[derive(Debug, Clone)]
pub struct EvaluatorOutputs {
    pub count: usize,
    /// `[count, feature_dim]` penultimate features.
    pub features: Vec<f32>,
    pub feature_dim: usize,
    /// `[count, classes]` softmax probabilities.
    pub probabilities: Vec<f32>,
    pub classes: usize,
}

impl Evaluator {
    /// Features and probabilities of `images` (`count` images of `[1, 28, 28]`, pixels in
    /// `[0, 1]`, row-major), in batches on `device`.
    /// A failed read of the outputs back from the device is an error.
    pub fn outputs(&self, images: &[f32], count: usize, device: &Device) -> Result<EvaluatorOutputs, DeviceReadError> {
        const PIXELS: usize = 28 * 28;
        let mut features = Vec::new();
        let mut probabilities = Vec::new();
        let mut feature_dim = 0;
        for start in (0..count).step_by(BATCH) {
            let n = BATCH.min(count - start);
            let pixels = images[start * PIXELS..(start + n) * PIXELS].to_vec();
            let x = Tensor::<4>::from_data(TensorData::new(pixels, [n, 1, 28, 28]), device); // [n, 1, 28, 28]
            let (phi, logits) = self.net.features_and_logits(x); // [n, h], [n, classes]
            feature_dim = phi.dims()[1];
            let p = softmax(logits, 1); // [n, classes]
            features.extend(to_host_f32(phi, "the evaluator's features")?);
            probabilities.extend(to_host_f32(p, "the evaluator's class probabilities")?);
        }
        Ok(EvaluatorOutputs { count, features, feature_dim, probabilities, classes: self.net.classes() })
    }
}
