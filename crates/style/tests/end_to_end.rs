//! End-to-end tests of `train style` and `eval style` through the real binary, on the embedded
//! images: a run's directory and measures, resume to the same numbers, and bad input refused with
//! one clear sentence and nothing written.

use std::fs;
use std::path::{Path, PathBuf};

use atelier_testkit::commands::{assert_picture, atelier, fails_with, ok, read, scratch, stderr};

fn single_run(out: &Path) -> PathBuf {
    atelier_testkit::commands::single_run_of(out, "neural-style")
}

/// A 32×32 synthesis with the random filters (fast) from the embedded images, `extra` flags
/// after the defaults.
fn train_small(out: &Path, extra: &[&str]) -> std::process::Output {
    let out = out.to_str().unwrap();
    let mut args =
        vec!["train", "neural-style", "--size", "32", "--features", "random", "--data-dir", "embedded", "--out", out];
    args.extend_from_slice(extra);
    atelier("flex", &args)
}

#[test]
fn a_texture_run_trains_evaluates_and_resumes_to_the_same_numbers() {
    let straight = scratch("style-straight");
    ok(train_small(&straight, &["--epochs", "2"]));
    let run = single_run(&straight);
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"name\": \"neural-style\"") && config.contains("\"channels\": 1"), "{config}");
    assert!(config.contains("brick"), "the embedded brick is recorded: {config}");
    assert_picture(&run.join("samples/epoch-002-synthesis.png"), 64, 64);
    ok(atelier("flex", &["eval", "neural-style", "--run", run.to_str().unwrap()]));
    let eval: serde_json::Value = serde_json::from_str(&read(&run.join("eval.json"))).unwrap();
    let value = |key: &str| eval[key].as_f64().unwrap_or_else(|| panic!("{key} in {eval}"));
    for key in ["random_style", "emoji_style", "fashion_style", "pixel_histogram", "band_histogram"] {
        let (noise, synthesis) = (value(&format!("noise_{key}")), value(&format!("synthesis_{key}")));
        assert!(synthesis.is_finite() && synthesis >= 0.0 && noise > 0.0, "{key}: {synthesis} vs noise {noise}");
    }
    assert!(value("synthesis_random_style") < value("noise_random_style"), "{eval}");
    assert_eq!(value("heeger_bergen_pixel_histogram"), 0.0, "Heeger–Bergen matches the pixel histogram");
    assert_picture(&run.join("samples/eval-comparison.png"), 64, 256);

    // Stopped at step 70 of 100, then resumed with no other flag: the same metrics and canvas.
    let stopped = scratch("style-stopped");
    let first = ok(train_small(&stopped, &["--epochs", "2", "--max-steps", "70"]));
    assert!(stderr(&first).contains("stopped at --max-steps 70"), "{}", stderr(&first));
    let resumed = single_run(&stopped);
    ok(atelier("flex", &["train", "--resume", resumed.to_str().unwrap(), "--no-max-steps"]));
    assert_eq!(read(&resumed.join("metrics.csv")), read(&run.join("metrics.csv")), "resumed run = straight run");
    ok(atelier("flex", &["eval", "neural-style", "--run", resumed.to_str().unwrap()]));
    let again: serde_json::Value = serde_json::from_str(&read(&resumed.join("eval.json"))).unwrap();
    for (key, number) in eval.as_object().unwrap().iter().filter(|(k, v)| v.is_number() && !k.ends_with("_seconds")) {
        assert_eq!(&again[key], number, "{key}: the resumed canvas measures the same");
    }
}

#[test]
fn bad_images_and_settings_are_refused_by_name_and_nothing_is_written() {
    let out = scratch("style-bad");
    let missing = out.join("no-such-style.png");
    let not_an_image = out.join("notes.png");
    fs::write(&not_an_image, b"not a picture").unwrap();
    let tiny = out.join("tiny.png");
    atelier_core::png::save(&tiny, &[128, 64, 32], 1, 1, atelier_core::png::Channels::Rgb).unwrap();
    let out_s = out.to_str().unwrap();
    let small_vgg = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vgg19-small.pth").display().to_string();
    let cases = [
        (train_small(&out, &["--style", missing.to_str().unwrap()]), "does not exist"),
        (train_small(&out, &["--style", not_an_image.to_str().unwrap()]), "notes.png"),
        (
            train_small(&out, &["--task", "transfer", "--content", tiny.to_str().unwrap()]),
            "is 1×1 pixels; it must be at least 16×16",
        ),
        (train_small(&out, &["--style", "marble"]), "not one of the embedded images"),
        (atelier("flex", &["train", "neural-style", "--size", "8", "--out", out_s]), "size must be at least 16"),
        (train_small(&out, &["--style-weight", "5"]), "--task texture"),
        (train_small(&out, &["--batch-size", "4"]), "one image"),
        (train_small(&out, &["--optimizer", "lbfgs", "--lr", "0.1"]), "applies to Adam only"),
        (train_small(&out, &["--weights", small_vgg.as_str()]), "applies to --features vgg19 and efficientnet only"),
        (atelier("flex", &["train", "neural-style", "--features", "vgg19", "--out", out_s]), "needs --weights FILE"),
        (
            atelier("flex", &["train", "neural-style", "--features", "vgg19", "--weights", &small_vgg, "--out", out_s]),
            "conv1_1 (features.0.weight) has shape [4, 3, 3, 3] in the file where VGG-19 has [64, 3, 3, 3]",
        ),
    ];
    for (output, needle) in &cases {
        fails_with(output, needle);
        let text = stderr(output);
        assert_eq!(text.trim().lines().count(), 1, "one sentence: {text}");
    }
    assert!(!out.join("neural-style").exists(), "a refused run writes nothing");
}

#[test]
fn a_stylizer_trains_is_judged_and_stylizes_a_folder() {
    let out = scratch("style-fast");
    let out_s = out.to_str().unwrap();
    let tiny = [
        "train",
        "neural-style",
        "--task",
        "fast",
        "--width",
        "4",
        "--residual-blocks",
        "1",
        "--max-steps",
        "3",
        "--batch-size",
        "2",
        "--out",
        out_s,
    ];
    ok(atelier("flex", &tiny));
    let run = single_run(&out);
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"task\": \"fast\"") && config.contains("emoji"), "{config}");
    ok(atelier("flex", &["eval", "neural-style", "--run", run.to_str().unwrap()]));
    let eval: serde_json::Value = serde_json::from_str(&read(&run.join("eval.json"))).unwrap();
    for key in ["fast_fashion_style", "optimisation_fashion_style", "fast_random_content", "speedup"] {
        assert!(eval[key].as_f64().is_some_and(|v| v.is_finite() && v > 0.0), "{key} in {eval}");
    }
    assert_picture(&run.join("samples/eval-stylizer.png"), 64, 128);

    // Your images, any size: each comes back at its own size, rounded to a multiple of 4.
    let input = out.join("mine");
    fs::create_dir_all(&input).unwrap();
    let stripes: Vec<u8> = (0..3 * 50 * 30).map(|i| if (i / 3 / 4) % 2 == 0 { 40 } else { 220 }).collect();
    atelier_core::png::save(&input.join("wide.png"), &stripes, 50, 30, atelier_core::png::Channels::Rgb).unwrap();
    let stylized = out.join("stylized");
    let (run_s, in_s, stylized_s) = (run.to_str().unwrap(), input.to_str().unwrap(), stylized.to_str().unwrap());
    ok(atelier("flex", &["stylize", "--run", run_s, "--in", in_s, "--out", stylized_s]));
    assert_eq!(assert_picture(&stylized.join("wide.png"), 1, 1), (48, 28));
    // A second time without --force: nothing is overwritten.
    fails_with(&atelier("flex", &["stylize", "--run", run_s, "--in", in_s, "--out", stylized_s]), "wide.png");

    // A synthesis run has no stylizer.
    let synthesis = scratch("style-not-fast");
    ok(train_small(&synthesis, &["--max-steps", "1"]));
    let not_fast = single_run(&synthesis);
    let refused = atelier(
        "flex",
        &["stylize", "--run", not_fast.to_str().unwrap(), "--in", in_s, "--out", out.join("x").to_str().unwrap()],
    );
    fails_with(&refused, "needs a stylizer");
    assert!(!out.join("x").exists());
}
