//! `eval`: score a run's latest checkpoint on the test set; print a table, write `eval.json`.

use std::path::PathBuf;

use atelier_backend::Backend;
use atelier_cli::{EvalCommand, EvalRunArgs, EvalTarget};
use atelier_core::run_dir::RunDir;

use crate::config::{ModelConfig, RunConfig};
use crate::models;

pub fn run(cmd: &EvalCommand) -> Result<Vec<(String, f64)>, String> {
    let common = match &cmd.target {
        EvalTarget::Images(args) => return crate::images::run(args),
        EvalTarget::Autoencoder(args) => &args.common,
        EvalTarget::Vae(args) => &args.common,
        EvalTarget::Classifier(args) => &args.common,
        EvalTarget::Lstm(args) => &args.common,
        EvalTarget::Dqn(args) => &args.common,
        EvalTarget::Dcgan(args) => &args.common,
        EvalTarget::Pix2pix(args) => &args.common,
        EvalTarget::Cyclegan(args) => &args.common,
        EvalTarget::Segmentation(args) => &args.common,
        EvalTarget::Facenet(args) => &args.common,
        EvalTarget::EmojiEvaluator(args) => &args.common,
    };
    let EvalRunArgs { run: run_path, backend } = common;
    let run = RunDir::open(run_path).map_err(|e| e.to_string())?;
    let config = RunConfig::load(&run.config_path())?;
    if config.model.name() != cmd.target.name() {
        return Err(mismatch(&run, &config.model, &cmd.target));
    }
    let backend: Backend = match backend {
        Some(b) => *b,
        None => config.backend.parse().map_err(|e: atelier_backend::BackendError| e.to_string())?,
    };
    let device = backend.device().map_err(|e| e.to_string())?;
    // A data folder typed here, else the run's.
    let data_dir = |typed: &Option<PathBuf>| typed.clone().or(config.data_dir.clone());
    let seed = config.train.seed;
    let entries = match (&config.model, &cmd.target) {
        (ModelConfig::Autoencoder(ae), EvalTarget::Autoencoder(args)) => {
            if let Some(sigma) = args.noise_sigma
                && !(sigma >= 0.0 && sigma.is_finite())
            {
                return Err(format!("--noise-sigma must be ≥ 0 (got {sigma})"));
            }
            let dataset = crate::data::load(data_dir(&args.data_dir).as_deref())?;
            models::autoencoder::eval(&run, ae, seed, &device, dataset, args.noise_sigma)?
        }
        (ModelConfig::Vae(vae), EvalTarget::Vae(args)) => {
            let options = models::vae::EvalOptions {
                is_samples: args.is_samples.unwrap_or(models::vae::DEFAULT_IS_SAMPLES),
                is_images: match args.is_images {
                    Some(0) => None,
                    Some(n) => Some(n),
                    None => Some(models::vae::DEFAULT_IS_IMAGES),
                },
                autoencoder_run: args.autoencoder_run.as_deref(),
            };
            let dataset = crate::data::load(data_dir(&args.data_dir).as_deref())?;
            models::vae::eval(&run, vae, seed, &device, dataset, &options)?
        }
        (ModelConfig::Classifier(classifier), EvalTarget::Classifier(args)) => {
            let dataset = crate::data::load(data_dir(&args.data_dir).as_deref())?;
            models::classifier::eval(&run, classifier, &device, dataset, args.export_evaluator)?
        }
        (ModelConfig::Lstm(c), EvalTarget::Lstm(args)) => {
            let needs_images = models::lstm::needs_images(c);
            if !needs_images && args.data_dir.is_some() {
                return Err(
                    "--data-dir does not apply to a --task sequence run: it generates its own progressions".into()
                );
            }
            let dataset = needs_images.then(|| crate::data::load(data_dir(&args.data_dir).as_deref())).transpose()?;
            models::lstm::eval(&run, c, seed, &device, dataset)?
        }
        (ModelConfig::Dcgan(c), EvalTarget::Dcgan(args)) => {
            let dataset = crate::data::load(data_dir(&args.data_dir).as_deref())?;
            let count = args.limit.unwrap_or(crate::scorer::DEFAULT_LIMIT);
            models::dcgan::eval(&run, c, seed, &device, dataset, count)?
        }
        (ModelConfig::Pix2pix(c), EvalTarget::Pix2pix(args)) => {
            let source = models::pix2pix::data::locate(c, data_dir(&args.data_dir).as_deref())?;
            let data = source.load(c, None)?;
            models::pix2pix::eval::eval(&run, c, &device, data)?
        }
        (ModelConfig::Cyclegan(c), EvalTarget::Cyclegan(args)) => {
            let dir = data_dir(&args.data_dir);
            let data = models::cyclegan::data::locate(c, dir.as_deref())?.load(c, None)?;
            models::cyclegan::eval::eval(
                &run,
                c,
                &device,
                data,
                &args.compare,
                args.pix2pix.as_deref(),
                dir.as_deref(),
            )?
        }
        (ModelConfig::Segmentation(c), EvalTarget::Segmentation(args)) => {
            let source = models::segmentation::data::locate(c, data_dir(&args.data_dir).as_deref())?;
            let data = source.load(c)?;
            models::segmentation::eval::eval(&run, c, &device, data, &args.compare)?
        }
        (ModelConfig::Facenet(c), EvalTarget::Facenet(args)) => {
            let source = models::facenet::data::locate(c, data_dir(&args.data_dir).as_deref())?;
            models::facenet::eval::eval(&run, c, &device, source.load()?, &args.compare, args.limit)?
        }
        (ModelConfig::EmojiEvaluator(c), EvalTarget::EmojiEvaluator(args)) => {
            let (source, _) = models::emoji_evaluator::locate(data_dir(&args.data_dir).as_deref())?;
            models::emoji_evaluator::eval(&run, c, &device, &source, args.export_evaluator)?
        }
        (ModelConfig::Dqn(dqn), EvalTarget::Dqn(args)) => {
            models::dqn::eval(&run, dqn, seed, &device, args.episodes.unwrap_or(dqn.eval_episodes))?
        }
        (model, target) => return Err(mismatch(&run, model, target)),
    };
    run.write_eval(&entries).map_err(|e| e.to_string())?;
    println!("{:<40} {:>12}", "metric", "value");
    for (name, value) in &entries {
        println!("{name:<40} {value:>12.4}");
    }
    println!("wrote {}", run.eval_path().display());
    Ok(entries)
}

fn mismatch(run: &RunDir, model: &ModelConfig, target: &EvalTarget) -> String {
    let a = |name: &str| if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    let (is, not) = (model.name(), target.name());
    format!("{} is {} {is} run, not {} {not} run", run.path().display(), a(is), a(not))
}
