//! Helpers shared by the end-to-end test files: run the real `atelier` binary (what `cargo xtask`
//! calls) on the embedded mini Fashion-MNIST set, in temporary folders.
#![allow(dead_code)] // each test file uses a different subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_atelier");

/// A fresh temporary folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atelier-e2e-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the runner with `BURN_DEVICE` set to `backend` (as `cargo xtask` does).
pub fn atelier(backend: &str, args: &[&str]) -> Output {
    Command::new(BIN).env("BURN_DEVICE", backend).env_remove("ATELIER_DATA").args(args).output().expect("runner starts")
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

/// A data folder holding a copy of the embedded mini set, so the tests use the same data whether
/// or not the full dataset is installed on the machine.
pub fn embedded_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atelier-e2e-embedded-{}", std::process::id()));
    if !dir.join("t10k-labels-idx1-ubyte.gz").exists() {
        fs::create_dir_all(&dir).unwrap();
        let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fashion-mnist-mini");
        for f in [
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
        ] {
            fs::copy(assets.join(f), dir.join(f)).unwrap();
        }
    }
    dir
}

/// `train <model>` on the embedded set with small defaults (256 images, batch 64 → 4 steps per
/// epoch; `--latent 8` for the models that have one); `extra` flags replace the defaults of the same name.
pub fn train_small_model(model: &str, out: &Path, backend: &str, extra: &[&str]) -> Output {
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
        ("--latent", "8"),
    ];
    let mut args = vec!["train", model];
    for (flag, value) in defaults {
        let has_latent = matches!(model, "autoencoder" | "vae");
        if !extra.contains(&flag) && (flag != "--latent" || has_latent) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    atelier(backend, &args)
}
