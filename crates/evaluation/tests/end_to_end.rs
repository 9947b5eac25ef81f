//! End-to-end test of the colour evaluator, an instrument trained like a lecture: `train
//! emoji-evaluator` → `eval emoji-evaluator` (accuracies and the FCD calibration) with the real
//! runner binary on the embedded emoji.

use atelier_testkit::commands::{atelier, eval_value, ok, read, scratch, single_run_of};

#[test]
fn the_colour_evaluator_trains_scores_and_calibrates() {
    let out = scratch("emoji-evaluator");
    let args =
        ["train", "emoji-evaluator", "--data-dir", "embedded", "--out", out.to_str().unwrap(), "--max-steps", "2"];
    ok(atelier("flex", &args));
    let run = single_run_of(&out, "emoji-evaluator");
    let metrics = read(&run.join("metrics.csv"));
    for name in ["loss", "content_accuracy", "style_accuracy"] {
        assert!(metrics.contains(&format!(",train,{name},")), "{name}: {metrics}");
    }
    let run_s = run.to_str().unwrap();
    ok(atelier("flex", &["eval", "emoji-evaluator", "--run", run_s]));
    // Both styles of the 53 embedded test emoji.
    assert_eq!(eval_value(&run, "test_images"), 106.0);
    for key in ["content_accuracy", "style_accuracy"] {
        assert!((0.0..=1.0).contains(&eval_value(&run, key)), "{key}");
    }
    for key in ["fcd_real_google_valid", "fcd_noise_0.2", "fcd_blur_2px", "fcd_real_twitter_valid"] {
        assert!(eval_value(&run, key) >= 0.0, "{key}");
    }
}
