//! The autoencoder's objective, one function per equation.

use atelier_layers::loss::{l1_activity, mean_squared_error};
use burn::prelude::*;

use crate::config::Variant;

/// The terms of one evaluation of the objective.
pub struct Objective {
    /// `L(x, x̂) = mean((x̂ − x)²)`, against the clean image.
    pub reconstruction: Tensor<1>,
    /// `λ·Σ|aᵢ|` (batch mean) for the sparse variant, else absent.
    pub sparsity: Option<Tensor<1>>,
}

impl Objective {
    /// The value minimised: `L(x, x̂) [+ λ·Σ|aᵢ|]`.
    pub fn total(&self) -> Tensor<1> {
        match &self.sparsity {
            Some(penalty) => self.reconstruction.clone() + penalty.clone(),
            None => self.reconstruction.clone(),
        }
    }
}

/// `Obj = L(x, g(f(x̃))) [+ λ·Σᵢ|aᵢ|]` for the given variant; `clean` is the target `x`.
pub fn objective(variant: Variant, clean: Tensor<4>, reconstruction: Tensor<4>, code: Tensor<2>) -> Objective {
    let reconstruction = mean_squared_error(reconstruction, clean);
    let sparsity = match variant {
        Variant::Sparse { lambda } => Some(l1_activity(code, lambda)),
        Variant::Plain | Variant::Denoising { .. } => None,
    };
    Objective { reconstruction, sparsity }
}

/// The denoising corruption `x̃ = clip(x + σ·ε, 0, 1)`, `ε ~ N(0, I)` drawn on `x`'s device
/// (seeded by the caller). For other variants the input is returned unchanged.
pub fn corrupt(variant: Variant, x: Tensor<4>) -> Tensor<4> {
    match variant {
        Variant::Denoising { noise_sigma } => add_clipped_noise(x, noise_sigma),
        Variant::Plain | Variant::Sparse { .. } => x,
    }
}

/// `clip(x + σ·ε, 0, 1)` with `ε ~ N(0, I)`.
pub fn add_clipped_noise(x: Tensor<4>, sigma: f64) -> Tensor<4> {
    let noise = x.random_like(burn::tensor::Distribution::Normal(0.0, 1.0));
    (x + noise.mul_scalar(sigma)).clamp(0.0, 1.0)
}
