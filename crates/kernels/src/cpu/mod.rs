//! Our kernels on flex's tensors: plain `f32` loops (rayon-parallel) around flex's GEMM.

pub mod batch_norm;
pub mod conv;
pub mod gated_recurrence;
pub mod im2col;

use std::borrow::Cow;

use rayon::prelude::*;

use burn::backend::Flex;
use burn::backend::flex::FlexTensor;
use burn::backend::ops::FloatTensorOps;
use burn::tensor::{Shape, TensorData};

/// The values of `tensor` in row-major order (borrowed when already contiguous).
pub fn values(tensor: &FlexTensor) -> Cow<'_, [f32]> {
    match tensor.as_slice::<f32>() {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(tensor.to_contiguous().into_data().try_into_vec::<f32>().expect("an f32 tensor")),
    }
}

/// A flex tensor holding `values` in row-major order with `shape`.
pub fn tensor<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// The dimensions of a rank-`D` flex tensor.
pub fn dims<const D: usize>(tensor: &FlexTensor) -> [usize; D] {
    let shape = tensor.layout().shape();
    std::array::from_fn(|axis| shape[axis])
}

/// `lhs [m, k] · rhs [k, n]` through flex's GEMM (parallel above its size threshold); either
/// side may be a transposed view.
pub fn matmul(lhs: FlexTensor, rhs: FlexTensor) -> FlexTensor {
    Flex::float_matmul(lhs, rhs)
}

/// `tensor` seen as `[rows, columns]` (it must hold `rows·columns` values).
pub fn as_matrix(tensor: FlexTensor, rows: usize, columns: usize) -> FlexTensor {
    Flex::float_reshape(tensor, Shape::new([rows, columns]))
}

/// For `x [n, c, l]`, per channel `ch`, the sums over its `n·l` entries of the `K` values
/// `f(ch, index, value)` (`index` into `x`), accumulated in `f64`; channels in parallel.
pub fn per_channel<const K: usize>(
    x: &[f32],
    [n, c, l]: [usize; 3],
    f: impl Fn(usize, usize, f32) -> [f64; K] + Sync,
) -> Vec<[f64; K]> {
    (0..c)
        .into_par_iter()
        .map(|ch| {
            let mut totals = [0.0f64; K];
            for image in 0..n {
                let start = (image * c + ch) * l;
                for (offset, &value) in x[start..start + l].iter().enumerate() {
                    let terms = f(ch, start + offset, value);
                    totals.iter_mut().zip(terms).for_each(|(total, term)| *total += term);
                }
            }
            totals
        })
        .collect()
}
