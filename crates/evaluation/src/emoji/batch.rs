//! Batches of styled emoji (content and style labels) for the evaluator's training.

use std::sync::Arc;

use atelier_core::Rng;
use atelier_train::{BatchSource, PairAugment};
use burn::prelude::*;

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
