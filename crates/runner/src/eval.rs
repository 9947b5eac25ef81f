//! `eval`: score a run's latest checkpoint on the test set; print a table, write `eval.json`.

use atelier_backend::Backend;
use atelier_cli::EvalCommand;
use atelier_core::run_dir::RunDir;

use crate::config::{ModelConfig, RunConfig};
use crate::models;

pub fn run(cmd: &EvalCommand) -> Result<Vec<(String, f64)>, String> {
    let run = RunDir::open(&cmd.run).map_err(|e| e.to_string())?;
    let config = RunConfig::load(&run.config_path())?;
    if config.model.name() != cmd.model.to_possible_value_name() {
        return Err(format!(
            "{} is a {} run, not a {} run",
            run.path().display(),
            config.model.name(),
            cmd.model.to_possible_value_name()
        ));
    }
    if let Some(sigma) = cmd.noise_sigma
        && !(sigma >= 0.0 && sigma.is_finite())
    {
        return Err(format!("--noise-sigma must be ≥ 0 (got {sigma})"));
    }
    let backend: Backend = match cmd.backend {
        Some(b) => b.name().parse(),
        None => config.backend.parse(),
    }
    .map_err(|e: atelier_backend::BackendError| e.to_string())?;
    let device = backend.device().map_err(|e| e.to_string())?;
    let entries = match &config.model {
        ModelConfig::Autoencoder(ae) => {
            let data_dir = cmd.data_dir.clone().or(config.data_dir.clone());
            let dataset = crate::data::load(data_dir.as_deref())?;
            models::autoencoder::eval(&run, ae, config.train.seed, &device, dataset, cmd.noise_sigma)?
        }
        ModelConfig::Dqn(dqn) => {
            models::dqn::eval(&run, dqn, config.train.seed, &device, cmd.episodes.unwrap_or(dqn.eval_episodes))?
        }
    };
    run.write_eval(&entries).map_err(|e| e.to_string())?;
    println!("{:<26} {:>12}", "metric", "value");
    for (name, value) in &entries {
        println!("{name:<26} {value:>12.4}");
    }
    println!("wrote {}", run.eval_path().display());
    Ok(entries)
}

trait PossibleValueName {
    fn to_possible_value_name(&self) -> String;
}

impl PossibleValueName for atelier_cli::ModelName {
    fn to_possible_value_name(&self) -> String {
        use clap::ValueEnum;
        self.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
    }
}
