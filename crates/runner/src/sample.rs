//! `sample`: a trained generative run's images as PNGs, for `eval images` to score.

use atelier_backend::Backend;
use atelier_cli::{SampleCommand, SampleTarget};
use atelier_core::run_dir::RunDir;
use atelier_train::checkpoint;
use atelier_vae::figures::prior_codes;

use crate::config::{ModelConfig, RunConfig};
use crate::images::{quantize, write_png_folder};
use crate::models;

/// Codes decoded per forward pass.
const BATCH: usize = 500;

pub fn run(cmd: &SampleCommand) -> Result<(), String> {
    if cmd.n == 0 {
        return Err("--n must be at least 1".into());
    }
    let run = RunDir::open(&cmd.run).map_err(|e| e.to_string())?;
    let config = RunConfig::load(&run.config_path())?;
    let target = match cmd.model {
        SampleTarget::Dcgan => "dcgan",
        SampleTarget::Vae => "vae",
    };
    if config.model.name() != target {
        return Err(format!("{} is a {} run, not a {target} run", run.path().display(), config.model.name()));
    }
    let backend: Backend = match cmd.backend {
        Some(b) => b.name().parse(),
        None => config.backend.parse(),
    }
    .map_err(|e: atelier_backend::BackendError| e.to_string())?;
    let device = backend.device().map_err(|e| e.to_string())?;
    let written = match &config.model {
        ModelConfig::Dcgan(c) => models::dcgan::sample(&run, c, cmd.seed, &device, cmd.n, &cmd.out)?,
        ModelConfig::Vae(c) => {
            let latest = checkpoint::latest(&run.checkpoints_dir())
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{}: the run has no checkpoint", run.path().display()))?;
            let (_, blobs) = checkpoint::load(&latest).map_err(|e| e.to_string())?;
            let model = atelier_vae::step::load_model(c, &blobs, &device)?;
            let z = prior_codes(cmd.n, c.latent, models::dcgan::sample_seed(cmd.seed), &device); // [n, k]
            let mut pixels = Vec::with_capacity(cmd.n * 28 * 28);
            for start in (0..cmd.n).step_by(BATCH) {
                let count = BATCH.min(cmd.n - start);
                let images = model.decoder.mean_image(z.clone().narrow(0, start, count)); // [count, 1, 28, 28]
                pixels.extend(images.into_data().try_into_vec_as::<f32>().map_err(|e| format!("{e:?}"))?);
            }
            quantize(&mut pixels);
            write_png_folder(&cmd.out, &pixels)?
        }
        _ => unreachable!("checked above: the run is a {target} run"),
    };
    println!("wrote {written} images to {}", cmd.out.display());
    println!("score them: cargo xtask eval images --dir {}", cmd.out.display());
    Ok(())
}
