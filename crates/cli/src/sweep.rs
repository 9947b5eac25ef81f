//! `sweep`: several seeds of one model (only the agent has one so far).

use std::path::PathBuf;

use atelier_backend::Backend;
use clap::{Args, Subcommand};

use crate::choice;

#[derive(Debug, Args)]
pub struct SweepCommand {
    #[command(subcommand)]
    pub model: SweepModel,
}

#[derive(Debug, Subcommand)]
pub enum SweepModel {
    /// Train the DQN agent for each seed and evaluate each greedily.
    Dqn(DqnSweepArgs),
}

#[derive(Debug, Args, Clone)]
pub struct DqnSweepArgs {
    /// Seeds, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,1,2")]
    pub seeds: Vec<u64>,
    /// Environment steps per run [default: the model's, or the --config file's].
    #[arg(long)]
    pub total_steps: Option<u64>,
    /// Greedy evaluation episodes per run.
    #[arg(long, default_value_t = 100)]
    pub episodes: usize,
    /// Compute backend [default: flex].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
    /// Where the sweep's runs go [default: runs].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Start every run from this config.json (its seed is replaced).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}
