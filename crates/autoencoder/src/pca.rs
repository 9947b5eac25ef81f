//! The linear autoencoder: principal component analysis.
//!
//! With a linear encoder `a = Vᵀ(x − μ)` and decoder `x̂ = μ + V·a`, the reconstruction error
//! `Σₙ ‖xₙ − x̂ₙ‖²` is minimised by the top `k` eigenvectors `V` of the covariance
//! `C = 1/N · Σₙ (xₙ − μ)(xₙ − μ)ᵀ` (Eckart–Young): the data matrix is approximated as `X ≈ U·Vᵀ`
//! with `U = (X − μ)·V` the codes. This is the baseline a convolutional autoencoder must beat
//! at the same code size `k`.
//!
//! The eigenvectors are found by subspace iteration (`Q ← orth(C·Q)`) followed by a Rayleigh–Ritz
//! step (an exact Jacobi eigen-decomposition of the small matrix `QᵀCQ`); `C` and `C·Q` are
//! computed on the device, the orthonormalisation in f64 on the host.

use atelier_core::Rng;
use atelier_layers::linalg::symmetric_eigen;
use atelier_train::host::{DeviceReadError, to_host_f32};
use burn::prelude::*;

/// Extra directions iterated beside the `k` wanted ones (faster, more reliable convergence).
const OVERSAMPLE: usize = 8;
/// Upper bound on subspace iterations.
pub const MAX_ITERATIONS: usize = 300;
/// Stop when the top `k` Ritz values change by less than this, relative to the largest. `C·Q` is
/// computed in f32 on the device, so the values carry rounding noise of ~1e-7: a tighter tolerance
/// is never met and every fit would run all `MAX_ITERATIONS` (the k = 32 evaluation took 84 s
/// instead of 4.6 s on a 2-core EPYC).
const TOLERANCE: f64 = 1e-6;
/// Seed of the random starting subspace (PCA itself is deterministic up to signs).
const START_SEED: u64 = 0x5043_4131;

/// A fitted PCA: mean `μ` `[1, d]` and orthonormal components `V` `[d, k]` (largest variance first).
#[derive(Debug, Clone)]
pub struct Pca {
    pub mean: Tensor<2>,
    pub components: Tensor<2>,
    /// Variance along each component, descending.
    pub variances: Vec<f64>,
    /// Subspace iterations run before the top `k` Ritz values settled (at most `MAX_ITERATIONS`).
    pub iterations: usize,
}

impl Pca {
    /// Fits the top `k` principal directions of `data` `[n, d]`. A failed read of `C·Q` back
    /// from the device is an error.
    pub fn fit(data: Tensor<2>, k: usize) -> Result<Self, DeviceReadError> {
        let [n, d] = data.dims();
        let device = data.device();
        let k = k.min(d);
        let mean = data.clone().mean_dim(0); // [1, d]
        let centered = data - mean.clone(); // [n, d]
        let covariance = centered.clone().transpose().matmul(centered).div_scalar(n as f64); // [d, d]
        let m = (k + OVERSAMPLE).min(d);
        let mut rng = Rng::new(START_SEED);
        let mut q: Vec<f64> = (0..d * m).map(|_| f64::from(rng.normal())).collect(); // [d, m] row-major
        orthonormalize_columns(&mut q, d, m);
        // Converged when the top `k` Ritz values settle: the `OVERSAMPLE` extra directions only
        // speed the wanted ones up (their rate is λ_{m+1}/λ_k) and may converge much more slowly.
        let mut previous = vec![0.0; k];
        let mut iterations = 0;
        while iterations < MAX_ITERATIONS {
            iterations += 1;
            let cq = multiply(&covariance, &q, d, m, &device)?; // [d, m]
            // Rayleigh–Ritz on the current subspace: T = Qᵀ·C·Q, [m, m].
            let (mut values, _) = symmetric_eigen(transpose_times(&q, &cq, d, m), m);
            values.sort_by(|a, b| b.total_cmp(a));
            values.truncate(k);
            q = cq;
            orthonormalize_columns(&mut q, d, m);
            let change = values.iter().zip(&previous).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            let scale = values.iter().fold(0.0_f64, |s, v| s.max(v.abs())).max(f64::MIN_POSITIVE);
            previous = values;
            if change / scale < TOLERANCE {
                break;
            }
        }
        // Final Rayleigh–Ritz on the converged subspace, then keep the top k Ritz vectors.
        let cq = multiply(&covariance, &q, d, m, &device)?;
        let (values, vectors) = symmetric_eigen(transpose_times(&q, &cq, d, m), m);
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let mut components = vec![0.0f32; d * k];
        for (col, &j) in order.iter().take(k).enumerate() {
            for row in 0..d {
                let v: f64 = (0..m).map(|i| q[row * m + i] * vectors[i * m + j]).sum();
                components[row * k + col] = v as f32;
            }
        }
        Ok(Self {
            mean,
            components: Tensor::from_data(TensorData::new(components, [d, k]), &device),
            variances: order.iter().take(k).map(|&j| values[j]).collect(),
            iterations,
        })
    }

    /// Codes `U = (X − μ)·V`: `[n, d]` → `[n, k]`.
    pub fn project(&self, data: Tensor<2>) -> Tensor<2> {
        (data - self.mean.clone()).matmul(self.components.clone())
    }

    /// `X̂ = μ + U·Vᵀ`: `[n, d]` → `[n, d]`.
    pub fn reconstruct(&self, data: Tensor<2>) -> Tensor<2> {
        self.project(data).matmul(self.components.clone().transpose()) + self.mean.clone()
    }
}

/// `C·Q` on the device; `q` row-major `[d, m]`.
fn multiply(c: &Tensor<2>, q: &[f64], d: usize, m: usize, device: &Device) -> Result<Vec<f64>, DeviceReadError> {
    let q32: Vec<f32> = q.iter().map(|&v| v as f32).collect();
    let q = Tensor::<2>::from_data(TensorData::new(q32, [d, m]), device);
    let cq = to_host_f32(c.clone().matmul(q), "the PCA product C·Q")?; // [d, m]
    Ok(cq.into_iter().map(f64::from).collect())
}

/// `Aᵀ·B` for row-major `[d, m]` matrices → `[m, m]`.
fn transpose_times(a: &[f64], b: &[f64], d: usize, m: usize) -> Vec<f64> {
    let mut t = vec![0.0; m * m];
    for row in 0..d {
        for i in 0..m {
            let a_ri = a[row * m + i];
            for j in 0..m {
                t[i * m + j] += a_ri * b[row * m + j];
            }
        }
    }
    t
}

/// Modified Gram–Schmidt on the columns of row-major `[d, m]` (`m ≤ d`). A column that is (nearly)
/// dependent on the previous ones — e.g. `C·q = 0` for a direction of zero variance — is replaced by
/// the first coordinate axis that is not, so the result is always an orthonormal basis.
fn orthonormalize_columns(q: &mut [f64], d: usize, m: usize) {
    for j in 0..m {
        let original_norm = column_norm(q, d, m, j);
        remove_projections(q, d, m, j);
        let mut norm = column_norm(q, d, m, j);
        // Dependent (or zero) column: what is left is rounding noise, not a direction. Use the
        // first coordinate axis independent of the previous columns (one exists since j < m ≤ d).
        if norm <= 1e-9 * original_norm || norm == 0.0 {
            for axis in 0..d {
                for r in 0..d {
                    q[r * m + j] = if r == axis { 1.0 } else { 0.0 };
                }
                remove_projections(q, d, m, j);
                norm = column_norm(q, d, m, j);
                if norm > 1e-6 {
                    break;
                }
            }
        }
        for r in 0..d {
            q[r * m + j] /= norm;
        }
    }
}

fn column_norm(q: &[f64], d: usize, m: usize, j: usize) -> f64 {
    (0..d).map(|r| q[r * m + j].powi(2)).sum::<f64>().sqrt()
}

/// Subtracts from column `j` its projections on the (orthonormal) columns before it, twice for
/// numerical safety ("twice is enough").
fn remove_projections(q: &mut [f64], d: usize, m: usize, j: usize) {
    for _ in 0..2 {
        for i in 0..j {
            let dot: f64 = (0..d).map(|r| q[r * m + i] * q[r * m + j]).sum();
            for r in 0..d {
                q[r * m + j] -= dot * q[r * m + i];
            }
        }
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn orthonormalize_handles_dependent_columns() {
        // Columns: (1,0,0,0), (2,0,0,0) (dependent), (0,0,0,0) (zero), (0,1e-12,0,0).
        let (d, m) = (4, 4);
        let mut q = vec![0.0; d * m];
        q[0] = 1.0;
        q[1] = 2.0;
        q[m + 3] = 1e-12;
        orthonormalize_columns(&mut q, d, m);
        let qtq = transpose_times(&q, &q, d, m);
        for i in 0..m {
            for j in 0..m {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((qtq[i * m + j] - expected).abs() < 1e-9, "QᵀQ[{i},{j}] = {}", qtq[i * m + j]);
            }
        }
    }
}
