//! `bench`: training images/s and peak memory per backend, as a table or JSON lines.
//!
//! Each backend is measured in a fresh process (this binary re-invoked with one `--backend`), so
//! the peak resident memory of one backend does not include another's. Every image model is timed
//! by the one loop [`time_image_steps`].

use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use atelier_autoencoder::{AutoencoderConfig, AutoencoderExperiment};
use atelier_backend::Backend;
use atelier_classifier::{ClassifierConfig, ClassifierExperiment};
use atelier_cli::{BenchCommand, ModelName};
use atelier_data::{Dataset, Rng};
use atelier_dcgan::{DcganConfig, DcganExperiment};
use atelier_lstm::{CellKind, ImageTaskExperiment, LstmConfig};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{BatchSource, Experiment, ImageBatch, ImageSource, StepContext};
use atelier_vae::{VaeConfig, VaeExperiment};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::models;

#[derive(Debug, Serialize, Deserialize)]
struct BenchResult {
    model: String,
    backend: String,
    device: String,
    batch_size: usize,
    steps: usize,
    images_per_s: f64,
    /// Peak resident memory of the process (VmHWM), host side.
    peak_memory_mb: f64,
    /// CPU threads (`RAYON_NUM_THREADS`, else every core).
    #[serde(default)]
    threads: usize,
    /// Share of the timed steps spent assembling batches (host gather + copy to the device).
    #[serde(default)]
    data_share: f64,
}

/// What `bench` was asked to measure.
struct BenchRequest {
    model: ModelName,
    backend: Vec<Backend>,
    batch_size: usize,
    warmup: usize,
    steps: usize,
    /// The LSTM cells to measure (`bench lstm` only; empty: ours and Burn's).
    cell: Vec<CellKind>,
    json: bool,
    /// The runs folder whose `bench/` receives the results (`None`: a child process, print only).
    record: Option<std::path::PathBuf>,
}

impl BenchRequest {
    fn new(command: &BenchCommand) -> Self {
        let (model, args, cells) = command.model.parts().expect("bench all is run by bench_all");
        BenchRequest {
            model,
            backend: args.backend.clone(),
            batch_size: args.batch_size,
            warmup: args.warmup,
            steps: args.steps,
            cell: cells.to_vec(),
            json: args.json,
            record: (!args.no_record).then(|| args.out.clone()),
        }
    }
}

pub fn run(command: &BenchCommand) -> Result<(), String> {
    match &command.model {
        atelier_cli::BenchModel::All(all) => return crate::bench_all::run(all),
        atelier_cli::BenchModel::Ops(ops) => return crate::bench_ops::run(ops),
        _ => {}
    }
    let request = BenchRequest::new(command);
    let cmd = &request;
    if cmd.model == ModelName::Dqn {
        return run_dqn(cmd);
    }
    let backends: Vec<Backend> =
        if cmd.backend.is_empty() { vec![Backend::Flex, Backend::Ndarray] } else { cmd.backend.clone() };
    if cmd.batch_size == 0 || cmd.steps == 0 {
        return Err("--batch-size and --steps must be at least 1".into());
    }
    let results: Vec<BenchResult> = if backends.len() == 1 {
        measure(cmd, backends[0])?
    } else {
        let mut all = Vec::new();
        for &b in &backends {
            all.extend(measure_in_child(cmd, b)?);
        }
        all
    };
    record(cmd, &results)?;
    if cmd.json {
        for r in &results {
            println!("{}", serde_json::to_string(r).map_err(|e| e.to_string())?);
        }
        return Ok(());
    }
    println!(
        "{:<18} {:<8} {:>10} {:>12} {:>14} {:>8} {:>7}  device",
        "model", "backend", "batch", "images/s", "peak MB (RSS)", "threads", "data %"
    );
    for r in &results {
        println!(
            "{:<18} {:<8} {:>10} {:>12.0} {:>14.0} {:>8} {:>7.2}  {}",
            r.model,
            r.backend,
            r.batch_size,
            r.images_per_s,
            r.peak_memory_mb,
            r.threads,
            100.0 * r.data_share,
            r.device
        );
    }
    println!("data % = share of the timed steps spent assembling batches and copying them to the device");
    println!("{}", same_sitting_hint(cmd.model));
    Ok(())
}

/// Where the ratio to PyTorch comes from: measured on this machine in the same sitting by `bench
/// all`, never from a figure measured elsewhere.
fn same_sitting_hint(model: ModelName) -> String {
    format!(
        "× PyTorch on this machine, measured in the same sitting: cargo xtask bench all --model {} --reference pytorch",
        model.name()
    )
}

/// The LSTM cells `bench lstm` measures: those given with `--cell`, else ours and Burn's.
fn lstm_cells(cmd: &BenchRequest) -> Vec<CellKind> {
    if cmd.cell.is_empty() {
        return vec![CellKind::Ours, CellKind::Burn];
    }
    cmd.cell.clone()
}

/// What [`time_image_steps`] measured.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    /// Training images per second over the timed steps.
    pub images_per_s: f64,
    /// Peak resident memory of the process after the timed steps (VmHWM), host side.
    pub peak_memory_mb: f64,
    /// The share of the timed steps spent assembling batches on the host and handing them to the
    /// device (what a prefetching thread could hide).
    pub data_share: f64,
}

/// The one timed loop of `bench` for every image model: `warmup` untimed training steps of
/// `experiment` at `batch_size` on `device` (autodiff enabled), then `steps` timed ones, cycling
/// through the training images in order. One host read of the last loss ends each phase, so the
/// timing covers the queued device work and no per-step sync is added. A failed read, or a
/// non-finite last loss, is an error (a benchmark of a diverged or broken step measures nothing).
pub fn time_image_steps<E: Experiment<Batch = ImageBatch>>(
    experiment: E,
    device: &Device,
    data: &Dataset,
    batch_size: usize,
    warmup: usize,
    steps: usize,
) -> Result<Throughput, String> {
    let source = ImageSource::new(Arc::new(data.train.clone()), None);
    time_steps(experiment, device, &source, batch_size, warmup, steps)
}

/// [`time_image_steps`] on any batch source (image pairs for translation).
pub fn time_steps<E: Experiment<Batch = S::Batch>, S: BatchSource>(
    mut experiment: E,
    device: &Device,
    source: &S,
    batch_size: usize,
    warmup: usize,
    steps: usize,
) -> Result<Throughput, String> {
    let n = source.len();
    let mut rng = Rng::new(0);
    let mut data_seconds = 0.0;
    let mut run_steps = |count: usize, rng: &mut Rng, phase: &str, data_seconds: &mut f64| -> Result<(), String> {
        let mut last = None;
        for step in 0..count {
            let indices: Vec<usize> = (0..batch_size).map(|i| (step * batch_size + i) % n).collect();
            let assembling = Instant::now();
            let batch = source.batch(&indices, rng, device);
            *data_seconds += assembling.elapsed().as_secs_f64();
            let mut ctx =
                StepContext { step: step as u64, epoch: 0, device: device.clone(), rng: Rng::new(step as u64) };
            last = experiment.train_step(batch, &mut ctx).metrics.into_iter().next();
        }
        let Some((name, value)) = last else { return Ok(()) }; // no steps, or a step with no metric
        let value = value
            .try_into_scalar::<f32>()
            .map_err(|e| format!("bench: reading the {phase} steps' last {name} from the device failed: {e:?}"))?;
        if !value.is_finite() {
            return Err(format!("bench: the {phase} steps ended with {name} = {value}: the step diverged"));
        }
        Ok(())
    };
    run_steps(warmup, &mut rng, "warm-up", &mut 0.0)?;
    let start = Instant::now();
    run_steps(steps, &mut rng, "timed", &mut data_seconds)?;
    let seconds = start.elapsed().as_secs_f64();
    let images_per_s = (steps * batch_size) as f64 / seconds;
    Ok(Throughput { images_per_s, peak_memory_mb: peak_rss_mb(), data_share: data_seconds / seconds })
}

/// A training step `bench` times on images: each model's default configuration.
#[derive(Debug, Clone, Copy)]
enum ImageBench {
    Autoencoder,
    Vae,
    Classifier,
    Dcgan,
    /// pix2pix on Twitter→Google emoji pairs (the embedded set's training pairs, cycled).
    Pix2pix,
    /// CycleGAN at 64×64 on the embedded set's unpaired Twitter and Google halves.
    Cyclegan,
    /// The LSTM's `rows` classifier with this cell.
    LstmRows(CellKind),
    /// A segmentation network on 64×64 Fashion scenes (made from the embedded garments).
    Segmentation(atelier_segmentation::Architecture),
    /// The FaceNet embedding and its semi-hard triplet loss on the embedded emoji, P × 2 views.
    Facenet,
}

impl ImageBench {
    /// The name in the table and the JSON lines.
    fn label(self) -> String {
        match self {
            ImageBench::Autoencoder => "autoencoder".into(),
            ImageBench::Vae => "vae".into(),
            ImageBench::Classifier => "classifier (cnn)".into(),
            ImageBench::Dcgan => "dcgan (1 D + 1 G step)".into(),
            ImageBench::Pix2pix => "pix2pix (1 D + 1 G step)".into(),
            ImageBench::Cyclegan => "cyclegan 64×64 (G, F + D_X, D_Y)".into(),
            ImageBench::LstmRows(cell) => format!("lstm rows ({})", format!("{cell:?}").to_lowercase()),
            ImageBench::Segmentation(architecture) => format!("segmentation ({})", architecture.name()),
            ImageBench::Facenet => "facenet (semi-hard)".into(),
        }
    }

    /// Times the step with [`time_image_steps`], the model initialised from seed 0 on `device`.
    fn time(self, device: &Device, data: &Dataset, cmd: &BenchRequest) -> Result<Throughput, String> {
        let device = device.clone().autodiff();
        seed_device_for_init(&device, 0);
        let (batch, warmup, steps) = (cmd.batch_size, cmd.warmup, cmd.steps);
        match self {
            ImageBench::Autoencoder => {
                let experiment = AutoencoderExperiment::new(AutoencoderConfig::default(), &device);
                time_image_steps(experiment, &device, data, batch, warmup, steps)
            }
            ImageBench::Vae => {
                let experiment = VaeExperiment::new(VaeConfig::default(), &device);
                time_image_steps(experiment, &device, data, batch, warmup, steps)
            }
            ImageBench::Classifier => {
                let experiment = ClassifierExperiment::new(ClassifierConfig::default(), &device);
                time_image_steps(experiment, &device, data, batch, warmup, steps)
            }
            ImageBench::Dcgan => {
                let experiment = DcganExperiment::new(DcganConfig::default(), &device);
                time_image_steps(experiment, &device, data, batch, warmup, steps)
            }
            ImageBench::Pix2pix => {
                let config = atelier_pix2pix::Pix2PixConfig::default();
                let pairs = models::pix2pix::embedded_bench_pairs()?;
                let source = atelier_train::PairSource::new(Arc::new(pairs), None);
                let experiment = atelier_pix2pix::Pix2PixExperiment::new(config, &device);
                time_steps(experiment, &device, &source, batch, warmup, steps)
            }
            ImageBench::Cyclegan => {
                let config = atelier_cyclegan::CycleGanConfig { size: 64, ..Default::default() };
                let source =
                    atelier_train::UnpairedSource::new(Arc::new(models::cyclegan::embedded_bench_domains()?), None);
                let experiment = atelier_cyclegan::CycleGanExperiment::new(config, 1, &device);
                time_steps(experiment, &device, &source, batch, warmup, steps)
            }
            ImageBench::Segmentation(architecture) => {
                let config = atelier_segmentation::SegmentationConfig { architecture, ..Default::default() };
                let source = atelier_train::MaskSource::new(Arc::new(bench_scenes()?), None);
                let experiment = atelier_segmentation::SegmentationExperiment::new(config, None, &device);
                time_steps(experiment, &device, &source, batch, warmup, steps)
            }
            ImageBench::Facenet => {
                let config = atelier_facenet::FacenetConfig::for_task(atelier_facenet::FacenetTask::Emoji);
                // The embedded emoji have two renderings each: batches of batch/2 identities × 2
                // distinct views (PyTorch's reference labels 4 views per identity; the network's
                // work and the loss's [n, n, n] masks are the same size).
                let set = models::facenet::bench_identities()?;
                let k = 2;
                let source = atelier_train::IdentitySource::new(Arc::new(set), (batch / k).max(2), k);
                let experiment = atelier_facenet::FacenetExperiment::new(config, &device);
                time_steps(experiment, &device, &source, batch, warmup, steps)
            }
            ImageBench::LstmRows(cell) => {
                let config = LstmConfig { cell, ..LstmConfig::default() };
                let experiment = ImageTaskExperiment::new(config, data.rows(), data.num_classes(), &device)
                    .map_err(|e| format!("bench lstm: {e}"))?;
                time_image_steps(experiment, &device, data, batch, warmup, steps)
            }
        }
    }
}

/// 256 Fashion scenes of the embedded garments (what `bench segmentation` cycles through).
fn bench_scenes() -> Result<atelier_data::MaskedImages, String> {
    use atelier_data::scenes::{self, Garments, SceneConfig, SceneGenerator, SceneSplit};
    let data = atelier_data::load_from(atelier_data::DataSource::Embedded).map_err(|e| e.to_string())?;
    let garments = Garments::from_dataset(&data, SceneSplit::Train).map_err(|e| e.to_string())?;
    let generator = SceneGenerator::new(SceneConfig::default(), garments).map_err(|e| e.to_string())?;
    Ok(atelier_data::MaskedImages::from_scenes(&generator, 256, scenes::scene_class_names(&data.class_names)))
}

fn measure(cmd: &BenchRequest, backend: Backend) -> Result<Vec<BenchResult>, String> {
    let device = backend.device().map_err(|e| e.to_string())?;
    let data = atelier_data::load(None).map_err(|e| e.to_string())?;
    let benches: Vec<ImageBench> = match cmd.model {
        ModelName::Autoencoder => vec![ImageBench::Autoencoder],
        ModelName::Vae => vec![ImageBench::Vae],
        ModelName::Classifier => vec![ImageBench::Classifier],
        ModelName::Dcgan => vec![ImageBench::Dcgan],
        ModelName::Pix2pix => vec![ImageBench::Pix2pix],
        ModelName::Cyclegan => vec![ImageBench::Cyclegan],
        ModelName::Segmentation => {
            atelier_segmentation::Architecture::ALL.into_iter().map(ImageBench::Segmentation).collect()
        }
        ModelName::Facenet => vec![ImageBench::Facenet],
        ModelName::Lstm => lstm_cells(cmd).into_iter().map(ImageBench::LstmRows).collect(),
        ModelName::Dqn => return Err("dqn is measured by run_dqn (environment steps and updates, not images)".into()),
    };
    benches
        .into_iter()
        .map(|bench| {
            let Throughput { images_per_s, peak_memory_mb, data_share } = bench.time(&device, &data, cmd)?;
            Ok(BenchResult {
                model: bench.label(),
                backend: backend.name().into(),
                device: backend.describe().device_name.unwrap_or_else(|e| e),
                batch_size: cmd.batch_size,
                steps: cmd.steps,
                images_per_s,
                peak_memory_mb,
                threads: atelier_core::threads::cpu_threads(),
                data_share,
            })
        })
        .collect()
}

fn measure_in_child(cmd: &BenchRequest, backend: Backend) -> Result<Vec<BenchResult>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    eprintln!("measuring {backend} …");
    let cells: Vec<String> = cmd.cell.iter().flat_map(|c| ["--cell".to_string(), c.name().to_string()]).collect();
    let output = Command::new(exe)
        .env("BURN_DEVICE", backend.name())
        .args(["bench", cmd.model.name(), "--json", "--no-record", "--backend", backend.name()])
        .args(cells)
        .args(["--batch-size", &cmd.batch_size.to_string()])
        .args(["--warmup", &cmd.warmup.to_string(), "--steps", &cmd.steps.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("bench on {backend} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("bench on {backend}: unreadable result {l:?}: {e}")))
        .collect()
}

/// Peak resident set size of this process in MB (Linux `VmHWM`; 0 where unavailable).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

/// At least this many gradient updates are timed (one takes about a millisecond).
const DQN_MIN_TIMED_UPDATES: usize = 300;

#[derive(Debug, Serialize, Deserialize)]
struct DqnBenchResult {
    model: String,
    backend: String,
    device: String,
    batch_size: usize,
    timed_updates: usize,
    #[serde(flatten)]
    speeds: models::dqn::DqnBench,
    peak_memory_mb: f64,
    /// CPU threads (`RAYON_NUM_THREADS`, else every core).
    #[serde(default)]
    threads: usize,
}

/// `bench dqn`: environment steps/s and gradient updates/s per backend (default: all three).
fn run_dqn(cmd: &BenchRequest) -> Result<(), String> {
    let backends: Vec<Backend> =
        if cmd.backend.is_empty() { vec![Backend::Flex, Backend::Ndarray, Backend::Wgpu] } else { cmd.backend.clone() };
    if cmd.batch_size == 0 {
        return Err("--batch-size must be at least 1".into());
    }
    let timed = cmd.steps.max(DQN_MIN_TIMED_UPDATES);
    let results: Vec<DqnBenchResult> = if backends.len() == 1 {
        let backend = backends[0];
        let device = backend.device().map_err(|e| e.to_string())?;
        let speeds =
            models::dqn::bench(&device, cmd.batch_size, cmd.warmup.max(20), timed).map_err(|e| e.to_string())?;
        vec![DqnBenchResult {
            model: "dqn".into(),
            backend: backend.name().into(),
            device: backend.describe().device_name.unwrap_or_else(|e| e),
            batch_size: cmd.batch_size,
            timed_updates: timed,
            speeds,
            peak_memory_mb: peak_rss_mb(),
            threads: atelier_core::threads::cpu_threads(),
        }]
    } else {
        let mut results = Vec::new();
        for &backend in &backends {
            match child_json(cmd, backend, "dqn") {
                Ok(r) => results.push(r),
                Err(e) => eprintln!("warning: {e}"),
            }
        }
        results
    };
    record(cmd, &results)?;
    if cmd.json {
        for r in &results {
            println!("{}", serde_json::to_string(r).map_err(|e| e.to_string())?);
        }
        return Ok(());
    }
    println!(
        "{:<8} {:>14} {:>14} {:>12} {:>16} {:>8}  device",
        "backend", "env steps/s", "acting/s", "updates/s", "train env st/s", "peak MB"
    );
    for r in &results {
        let s = &r.speeds;
        println!(
            "{:<8} {:>14.0} {:>14.0} {:>12.0} {:>16.0} {:>8.0}  {}",
            r.backend,
            s.env_steps_per_s,
            s.acting_steps_per_s,
            s.updates_per_s,
            s.training_env_steps_per_s,
            r.peak_memory_mb,
            r.device
        );
    }
    println!("updates at batch {}", cmd.batch_size);
    println!("{}", same_sitting_hint(cmd.model));
    Ok(())
}

/// Writes the results as JSON lines to `<runs>/bench/<time>-<model>.jsonl` (atomically), where
/// `cargo xtask report` finds them; says where on stderr.
fn record<T: Serialize>(cmd: &BenchRequest, results: &[T]) -> Result<(), String> {
    let Some(runs) = &cmd.record else {
        return Ok(());
    };
    let lines =
        results.iter().map(|r| serde_json::to_string(r).map_err(|e| e.to_string())).collect::<Result<Vec<_>, _>>()?;
    record_lines(runs, cmd.model.name(), &lines)
}

/// Writes `lines` (one JSON result each) to `<runs>/bench/<time>-<name>.jsonl` atomically, where the
/// report's backends table reads them; nothing when there are none. `bench all` records through it too.
pub fn record_lines(runs: &std::path::Path, name: &str, lines: &[String]) -> Result<(), String> {
    if lines.is_empty() {
        return Ok(());
    }
    let dir = runs.join(atelier_report::records::BENCH_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let stamp = atelier_core::clock::compact(atelier_core::clock::unix_now());
    let path = dir.join(format!("{stamp}-{name}.jsonl"));
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    atelier_core::atomic::write_atomic(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("bench results recorded in {} (for cargo xtask report)", path.display());
    Ok(())
}

/// Runs this binary's `bench <model> --json` for one backend in a fresh process.
fn child_json<T: serde::de::DeserializeOwned>(cmd: &BenchRequest, backend: Backend, model: &str) -> Result<T, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    eprintln!("measuring {backend} …");
    let output = Command::new(exe)
        .env("BURN_DEVICE", backend.name())
        .args(["bench", model, "--json", "--no-record", "--backend", backend.name()])
        .args(["--batch-size", &cmd.batch_size.to_string()])
        .args(["--warmup", &cmd.warmup.to_string(), "--steps", &cmd.steps.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("bench on {backend} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).map_err(|e| format!("bench on {backend}: unreadable result {text:?}: {e}"))
}
