//! End-to-end tests of the commands, running the real `atelier` binary (what `cargo xtask` calls)
//! on the embedded mini Fashion-MNIST set, in temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use atelier_testkit::commands::{assert_picture, atelier, bin, embedded_dir, fails_with, ok, read, scratch, stderr};

/// The only run directory under `out/autoencoder/`.
fn single_run(out: &Path) -> PathBuf {
    atelier_testkit::commands::single_run_of(out, "autoencoder")
}

/// A small autoencoder run on the embedded set (see [`atelier_testkit::commands::train_small_model`]),
/// with an 8-dimensional code unless `extra` says otherwise.
fn train_small(out: &Path, backend: &str, extra: &[&str]) -> Output {
    let mut flags: Vec<&str> = if extra.contains(&"--latent") { Vec::new() } else { vec!["--latent", "8"] };
    flags.extend_from_slice(extra);
    atelier_testkit::commands::train_small_model("autoencoder", out, backend, &flags)
}

#[test]
fn a_run_writes_its_whole_directory() {
    let out = scratch("layout");
    ok(train_small(&out, "flex", &["--epochs", "2"]));
    let run = single_run(&out);
    assert!(run.file_name().unwrap().to_string_lossy().ends_with("-flex-s0"));
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"name\": \"autoencoder\"") && config.contains("\"latent\": 8"), "{config}");
    let provenance = read(&run.join("run.json"));
    for key in [
        "git_revision",
        "burn_version",
        "\"backend\": \"flex\"",
        "command_line",
        "\"status\": \"completed\"",
        "data_source",
    ] {
        assert!(provenance.contains(key), "run.json lacks {key}: {provenance}");
    }
    let metrics = read(&run.join("metrics.csv"));
    assert!(metrics.starts_with("step,epoch,split,name,value\n"));
    assert!(metrics.contains(",train,loss,") && metrics.contains(",test,mse,"), "{metrics}");
    for png in ["samples/epoch-001-reconstructions.png", "samples/epoch-002-morphing.png"] {
        assert_picture(&run.join(png), 2 * 28, 28);
    }
    for plot in ["plots/loss.png", "plots/mse.png"] {
        assert_picture(&run.join(plot), 200, 100);
    }
    assert!(run.join("checkpoints/latest").is_file());

    // eval writes eval.json with the documented keys and its figures.
    let output = ok(atelier(
        "flex",
        &["eval", "autoencoder", "--run", run.to_str().unwrap(), "--data-dir", embedded_dir().to_str().unwrap()],
    ));
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("test_psnr_db"), "{table}");
    let eval: serde_json::Value = serde_json::from_str(&read(&run.join("eval.json"))).unwrap();
    for key in ["test_mse", "test_psnr_db", "pca_test_psnr_db"] {
        assert!(eval[key].as_f64().is_some_and(f64::is_finite), "eval.json lacks {key}: {eval}");
    }
    assert_picture(&run.join("samples/eval-latent-scatter.png"), 200, 100);
    assert_picture(&run.join("samples/eval-morphing-0-1.png"), 2 * 28, 28);

    // `train --config <run>/config.json` repeats the run: identical metrics.
    let again = scratch("layout-again");
    ok(atelier(
        "flex",
        &["train", "--config", run.join("config.json").to_str().unwrap(), "--out", again.to_str().unwrap()],
    ));
    assert_eq!(read(&single_run(&again).join("metrics.csv")), metrics, "a run repeated from its config.json");
}

#[test]
fn same_seed_gives_identical_metrics_on_each_cpu_backend() {
    for backend in ["flex", "ndarray"] {
        let a = scratch(&format!("seed-a-{backend}"));
        let b = scratch(&format!("seed-b-{backend}"));
        let c = scratch(&format!("seed-c-{backend}"));
        for (out, seed) in [(&a, "3"), (&b, "3"), (&c, "4")] {
            ok(train_small(out, backend, &["--epochs", "1", "--seed", seed, "--variant", "denoising"]));
        }
        let metrics = |out: &Path| read(&single_run(out).join("metrics.csv"));
        assert_eq!(metrics(&a), metrics(&b), "{backend}: same seed, same metrics.csv");
        assert_ne!(metrics(&a), metrics(&c), "{backend}: another seed, other numbers");
    }
}

#[test]
fn a_run_stopped_midway_resumes_to_the_same_result() {
    let straight = scratch("resume-straight");
    let stopped = scratch("resume-stopped");
    ok(train_small(&straight, "flex", &["--epochs", "2"]));
    // Stop after 6 of 8 steps (mid-epoch 2), then resume.
    let first = ok(train_small(&stopped, "flex", &["--epochs", "2", "--max-steps", "6"]));
    assert!(stderr(&first).contains("stopped at --max-steps 6"), "{}", stderr(&first));
    let run = single_run(&stopped);
    // As a user types it: no --backend, nothing in the environment naming one. The run continues on
    // the backend its config.json records, and no GPU runtime is opened on the way (the Vulkan
    // driver, opened with no XDG_RUNTIME_DIR, would say so on stderr).
    let resumed = ok(Command::new(bin())
        .env_remove("BURN_DEVICE")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("ATELIER_DATA")
        .args(["train", "--resume", run.to_str().unwrap(), "--out", stopped.to_str().unwrap(), "--no-max-steps"])
        .output()
        .expect("runner starts"));
    assert!(stderr(&resumed).contains("completed"), "{}", stderr(&resumed));
    assert!(!stderr(&resumed).contains("XDG_RUNTIME_DIR"), "a GPU runtime was opened:\n{}", stderr(&resumed));
    assert_eq!(
        read(&run.join("metrics.csv")),
        read(&single_run(&straight).join("metrics.csv")),
        "resumed run = uninterrupted run"
    );
    // Identical final weights: evaluating both gives the same numbers to the last bit. (The
    // checkpoint files themselves differ: Burn gives parameters fresh random ids per process.)
    let evaluate = |run: &Path| {
        ok(atelier(
            "flex",
            &["eval", "autoencoder", "--run", run.to_str().unwrap(), "--data-dir", embedded_dir().to_str().unwrap()],
        ));
        read(&run.join("eval.json"))
    };
    assert_eq!(evaluate(&run), evaluate(&single_run(&straight)), "identical final weights");
    let provenance = read(&run.join("run.json"));
    assert!(provenance.contains("\"resumed_at_steps\": [\n    6\n  ]"), "{provenance}");
}

#[test]
fn divergence_stops_with_a_clear_error_and_keeps_the_last_good_checkpoint() {
    let out = scratch("nan");
    let output =
        train_small(&out, "flex", &["--epochs", "1", "--lr", "1e30", "--log-every", "1", "--checkpoint-every", "1"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("training diverged") && err.contains("last good checkpoint"), "{err}");
    let run = single_run(&out);
    assert!(read(&run.join("run.json")).contains("failed: training diverged"));
    let latest = read(&run.join("checkpoints/latest"));
    assert!(run.join("checkpoints").join(latest.trim()).join("model.bpk").is_file(), "the named checkpoint is whole");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let out = scratch("bad");
    let out_s = out.to_str().unwrap();
    // A data folder that does not exist.
    let output = atelier("flex", &["train", "autoencoder", "--data-dir", "/nonexistent/fmnist", "--out", out_s]);
    fails_with(&output, "/nonexistent/fmnist");
    // A truncated image file names the file and the problem.
    let broken = out.join("broken");
    fs::create_dir_all(&broken).unwrap();
    for f in fs::read_dir(embedded_dir()).unwrap() {
        let f = f.unwrap().path();
        fs::copy(&f, broken.join(f.file_name().unwrap())).unwrap();
    }
    let images = broken.join("train-images-idx3-ubyte.gz");
    let bytes = fs::read(&images).unwrap();
    fs::write(&images, &bytes[..bytes.len() / 2]).unwrap();
    let output = atelier("flex", &["train", "autoencoder", "--data-dir", broken.to_str().unwrap(), "--out", out_s]);
    fails_with(&output, "train-images-idx3-ubyte");
    // Evaluating a folder that is not a run.
    fails_with(&atelier("flex", &["eval", "autoencoder", "--run", "/nonexistent/run"]), "no such run directory");
    // Settings that cannot run are refused up front, naming the setting.
    fails_with(&atelier("flex", &["train", "autoencoder", "--batch-size", "0", "--out", out_s]), "batch_size");
    fails_with(&atelier("flex", &["train", "autoencoder", "--latent", "0", "--out", out_s]), "latent");
    // Unknown flags and backends are refused by the parser.
    fails_with(&atelier("flex", &["train", "autoencoder", "--backend", "tpu"]), "tpu");
    // Resuming a run without checkpoints.
    let empty_run = out.join("empty-run");
    fs::create_dir_all(&empty_run).unwrap();
    fs::write(
        empty_run.join("config.json"),
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/autoencoder-config.json")),
    )
    .unwrap();
    fails_with(&atelier("flex", &["train", "--resume", empty_run.to_str().unwrap()]), "no checkpoint");
    assert!(!out.join("autoencoder").exists(), "failed commands leave no run directories behind");
}

#[test]
fn backends_lists_what_this_build_has() {
    let output = ok(atelier("flex", &["backends"]));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("flex") && text.contains("available") && text.contains("(default)"), "{text}");
    assert!(text.contains("ndarray") && text.contains("wgpu"), "{text}");
}

/// The GPU code path, end to end, where a Vulkan adapter exists (Mesa's llvmpipe counts).
#[test]
fn wgpu_trains_when_an_adapter_exists() {
    let probe = ok(atelier("flex", &["backends"]));
    let listing = String::from_utf8_lossy(&probe.stdout).to_string();
    let wgpu_line = listing.lines().find(|l| l.starts_with("wgpu")).unwrap_or_default().to_string();
    let adapter = if wgpu_line.contains("available") { Ok(()) } else { Err(wgpu_line.clone()) };
    if !atelier_backend::WgpuTestPolicy::from_env().runs(adapter, "wgpu end-to-end") {
        return;
    }
    let out = scratch("wgpu");
    // One epoch of two steps (128 images, batch 64), so the epoch's figures are drawn too.
    let flags = ["--epochs", "1", "--train-limit", "128", "--valid-limit", "64", "--log-every", "1"];
    ok(train_small(&out, "wgpu", &flags));
    let run = single_run(&out);
    assert!(read(&run.join("run.json")).contains("\"backend\": \"wgpu\""));
    // The GPU computed real numbers: a finite training loss for both steps, and a test loss.
    let metrics = read(&run.join("metrics.csv"));
    let losses: Vec<f64> = metrics
        .lines()
        .filter(|l| l.contains(",train,loss,"))
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(losses.len(), 2, "one logged training loss per step: {metrics}");
    assert!(losses.iter().all(|l| l.is_finite() && *l > 0.0), "{metrics}");
    assert!(metrics.contains(",test,loss,"), "{metrics}");
    // Its checkpoint loads and evaluates on the CPU: weights written from the GPU are real numbers.
    let latest = read(&run.join("checkpoints/latest"));
    assert!(run.join("checkpoints").join(latest.trim()).join("model.bpk").is_file(), "{latest}");
    let (run_s, data_s) = (run.to_str().unwrap(), embedded_dir());
    ok(atelier(
        "flex",
        &["eval", "autoencoder", "--run", run_s, "--backend", "flex", "--data-dir", data_s.to_str().unwrap()],
    ));
    let eval: serde_json::Value = serde_json::from_str(&read(&run.join("eval.json"))).unwrap();
    let mse = eval["test_mse"].as_f64().unwrap();
    assert!(mse.is_finite() && mse > 0.0 && mse < 1.0, "{eval}");
    // The reconstructions it drew from the GPU are a picture.
    assert_picture(&run.join("samples/epoch-001-reconstructions.png"), 2 * 28, 28);
}

/// Ctrl-C (SIGINT) checkpoints and stops; `--resume` then finishes the run.
#[test]
fn ctrl_c_checkpoints_then_stops_and_the_run_resumes() {
    let out = scratch("sigint");
    let data = embedded_dir();
    let child = Command::new(bin())
        .env("BURN_DEVICE", "flex")
        .args(["train", "autoencoder", "--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--epochs", "50", "--batch-size", "32", "--log-every", "1", "--latent", "4", "--valid-limit", "64"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until training is under way (a logged step), then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let started = fs::read_dir(out.join("autoencoder"))
            .ok()
            .and_then(|mut runs| runs.next())
            .and_then(|run| fs::read_to_string(run.ok()?.path().join("metrics.csv")).ok())
            .is_some_and(|m| m.lines().count() > 3);
        if started {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "training did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    ok(Command::new("kill").args(["-INT", &child.id().to_string()]).output().unwrap());
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("interrupted at step"), "{err}");
    let run = single_run(&out);
    assert!(read(&run.join("run.json")).contains("\"status\": \"interrupted\""));
    assert!(run.join("checkpoints/latest").is_file());
    // Finish it quickly: resume with a step limit just past the checkpoint.
    let step: u64 =
        err.split("interrupted at step ").nth(1).unwrap().split(';').next().unwrap().trim().parse().unwrap();
    let limit = (step + 2).to_string();
    let resumed =
        ok(atelier("flex", &["train", "autoencoder", "--resume", run.to_str().unwrap(), "--max-steps", &limit]));
    assert!(stderr(&resumed).contains(&format!("stopped at --max-steps {limit}")), "{}", stderr(&resumed));
}

/// The autoencoder's small run with a checkpoint after every step: 2 epochs of 4 steps.
fn every_step_flags() -> Vec<&'static str> {
    vec!["--latent", "8", "--epochs", "2", "--checkpoint-every", "1", "--log-every", "1"]
}

/// `metrics.csv` and (after `eval`) `eval.json` of a run, as bytes.
fn outcome(run: &Path) -> (Vec<u8>, Vec<u8>) {
    let data = embedded_dir();
    ok(atelier("flex", &["eval", "autoencoder", "--run", run.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]));
    (fs::read(run.join("metrics.csv")).unwrap(), fs::read(run.join("eval.json")).unwrap())
}

/// SIGKILL at three random instants after the first checkpoint (the seed is printed; a failure
/// reproduces with `ATELIER_KILL_SEED`), each run resumed by a plain `train --resume`: the same
/// `metrics.csv` and `eval.json`, byte for byte, as the run never interrupted.
#[test]
fn a_run_killed_at_any_instant_resumes_to_the_same_bytes() {
    let straight = scratch("killed-straight");
    ok(train_small(&straight, "flex", &every_step_flags()));
    let expected = outcome(&single_run(&straight));
    let mut rng = atelier_testkit::commands::kill_rng();
    for step in atelier_testkit::commands::kill_steps(&mut rng, 6, 3) {
        let out = scratch("killed");
        let args = atelier_testkit::commands::small_train_args("autoencoder", &out, "flex", &every_step_flags());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Within 100 ms of the checkpoint: the two steps after step 6 can take less than 400 ms on
        // a quiet machine, and a run that has ended cannot be killed (seen: ATELIER_KILL_SEED=1796580504201683058).
        let delay = std::time::Duration::from_millis(rng.below(100) as u64);
        let run = atelier_testkit::commands::kill_after_checkpoint(&args, &[], &out, "autoencoder", step, delay);
        ok(atelier("flex", &["train", "--resume", run.to_str().unwrap()]));
        assert!(outcome(&run) == expected, "killed after step {step} (+{delay:?}): the resumed run differs");
    }
}

/// The process aborted inside checkpoint saving, between any two of its writes (an
/// environment hook of the checkpoint module): a plain `train --resume` continues from the
/// checkpoint `latest` names (the new one once it switched, else the previous one) and ends as the
/// run never interrupted.
#[test]
fn a_run_aborted_inside_checkpoint_saving_resumes_from_the_previous_checkpoint() {
    let straight = scratch("aborted-straight");
    ok(train_small(&straight, "flex", &every_step_flags()));
    let expected = outcome(&single_run(&straight));
    for (point, resumes_at) in [("blobs-written", 2), ("folder-renamed", 2), ("latest-switched", 3), ("pruned", 3)] {
        let out = scratch("aborted");
        let abort = format!("{point}@3");
        let args = atelier_testkit::commands::small_train_args("autoencoder", &out, "flex", &every_step_flags());
        let aborted = Command::new(bin())
            .env("BURN_DEVICE", "flex")
            .env("ATELIER_ABORT_IN_CHECKPOINT", &abort)
            .args(&args)
            .output()
            .unwrap();
        assert!(!aborted.status.success(), "{point}: the hook did not abort");
        let run = single_run(&out);
        assert_eq!(atelier_testkit::commands::latest_checkpoint_step(&run), Some(resumes_at), "{point}");
        ok(atelier("flex", &["train", "--resume", run.to_str().unwrap()]));
        assert!(outcome(&run) == expected, "aborted at {point}: the resumed run differs");
    }
}
