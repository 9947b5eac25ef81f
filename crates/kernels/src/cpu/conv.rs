//! Convolution and transposed convolution, forward and backward, as GEMMs over groups of images.
//!
//! With `cols = im2col(x) [c·kh·kw, n·ho·wo]` and the kernel `W [c_out, c·kh·kw]`:
//!
//! - convolution: `Y = W · cols` (+ bias), then `[c_out, n·ho·wo]` → `[n, c_out, ho, wo]`;
//! - its gradients: `∂W = ∂Y · colsᵀ` (computed as its transpose `cols · ∂Yᵀ`),
//!   `∂x = col2im(Wᵀ · ∂Y)`, `∂b = Σ_{n,i,j} ∂Y`;
//! - transposed convolution (kernel `[c_in, c_out, kh, kw]`, the adjoint of the convolution
//!   from its output's shape to its input's): `y = col2im(Wᵀ · X)`, `∂x = W · im2col(∂y)`,
//!   `∂W = X · im2col(∂y)ᵀ`, with `X = x` as `[c_in, n·h·w]`.
//!
//! The batch is cut into groups of images whose column matrix holds about [`COLUMN_FLOATS`]
//! values (4 MiB), so the columns stay in cache between their writing and the GEMM that reads
//! them; each GEMM is `group·ho·wo` wide (flex convolves image by image, and builds the weight
//! gradient as one small GEMM per input channel). Weight gradients add up over the groups.

use std::ops::Range;

use burn::backend::flex::FlexTensor;

use super::im2col::{Placement, channel_sums, col2im_into, from_channel_rows_into, im2col, to_channel_rows};
use super::{as_matrix, dims, matmul, tensor, values};
use crate::geometry::{ConvGeometry, ConvTransposeGeometry};

/// About how many values one group's column matrix holds (4 MiB of `f32`).
pub const COLUMN_FLOATS: usize = 1 << 20;

/// Which gradients a backward pass must produce: `[input, weight, bias]`.
pub type Wanted = [bool; 3];

/// The gradients of a (transposed) convolution, each present when it was wanted.
pub struct ConvGradients {
    pub input: Option<FlexTensor>,
    pub weight: Option<FlexTensor>,
    pub bias: Option<FlexTensor>,
}

/// The batch `0..n` cut into consecutive groups of images, each with about
/// [`COLUMN_FLOATS`] column values (`per_image` each), at least one image.
fn groups(n: usize, per_image: usize) -> impl Iterator<Item = Range<usize>> {
    let size = (COLUMN_FLOATS / per_image.max(1)).clamp(1, n.max(1));
    (0..n).step_by(size).map(move |start| start..(start + size).min(n))
}

/// `at` restricted to `images` images.
fn with_images(at: &Placement, images: usize) -> Placement {
    Placement { image: [images, at.image[1], at.image[2], at.image[3]], ..*at }
}

fn conv_placement(x: [usize; 4], weight: [usize; 4], geometry: ConvGeometry) -> Placement {
    let [_, _, h, w] = x;
    let [_, _, kh, kw] = weight;
    let ho = geometry.out_size(0, h, kh).expect("the kernel fits the padded input (checked by the caller)");
    let wo = geometry.out_size(1, w, kw).expect("the kernel fits the padded input (checked by the caller)");
    Placement { image: x, kernel: [kh, kw], grid: [ho, wo], geometry }
}

/// Adds `other` into `total` (both `[rows, columns]` GEMM results), or starts it.
fn accumulate(total: &mut Option<Vec<f32>>, other: &FlexTensor) {
    let other = values(other);
    match total {
        Some(sum) => sum.iter_mut().zip(other.iter()).for_each(|(s, o)| *s += o),
        None => *total = Some(other.into_owned()),
    }
}

/// `x [n, c, h, w] ⋆ weight [c_out, c, kh, kw] (+ bias [c_out])` → `[n, c_out, ho, wo]`.
pub fn conv2d(x: &FlexTensor, weight: &FlexTensor, bias: Option<&FlexTensor>, geometry: ConvGeometry) -> FlexTensor {
    let at = conv_placement(dims(x), dims(weight), geometry);
    let [n, c, h, w] = at.image;
    let [c_out, ..] = dims::<4>(weight);
    let [ho, wo] = at.grid;
    let p = ho * wo;
    let x = values(x);
    let bias = bias.map(values);
    let kernel = as_matrix(weight.clone(), c_out, at.rows()); // [c_out, c·kh·kw]
    let mut y = vec![0.0f32; n * c_out * p];
    for images in groups(n, at.rows() * p) {
        let group = with_images(&at, images.len());
        let x_group = &x[images.start * c * h * w..images.end * c * h * w];
        let cols = tensor(im2col(x_group, &group), [group.rows(), group.columns()]); // [c·kh·kw, b·ho·wo]
        let y_group = matmul(kernel.clone(), cols); // [c_out, b·ho·wo]
        let out = &mut y[images.start * c_out * p..images.end * c_out * p];
        from_channel_rows_into(&values(&y_group), images.len(), c_out, p, bias.as_deref(), out);
    }
    tensor(y, [n, c_out, ho, wo])
}

/// The gradients of [`conv2d`] given `grad = ∂L/∂y [n, c_out, ho, wo]`.
pub fn conv2d_backward(
    x: &FlexTensor,
    weight: &FlexTensor,
    geometry: ConvGeometry,
    grad: &FlexTensor,
    wanted: Wanted,
) -> ConvGradients {
    let x_dims = dims::<4>(x);
    let at = conv_placement(x_dims, dims(weight), geometry);
    let [n, c, h, w] = x_dims;
    let weight_dims = dims::<4>(weight);
    let c_out = weight_dims[0];
    let p = at.grid[0] * at.grid[1];
    let grad = values(grad);
    let bias = wanted[2].then(|| tensor(channel_sums(&grad, n, c_out, p), [c_out]));
    let x = values(x);
    let kernel_t = as_matrix(weight.clone(), c_out, at.rows()).transpose(0, 1); // [c·kh·kw, c_out]
    let mut weight_grad = None;
    let mut input = wanted[0].then(|| vec![0.0f32; n * c * h * w]);
    if wanted[0] || wanted[1] {
        for images in groups(n, at.rows() * p) {
            let b = images.len();
            let group = with_images(&at, b);
            let grad_group = &grad[images.start * c_out * p..images.end * c_out * p];
            let grad_rows = tensor(to_channel_rows(grad_group, b, c_out, p), [c_out, b * p]); // [c_out, b·ho·wo]
            if wanted[1] {
                let x_group = &x[images.start * c * h * w..images.end * c * h * w];
                let cols = tensor(im2col(x_group, &group), [group.rows(), group.columns()]); // [c·kh·kw, b·ho·wo]
                // ∂Wᵀ = cols·∂Yᵀ: the tall product runs faster on flex's GEMM than ∂Y·colsᵀ
                // (examples/parts.rs: 77 against 99 ms for the 3×3 64→64 layer).
                accumulate(&mut weight_grad, &matmul(cols, grad_rows.clone().transpose(0, 1))); // [c·kh·kw, c_out]
            }
            if let Some(input) = input.as_mut() {
                let cols = matmul(kernel_t.clone(), grad_rows); // [c·kh·kw, b·ho·wo]
                col2im_into(&values(&cols), &group, &mut input[images.start * c * h * w..images.end * c * h * w]);
            }
        }
    }
    ConvGradients {
        input: input.map(|values| tensor(values, x_dims)),
        weight: weight_grad.map(|values| tensor(transposed(&values, at.rows(), c_out), weight_dims)),
        bias,
    }
}

/// A row-major `[rows, columns]` matrix as its transpose, row-major `[columns, rows]`.
fn transposed(values: &[f32], rows: usize, columns: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; values.len()];
    for (r, row) in values.chunks(columns).enumerate() {
        for (c, &value) in row.iter().enumerate() {
            out[c * rows + r] = value;
        }
    }
    out
}

/// The placement of the convolution a transposed convolution is the adjoint of: over the
/// output `y [n, c_out, ho, wo]`, its grid is the input's `[h, w]`.
fn transpose_placement(x: [usize; 4], weight: [usize; 4], geometry: ConvTransposeGeometry) -> Placement {
    let [n, _, h, w] = x;
    let [_, c_out, kh, kw] = weight;
    let ho = geometry.out_size(0, h, kh).expect("a positive output side (checked by the caller)");
    let wo = geometry.out_size(1, w, kw).expect("a positive output side (checked by the caller)");
    Placement { image: [n, c_out, ho, wo], kernel: [kh, kw], grid: [h, w], geometry: geometry.adjoint() }
}

/// `x [n, c_in, h, w]` through the transposed convolution by `weight [c_in, c_out, kh, kw]`
/// (+ `bias [c_out]`) → `[n, c_out, ho, wo]`.
pub fn conv_transpose2d(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: Option<&FlexTensor>,
    geometry: ConvTransposeGeometry,
) -> FlexTensor {
    let x_dims = dims::<4>(x);
    let at = transpose_placement(x_dims, dims(weight), geometry);
    let [n, c_in, h, w] = x_dims;
    let [_, c_out, ho, wo] = at.image;
    let x = values(x);
    let kernel_t = as_matrix(weight.clone(), c_in, at.rows()).transpose(0, 1); // [c_out·kh·kw, c_in]
    let mut y = vec![0.0f32; n * c_out * ho * wo];
    for images in groups(n, at.rows() * h * w) {
        let b = images.len();
        let group = with_images(&at, b);
        let x_group = &x[images.start * c_in * h * w..images.end * c_in * h * w];
        let inputs = tensor(to_channel_rows(x_group, b, c_in, h * w), [c_in, b * h * w]); // [c_in, b·h·w]
        let cols = matmul(kernel_t.clone(), inputs); // [c_out·kh·kw, b·h·w]
        col2im_into(&values(&cols), &group, &mut y[images.start * c_out * ho * wo..images.end * c_out * ho * wo]);
    }
    if let Some(bias) = bias {
        let bias = values(bias);
        y.chunks_mut(ho * wo).enumerate().for_each(|(plane, values)| {
            let shift = bias[plane % c_out];
            values.iter_mut().for_each(|v| *v += shift);
        });
    }
    tensor(y, at.image)
}

/// The gradients of [`conv_transpose2d`] given `grad = ∂L/∂y [n, c_out, ho, wo]`.
pub fn conv_transpose2d_backward(
    x: &FlexTensor,
    weight: &FlexTensor,
    geometry: ConvTransposeGeometry,
    grad: &FlexTensor,
    wanted: Wanted,
) -> ConvGradients {
    let x_dims = dims::<4>(x);
    let weight_dims = dims::<4>(weight);
    let at = transpose_placement(x_dims, weight_dims, geometry);
    let [n, c_in, h, w] = x_dims;
    let [_, c_out, ho, wo] = at.image;
    let grad = values(grad);
    let bias = wanted[2].then(|| tensor(channel_sums(&grad, n, c_out, ho * wo), [c_out]));
    let x = values(x);
    let kernel = as_matrix(weight.clone(), c_in, at.rows()); // [c_in, c_out·kh·kw]
    let mut weight_grad = None;
    let mut input = wanted[0].then(|| vec![0.0f32; n * c_in * h * w]);
    if wanted[0] || wanted[1] {
        for images in groups(n, at.rows() * h * w) {
            let b = images.len();
            let group = with_images(&at, b);
            let grad_group = &grad[images.start * c_out * ho * wo..images.end * c_out * ho * wo];
            let cols = tensor(im2col(grad_group, &group), [group.rows(), group.columns()]); // [c_out·kh·kw, b·h·w]
            if wanted[1] {
                let x_group = &x[images.start * c_in * h * w..images.end * c_in * h * w];
                let inputs = tensor(to_channel_rows(x_group, b, c_in, h * w), [c_in, b * h * w]); // [c_in, b·h·w]
                accumulate(&mut weight_grad, &matmul(inputs, cols.clone().transpose(0, 1))); // [c_in, c_out·kh·kw]
            }
            if let Some(input) = input.as_mut() {
                let rows = matmul(kernel.clone(), cols); // [c_in, b·h·w]
                let out = &mut input[images.start * c_in * h * w..images.end * c_in * h * w];
                from_channel_rows_into(&values(&rows), b, c_in, h * w, None, out);
            }
        }
    }
    ConvGradients {
        input: input.map(|values| tensor(values, x_dims)),
        weight: weight_grad.map(|values| tensor(values, weight_dims)),
        bias,
    }
}
