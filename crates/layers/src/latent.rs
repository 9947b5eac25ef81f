//! Walking through a latent space.

use atelier_core::Rng;
use burn::prelude::*;

/// `n` codes `z ~ N(0, I)` of size `k`, drawn on the host from `seed`, so the same seed gives the
/// same codes on every backend (the fixed noise of sample grids, and the noise of `sample`). `[n, k]`
pub fn standard_normal_codes(n: usize, k: usize, seed: u64, device: &Device) -> Tensor<2> {
    let mut rng = Rng::new(seed);
    let values: Vec<f32> = (0..n * k).map(|_| rng.normal()).collect();
    Tensor::from_data(TensorData::new(values, [n, k]), device)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_normal_codes_are_the_same_for_the_same_seed() {
        let device = atelier_backend::Backend::Flex.device().unwrap();
        let draw = |seed| standard_normal_codes(4, 3, seed, &device).into_data().try_into_vec_as::<f32>().unwrap();
        let a = draw(7);
        assert_eq!(a, draw(7));
        assert_ne!(a, draw(8));
        assert!(a.iter().any(|v| *v != a[0]));
    }
}
