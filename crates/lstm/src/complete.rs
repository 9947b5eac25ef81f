//! PixelRNN-style row model: binarisation, the conditional likelihood, and sampling completions.
//!
//! The image `x ∈ {0,1}^{28×28}` is modelled row by row,
//! `p(x) = Π_t Π_j Bernoulli(x_{t,j}; σ(ℓ_{t,j}))` with `ℓ_t = head(h_t)` and `h_t` the LSTM's
//! state after reading rows `0..t−1` (the input at step `t` is row `t−1`, zeros at `t = 0`).
//! Departure from PixelRNN (van den Oord et al., 2016): the pixels of one row are independent
//! given the rows above (PixelRNN also conditions each pixel on the ones to its left), and
//! the row is read by a plain LSTM, not a convolutional Row LSTM.
//!
//! The bottom half's negative log-likelihood given the top half is exact under this model:
//! `−log p(x_{14..27} | x_{0..13}) = Σ_{t≥14} Σ_j NLL(x_{t,j}; ℓ_{t,j})` with teacher forcing.

use atelier_core::Rng;
use atelier_layers::loss::bernoulli_nll;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

use crate::model::{RecurrentModel, images_as_rows};

/// The threshold of the deterministic binarisation `x > ½`.
pub const BINARIZE_THRESHOLD: f64 = 0.5;

/// `[n, 1, h, w]` in `[0, 1]` → `{0, 1}` pixels `[n, h, w]` (`x > ½`).
pub fn binarize(images: Tensor<4>) -> Tensor<3> {
    images_as_rows(images).greater_elem(BINARIZE_THRESHOLD).float()
}

/// The model's input: row `t−1` at step `t` (zeros first): `[n, h, w]` → `[n, h, w]`.
pub fn shifted_rows(rows: Tensor<3>) -> Tensor<3> {
    let [n, h, w] = rows.dims();
    let zeros = Tensor::zeros([n, 1, w], &rows.device());
    Tensor::cat(vec![zeros, rows.narrow(1, 0, h - 1)], 1) // [n, h, w]
}

/// Per-image NLL in nats of every row, `[n, h]` (sum over the row's pixels), with teacher forcing.
pub fn row_nll(model: &RecurrentModel, rows: Tensor<3>) -> Tensor<2> {
    let [n, h, _] = rows.dims();
    let (logits, _) = model.forward_all(shifted_rows(rows.clone()), None); // [n, h, w]
    bernoulli_nll(logits, rows).sum_dim(2).reshape([n, h]) // [n, h]
}

/// Mean over images of `Σ_{t ≥ from}` the row NLLs: `[1]`.
pub fn nll_of_rows_from(row_nll: Tensor<2>, from: usize) -> Tensor<1> {
    let [n, h] = row_nll.dims();
    row_nll.narrow(1, from, h - from).sum().div_scalar(n as f64)
}

/// Completes the rows `from..h` of every binary image `rows [n, h, w]` by sampling row after row
/// from the model. The uniform draws come from `rng` (host side, so a completion depends only on
/// the seed, not on other users of the device's random stream). Returns `[n, h, w]` whose rows
/// `0..from` are the given ones.
pub fn complete(model: &RecurrentModel, rows: Tensor<3>, from: usize, rng: &mut Rng) -> Tensor<3> {
    let [n, h, w] = rows.dims();
    let top = rows.narrow(1, 0, from); // [n, from, w]
    // Read rows −1..from−2 (zeros, then the top without its last row): the state has seen them.
    let (_, mut state) = model.rnn.forward(shifted_rows(top.clone()), None);
    let mut previous = top.clone().narrow(1, from - 1, 1); // [n, 1, w], row from−1
    let mut completed = vec![top];
    for _ in from..h {
        let (logits, next_state) = model.forward_all(previous, Some(state)); // [n, 1, w]
        state = next_state;
        let p = sigmoid(logits);
        let uniform: Vec<f32> = (0..n * w).map(|_| rng.next_f32()).collect();
        let u = Tensor::<3>::from_data(TensorData::new(uniform, [n, 1, w]), &p.device());
        let row = u.lower(p).float(); // Bernoulli(p): 1 when u < p, [n, 1, w]
        completed.push(row.clone());
        previous = row;
    }
    Tensor::cat(completed, 1).reshape([n, h, w])
}
