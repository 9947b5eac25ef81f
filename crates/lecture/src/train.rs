//! `train`, the same for every lecture: resolve the config (the lecture's preset < `--config FILE`
//! or the resumed run's config < flags typed), record (or check) its data, open the run directory,
//! record provenance, run the lecture's training through the shared loop.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use atelier_backend::BURN_VERSION;
use atelier_core::atomic::{json_bytes, write_atomic, write_json_atomic};
use atelier_core::params::{Params, Typed, apply_all};
use atelier_core::provenance::Provenance;
use atelier_core::run_dir::RunDir;
use atelier_train::checkpoint;
use atelier_train::{AfterRestore, Outcome, Resume, Session};

use crate::any::{TrainRequest, training_of};
use crate::context::Context;
use crate::data_record::settle;
use crate::lecture::{Clock, Lecture};
use crate::repo;
use crate::resume;
use crate::run_config::RunConfig;

/// The config of a fresh run with no flags: the default preset and its loop settings.
pub fn default_config<L: Lecture>(lecture: &L) -> Result<RunConfig, String> {
    let preset = lecture.presets().into_iter().next().ok_or_else(|| format!("{} has no preset", L::ID))?;
    RunConfig::new(L::ID, training_of(lecture, &preset.config), &preset.config)
}

/// Resolves the typed flags over the base config (or the default preset) into one config.
pub fn plan<L: Lecture>(lecture: &L, request: &TrainRequest) -> Result<(RunConfig, L::Config), String> {
    let mut typed = request.typed.clone();
    for (flag, why) in lecture.refused_loop_flags() {
        if typed.has(flag) {
            return Err(format!("--{flag}: {why}"));
        }
    }
    let backend: Option<atelier_backend::Backend> = typed.take_one("backend")?;
    let data_dir: Option<PathBuf> = typed.take_one("data-dir")?;
    let max_steps: Option<u64> = typed.take_one("max-steps")?;
    let no_max_steps = typed.take("no-max-steps").is_some();
    if no_max_steps && (request.resume.is_none() || max_steps.is_some()) {
        return Err("--no-max-steps goes with --resume RUN_DIR (and without --max-steps)".into());
    }
    let model_typed = typed.split_off(&<L::Config as Params>::params());
    let loop_typed = typed.split_off(&atelier_train::TrainConfig::params());
    if let Some((flag, _)) = typed.0.first() {
        return Err(format!("--{flag} does not apply to train {}", L::ID));
    }
    // A fresh run's loop settings are those of its resolved configuration (`--task sequence`
    // trains 60 epochs); a repeated or resumed run keeps its own.
    let (mut config, model) = match &request.base {
        Some(base) => {
            let name = base.lecture()?;
            if name != L::ID {
                return Err(format!("the config is a {name} run; it cannot be trained as {}", L::ID));
            }
            let recorded: L::Config = base.model()?;
            if request.resume.is_some() {
                resume::refuse_changes(&recorded, &model_typed, "architecture and data")?;
                resume::refuse_changes(
                    &base.train,
                    &resume::without(&loop_typed, resume::LOOP_FLAGS_A_RESUME_MAY_CHANGE),
                    "data order",
                )?;
            }
            let mut model = recorded;
            apply_all(&mut model, &model_typed)?;
            (base.clone(), model)
        }
        None => {
            let preset = lecture.presets().into_iter().next().ok_or_else(|| format!("{} has no preset", L::ID))?;
            let mut model = preset.config;
            apply_all(&mut model, &model_typed)?;
            (RunConfig::new(L::ID, training_of(lecture, &model), &model)?, model)
        }
    };
    if let Some(backend) = backend {
        config.backend = backend.name().to_string();
    }
    if let Some(dir) = data_dir {
        if let Some(why) = lecture.refuses_data_dir(&model) {
            return Err(format!("--data-dir {why}"));
        }
        // Recorded absolute, so `eval`, `segment` and a resume from any folder find the same files.
        let absolute =
            if dir.as_os_str() == atelier_data::source::EMBEDDED_NAME { None } else { dir.canonicalize().ok() };
        config.data_dir = Some(absolute.unwrap_or(dir));
    }
    apply_all(&mut config.train, &loop_typed)?;
    // The step limit is part of the run: a resumed run keeps its own unless told otherwise.
    if max_steps.is_some() {
        config.train.max_steps = max_steps;
    }
    if no_max_steps {
        config.train.max_steps = None;
    }
    lecture.settle(&model, &mut config.train);
    lecture.validate_loop(&model, &config.train)?;
    config.backend()?;
    config.train.validate()?;
    lecture.validate(&model)?;
    config.set_model(L::ID, &model)?;
    Ok((config, model))
}

/// Trains according to the request; returns the run directory.
pub fn run<L: Lecture>(lecture: &L, request: TrainRequest, ctx: &Context) -> Result<PathBuf, String> {
    let (mut config, mut model) = plan(lecture, &request)?;
    let backend = config.backend()?;
    let device = backend.device().map_err(|e| e.to_string())?;
    let device_name = backend.describe().device_name.unwrap_or_else(|e| e);
    // The data found is recorded (hashed once per run) and checked against what a resumed or
    // repeated run recorded before anything is loaded.
    let found = lecture.locate(&model, config.data_dir.as_deref())?;
    config.data = Some(settle(L::ID, config.data.as_ref(), found.record, request.resume.as_deref())?);
    let data = lecture.load(found.source, &mut model, &config.train)?;
    config.set_model(L::ID, &model)?;

    let (run, resume, mut provenance) = match &request.resume {
        Some(dir) => {
            let run = RunDir::open(dir).map_err(|e| e.to_string())?;
            let mut provenance: Provenance = std::fs::read_to_string(run.run_path())
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_else(|| {
                    Provenance::new(BURN_VERSION, backend.name(), &device_name, &found.description, &repo::root())
                });
            let step = checkpoint_step(&run)?;
            resume::refuse_a_budget_behind(&config.train, step)?;
            provenance.status = "running".into();
            provenance.finished = None;
            provenance.resumed_at_steps.push(step);
            (run, Resume::FromLatestCheckpoint, provenance)
        }
        None => {
            let run =
                RunDir::create(&request.out, L::ID, backend.name(), config.train.seed).map_err(|e| e.to_string())?;
            let provenance =
                Provenance::new(BURN_VERSION, backend.name(), &device_name, &found.description, &repo::root());
            (run, Resume::Fresh, provenance)
        }
    };
    // A new run's files are written now; a resumed run's only once its checkpoint has loaded, so
    // a resume that fails (a damaged checkpoint, weights that do not fit) changes none of them.
    let files = vec![
        (run.config_path(), json_bytes(&config).map_err(|e| e.to_string())?),
        (run.run_path(), json_bytes(&provenance).map_err(|e| e.to_string())?),
    ];
    let after_restore = match resume {
        Resume::Fresh => {
            for (path, bytes) in files {
                write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
            }
            AfterRestore::default()
        }
        Resume::FromLatestCheckpoint => AfterRestore::new(files),
    };
    eprintln!("run: {}  (backend {backend} on {device_name})", run.path().display());

    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(stop.clone());
    let session = Session {
        run: run.clone(),
        config: config.train.clone(),
        device: device.autodiff(),
        stop,
        resume,
        after_restore,
    };
    let result = lecture.train(&model, &session, data, ctx);
    if resume == Resume::FromLatestCheckpoint && !session.after_restore.written() {
        // The resume failed before its state loaded: the run stays exactly as it was.
        let error = result.err().map_or_else(|| "the checkpoint was never loaded".to_string(), |e| e.to_string());
        return Err(format!("{}: cannot resume: {error}", run.path().display()));
    }
    let status = match &result {
        Ok(Outcome::Completed { steps, images_per_second }) => {
            let unit = match lecture.clock() {
                Clock::EnvironmentSteps => "environment steps/s",
                Clock::Epochs => "images/s",
            };
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
    eprintln!("evaluate: cargo xtask eval {} --run {}", L::ID, run.path().display());
    Ok(run.path().to_path_buf())
}

/// The config a `train` continues (`--resume RUN`) or repeats (`--config FILE`), with the run it
/// resumes; None when neither is given.
pub fn base_config(
    config: Option<&Path>,
    resume: Option<&Path>,
) -> Result<Option<(RunConfig, Option<PathBuf>)>, String> {
    match (config, resume) {
        (Some(_), Some(_)) => Err("give either --config or --resume, not both".into()),
        (Some(path), None) => Ok(Some((RunConfig::load(path)?, None))),
        (None, Some(dir)) => {
            Ok(Some((RunConfig::load(&dir.join(atelier_core::run_dir::CONFIG_FILE))?, Some(dir.to_path_buf()))))
        }
        (None, None) => Ok(None),
    }
}

/// The `--config`, `--resume` and `--out` of a `train` command, taken from its typed flags.
pub fn run_flags(typed: &mut Typed) -> Result<(Option<PathBuf>, Option<PathBuf>, PathBuf), String> {
    let config: Option<PathBuf> = typed.take_one("config")?;
    let resume: Option<PathBuf> = typed.take_one("resume")?;
    let out: Option<PathBuf> = typed.take_one("out")?;
    Ok((config, resume, out.unwrap_or_else(|| PathBuf::from(crate::flags::DEFAULT_OUT))))
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
