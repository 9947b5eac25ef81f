//! One recurrent layer, whichever cell the config selects, and the weight conversion between our
//! fused LSTM and Burn's `nn::Lstm`.
//!
//! Burn's `nn::Lstm` keeps, per gate, two `Linear` layers (`input_transform`: `x·W_x + b_x`,
//! weight `[D, H]`; `hidden_transform`: `h·W_h + b_h`, weight `[H, H]`) and computes
//! `gate = act(x·W_x + b_x + h·W_h + b_h)` with the same equations as ours. So our fused
//! `W = [W_f | W_i | W_C | W_o]` is, per gate block, the hidden weight stacked on the input weight,
//! and our bias is the sum of Burn's two biases.

use burn::module::Param;
use burn::nn::{GateController, Lstm, LstmConfig as BurnLstmConfig, LstmState};
use burn::prelude::*;

use crate::cell::{CANDIDATE, FORGET, INPUT, LstmCell, OUTPUT, RnnCell, State, recurrent_initializer};
use crate::config::CellKind;

/// The recurrent layer of every model in this crate.
#[derive(Module, Debug)]
pub enum Recurrent {
    Ours(LstmCell),
    Burn(Lstm),
    Rnn(RnnCell),
}

impl Recurrent {
    /// A freshly initialised layer of `kind` (all three with PyTorch's `U(−1/√H, 1/√H)`).
    pub fn new(kind: CellKind, d_input: usize, d_hidden: usize, device: &Device) -> Self {
        match kind {
            CellKind::Ours => Recurrent::Ours(LstmCell::new(d_input, d_hidden, device)),
            CellKind::Burn => Recurrent::Burn(
                BurnLstmConfig::new(d_input, d_hidden, true)
                    .with_initializer(recurrent_initializer(d_hidden))
                    .init(device),
            ),
            CellKind::Rnn => Recurrent::Rnn(RnnCell::new(d_input, d_hidden, device)),
        }
    }

    pub fn d_hidden(&self) -> usize {
        match self {
            Recurrent::Ours(c) => c.d_hidden,
            Recurrent::Burn(l) => l.d_hidden,
            Recurrent::Rnn(c) => c.d_hidden,
        }
    }

    /// `x [n, T, D]` → (every `h_t` `[n, T, H]`, the final state), from `state` or zeros.
    pub fn forward(&self, x: Tensor<3>, state: Option<State>) -> (Tensor<3>, State) {
        match self {
            Recurrent::Ours(cell) => cell.forward(x, state),
            Recurrent::Rnn(cell) => cell.forward(x, state),
            Recurrent::Burn(lstm) => {
                let state = state.map(|s| LstmState::new(s.cell, s.hidden));
                let (outputs, state) = lstm.forward(x, state);
                (outputs, State { hidden: state.hidden, cell: state.cell })
            }
        }
    }
}

/// Our fused cell with exactly the weights of Burn's `lstm` (which must have biases and its
/// forget gate, i.e. `input_forget = false`, and the default activations).
pub fn lstm_from_burn(lstm: &Lstm) -> Result<LstmCell, String> {
    let forget = lstm.forget_gate.as_ref().ok_or("the Burn LSTM couples its forget gate (input_forget = true)")?;
    // Gate blocks in our order f, i, C̃, o.
    let gates = [forget, &lstm.input_gate, &lstm.cell_gate, &lstm.output_gate];
    let mut columns = Vec::new();
    let mut biases = Vec::new();
    for gate in gates {
        let w_h = gate.hidden_transform.weight.val(); // [H, H]
        let w_x = gate.input_transform.weight.val(); // [D, H]
        columns.push(Tensor::cat(vec![w_h, w_x], 0)); // [H + D, H]
        let bias = |linear: &burn::nn::Linear| linear.bias.as_ref().map(|b| b.val());
        let b = match (bias(&gate.input_transform), bias(&gate.hidden_transform)) {
            (Some(bx), Some(bh)) => bx + bh,
            _ => return Err("the Burn LSTM has no biases (bias = false)".into()),
        };
        biases.push(b);
    }
    Ok(LstmCell::from_weights(Tensor::cat(columns, 1), Tensor::cat(biases, 0)))
}

/// Burn's `nn::Lstm` computing exactly our `cell`'s function (input biases = ours, hidden biases 0).
pub fn lstm_to_burn(cell: &LstmCell, device: &Device) -> Lstm {
    let (h, d) = (cell.d_hidden, cell.d_input);
    let mut lstm = BurnLstmConfig::new(d, h, true).init(device);
    let weight = cell.weight.val(); // [H + D, 4H]
    let bias = cell.bias.val(); // [4H]
    let set = |gate: &mut GateController, k: usize| {
        let block = weight.clone().narrow(1, k * h, h); // [H + D, H]
        gate.hidden_transform.weight = Param::from_tensor(block.clone().narrow(0, 0, h)); // [H, H]
        gate.input_transform.weight = Param::from_tensor(block.narrow(0, h, d)); // [D, H]
        gate.input_transform.bias = Some(Param::from_tensor(bias.clone().narrow(0, k * h, h)));
        gate.hidden_transform.bias = Some(Param::from_tensor(Tensor::zeros([h], device)));
    };
    if let Some(forget) = lstm.forget_gate.as_mut() {
        set(forget, FORGET);
    }
    set(&mut lstm.input_gate, INPUT);
    set(&mut lstm.cell_gate, CANDIDATE);
    set(&mut lstm.output_gate, OUTPUT);
    lstm
}
