//! `sample`: a trained generative run's images as PNGs, for `eval images` to score.

use atelier_backend::Backend;
use atelier_cli::SampleCommand;
use atelier_core::run_dir::RunDir;

use crate::config::{ModelConfig, RunConfig};
use crate::models;

pub fn run(cmd: &SampleCommand) -> Result<(), String> {
    if cmd.n == 0 {
        return Err("--n must be at least 1".into());
    }
    let run = RunDir::open(&cmd.run).map_err(|e| e.to_string())?;
    let config = RunConfig::load(&run.config_path())?;
    let target = cmd.model.name();
    if config.model.name() != target {
        return Err(format!("{} is a {} run, not a {target} run", run.path().display(), config.model.name()));
    }
    let backend: Backend = match cmd.backend {
        Some(b) => b,
        None => config.backend.parse().map_err(|e: atelier_backend::BackendError| e.to_string())?,
    };
    let device = backend.device().map_err(|e| e.to_string())?;
    let written = match &config.model {
        ModelConfig::Dcgan(c) => models::dcgan::sample(&run, c, cmd.seed, &device, cmd.n, &cmd.out)?,
        ModelConfig::Vae(c) => models::vae::sample(&run, c, cmd.seed, &device, cmd.n, &cmd.out)?,
        _ => unreachable!("checked above: the run is a {target} run"),
    };
    println!("wrote {written} images to {}", cmd.out.display());
    println!("score them: cargo xtask eval images --dir {}", cmd.out.display());
    Ok(())
}
