//! The LSTM over a whole sequence, forward and backward through time, as one op.
//!
//! The cell of the lecture with the four gates fused in one weight `W [H + D, 4H]`
//! (`z_t = [h_{t−1}, x_t]·W + b`, column blocks f, i, C̃, o):
//! `C_t = σ(z_f)∗C_{t−1} + σ(z_i)∗tanh(z_C̃)`, `h_t = σ(z_o)∗tanh(C_t)`.
//!
//! Forward: per step one GEMM `[n, H + D]·[H + D, 4H]` and one fused pass over the gates (where
//! the tensor formulation makes ~60 small ops per step). Backward, from `t = T − 1` down to 0:
//! `∂C = ∂C_{t+1}·f_{t+1} + ∂h·o·(1 − tanh²C_t)`, `∂z = [∂C·C_{t−1}·f(1−f), ∂C·C̃·i(1−i),
//! ∂C·i·(1−C̃²), ∂h·tanh C_t·o(1−o)]`, `∂[h_{t−1}, x_t] = ∂z·Wᵀ` (one GEMM per step); then
//! `∂W = Σ_t [h_{t−1}, x_t]ᵀ·∂z_t` as **one** GEMM over all steps, `∂b = Σ_t Σ_n ∂z_t`.

use rayon::prelude::*;

use super::{matmul, tensor, values};
use burn::backend::flex::FlexTensor;

/// The sizes of one sequence batch: `n` sequences of `steps` inputs of `input` values, `hidden` units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecurrenceShape {
    pub n: usize,
    pub steps: usize,
    pub input: usize,
    pub hidden: usize,
}

impl RecurrenceShape {
    fn width(&self) -> usize {
        self.hidden + self.input
    }
}

/// What the backward pass reads of the forward: every `[h_{t−1}, x_t]`, the activated gates and
/// every memory cell.
#[derive(Debug, Clone)]
pub struct RecurrenceTape {
    /// `[h_{t−1}, x_t]` for each step: `[T·n, H + D]`, step-major.
    pub concat: Vec<f32>,
    /// `f, i, C̃, o` after their activations: `[T, n, 4H]`.
    pub gates: Vec<f32>,
    /// `C_0 … C_T`: `[T + 1, n, H]`.
    pub cells: Vec<f32>,
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Runs the sequence `x [n, T, D]` from `h0`, `c0 [n, H]`: `[n, T + 1, H]` holding `h_1 … h_T`
/// then `C_T`, and the tape for the backward pass.
pub fn forward(
    x: &[f32],
    shape: RecurrenceShape,
    h0: &[f32],
    c0: &[f32],
    weight: &FlexTensor,
    bias: &[f32],
) -> (Vec<f32>, RecurrenceTape) {
    let RecurrenceShape { n, steps, input, hidden } = shape;
    let width = shape.width();
    let mut concat = vec![0.0f32; steps * n * width];
    let mut gates = vec![0.0f32; steps * n * 4 * hidden];
    let mut cells = vec![0.0f32; (steps + 1) * n * hidden];
    cells[..n * hidden].copy_from_slice(c0);
    let mut packed = vec![0.0f32; n * (steps + 1) * hidden];
    let mut h = h0.to_vec();
    for t in 0..steps {
        let step_concat = &mut concat[t * n * width..(t + 1) * n * width];
        for r in 0..n {
            step_concat[r * width..r * width + hidden].copy_from_slice(&h[r * hidden..(r + 1) * hidden]);
            step_concat[r * width + hidden..(r + 1) * width].copy_from_slice(&x[(r * steps + t) * input..][..input]);
        }
        let z = matmul(tensor(step_concat.to_vec(), [n, width]), weight.clone()); // [n, 4H]
        let z = values(&z);
        let (before, after) = cells.split_at_mut((t + 1) * n * hidden);
        let (c_prev, c_next) = (&before[t * n * hidden..], &mut after[..n * hidden]);
        let step_gates = &mut gates[t * n * 4 * hidden..(t + 1) * n * 4 * hidden];
        step_gates
            .par_chunks_mut(4 * hidden)
            .zip(c_next.par_chunks_mut(hidden))
            .zip(h.par_chunks_mut(hidden))
            .enumerate()
            .for_each(|(r, ((g, c), h_row))| {
                let z = &z[r * 4 * hidden..(r + 1) * 4 * hidden];
                for j in 0..hidden {
                    let f = sigmoid(z[j] + bias[j]);
                    let i = sigmoid(z[hidden + j] + bias[hidden + j]);
                    let candidate = (z[2 * hidden + j] + bias[2 * hidden + j]).tanh();
                    let o = sigmoid(z[3 * hidden + j] + bias[3 * hidden + j]);
                    let cell = f * c_prev[r * hidden + j] + i * candidate;
                    (g[j], g[hidden + j], g[2 * hidden + j], g[3 * hidden + j]) = (f, i, candidate, o);
                    c[j] = cell;
                    h_row[j] = o * cell.tanh();
                }
            });
        for r in 0..n {
            packed[(r * (steps + 1) + t) * hidden..][..hidden].copy_from_slice(&h[r * hidden..(r + 1) * hidden]);
        }
    }
    for r in 0..n {
        packed[(r * (steps + 1) + steps) * hidden..][..hidden]
            .copy_from_slice(&cells[(steps * n + r) * hidden..][..hidden]);
    }
    (packed, RecurrenceTape { concat, gates, cells })
}

/// The gradients of the sequence op: input, initial hidden state, initial cell, weight, bias.
pub struct RecurrenceGradients {
    pub x: Vec<f32>,
    pub h0: Vec<f32>,
    pub c0: Vec<f32>,
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

/// Backward through time, given `grad = ∂L/∂packed [n, T + 1, H]` (rows `h_1 … h_T`, then `C_T`).
pub fn backward(
    tape: RecurrenceTape,
    shape: RecurrenceShape,
    weight: &FlexTensor,
    grad: &[f32],
) -> RecurrenceGradients {
    let RecurrenceShape { n, steps, input, hidden } = shape;
    let width = shape.width();
    let weight_t = weight.clone().transpose(0, 1); // [4H, H + D]
    let mut dz_all = vec![0.0f32; steps * n * 4 * hidden];
    let mut dx = vec![0.0f32; n * steps * input];
    let mut dh = vec![0.0f32; n * hidden]; // ∂L/∂h_t from later steps
    let mut dc: Vec<f32> = (0..n).flat_map(|r| grad[(r * (steps + 1) + steps) * hidden..][..hidden].to_vec()).collect();
    for t in (0..steps).rev() {
        let gates = &tape.gates[t * n * 4 * hidden..(t + 1) * n * 4 * hidden];
        let c_prev = &tape.cells[t * n * hidden..(t + 1) * n * hidden];
        let c_now = &tape.cells[(t + 1) * n * hidden..(t + 2) * n * hidden];
        let dz = &mut dz_all[t * n * 4 * hidden..(t + 1) * n * 4 * hidden];
        dz.par_chunks_mut(4 * hidden).zip(dc.par_chunks_mut(hidden)).zip(dh.par_chunks(hidden)).enumerate().for_each(
            |(r, ((dz, dc), dh_later))| {
                let g = &gates[r * 4 * hidden..(r + 1) * 4 * hidden];
                let dh_out = &grad[(r * (steps + 1) + t) * hidden..][..hidden];
                for j in 0..hidden {
                    let (f, i, candidate, o) = (g[j], g[hidden + j], g[2 * hidden + j], g[3 * hidden + j]);
                    let tanh_c = c_now[r * hidden + j].tanh();
                    let dh = dh_out[j] + dh_later[j];
                    let dcell = dc[j] + dh * o * (1.0 - tanh_c * tanh_c);
                    dz[j] = dcell * c_prev[r * hidden + j] * f * (1.0 - f);
                    dz[hidden + j] = dcell * candidate * i * (1.0 - i);
                    dz[2 * hidden + j] = dcell * i * (1.0 - candidate * candidate);
                    dz[3 * hidden + j] = dh * tanh_c * o * (1.0 - o);
                    dc[j] = dcell * f; // ∂L/∂C_{t−1}
                }
            },
        );
        let dconcat = matmul(tensor(dz.to_vec(), [n, 4 * hidden]), weight_t.clone()); // [n, H + D]
        let dconcat = values(&dconcat);
        for r in 0..n {
            dh[r * hidden..(r + 1) * hidden].copy_from_slice(&dconcat[r * width..r * width + hidden]);
            dx[(r * steps + t) * input..][..input].copy_from_slice(&dconcat[r * width + hidden..(r + 1) * width]);
        }
    }
    // ∂W = Σ_t [h_{t−1}, x_t]ᵀ·∂z_t: one GEMM over all steps.
    let concat = tensor(tape.concat, [steps * n, width]);
    let dz_matrix = tensor(dz_all, [steps * n, 4 * hidden]);
    let weight_grad = values(&matmul(concat.transpose(0, 1), dz_matrix.clone())).into_owned(); // [H + D, 4H]
    let dz_all = values(&dz_matrix);
    let bias: Vec<f32> = (0..4 * hidden)
        .into_par_iter()
        .map(|k| (0..steps * n).map(|row| dz_all[row * 4 * hidden + k] as f64).sum::<f64>() as f32)
        .collect();
    RecurrenceGradients { x: dx, h0: dh, c0: dc, weight: weight_grad, bias }
}
