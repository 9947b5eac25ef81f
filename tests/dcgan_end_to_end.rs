//! End-to-end tests of the GAN lecture's commands with the real runner binary on the embedded
//! mini set: `train dcgan` (with the evaluator watching), `sample dcgan`, `eval images`,
//! `eval dcgan`, `bench dcgan`, and their refusals.

mod support;

use std::fs;

use support::{atelier, eval_value, ok, read, scratch, single_run_of, stderr, stdout, train_small_model};

#[test]
fn train_sample_and_score_a_dcgan() {
    let out = scratch("dcgan");
    let trained = ok(train_small_model(
        "dcgan",
        &out,
        "flex",
        &["--epochs", "2", "--score-every", "4", "--score-images", "64", "--latent", "16"],
    ));
    let run = single_run_of(&out, "dcgan");
    let config = read(&run.join("config.json"));
    assert!(
        config.contains("\"name\": \"dcgan\"") && config.contains("\"generator_loss\": \"non_saturating\""),
        "{config}"
    );
    let metrics = read(&run.join("metrics.csv"));
    for name in ["d_loss", "g_loss", "d_real", "d_fake"] {
        assert!(metrics.contains(&format!(",train,{name},")) && metrics.contains(&format!(",test,{name},")), "{name}");
    }
    // Scored at steps 4 and 8 (the end): FCD, IS and coverage are curves of the run.
    for name in ["fcd", "inception_score", "coverage"] {
        assert_eq!(metrics.matches(&format!(",monitor,{name},")).count(), 2, "{name}: {metrics}");
    }
    assert!(stderr(&trained).contains("step 8: fcd"), "{}", stderr(&trained));
    for png in [
        "samples/epoch-002-samples.png",
        "samples/epoch-002-progression.png",
        "samples/epoch-001-interpolation.png",
        "plots/d_loss.png",
        "plots/d_fake.png",
        "plots/fcd.png",
        "plots/game-losses.png",
        "plots/game-d-outputs.png",
    ] {
        let bytes = fs::read(run.join(png)).unwrap_or_else(|e| panic!("{png}: {e}"));
        assert_eq!(&bytes[1..4], b"PNG", "{png} is a PNG");
    }

    // `sample` writes PNGs that `eval images` scores.
    let run_s = run.to_str().unwrap();
    let pngs = out.join("pngs");
    let pngs_s = pngs.to_str().unwrap();
    ok(atelier("flex", &["sample", "dcgan", "--run", run_s, "--n", "30", "--out", pngs_s]));
    let written = fs::read_dir(&pngs).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some()).count();
    assert_eq!(written, 30);
    let data = support::embedded_dir();
    let scored = ok(atelier(
        "flex",
        &["eval", "images", "--dir", pngs_s, "--limit", "30", "--data-dir", data.to_str().unwrap()],
    ));
    assert!(stdout(&scored).contains("inception_score"), "{}", stdout(&scored));
    let json = read(&pngs.join("eval.json"));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fcd_of_pngs = value["fcd"].as_f64().unwrap();
    assert!(fcd_of_pngs > 0.0 && value["coverage"].as_f64().unwrap() >= 1.0, "{json}");
    assert_eq!(value["generated_images"].as_f64(), Some(30.0));

    // `eval dcgan` generates with the same seed and 8-bit rounding: the same FCD as its PNGs.
    ok(atelier("flex", &["eval", "dcgan", "--run", run_s, "--limit", "30"]));
    let fcd = eval_value(&run, "fcd");
    assert!((fcd - fcd_of_pngs).abs() < 1e-3 * fcd.max(1.0), "eval dcgan {fcd} vs sample + eval images {fcd_of_pngs}");
    assert!(run.join("samples/eval-samples.png").is_file());

    // The same seed draws the same images again.
    let again = out.join("again");
    ok(atelier("flex", &["sample", "dcgan", "--run", run_s, "--n", "3", "--out", again.to_str().unwrap()]));
    assert_eq!(fs::read(again.join("00002.png")).unwrap(), fs::read(pngs.join("00002.png")).unwrap());
}

#[test]
fn dcgan_commands_refuse_bad_requests_clearly() {
    let out = scratch("dcgan-bad");
    let smooth = train_small_model("dcgan", &out, "flex", &["--smooth-real", "0.2", "--max-steps", "1"]);
    assert!(!smooth.status.success());
    assert!(stderr(&smooth).contains("smoothed real label must be in (0.5, 1]"), "{}", stderr(&smooth));
    let k = train_small_model("dcgan", &out, "flex", &["--d-steps", "0", "--max-steps", "1"]);
    assert!(stderr(&k).contains("discriminator_steps (k) must be at least 1"), "{}", stderr(&k));

    ok(train_small_model("dcgan", &out, "flex", &["--max-steps", "1", "--score-every", "0", "--latent", "4"]));
    let run = single_run_of(&out, "dcgan");
    let run_s = run.to_str().unwrap();
    let target = out.join("x");
    let target_s = target.to_str().unwrap();
    let wrong = atelier("flex", &["sample", "vae", "--run", run_s, "--out", target_s]);
    assert!(stderr(&wrong).contains("is a dcgan run, not a vae run"), "{}", stderr(&wrong));
    let none = atelier("flex", &["sample", "dcgan", "--run", run_s, "--n", "0", "--out", target_s]);
    assert!(stderr(&none).contains("--n must be at least 1"), "{}", stderr(&none));
    let missing = atelier("flex", &["sample", "dcgan", "--run", "/nonexistent/run", "--out", target_s]);
    assert!(!missing.status.success() && stderr(&missing).contains("/nonexistent/run"), "{}", stderr(&missing));

    let bench =
        ok(atelier("flex", &["bench", "dcgan", "--backend", "flex", "--steps", "2", "--warmup", "1", "--json"]));
    let line: serde_json::Value = serde_json::from_str(stdout(&bench).trim()).unwrap();
    assert!(line["images_per_s"].as_f64().unwrap() > 0.0, "{line}");
}
