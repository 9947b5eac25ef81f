//! Convolution as a matrix product — the lecture's view of (transposed) convolution.
//!
//! A stride-1, unpadded cross-correlation of an `h × w` image by a `k × k` kernel is linear in the
//! image, so it is a matrix `C` of shape `[(h−k+1)·(w−k+1), h·w]` times the flattened image.
//! The transposed convolution that maps the small output back to `h × w` is `Cᵀ`: this is where
//! its name comes from. Burn's `conv2d` / `conv_transpose2d` compute the same numbers; the golden
//! tests check both against each other.

/// The convolution matrix `C` (row-major `[out_h·out_w, h·w]`) of a stride-1, unpadded
/// cross-correlation by `kernel` (row-major `k × k`) on an `h × w` image.
///
/// Row `(i, j)` of `C` holds the kernel placed with its top-left corner on pixel `(i, j)`:
/// `C[(i·out_w + j), ((i+u)·w + (j+v))] = kernel[u·k + v]`.
pub fn convolution_matrix(kernel: &[f32], k: usize, h: usize, w: usize) -> Vec<f32> {
    assert_eq!(kernel.len(), k * k, "kernel must hold k·k values");
    assert!(k <= h && k <= w, "kernel larger than the image");
    let (out_h, out_w) = (h - k + 1, w - k + 1);
    let mut matrix = vec![0.0; out_h * out_w * h * w];
    for i in 0..out_h {
        for j in 0..out_w {
            let row = i * out_w + j;
            for u in 0..k {
                for v in 0..k {
                    matrix[row * h * w + (i + u) * w + (j + v)] = kernel[u * k + v];
                }
            }
        }
    }
    matrix
}

/// `Cᵀ` of [`convolution_matrix`], row-major `[h·w, out_h·out_w]`: the transposed convolution.
pub fn transposed_convolution_matrix(kernel: &[f32], k: usize, h: usize, w: usize) -> Vec<f32> {
    let c = convolution_matrix(kernel, k, h, w);
    let (rows, cols) = ((h - k + 1) * (w - k + 1), h * w);
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c_ in 0..cols {
            t[c_ * rows + r] = c[r * cols + c_];
        }
    }
    t
}

/// Plain matrix × vector, row-major `matrix` of `rows × vector.len()`.
pub fn mat_vec(matrix: &[f32], vector: &[f32]) -> Vec<f32> {
    matrix.chunks(vector.len()).map(|row| row.iter().zip(vector).map(|(a, b)| a * b).sum()).collect()
}
