//! End-to-end tests of `train vae` and `eval vae` with the real runner binary on the embedded
//! mini set.

mod support;

use std::fs;

use support::{atelier, eval_value, ok, read, scratch, single_run_of, stderr, stdout, train_small_model};

#[test]
fn train_then_eval_writes_the_run_and_the_lecture_numbers() {
    let out = scratch("vae");
    ok(train_small_model("vae", &out, "flex", &["--epochs", "2"]));
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
    for png in ["samples/epoch-002-samples.png", "samples/epoch-001-reconstructions.png", "plots/neg_elbo_nats.png"] {
        let bytes = fs::read(run.join(png)).unwrap_or_else(|e| panic!("{png}: {e}"));
        assert_eq!(&bytes[1..4], b"PNG", "{png} is a PNG");
    }

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
        assert!(run.join(png).is_file(), "{png}");
    }
}

#[test]
fn vae_eval_refuses_bad_requests_clearly() {
    let out = scratch("vae-bad");
    let missing = atelier("flex", &["eval", "vae", "--run", "/nonexistent/run"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("/nonexistent/run"), "{}", stderr(&missing));

    ok(train_small_model("vae", &out, "flex", &["--max-steps", "2", "--latent", "2"]));
    let run = single_run_of(&out, "vae");
    let run_s = run.to_str().unwrap();
    let zero = atelier("flex", &["eval", "vae", "--run", run_s, "--is-samples", "0"]);
    assert!(!zero.status.success());
    assert!(stderr(&zero).contains("--is-samples must be at least 1"), "{}", stderr(&zero));
    let wrong_model = atelier("flex", &["eval", "autoencoder", "--run", run_s]);
    assert!(stderr(&wrong_model).contains("is a vae run, not a autoencoder run"), "{}", stderr(&wrong_model));
    let not_an_autoencoder = atelier("flex", &["eval", "vae", "--run", run_s, "--autoencoder-run", run_s]);
    assert!(stderr(&not_an_autoencoder).contains("not an autoencoder run"), "{}", stderr(&not_an_autoencoder));
    let bad_flag = atelier("flex", &["train", "vae", "--likelihood", "poisson"]);
    assert!(!bad_flag.status.success());
    let bad_sigma = atelier("flex", &["train", "vae", "--likelihood", "gaussian", "--gaussian-sigma=-1"]);
    assert!(stderr(&bad_sigma).contains("sigma must be > 0"), "{}", stderr(&bad_sigma));

    // k = 2 draws the decoded manifold.
    ok(atelier("flex", &["eval", "vae", "--run", run_s, "--is-samples", "4", "--is-images", "4"]));
    assert!(run.join("samples/eval-manifold.png").is_file());
}
