//! Walking through a latent space.

use burn::prelude::*;

/// Points `(1−t)·a + t·b` for `t = 0, 1/(steps−1), …, 1`: the straight path from code `a` to
/// code `b` (the lecture's morphing; `t = ½` is the midpoint `(C1+C2)/2`).
///
/// # Shapes
/// `a`, `b`: `[1, k]` → `[steps, k]`
pub fn linear_path(a: Tensor<2>, b: Tensor<2>, steps: usize) -> Tensor<2> {
    let device = a.device();
    let denominator = steps.saturating_sub(1).max(1) as f32;
    let t: Vec<f32> = (0..steps).map(|i| i as f32 / denominator).collect();
    let t = Tensor::<1>::from_floats(t.as_slice(), &device).reshape([steps, 1]); // [steps, 1]
    let one_minus_t = t.clone().neg() + 1.0;
    one_minus_t * a + t * b // [steps, k] by broadcasting
}
