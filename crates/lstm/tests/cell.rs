//! The cells against hand computations, and our LSTM against Burn's `nn::Lstm`, on every test
//! backend (flex, ndarray, and wgpu where a Vulkan adapter exists).

use atelier_backend::test_backends;
use atelier_lstm::recurrent::{lstm_from_burn, lstm_to_burn};
use atelier_lstm::{CellKind, LstmCell, Recurrent, RnnCell, State};
use atelier_testkit::shared_rng;
use burn::nn::{LstmConfig, LstmState};
use burn::prelude::*;
use burn::tensor::Distribution;

fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

fn assert_close(actual: &[f32], expected: &[f32], tolerance: f32, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (k, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tolerance, "{what}[{k}]: {a} vs {e} (tolerance {tolerance})");
    }
}

/// A one-unit LSTM on one input feature, over the sequence x = (0.5, −1.0), from h₀ = C₀ = 0.
///
/// Weights (columns f, i, C̃, o): W_h = (0.5, −0.5, 1.0, 0.25), W_x = (1.0, 2.0, −1.0, 0.5),
/// b = (0, 0.5, 0, −0.5). Hand computation with the lecture's equations (σ and tanh evaluated
/// with Python's `math.exp`/`math.tanh`):
///
/// step 1, x = 0.5, h₀ = 0: z = 0·W_h + 0.5·W_x + b = (0.5, 1.5, −0.5, −0.25)
///   f = σ(0.5) = 0.6224593, i = σ(1.5) = 0.8175745, C̃ = tanh(−0.5) = −0.4621172, o = σ(−0.25) = 0.4378235
///   C₁ = f·0 + i·C̃ = −0.3778152,  h₁ = o·tanh(C₁) = −0.1579705
/// step 2, x = −1: z = h₁·W_h − W_x + b = (−1.0789852, −1.4210148, 0.8420295, −1.0394926)
///   f = 0.2536981, i = 0.1945026, C̃ = 0.6868825, o = 0.2612479
///   C₂ = f·C₁ + i·C̃ = 0.0377494,  h₂ = o·tanh(C₂) = 0.0098573
#[test]
fn lstm_gates_match_the_hand_computation() {
    for (backend, device) in test_backends() {
        let weight = Tensor::<2>::from_floats([[0.5, -0.5, 1.0, 0.25], [1.0, 2.0, -1.0, 0.5]], &device);
        let bias = Tensor::<1>::from_floats([0.0, 0.5, 0.0, -0.5], &device);
        let cell = LstmCell::from_weights(weight, bias);
        assert_eq!((cell.d_input, cell.d_hidden), (1, 1));
        let x = Tensor::<3>::from_floats([[[0.5], [-1.0]]], &device); // [1, 2, 1]
        let (outputs, state) = cell.forward(x, None);
        assert_eq!(outputs.dims(), [1, 2, 1]);
        let what = format!("{backend}: h₁, h₂");
        assert_close(&to_vec(outputs), &[-0.157_970_48, 0.009_857_272], 1e-6, &what);
        assert_close(&to_vec(state.cell), &[0.037_749_41], 1e-6, &format!("{backend}: C₂"));
        assert_close(&to_vec(state.hidden), &[0.009_857_272], 1e-6, &format!("{backend}: h₂"));
    }
}

/// The plain RNN h_t = tanh(w_h·h_{t−1} + w_x·x_t + b) with w_h = 0.5, w_x = 1.0, b = 0.1 on
/// x = (0.5, −1.0): h₁ = tanh(0.6) = 0.5370496, h₂ = tanh(0.5·0.5370496 − 1 + 0.1) = tanh(−0.6314752)
/// = −0.5590672 (Python's `math.tanh`).
#[test]
fn rnn_matches_the_hand_computation() {
    for (backend, device) in test_backends() {
        let mut cell = RnnCell::new(1, 1, &device);
        cell.weight = burn::module::Param::from_tensor(Tensor::from_floats([[0.5], [1.0]], &device));
        cell.bias = burn::module::Param::from_tensor(Tensor::from_floats([0.1], &device));
        let (outputs, _) = cell.forward(Tensor::<3>::from_floats([[[0.5], [-1.0]]], &device), None);
        assert_close(&to_vec(outputs), &[0.537_049_6, -0.559_067_2], 1e-6, &format!("{backend}: RNN h"));
    }
}

fn random_sequence(n: usize, t: usize, d: usize, device: &Device) -> Tensor<3> {
    Tensor::random([n, t, d], Distribution::Normal(0.0, 1.0), device)
}

/// Burn's LSTM with its own (random, Xavier-normal) weights and two biases per gate, converted to
/// our fused cell: every output and the final state agree, with and without an initial state.
#[test]
fn our_lstm_equals_burn_nn_lstm_given_the_same_weights() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        device.seed(11);
        let (n, t, d, h) = (3, 6, 4, 5);
        let burn_lstm = LstmConfig::new(d, h, true)
            .with_initializer(burn::nn::Initializer::Normal { mean: 0.0, std: 0.5 })
            .init(&device);
        let ours = lstm_from_burn(&burn_lstm).unwrap();
        let x = random_sequence(n, t, d, &device);
        let (burn_out, burn_state) = burn_lstm.forward(x.clone(), None);
        let (our_out, our_state) = ours.forward(x.clone(), None);
        let what = format!("{backend}: outputs, zero initial state");
        assert_close(&to_vec(our_out), &to_vec(burn_out), 1e-5, &what);
        assert_close(&to_vec(our_state.cell), &to_vec(burn_state.cell), 1e-5, &format!("{backend}: C_T"));

        let h0 = Tensor::<2>::random([n, h], Distribution::Normal(0.0, 1.0), &device);
        let c0 = Tensor::<2>::random([n, h], Distribution::Normal(0.0, 1.0), &device);
        let (burn_out, _) = burn_lstm.forward(x.clone(), Some(LstmState::new(c0.clone(), h0.clone())));
        let (our_out, _) = ours.forward(x, Some(State { hidden: h0, cell: c0 }));
        assert_close(&to_vec(our_out), &to_vec(burn_out), 1e-5, &format!("{backend}: outputs from a given state"));
    }
}

/// The other direction: our cell's weights written into an `nn::Lstm` give the same function.
#[test]
fn burn_nn_lstm_built_from_our_weights_equals_ours() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        device.seed(12);
        let ours = LstmCell::new(3, 4, &device);
        let burn_lstm = lstm_to_burn(&ours, &device);
        let x = random_sequence(2, 5, 3, &device);
        let (a, _) = ours.forward(x.clone(), None);
        let (b, _) = burn_lstm.forward(x, None);
        assert_close(&to_vec(a), &to_vec(b), 1e-5, &format!("{backend}: outputs"));
    }
}

/// Every cell kind: outputs `[n, T, H]`, final state `[n, H]`, and the last output is the state.
#[test]
fn recurrent_shapes() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        for kind in [CellKind::Ours, CellKind::Burn, CellKind::Rnn] {
            let layer = Recurrent::new(kind, 7, 9, &device);
            assert_eq!(layer.d_hidden(), 9);
            let (outputs, state) = layer.forward(random_sequence(4, 3, 7, &device), None);
            assert_eq!(outputs.dims(), [4, 3, 9], "{backend} {kind:?}");
            assert_eq!(state.hidden.dims(), [4, 9], "{backend} {kind:?}");
            let last = outputs.narrow(1, 2, 1).reshape([4, 9]);
            assert_close(&to_vec(last), &to_vec(state.hidden), 0.0, &format!("{backend} {kind:?}: h_T"));
        }
    }
}

/// Parameter counts: ours 4·H·(H + D) + 4H; Burn's has a second bias per gate (+4H); the RNN H·(H + D) + H.
#[test]
fn parameter_counts() {
    let device = Device::flex();
    let (d, h) = (28, 128);
    let count = |kind| Recurrent::new(kind, d, h, &device).num_params();
    assert_eq!(count(CellKind::Ours), 4 * h * (h + d) + 4 * h);
    assert_eq!(count(CellKind::Burn), 4 * h * (h + d) + 8 * h);
    assert_eq!(count(CellKind::Rnn), h * (h + d) + h);
}

/// A loss on the last output only gives a non-zero gradient on the first input: the gradient
/// flows back through every time step (for all three cells).
#[test]
fn gradients_reach_the_first_time_step() {
    let _rng = shared_rng();
    for (backend, device) in test_backends() {
        let device = device.autodiff();
        device.seed(3);
        for kind in [CellKind::Ours, CellKind::Burn, CellKind::Rnn] {
            let layer = Recurrent::new(kind, 2, 4, &device);
            let (n, t) = (2, 10);
            let x = random_sequence(n, t, 2, &device).require_grad();
            let (_, state) = layer.forward(x.clone(), None);
            let grads = state.hidden.sum().backward();
            let gx = x.grad(&grads).expect("the input has a gradient"); // [n, T, 2]
            let first = to_vec(gx.clone().narrow(1, 0, 1).abs().sum());
            assert!(first[0] > 0.0, "{backend} {kind:?}: ∂L/∂x₁ = 0 for a loss on h_T");
            assert_eq!(gx.dims(), [n, t, 2]);
        }
    }
}
