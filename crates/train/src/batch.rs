//! Turning the training set into batches on the device.

use std::sync::Arc;

use atelier_core::Rng;
use atelier_data::Split;
use atelier_data::augment::AugmentConfig;
use burn::prelude::*;

/// A source of batches: the loop picks the indices (a seeded permutation), the source builds them.
pub trait BatchSource {
    type Batch;
    /// Number of items.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The batch made of `indices`, on `device`. `rng` drives augmentation.
    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> Self::Batch;
}

/// A batch of grayscale images with their labels.
#[derive(Debug, Clone)]
pub struct ImageBatch {
    /// `[n, 1, h, w]`, pixel values in `[0, 1]`.
    pub images: Tensor<4>,
    /// `[n]` class indices.
    pub labels: Tensor<1, Int>,
    /// The labels on the host too (for colouring plots), same order.
    pub label_values: Vec<u8>,
}

impl ImageBatch {
    pub fn len(&self) -> usize {
        self.label_values.len()
    }
    pub fn is_empty(&self) -> bool {
        self.label_values.is_empty()
    }
}

/// Images of one split, optionally augmented, with an optional limit on how many are used.
#[derive(Clone)]
pub struct ImageSource {
    split: Arc<Split>,
    limit: usize,
    augment: AugmentConfig,
}

impl ImageSource {
    pub fn new(split: Arc<Split>, limit: Option<usize>) -> Self {
        let limit = limit.map_or(split.len(), |n| n.min(split.len()));
        Self { split, limit, augment: AugmentConfig::default() }
    }

    pub fn with_augment(mut self, augment: AugmentConfig) -> Self {
        self.augment = augment;
        self
    }

    pub fn split(&self) -> &Split {
        &self.split
    }

    /// The first `n` images, in order: a fixed batch for figures and evaluation.
    pub fn first(&self, n: usize, device: &Device) -> ImageBatch {
        let indices: Vec<usize> = (0..n.min(self.limit)).collect();
        self.plain_batch(&indices, device)
    }

    /// Builds a batch without augmentation.
    pub fn plain_batch(&self, indices: &[usize], device: &Device) -> ImageBatch {
        let pixels = self.split.batch_pixels(indices);
        self.to_device(pixels, indices, device)
    }

    fn to_device(&self, pixels: Vec<f32>, indices: &[usize], device: &Device) -> ImageBatch {
        let (rows, cols) = (self.split.images.rows, self.split.images.cols);
        let n = indices.len();
        let label_values = self.split.batch_labels(indices);
        let labels_i64: Vec<i64> = label_values.iter().map(|&l| i64::from(l)).collect();
        ImageBatch {
            images: Tensor::from_data(TensorData::new(pixels, [n, 1, rows, cols]), device), // [n, 1, 28, 28]
            labels: Tensor::from_data(TensorData::new(labels_i64, [n]), device),
            label_values,
        }
    }
}

impl BatchSource for ImageSource {
    type Batch = ImageBatch;

    fn len(&self) -> usize {
        self.limit
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> ImageBatch {
        if self.augment == AugmentConfig::default() {
            return self.plain_batch(indices, device);
        }
        let (rows, cols) = (self.split.images.rows, self.split.images.cols);
        let mut pixels = Vec::with_capacity(indices.len() * rows * cols);
        for &i in indices {
            let image = self.split.batch_pixels(&[i]);
            pixels.extend(self.augment.apply(&image, rows, cols, rng));
        }
        self.to_device(pixels, indices, device)
    }
}

/// A batch of image pairs for translation: the inputs and what they should become.
#[derive(Debug, Clone)]
pub struct PairBatch {
    /// `[n, c_in, h, w]`, each channel in `[0, 1]`.
    pub inputs: Tensor<4>,
    /// `[n, c_out, h, w]`, each channel in `[0, 1]`.
    pub targets: Tensor<4>,
    /// One class per pair (emoji category, garment class), on the host.
    pub labels: Vec<usize>,
}

impl PairBatch {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// How a [`PairSource`] varies the training pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PairAugment {
    /// The pairs as they are.
    #[default]
    None,
    /// Each pair mirrored left–right (input and target together) with probability ½: Isola et al.'s
    /// "mirroring".
    Mirror,
}

impl PairAugment {
    /// Whether this image (or pair) is mirrored: a coin flip under [`PairAugment::Mirror`] when
    /// the batch is a training batch (`rng` given), never otherwise.
    pub fn draws_mirror(self, rng: Option<&mut Rng>) -> bool {
        match (self, rng) {
            (PairAugment::Mirror, Some(r)) => r.next_f32() < 0.5,
            _ => false,
        }
    }
}

/// Pairs of one split, optionally mirrored, with an optional limit on how many are used.
#[derive(Clone)]
pub struct PairSource {
    set: Arc<atelier_data::PairSet>,
    limit: usize,
    augment: PairAugment,
}

impl PairSource {
    pub fn new(set: Arc<atelier_data::PairSet>, limit: Option<usize>) -> Self {
        let limit = limit.map_or(set.len(), |n| n.min(set.len()));
        Self { set, limit, augment: PairAugment::None }
    }

    pub fn with_augment(mut self, augment: PairAugment) -> Self {
        self.augment = augment;
        self
    }

    pub fn set(&self) -> &atelier_data::PairSet {
        &self.set
    }

    /// The first `n` pairs, in order, unvaried: a fixed batch for figures.
    pub fn first(&self, n: usize, device: &Device) -> PairBatch {
        let indices: Vec<usize> = (0..n.min(self.limit)).collect();
        self.build(&indices, None, device)
    }

    fn build(&self, indices: &[usize], mut rng: Option<&mut Rng>, device: &Device) -> PairBatch {
        let set = &*self.set;
        let n = indices.len();
        let mut inputs = Vec::with_capacity(n * set.input_len());
        let mut targets = Vec::with_capacity(n * set.target_len());
        for &i in indices {
            let (start_in, start_out) = (inputs.len(), targets.len());
            inputs.extend_from_slice(set.input(i));
            targets.extend_from_slice(set.target(i));
            let mirror = self.augment.draws_mirror(rng.as_deref_mut());
            if mirror {
                atelier_data::pairs::mirror_planar(&mut inputs[start_in..], set.input_shape);
                atelier_data::pairs::mirror_planar(&mut targets[start_out..], set.target_shape);
            }
        }
        let [ci, h, w] = set.input_shape;
        let [co, ht, wt] = set.target_shape;
        PairBatch {
            inputs: Tensor::from_data(TensorData::new(inputs, [n, ci, h, w]), device), // [n, c_in, h, w]
            targets: Tensor::from_data(TensorData::new(targets, [n, co, ht, wt]), device), // [n, c_out, h, w]
            labels: indices.iter().map(|&i| set.labels[i]).collect(),
        }
    }
}

impl BatchSource for PairSource {
    type Batch = PairBatch;

    fn len(&self) -> usize {
        self.limit
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> PairBatch {
        self.build(indices, Some(rng), device)
    }
}
