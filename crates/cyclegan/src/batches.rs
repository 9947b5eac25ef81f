//! Batches of unpaired images for CycleGAN: the loop's shuffled indices pick the `X` images, and
//! each is matched with a `Y` image drawn uniformly from the whole `Y` domain by the step's seeded
//! host RNG (the paper's "unaligned" loader), so a resumed run draws the same partners.

use std::sync::Arc;

use crate::unpaired::UnpairedSet;
use atelier_core::Rng;
use burn::prelude::*;

use atelier_train::batch::{BatchSource, PairBatch};

/// The two domains of a training set; a batch is `inputs` = `X` images, `targets` = `Y` images,
/// `labels` = the `X` images' classes.
#[derive(Clone)]
pub struct UnpairedSource {
    set: Arc<UnpairedSet>,
    limit: usize,
}

impl UnpairedSource {
    /// An epoch walks the `X` images (the first `limit` of them when given).
    pub fn new(set: Arc<UnpairedSet>, limit: Option<usize>) -> Self {
        let limit = limit.map_or(set.x.len(), |n| n.min(set.x.len()));
        Self { set, limit }
    }

    pub fn set(&self) -> &UnpairedSet {
        &self.set
    }
}

impl BatchSource for UnpairedSource {
    type Batch = PairBatch;

    fn len(&self) -> usize {
        self.limit
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> PairBatch {
        let set = &*self.set;
        let [c, h, w] = set.shape();
        let n = indices.len();
        let mut x = Vec::with_capacity(n * c * h * w);
        let mut y = Vec::with_capacity(n * c * h * w);
        for &i in indices {
            x.extend_from_slice(set.x.image(i));
            y.extend_from_slice(set.y.image(rng.below(set.y.len())));
        }
        PairBatch {
            inputs: Tensor::from_data(TensorData::new(x, [n, c, h, w]), device), // [n, c, h, w]
            targets: Tensor::from_data(TensorData::new(y, [n, c, h, w]), device), // [n, c, h, w]
            labels: indices.iter().map(|&i| set.x.content[i]).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_data::StyledImages;

    /// `n` one-pixel images holding `first, first + 1, …`.
    fn domain(first: usize, n: usize) -> StyledImages {
        let mut images = StyledImages::new([1, 1, 1]);
        for v in first..first + n {
            images.push(&[v as f32], v, 0);
        }
        images
    }

    fn values(t: Tensor<4>) -> Vec<f32> {
        t.into_data().try_into_vec_as::<f32>().unwrap()
    }

    #[test]
    fn x_follows_the_indices_and_y_is_drawn_from_the_seed() {
        let device = atelier_backend::Backend::Flex.device().unwrap();
        let source = UnpairedSource::new(Arc::new(UnpairedSet { x: domain(0, 4), y: domain(100, 50) }), None);
        assert_eq!(source.len(), 4);
        let a = source.batch(&[2, 0, 3], &mut Rng::new(9), &device);
        assert_eq!(values(a.inputs), [2., 0., 3.]);
        assert_eq!(a.labels, [2, 0, 3]);
        let ys = values(a.targets);
        assert!(ys.iter().all(|v| (100.0..150.0).contains(v)), "{ys:?}");
        let again = source.batch(&[2, 0, 3], &mut Rng::new(9), &device);
        assert_eq!(values(again.targets), ys, "same seed, same partners");
        let other = source.batch(&[2, 0, 3], &mut Rng::new(10), &device);
        assert_ne!(values(other.targets), ys);
        assert_eq!(UnpairedSource::new(source.set.clone(), Some(2)).len(), 2);
    }
}
