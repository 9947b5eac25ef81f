//! End-to-end tests of `train classifier`, `eval classifier` (with transfer learning) and
//! `eval images` with the real runner binary on the embedded mini set.

use std::fs;

use atelier_testkit::commands::{
    assert_picture, atelier, eval_value, fails_with, ok, read, scratch, single_run_of, stdout, train_small_model,
};

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
    assert_picture(&run.join("samples/eval-confusion-matrix.png"), 200, 200);
    assert_picture(&run.join("samples/eval-misclassified.png"), 2 * 28, 28);

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
    fails_with(&train_classifier(&out, &["--trainable", "head-only"]), "--pretrained");
    let missing = train_classifier(&out, &["--pretrained", "/nonexistent/run", "--trainable", "head-only"]);
    fails_with(&missing, "/nonexistent/run");
    // Refused before anything is written: no run directory is left behind.
    let classifier_runs = out.join("classifier");
    let left = fs::read_dir(&classifier_runs).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "a refused --pretrained left run directories in {}", classifier_runs.display());
    fails_with(&atelier("flex", &["eval", "images"]), "--dir");
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
    let embedded = atelier_testkit::commands::embedded_dir();
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
    let wrong = fails_with(&atelier("flex", &args), "00200-big.png");
    assert!(wrong.contains("32×32"), "{wrong}");
    fs::write(dir.join("00200-big.png"), b"not a png").unwrap();
    fails_with(&atelier("flex", &args), "00200-big.png");
    let empty = scratch("images-empty");
    fails_with(&atelier("flex", &["eval", "images", "--dir", empty.to_str().unwrap()]), "no .png images");
}
