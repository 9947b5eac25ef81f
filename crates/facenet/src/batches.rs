//! Batches of `P` identities × `K` views each (FaceNet's large mini-batches with several views per
//! identity), for metric learning.

use std::sync::Arc;

use crate::identities::IdentityImages;
use crate::identities::augment_view;
use atelier_core::Rng;
use atelier_data::augment::AugmentConfig;
use burn::prelude::*;

use atelier_train::batch::BatchSource;

/// Views with their identities.
#[derive(Debug, Clone)]
pub struct IdentityBatch {
    /// `[n, c, h, w]` in `[0, 1]`.
    pub images: Tensor<4>,
    /// `[n]` identity indices.
    pub labels: Tensor<1, Int>,
    /// The identities on the host too (figures), same order.
    pub identities: Vec<usize>,
}

impl IdentityBatch {
    pub fn len(&self) -> usize {
        self.identities.len()
    }
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
    }
}

/// How a batch is drawn from an [`IdentityImages`].
#[derive(Clone)]
pub struct IdentitySource {
    set: Arc<IdentityImages>,
    /// Views of every identity that has at least two (only those can be anchors).
    views: Vec<Vec<usize>>,
    identities_per_batch: usize,
    views_per_identity: usize,
    augment: AugmentConfig,
}

impl IdentitySource {
    /// Batches of `p` identities × `k` views of `set`.
    pub fn new(set: Arc<IdentityImages>, p: usize, k: usize) -> Self {
        let views = set.views_by_identity();
        Self { set, views, identities_per_batch: p, views_per_identity: k, augment: AugmentConfig::default() }
    }

    /// Every view drawn is varied by `augment` (same draws on every channel).
    pub fn with_augment(mut self, augment: AugmentConfig) -> Self {
        self.augment = augment;
        self
    }

    pub fn set(&self) -> &IdentityImages {
        &self.set
    }

    /// Identities with at least two images: the ones a batch can hold as anchor and positive.
    pub fn usable_identities(&self) -> usize {
        self.views.iter().filter(|v| v.len() >= 2).count()
    }

    /// The image indices of a batch: walking `indices` (the loop's shuffled order), the identity of
    /// each image joins the batch until `P` are in (so identities come in proportion to their
    /// images, and the shuffle decides which); its seed image and `K − 1` more of its views follow,
    /// drawn without replacement while they last (then repeated if augmentation varies them, else
    /// the identity keeps fewer views). Identities with a single image never join (no positive).
    /// Fewer than `P` usable identities make a smaller batch.
    pub fn draw(&self, indices: &[usize], rng: &mut Rng) -> Vec<usize> {
        let (p, k) = (self.identities_per_batch, self.views_per_identity);
        let mut chosen: Vec<usize> = Vec::with_capacity(p * k);
        let mut taken = std::collections::BTreeSet::new();
        // The loop's indices first; if they hold too few usable identities, random images.
        let extra = 64 * p;
        for turn in 0..indices.len() + extra {
            if taken.len() == p || self.set.is_empty() {
                break;
            }
            let seed = match indices.get(turn) {
                Some(&i) => i,
                None => rng.below(self.set.len()),
            };
            let identity = self.set.identities[seed];
            let views = &self.views[identity];
            if views.len() < 2 || !taken.insert(identity) {
                continue;
            }
            let mut others: Vec<usize> = views.iter().copied().filter(|&v| v != seed).collect();
            chosen.push(seed);
            for _ in 1..k {
                if others.is_empty() {
                    // K above the views: repeat them when augmentation varies them; unvaried
                    // copies would be trivially nearest to each other (validation), so stop there.
                    if self.augment == AugmentConfig::default() {
                        break;
                    }
                    others.clone_from(views);
                }
                let pick = rng.below(others.len());
                chosen.push(others.swap_remove(pick));
            }
        }
        chosen
    }

    /// The images at `chosen`, varied when an augmentation is set.
    pub fn build(&self, chosen: &[usize], mut rng: Option<&mut Rng>, device: &Device) -> IdentityBatch {
        let set = &*self.set;
        let [c, h, w] = set.image_shape;
        let n = chosen.len();
        let mut pixels: Vec<f32> = Vec::with_capacity(n * c * h * w);
        for &i in chosen {
            let image = set.image_unit(i);
            match rng.as_deref_mut() {
                Some(rng) if self.augment != AugmentConfig::default() => {
                    pixels.extend(augment_view(&self.augment, &image, set.image_shape, set.background, rng));
                }
                _ => pixels.extend(image),
            }
        }
        let identities: Vec<usize> = chosen.iter().map(|&i| set.identities[i]).collect();
        let labels: Vec<i64> = identities.iter().map(|&l| l as i64).collect();
        IdentityBatch {
            images: Tensor::from_data(TensorData::new(pixels, [n, c, h, w]), device), // [n, c, h, w]
            labels: Tensor::from_data(TensorData::new(labels, [n]), device),          // [n]
            identities,
        }
    }
}

impl BatchSource for IdentitySource {
    type Batch = IdentityBatch;

    fn len(&self) -> usize {
        self.set.len()
    }

    fn batch(&self, indices: &[usize], rng: &mut Rng, device: &Device) -> IdentityBatch {
        let chosen = self.draw(indices, rng);
        self.build(&chosen, Some(rng), device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identities::Background;

    /// Five identities with 1, 2, 3, 4 and 6 images (one pixel each, the value its index).
    fn set() -> Arc<IdentityImages> {
        let mut set = IdentityImages::empty(
            [1, 1, 1],
            (0..5).map(|i| format!("id{i}")).collect(),
            vec!["s".into()],
            Background::Black,
        );
        let counts = [1, 2, 3, 4, 6];
        let mut index = 0u8;
        for (identity, &count) in counts.iter().enumerate() {
            for _ in 0..count {
                set.push(&[index], identity, 0);
                index += 1;
            }
        }
        Arc::new(set)
    }

    #[test]
    fn every_batch_has_p_identities_times_k_views_and_is_seeded() {
        let source = IdentitySource::new(set(), 3, 2);
        assert_eq!(source.usable_identities(), 4);
        let mut order: Vec<usize> = (0..source.len()).collect();
        Rng::new(3).shuffle(&mut order);
        for start in 0..10 {
            let indices = &order[start..start + 6];
            let chosen = source.draw(indices, &mut Rng::new(start as u64));
            assert_eq!(chosen.len(), 6, "{chosen:?}");
            let identities: Vec<usize> = chosen.iter().map(|&i| source.set().identities[i]).collect();
            for group in identities.chunks(2) {
                assert_eq!(group[0], group[1], "K views of one identity together: {identities:?}");
                assert_ne!(group[0], 0, "the single-image identity never joins");
            }
            let distinct: std::collections::BTreeSet<usize> = identities.iter().copied().collect();
            assert_eq!(distinct.len(), 3);
            // Two views of one identity are two different images (it has at least two).
            for pair in chosen.chunks(2) {
                assert_ne!(pair[0], pair[1]);
            }
            assert_eq!(chosen, source.draw(indices, &mut Rng::new(start as u64)), "same seed, same batch");
        }
        // K above an identity's views: augmented views repeat (each copy varied); unvaried ones
        // do not (identical copies would be each other's nearest neighbours).
        let varied = AugmentConfig { max_translate: 1, ..AugmentConfig::default() };
        let many = IdentitySource::new(set(), 2, 5).with_augment(varied).draw(&[1, 3], &mut Rng::new(0));
        assert_eq!(many.len(), 10);
        let plain = IdentitySource::new(set(), 2, 5).draw(&[1, 3], &mut Rng::new(0));
        assert_eq!(plain.len(), 2 + 3, "identity 1 has 2 views, identity 2 has 3: {plain:?}");
        let distinct: std::collections::BTreeSet<usize> = plain.iter().copied().collect();
        assert_eq!(distinct.len(), plain.len());
    }

    #[test]
    fn a_batch_carries_the_pixels_and_identities() {
        let source = IdentitySource::new(set(), 2, 2);
        let device = Device::flex();
        let batch = source.build(&[1, 2, 15, 14], None, &device);
        assert_eq!(batch.identities, vec![1, 1, 4, 4]);
        assert_eq!(batch.images.dims(), [4, 1, 1, 1]);
        let pixels: Vec<f32> = batch.images.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(pixels, vec![1.0 / 255.0, 2.0 / 255.0, 15.0 / 255.0, 14.0 / 255.0]);
    }
}
