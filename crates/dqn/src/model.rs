//! The Q-network: an MLP from an observation to one value per action.
//!
//! Default (CleanRL's): `Linear(4→120) – ReLU – Linear(120→84) – ReLU – Linear(84→2)`.
//! Weights use Burn's defaults, which match PyTorch's (Kaiming-uniform with a = √5).

use burn::module::Param;
use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;

#[derive(Module, Debug)]
pub struct QNetwork {
    pub layers: Vec<Linear>,
    relu: Relu,
}

impl QNetwork {
    /// `inputs → hidden[0] → … → actions`.
    pub fn new(inputs: usize, hidden: &[usize], actions: usize, device: &Device) -> Self {
        let widths: Vec<usize> = std::iter::once(inputs).chain(hidden.iter().copied()).chain([actions]).collect();
        let layers = widths.windows(2).map(|w| LinearConfig::new(w[0], w[1]).init(device)).collect();
        Self { layers, relu: Relu::new() }
    }

    /// `Q(s, ·)` for a batch of observations.
    ///
    /// # Shapes
    /// `[n, inputs]` → `[n, actions]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |x, (i, layer)| {
            let y = layer.forward(x); // [n, width_i]
            if i < last { self.relu.forward(y) } else { y }
        })
    }

    /// Polyak averaging towards `online`: `θ⁻ ← τ·θ + (1 − τ)·θ⁻` (τ = 1 copies). `self` is a target
    /// network (plain device, no optimizer), so new parameter ids are harmless.
    pub fn soft_update(self, online: &QNetwork, tau: f64) -> Self {
        let mix2 = |target: Tensor<2>, source: Tensor<2>| target.mul_scalar(1.0 - tau) + source.mul_scalar(tau);
        let mix1 = |target: Tensor<1>, source: Tensor<1>| target.mul_scalar(1.0 - tau) + source.mul_scalar(tau);
        let layers = self
            .layers
            .into_iter()
            .zip(&online.layers)
            .map(|(t, o)| {
                let source_w = o.weight.val().without_autodiff();
                let weight = Param::from_tensor(mix2(t.weight.val(), source_w));
                let bias = match (t.bias, &o.bias) {
                    (Some(tb), Some(ob)) => Some(Param::from_tensor(mix1(tb.val(), ob.val().without_autodiff()))),
                    (tb, _) => tb,
                };
                Linear { weight, bias }
            })
            .collect();
        Self { layers, relu: self.relu }
    }
}
