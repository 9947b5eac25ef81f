//! `demo`, the README's main job: train the reference autoencoder on whatever data is found
//! (the embedded mini set on a fresh machine), evaluate it, and say where the pictures are.

use atelier_autoencoder::AutoencoderConfig;
use atelier_cli::{AutoencoderEvalArgs, DemoArgs, EvalCommand, EvalRunArgs, EvalTarget};

use crate::config::{ModelConfig, default_run_config};
use crate::train::{DEFAULT_OUT, Plan, execute};

/// Bounds on the demo's epochs (a few minutes on two CPU cores).
const MIN_EPOCHS: usize = 1;
const MAX_EPOCHS: usize = 60;

pub fn run(args: &DemoArgs) -> Result<(), String> {
    let dataset = atelier_data::load(args.data_dir.as_deref()).map_err(|e| e.to_string())?;
    let epochs = args.budget_images.div_ceil(dataset.train.len().max(1)).clamp(MIN_EPOCHS, MAX_EPOCHS);
    drop(dataset);
    let mut config = default_run_config(ModelConfig::Autoencoder(AutoencoderConfig::default()));
    if let Some(b) = args.backend {
        config.backend = b.name().to_string();
    }
    config.data_dir = args.data_dir.clone();
    config.train.epochs = epochs;
    config.validate()?;
    eprintln!("demo: the reference autoencoder (k = 32), {epochs} epochs");
    let out = args.out.clone().unwrap_or_else(|| DEFAULT_OUT.into());
    let run = execute(Plan { config, out, resume: None })?;
    let eval = EvalCommand {
        target: EvalTarget::Autoencoder(AutoencoderEvalArgs {
            common: EvalRunArgs { run: run.clone(), backend: args.backend },
            data_dir: args.data_dir.clone(),
            noise_sigma: None,
        }),
    };
    crate::eval::run(&eval)?;
    println!();
    println!("pictures: {}/samples/ (reconstructions, morphing strips, latent scatter)", run.display());
    println!("curves:   {}/plots/", run.display());
    println!("numbers:  {}/eval.json and metrics.csv", run.display());
    Ok(())
}
