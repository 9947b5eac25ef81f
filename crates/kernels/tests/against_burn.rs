//! Every kernel against Burn's own op on flex: the output and every gradient agree to 1e-4
//! (relative to the largest value), at each geometry the lectures use plus odd sizes, uneven
//! padding, dilation and batch 1. Our ops are called through the extension trait itself, so a
//! comparison can never be Burn against Burn.

use atelier_kernels::extension::CpuKernels;
use atelier_kernels::{ConvGeometry, ConvKernel, ConvTransposeGeometry, Kernels, NormKernel};
use burn::backend::Dispatch;
use burn::nn::conv::{Conv2dConfig, ConvTranspose2dConfig};
use burn::nn::{BatchNormConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::module;
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};

fn device() -> Device {
    let device = Device::flex().autodiff();
    device.seed(7);
    device
}

fn random<const D: usize>(shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::random(shape, Distribution::Normal(0.0, 1.0), device).require_grad()
}

/// `max |a − b| / max(1, max |b|)`.
fn relative_gap<const D: usize>(ours: Tensor<D>, burns: Tensor<D>) -> f32 {
    assert_eq!(ours.dims(), burns.dims(), "shapes differ");
    let scale = burns.clone().abs().max().into_scalar::<f32>().max(1.0);
    (ours - burns).abs().max().into_scalar::<f32>() / scale
}

fn assert_close<const D: usize>(what: &str, case: &str, ours: Tensor<D>, burns: Tensor<D>) {
    let gap = relative_gap(ours, burns);
    assert!(gap <= 1e-4, "{case}: {what} differs from Burn's by {gap:e} (relative)");
}

/// Our layer's output `ours` against Burn's `burns` on the same `[x, weight]` and `bias`, and the
/// gradients of both under the same random upstream gradient.
fn assert_same_layer(
    case: &str,
    [x, weight]: [&Tensor<4>; 2],
    bias: Option<&Tensor<1>>,
    ours: Tensor<4>,
    burns: Tensor<4>,
) {
    let upstream = Tensor::<4>::random(burns.dims(), Distribution::Normal(0.0, 1.0), &burns.device());
    assert_close("output", case, ours.clone(), burns.clone());
    let ours_grads = (ours * upstream.clone()).sum().backward();
    let burns_grads = (burns * upstream).sum().backward();
    assert_close("∂x", case, x.grad(&ours_grads).unwrap(), x.grad(&burns_grads).unwrap());
    assert_close("∂W", case, weight.grad(&ours_grads).unwrap(), weight.grad(&burns_grads).unwrap());
    if let Some(bias) = bias {
        assert_close("∂b", case, bias.grad(&ours_grads).unwrap(), bias.grad(&burns_grads).unwrap());
    }
}

struct ConvCase {
    name: &'static str,
    x: [usize; 4],
    c_out: usize,
    kernel: [usize; 2],
    geometry: ConvGeometry,
    bias: bool,
}

fn conv_cases() -> Vec<ConvCase> {
    let g = |s: usize, p: usize, d: usize| ConvGeometry::symmetric([s, s], [p, p], [d, d]);
    vec![
        ConvCase {
            name: "4x4 s2 p1, 1→32, 28x28 (the Fashion models' first layer)",
            x: [3, 1, 28, 28],
            c_out: 32,
            kernel: [4, 4],
            geometry: g(2, 1, 1),
            bias: true,
        },
        ConvCase {
            name: "4x4 s2 p1, 32→64, 14x14",
            x: [2, 32, 14, 14],
            c_out: 64,
            kernel: [4, 4],
            geometry: g(2, 1, 1),
            bias: true,
        },
        ConvCase {
            name: "3x3 p1, 8→16, 14x14 (CNN, U-Net)",
            x: [2, 8, 14, 14],
            c_out: 16,
            kernel: [3, 3],
            geometry: g(1, 1, 1),
            bias: true,
        },
        ConvCase {
            name: "3x3 p1 no bias, batch 1, odd 9x7",
            x: [1, 5, 9, 7],
            c_out: 6,
            kernel: [3, 3],
            geometry: g(1, 1, 1),
            bias: false,
        },
        ConvCase {
            name: "7x7 p0 (a head after reflection padding)",
            x: [2, 4, 14, 14],
            c_out: 3,
            kernel: [7, 7],
            geometry: g(1, 0, 1),
            bias: true,
        },
        ConvCase {
            name: "3x3 s2 p1, odd 15x15 (a ResNet generator's way down)",
            x: [2, 4, 15, 15],
            c_out: 8,
            kernel: [3, 3],
            geometry: g(2, 1, 1),
            bias: true,
        },
        ConvCase {
            name: "3x3 p1, 24 images in three groups (COLUMN_FLOATS)",
            x: [24, 16, 28, 28],
            c_out: 4,
            kernel: [3, 3],
            geometry: g(1, 1, 1),
            bias: true,
        },
        ConvCase {
            name: "1x1 (U-Net classes)",
            x: [2, 8, 6, 6],
            c_out: 5,
            kernel: [1, 1],
            geometry: g(1, 0, 1),
            bias: true,
        },
        ConvCase {
            name: "3x3 dilation 2 p2 (segmentation context)",
            x: [2, 4, 11, 11],
            c_out: 4,
            kernel: [3, 3],
            geometry: g(1, 2, 2),
            bias: true,
        },
        ConvCase {
            name: "5x5 p0, batch 1 (classifier)",
            x: [1, 3, 12, 12],
            c_out: 4,
            kernel: [5, 5],
            geometry: g(1, 0, 1),
            bias: true,
        },
        ConvCase {
            name: "4x4 s2 uneven padding (Same on an even kernel)",
            x: [2, 3, 10, 9],
            c_out: 4,
            kernel: [4, 4],
            geometry: ConvGeometry { stride: [2, 2], padding: [[1, 2], [0, 2]], dilation: [1, 1] },
            bias: true,
        },
    ]
}

#[test]
fn convolution_output_and_gradients_match_burns() {
    let device = device();
    for case in conv_cases() {
        let x = random(case.x, &device);
        let weight = random([case.c_out, case.x[1], case.kernel[0], case.kernel[1]], &device);
        let bias = case.bias.then(|| random([case.c_out], &device));
        let (xd, wd) = (x.clone().into_dispatch(), weight.clone().into_dispatch());
        let ours = Tensor::<4>::from_dispatch(match bias.clone() {
            Some(b) => <Dispatch as CpuKernels>::kernel_conv2d_bias(xd, wd, b.into_dispatch(), case.geometry),
            None => <Dispatch as CpuKernels>::kernel_conv2d(xd, wd, case.geometry),
        });
        let [[top, bottom], [left, right]] = case.geometry.padding;
        let options = ConvOptions::new_with_padding(
            case.geometry.stride,
            [(top, bottom), (left, right)],
            case.geometry.dilation,
            1,
        );
        let burns = module::conv2d(x.clone(), weight.clone(), bias.clone(), options);
        assert_same_layer(case.name, [&x, &weight], bias.as_ref(), ours, burns);
    }
}

struct TransposeCase {
    name: &'static str,
    x: [usize; 4],
    c_out: usize,
    kernel: usize,
    geometry: ConvTransposeGeometry,
    bias: bool,
}

#[test]
fn transposed_convolution_output_and_gradients_match_burns() {
    let device = device();
    let g = |s: usize, p: usize, out: usize| ConvTransposeGeometry {
        stride: [s, s],
        padding: [p, p],
        padding_out: [out, out],
        dilation: [1, 1],
    };
    let cases = [
        TransposeCase {
            name: "4x4 s2 p1, 64→32, 7x7 (decoders)",
            x: [2, 16, 7, 7],
            c_out: 8,
            kernel: 4,
            geometry: g(2, 1, 0),
            bias: true,
        },
        TransposeCase {
            name: "4x4 s2 p1 no bias, batch 1 (a generator)",
            x: [1, 8, 7, 7],
            c_out: 4,
            kernel: 4,
            geometry: g(2, 1, 0),
            bias: false,
        },
        TransposeCase {
            name: "3x3 s2 p1 out 1, odd 5x5 (a ResNet generator's way up)",
            x: [2, 6, 5, 5],
            c_out: 3,
            kernel: 3,
            geometry: g(2, 1, 1),
            bias: true,
        },
        TransposeCase {
            name: "2x2 s2 p0 (U-Net up)",
            x: [2, 8, 4, 4],
            c_out: 4,
            kernel: 2,
            geometry: g(2, 0, 0),
            bias: true,
        },
        TransposeCase { name: "3x3 s1 p1", x: [3, 2, 6, 5], c_out: 2, kernel: 3, geometry: g(1, 1, 0), bias: true },
    ];
    for case in cases {
        let x = random(case.x, &device);
        let weight = random([case.x[1], case.c_out, case.kernel, case.kernel], &device);
        let bias = case.bias.then(|| random([case.c_out], &device));
        let (xd, wd) = (x.clone().into_dispatch(), weight.clone().into_dispatch());
        let ours = Tensor::<4>::from_dispatch(match bias.clone() {
            Some(b) => <Dispatch as CpuKernels>::kernel_conv_transpose2d_bias(xd, wd, b.into_dispatch(), case.geometry),
            None => <Dispatch as CpuKernels>::kernel_conv_transpose2d(xd, wd, case.geometry),
        });
        let options = ConvTransposeOptions::new(
            case.geometry.stride,
            case.geometry.padding,
            case.geometry.padding_out,
            case.geometry.dilation,
            1,
        );
        let burns = module::conv_transpose2d(x.clone(), weight.clone(), bias.clone(), options);
        assert_same_layer(case.name, [&x, &weight], bias.as_ref(), ours, burns);
    }
}

fn batch_norm_case<const D: usize>(shape: [usize; D], device: &Device) {
    let name = format!("batch norm {shape:?}");
    // Off-centre and spread, as activations are; a leaf, so each graph backs up to it.
    let x = Tensor::<D>::random(shape, Distribution::Normal(1.5, 3.0), device).require_grad();
    let gamma = random([shape[1]], device);
    let beta = random([shape[1]], device);
    let (ours, mean, variance) = {
        let (out, mean, variance) = <Dispatch as CpuKernels>::kernel_batch_norm_train(
            x.clone().into_dispatch(),
            gamma.clone().into_dispatch(),
            beta.clone().into_dispatch(),
            1e-5,
        );
        (Tensor::<D>::from_dispatch(out), Tensor::<1>::from_dispatch(mean), Tensor::<1>::from_dispatch(variance))
    };
    let burns = module::batch_norm_train(x.clone(), gamma.clone(), beta.clone(), 1e-5);
    assert_close("mean", &name, mean, burns.mean);
    assert_close("variance", &name, variance, burns.variance);
    let upstream = Tensor::<D>::random(shape, Distribution::Normal(0.0, 1.0), device);
    assert_close("output", &name, ours.clone(), burns.output.clone());
    let ours_grads = (ours * upstream.clone()).sum().backward();
    let burns_grads = (burns.output * upstream).sum().backward();
    assert_close("∂x", &name, x.grad(&ours_grads).unwrap(), x.grad(&burns_grads).unwrap());
    assert_close("∂γ", &name, gamma.grad(&ours_grads).unwrap(), gamma.grad(&burns_grads).unwrap());
    assert_close("∂β", &name, beta.grad(&ours_grads).unwrap(), beta.grad(&burns_grads).unwrap());
}

#[test]
fn batch_norm_statistics_output_and_gradients_match_burns() {
    let device = device();
    batch_norm_case([8, 6, 5, 5], &device);
    batch_norm_case([1, 3, 7, 9], &device);
    batch_norm_case([16, 12], &device); // after a dense layer (a generator's projection)
}

#[test]
fn the_layers_apply_equals_their_forward_and_keeps_the_running_averages() {
    let device = device();
    let x = random([2, 3, 9, 9], &device);
    let conv = Conv2dConfig::new([3, 5], [3, 3]).with_padding(PaddingConfig2d::Same).with_stride([2, 2]).init(&device);
    assert_close("Conv2d::apply", "Same padding, stride 2", conv.apply(x.clone()), conv.forward(x.clone()));
    let up = ConvTranspose2dConfig::new([3, 4], [4, 4]).with_stride([2, 2]).with_padding([1, 1]).init(&device);
    assert_close("ConvTranspose2d::apply", "4x4 s2 p1", up.apply(x.clone()), up.forward(x.clone()));
    let ours = BatchNormConfig::new(3).init(&device);
    let burns = BatchNormConfig::new(3).init(&device);
    for _ in 0..3 {
        assert_close("BatchNorm::apply", "training", ours.apply(x.clone()), burns.forward(x.clone()));
    }
    assert_close("running mean", "three steps", ours.running_mean.value(), burns.running_mean.value());
    assert_close("running variance", "three steps", ours.running_var.value(), burns.running_var.value());
}

#[test]
#[allow(deprecated)] // ndarray stands for "any backend other than flex"
fn ours_run_on_flex_in_f32_only() {
    let flex = Tensor::<1>::zeros([2], &Device::flex());
    assert!(Kernels::Ours.runs_ours_on(&flex));
    assert!(Kernels::Ours.runs_ours_on(&Tensor::<4>::zeros([1, 1, 2, 2], &Device::flex().autodiff()).require_grad()));
    assert!(!Kernels::Burn.runs_ours_on(&flex));
    assert!(!Kernels::Ours.runs_ours_on(&Tensor::<1>::zeros([2], &Device::ndarray())));
}

/// The formulations the ops do not use (measured slower; docs/speed.md) still compute the right
/// numbers: the convolution's input gradient through `col2im` and the transposed convolution's
/// output and weight gradient through ours, across image groups.
#[test]
fn the_formulations_kept_for_measurement_agree_with_flex() {
    use atelier_kernels::cpu::conv;
    use atelier_kernels::extension::{conv_options, transpose_options};
    use burn::backend::Flex;
    use burn::backend::flex::FlexTensor;
    use burn::backend::ops::ModuleOps;
    let data = |shape: Vec<usize>| {
        let n: usize = shape.iter().product();
        let values: Vec<f32> = (0..n).map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0).collect();
        FlexTensor::from_data(TensorData::new(values, shape))
    };
    let gap = |ours: FlexTensor, flex: FlexTensor, what: &str| {
        let (a, b) = (ours.into_data().try_to_vec::<f32>().unwrap(), flex.into_data().try_to_vec::<f32>().unwrap());
        let scale = b.iter().fold(1.0f32, |m, v| m.max(v.abs()));
        let gap = a.iter().zip(&b).fold(0.0f32, |m, (x, y)| m.max((x - y).abs())) / scale;
        assert!(gap <= 1e-4, "{what}: {gap:e}");
    };
    let geometry = ConvGeometry::symmetric([2, 2], [1, 1], [1, 1]);
    let (x, w, dy) = (data(vec![20, 16, 29, 29]), data(vec![8, 16, 4, 4]), data(vec![20, 8, 14, 14]));
    let ours = conv::conv2d_backward(&x, &w, geometry, &dy, [true, false, false]).input.unwrap();
    gap(ours, Flex::conv2d_x_backward(x.clone(), w.clone(), dy.clone(), conv_options(geometry)), "conv ∂x by col2im");
    let geometry = ConvTransposeGeometry { stride: [2, 2], padding: [1, 1], padding_out: [1, 1], dilation: [1, 1] };
    let (x, w, b) = (data(vec![40, 32, 15, 15]), data(vec![32, 6, 3, 3]), data(vec![6]));
    let flex = Flex::conv_transpose2d(x.clone(), w.clone(), Some(b.clone()), transpose_options(geometry));
    gap(conv::conv_transpose2d(&x, &w, Some(&b), geometry), flex.clone(), "transposed conv output by col2im");
    let dy = data(flex.layout().shape().to_vec());
    let ours = conv::conv_transpose2d_backward(&x, &w, geometry, &dy, [false, true, false]).weight.unwrap();
    let flex = Flex::conv_transpose2d_weight_backward(x, w, dy, transpose_options(geometry));
    gap(ours, flex, "transposed conv ∂W by one GEMM");
}

/// The LSTM of the lecture stepped with Burn's tensor ops (the sequences lecture's formulation,
/// written again here since a kernel crate depends on no lecture): every `h_t` `[n, T, H]`, `h_T`, `C_T`.
fn stepped_by_tensor_ops(
    x: Tensor<3>,
    h0: Tensor<2>,
    c0: Tensor<2>,
    weight: Tensor<2>,
    bias: Tensor<1>,
) -> (Tensor<3>, Tensor<2>, Tensor<2>) {
    use burn::tensor::activation::{sigmoid, tanh};
    let hidden = weight.dims()[1] / 4;
    let (mut h, mut c) = (h0, c0);
    let mut outputs = Vec::new();
    for x_t in x.iter_dim(1) {
        let z = Tensor::cat(vec![h, x_t.squeeze_dim(1)], 1).matmul(weight.clone()) + bias.clone().unsqueeze_dim::<2>(0);
        let block = |k: usize| z.clone().narrow(1, k * hidden, hidden);
        c = sigmoid(block(0)) * c + sigmoid(block(1)) * tanh(block(2));
        h = sigmoid(block(3)) * tanh(c.clone());
        outputs.push(h.clone());
    }
    (Tensor::stack(outputs, 1), h, c)
}

#[test]
fn the_gated_recurrence_op_matches_the_stepped_tensor_formulation() {
    let device = device();
    for (n, steps, input, hidden) in [(5, 7, 3, 4), (1, 28, 28, 16), (3, 1, 2, 3)] {
        let name = format!("gated recurrence n={n} T={steps} D={input} H={hidden}");
        let x = random([n, steps, input], &device);
        let h0 = random([n, hidden], &device);
        let c0 = random([n, hidden], &device);
        let weight =
            Tensor::<2>::random([hidden + input, 4 * hidden], Distribution::Normal(0.0, 0.5), &device).require_grad();
        let bias = random([4 * hidden], &device);
        let args = || (x.clone(), h0.clone(), c0.clone(), weight.clone(), bias.clone());
        let (a, b, c, d, e) = args();
        let (outs, last_h, last_c) =
            atelier_kernels::gated_recurrence(Kernels::Ours, a, b, c, d, e).expect("ours run on flex");
        let (a, b, c, d, e) = args();
        let (outs_ref, last_h_ref, last_c_ref) = stepped_by_tensor_ops(a, b, c, d, e);
        assert_close("h_1…h_T", &name, outs.clone(), outs_ref.clone());
        assert_close("h_T", &name, last_h.clone(), last_h_ref.clone());
        assert_close("C_T", &name, last_c.clone(), last_c_ref.clone());
        // A loss reading every output, the last hidden state and the last cell.
        let r = Tensor::<3>::random(outs.dims(), Distribution::Normal(0.0, 1.0), &device);
        let s = Tensor::<2>::random([n, hidden], Distribution::Normal(0.0, 1.0), &device);
        let loss = |o: Tensor<3>, h: Tensor<2>, c: Tensor<2>| {
            (o * r.clone()).sum() + (h * s.clone()).sum() + c.powi_scalar(2).sum()
        };
        let ours = loss(outs, last_h, last_c).backward();
        let reference = loss(outs_ref, last_h_ref, last_c_ref).backward();
        assert_close("∂x", &name, x.grad(&ours).unwrap(), x.grad(&reference).unwrap());
        assert_close("∂h0", &name, h0.grad(&ours).unwrap(), h0.grad(&reference).unwrap());
        assert_close("∂c0", &name, c0.grad(&ours).unwrap(), c0.grad(&reference).unwrap());
        assert_close("∂W", &name, weight.grad(&ours).unwrap(), weight.grad(&reference).unwrap());
        assert_close("∂b", &name, bias.grad(&ours).unwrap(), bias.grad(&reference).unwrap());
    }
    assert!(
        atelier_kernels::gated_recurrence(
            Kernels::Burn,
            Tensor::zeros([1, 2, 3], &device),
            Tensor::zeros([1, 1], &device),
            Tensor::zeros([1, 1], &device),
            Tensor::zeros([4, 4], &device),
            Tensor::zeros([4], &device)
        )
        .is_none()
    );
}
