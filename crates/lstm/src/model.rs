//! The one model shape of the lecture: a recurrent layer and a linear head.
//!
//! - `sequence`: inputs `[n, T, 1]` (normalised terms), head on the last state → the next term `[n, 1]`;
//! - `rows`: inputs `[n, 28, 28]` (row `t` of the image at step `t`), head on the last state → 10 logits;
//! - `complete`: inputs `[n, 28, 28]` (row `t−1` at step `t`), head on every state → 28 logits of row `t`.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use crate::cell::State;
use crate::config::CellKind;
use crate::recurrent::Recurrent;

#[derive(Module, Debug)]
pub struct RecurrentModel {
    pub rnn: Recurrent,
    pub head: Linear,
}

impl RecurrentModel {
    /// `d_input` features per step, `hidden` units, `d_output` outputs per read-out.
    pub fn new(cell: CellKind, d_input: usize, hidden: usize, d_output: usize, device: &Device) -> Self {
        Self {
            rnn: Recurrent::new(cell, d_input, hidden, device),
            head: LinearConfig::new(hidden, d_output).init(device),
        }
    }

    /// The head applied to the last hidden state: `x [n, T, D]` → `[n, O]`.
    pub fn forward_last(&self, x: Tensor<3>) -> Tensor<2> {
        let (_, state) = self.rnn.forward(x, None);
        self.head.forward(state.hidden) // [n, O]
    }

    /// The head applied to every hidden state: `x [n, T, D]` → `[n, T, O]`, and the final state.
    pub fn forward_all(&self, x: Tensor<3>, state: Option<State>) -> (Tensor<3>, State) {
        let (hidden, state) = self.rnn.forward(x, state); // [n, T, H]
        (self.head.forward(hidden), state) // [n, T, O]
    }
}

/// A batch of images `[n, 1, h, w]` as `h` steps of `w` pixels: `[n, h, w]`.
pub fn images_as_rows(images: Tensor<4>) -> Tensor<3> {
    let [n, _, h, w] = images.dims();
    images.reshape([n, h, w]) // [n, 28, 28]
}
