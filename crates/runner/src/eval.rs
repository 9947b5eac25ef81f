//! `eval`: score a run's latest checkpoint on the test set; print a table, write `eval.json`.

use atelier_backend::Backend;
use atelier_cli::{EvalCommand, EvalTarget};
use atelier_core::run_dir::RunDir;

use crate::config::{ModelConfig, RunConfig};
use crate::models;

pub fn run(cmd: &EvalCommand) -> Result<Vec<(String, f64)>, String> {
    if cmd.model == EvalTarget::Images {
        return crate::images::run(cmd);
    }
    let run_path = cmd.run.as_ref().ok_or_else(|| format!("eval {} needs --run RUN_DIR", cmd.model.name()))?;
    let run = RunDir::open(run_path).map_err(|e| e.to_string())?;
    let config = RunConfig::load(&run.config_path())?;
    if config.model.name() != cmd.model.name() {
        return Err(format!(
            "{} is a {} run, not a {} run",
            run.path().display(),
            config.model.name(),
            cmd.model.name()
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
    let data_dir = cmd.data_dir.clone().or(config.data_dir.clone());
    let entries = match &config.model {
        ModelConfig::Autoencoder(ae) => {
            let dataset = crate::data::load(data_dir.as_deref())?;
            models::autoencoder::eval(&run, ae, config.train.seed, &device, dataset, cmd.noise_sigma)?
        }
        ModelConfig::Vae(vae) => {
            let options = models::vae::EvalOptions {
                is_samples: cmd.is_samples.unwrap_or(models::vae::DEFAULT_IS_SAMPLES),
                is_images: match cmd.is_images {
                    Some(0) => None,
                    Some(n) => Some(n),
                    None => Some(models::vae::DEFAULT_IS_IMAGES),
                },
                autoencoder_run: cmd.autoencoder_run.as_deref(),
            };
            let dataset = crate::data::load(data_dir.as_deref())?;
            models::vae::eval(&run, vae, config.train.seed, &device, dataset, &options)?
        }
        ModelConfig::Classifier(classifier) => {
            let dataset = crate::data::load(data_dir.as_deref())?;
            models::classifier::eval(&run, classifier, &device, dataset, cmd.export_evaluator)?
        }
        ModelConfig::Lstm(c) => {
            if cmd.noise_sigma.is_some() {
                return Err("--noise-sigma applies to denoising autoencoders only".into());
            }
            let dataset = models::lstm::needs_images(c).then(|| crate::data::load(data_dir.as_deref())).transpose()?;
            models::lstm::eval(&run, c, config.train.seed, &device, dataset)?
        }
        ModelConfig::Dcgan(c) => {
            let dataset = crate::data::load(data_dir.as_deref())?;
            let count = cmd.limit.unwrap_or(crate::images::DEFAULT_LIMIT);
            models::dcgan::eval(&run, c, config.train.seed, &device, dataset, count)?
        }
        ModelConfig::Dqn(dqn) => {
            models::dqn::eval(&run, dqn, config.train.seed, &device, cmd.episodes.unwrap_or(dqn.eval_episodes))?
        }
    };
    run.write_eval(&entries).map_err(|e| e.to_string())?;
    println!("{:<40} {:>12}", "metric", "value");
    for (name, value) in &entries {
        println!("{name:<40} {value:>12.4}");
    }
    println!("wrote {}", run.eval_path().display());
    Ok(entries)
}
