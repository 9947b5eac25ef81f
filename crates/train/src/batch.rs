//! Turning the training set into batches on the device.

use std::sync::Arc;

use atelier_data::augment::AugmentConfig;
use atelier_data::Split;
use atelier_core::Rng;
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
    /// Each pair mirrored left–right (input and target together) with probability ½: pix2pix's
    /// "mirroring".
    Mirror,
}

impl PairAugment {
    /// Whether this image (or pair) is mirrored: a coin flip under [`PairAugment::Mirror`] when
    /// the batch is a training batch (`rng` given), never otherwise.
    fn draws_mirror(self, rng: Option<&mut Rng>) -> bool {
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

/// A batch of colour images with a content label and a style label each.
#[derive(Debug, Clone)]
pub struct StyledBatch {
    /// `[n, c, h, w]` in `[0, 1]`.
    pub images: Tensor<4>,
    /// `[n]` content classes (emoji category).
    pub content: Tensor<1, Int>,
    /// `[n]` style classes (vendor).
    pub style: Tensor<1, Int>,
}

impl StyledBatch {
    pub fn len(&self) -> usize {
        self.images.dims()[0]
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Styled images of one split, optionally mirrored left–right (probability ½ per image).
#[derive(Clone)]
pub struct StyledSource {
    set: Arc<atelier_data::StyledImages>,
    limit: usize,
    augment: PairAugment,
}

impl StyledSource {
    /// The first `limit` images of `set` (all when `None`).
    pub fn new(set: Arc<atelier_data::StyledImages>, limit: Option<usize>) -> Self {
        let limit = limit.map_or(set.len(), |n| n.min(set.len()));
        Self { set, limit, augment: PairAugment::None }
    }

    pub fn with_augment(mut self, augment: PairAugment) -> Self {
        self.augment = augment;
        self
    }

    pub fn set(&self) -> &atelier_data::StyledImages {
        &self.set
    }

    /// The images at `indices`, unvaried.
    pub fn plain_batch(&self, indices: &[usize], device: &Device) -> StyledBatch {
        self.build(indices, None, device)
    }

    fn build(&self, indices: &[usize], mut rng: Option<&mut Rng>, device: &Device) -> StyledBatch {
        let set = &*self.set;
        let n = indices.len();
        let mut pixels = Vec::with_capacity(n * set.image_len());
        for &i in indices {
            let start = pixels.len();
            pixels.extend_from_slice(set.image(i));
            let mirror = self.augment.draws_mirror(rng.as_deref_mut());
            if mirror {
                atelier_data::pairs::mirror_planar(&mut pixels[start..], set.shape);
            }
        }
        let [c, h, w] = set.shape;
        let labels = |values: &[usize]| {
            let ints: Vec<i64> = indices.iter().map(|&i| values[i] as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(ints, [n]), device)
        };
        StyledBatch {
            images: Tensor::from_data(TensorData::new(pixels, [n, c, h, w]), device), // [n, c, h, w]
            content: labels(&set.content),
            style: labels(&set.style),
        }
    }
}

impl BatchSource for StyledSource {
    type Batch = StyledBatch;

    fn len(&self) -> usize {
        self.limit
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> StyledBatch {
        self.build(indices, Some(rng), device)
    }
}

/// A batch of images with a class for every pixel (segmentation).
#[derive(Debug, Clone)]
pub struct MaskBatch {
    /// `[n, c, h, w]` in `[0, 1]`.
    pub images: Tensor<4>,
    /// `[n, h, w]` class indices.
    pub masks: Tensor<3, Int>,
}

impl MaskBatch {
    pub fn len(&self) -> usize {
        self.images.dims()[0]
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Images and masks of one split, optionally mirrored left–right together (probability ½ each).
#[derive(Clone)]
pub struct MaskSource {
    set: Arc<atelier_data::MaskedImages>,
    limit: usize,
    augment: PairAugment,
}

impl MaskSource {
    /// The first `limit` images of `set` (all when `None`).
    pub fn new(set: Arc<atelier_data::MaskedImages>, limit: Option<usize>) -> Self {
        let limit = limit.map_or(set.len(), |n| n.min(set.len()));
        Self { set, limit, augment: PairAugment::None }
    }

    pub fn with_augment(mut self, augment: PairAugment) -> Self {
        self.augment = augment;
        self
    }

    pub fn set(&self) -> &atelier_data::MaskedImages {
        &self.set
    }

    /// The images at `indices`, unvaried.
    pub fn plain_batch(&self, indices: &[usize], device: &Device) -> MaskBatch {
        self.build(indices, None, device)
    }

    fn build(&self, indices: &[usize], mut rng: Option<&mut Rng>, device: &Device) -> MaskBatch {
        let set = &*self.set;
        let [c, h, w] = set.image_shape;
        let n = indices.len();
        let mut pixels: Vec<f32> = Vec::with_capacity(n * c * h * w);
        let mut masks: Vec<i64> = Vec::with_capacity(n * h * w);
        for &i in indices {
            let (start, mask_start) = (pixels.len(), masks.len());
            pixels.extend(set.image(i).iter().map(|&b| f32::from(b) / 255.0));
            masks.extend(set.mask(i).iter().map(|&l| i64::from(l)));
            if self.augment.draws_mirror(rng.as_deref_mut()) {
                atelier_data::pairs::mirror_planar(&mut pixels[start..], set.image_shape);
                for row in masks[mask_start..].chunks_exact_mut(w) {
                    row.reverse();
                }
            }
        }
        MaskBatch {
            images: Tensor::from_data(TensorData::new(pixels, [n, c, h, w]), device), // [n, c, h, w]
            masks: Tensor::from_data(TensorData::new(masks, [n, h, w]), device),      // [n, h, w]
        }
    }
}

impl BatchSource for MaskSource {
    type Batch = MaskBatch;

    fn len(&self) -> usize {
        self.limit
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> MaskBatch {
        self.build(indices, Some(rng), device)
    }
}
