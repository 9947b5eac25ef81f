//! The embedding network `f(x)`, sized as the course's PyTorch reference (`Embedder` of
//! `torch_ref_color.py`) at base 32:
//!
//! ```text
//! x [c_in, s, s]                       (28×28 grey or 64×64 colour)
//!   ConvBnRelu(c_in→32), maxpool 2     [32, s/2, s/2]
//!   ConvBnRelu(32→64),   maxpool 2     [64, s/4, s/4]
//!   ConvBnRelu(64→128),  maxpool 2     [128, s/8, s/8]
//!   ConvBnRelu(128→256)                [256, s/8, s/8]
//!   global average pool                [256]
//!   Linear(256→dim)                    [dim]
//!   f(x) = v / ‖v‖₂                    [dim], on the unit sphere
//! ```
//! `ConvBnRelu` = 3×3 convolution (padding 1) – batch norm – ReLU
//! ([`atelier_layers::blocks::ConvBnRelu`]); poolings floor odd sides (28 → 14 → 7 → 3).

use atelier_layers::blocks::ConvBnRelu;
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use crate::config::FacenetConfig;

/// Keeps `‖v‖` away from 0 in the normalisation (PyTorch's `F.normalize` uses the same).
const NORM_EPSILON: f32 = 1e-12;

#[derive(Module, Debug)]
pub struct EmbeddingNet {
    blocks: Vec<ConvBnRelu>,
    pool: MaxPool2d,
    head: Linear,
}

impl EmbeddingNet {
    /// A fresh network for `config` (validated), initialised from the device's seed.
    pub fn new(config: &FacenetConfig, device: &Device) -> Self {
        let widths = config.widths();
        let mut blocks = Vec::with_capacity(widths.len());
        let mut channels = config.input_channels;
        for width in widths {
            blocks.push(ConvBnRelu::new([channels, width], 1, device));
            channels = width;
        }
        Self {
            blocks,
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            head: LinearConfig::new(channels, config.dim).init(device),
        }
    }

    /// Images `[n, c, s, s]` in `[0, 1]` → embeddings `[n, dim]` of unit length.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        l2_normalise(self.features(images))
    }

    /// The embedding before normalisation: `[n, c, s, s]` → `[n, dim]`.
    pub fn features(&self, images: Tensor<4>) -> Tensor<2> {
        let last = self.blocks.len() - 1;
        let mut x = images;
        for (level, block) in self.blocks.iter().enumerate() {
            x = block.forward(x);
            if level < last {
                x = self.pool.forward(x); // side halved (floored)
            }
        }
        let [n, c, _, _] = x.dims(); // [n, 256, s/8, s/8]
        let pooled = x.mean_dim(3).mean_dim(2).reshape([n, c]); // [n, 256]
        self.head.forward(pooled) // [n, dim]
    }
}

/// `v / max(‖v‖₂, ε)` row by row: `[n, d]` → `[n, d]` on the unit sphere.
pub fn l2_normalise(v: Tensor<2>) -> Tensor<2> {
    let norms = v.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(NORM_EPSILON); // [n, 1]
    v / norms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FacenetTask;

    #[test]
    fn embeddings_have_the_dimension_and_unit_length_and_the_reference_parameter_count() {
        let _rng = atelier_testkit::shared_rng();
        let device = atelier_backend::Backend::Flex.device().unwrap();
        for (task, side) in [(FacenetTask::Fashion, 28), (FacenetTask::Emoji, 64)] {
            let config = FacenetConfig::for_task(task);
            let net = EmbeddingNet::new(&config, &device);
            let x = Tensor::<4>::random(
                [3, config.input_channels, side, side],
                burn::tensor::Distribution::Default,
                &device,
            );
            let e = net.forward(x);
            assert_eq!(e.dims(), [3, 64]);
            let norms = atelier_testkit::to_vec(e.powi_scalar(2).sum_dim(1).sqrt());
            for norm in norms {
                assert!((norm - 1.0).abs() < 1e-5, "{norm}");
            }
        }
        // PyTorch's count of the reference, printed by `/root/torchvenv/bin/python` on
        // `torch_ref_color.py`: `sum(p.numel() for p in Embedder().parameters())` = 405,824; Burn's
        // `num_params` adds batch norm's running mean and variance (2 × 480 buffers).
        let net = EmbeddingNet::new(&FacenetConfig::for_task(FacenetTask::Emoji), &device);
        let expected = 405_824 + 2 * (32 + 64 + 128 + 256);
        assert_eq!(net.num_params(), expected);
    }

    /// `l2_normalise` on hand values: (3, 4) → (0.6, 0.8); the zero vector stays zero (no NaN).
    #[test]
    fn normalisation_matches_hand_values() {
        let device = atelier_backend::Backend::Flex.device().unwrap();
        let v = Tensor::<2>::from_floats([[3.0, 4.0], [0.0, 0.0]], &device);
        assert_eq!(atelier_testkit::to_vec(l2_normalise(v)), vec![0.6, 0.8, 0.0, 0.0]);
    }
}
