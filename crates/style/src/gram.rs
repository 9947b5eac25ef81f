//! The Gram matrix of a layer's features: the statistics style is made of.

use burn::prelude::*;

/// `G_ij = 1/(N·M) · Σ_k F_ik·F_jk`: the channels' correlations averaged over the `M = h·w`
/// positions and divided by the `N = c` channels, as Gatys et al. normalise it (their eq. 4's
/// `1/(4N²M²)`, taken inside the square):
/// `[n, c, h, w]` → `[n, c, c]`.
pub fn gram(features: Tensor<4>) -> Tensor<3> {
    let [n, c, h, w] = features.dims();
    let f = features.reshape([n, c, h * w]); // [n, N, M]
    let ft = f.clone().swap_dims(1, 2); // [n, M, N]
    f.matmul(ft).div_scalar((c * h * w) as f64) // [n, N, N]
}

/// Layer `l`'s style loss `E_l = ¼ · Σ_ij (G_ij(x) − A_ij)²` (Gatys et al. 2015, eq. 4, with `G`
/// normalised as in [`gram`]), averaged over the batch: `[n, c, c]` and `[n, c, c]` (or one target
/// `[1, c, c]` for every image) → `[1]`.
pub fn gram_distance(gram: Tensor<3>, target: Tensor<3>) -> Tensor<1> {
    let [n, c, _] = gram.dims();
    let target = if target.dims()[0] == n { target } else { target.expand([n, c, c]) }; // [n, c, c]
    (gram - target).square().sum().mul_scalar(0.25 / n as f64)
}
