//! `cargo xtask data pngs` writes a split as 28×28 PNGs (what `eval images` reads), with optional
//! damage, and refuses bad flags clearly.

use std::path::{Path, PathBuf};
use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).env_remove("ATELIER_DATA").args(args).output().expect("xtask starts")
}

/// A temporary folder (removed with everything in it when dropped) and the output folder to create
/// inside it (not there yet, as for a fresh `--out`).
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("pngs");
    (dir, out)
}

fn embedded() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/fashion-mnist-mini")
}

fn gray(path: &Path) -> Vec<u8> {
    image::open(path).unwrap().to_luma8().into_raw()
}

#[test]
fn writes_clean_and_noisy_pngs_of_a_split() {
    let ((_clean_dir, clean), (_noisy_dir, noisy)) = (scratch(), scratch());
    let data = embedded();
    for (out, extra) in [(&clean, vec![]), (&noisy, vec!["--noise", "0.3"])] {
        let mut args = vec!["data", "pngs", "--data-dir", data.to_str().unwrap(), "--limit", "5"];
        args.extend(["--out", out.to_str().unwrap()]);
        args.extend(extra);
        let output = xtask(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let files: Vec<_> = std::fs::read_dir(&clean).unwrap().collect();
    assert_eq!(files.len(), 5);
    let (a, b) = (gray(&clean.join("00000.png")), gray(&noisy.join("00000.png")));
    assert_eq!(a.len(), 28 * 28);
    assert_ne!(a, b, "noise changes the pixels");
    // The clean PNG holds the dataset's bytes exactly (u8 → [0, 1] → u8 round trip).
    let (_again_dir, again) = scratch();
    let args = ["data", "pngs", "--data-dir", data.to_str().unwrap(), "--limit", "1", "--out", again.to_str().unwrap()];
    assert!(xtask(&args).status.success());
    assert_eq!(gray(&again.join("00000.png")), a);
}

#[test]
fn bad_flags_are_refused() {
    let (_dir, out) = scratch();
    let data = embedded();
    let args = ["data", "pngs", "--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap(), "--blur=-1"];
    let output = xtask(&args);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--blur must be ≥ 0"));
    assert!(!out.exists(), "a refused command writes no folder");
}
