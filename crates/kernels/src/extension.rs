//! The backend extension: our ops as one trait, implemented for flex (the kernels in [`crate::cpu`])
//! and for autodiff over flex (each op one node of the graph, with its own backward).
//!
//! Only tensors on flex reach this trait: the `Tensor` functions in the crate root send every
//! other device to Burn's own op, so wgpu, cuda and ndarray keep their path.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, NodeGuard, Ops, OpsKind};
use burn::backend::autodiff::{Autodiff, NodeId};
use burn::backend::flex::FlexTensor;
use burn::backend::ops::ModuleOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{AutodiffBackend, Backend, Flex, backend_extension};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};

use crate::cpu::gated_recurrence::{self as recurrence, RecurrenceShape, RecurrenceTape};
use crate::cpu::{self, batch_norm, conv};
use crate::geometry::{ConvGeometry, ConvTransposeGeometry};

/// Convolution, transposed convolution, training-mode batch norm and the LSTM sequence as single ops.
#[backend_extension(Flex, Autodiff)]
pub trait CpuKernels: Backend {
    /// `x [n, c, h, w] ⋆ weight [c_out, c, kh, kw]` → `[n, c_out, ho, wo]`.
    fn kernel_conv2d(x: FloatTensor<Self>, weight: FloatTensor<Self>, geometry: ConvGeometry) -> FloatTensor<Self>;

    /// [`kernel_conv2d`](CpuKernels::kernel_conv2d) `+ bias [c_out]`.
    fn kernel_conv2d_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        geometry: ConvGeometry,
    ) -> FloatTensor<Self>;

    /// `x [n, c_in, h, w]` through the transposed convolution by `weight [c_in, c_out, kh, kw]`
    /// → `[n, c_out, ho, wo]`.
    fn kernel_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        geometry: ConvTransposeGeometry,
    ) -> FloatTensor<Self>;

    /// [`kernel_conv_transpose2d`](CpuKernels::kernel_conv_transpose2d) `+ bias [c_out]`.
    fn kernel_conv_transpose2d_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        geometry: ConvTransposeGeometry,
    ) -> FloatTensor<Self>;

    /// The LSTM over `x [n, T, D]` from `h0`, `c0 [n, H]` with the fused `weight [H + D, 4H]`
    /// and `bias [4H]`: `[n, T + 1, H]`, the hidden states `h_1 … h_T` then the last cell `C_T`
    /// (one tensor, so that one autodiff node carries every output).
    fn kernel_gated_recurrence(
        x: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
    ) -> FloatTensor<Self>;

    /// Training-mode batch norm of `x [n, c, …]`: `(output, batch mean, biased batch variance)`.
    fn kernel_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>);
}

/// `[n, c, …]` as `[n, c, l]`.
fn as_rows(x: &FlexTensor) -> [usize; 3] {
    let shape = x.layout().shape();
    let (n, c) = (shape[0], shape[1]);
    [n, c, shape.num_elements() / (n * c).max(1)]
}

fn batch_norm_forward(x: &FlexTensor, gamma: &FlexTensor, beta: &FlexTensor, epsilon: f64) -> [FlexTensor; 3] {
    let shape = as_rows(x);
    let normalized = batch_norm::forward(&cpu::values(x), shape, &cpu::values(gamma), &cpu::values(beta), epsilon);
    let out = FlexTensor::from_data(burn::tensor::TensorData::new(normalized.output, x.layout().shape().clone()));
    [out, cpu::tensor(normalized.mean, [shape[1]]), cpu::tensor(normalized.variance, [shape[1]])]
}

/// The sizes of an LSTM call from its input and weight.
fn recurrence_shape(x: &FlexTensor, weight: &FlexTensor) -> RecurrenceShape {
    let [n, steps, input] = cpu::dims::<3>(x);
    let [_, gates] = cpu::dims::<2>(weight);
    RecurrenceShape { n, steps, input, hidden: gates / 4 }
}

/// The LSTM forward on flex tensors: the packed output `[n, T + 1, H]` and the tape.
fn recurrence_forward(
    x: &FlexTensor,
    h0: &FlexTensor,
    c0: &FlexTensor,
    weight: &FlexTensor,
    bias: &FlexTensor,
) -> (FlexTensor, RecurrenceTape, RecurrenceShape) {
    let shape = recurrence_shape(x, weight);
    let weight = weight.to_contiguous();
    let (packed, tape) =
        recurrence::forward(&cpu::values(x), shape, &cpu::values(h0), &cpu::values(c0), &weight, &cpu::values(bias));
    (cpu::tensor(packed, [shape.n, shape.steps + 1, shape.hidden]), tape, shape)
}

impl CpuKernels for Flex {
    fn kernel_gated_recurrence(
        x: FlexTensor,
        h0: FlexTensor,
        c0: FlexTensor,
        weight: FlexTensor,
        bias: FlexTensor,
    ) -> FlexTensor {
        recurrence_forward(&x, &h0, &c0, &weight, &bias).0
    }

    fn kernel_conv2d(x: FlexTensor, weight: FlexTensor, geometry: ConvGeometry) -> FlexTensor {
        conv::conv2d(&x, &weight, None, geometry)
    }

    fn kernel_conv2d_bias(x: FlexTensor, weight: FlexTensor, bias: FlexTensor, geometry: ConvGeometry) -> FlexTensor {
        conv::conv2d(&x, &weight, Some(&bias), geometry)
    }

    fn kernel_conv_transpose2d(x: FlexTensor, weight: FlexTensor, geometry: ConvTransposeGeometry) -> FlexTensor {
        ConvKind::Transposed(geometry).forward(&x, &weight, None)
    }

    fn kernel_conv_transpose2d_bias(
        x: FlexTensor,
        weight: FlexTensor,
        bias: FlexTensor,
        geometry: ConvTransposeGeometry,
    ) -> FlexTensor {
        ConvKind::Transposed(geometry).forward(&x, &weight, Some(&bias))
    }

    fn kernel_batch_norm_train(
        x: FlexTensor,
        gamma: FlexTensor,
        beta: FlexTensor,
        epsilon: f64,
    ) -> (FlexTensor, FlexTensor, FlexTensor) {
        let [out, mean, variance] = batch_norm_forward(&x, &gamma, &beta, epsilon);
        (out, mean, variance)
    }
}

/// Which convolution a saved forward pass was.
#[derive(Debug, Clone, Copy)]
enum ConvKind {
    Direct(ConvGeometry),
    Transposed(ConvTransposeGeometry),
}

/// Each part of a convolution's forward and backward runs in the formulation measured fastest
/// (`cargo run --example parts -- conv|transposed`, docs/speed.md): the parts that are `im2col` + one GEMM with
/// the long `c·kh·kw` inner dimension are ours (the convolution's output and weight gradient, the
/// transposed convolution's input gradient); the parts that are a GEMM with the short `c_out`
/// inner dimension followed by `col2im` run faster through flex's own transposed convolution,
/// which Burn's generic formulation calls (the convolution's input gradient, the transposed
/// convolution's output and weight gradient).
impl ConvKind {
    fn forward(self, x: &FlexTensor, weight: &FlexTensor, bias: Option<&FlexTensor>) -> FlexTensor {
        match self {
            Self::Direct(g) => conv::conv2d(x, weight, bias, g),
            Self::Transposed(g) => {
                Flex::conv_transpose2d(x.clone(), weight.clone(), bias.cloned(), transpose_options(g))
            }
        }
    }

    fn backward(
        self,
        x: &FlexTensor,
        weight: &FlexTensor,
        grad: &FlexTensor,
        wanted: conv::Wanted,
    ) -> conv::ConvGradients {
        match self {
            Self::Direct(g) => {
                let mut grads = conv::conv2d_backward(x, weight, g, grad, [false, wanted[1], wanted[2]]);
                grads.input = wanted[0]
                    .then(|| Flex::conv2d_x_backward(x.clone(), weight.clone(), grad.clone(), conv_options(g)));
                grads
            }
            Self::Transposed(g) => {
                let mut grads = conv::conv_transpose2d_backward(x, weight, g, grad, [wanted[0], false, wanted[2]]);
                grads.weight = wanted[1].then(|| {
                    Flex::conv_transpose2d_weight_backward(
                        x.clone(),
                        weight.clone(),
                        grad.clone(),
                        transpose_options(g),
                    )
                });
                grads
            }
        }
    }
}

/// Burn's options for the convolution `geometry` describes.
pub fn conv_options(geometry: ConvGeometry) -> ConvOptions<2> {
    let [[top, bottom], [left, right]] = geometry.padding;
    ConvOptions::new_with_padding(geometry.stride, [(top, bottom), (left, right)], geometry.dilation, 1)
}

/// Burn's options for the transposed convolution `geometry` describes.
pub fn transpose_options(geometry: ConvTransposeGeometry) -> ConvTransposeOptions<2> {
    ConvTransposeOptions::new(geometry.stride, geometry.padding, geometry.padding_out, geometry.dilation, 1)
}

/// The backward node of a (transposed) convolution: parents `[x, weight]`, or
/// `[x, weight, bias]` when it has a bias.
#[derive(Debug)]
struct ConvBackward;

/// What a convolution's backward needs: its input, its kernel and which convolution it was.
type ConvState = (FlexTensor, FlexTensor, ConvKind);

fn register(grads: &mut Gradients, node: Option<NodeId>, tensor: Option<FlexTensor>) {
    if let (Some(node), Some(tensor)) = (node, tensor) {
        grads.register::<Flex>(node, tensor);
    }
}

impl<const N: usize> Backward<Flex, N> for ConvBackward {
    type State = ConvState;

    fn backward(self, ops: Ops<Self::State, N>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        // `[x, weight, bias]`, the bias absent (never tracked) for a node of two parents.
        let [node_x, node_w, node_b]: [Option<NodeId>; 3] =
            std::array::from_fn(|i| ops.parents.get(i).and_then(Option::as_ref).map(|node| node.id));
        let grad = grads.consume::<Flex>(&ops.node);
        let (x, weight, kind) = ops.state;
        let wanted = [node_x.is_some(), node_w.is_some(), node_b.is_some()];
        let g = kind.backward(&x, &weight, &grad, wanted);
        register(grads, node_x, g.input);
        register(grads, node_w, g.weight);
        register(grads, node_b, g.bias);
    }
}

/// One autodiff node for a (transposed) convolution over flex.
fn tracked_conv<C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<Flex, C>>,
    weight: FloatTensor<Autodiff<Flex, C>>,
    bias: Option<FloatTensor<Autodiff<Flex, C>>>,
    kind: ConvKind,
) -> FloatTensor<Autodiff<Flex, C>> {
    let (x_primitive, weight_primitive) = (x.primitive(), weight.primitive());
    match &bias {
        Some(bias) => conv_node::<C, 3>(
            [x.node(), weight.node(), bias.node()],
            [x_primitive, weight_primitive],
            Some(bias.primitive()),
            kind,
        ),
        None => conv_node::<C, 2>([x.node(), weight.node()], [x_primitive, weight_primitive], None, kind),
    }
}

/// The forward of a (transposed) convolution, recorded as a [`ConvBackward`] node over `nodes`.
fn conv_node<C: CheckpointStrategy, const N: usize>(
    nodes: [NodeGuard; N],
    [x, weight]: [&FlexTensor; 2],
    bias: Option<&FlexTensor>,
    kind: ConvKind,
) -> FloatTensor<Autodiff<Flex, C>> {
    let out = kind.forward(x, weight, bias);
    match ConvBackward.prepare::<C>(nodes).compute_bound().stateful() {
        OpsKind::Tracked(prep) => prep.finish((x.clone(), weight.clone(), kind), out),
        OpsKind::UnTracked(prep) => prep.finish(out),
    }
}

/// The backward node of training-mode batch norm: parents `[x, γ, β]`.
#[derive(Debug)]
struct BatchNormBackward;

impl Backward<Flex, 3> for BatchNormBackward {
    /// Input, `γ`, batch mean, batch variance, `ε`.
    type State = (FlexTensor, FlexTensor, FlexTensor, FlexTensor, f64);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_gamma, node_beta] = ops.parents.map(|node| node.map(|n| n.id));
        let grad = grads.consume::<Flex>(&ops.node);
        let (x, gamma, mean, variance, epsilon) = ops.state;
        let shape = as_rows(&x);
        let g = batch_norm::backward(
            &cpu::values(&x),
            shape,
            &cpu::values(&gamma),
            &cpu::values(&mean),
            &cpu::values(&variance),
            epsilon,
            &cpu::values(&grad),
        );
        let input = FlexTensor::from_data(burn::tensor::TensorData::new(g.input, x.layout().shape().clone()));
        register(grads, node_x, Some(input));
        register(grads, node_gamma, Some(cpu::tensor(g.gamma, [shape[1]])));
        register(grads, node_beta, Some(cpu::tensor(g.beta, [shape[1]])));
    }
}

/// The backward node of the LSTM sequence: parents `[x, h0, c0, weight, bias]`.
#[derive(Debug)]
struct RecurrenceBackward;

impl Backward<Flex, 5> for RecurrenceBackward {
    /// The tape, the sizes and the weight.
    type State = (RecurrenceTape, RecurrenceShape, FlexTensor);

    fn backward(self, ops: Ops<Self::State, 5>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_h0, node_c0, node_w, node_b] = ops.parents.map(|node| node.map(|n| n.id));
        let grad = grads.consume::<Flex>(&ops.node);
        let (tape, shape, weight) = ops.state;
        let g = recurrence::backward(tape, shape, &weight, &cpu::values(&grad));
        let RecurrenceShape { n, steps, input, hidden } = shape;
        register(grads, node_x, Some(cpu::tensor(g.x, [n, steps, input])));
        register(grads, node_h0, Some(cpu::tensor(g.h0, [n, hidden])));
        register(grads, node_c0, Some(cpu::tensor(g.c0, [n, hidden])));
        register(grads, node_w, Some(cpu::tensor(g.weight, [hidden + input, 4 * hidden])));
        register(grads, node_b, Some(cpu::tensor(g.bias, [4 * hidden])));
    }
}

impl<C: CheckpointStrategy> CpuKernels for Autodiff<Flex, C> {
    fn kernel_gated_recurrence(
        x: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let nodes = [x.node(), h0.node(), c0.node(), weight.node(), bias.node()];
        let (packed, tape, shape) =
            recurrence_forward(x.primitive(), h0.primitive(), c0.primitive(), weight.primitive(), bias.primitive());
        match RecurrenceBackward.prepare::<C>(nodes).compute_bound().stateful() {
            OpsKind::Tracked(prep) => prep.finish((tape, shape, weight.primitive().to_contiguous()), packed),
            OpsKind::UnTracked(prep) => prep.finish(packed),
        }
    }

    fn kernel_conv2d(x: FloatTensor<Self>, weight: FloatTensor<Self>, geometry: ConvGeometry) -> FloatTensor<Self> {
        tracked_conv::<C>(x, weight, None, ConvKind::Direct(geometry))
    }

    fn kernel_conv2d_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        geometry: ConvGeometry,
    ) -> FloatTensor<Self> {
        tracked_conv::<C>(x, weight, Some(bias), ConvKind::Direct(geometry))
    }

    fn kernel_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        geometry: ConvTransposeGeometry,
    ) -> FloatTensor<Self> {
        tracked_conv::<C>(x, weight, None, ConvKind::Transposed(geometry))
    }

    fn kernel_conv_transpose2d_bias(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        geometry: ConvTransposeGeometry,
    ) -> FloatTensor<Self> {
        tracked_conv::<C>(x, weight, Some(bias), ConvKind::Transposed(geometry))
    }

    fn kernel_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
        let [out, mean, variance] = batch_norm_forward(x.primitive(), gamma.primitive(), beta.primitive(), epsilon);
        let out = match BatchNormBackward.prepare::<C>([x.node(), gamma.node(), beta.node()]).compute_bound().stateful()
        {
            OpsKind::Tracked(prep) => {
                let state = (x.primitive().clone(), gamma.primitive().clone(), mean.clone(), variance.clone(), epsilon);
                prep.finish(state, out)
            }
            OpsKind::UnTracked(prep) => prep.finish(out),
        };
        (out, Self::from_inner(mean), Self::from_inner(variance))
    }
}
