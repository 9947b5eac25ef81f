//! The report on hand-made runs folders: every state a run can be in is shown as such (never as
//! a blank), targets are judged per run kind, the newest run of each kind is chosen, unknown files
//! are ignored, and the report folder cannot be put inside the runs folder.

use std::fs;
use std::path::{Path, PathBuf};

use atelier_core::canvas::{Canvas, Rgb};
use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::curves::StepAxis;
use atelier_report::{Existing, ReportError, ReportOptions, Selection, write_report};
use serde_json::json;

struct RunSpec<'a> {
    model: &'a str,
    dir: &'a str,
    model_section: serde_json::Value,
    status: &'a str,
    started: &'a str,
    eval: Option<&'a str>,
}

fn write_run(runs: &Path, spec: &RunSpec) -> PathBuf {
    let dir = runs.join(spec.model).join(spec.dir);
    fs::create_dir_all(dir.join("samples")).unwrap();
    fs::create_dir_all(dir.join("plots")).unwrap();
    let config = json!({
        "backend": "flex", "data_dir": null,
        "train": {"epochs": 2, "batch_size": 128, "seed": 7, "train_limit": 600},
        "model": spec.model_section,
    });
    fs::write(dir.join("config.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let run = json!({
        "atelier_version": "0.1.0", "burn_version": "0.22.1", "git_revision": "abc123", "git_dirty": false,
        "backend": "flex", "device": "host CPU (2 threads)", "command_line": ["atelier", "train"],
        "data_source": "embedded mini Fashion-MNIST", "threads": 2, "started": spec.started,
        "finished": if spec.status == "running" { serde_json::Value::Null } else { json!("2026-11-28T09:04:10Z") },
        "status": spec.status, "resumed_at_steps": [],
    });
    fs::write(dir.join("run.json"), serde_json::to_string_pretty(&run).unwrap()).unwrap();
    if let Some(eval) = spec.eval {
        fs::write(dir.join("eval.json"), eval).unwrap();
    }
    fs::write(
        dir.join("metrics.csv"),
        "step,epoch,split,name,value\n5,0,train,loss,2.3\n10,1,train,loss,0.9\n10,1,test,accuracy,0.71\n",
    )
    .unwrap();
    Canvas::new(20, 10, Rgb(200, 30, 30)).save_png(&dir.join("samples/eval-confusion-matrix.png")).unwrap();
    Canvas::new(20, 10, Rgb(30, 30, 200)).save_png(&dir.join("samples/epoch-001-grid.png")).unwrap();
    Canvas::new(20, 10, Rgb(30, 200, 30)).save_png(&dir.join("samples/epoch-002-grid.png")).unwrap();
    Canvas::new(20, 10, Rgb(0, 0, 0)).save_png(&dir.join("plots/loss.png")).unwrap();
    dir
}

/// A course of six lectures as the registry would give it: each with an objective, the first and
/// the last with targets (a alpha's per architecture, an agent's for every run).
fn course() -> Vec<CourseEntry> {
    let target = |metric, kind, goal| Target { metric, kind, goal, reference: "the README" };
    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
        .into_iter()
        .map(|id| CourseEntry {
            id,
            title: "A lecture",
            teaches: "What it teaches.",
            objective: "<math display=\"block\"><mi>L</mi></math>".into(),
            objective_note: "What the symbols mean.",
            make_run: Box::leak(format!("cargo xtask demo --lecture {id}").into_boxed_str()),
            targets: match id {
                "alpha" => vec![
                    target("test_accuracy", Some("cnn"), Goal::AtLeast(0.92)),
                    target("test_accuracy", Some("vgg"), Goal::AtLeast(0.935)),
                ],
                "zeta" => vec![target("mean_return", None, Goal::AtLeast(475.0))],
                _ => Vec::new(),
            },
        })
        .collect()
}

fn axis_of(id: &str) -> StepAxis {
    if id == "zeta" { StepAxis::Environment } else { StepAxis::Optimisation }
}

fn report(runs: &Path, out: &Path, selection: Selection) -> String {
    write_report(
        &ReportOptions { runs: runs.to_path_buf(), out: out.to_path_buf(), selection, existing: Existing::Refuse },
        &course(),
        &axis_of,
    )
    .unwrap();
    fs::read_to_string(out.join("index.html")).unwrap()
}

fn section<'a>(html: &'a str, lecture: &str) -> &'a str {
    let start = html.find(&format!("id=\"lecture-{lecture}\"")).unwrap();
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

fn cnn() -> serde_json::Value {
    json!({"name": "alpha", "architecture": "cnn"})
}

#[test]
fn an_empty_or_missing_runs_folder_says_how_to_make_each_run() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(&dir.path().join("no-runs-here"), &dir.path().join("report"), Selection::Newest);
    for lecture in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"] {
        let s = section(&html, lecture);
        assert!(s.contains("class=\"no-run\"") && s.contains("cargo xtask demo --lecture"), "{lecture}: {s}");
        assert!(s.contains("<math display=\"block\">"), "{lecture} states its objective");
    }
    assert!(html.contains("No bench results yet"));
    assert!(html.contains("data-met=\"0\" data-judged=\"0\""));
}

#[test]
fn every_state_is_shown_and_targets_are_judged_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    // Alpha: an older and a newer CNN run (only the newer is shown) and a VGG run.
    write_run(
        &runs,
        &RunSpec {
            model: "alpha",
            dir: "20261128-080000-flex-s0",
            model_section: cnn(),
            status: "completed",
            started: "2026-11-28T08:00:00Z",
            eval: Some(r#"{"test_accuracy": 0.5, "checkpoint_step": 3.0}"#),
        },
    );
    write_run(
        &runs,
        &RunSpec {
            model: "alpha",
            dir: "20261128-090000-flex-s0",
            model_section: cnn(),
            status: "completed",
            started: "2026-11-28T09:00:00Z",
            eval: Some(r#"{"test_accuracy": 0.9256, "checkpoint_step": 4690.0}"#),
        },
    );
    write_run(
        &runs,
        &RunSpec {
            model: "alpha",
            dir: "20261128-090100-flex-s0",
            model_section: json!({"name": "alpha", "architecture": "vgg"}),
            status: "completed",
            started: "2026-11-28T09:01:00Z",
            eval: Some(r#"{"test_accuracy": 0.93}"#),
        },
    );
    // Beta still running, Gamma failed (with markup in its message), Delta not evaluated,
    // Epsilon with a broken eval.json, Zeta interrupted.
    write_run(
        &runs,
        &RunSpec {
            model: "beta",
            dir: "20261128-090200-flex-s0",
            model_section: json!({"name": "beta", "variant": {"kind": "plain"}}),
            status: "running",
            started: "2026-11-28T09:02:00Z",
            eval: None,
        },
    );
    write_run(
        &runs,
        &RunSpec {
            model: "gamma",
            dir: "20261128-090300-flex-s0",
            model_section: json!({"name": "gamma", "likelihood": {"kind": "bernoulli"}}),
            status: "failed: NaN loss at step 12 <script>",
            started: "2026-11-28T09:03:00Z",
            eval: None,
        },
    );
    write_run(
        &runs,
        &RunSpec {
            model: "delta",
            dir: "20261128-090400-flex-s0",
            model_section: json!({"name": "delta"}),
            status: "completed",
            started: "2026-11-28T09:04:00Z",
            eval: None,
        },
    );
    write_run(
        &runs,
        &RunSpec {
            model: "epsilon",
            dir: "20261128-090500-flex-s0",
            model_section: json!({"name": "epsilon", "task": {"kind": "rows"}}),
            status: "completed",
            started: "2026-11-28T09:05:00Z",
            eval: Some("{ not json"),
        },
    );
    write_run(
        &runs,
        &RunSpec {
            model: "zeta",
            dir: "20261128-090600-flex-s0",
            model_section: json!({"name": "zeta", "total_steps": 3000}),
            status: "interrupted",
            started: "2026-11-28T09:06:00Z",
            eval: Some(r#"{"mean_return": 500.0}"#),
        },
    );
    // Things that are not runs.
    fs::write(runs.join("notes.txt"), "mine").unwrap();
    fs::create_dir_all(runs.join("scratch/empty-folder")).unwrap();

    let out = dir.path().join("report");
    let html = report(&runs, &out, Selection::Newest);

    let alpha = section(&html, "alpha");
    assert!(alpha.contains("data-run=\"alpha/20261128-090000-flex-s0\""));
    assert!(!alpha.contains("20261128-080000"), "only the newest run of a kind");
    assert!(alpha.contains("data-run=\"alpha/20261128-090100-flex-s0\""), "the VGG run is another kind");
    assert!(alpha.contains(
        "data-metric=\"test_accuracy\" data-value=\"0.9256\">0.9256</td><td>≥ 0.92</td><td class=\"verdict met\">✓"
    ));
    assert!(alpha.contains("data-value=\"0.93\">0.93</td><td>≥ 0.935</td><td class=\"verdict missed\">✗"));
    assert!(html.contains("data-met=\"2\" data-judged=\"3\""), "CNN ✓, VGG ✗, Zeta ✓");

    let beta = section(&html, "beta");
    assert!(beta.contains("data-state=\"running\"") && beta.contains("train --resume"));
    assert!(beta.contains("class=\"warning not-evaluated\"") && beta.contains("cargo xtask eval beta --run"));
    let gamma = section(&html, "gamma");
    assert!(gamma.contains("data-state=\"failed\"") && gamma.contains("NaN loss at step 12 &lt;script&gt;"), "{gamma}");
    assert!(!html.contains("<script"), "markup from files is escaped");
    assert!(section(&html, "delta").contains("Not evaluated yet"));
    assert!(section(&html, "epsilon").contains("eval.json cannot be read"));
    let zeta = section(&html, "zeta");
    assert!(zeta.contains("data-state=\"stopped\"") && zeta.contains("stopped: interrupted"));
    assert!(zeta.contains("3000 environment steps"));
    let agent_curve = fs::read_to_string(out.join("files/zeta/20261128-090600-flex-s0/curves/loss.svg")).unwrap();
    assert!(agent_curve.contains("loss per environment step"), "an agent's curves count environment steps");

    // Pictures: the evaluation's, the newest epoch's only; curves as SVG; a metric's PNG not copied.
    let files = out.join("files/alpha/20261128-090000-flex-s0");
    assert!(files.join("samples/eval-confusion-matrix.png").is_file());
    assert!(files.join("samples/epoch-002-grid.png").is_file());
    assert!(!files.join("samples/epoch-001-grid.png").exists());
    assert!(!files.join("plots/loss.png").exists(), "loss is drawn again as SVG");
    let svg = fs::read_to_string(files.join("curves/loss.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("loss per optimisation step"));
    assert!(alpha.contains("src=\"files/alpha/20261128-090000-flex-s0/curves/accuracy.svg\""));
    // Provenance and the command that reproduces the run.
    assert!(alpha.contains("<th>seed</th><td>7</td>") && alpha.contains("<th>git revision</th><td>abc123</td>"));
    assert!(alpha.contains("<th>duration</th><td>4 min 10 s</td>"));
    assert!(alpha.contains("cargo xtask train --config"));

    // Every run with --all; the stale copies of the earlier report are gone.
    fs::write(out.join("files/stale.txt"), "old").unwrap();
    let all = report(&runs, &out, Selection::All);
    assert!(section(&all, "alpha").contains("20261128-080000"));
    assert!(!out.join("files/stale.txt").exists());
}

#[test]
fn the_report_folder_cannot_be_inside_the_runs_folder() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    fs::create_dir_all(&runs).unwrap();
    for out in [runs.clone(), runs.join("report")] {
        let options = ReportOptions {
            runs: runs.clone(),
            out: out.clone(),
            selection: Selection::Newest,
            existing: Existing::Refuse,
        };
        let err = write_report(&options, &course(), &axis_of).unwrap_err();
        assert!(matches!(err, ReportError::OutInsideRuns(_)), "{err}");
        assert!(err.to_string().contains("--out"), "{err}");
    }
}

#[test]
fn a_folder_of_the_users_is_never_cleared_without_force_and_one_around_the_runs_never() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    fs::create_dir_all(&runs).unwrap();
    let options = |out: &Path, existing| ReportOptions {
        runs: runs.clone(),
        out: out.to_path_buf(),
        selection: Selection::Newest,
        existing,
    };
    // Around the runs folder: refused even with --force (clearing files/ could touch runs).
    let err = write_report(&options(dir.path(), Existing::Replace), &course(), &axis_of).unwrap_err();
    assert!(matches!(err, ReportError::OutContainsRuns(_)), "{err}");
    // A folder of the user's with a files/ of their own: refused, untouched.
    let theirs = dir.path().join("documents");
    fs::create_dir_all(theirs.join("files")).unwrap();
    fs::write(theirs.join("files/thesis.tex"), "mine").unwrap();
    let err = write_report(&options(&theirs, Existing::Refuse), &course(), &axis_of).unwrap_err();
    assert!(err.to_string().contains("is not a report folder") && err.to_string().contains("--force"), "{err}");
    assert_eq!(fs::read_to_string(theirs.join("files/thesis.tex")).unwrap(), "mine");
    assert!(!theirs.join("index.html").exists());
    // A new folder becomes a report folder, which the next report may replace.
    let fresh = dir.path().join("report");
    write_report(&options(&fresh, Existing::Refuse), &course(), &axis_of).unwrap();
    write_report(&options(&fresh, Existing::Refuse), &course(), &axis_of).unwrap();
    assert!(fresh.join(atelier_report::REPORT_MARKER).is_file());
}
