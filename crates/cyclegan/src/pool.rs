//! The image history buffer (Shrivastava et al. 2017, CycleGAN §4): a discriminator is shown
//! generated images drawn half from the current batch and half from the last 50 generated, so that
//! it remembers what the generator used to do and the two do not chase each other in circles.
//!
//! The rule, per image of a generated batch, as the paper's `ImagePool`:
//! - while the buffer holds fewer than `capacity` images, the new image is stored and returned;
//! - once full, with probability ½ a stored image (uniformly chosen) is returned and the new one
//!   takes its place; otherwise the new image is returned and the buffer is unchanged.
//!
//! The images stay on the device; one step selects rows of `[buffer ‖ batch]` with two index
//! lists drawn on the host (no read back). The decisions are drawn from the step's seeded host
//! RNG, so a resumed run draws the same.

use atelier_core::Rng;
use burn::prelude::*;

#[derive(Debug, Clone)]
pub struct ImagePool {
    capacity: usize,
    /// `[m, c, h, w]`, detached, `m ≤ capacity`; `None` while empty.
    images: Option<Tensor<4>>,
}

/// Where each returned image and each kept image comes from, as rows of `[buffer ‖ batch]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolDraw {
    pub returned: Vec<usize>,
    pub kept: Vec<usize>,
}

/// The rule above for a buffer holding `stored` images and a batch of `batch`: rows `0..stored`
/// are the buffer's, `stored..stored + batch` the batch's.
pub fn draw(capacity: usize, stored: usize, batch: usize, rng: &mut Rng) -> PoolDraw {
    let mut kept: Vec<usize> = (0..stored).collect();
    let mut returned = Vec::with_capacity(batch);
    for i in stored..stored + batch {
        if kept.len() < capacity {
            kept.push(i);
            returned.push(i);
        } else if capacity > 0 && rng.next_f32() < 0.5 {
            let slot = rng.below(capacity);
            returned.push(kept[slot]);
            kept[slot] = i;
        } else {
            returned.push(i);
        }
    }
    PoolDraw { returned, kept }
}

impl ImagePool {
    pub fn new(capacity: usize) -> Self {
        Self { capacity, images: None }
    }

    /// Images stored.
    pub fn len(&self) -> usize {
        self.images.as_ref().map_or(0, |t| t.dims()[0])
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The images to show the discriminator for a generated batch `[n, c, h, w]` (detached
    /// here), and the buffer updated: `[n, c, h, w]`.
    pub fn query(&mut self, generated: Tensor<4>, rng: &mut Rng) -> Tensor<4> {
        let generated = generated.detach();
        if self.capacity == 0 {
            return generated;
        }
        let n = generated.dims()[0];
        let stored = self.len();
        let choice = draw(self.capacity, stored, n, rng);
        let device = generated.device();
        let all = match self.images.take() {
            Some(images) => Tensor::cat(vec![images, generated], 0), // [stored + n, c, h, w]
            None => generated,
        };
        let rows = |indices: &[usize]| {
            let values: Vec<i64> = indices.iter().map(|&i| i as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(values, [indices.len()]), &device)
        };
        self.images = Some(all.clone().select(0, rows(&choice.kept))); // [min(stored + n, capacity), c, h, w]
        all.select(0, rows(&choice.returned)) // [n, c, h, w]
    }

    /// The stored images (`[m, c, h, w]`), for checkpoints.
    pub fn images(&self) -> Option<&Tensor<4>> {
        self.images.as_ref()
    }

    /// A buffer holding `images` (from a checkpoint); more than `capacity` is refused.
    pub fn with_images(capacity: usize, images: Option<Tensor<4>>) -> Result<Self, String> {
        let stored = images.as_ref().map_or(0, |t| t.dims()[0]);
        if stored > capacity {
            return Err(format!("the history buffer holds {stored} images, more than its capacity {capacity}"));
        }
        Ok(Self { capacity, images: images.map(|t| t.detach()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_testkit::to_vec;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap()
    }

    /// A batch of `n` 1×1×1 images holding `first, first + 1, …`.
    fn batch(first: usize, n: usize, device: &Device) -> Tensor<4> {
        let values: Vec<f32> = (first..first + n).map(|v| v as f32).collect();
        Tensor::<1>::from_floats(values.as_slice(), device).reshape([n, 1, 1, 1])
    }

    #[test]
    fn returns_the_new_images_while_filling() {
        let device = device();
        let mut pool = ImagePool::new(5);
        let mut rng = Rng::new(1);
        assert_eq!(to_vec(pool.query(batch(0, 3, &device), &mut rng)), [0., 1., 2.]);
        assert_eq!(pool.len(), 3);
        // Two places left: the first two are stored and returned, the third is past the fill.
        let out = to_vec(pool.query(batch(3, 2, &device), &mut rng));
        assert_eq!(out, [3., 4.]);
        assert_eq!(pool.len(), 5);
        assert_eq!(to_vec(pool.images().unwrap().clone()), [0., 1., 2., 3., 4.]);
    }

    #[test]
    fn once_full_it_mixes_half_and_half_and_replaces_what_it_returns() {
        let device = device();
        let capacity = 50;
        let mut pool = ImagePool::new(capacity);
        let mut rng = Rng::new(7);
        pool.query(batch(0, capacity, &device), &mut rng);
        let (mut from_history, mut total) = (0, 0);
        for step in 1..=40 {
            let first = 1000 * step;
            let before = to_vec(pool.images().unwrap().clone());
            let out = to_vec(pool.query(batch(first, 8, &device), &mut rng));
            let after = to_vec(pool.images().unwrap().clone());
            assert_eq!(after.len(), capacity);
            for (i, &v) in out.iter().enumerate() {
                total += 1;
                if v == (first + i) as f32 {
                    continue; // the new image itself
                }
                // An old image was returned: it was in the buffer and a new one took its place.
                from_history += 1;
                assert!(before.contains(&v) || v >= first as f32, "{v} came from nowhere");
                assert!(!after.contains(&v) || v >= first as f32);
            }
        }
        let share = from_history as f64 / total as f64;
        assert!((0.4..0.6).contains(&share), "half from the history, got {share}");
    }

    #[test]
    fn the_same_seed_draws_the_same() {
        let a = draw(4, 4, 6, &mut Rng::new(3));
        let b = draw(4, 4, 6, &mut Rng::new(3));
        assert_eq!(a, b);
        assert_eq!(a.kept.len(), 4);
        let c = draw(4, 4, 6, &mut Rng::new(4));
        assert_ne!(a, c, "another seed draws otherwise");
        // Capacity 0: no history, the batch passes through.
        assert_eq!(draw(0, 0, 3, &mut Rng::new(1)), PoolDraw { returned: vec![0, 1, 2], kept: vec![] });
    }

    #[test]
    fn a_checkpointed_buffer_is_refused_when_too_full() {
        let device = device();
        assert!(ImagePool::with_images(2, Some(batch(0, 3, &device))).unwrap_err().contains("capacity 2"));
        assert_eq!(ImagePool::with_images(3, Some(batch(0, 3, &device))).unwrap().len(), 3);
    }
}
