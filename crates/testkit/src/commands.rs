//! What the end-to-end tests share, the registry's and each lecture's: run the real `atelier`
//! binary (what `cargo xtask` calls) on the embedded mini sets, in temporary folders.

use std::fs;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The `atelier` binary of this checkout, built once per test process by the cargo that builds the
/// tests (same profile, same target folder): a lecture's test files live in its own crate, so cargo
/// does not build the runner's binary for them by itself. `ATELIER_BIN` names another binary.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os("ATELIER_BIN") {
            return PathBuf::from(path);
        }
        let exe = std::env::current_exe().expect("the test binary's path");
        // <target>/<profile>/deps/<test binary>
        let profile_dir = exe.parent().and_then(Path::parent).expect("a test binary lives in <target>/<profile>/deps");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--package", "atelier-runner", "--bin", "atelier"])
            .current_dir(&root)
            .status()
            .expect("cargo starts");
        assert!(status.success(), "building the atelier binary failed");
        profile_dir.join(format!("atelier{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A fresh temporary folder for one test, removed with everything in it when dropped (at the end
/// of the test, passed or failed), so `cargo test` leaves nothing in the system temp directory.
/// Derefs to its [`Path`].
pub struct Scratch(tempfile::TempDir);

impl Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// A fresh temporary folder for one test, named after it (`atelier-e2e-<name>-…`).
pub fn scratch(name: &str) -> Scratch {
    Scratch(tempfile::Builder::new().prefix(&format!("atelier-e2e-{name}-")).tempdir().expect("a temporary folder"))
}

/// Runs the runner with `BURN_DEVICE` set to `backend` (as `cargo xtask` does).
/// The developer's own datasets are never read: Fashion-MNIST comes from the flags, emoji from the
/// embedded set unless a flag names a folder.
pub fn atelier(backend: &str, args: &[&str]) -> Output {
    Command::new(bin())
        .env("BURN_DEVICE", backend)
        .env_remove("ATELIER_DATA")
        .env("ATELIER_EMOJI", "embedded")
        .args(args)
        .output()
        .expect("runner starts")
}

/// Asserts the command succeeded, showing its output if not.
pub fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "command failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Asserts that the command failed (a non-zero exit status) and said `needle` on stderr; returns
/// its stderr.
pub fn fails_with(output: &Output, needle: &str) -> String {
    let err = stderr(output);
    assert!(!output.status.success(), "the command should fail (expected '{needle}'), but it succeeded:\n{err}");
    assert!(err.contains(needle), "expected '{needle}' in stderr:\n{err}");
    err
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// The only run directory under `out/<model>/`.
pub fn single_run_of(out: &Path, model: &str) -> PathBuf {
    let runs: Vec<PathBuf> = fs::read_dir(out.join(model)).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs[0].clone()
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A number from a flat `eval.json`.
pub fn eval_value(run: &Path, key: &str) -> f64 {
    let text = read(&run.join("eval.json"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json[key].as_f64().unwrap_or_else(|| panic!("eval.json has no number '{key}': {text}"))
}

/// The folder of the embedded mini set's files (`assets/fashion-mnist-mini`), so the tests use the
/// same data whether or not the full dataset is installed on the machine. Read only: a test that
/// needs altered data copies it into its [`scratch`] folder.
pub fn embedded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fashion-mnist-mini")
}

/// The folder of the checkout's `assets/`.
pub fn assets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

/// Decodes the PNG at `path` and checks that it is a picture: at least `min_width × min_height`
/// pixels and not one flat colour (an empty canvas or an all-black grid fails). Returns its size.
pub fn assert_picture(path: &Path, min_width: u32, min_height: u32) -> (u32, u32) {
    let picture = image::open(path).unwrap_or_else(|e| panic!("{}: not a readable PNG: {e}", path.display()));
    let (width, height) = (picture.width(), picture.height());
    assert!(
        width >= min_width && height >= min_height,
        "{}: {width}×{height}, expected at least {min_width}×{min_height}",
        path.display()
    );
    let pixels = picture.to_rgb8();
    let first = pixels.get_pixel(0, 0);
    assert!(pixels.pixels().any(|p| p != first), "{}: every pixel is {first:?}: nothing was drawn", path.display());
    (width, height)
}

/// Checks one JSON line of `bench <image model> --json`, from a command that took `elapsed` in all:
/// the model it names, and an images/s that the command's own run time bounds from below (the
/// timed steps are part of it), and a peak memory that a process running Burn reaches.
pub fn assert_bench_line(line: &serde_json::Value, model: &str, elapsed: std::time::Duration) {
    assert_eq!(line["model"].as_str(), Some(model), "{line}");
    let images_per_s = line["images_per_s"].as_f64().unwrap_or_else(|| panic!("no images_per_s: {line}"));
    let timed_images = line["steps"].as_f64().unwrap() * line["batch_size"].as_f64().unwrap();
    let lower_bound = timed_images / elapsed.as_secs_f64();
    assert!(
        images_per_s.is_finite() && images_per_s >= lower_bound,
        "{images_per_s} images/s, but {timed_images} images were timed within {elapsed:?} (≥ {lower_bound:.1}/s): {line}"
    );
    let peak_mb = line["peak_memory_mb"].as_f64().unwrap();
    assert!(peak_mb > 10.0 && peak_mb.is_finite(), "peak memory {peak_mb} MB: {line}");
}

/// `train <model>` on the embedded set with small defaults (256 images, batch 64 → 4 steps per
/// epoch); `extra` flags replace the defaults of the same name.
pub fn train_small_model(model: &str, out: &Path, backend: &str, extra: &[&str]) -> Output {
    let args = small_train_args(model, out, backend, extra);
    atelier(backend, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The command line of [`train_small_model`].
pub fn small_train_args(model: &str, out: &Path, backend: &str, extra: &[&str]) -> Vec<String> {
    let data = embedded_dir();
    let defaults = [
        ("--backend", backend),
        ("--data-dir", data.to_str().unwrap()),
        ("--out", out.to_str().unwrap()),
        ("--train-limit", "256"),
        ("--valid-limit", "128"),
        ("--batch-size", "64"),
        ("--log-every", "2"),
        ("--checkpoint-every", "2"),
    ];
    let mut args = vec!["train", model];
    for (flag, value) in defaults {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    args.into_iter().map(str::to_string).collect()
}

/// The step of a run's latest checkpoint, if it has one (read as the loop writes it: `latest`
/// names `step-<n>` or `step-<n>.<r>`).
pub fn latest_checkpoint_step(run: &Path) -> Option<u64> {
    let name = fs::read_to_string(run.join("checkpoints/latest")).ok()?;
    name.trim().strip_prefix("step-")?.split('.').next()?.parse().ok()
}

/// Starts `atelier <args>` (a `train` that writes one run under `out/<model>/`) with `env` set,
/// waits until its checkpoint of step `after_step` (or a later one) exists, lets it go on for
/// `delay` (it is then in a step, a validation, a figure or a checkpoint: wherever it happens to
/// be) and kills it with SIGKILL. Returns the run directory.
///
/// # Panics
/// When the run ends before it is killed (the kill would test nothing: give it more steps).
pub fn kill_after_checkpoint(
    args: &[&str],
    env: &[(&str, &str)],
    out: &Path,
    model: &str,
    after_step: u64,
    delay: std::time::Duration,
) -> PathBuf {
    let mut command = Command::new(bin());
    command.env("BURN_DEVICE", "flex").env_remove("ATELIER_DATA").env("ATELIER_EMOJI", "embedded").args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let started = std::time::Instant::now();
    let run = loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before its checkpoint of step {after_step}: give it more steps");
        }
        let run = fs::read_dir(out.join(model)).ok().and_then(|mut runs| runs.next()).map(|e| e.unwrap().path());
        if let Some(run) = run.filter(|run| latest_checkpoint_step(run).is_some_and(|s| s >= after_step)) {
            break run;
        }
        assert!(started.elapsed().as_secs() < 600, "no checkpoint of step {after_step} after 10 minutes");
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap();
    assert!(finished.is_none(), "the run ended ({finished:?}) before the kill: give it more steps");
    child.kill().unwrap(); // SIGKILL on Unix: no handler runs, nothing is flushed
    child.wait().unwrap();
    run
}

/// The kill tests' random generator: seeded from the clock, or from `ATELIER_KILL_SEED` to replay
/// a failure; the seed is printed either way.
pub fn kill_rng() -> atelier_core::Rng {
    let seed = std::env::var("ATELIER_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("ATELIER_KILL_SEED={seed}");
    atelier_core::Rng::new(seed)
}

/// `count` different steps from `1..=last`, drawn with `rng`.
pub fn kill_steps(rng: &mut atelier_core::Rng, last: u64, count: usize) -> Vec<u64> {
    let mut steps: Vec<u64> = (1..=last).collect();
    rng.shuffle(&mut steps);
    steps.truncate(count);
    steps
}
