//! End-to-end tests of `train vae` and `eval vae` with the real runner binary on the embedded
//! mini set.

use atelier_testkit::commands::{
    assert_picture, atelier, eval_value, fails_with, ok, read, scratch, single_run_of, stdout, train_small_model,
};

#[test]
fn train_then_eval_writes_the_run_and_the_lecture_numbers() {
    let out = scratch("vae");
    ok(train_small_model("vae", &out, "flex", &["--epochs", "2", "--latent", "8"]));
    let run = single_run_of(&out, "vae");
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"name\": \"vae\"") && config.contains("\"kind\": \"bernoulli\""), "{config}");
    let metrics = read(&run.join("metrics.csv"));
    for name in ["neg_elbo_nats", "reconstruction_nats", "kl_nats"] {
        assert!(
            metrics.contains(&format!(",train,{name},")) && metrics.contains(&format!(",test,{name},")),
            "{metrics}"
        );
    }
    for png in ["samples/epoch-002-samples.png", "samples/epoch-001-reconstructions.png"] {
        assert_picture(&run.join(png), 2 * 28, 28);
    }
    assert_picture(&run.join("plots/neg_elbo_nats.png"), 200, 100);

    // A small IS budget keeps the test quick; the keys are the issue's.
    let run_s = run.to_str().unwrap();
    let output = ok(atelier("flex", &["eval", "vae", "--run", run_s, "--is-samples", "50", "--is-images", "16"]));
    assert!(stdout(&output).contains("test_nll_is_nats"), "{}", stdout(&output));
    let elbo = eval_value(&run, "test_neg_elbo_nats");
    let kl = eval_value(&run, "test_kl_nats");
    let nll = eval_value(&run, "test_nll_is_nats");
    let subset_elbo = eval_value(&run, "is_subset_neg_elbo_nats");
    assert!(elbo > 100.0 && elbo < 600.0, "−ELBO {elbo} nats is not a plausible value for 784 binary pixels");
    assert!(kl >= 0.0 && kl < elbo);
    assert!(nll <= subset_elbo + 1.0, "IS-NLL {nll} must not exceed the −ELBO {subset_elbo} on the same images");
    assert_eq!(eval_value(&run, "is_images"), 16.0);
    for png in ["samples/eval-samples.png", "samples/eval-traversals.png", "samples/eval-interpolation-0-1.png"] {
        assert_picture(&run.join(png), 2 * 28, 28);
    }
}

#[test]
fn vae_eval_refuses_bad_requests_clearly() {
    let out = scratch("vae-bad");
    fails_with(&atelier("flex", &["eval", "vae", "--run", "/nonexistent/run"]), "/nonexistent/run");

    ok(train_small_model("vae", &out, "flex", &["--max-steps", "2", "--latent", "2"]));
    let run = single_run_of(&out, "vae");
    let run_s = run.to_str().unwrap();
    let zero = atelier("flex", &["eval", "vae", "--run", run_s, "--is-samples", "0"]);
    fails_with(&zero, "--is-samples must be at least 1");
    fails_with(&atelier("flex", &["train", "vae", "--likelihood", "poisson"]), "poisson");
    let bad_sigma = atelier("flex", &["train", "vae", "--likelihood", "gaussian", "--gaussian-sigma=-1"]);
    fails_with(&bad_sigma, "sigma must be > 0");

    // k = 2 draws the decoded manifold.
    ok(atelier("flex", &["eval", "vae", "--run", run_s, "--is-samples", "4", "--is-images", "4"]));
    assert_picture(&run.join("samples/eval-manifold.png"), 2 * 28, 2 * 28);
}
