//! The recurrent cells, written from the lecture's equations.
//!
//! Both cells read the concatenation `[h_{t−1}, x_t]` (hidden state first, as on the slides) and
//! multiply it by one weight matrix. The LSTM's four gates are computed by **one fused matrix
//! product** `z_t = [h_{t−1}, x_t]·W + b` with `W = [W_f | W_i | W_C | W_o]` (the four gate
//! matrices side by side, `[H + D, 4H]`); the gates are then the four column blocks of `z_t`.
//! This is the same arithmetic as four separate products, done as one larger matrix product
//! (faster on every backend: one kernel instead of four per step).
//!
//! Initialisation follows PyTorch's `nn.LSTM`/`nn.RNN`: every weight and bias uniform in
//! `[−1/√H, 1/√H]`.

use burn::module::Param;
use burn::nn::Initializer;
use burn::prelude::*;
use burn::tensor::activation::{sigmoid, tanh};

/// The state carried from one step to the next: `h_t` and, for the LSTM, the memory cell `C_t`
/// (the plain RNN leaves `cell` at zero).
#[derive(Debug, Clone)]
pub struct State {
    /// `h_t`, `[n, H]`.
    pub hidden: Tensor<2>,
    /// `C_t`, `[n, H]`.
    pub cell: Tensor<2>,
}

impl State {
    /// `h_0 = C_0 = 0`.
    pub fn zeros(n: usize, hidden: usize, device: &Device) -> Self {
        let zeros = Tensor::zeros([n, hidden], device);
        Self { hidden: zeros.clone(), cell: zeros }
    }
}

/// PyTorch's recurrent initialisation: `U(−1/√H, 1/√H)`.
pub fn recurrent_initializer(hidden: usize) -> Initializer {
    let k = 1.0 / (hidden as f64).sqrt();
    Initializer::Uniform { min: -k, max: k }
}

/// The LSTM cell of the lecture:
///
/// ```text
/// f_t = σ(W_f·[h_{t−1}, x_t] + b_f)          forget gate
/// i_t = σ(W_i·[h_{t−1}, x_t] + b_i)          input gate
/// C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)       candidate memory
/// C_t = f_t ∗ C_{t−1} + i_t ∗ C̃_t            new memory
/// o_t = σ(W_o·[h_{t−1}, x_t] + b_o)          output gate
/// h_t = o_t ∗ tanh(C_t)                       new hidden state
/// ```
#[derive(Module, Debug)]
pub struct LstmCell {
    /// `[W_f | W_i | W_C | W_o]`, `[H + D, 4H]`: rows `0..H` multiply `h_{t−1}`, rows `H..H+D`
    /// multiply `x_t` (row-vector convention: `z = [h, x]·W`).
    pub weight: Param<Tensor<2>>,
    /// `[b_f | b_i | b_C | b_o]`, `[4H]`.
    pub bias: Param<Tensor<1>>,
    pub d_input: usize,
    pub d_hidden: usize,
}

/// Column block `k` (0 = f, 1 = i, 2 = C̃, 3 = o) of the fused weight or pre-activation.
pub const FORGET: usize = 0;
pub const INPUT: usize = 1;
pub const CANDIDATE: usize = 2;
pub const OUTPUT: usize = 3;

impl LstmCell {
    /// A cell with PyTorch's initialisation (see the module docs).
    pub fn new(d_input: usize, d_hidden: usize, device: &Device) -> Self {
        let init = recurrent_initializer(d_hidden);
        Self {
            weight: init.init([d_hidden + d_input, 4 * d_hidden], device),
            bias: init.init([4 * d_hidden], device),
            d_input,
            d_hidden,
        }
    }

    /// A cell with the given fused weight `[H + D, 4H]` and bias `[4H]`.
    pub fn from_weights(weight: Tensor<2>, bias: Tensor<1>) -> Self {
        let [rows, cols] = weight.dims();
        let d_hidden = cols / 4;
        Self { weight: Param::from_tensor(weight), bias: Param::from_tensor(bias), d_input: rows - d_hidden, d_hidden }
    }

    /// One time step: `(x_t [n, D], state_{t−1}) → state_t`.
    pub fn step(&self, x: Tensor<2>, state: State) -> State {
        let h = self.d_hidden;
        let State { hidden, cell } = state;
        // One fused product for all four gates: z = [h_{t−1}, x_t]·W + b.
        let concat = Tensor::cat(vec![hidden, x], 1); // [n, H + D]
        let z = concat.matmul(self.weight.val()) + self.bias.val().unsqueeze_dim::<2>(0); // [n, 4H]
        let block = |k: usize| z.clone().narrow(1, k * h, h); // [n, H]
        // f_t = σ(W_f·[h_{t−1}, x_t] + b_f)
        let forget = sigmoid(block(FORGET));
        // i_t = σ(W_i·[h_{t−1}, x_t] + b_i)
        let input = sigmoid(block(INPUT));
        // C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)
        let candidate = tanh(block(CANDIDATE));
        // o_t = σ(W_o·[h_{t−1}, x_t] + b_o)
        let output = sigmoid(block(OUTPUT));
        // C_t = f_t ∗ C_{t−1} + i_t ∗ C̃_t
        let cell = forget * cell + input * candidate;
        // h_t = o_t ∗ tanh(C_t)
        let hidden = output * tanh(cell.clone());
        State { hidden, cell }
    }

    /// The whole sequence: `x [n, T, D]` → (every `h_t` `[n, T, H]`, the final state).
    ///
    /// On flex the sequence is one op of `atelier_kernels` (the same equations, backward through
    /// time inside it); elsewhere the steps above, one by one.
    pub fn forward(&self, x: Tensor<3>, state: Option<State>) -> (Tensor<3>, State) {
        let [n, _, _] = x.dims();
        let mut state = state.unwrap_or_else(|| State::zeros(n, self.d_hidden, &x.device()));
        let kernels = atelier_kernels::Kernels::from_environment();
        let (h0, c0) = (state.hidden.clone(), state.cell.clone());
        if let Some((outputs, hidden, cell)) =
            atelier_kernels::gated_recurrence(kernels, x.clone(), h0, c0, self.weight.val(), self.bias.val())
        {
            return (outputs, State { hidden, cell });
        }
        let mut outputs = Vec::new();
        for x_t in x.iter_dim(1) {
            state = self.step(x_t.squeeze_dim(1), state); // x_t: [n, D]
            outputs.push(state.hidden.clone());
        }
        (Tensor::stack(outputs, 1), state) // [n, T, H]
    }
}

/// The plain (Elman) RNN of the lecture: `h_t = tanh(W·[h_{t−1}, x_t] + b)`: one state, no gates.
#[derive(Module, Debug)]
pub struct RnnCell {
    /// `W`, `[H + D, H]` (rows `0..H` multiply `h_{t−1}`).
    pub weight: Param<Tensor<2>>,
    /// `b`, `[H]`.
    pub bias: Param<Tensor<1>>,
    pub d_input: usize,
    pub d_hidden: usize,
}

impl RnnCell {
    pub fn new(d_input: usize, d_hidden: usize, device: &Device) -> Self {
        let init = recurrent_initializer(d_hidden);
        Self {
            weight: init.init([d_hidden + d_input, d_hidden], device),
            bias: init.init([d_hidden], device),
            d_input,
            d_hidden,
        }
    }

    /// One time step; the state's `cell` is passed through unchanged (zero).
    pub fn step(&self, x: Tensor<2>, state: State) -> State {
        let concat = Tensor::cat(vec![state.hidden, x], 1); // [n, H + D]
        // h_t = tanh(W·[h_{t−1}, x_t] + b)
        let hidden = tanh(concat.matmul(self.weight.val()) + self.bias.val().unsqueeze_dim::<2>(0)); // [n, H]
        State { hidden, cell: state.cell }
    }

    /// `x [n, T, D]` → (every `h_t` `[n, T, H]`, the final state).
    pub fn forward(&self, x: Tensor<3>, state: Option<State>) -> (Tensor<3>, State) {
        let [n, _, _] = x.dims();
        let mut state = state.unwrap_or_else(|| State::zeros(n, self.d_hidden, &x.device()));
        let mut outputs = Vec::new();
        for x_t in x.iter_dim(1) {
            state = self.step(x_t.squeeze_dim(1), state);
            outputs.push(state.hidden.clone());
        }
        (Tensor::stack(outputs, 1), state)
    }
}
