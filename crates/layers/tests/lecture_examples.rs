//! The lecture's worked examples as golden tests, checked on every test backend.
//!
//! Provenance: the slides on convolution and transposed convolution (4×4 input, 3×3 kernel,
//! stride 1, no padding) and on binary cross-entropy (a real image scored 0.1 and 0.9). The
//! expected numbers below were also recomputed by hand: e.g. the top-left output
//! 4·1+5·4+8·1 + 1·1+8·4+8·3 + 3·3+6·3+6·1 = 122.

use atelier_backend::test_backends;
use atelier_layers::conv_matrix::{convolution_matrix, mat_vec, transposed_convolution_matrix};
use atelier_layers::loss::{binary_cross_entropy, binary_cross_entropy_with_logits, l1_activity, mean_squared_error};
use burn::prelude::*;
use burn::tensor::module::{conv_transpose2d, conv2d};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};

const IMAGE: [f32; 16] = [4., 5., 8., 7., 1., 8., 8., 8., 3., 6., 6., 4., 6., 5., 7., 8.];
const KERNEL: [f32; 9] = [1., 4., 1., 1., 4., 3., 3., 3., 1.];
const CONV_EXPECTED: [f32; 4] = [122., 148., 126., 134.];

const SMALL: [f32; 4] = [55., 52., 57., 50.];
const KERNEL_T: [f32; 9] = [1., 2., 1., 2., 1., 2., 1., 1., 2.];
const CONV_T_EXPECTED: [f32; 16] =
    [55., 162., 159., 52., 167., 323., 319., 154., 169., 264., 326., 204., 57., 107., 164., 100.];

fn values(t: Tensor<4>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

#[test]
fn convolution_worked_example() {
    for (backend, device) in test_backends() {
        let x = Tensor::<4>::from_data(TensorData::new(IMAGE.to_vec(), [1, 1, 4, 4]), &device);
        let w = Tensor::<4>::from_data(TensorData::new(KERNEL.to_vec(), [1, 1, 3, 3]), &device);
        let y = conv2d(x, w, None, ConvOptions::new([1, 1], [0, 0], [1, 1], 1)); // [1, 1, 2, 2]
        assert_eq!(y.dims(), [1, 1, 2, 2]);
        assert_eq!(values(y), CONV_EXPECTED, "{backend}");
    }
}

#[test]
fn convolution_as_a_4x16_matrix() {
    let c = convolution_matrix(&KERNEL, 3, 4, 4);
    assert_eq!(c.len(), 4 * 16);
    // First row of C from the slide: the kernel rows laid out with stride 4 in the 16-vector.
    assert_eq!(&c[..16], &[1., 4., 1., 0., 1., 4., 3., 0., 3., 3., 1., 0., 0., 0., 0., 0.]);
    assert_eq!(mat_vec(&c, &IMAGE), CONV_EXPECTED);
}

#[test]
fn transposed_convolution_worked_example() {
    for (backend, device) in test_backends() {
        let x = Tensor::<4>::from_data(TensorData::new(SMALL.to_vec(), [1, 1, 2, 2]), &device);
        let w = Tensor::<4>::from_data(TensorData::new(KERNEL_T.to_vec(), [1, 1, 3, 3]), &device);
        let y = conv_transpose2d(x, w, None, ConvTransposeOptions::new([1, 1], [0, 0], [0, 0], [1, 1], 1));
        assert_eq!(y.dims(), [1, 1, 4, 4]);
        assert_eq!(values(y), CONV_T_EXPECTED, "{backend}");
    }
}

#[test]
fn transposed_convolution_as_the_16x4_transposed_matrix() {
    let ct = transposed_convolution_matrix(&KERNEL_T, 3, 4, 4);
    assert_eq!(ct.len(), 16 * 4);
    assert_eq!(mat_vec(&ct, &SMALL), CONV_T_EXPECTED);
}

#[test]
fn binary_cross_entropy_worked_example() {
    for (backend, device) in test_backends() {
        let real = Tensor::<1>::from_floats([1.0], &device);
        let low = binary_cross_entropy(Tensor::<1>::from_floats([0.1], &device), real.clone()).into_scalar::<f32>();
        let high = binary_cross_entropy(Tensor::<1>::from_floats([0.9], &device), real.clone()).into_scalar::<f32>();
        assert!(
            (low - -(0.1f32.ln())).abs() < 1e-4 && (low - 2.303).abs() < 1e-3,
            "{backend}: −ln 0.1 ≈ 2.303, got {low}"
        );
        assert!(
            (high - -(0.9f32.ln())).abs() < 1e-4 && (high - 0.105).abs() < 1e-3,
            "{backend}: −ln 0.9 ≈ 0.105, got {high}"
        );
        // The logit form gives the same numbers: σ(ln(p/(1−p))) = p.
        let logit = |p: f32| (p / (1.0 - p)).ln();
        let low_l = binary_cross_entropy_with_logits(Tensor::<1>::from_floats([logit(0.1)], &device), real)
            .into_scalar::<f32>();
        assert!((low_l - low).abs() < 1e-4, "{backend}");
    }
}

#[test]
fn loss_gradients_match_their_formulas() {
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        // MSE: ∂/∂x̂ of mean((x̂ − x)²) = 2(x̂ − x)/n.
        let pred = Tensor::<1>::from_floats([0.5, -1.0, 2.0, 0.0], &device).require_grad();
        let target = Tensor::<1>::from_floats([0.0, 1.0, 2.0, 1.0], &device);
        let grads = mean_squared_error(pred.clone(), target).backward();
        let g = pred.grad(&grads).unwrap().into_data().try_into_vec_as::<f32>().unwrap();
        assert_eq!(g, vec![0.25, -1.0, 0.0, -0.5], "{backend}");
        // BCE with logits: ∂/∂s = (σ(s) − y)/n.
        let s = Tensor::<1>::from_floats([0.0, 2.0], &device).require_grad();
        let y = Tensor::<1>::from_floats([1.0, 0.0], &device);
        let grads = binary_cross_entropy_with_logits(s.clone(), y).backward();
        let g = s.grad(&grads).unwrap().into_data().try_into_vec_as::<f32>().unwrap();
        let sigmoid = |v: f32| 1.0 / (1.0 + (-v).exp());
        assert!((g[0] - (sigmoid(0.0) - 1.0) / 2.0).abs() < 1e-6, "{backend}");
        assert!((g[1] - sigmoid(2.0) / 2.0).abs() < 1e-6, "{backend}");
        // L1 activity: ∂/∂a of λ·Σ|a|/N = λ·sign(a)/N.
        let a = Tensor::<2>::from_floats([[1.0, -2.0], [0.5, -0.25]], &device).require_grad();
        let grads = l1_activity(a.clone(), 0.1).backward();
        let g = a.grad(&grads).unwrap().into_data().try_into_vec_as::<f32>().unwrap();
        assert_eq!(g, vec![0.05, -0.05, 0.05, -0.05], "{backend}");
    }
}
