//! End-to-end tests of the GAN lecture's commands with the real runner binary on the embedded
//! mini set: `train dcgan` (with the evaluator watching), `sample dcgan`, `eval images`,
//! `eval dcgan`, `bench dcgan`, and their refusals.

use std::fs;

use atelier_testkit::commands::{
    assert_bench_line, assert_picture, atelier, eval_value, fails_with, ok, read, scratch, single_run_of, stderr,
    stdout, train_small_model,
};

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
    for png in
        ["samples/epoch-002-samples.png", "samples/epoch-002-progression.png", "samples/epoch-001-interpolation.png"]
    {
        assert_picture(&run.join(png), 2 * 28, 28);
    }
    for plot in
        ["plots/d_loss.png", "plots/d_fake.png", "plots/fcd.png", "plots/game-losses.png", "plots/game-d-outputs.png"]
    {
        assert_picture(&run.join(plot), 200, 100);
    }

    // `sample` writes PNGs that `eval images` scores.
    let run_s = run.to_str().unwrap();
    let pngs = out.join("pngs");
    let pngs_s = pngs.to_str().unwrap();
    ok(atelier("flex", &["sample", "dcgan", "--run", run_s, "--n", "30", "--out", pngs_s]));
    let written = fs::read_dir(&pngs).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some()).count();
    assert_eq!(written, 30);
    let data = atelier_testkit::commands::embedded_dir();
    let scored = ok(atelier(
        "flex",
        &["eval", "images", "--dir", pngs_s, "--limit", "30", "--data-dir", data.to_str().unwrap()],
    ));
    assert!(stdout(&scored).contains("inception_score"), "{}", stdout(&scored));
    let json = read(&pngs.join("eval.json"));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fcd_of_pngs = value["fcd"].as_f64().unwrap();
    assert_eq!(value["generated_images"].as_f64(), Some(30.0));
    // Coverage counts the classes the evaluator sees among the 30 images: a whole number in 1..=10.
    let coverage = value["coverage"].as_f64().unwrap();
    assert!((1.0..=10.0).contains(&coverage) && coverage.fract() == 0.0, "{json}");
    // The Inception Score exp(E KL(p(y|x) ‖ p(y))) lies between 1 and the number of classes.
    let inception = value["inception_score"].as_f64().unwrap();
    assert!((1.0..=10.0).contains(&inception), "{json}");
    // Eight steps of training draw blobs, not clothes: further from the test set than 30 real
    // test images are (scored by the same command).
    let real = out.join("real");
    fs::create_dir_all(&real).unwrap();
    let embedded = atelier_data::load_from(atelier_data::DataSource::Embedded).unwrap();
    for i in 0..30 {
        let pixels: Vec<u8> = embedded.test.batch_pixels(&[i]).iter().map(|p| (p * 255.0).round() as u8).collect();
        image::GrayImage::from_raw(28, 28, pixels).unwrap().save(real.join(format!("{i:05}.png"))).unwrap();
    }
    ok(atelier("flex", &["eval", "images", "--dir", real.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]));
    let fcd_of_real = eval_value(&real, "fcd");
    assert!(fcd_of_real.is_finite() && fcd_of_real >= 0.0, "{fcd_of_real}");
    assert!(
        fcd_of_pngs > 2.0 * fcd_of_real,
        "FCD of an 8-step GAN's samples {fcd_of_pngs} vs real images {fcd_of_real}"
    );

    // `eval dcgan` generates with the same seed and 8-bit rounding: the same FCD as its PNGs.
    ok(atelier("flex", &["eval", "dcgan", "--run", run_s, "--limit", "30"]));
    let fcd = eval_value(&run, "fcd");
    assert!((fcd - fcd_of_pngs).abs() < 1e-3 * fcd.max(1.0), "eval dcgan {fcd} vs sample + eval images {fcd_of_pngs}");
    assert_picture(&run.join("samples/eval-samples.png"), 2 * 28, 28);

    // The same seed draws the same images again.
    let again = out.join("again");
    ok(atelier("flex", &["sample", "dcgan", "--run", run_s, "--n", "3", "--out", again.to_str().unwrap()]));
    assert_eq!(fs::read(again.join("00002.png")).unwrap(), fs::read(pngs.join("00002.png")).unwrap());
}

#[test]
fn dcgan_commands_refuse_bad_requests_clearly() {
    let out = scratch("dcgan-bad");
    let smooth = train_small_model("dcgan", &out, "flex", &["--smooth-real", "0.2", "--max-steps", "1"]);
    fails_with(&smooth, "smoothed real label must be in (0.5, 1]");
    let k = train_small_model("dcgan", &out, "flex", &["--d-steps", "0", "--max-steps", "1"]);
    fails_with(&k, "discriminator_steps (k) must be at least 1");

    ok(train_small_model("dcgan", &out, "flex", &["--max-steps", "1", "--score-every", "0", "--latent", "4"]));
    let run = single_run_of(&out, "dcgan");
    let run_s = run.to_str().unwrap();
    let target = out.join("x");
    let target_s = target.to_str().unwrap();
    let none = atelier("flex", &["sample", "dcgan", "--run", run_s, "--n", "0", "--out", target_s]);
    fails_with(&none, "--n must be at least 1");
    let missing = atelier("flex", &["sample", "dcgan", "--run", "/nonexistent/run", "--out", target_s]);
    fails_with(&missing, "/nonexistent/run");
    assert!(!target.exists(), "refused commands write no samples");

    let bench_runs = scratch("bench-dcgan");
    let bench = [
        "bench",
        "dcgan",
        "--backend",
        "flex",
        "--steps",
        "2",
        "--warmup",
        "1",
        "--json",
        "--out",
        bench_runs.to_str().unwrap(),
    ];
    let started = std::time::Instant::now();
    let output = ok(atelier("flex", &bench));
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_bench_line(&line, "dcgan (1 D + 1 G step)", started.elapsed());
}
