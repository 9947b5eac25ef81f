//! Per-model wiring: data → model crate → shared loop, evaluation and benchmark steps.

pub mod autoencoder;
pub mod dqn;
