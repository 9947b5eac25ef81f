//! Small dense linear algebra on the host, in f64: what PCA and the Fréchet distance need.

/// The `[m, m]` identity, row-major.
pub fn identity(m: usize) -> Vec<f64> {
    (0..m * m).map(|i| if i / m == i % m { 1.0 } else { 0.0 }).collect()
}

/// Eigen-decomposition `A = V·diag(λ)·Vᵀ` of a symmetric row-major `[m, m]` matrix by cyclic Jacobi
/// rotations (exact to rounding; fine up to a few hundred rows).
/// Returns (eigenvalues, eigenvectors as the columns of a row-major `[m, m]`).
pub fn symmetric_eigen(mut a: Vec<f64>, m: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = identity(m);
    for _sweep in 0..100 {
        let off: f64 = (0..m)
            .flat_map(|i| (0..m).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * m + j].powi(2))
            .sum();
        let diag: f64 = (0..m).map(|i| a[i * m + i].powi(2)).sum();
        if off <= 1e-24 * diag.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..m {
            for q in p + 1..m {
                let apq = a[p * m + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * m + q] - a[p * m + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..m {
                    let akp = a[k * m + p];
                    let akq = a[k * m + q];
                    a[k * m + p] = c * akp - s * akq;
                    a[k * m + q] = s * akp + c * akq;
                }
                for k in 0..m {
                    let apk = a[p * m + k];
                    let aqk = a[q * m + k];
                    a[p * m + k] = c * apk - s * aqk;
                    a[q * m + k] = s * apk + c * aqk;
                }
                for k in 0..m {
                    let vkp = v[k * m + p];
                    let vkq = v[k * m + q];
                    v[k * m + p] = c * vkp - s * vkq;
                    v[k * m + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..m).map(|i| a[i * m + i]).collect(), v)
}

/// `C = A·B` for row-major `[m, m]` matrices.
pub fn matmul(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * m];
    for i in 0..m {
        for k in 0..m {
            let aik = a[i * m + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..m {
                c[i * m + j] += aik * b[k * m + j];
            }
        }
    }
    c
}

/// The principal square root `A^{1/2}` of a symmetric positive semi-definite `[m, m]` matrix,
/// `V·diag(√max(λ, 0))·Vᵀ` (eigenvalues below 0 are rounding noise and are clipped).
pub fn sqrt_psd(a: &[f64], m: usize) -> Vec<f64> {
    let (values, v) = symmetric_eigen(a.to_vec(), m);
    let mut out = vec![0.0; m * m];
    for (k, lambda) in values.iter().enumerate() {
        let root = lambda.max(0.0).sqrt();
        if root == 0.0 {
            continue;
        }
        for i in 0..m {
            let vik = v[i * m + k] * root;
            for j in 0..m {
                out[i * m + j] += vik * v[j * m + k];
            }
        }
    }
    out
}

/// `Tr((A^{1/2}·B·A^{1/2})^{1/2})` for symmetric PSD `A`, `B`: the cross term of the Fréchet
/// distance. `A^{1/2}·B·A^{1/2}` is symmetric PSD, so a symmetric eigen-decomposition is stable
/// (unlike the non-symmetric `sqrtm(A·B)`); its trace equals `Tr((A·B)^{1/2})`.
pub fn trace_sqrt_product(a: &[f64], b: &[f64], m: usize) -> f64 {
    let root_a = sqrt_psd(a, m);
    let inner = matmul(&matmul(&root_a, b, m), &root_a, m);
    let symmetric: Vec<f64> = (0..m * m).map(|idx| 0.5 * (inner[idx] + inner[(idx % m) * m + idx / m])).collect();
    let (values, _) = symmetric_eigen(symmetric, m);
    values.iter().map(|l| l.max(0.0).sqrt()).sum()
}

/// The Fréchet distance between Gaussians `N(μ₁, Σ₁)` and `N(μ₂, Σ₂)` (FID's formula):
/// `d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2·(Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2})`.
pub fn frechet_distance(mean_1: &[f64], cov_1: &[f64], mean_2: &[f64], cov_2: &[f64]) -> f64 {
    let m = mean_1.len();
    let mean_term: f64 = mean_1.iter().zip(mean_2).map(|(a, b)| (a - b).powi(2)).sum();
    let trace: f64 = (0..m).map(|i| cov_1[i * m + i] + cov_2[i * m + i]).sum();
    mean_term + trace - 2.0 * trace_sqrt_product(cov_1, cov_2, m)
}

/// Mean `[d]` and covariance `[d, d]` (normalised by n − 1) of `n` row-major feature rows.
pub fn mean_and_covariance(rows: &[f32], n: usize, d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut mean = vec![0.0; d];
    for row in rows.chunks(d) {
        for (m, x) in mean.iter_mut().zip(row) {
            *m += f64::from(*x);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut cov = vec![0.0; d * d];
    let mut centred = vec![0.0; d];
    for row in rows.chunks(d) {
        for ((c, x), m) in centred.iter_mut().zip(row).zip(&mean) {
            *c = f64::from(*x) - m;
        }
        for i in 0..d {
            let ci = centred[i];
            for j in i..d {
                cov[i * d + j] += ci * centred[j];
            }
        }
    }
    let denominator = n.saturating_sub(1).max(1) as f64;
    for i in 0..d {
        for j in i..d {
            let value = cov[i * d + j] / denominator;
            cov[i * d + j] = value;
            cov[j * d + i] = value;
        }
    }
    (mean, cov)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_recovers_a_known_decomposition() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 (eigenvectors (1,1)/√2 and (1,−1)/√2).
        let (mut values, _) = symmetric_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        values.sort_by(f64::total_cmp);
        assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12, "{values:?}");
    }

    #[test]
    fn jacobi_vectors_are_orthonormal_eigenvectors() {
        let a = vec![4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 1.0];
        let (values, v) = symmetric_eigen(a.clone(), 3);
        for i in 0..3 {
            for j in 0..3 {
                let dot: f64 = (0..3).map(|r| v[r * 3 + i] * v[r * 3 + j]).sum();
                assert!((dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-9, "VᵀV[{i},{j}] = {dot}");
            }
            for r in 0..3 {
                let av: f64 = (0..3).map(|c| a[r * 3 + c] * v[c * 3 + i]).sum();
                assert!((av - values[i] * v[r * 3 + i]).abs() < 1e-9, "A·v = λ·v");
            }
        }
    }

    #[test]
    fn square_root_squares_back() {
        let a = vec![4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 1.0];
        let root = sqrt_psd(&a, 3);
        let back = matmul(&root, &root, 3);
        assert!(a.iter().zip(&back).all(|(x, y)| (x - y).abs() < 1e-9), "{back:?}");
    }

    #[test]
    fn frechet_distance_has_its_closed_form_on_known_gaussians() {
        // Identical Gaussians: 0.
        let cov = vec![2.0, 0.3, 0.3, 1.0];
        assert!(frechet_distance(&[1.0, 2.0], &cov, &[1.0, 2.0], &cov).abs() < 1e-9);
        // Diagonal covariances: d² = ‖Δμ‖² + Σᵢ (σ₁ᵢ − σ₂ᵢ)². Here Δμ = (3, 4) → 25;
        // σ₁ = (1, 2), σ₂ = (3, 2) → (1−3)² + 0 = 4. Total 29.
        let d = frechet_distance(&[0.0, 0.0], &[1.0, 0.0, 0.0, 4.0], &[3.0, 4.0], &[9.0, 0.0, 0.0, 4.0]);
        assert!((d - 29.0).abs() < 1e-9, "{d}");
        // Commuting (co-diagonalisable) non-diagonal covariances: Σ₂ = 4·Σ₁ → Tr(Σ₁ + 4Σ₁ − 2·2Σ₁) = Tr(Σ₁).
        let d = frechet_distance(&[0.0, 0.0], &cov, &[0.0, 0.0], &cov.iter().map(|c| 4.0 * c).collect::<Vec<_>>());
        assert!((d - 3.0).abs() < 1e-9, "{d}");
    }

    #[test]
    fn covariance_of_known_rows() {
        // Rows (1, 2), (3, 6): mean (2, 4); deviations ±(1, 2); cov (n−1 = 1) = [[2, 4], [4, 8]].
        let (mean, cov) = mean_and_covariance(&[1.0, 2.0, 3.0, 6.0], 2, 2);
        assert_eq!(mean, vec![2.0, 4.0]);
        assert_eq!(cov, vec![2.0, 4.0, 4.0, 8.0]);
    }
}
