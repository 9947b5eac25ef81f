//! End-to-end tests of the metric-learning lecture with the real runner binary: emoji identities of
//! the embedded set (`train facenet` → `eval facenet` → `search` → `cluster`), resume ⇒ the same
//! result, an identity folder of one's own, the refusals, and the bench.

use std::fs;
use std::path::Path;

use atelier_testkit::commands::{
    assert_picture, atelier, eval_value, fails_with, ok, read, scratch, single_run_of, stderr, stdout,
};
use image::{Rgb, RgbImage};

/// `train facenet` with a tiny network (base 4, 16-d): batches of 8 identities × 2 views.
fn train_tiny(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["train", "facenet", "--out", out.to_str().unwrap()];
    let defaults = [
        ("--base-channels", "4"),
        ("--dim", "16"),
        ("--identities-per-batch", "8"),
        ("--views-per-identity", "2"),
        ("--epochs", "1"),
        ("--log-every", "2"),
        ("--checkpoint-every", "2"),
        ("--data-dir", "embedded"),
    ];
    for (flag, value) in defaults {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    atelier("flex", &args)
}

/// A folder of `identities` sub-folders, each with `per` 64×64 images of one colour and a square
/// whose place varies.
fn write_identity_folder(dir: &Path, identities: usize, per: usize) {
    for id in 0..identities {
        let folder = dir.join(format!("person-{id:02}"));
        fs::create_dir_all(&folder).unwrap();
        let colour = Rgb([(id * 23 % 256) as u8, (id * 71 % 256) as u8, (255 - id * 19 % 256) as u8]);
        for view in 0..per {
            let offset = (view * 5) as u32;
            let image = RgbImage::from_fn(64, 64, |x, y| {
                if (10 + offset..40 + offset).contains(&x) && (12..44).contains(&y) {
                    colour
                } else {
                    Rgb([255, 255, 255])
                }
            });
            image.save(folder.join(format!("{view}.png"))).unwrap();
        }
    }
}

#[test]
fn train_eval_search_and_cluster_emoji_identities() {
    let out = scratch("facenet");
    let trained = ok(train_tiny(&out, &["--task", "emoji"]));
    let err = stderr(&trained);
    assert!(
        err.contains("facenet (emoji, semi-hard mining)") && err.contains("batches of 8 identities × 2 views"),
        "{err}"
    );
    let run = single_run_of(&out, "facenet");
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"input_channels\": 3") && config.contains("\"image_size\": 64"), "{config}");
    assert!(config.contains("\"batch_size\": 16"), "the loop's batch is P × K: {config}");
    let metrics = read(&run.join("metrics.csv"));
    for name in ["loss", "active_triplets", "batch_recall_at_1"] {
        assert!(metrics.contains(&format!(",train,{name},")) && metrics.contains(&format!(",test,{name},")), "{name}");
    }
    // 8 queries × (query + 5 nearest) of 64×64 emoji.
    assert_picture(&run.join("samples/epoch-001-nearest.png"), 6 * 64, 8 * 64);

    let run_s = run.to_str().unwrap();
    let evaluated = ok(atelier("flex", &["eval", "facenet", "--run", run_s]));
    let table = stdout(&evaluated);
    assert!(table.contains("Twitter renderings query the Google renderings"), "{table}");
    for row in ["semi-hard", "untrained", "raw pixels", "colour evaluator features"] {
        assert!(table.lines().any(|l| l.starts_with(row)), "{row} row missing: {table}");
    }
    for key in [
        "recall_at_1",
        "recall_at_5",
        "map_at_r",
        "roc_auc",
        "verification_accuracy",
        "nmi",
        "purity",
        "untrained/recall_at_1",
        "raw_pixels/recall_at_1",
        "raw_pixels/roc_auc",
        "evaluator_features/recall_at_1",
    ] {
        let value = eval_value(&run, key);
        assert!((0.0..=1.0).contains(&value), "{key} = {value}");
    }
    assert!(eval_value(&run, "recall_at_5") >= eval_value(&run, "recall_at_1"));
    // The embedded set's 53 test emoji, each queried once in the Twitter style.
    assert_eq!(eval_value(&run, "queries"), 53.0);
    for picture in ["retrieval", "distances", "embedding", "cluster"] {
        assert_picture(&run.join(format!("samples/eval-{picture}.png")), 200, 100);
    }

    // `search`: a query that is one of the gallery images is its own nearest neighbour (distance 0).
    let gallery = out.join("gallery");
    write_identity_folder(&gallery, 3, 3);
    let query = gallery.join("person-01/2.png");
    let picture = out.join("search.png");
    let found = ok(atelier(
        "flex",
        &[
            "search",
            "--run",
            run_s,
            "--query",
            query.to_str().unwrap(),
            "--gallery",
            gallery.to_str().unwrap(),
            "--top",
            "4",
            "--picture",
            picture.to_str().unwrap(),
        ],
    ));
    let listing = stdout(&found);
    let ranks: Vec<&str> = listing.lines().skip(1).collect();
    assert_eq!(ranks.len(), 4, "{listing}");
    assert!(ranks[0].contains("person-01") && ranks[0].ends_with("2.png"), "{listing}");
    let distances: Vec<f32> = ranks.iter().map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap()).collect();
    assert!(distances[0].abs() < 1e-4 && distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert_picture(&picture, 5 * 64, 64);

    // `cluster`: three sub-folders → three clusters, every image in the CSV, scored against the folders.
    let clusters = out.join("clusters");
    let grouped = ok(atelier(
        "flex",
        &["cluster", "--run", run_s, "--dir", gallery.to_str().unwrap(), "--out", clusters.to_str().unwrap()],
    ));
    assert!(stdout(&grouped).contains("against the sub-folders: NMI"), "{}", stdout(&grouped));
    let csv = read(&clusters.join("clusters.csv"));
    assert_eq!(csv.lines().count(), 1 + 9, "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.rsplit(',').next().unwrap().parse::<usize>().unwrap() < 3), "{csv}");

    // Mining strategies side by side: a hard-mining run in the same table, the curves of both.
    let hard = out.join("hard");
    ok(train_tiny(&hard, &["--task", "emoji", "--mining", "hard", "--max-steps", "4"]));
    let hard = single_run_of(&hard, "facenet");
    let compared = ok(atelier("flex", &["eval", "facenet", "--run", run_s, "--compare", hard.to_str().unwrap()]));
    assert!(stdout(&compared).lines().any(|l| l.starts_with("hard (")), "{}", stdout(&compared));
    assert!(
        (0.0..=1.0).contains(&eval_value(
            &run,
            &format!("hard ({})/recall_at_1", hard.file_name().unwrap().to_string_lossy())
        ))
    );
    for chart in ["active", "recall", "loss"] {
        assert_picture(&run.join(format!("samples/eval-curves-{chart}.png")), 400, 300);
    }
    let fashion = out.join("fashion");
    ok(train_tiny(&fashion, &["--max-steps", "1"]));
    let fashion = single_run_of(&fashion, "facenet");
    fails_with(
        &atelier("flex", &["eval", "facenet", "--run", run_s, "--compare", fashion.to_str().unwrap()]),
        "trained on fashion, not on this run's emoji",
    );
}

#[test]
fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let out = scratch("facenet-resume");
    // The first 96 of Fashion's embedded training images in batches of 16: 6 steps; one run
    // stopped after 4 and resumed.
    let whole = out.join("whole");
    ok(train_tiny(&whole, &["--train-limit", "96"]));
    let whole = single_run_of(&whole, "facenet");
    let parts = out.join("parts");
    ok(train_tiny(&parts, &["--train-limit", "96", "--max-steps", "4"]));
    let parts = single_run_of(&parts, "facenet");
    let resumed = ok(atelier("flex", &["train", "--resume", parts.to_str().unwrap(), "--no-max-steps"]));
    assert!(stderr(&resumed).contains("completed 6 steps"), "{}", stderr(&resumed));
    let loss_at = |run: &Path, step: &str| {
        read(&run.join("metrics.csv"))
            .lines()
            .find(|l| l.starts_with(&format!("{step},")) && l.contains(",train,loss,"))
            .map(|l| l.rsplit(',').next().unwrap().to_string())
            .unwrap_or_else(|| panic!("no loss at step {step} in {}", run.display()))
    };
    assert_eq!(loss_at(&whole, "6"), loss_at(&parts, "6"));
    for run in [&whole, &parts] {
        ok(atelier("flex", &["eval", "facenet", "--run", run.to_str().unwrap()]));
    }
    for key in ["recall_at_1", "map_at_r", "roc_auc", "nmi"] {
        assert_eq!(eval_value(&whole, key), eval_value(&parts, key), "{key}");
    }
}

#[test]
fn an_identity_folder_trains_and_bad_requests_are_refused_clearly() {
    let out = scratch("facenet-folder");
    let folder = out.join("people");
    write_identity_folder(&folder, 10, 3);
    let folder_s = folder.to_str().unwrap();
    let runs = out.join("runs");
    let trained = ok(train_tiny(&runs, &["--task", "folder", "--data-dir", folder_s, "--identities-per-batch", "4"]));
    // Every fifth identity is held out: 8 identities (24 images) train, 2 (6 images) test.
    assert!(
        stderr(&trained).contains("24 training images of 10 identities (8 with two or more views), 6 validation"),
        "{}",
        stderr(&trained)
    );
    let run = single_run_of(&runs, "facenet");
    ok(atelier("flex", &["eval", "facenet", "--run", run.to_str().unwrap()]));
    assert_eq!(eval_value(&run, "queries"), 6.0);
    assert!((0.0..=1.0).contains(&eval_value(&run, "recall_at_1")));

    fails_with(&train_tiny(&out.join("x"), &["--task", "folder"]), "the embedded sets have none");
    fails_with(&atelier("flex", &["train", "facenet", "--task", "folder"]), "--task folder needs --data-dir");
    fails_with(&train_tiny(&out.join("x"), &["--batch-size", "64"]), "--batch-size: a FaceNet batch is");
    fails_with(&train_tiny(&out.join("x"), &["--views-per-identity", "1"]), "views_per_identity must be at least 2");
    fails_with(&train_tiny(&out.join("x"), &["--mining", "hardest"]), "invalid value 'hardest'");
    // A limit that leaves no identity with two views is said, not trained on.
    let limited = train_tiny(&out.join("x"), &["--task", "emoji", "--train-limit", "40"]);
    fails_with(&limited, "the training images hold 0 identit(ies) with two or more images");
    // Too few identities to hold any out is said, and no run is made.
    let few = out.join("few");
    write_identity_folder(&few, 3, 2);
    let bad = out.join("bad");
    fails_with(&train_tiny(&bad, &["--task", "folder", "--data-dir", few.to_str().unwrap()]), "leave none to test on");
    assert!(!bad.join("facenet").exists(), "a refused run leaves no run directory");
}

#[test]
fn bench_facenet_times_the_step_as_json() {
    let runs = scratch("bench-facenet");
    let bench = [
        "bench",
        "facenet",
        "--backend",
        "flex",
        "--batch-size",
        "8",
        "--steps",
        "1",
        "--warmup",
        "1",
        "--json",
        "--out",
        runs.to_str().unwrap(),
    ];
    let started = std::time::Instant::now();
    let output = ok(atelier("flex", &bench));
    let lines: Vec<serde_json::Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    atelier_testkit::commands::assert_bench_line(&lines[0], "facenet (semi-hard)", started.elapsed());
}
