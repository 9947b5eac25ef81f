//! A run is a pure function of its `config.json`: `train` records its data (the folder or
//! "embedded", each file's size and MD5), and `--resume` / `--config` refuse data that differs.

use std::fs;
use std::path::{Path, PathBuf};

use atelier_testkit::commands::{atelier, ok, read, single_run_of, stderr, train_small_model};

/// The embedded set's files, as compiled into the binary.
fn asset_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fashion-mnist-mini")
}

const FILES: [&str; 4] = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
];

/// A folder holding the embedded files, with one byte of the file named `changed` altered: the
/// gzip header's OS byte, so the folder still loads as the very same images (only the MD5 tells).
fn embedded_copy(changed: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in FILES {
        let mut bytes = fs::read(asset_dir().join(name)).unwrap();
        if Some(name) == changed {
            bytes[9] ^= 1;
        }
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn config_json(run: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&run.join("config.json"))).unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_run_records_its_data_and_refuses_other_data_on_resume_and_config() {
    let out = tempfile::tempdir().unwrap();
    let first = ok(train_small_model(
        "autoencoder",
        out.path(),
        "flex",
        &["--data-dir", "embedded", "--epochs", "2", "--max-steps", "4", "--latent", "8"],
    ));
    assert!(stderr(&first).contains("data: embedded mini Fashion-MNIST"), "{}", stderr(&first));
    let run = single_run_of(out.path(), "autoencoder");

    // Recorded: "embedded", and each file's name, size and MD5.
    let config = config_json(&run);
    let data = &config["data"];
    assert_eq!(data["kind"], "embedded", "{config:#}");
    let files = data["files"].as_array().unwrap_or_else(|| panic!("no files: {config:#}"));
    assert_eq!(files.len(), 4, "{config:#}");
    for (file, name) in files.iter().zip(FILES) {
        let bytes = fs::read(asset_dir().join(name)).unwrap();
        assert_eq!(file["name"], name);
        assert_eq!(file["bytes"].as_u64(), Some(bytes.len() as u64), "{file}");
        assert_eq!(file["md5"].as_str(), Some(format!("{:x}", md5::compute(&bytes)).as_str()), "{file}");
    }

    // Resuming on other data is refused, naming both and the file that differs; nothing is written.
    let changed = embedded_copy(Some("train-labels-idx1-ubyte.gz"));
    let before = read(&run.join("config.json"));
    let metrics_before = read(&run.join("metrics.csv"));
    let refused = atelier("flex", &["train", "autoencoder", "--resume", s(&run), "--data-dir", s(changed.path())]);
    let message = stderr(&refused);
    assert!(!refused.status.success(), "resumed on other data:\n{message}");
    assert!(message.contains("recorded: embedded mini Fashion-MNIST"), "{message}");
    assert!(message.contains(&format!("found:    {}", changed.path().display())), "{message}");
    assert!(message.contains("train-labels-idx1-ubyte.gz: recorded "), "{message}");
    assert!(!message.contains("train-images-idx3-ubyte.gz: recorded"), "only the changed file: {message}");
    assert!(message.contains("--data-dir embedded"), "says how to go on: {message}");
    assert_eq!(read(&run.join("config.json")), before, "the refused resume rewrote config.json");
    assert_eq!(read(&run.join("metrics.csv")), metrics_before);

    // So is repeating the run from its config on other data; no run directory is made.
    let again = tempfile::tempdir().unwrap();
    let config_file = run.join("config.json");
    let refused = atelier(
        "flex",
        &[
            "train",
            "autoencoder",
            "--config",
            s(&config_file),
            "--data-dir",
            s(changed.path()),
            "--out",
            s(again.path()),
        ],
    );
    let message = stderr(&refused);
    assert!(!refused.status.success(), "repeated on other data:\n{message}");
    assert!(message.contains("recorded: embedded mini Fashion-MNIST"), "{message}");
    assert!(message.contains(&format!("found:    {}", changed.path().display())), "{message}");
    assert!(message.contains("train-labels-idx1-ubyte.gz: recorded "), "{message}");
    assert!(!again.path().join("autoencoder").exists(), "a refused run made a directory");

    // The same data resumes (the run recorded --data-dir embedded) and repeats, and the record stays.
    let resumed = ok(atelier("flex", &["train", "--resume", s(&run), "--no-max-steps"]));
    assert!(stderr(&resumed).contains("completed 8 steps"), "{}", stderr(&resumed));
    assert_eq!(config_json(&run)["data"], *data);
    // `eval` scores the data the run trained on, and nothing else, and says which in eval.json.
    let refused = atelier("flex", &["eval", "autoencoder", "--run", s(&run), "--data-dir", s(changed.path())]);
    let message = stderr(&refused);
    assert!(!refused.status.success() && message.contains("eval would score other data"), "{message}");
    assert!(message.contains("train-labels-idx1-ubyte.gz: recorded "), "{message}");
    assert!(!run.join("eval.json").exists(), "a refused eval wrote eval.json");
    ok(atelier("flex", &["eval", "autoencoder", "--run", s(&run)]));
    let eval: serde_json::Value = serde_json::from_str(&read(&run.join("eval.json"))).unwrap();
    assert_eq!(eval["data"], *data, "{eval:#}");
    // The same files in a folder are the same data (where they lie is reported, not compared).
    let same = embedded_copy(None);
    ok(atelier(
        "flex",
        &["train", "autoencoder", "--config", s(&config_file), "--max-steps", "1", "--out", s(again.path())],
    ));
    let repeated = single_run_of(again.path(), "autoencoder");
    assert_eq!(config_json(&repeated)["data"], *data);
    let moved = ok(atelier(
        "flex",
        &["train", "autoencoder", "--resume", s(&repeated), "--data-dir", s(same.path()), "--max-steps", "2"],
    ));
    assert!(stderr(&moved).contains("data: the recorded files"), "{}", stderr(&moved));
}

#[test]
fn every_model_that_reads_images_records_and_checks_its_data() {
    let changed = embedded_copy(Some("t10k-images-idx3-ubyte.gz"));
    let cases: [(&str, &[&str]); 6] = [
        ("autoencoder", &["--latent", "8"]),
        ("vae", &["--latent", "8"]),
        ("classifier", &[]),
        ("lstm", &["--task", "rows", "--hidden", "16"]),
        ("lstm", &["--task", "complete", "--hidden", "16"]),
        ("dcgan", &["--score-every", "0"]),
    ];
    for (model, extra) in cases {
        let out = tempfile::tempdir().unwrap();
        let mut flags = vec!["--data-dir", "embedded", "--max-steps", "2"];
        flags.extend_from_slice(extra);
        ok(train_small_model(model, out.path(), "flex", &flags));
        let run = single_run_of(out.path(), model);
        assert_eq!(config_json(&run)["data"]["kind"], "embedded", "{model} {extra:?}");
        let refused = atelier("flex", &["train", model, "--resume", s(&run), "--data-dir", s(changed.path())]);
        let message = stderr(&refused);
        assert!(!refused.status.success(), "{model} {extra:?} resumed on other data:\n{message}");
        assert!(message.contains("t10k-images-idx3-ubyte.gz: recorded "), "{model} {extra:?}: {message}");
    }
}

#[test]
fn generated_data_is_described_not_checked() {
    let out = tempfile::tempdir().unwrap();
    let args = [
        "train",
        "lstm",
        "--task",
        "sequence",
        "--out",
        s(out.path()),
        "--train-sequences",
        "128",
        "--test-sequences",
        "32",
        "--epochs",
        "1",
        "--batch-size",
        "64",
        "--hidden",
        "8",
    ];
    ok(atelier("flex", &args));
    let run = single_run_of(out.path(), "lstm");
    let data = &config_json(&run)["data"];
    assert_eq!(data["kind"], "generated", "{data}");
    assert!(data["description"].as_str().is_some_and(|d| d.starts_with("generated progressions")), "{data}");
}
