//! Batches of images with their masks, optionally mirrored together.

use std::sync::Arc;

use atelier_core::Rng;
use atelier_train::{BatchSource, PairAugment};
use burn::prelude::*;

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
