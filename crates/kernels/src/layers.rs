//! `apply` on the Burn layers the lectures hold: their `forward`, through our kernels.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{BatchNorm, PaddingConfig2d};
use burn::prelude::*;

use crate::geometry::{ConvGeometry, ConvTransposeGeometry};
use crate::{Kernels, batch_norm_train_with, conv_transpose2d_with, conv2d_with};

/// A convolution layer's `forward`, through [`crate::conv2d`] / [`crate::conv_transpose2d`].
pub trait ConvKernel {
    /// The layer applied to `x [n, c, h, w]`: the numbers of `forward`, through the kernels the
    /// environment picks ([`Kernels::from_environment`]).
    fn apply(&self, x: Tensor<4>) -> Tensor<4> {
        self.apply_with(Kernels::from_environment(), x)
    }

    /// [`apply`](ConvKernel::apply) through the given kernels.
    fn apply_with(&self, kernels: Kernels, x: Tensor<4>) -> Tensor<4>;
}

/// `(before, after)` zero padding of one axis, as Burn's `PaddingConfig2d` computes it.
fn same_padding(kernel: usize, stride: usize, size: usize) -> [usize; 2] {
    let out = size.div_ceil(stride);
    let total = if out > 0 { ((out - 1) * stride + kernel).saturating_sub(size) } else { 0 };
    [total / 2, total - total / 2]
}

/// The per-side padding `[[top, bottom], [left, right]]` of `padding` for an `h × w` input.
fn padding_pairs(
    padding: &PaddingConfig2d,
    [h, w]: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
) -> [[usize; 2]; 2] {
    match padding {
        PaddingConfig2d::Valid => [[0, 0], [0, 0]],
        PaddingConfig2d::Same => [same_padding(kernel[0], stride[0], h), same_padding(kernel[1], stride[1], w)],
        PaddingConfig2d::Explicit(top, left, bottom, right) => [[*top, *bottom], [*left, *right]],
    }
}

impl ConvKernel for Conv2d {
    fn apply_with(&self, kernels: Kernels, x: Tensor<4>) -> Tensor<4> {
        if self.groups != 1 {
            return self.forward(x);
        }
        let [_, _, h, w] = x.dims();
        let padding = padding_pairs(&self.padding, [h, w], self.kernel_size, self.stride);
        let geometry = ConvGeometry { stride: self.stride, padding, dilation: self.dilation };
        conv2d_with(kernels, x, self.weight.val(), self.bias.as_ref().map(|b| b.val()), geometry)
    }
}

impl ConvKernel for ConvTranspose2d {
    fn apply_with(&self, kernels: Kernels, x: Tensor<4>) -> Tensor<4> {
        if self.groups != 1 {
            return self.forward(x);
        }
        let geometry = ConvTransposeGeometry {
            stride: self.stride,
            padding: self.padding,
            padding_out: self.padding_out,
            dilation: self.dilation,
        };
        conv_transpose2d_with(kernels, x, self.weight.val(), self.bias.as_ref().map(|b| b.val()), geometry)
    }
}

/// A normalisation layer's `forward`, through [`crate::batch_norm_train`] when it trains.
pub trait NormKernel {
    /// The layer applied to `x [n, c, …]`: the numbers of `forward`, and the same running
    /// averages `r ← (1 − momentum)·r + momentum·batch statistic`.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        self.apply_with(Kernels::from_environment(), x)
    }

    /// [`apply`](NormKernel::apply) through the given kernels.
    fn apply_with<const D: usize>(&self, kernels: Kernels, x: Tensor<D>) -> Tensor<D>;
}

impl NormKernel for BatchNorm {
    fn apply_with<const D: usize>(&self, kernels: Kernels, x: Tensor<D>) -> Tensor<D> {
        // Burn's rule: the batch statistics on an autodiff device with training enabled.
        if !(x.device().is_autodiff() && self.training.is_enabled()) {
            return self.forward(x);
        }
        let device = x.device();
        let (out, mean, variance) = batch_norm_train_with(kernels, x, self.gamma.val(), self.beta.val(), self.epsilon);
        let momentum = self.momentum;
        let running_mean = self.running_mean.value_sync().to_device(&device);
        let running_var = self.running_var.value_sync().to_device(&device);
        let running_mean = running_mean.mul_scalar(1.0 - momentum).add(mean.detach().mul_scalar(momentum));
        let running_var = running_var.mul_scalar(1.0 - momentum).add(variance.detach().mul_scalar(momentum));
        self.running_mean.update(running_mean.detach());
        self.running_var.update(running_var.detach());
        out
    }
}
