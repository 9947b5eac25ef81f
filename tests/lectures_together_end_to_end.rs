//! The lectures side by side, through the registry, with the real runner binary: a run of one
//! lecture is refused by every other lecture's commands (found in `--help`, so a new lecture is
//! covered the day it is registered), and the companions one lecture offers another (a paired
//! translator beside an unpaired one, a plain autoencoder's latent path beside a VAE's) are found,
//! checked and used. These tests name lectures on purpose: they exercise the registry as a whole.

use std::path::Path;

use atelier_testkit::commands::{
    assert_picture, atelier, eval_value, fails_with, ok, read, scratch, single_run_of, stderr, stdout,
    train_small_model,
};

/// The subcommands `atelier <command> --help` lists (lecture ids, and `images` under `eval`).
fn subcommands(command: &str) -> Vec<String> {
    let help = stdout(&ok(atelier("flex", &[command, "--help"])));
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect()
}

/// A VAE run of two steps with a 2-dimensional code (the cheapest run that evaluates).
fn tiny_vae(out: &Path) -> std::path::PathBuf {
    ok(train_small_model("vae", out, "flex", &["--max-steps", "2", "--latent", "2"]));
    single_run_of(out, "vae")
}

#[test]
fn every_lecture_refuses_another_lectures_run() {
    let out = scratch("another-lectures-run");
    let run = tiny_vae(&out);
    let run_s = run.to_str().unwrap();
    let target = out.join("never-written");
    let lectures = subcommands("eval");
    assert!(lectures.len() >= 10 && lectures.iter().any(|l| l == "cyclegan"), "{lectures:?}");
    for lecture in lectures.iter().filter(|l| *l != "vae" && *l != "images") {
        let err = fails_with(&atelier("flex", &["eval", lecture, "--run", run_s]), "is a vae run, not a");
        assert!(err.contains(&format!("{lecture} run")), "eval {lecture}: {err}");
    }
    for lecture in subcommands("sample").iter().filter(|l| *l != "vae") {
        let args = ["sample", lecture, "--run", run_s, "--out", target.to_str().unwrap()];
        let err = fails_with(&atelier("flex", &args), "is a vae run, not a");
        assert!(err.contains(&format!("{lecture} run")), "sample {lecture}: {err}");
    }
    assert!(!target.exists(), "refused commands write nothing");
    assert!(!run.join("eval.json").exists(), "the run itself is untouched");
}

#[test]
fn a_plain_autoencoders_latent_path_is_drawn_beside_the_vaes() {
    let out = scratch("latent-paths");
    let vae = tiny_vae(&out.join("vae"));
    let vae_s = vae.to_str().unwrap();
    // Only an autoencoder run is accepted as one.
    let err = fails_with(
        &atelier("flex", &["eval", "vae", "--run", vae_s, "--autoencoder-run", vae_s]),
        "not an autoencoder run",
    );
    assert!(err.contains("vae run"), "{err}");

    let alone = ok(atelier("flex", &["eval", "vae", "--run", vae_s]));
    assert!(stderr(&alone).contains("give --autoencoder-run"), "{}", stderr(&alone));
    let picture = std::fs::read_dir(vae.join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("eval-interpolation-"))
        .expect("an interpolation picture");
    let (_, height_alone) = assert_picture(&picture, 10, 10);

    ok(train_small_model("autoencoder", &out.join("ae"), "flex", &["--max-steps", "2", "--latent", "2"]));
    let ae = single_run_of(&out.join("ae"), "autoencoder");
    let beside = ok(atelier("flex", &["eval", "vae", "--run", vae_s, "--autoencoder-run", ae.to_str().unwrap()]));
    assert!(!stderr(&beside).contains("give --autoencoder-run"), "{}", stderr(&beside));
    let (_, height_beside) = assert_picture(&picture, 10, 10);
    assert!(height_beside > height_alone, "the autoencoder's path is one more row: {height_alone} → {height_beside}");
}

#[test]
fn a_paired_translators_row_is_the_upper_bound_of_an_unpaired_one() {
    let out = scratch("paired-beside-unpaired");
    let unpaired = out.join("cyclegan");
    let unpaired_args = [
        "train",
        "cyclegan",
        "--out",
        unpaired.to_str().unwrap(),
        "--data-dir",
        "embedded",
        "--train-limit",
        "16",
        "--size",
        "32",
        "--ngf",
        "4",
        "--ndf",
        "4",
        "--blocks",
        "1",
        "--pool-size",
        "4",
        "--batch-size",
        "4",
        "--max-steps",
        "2",
    ];
    ok(atelier("flex", &unpaired_args));
    let run = single_run_of(&unpaired, "cyclegan");
    let run_s = run.to_str().unwrap();
    // --pix2pix wants a pix2pix run (on the same emoji): an unpaired run is refused.
    fails_with(&atelier("flex", &["eval", "cyclegan", "--run", run_s, "--pix2pix", run_s]), "not a pix2pix run");

    let paired = out.join("pix2pix");
    let paired_args = [
        "train",
        "pix2pix",
        "--out",
        paired.to_str().unwrap(),
        "--data-dir",
        "embedded",
        "--ngf",
        "4",
        "--ndf",
        "4",
        "--batch-size",
        "4",
        "--max-steps",
        "1",
    ];
    ok(atelier("flex", &paired_args));
    let p2p = single_run_of(&paired, "pix2pix");
    // Its X → Y row, translated at its 64×64 and scored at this run's 32×32.
    let with_paired = ok(atelier("flex", &["eval", "cyclegan", "--run", run_s, "--pix2pix", p2p.to_str().unwrap()]));
    assert!(stdout(&with_paired).contains("pix2pix, paired"), "{}", stdout(&with_paired));
    assert!(eval_value(&run, "pix2pix_x2y_psnr_db").is_finite());
    assert!(!read(&run.join("eval.json")).contains("pix2pix_y2x"), "pix2pix translates one way");
}

/// The style lecture matches the features of the classifier lecture's networks: the Fashion evaluator from `assets/`, and a
/// VGG-style classifier trained here (a few steps) given by its run; their layers are logged, and a
/// run that is not a classifier's with a checkpoint is refused before anything is written.
#[test]
fn the_classifier_lectures_networks_are_feature_choices() {
    let out = scratch("style-classifier");
    let out_s = out.to_str().unwrap();
    let base = ["train", "neural-style", "--size", "32", "--epochs", "1", "--data-dir", "embedded", "--out"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.push(out_s);
        args.extend_from_slice(extra);
        atelier("flex", &args)
    };
    ok(with(&["--features", "fashion", "--optimizer", "lbfgs"]));
    let run = atelier_testkit::commands::single_run_of(&out, "neural-style");
    let metrics = read(&run.join("metrics.csv")); // step,epoch,split,name,value
    assert!(metrics.contains(",style_layer2,") && !metrics.contains(",style_layer3,"), "two convolutions: {metrics}");
    assert!(metrics.contains(",step_size,"), "L-BFGS logs its step: {metrics}");

    let classifiers = scratch("style-vgg-classifier");
    ok(atelier_testkit::commands::train_small_model(
        "classifier",
        &classifiers,
        "flex",
        &["--architecture", "vgg", "--max-steps", "2"],
    ));
    let classifier = atelier_testkit::commands::single_run_of(&classifiers, "classifier");
    let vgg_out = scratch("style-vgg-features");
    let mut args = base.to_vec();
    args.push(vgg_out.to_str().unwrap());
    args.extend_from_slice(&["--features", "run", "--feature-run", classifier.to_str().unwrap()]);
    ok(atelier("flex", &args));
    let metrics = read(&atelier_testkit::commands::single_run_of(&vgg_out, "neural-style").join("metrics.csv"));
    assert!(metrics.contains(",style_layer4,"), "the VGG-style classifier's convolutions: {metrics}");

    let refused = scratch("style-classifier-refused");
    let refused_s = refused.to_str().unwrap();
    let missing = refused.join("no-such-run");
    for (extra, needle) in [
        (vec!["--features", "run"], "needs --feature-run RUN_DIR"),
        (vec!["--features", "run", "--feature-run", missing.to_str().unwrap()], "no-such-run"),
        (vec!["--feature-run", classifier.to_str().unwrap()], "applies to --features run only"),
    ] {
        let mut args = base.to_vec();
        args.push(refused_s);
        args.extend_from_slice(&extra);
        let output = atelier("flex", &args);
        fails_with(&output, needle);
        assert_eq!(stderr(&output).trim().lines().count(), 1, "one sentence: {}", stderr(&output));
    }
    assert!(!refused.join("neural-style").exists(), "a refused run writes nothing");
}
