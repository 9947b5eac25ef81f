//! End-to-end tests of `train classifier`, `eval classifier` (with transfer learning) and
//! `eval images` with the real runner binary on the embedded mini set.

mod support;

use std::fs;

use support::{atelier, eval_value, ok, read, scratch, single_run_of, stderr, stdout, train_small_model};

fn train_classifier(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    train_small_model("classifier", out, "flex", extra)
}

#[test]
fn train_eval_and_transfer_learning() {
    let out = scratch("classifier");
    ok(train_classifier(&out, &["--epochs", "2", "--batch-size", "32"]));
    let run = single_run_of(&out, "classifier");
    assert!(read(&run.join("config.json")).contains("\"architecture\": \"cnn\""));
    let run_s = run.to_str().unwrap();
    let output = ok(atelier("flex", &["eval", "classifier", "--run", run_s]));
    assert!(stdout(&output).contains("test_accuracy"), "{}", stdout(&output));
    let accuracy = eval_value(&run, "test_accuracy");
    assert!(accuracy > 0.3, "two epochs on 256 images beat chance (0.1) clearly: {accuracy}");
    for png in ["samples/eval-confusion-matrix.png", "samples/eval-misclassified.png"] {
        assert_eq!(&fs::read(run.join(png)).unwrap()[1..4], b"PNG", "{png}");
    }

    // Transfer learning: the trained convolutions, frozen, under a new dense part.
    let transfer_out = scratch("classifier-transfer");
    ok(train_classifier(
        &transfer_out,
        &["--pretrained", run_s, "--trainable", "head-only", "--max-steps", "2", "--batch-size", "32"],
    ));
    let transfer = single_run_of(&transfer_out, "classifier");
    assert!(read(&transfer.join("config.json")).contains("\"trainable\": \"head_only\""));
}

#[test]
fn bad_classifier_requests_get_clear_errors() {
    let out = scratch("classifier-bad");
    let frozen = train_classifier(&out, &["--trainable", "head-only"]);
    assert!(stderr(&frozen).contains("--pretrained"), "{}", stderr(&frozen));
    let missing = train_classifier(&out, &["--pretrained", "/nonexistent/run", "--trainable", "head-only"]);
    assert!(stderr(&missing).contains("/nonexistent/run"), "{}", stderr(&missing));
    let no_dir = atelier("flex", &["eval", "images"]);
    assert!(!no_dir.status.success());
}

#[test]
fn eval_images_scores_a_folder_and_names_bad_files() {
    let dir = scratch("images");
    // 40 real test images as PNGs (gray), via the data crate's embedded set.
    let data = atelier_data::load_from(atelier_data::DataSource::Embedded).unwrap();
    for i in 0..40 {
        let pixels: Vec<u8> = data.test.batch_pixels(&[i]).iter().map(|p| (p * 255.0).round() as u8).collect();
        image::GrayImage::from_raw(28, 28, pixels).unwrap().save(dir.join(format!("{i:05}.png"))).unwrap();
    }
    let embedded = support::embedded_dir();
    let args = ["eval", "images", "--dir", dir.to_str().unwrap(), "--data-dir", embedded.to_str().unwrap()];
    let output = ok(atelier("flex", &args));
    assert!(stdout(&output).contains("fcd"), "{}", stdout(&output));
    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("eval.json"))).unwrap();
    for key in ["fcd", "inception_score", "coverage"] {
        assert!(json[key].is_number(), "eval.json lacks {key}: {json}");
    }
    assert_eq!(json["generated_images"], 40.0);

    // A colour image is converted; an image of another size is an error naming the file.
    image::RgbImage::from_pixel(28, 28, image::Rgb([200, 10, 10])).save(dir.join("00100-rgb.png")).unwrap();
    ok(atelier("flex", &args));
    image::GrayImage::new(32, 32).save(dir.join("00200-big.png")).unwrap();
    let wrong = atelier("flex", &args);
    assert!(stderr(&wrong).contains("00200-big.png") && stderr(&wrong).contains("32×32"), "{}", stderr(&wrong));
    fs::write(dir.join("00200-big.png"), b"not a png").unwrap();
    let broken = atelier("flex", &args);
    assert!(stderr(&broken).contains("00200-big.png"), "{}", stderr(&broken));
    let empty = scratch("images-empty");
    let none = atelier("flex", &["eval", "images", "--dir", empty.to_str().unwrap()]);
    assert!(stderr(&none).contains("no .png images"), "{}", stderr(&none));
}
