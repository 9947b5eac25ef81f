//! # The sequences lecture: LSTM from its equations
//!
//! ## Read this first: one training step, top to bottom
//! 1. **Objective** (one per [`Task`], see below): `rows` and `complete` in `step.rs`,
//!    `ImageTaskExperiment::objective` (private, called by `train_step` of
//!    [`step::ImageTaskExperiment`]); `sequence` in `step.rs::sequence_metrics`
//!    ([`step::sequence_metrics`]).
//! 2. **Loss function**: `rows` uses `layers/src/loss.rs::cross_entropy`
//!    ([`atelier_layers::loss::cross_entropy`]); `complete` sums the per-pixel
//!    `layers/src/loss.rs::bernoulli_nll` ([`atelier_layers::loss::bernoulli_nll`]) per row in
//!    `complete.rs::row_nll` ([`complete::row_nll`]); `sequence` uses
//!    `layers/src/loss.rs::mean_squared_error` ([`atelier_layers::loss::mean_squared_error`]).
//! 3. **The update**: `step.rs`, `train_step` of [`step::ImageTaskExperiment`] or
//!    [`step::SequenceExperiment`]: objective → backward → one Adam step at the rate of
//!    `train/src/schedule.rs::LrSchedule::rate` ([`atelier_train::LrSchedule::rate`]) for the epoch.
//!
//! Temporal data needs memory: "6 → 7 → 8 → ? we want 9; 2 → 4 → 8 → ? we want 16; looking at 8
//! alone is not enough". A recurrent network carries a state from step to step. The plain RNN
//! ([`cell::RnnCell`]) has one state, `h_t = tanh(W·[h_{t−1}, x_t] + b)`; the LSTM
//! ([`cell::LstmCell`]) adds a memory cell `C_t` and learns when to forget and when to remember:
//!
//! ```text
//!     f_t = σ(W_f·[h_{t−1}, x_t] + b_f)          forget gate
//!     i_t = σ(W_i·[h_{t−1}, x_t] + b_i)          input gate
//!     C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)       candidate memory
//!     C_t = f_t ∗ C_{t−1} + i_t ∗ C̃_t            memory: keep some, write some
//!     o_t = σ(W_o·[h_{t−1}, x_t] + b_o)          output gate
//!     h_t = o_t ∗ tanh(C_t)                       hidden state
//! ```
//!
//! Our cell computes the four gates with one fused product `[h_{t−1}, x_t]·[W_f|W_i|W_C|W_o]`
//! (see [`cell`]). A test shows it equal to Burn's `burn::nn::Lstm` given the same weights
//! ([`recurrent::lstm_to_burn`], [`recurrent::lstm_from_burn`]); every model selects ours, Burn's
//! or the plain RNN by [`CellKind`].
//!
//! ## The three tasks ([`Task`]) and their objectives
//! - **sequence**: next-term regression on generated progressions ([`progression`]), normalised by
//!   each sequence's scale `s`: `min 1/N Σₙ (m(aₙ/sₙ) − a_{n,T+1}/sₙ)²`; reported as exact
//!   next-value accuracy `round(s·m(a/s)) = a_{T+1}` beside "last value" and "repeat the last
//!   difference";
//! - **rows**: a 28×28 image as 28 steps of 28 pixels, a linear head on `h_28`, cross-entropy
//!   `−1/N Σₙ log softmax(W·h_28 + b)_{yₙ}`;
//! - **complete**: PixelRNN-style, row `t` as 28 independent Bernoulli pixels given rows `< t`:
//!   `min −1/N Σₙ Σ_t Σ_j log Bernoulli(x_{t,j}; σ(ℓ_{t,j}))` ([`complete`]); completions of the
//!   bottom half are sampled row by row.
//!
//! ## Departures from the lecture
//! - Weights use PyTorch's recurrent initialisation `U(−1/√H, 1/√H)` for all three cells (Burn's
//!   own LSTM default is Xavier-normal); biases likewise, no forget-gate bias of 1.
//! - Our cell has one bias per gate, as in the equations; PyTorch's and Burn's keep two
//!   (`b_x + b_h`, the same function with 4H more parameters, and a slightly wider initial bias).
//! - `complete` treats the pixels of a row as independent given the rows above (PixelRNN also
//!   conditions on the pixels to the left); images are binarised at `x > ½`.
//!
//! This crate does no file IO: the runner loads data and writes files; [`step`] plugs the
//! models into the shared training loop. The progressions are generated in memory.

pub mod cell;
pub mod complete;
pub mod config;
pub mod eval;
pub mod figures;
pub mod model;
pub mod progression;
pub mod recurrent;
pub mod step;

pub use cell::{LstmCell, RnnCell, State};
pub use config::{CellKind, LrSchedule, LstmConfig, Progression, Task};
pub use model::RecurrentModel;
pub use recurrent::Recurrent;
pub use step::{ImageTaskExperiment, SequenceExperiment};
pub mod lecture;
