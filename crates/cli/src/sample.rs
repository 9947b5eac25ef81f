//! `sample`.

use std::path::PathBuf;

use atelier_backend::Backend;
use clap::{Args, ValueEnum};

use crate::choice;

/// What `sample` can draw from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleTarget {
    /// G(z), z ~ N(0, I).
    Dcgan,
    /// The decoder's mean image for z ~ N(0, I).
    Vae,
}

impl SampleTarget {
    /// The name as typed.
    pub fn name(self) -> &'static str {
        match self {
            SampleTarget::Dcgan => "dcgan",
            SampleTarget::Vae => "vae",
        }
    }
}

#[derive(Debug, Args)]
pub struct SampleCommand {
    pub model: SampleTarget,
    /// The trained run (its latest checkpoint).
    #[arg(long, value_name = "RUN_DIR")]
    pub run: PathBuf,
    /// How many images.
    #[arg(long, default_value_t = 10_000)]
    pub n: usize,
    /// The folder to write 00000.png, 00001.png, … into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the noise.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Backend [default: the run's].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
}
