//! Our CPU kernels for the flex backend, as Burn backend-extension ops with their own backward.
//!
//! Flex 0.22.1 convolves image by image and has no native convolution, transposed-convolution or
//! batch-norm backward: Burn's generic formulations run instead (the weight gradient as one small
//! GEMM per input channel, batch norm's backward as a dozen tensor passes). Here each of these
//! layers is **one** op of the autodiff graph:
//!
//! - convolution `y[n,o,i,j] = Σ_{c,u,v} W[o,c,u,v]·x[n, c, i·s+u·d−p, j·s+v·d−p] + b[o]` and its
//!   transposed twin, as `im2col`/`col2im` re-layouts around GEMMs over groups of images
//!   ([`cpu::conv`]); each part of the forward and backward runs in the formulation measured
//!   fastest, ours or flex's own (see [`extension`]);
//! - training-mode batch norm `y = γ·(x − μ_B)/√(σ²_B + ε) + β`, one fused pass for the statistics
//!   and one for the output, two for the backward ([`cpu::batch_norm`]);
//! - the LSTM over a whole sequence, backward through time inside the op ([`cpu::gated_recurrence`],
//!   [`gated_recurrence`]).
//!
//! Models call them through the layers they already hold: `conv.apply(x)` ([`ConvKernel`]) for
//! Burn's `Conv2d` and `ConvTranspose2d`, `norm.apply(x)` ([`NormKernel`]) for `BatchNorm` — the
//! same numbers as `forward` (to 1e-4, tested at every geometry the lectures use), the same
//! records. A tensor on any device other than flex, a dtype other than `f32`, or grouped
//! convolutions take Burn's own op, unchanged. `ATELIER_KERNELS=burn` sends flex there too, to
//! compare.

pub mod cpu;
pub mod extension;
pub mod geometry;
mod layers;

use std::sync::OnceLock;

use burn::backend::{Dispatch, DispatchDevice};
use burn::prelude::*;
use burn::tensor::DType;
use burn::tensor::module;

use extension::CpuKernels;
pub use geometry::{ConvGeometry, ConvTransposeGeometry};
pub use layers::{ConvKernel, NormKernel};

/// Whose kernels run the convolutions and batch norms of a flex tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernels {
    /// This crate's (the default).
    Ours,
    /// Burn's own ops, as without this crate.
    Burn,
}

impl Kernels {
    /// The choice for this process: `ATELIER_KERNELS=burn` picks Burn's, anything else ours.
    pub fn from_environment() -> Self {
        static CHOICE: OnceLock<Kernels> = OnceLock::new();
        *CHOICE.get_or_init(|| match std::env::var("ATELIER_KERNELS").as_deref() {
            Ok("burn") => Kernels::Burn,
            _ => Kernels::Ours,
        })
    }

    /// Whether this choice runs our kernel on `x`: ours chosen, `x` on flex, `f32`.
    pub fn runs_ours_on<const D: usize>(self, x: &Tensor<D>) -> bool {
        self == Kernels::Ours
            && matches!(x.device().without_autodiff().as_dispatch(), DispatchDevice::Flex(_))
            && x.dtype() == DType::F32
    }
}

/// `x [n, c, h, w] ⋆ weight [c_out, c, kh, kw] (+ bias [c_out])` → `[n, c_out, ho, wo]`.
///
/// # Panics
/// When the dilated kernel is larger than the padded input (as Burn's `conv2d` does).
pub fn conv2d(x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>, geometry: ConvGeometry) -> Tensor<4> {
    conv2d_with(Kernels::from_environment(), x, weight, bias, geometry)
}

/// [`conv2d`] with an explicit choice of kernels.
pub fn conv2d_with(
    kernels: Kernels,
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    geometry: ConvGeometry,
) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    let [_, _, kh, kw] = weight.dims();
    let fits = geometry.out_size(0, h, kh).is_some() && geometry.out_size(1, w, kw).is_some();
    if !(kernels.runs_ours_on(&x) && fits) {
        return module::conv2d(x, weight, bias, extension::conv_options(geometry));
    }
    let (x, weight) = (x.into_dispatch(), weight.into_dispatch());
    Tensor::from_dispatch(match bias {
        Some(bias) => <Dispatch as CpuKernels>::kernel_conv2d_bias(x, weight, bias.into_dispatch(), geometry),
        None => <Dispatch as CpuKernels>::kernel_conv2d(x, weight, geometry),
    })
}

/// `x [n, c_in, h, w]` through the transposed convolution by `weight [c_in, c_out, kh, kw]`
/// (+ `bias [c_out]`) → `[n, c_out, ho, wo]`.
pub fn conv_transpose2d(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    geometry: ConvTransposeGeometry,
) -> Tensor<4> {
    conv_transpose2d_with(Kernels::from_environment(), x, weight, bias, geometry)
}

/// [`conv_transpose2d`] with an explicit choice of kernels.
pub fn conv_transpose2d_with(
    kernels: Kernels,
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    geometry: ConvTransposeGeometry,
) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    let [_, _, kh, kw] = weight.dims();
    let fits = geometry.out_size(0, h, kh).is_some() && geometry.out_size(1, w, kw).is_some();
    if !(kernels.runs_ours_on(&x) && fits) {
        return module::conv_transpose2d(x, weight, bias, extension::transpose_options(geometry));
    }
    let (x, weight) = (x.into_dispatch(), weight.into_dispatch());
    Tensor::from_dispatch(match bias {
        Some(bias) => <Dispatch as CpuKernels>::kernel_conv_transpose2d_bias(x, weight, bias.into_dispatch(), geometry),
        None => <Dispatch as CpuKernels>::kernel_conv_transpose2d(x, weight, geometry),
    })
}

/// The LSTM cell of the lecture (fused weight `[H + D, 4H]`, gate blocks f, i, C̃, o) over the
/// whole sequence `x [n, T, D]` from `h0`, `c0 [n, H]`, as one op: `(h_1 … h_T [n, T, H], h_T,
/// C_T)`, or `None` where our kernels do not run (any device but flex, [`Kernels::Burn`]): the
/// caller then steps its own tensor formulation.
pub fn gated_recurrence(
    kernels: Kernels,
    x: Tensor<3>,
    h0: Tensor<2>,
    c0: Tensor<2>,
    weight: Tensor<2>,
    bias: Tensor<1>,
) -> Option<(Tensor<3>, Tensor<2>, Tensor<2>)> {
    let [n, steps, _] = x.dims();
    if !kernels.runs_ours_on(&x) || steps == 0 {
        return None;
    }
    let [_, gates] = weight.dims();
    let hidden = gates / 4;
    let packed = Tensor::<3>::from_dispatch(<Dispatch as CpuKernels>::kernel_gated_recurrence(
        x.into_dispatch(),
        h0.into_dispatch(),
        c0.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
    )); // [n, T + 1, H]: h_1 … h_T, then C_T
    let outputs = packed.clone().narrow(1, 0, steps); // [n, T, H]
    let last_hidden = packed.clone().narrow(1, steps - 1, 1).reshape([n, hidden]); // [n, H]
    let last_cell = packed.narrow(1, steps, 1).reshape([n, hidden]); // [n, H]
    Some((outputs, last_hidden, last_cell))
}

/// Training-mode batch norm of `x [n, c, …]` with `gamma`, `beta [c]`: the output and the batch
/// statistics `(μ_B, σ²_B)` (biased variance) that the running averages are fed.
pub fn batch_norm_train<const D: usize>(
    x: Tensor<D>,
    gamma: Tensor<1>,
    beta: Tensor<1>,
    epsilon: f64,
) -> (Tensor<D>, Tensor<1>, Tensor<1>) {
    batch_norm_train_with(Kernels::from_environment(), x, gamma, beta, epsilon)
}

/// [`batch_norm_train`] with an explicit choice of kernels.
pub fn batch_norm_train_with<const D: usize>(
    kernels: Kernels,
    x: Tensor<D>,
    gamma: Tensor<1>,
    beta: Tensor<1>,
    epsilon: f64,
) -> (Tensor<D>, Tensor<1>, Tensor<1>) {
    if !kernels.runs_ours_on(&x) {
        let result = module::batch_norm_train(x, gamma, beta, epsilon);
        return (result.output, result.mean, result.variance);
    }
    let (out, mean, variance) = <Dispatch as CpuKernels>::kernel_batch_norm_train(
        x.into_dispatch(),
        gamma.into_dispatch(),
        beta.into_dispatch(),
        epsilon,
    );
    (Tensor::from_dispatch(out), Tensor::from_dispatch(mean), Tensor::from_dispatch(variance))
}
