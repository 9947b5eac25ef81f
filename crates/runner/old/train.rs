//! `train`: resolve the config, record (or check) its data, open the run directory, record provenance,
//! run the shared loop.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use atelier_backend::{BURN_VERSION, Backend};
use atelier_cli::{Command, RunArgs, TrainCommand, TrainModel};
use atelier_core::atomic::write_json_atomic;
use atelier_core::provenance::Provenance;
use atelier_core::run_dir::RunDir;
use atelier_data::DataRecord;
use atelier_train::checkpoint;
use atelier_train::fit::Resume;
use atelier_train::{Outcome, Session};

use crate::config::{
    ModelConfig, RunConfig, autoencoder_config, classifier_config, cyclegan_config, dcgan_config, default_run_config,
    dqn_config, emoji_evaluator_config, facenet_config, lstm_config, pix2pix_config, segmentation_config, vae_config,
};
use crate::{models, recorded_data, repo};

/// Where runs go unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "runs";

/// What `train` resolved to.
pub struct Plan {
    pub config: RunConfig,
    pub out: PathBuf,
    /// `Some(run)` continues that run.
    pub resume: Option<PathBuf>,
}

/// The backend of a `train` that continues a run (`--resume RUN`) or repeats one (`--config FILE`)
/// without `--backend`: the one that config.json records. `None` for any other command, or when
/// the file cannot be read (the run's own checks then say why). `main` sets the environment for it
/// before any device opens, as it does for a typed `--backend`.
pub fn recorded_backend(command: &Command) -> Option<Backend> {
    let Command::Train(train) = command else { return None };
    let run = match &train.model {
        None => train.run.clone(),
        Some(model) => merge(train.run.clone(), model.common().run.clone()),
    };
    let path = base_config_path(&run).ok()??;
    RunConfig::load(&path).ok()?.backend.parse().ok()
}

/// Resolves flags, `--config` and `--resume` into one config.
pub fn plan(cmd: TrainCommand) -> Result<Plan, String> {
    // `train --config F` and `train <model> --config F` mean the same; the model's flags win.
    let (model_args, run) = match cmd.model {
        None => (None, cmd.run),
        Some(model) => {
            let run = merge(cmd.run, model.common().run.clone());
            (Some(model), run)
        }
    };
    let base = base_config_path(&run)?.as_deref().map(RunConfig::load).transpose()?;
    let max_steps_flag = model_args.as_ref().and_then(|m| m.common().max_steps);
    let mut config = match (model_args, base) {
        (None, None) => {
            return Err(
                "name a model (`train autoencoder`, `train vae`, `train lstm`, …) or give --config FILE / --resume RUN_DIR".into()
            );
        }
        (None, Some(base)) => base,
        (Some(args), base) => {
            let base_model = base.as_ref().map(|b| b.model.clone());
            let model = model_config(&args, base_model)?;
            let mut config = base.unwrap_or_else(|| default_run_config(model.clone()));
            config.model = model;
            config.apply_common(&args);
            match &config.model {
                ModelConfig::Dqn(dqn) => config.train.batch_size = dqn.batch_size, // one batch size: the agent's
                ModelConfig::Facenet(c) => config.train.batch_size = c.batch_size(), // P × K
                _ => {}
            }
            config
        }
    };
    if run.resume.is_some() {
        // --max-steps stops one invocation; a resumed run goes on unless it is given again.
        config.train.max_steps = max_steps_flag;
    }
    config.validate()?;
    Ok(Plan { config, out: run.out.unwrap_or_else(|| PathBuf::from(DEFAULT_OUT)), resume: run.resume })
}

/// The model's config from its typed flags over `base` (the `--config` / resumed run's model,
/// which must be the same model).
fn model_config(args: &TrainModel, base: Option<ModelConfig>) -> Result<ModelConfig, String> {
    let name = args.name();
    if let Some(base) = &base
        && base.name() != name
    {
        return Err(format!("the config is a {} run; it cannot be trained as {name}", base.name()));
    }
    Ok(match (args, base) {
        (TrainModel::Autoencoder(a), Some(ModelConfig::Autoencoder(b))) => {
            ModelConfig::Autoencoder(autoencoder_config(Some(b), a)?)
        }
        (TrainModel::Autoencoder(a), _) => ModelConfig::Autoencoder(autoencoder_config(None, a)?),
        (TrainModel::Vae(a), Some(ModelConfig::Vae(b))) => ModelConfig::Vae(vae_config(Some(b), a)?),
        (TrainModel::Vae(a), _) => ModelConfig::Vae(vae_config(None, a)?),
        (TrainModel::Classifier(a), Some(ModelConfig::Classifier(b))) => {
            ModelConfig::Classifier(classifier_config(Some(b), a)?)
        }
        (TrainModel::Classifier(a), _) => ModelConfig::Classifier(classifier_config(None, a)?),
        (TrainModel::Lstm(a), Some(ModelConfig::Lstm(b))) => ModelConfig::Lstm(lstm_config(Some(b), a)?),
        (TrainModel::Lstm(a), _) => ModelConfig::Lstm(lstm_config(None, a)?),
        (TrainModel::Dqn(a), Some(ModelConfig::Dqn(b))) => ModelConfig::Dqn(dqn_config(Some(b), a)?),
        (TrainModel::Dqn(a), _) => ModelConfig::Dqn(dqn_config(None, a)?),
        (TrainModel::Dcgan(a), Some(ModelConfig::Dcgan(b))) => ModelConfig::Dcgan(dcgan_config(Some(b), a)?),
        (TrainModel::Dcgan(a), _) => ModelConfig::Dcgan(dcgan_config(None, a)?),
        (TrainModel::Pix2pix(a), Some(ModelConfig::Pix2pix(b))) => ModelConfig::Pix2pix(pix2pix_config(Some(b), a)?),
        (TrainModel::Pix2pix(a), _) => ModelConfig::Pix2pix(pix2pix_config(None, a)?),
        (TrainModel::Cyclegan(a), Some(ModelConfig::Cyclegan(b))) => {
            ModelConfig::Cyclegan(cyclegan_config(Some(b), a)?)
        }
        (TrainModel::Cyclegan(a), _) => ModelConfig::Cyclegan(cyclegan_config(None, a)?),
        (TrainModel::Segmentation(a), Some(ModelConfig::Segmentation(b))) => {
            ModelConfig::Segmentation(segmentation_config(Some(b), a)?)
        }
        (TrainModel::Segmentation(a), _) => ModelConfig::Segmentation(segmentation_config(None, a)?),
        (TrainModel::Facenet(a), Some(ModelConfig::Facenet(b))) => ModelConfig::Facenet(facenet_config(Some(b), a)?),
        (TrainModel::Facenet(a), _) => ModelConfig::Facenet(facenet_config(None, a)?),
        (TrainModel::EmojiEvaluator(_), Some(ModelConfig::EmojiEvaluator(b))) => ModelConfig::EmojiEvaluator(b),
        (TrainModel::EmojiEvaluator(a), _) => ModelConfig::EmojiEvaluator(emoji_evaluator_config(a)),
    })
}

/// The config.json a run starts from: `--config FILE`, or the resumed run's own (None: neither).
fn base_config_path(run: &RunArgs) -> Result<Option<PathBuf>, String> {
    match (&run.config, &run.resume) {
        (Some(_), Some(_)) => Err("give either --config or --resume, not both".into()),
        (Some(path), None) => Ok(Some(path.clone())),
        (None, Some(dir)) => Ok(Some(dir.join(atelier_core::run_dir::CONFIG_FILE))),
        (None, None) => Ok(None),
    }
}

/// The run flags of `train` and of `train <model>` together (the latter win).
fn merge(outer: RunArgs, inner: RunArgs) -> RunArgs {
    RunArgs {
        config: inner.config.or(outer.config),
        resume: inner.resume.or(outer.resume),
        out: inner.out.or(outer.out),
    }
}

/// Runs `train` and returns the run directory.
pub fn run(cmd: TrainCommand) -> Result<PathBuf, String> {
    let plan = plan(cmd)?;
    execute(plan)
}

/// Trains according to a resolved plan; returns the run directory.
pub fn execute(plan: Plan) -> Result<PathBuf, String> {
    let mut config = plan.config;
    let backend: Backend = config.backend.parse().map_err(|e: atelier_backend::BackendError| e.to_string())?;
    let device = backend.device().map_err(|e| e.to_string())?;
    let device_name = backend.describe().device_name.unwrap_or_else(|e| e);
    // An agent gathers its own data and the sequence task generates its own; other runs read images.
    // The data found is recorded (hashed once per run) and checked against what a resumed or
    // repeated run recorded before anything is loaded.
    let generated = match &config.model {
        ModelConfig::Dqn(_) => Some(models::dqn::DATA_SOURCE),
        ModelConfig::Lstm(c) if !models::lstm::needs_images(c) => Some(models::lstm::GENERATED_SOURCE),
        _ => None,
    };
    // A translation task finds its own data (emoji, Fashion-MNIST's edges, or a paired folder).
    let translation = match &config.model {
        ModelConfig::Pix2pix(c) => Some(models::pix2pix::data::locate(c, config.data_dir.as_deref())?),
        _ => None,
    };
    // CycleGAN reads two unpaired domains (emoji styles, edges and garments, or a folder).
    let domains = match &config.model {
        ModelConfig::Cyclegan(c) => Some(models::cyclegan::data::locate(c, config.data_dir.as_deref())?),
        _ => None,
    };
    // Segmentation makes scenes of Fashion-MNIST's garments or reads a mask folder.
    let masked = match &config.model {
        ModelConfig::Segmentation(c) => Some(models::segmentation::data::locate(c, config.data_dir.as_deref())?),
        _ => None,
    };
    // Metric learning reads identities (Fashion classes, emoji, or an identity folder).
    let identified = match &config.model {
        ModelConfig::Facenet(c) => Some(models::facenet::data::locate(c, config.data_dir.as_deref())?),
        _ => None,
    };
    // The colour evaluator reads the emoji in both styles.
    let styled = match &config.model {
        ModelConfig::EmojiEvaluator(_) => Some(models::emoji_evaluator::locate(config.data_dir.as_deref())?),
        _ => None,
    };
    let (source, found) = match (generated, &translation, &styled, &config.model) {
        (_, Some(t), _, ModelConfig::Pix2pix(c)) => (None, t.record(c)?),
        (_, _, _, ModelConfig::Cyclegan(_)) if let Some(d) = &domains => (None, d.record()?),
        (_, _, _, ModelConfig::Segmentation(_)) if let Some(m) = &masked => (None, m.record()?),
        (_, _, _, ModelConfig::Facenet(_)) if let Some(i) = &identified => (None, i.record()?),
        (_, _, Some((_, record)), _) => (None, record.clone()),
        (Some(description), _, _, _) => (None, DataRecord::generated(description)),
        _ => {
            let source = atelier_data::locate(config.data_dir.as_deref()).map_err(|e| e.to_string())?;
            let found = DataRecord::of(&source).map_err(|e| e.to_string())?;
            (Some(source), found)
        }
    };
    let data_source = match (&source, &translation, &styled) {
        (Some(source), _, _) => source.to_string(),
        (None, Some(t), _) => t.to_string(),
        (None, None, _) if let Some(d) = &domains => d.to_string(),
        (None, None, _) if let Some(m) = &masked => m.to_string(),
        (None, None, _) if let Some(i) = &identified => i.to_string(),
        (None, None, Some((emoji, _))) => emoji.to_string(),
        (None, None, None) => found.to_string(),
    };
    config.data = Some(recorded_data::settle(&config, found, plan.resume.as_deref())?);
    let dataset = source.map(crate::data::load_from).transpose()?;
    let pairs = match (&translation, &config.model) {
        (Some(t), ModelConfig::Pix2pix(c)) => Some(t.load(c, config.train.train_limit)?),
        _ => None,
    };
    let cycle_data = match (&domains, &config.model) {
        (Some(d), ModelConfig::Cyclegan(c)) => Some(d.load(c, config.train.train_limit)?),
        _ => None,
    };
    let segmentation_data = match (&masked, &mut config.model) {
        (Some(m), ModelConfig::Segmentation(c)) => {
            let data = m.load(c)?;
            models::segmentation::data::fit_config_to_data(c, &data)?;
            Some(data)
        }
        _ => None,
    };
    let identity_data = match (&identified, &mut config.model) {
        (Some(i), ModelConfig::Facenet(c)) => {
            let data = i.load()?;
            models::facenet::data::fit_config_to_data(c, &data)?;
            Some(data)
        }
        _ => None,
    };
    // A transfer-learning run checks its pretrained run before a run directory is created.
    if let ModelConfig::Classifier(c) = &config.model {
        models::classifier::pretrained_blobs(c)?;
    }

    let (run, resume, mut provenance) = match &plan.resume {
        Some(dir) => {
            let run = RunDir::open(dir).map_err(|e| e.to_string())?;
            let mut provenance: Provenance = std::fs::read_to_string(run.run_path())
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_else(|| {
                    Provenance::new(BURN_VERSION, backend.name(), &device_name, &data_source, &repo::root())
                });
            provenance.status = "running".into();
            provenance.finished = None;
            provenance.resumed_at_steps.push(checkpoint_step(&run)?);
            (run, Resume::FromLatestCheckpoint, provenance)
        }
        None => {
            let run = RunDir::create(&plan.out, config.model.name(), backend.name(), config.train.seed)
                .map_err(|e| e.to_string())?;
            let provenance = Provenance::new(BURN_VERSION, backend.name(), &device_name, &data_source, &repo::root());
            (run, Resume::Fresh, provenance)
        }
    };
    write_json_atomic(&run.config_path(), &config).map_err(|e| e.to_string())?;
    write_json_atomic(&run.run_path(), &provenance).map_err(|e| e.to_string())?;
    eprintln!("run: {}  (backend {backend} on {device_name})", run.path().display());

    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(stop.clone());
    let session = Session { run: run.clone(), config: config.train.clone(), device: device.autodiff(), stop, resume };
    let result = match &config.model {
        ModelConfig::Autoencoder(ae) => images(dataset).and_then(|d| models::autoencoder::train(ae, &session, d)),
        ModelConfig::Vae(vae) => images(dataset).and_then(|d| models::vae::train(vae, &session, d)),
        ModelConfig::Classifier(c) => images(dataset).and_then(|d| models::classifier::train(c, &session, d)),
        ModelConfig::Lstm(c) => models::lstm::train(c, &session, dataset),
        ModelConfig::Dqn(dqn) => models::dqn::train(dqn, &session),
        ModelConfig::Dcgan(c) => images(dataset).and_then(|d| models::dcgan::train(c, &session, d)),
        ModelConfig::Segmentation(c) => segmentation_data
            .ok_or_else(|| atelier_train::TrainError::Config("segmentation needs its images and masks".into()))
            .and_then(|d| models::segmentation::train(c, &session, d)),
        ModelConfig::Facenet(c) => identity_data
            .ok_or_else(|| atelier_train::TrainError::Config("FaceNet needs its identities".into()))
            .and_then(|d| models::facenet::train(c, &session, d)),
        ModelConfig::EmojiEvaluator(c) => styled
            .ok_or_else(|| atelier_train::TrainError::Config("the colour evaluator needs emoji".into()))
            .and_then(|(emoji, _)| models::emoji_evaluator::train(c, &session, &emoji)),
        ModelConfig::Pix2pix(c) => pairs
            .ok_or_else(|| atelier_train::TrainError::Config("pix2pix needs its pairs".into()))
            .and_then(|d| models::pix2pix::train(c, &session, d)),
        ModelConfig::Cyclegan(c) => cycle_data
            .ok_or_else(|| atelier_train::TrainError::Config("CycleGAN needs its two domains".into()))
            .and_then(|d| models::cyclegan::train(c, &session, d)),
    };
    let status = match &result {
        Ok(Outcome::Completed { steps, images_per_second }) => {
            let unit = if matches!(config.model, ModelConfig::Dqn(_)) { "environment steps/s" } else { "images/s" };
            eprintln!("completed {steps} steps at {images_per_second:.0} {unit}");
            "completed".to_string()
        }
        Ok(Outcome::Interrupted { step, checkpoint }) => {
            eprintln!("interrupted at step {step}; checkpoint {}", checkpoint.display());
            eprintln!("continue with: cargo xtask train --resume {}", run.path().display());
            "interrupted".to_string()
        }
        Ok(Outcome::StepLimit { step, checkpoint }) => {
            eprintln!("stopped at --max-steps {step}; checkpoint {}", checkpoint.display());
            "stopped at max_steps".to_string()
        }
        Err(e) => format!("failed: {e}"),
    };
    provenance.finish(&status);
    write_json_atomic(&run.run_path(), &provenance).map_err(|e| e.to_string())?;
    result.map_err(|e| e.to_string())?;
    eprintln!("samples: {}", run.samples_dir().display());
    eprintln!("plots:   {}", run.plots_dir().display());
    eprintln!("evaluate: cargo xtask eval {} --run {}", config.model.name(), run.path().display());
    Ok(run.path().to_path_buf())
}

/// The dataset of a model that trains on images (every model but the LSTM's sequence task).
fn images(dataset: Option<atelier_data::Dataset>) -> Result<atelier_data::Dataset, atelier_train::TrainError> {
    dataset.ok_or_else(|| atelier_train::TrainError::Config("this model needs images".into()))
}

/// The step of the run's latest checkpoint (where a resumed run continues).
fn checkpoint_step(run: &RunDir) -> Result<u64, String> {
    let latest = checkpoint::latest(&run.checkpoints_dir())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{}: no checkpoint to resume from", run.checkpoints_dir().display()))?;
    Ok(checkpoint::read_position(&latest).map_err(|e| e.to_string())?.step)
}

/// First Ctrl-C: checkpoint after the current step, then stop. Second: quit at once.
fn install_ctrl_c(stop: Arc<AtomicBool>) {
    let result = ctrlc::set_handler(move || {
        if stop.swap(true, Ordering::SeqCst) {
            eprintln!("\nsecond Ctrl-C: quitting without a checkpoint");
            std::process::exit(130);
        }
        eprintln!("\nCtrl-C: writing a checkpoint after this step, then stopping (Ctrl-C again to quit now)");
    });
    if let Err(e) = result {
        eprintln!(
            "warning: Ctrl-C handler not installed ({e}); an interrupted run resumes from its last periodic checkpoint"
        );
    }
}
