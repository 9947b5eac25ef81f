//! The command line through the real binary: each model's `train --help` states the defaults a run
//! with no flags records in its `config.json`; `--backend cuda` on a build without CUDA is the same
//! error on every command; flags that do not apply are refused with a failing exit status; the
//! Vulkan driver's complaint about a missing `XDG_RUNTIME_DIR` stays out of the output.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use atelier_testkit::commands::*;

/// The defaults stated in `train <model> --help`: flag → (default, [(choice, its value)]), from
/// `[default: 15 (≈ 25 min …); --task sequence: 60; --task complete: 10]`.
fn help_defaults(model: &str) -> BTreeMap<String, (String, Vec<(String, String)>)> {
    let help = stdout(&ok(atelier("flex", &["train", model, "--help"])));
    let without_note = |value: &str| value.split(" (").next().unwrap_or(value).trim().to_string();
    let mut flag: Option<String> = None;
    let mut defaults = BTreeMap::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        // An argument's first line: `--epochs <EPOCHS>` or `-h, --help` (not a `- value: …` line).
        if trimmed.starts_with("--")
            || trimmed.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic()) && trimmed.starts_with('-')
        {
            flag = trimmed.split([' ', ',']).find(|token| token.starts_with("--")).map(str::to_string);
        }
        let (Some(flag), Some(start)) = (&flag, line.find("[default: ")) else { continue };
        let inner = &line[start + "[default: ".len()..];
        let inner = &inner[..inner.find(']').unwrap_or_else(|| panic!("unclosed default: {line}"))];
        let mut parts = inner.split("; ");
        let base = without_note(parts.next().unwrap());
        let choices = parts
            .map(|part| {
                let (choice, value) = part.split_once(": ").unwrap_or_else(|| panic!("'{part}' in: {line}"));
                (choice.to_string(), without_note(value))
            })
            .collect();
        defaults.entry(flag.clone()).or_insert((base, choices));
    }
    defaults
}

/// Where `config.json` records each flag's setting.
const RECORDED: &[(&str, &str)] = &[
    ("--backend", "/backend"),
    ("--seed", "/train/seed"),
    ("--epochs", "/train/epochs"),
    ("--batch-size", "/train/batch_size"),
    ("--log-every", "/train/log_every"),
    ("--checkpoint-every", "/train/checkpoint_every"),
    ("--lr", "/model/learning_rate"),
    ("--latent", "/model/latent"),
    ("--variant", "/model/variant/kind"),
    ("--noise-sigma", "/model/variant/noise_sigma"),
    ("--sparsity", "/model/variant/lambda"),
    ("--likelihood", "/model/likelihood/kind"),
    ("--gaussian-sigma", "/model/likelihood/sigma"),
    ("--beta", "/model/beta"),
    ("--kl-warmup", "/model/kl_warmup_steps"),
    ("--architecture", "/model/architecture"),
    ("--trainable", "/model/trainable"),
    ("--augment", "/model/augmentation"),
    ("--lr-decay-every", "/model/lr_schedule/every_epochs"),
    ("--lr-decay-factor", "/model/lr_schedule/factor"),
    ("--task", "/model/task/kind"),
    ("--cell", "/model/cell"),
    ("--hidden", "/model/hidden"),
    ("--progression", "/model/task/progression"),
    ("--terms", "/model/task/terms"),
    ("--train-sequences", "/model/task/train_sequences"),
    ("--test-sequences", "/model/task/test_sequences"),
    ("--total-steps", "/model/total_steps"),
    ("--target", "/model/target"),
    ("--loss", "/model/loss/kind"),
    ("--gamma", "/model/gamma"),
    ("--buffer-capacity", "/model/buffer_capacity"),
    ("--learning-starts", "/model/learning_starts"),
    ("--eval-every", "/model/eval_every"),
    ("--eval-episodes", "/model/eval_episodes"),
    ("--generator-loss", "/model/generator_loss"),
    ("--d-steps", "/model/discriminator_steps"),
    ("--smooth-real", "/model/label_smoothing/real"),
    ("--beta1", "/model/beta_1"),
    ("--score-every", "/model/score_every"),
    ("--score-images", "/model/score_images"),
    ("--ngf", "/model/ngf"),
    ("--ndf", "/model/ndf"),
    ("--l1-weight", "/model/l1_weight"),
    ("--gan-weight", "/model/gan_weight"),
    ("--edge-threshold", "/model/edge_threshold"),
    ("--model", "/model/architecture"),
    ("--base-channels", "/model/base_channels"),
    ("--depth", "/model/depth"),
    ("--dilation", "/model/dilation"),
    ("--class-weights", "/model/class_weights"),
    ("--train-scenes", "/model/train_scenes"),
    ("--test-scenes", "/model/test_scenes"),
    ("--mining", "/model/mining"),
    ("--dim", "/model/dim"),
    ("--margin", "/model/margin"),
    ("--identities-per-batch", "/model/identities_per_batch"),
    ("--views-per-identity", "/model/views_per_identity"),
    ("--size", "/model/size"),
    ("--blocks", "/model/blocks"),
    ("--cycle-weight", "/model/cycle_weight"),
    ("--identity-ratio", "/model/identity_ratio"),
    ("--pool-size", "/model/pool_size"),
];

/// Flags whose stated default is not a setting of the run.
const NOT_RECORDED: &[&str] = &["--out"];

/// The setting `config.json` records for `flag`, as text (None: this run has no such setting,
/// e.g. a noise σ of a plain autoencoder).
fn recorded(config: &serde_json::Value, flag: &str) -> Option<String> {
    let pointer = RECORDED.iter().find(|(f, _)| *f == flag).unwrap_or_else(|| panic!("{flag}: add it to RECORDED")).1;
    match (flag, config.pointer(pointer)) {
        (_, Some(value)) => Some(text(value)),
        // Settings recorded in another form: no step decay, no label smoothing.
        ("--lr-decay-every", None) if config.pointer("/model/lr_schedule/kind")? == "constant" => Some("never".into()),
        ("--smooth-real", None) if config.pointer("/model/label_smoothing/kind")? == "none" => Some("1".into()),
        // pix2pix's task is a plain name, the LSTM's a tagged object.
        ("--task", None) => config.pointer("/model/task").map(text),
        (_, None) => None,
    }
}

fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.replace('_', "-"),
        serde_json::Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn same_value(stated: &str, recorded: &str) -> bool {
    match (stated.parse::<f64>(), recorded.parse::<f64>()) {
        (Ok(a), Ok(b)) => (a - b).abs() <= 1e-12 * a.abs().max(1.0),
        _ => stated == recorded,
    }
}

/// Trains one step with `choice` (e.g. `--task sequence`) and no other setting, and returns the
/// run's `config.json`.
fn config_of_a_run_with_no_flags(model: &str, choice: &[&str], out: &Path) -> serde_json::Value {
    let data = embedded_dir();
    let mut args = vec!["train", model, "--out", out.to_str().unwrap(), "--max-steps", "1"];
    args.extend_from_slice(choice);
    match (model, choice) {
        ("dqn", _) => {}
        ("lstm", ["--task", "sequence"]) => args.extend(["--train-limit", "64", "--valid-limit", "64"]),
        ("pix2pix", ["--task", "edges2fashion"]) => {
            args.extend(["--data-dir", data.to_str().unwrap(), "--train-limit", "64"])
        }
        ("pix2pix" | "emoji-evaluator", _) => args.extend(["--data-dir", "embedded", "--train-limit", "64"]),
        ("cyclegan", ["--task", "edges-fashion"]) => {
            args.extend(["--data-dir", data.to_str().unwrap(), "--train-limit", "64"])
        }
        ("cyclegan", _) => args.extend(["--data-dir", "embedded", "--train-limit", "64"]),
        // The embedded emoji identities whole (a limit would keep only Google renderings: no pairs).
        ("facenet", ["--task", "emoji"]) => args.extend(["--data-dir", "embedded"]),
        _ => args.extend(["--data-dir", data.to_str().unwrap(), "--train-limit", "64", "--valid-limit", "64"]),
    }
    ok(atelier("flex", &args));
    let run = single_run_of(out, model);
    serde_json::from_str(&read(&run.join("config.json"))).unwrap()
}

#[test]
fn each_models_help_states_the_defaults_its_runs_record() {
    let runs: &[(&str, &[&[&str]])] = &[
        ("autoencoder", &[&[], &["--variant", "denoising"], &["--variant", "sparse"]]),
        ("vae", &[&[], &["--likelihood", "gaussian"]]),
        ("classifier", &[&[], &["--architecture", "vgg"]]),
        ("lstm", &[&[], &["--task", "sequence"], &["--task", "complete"]]),
        ("dqn", &[&[]]),
        ("dcgan", &[&[]]),
        ("pix2pix", &[&[], &["--task", "colorize"], &["--task", "edges2fashion"], &["--task", "edges2emoji"]]),
        ("emoji-evaluator", &[&[]]),
        // A step decay records its factor (the default run's constant rate has none).
        ("segmentation", &[&[], &["--lr-decay-every", "2"]]),
        ("facenet", &[&[], &["--task", "emoji"]]),
        ("cyclegan", &[&[], &["--task", "edges-fashion"]]),
    ];
    for (model, choices) in runs {
        let defaults = help_defaults(model);
        assert!(defaults.contains_key("--lr") && defaults.contains_key("--seed"), "{model}: {defaults:?}");
        let mut compared = std::collections::BTreeSet::new();
        for choice in *choices {
            let out = scratch(&format!("defaults-{model}"));
            let config = config_of_a_run_with_no_flags(model, choice, &out);
            let label = choice.join(" ");
            for (flag, (base, by_choice)) in &defaults {
                if NOT_RECORDED.contains(&flag.as_str()) || choice.contains(&flag.as_str()) {
                    continue;
                }
                let stated = by_choice.iter().find(|(c, _)| *c == label).map_or(base, |(_, value)| value);
                let Some(recorded) = recorded(&config, flag) else { continue };
                assert!(
                    same_value(stated, &recorded),
                    "train {model} {label}: --help says {flag} defaults to {stated}, config.json records {recorded}"
                );
                compared.insert(flag.clone());
            }
        }
        for flag in defaults.keys().filter(|f| !NOT_RECORDED.contains(&f.as_str())) {
            assert!(compared.contains(flag), "{model}: the default of {flag} was never compared with a config.json");
        }
    }
}

#[test]
fn help_states_the_measured_defaults() {
    let lstm = help_defaults("lstm");
    assert_eq!(lstm["--epochs"].0, "15");
    assert!(lstm["--epochs"].1.contains(&("--task sequence".to_string(), "60".to_string())), "{lstm:?}");
    assert!(lstm["--lr-decay-every"].1.contains(&("--task sequence".to_string(), "40".to_string())), "{lstm:?}");
    let classifier = help_defaults("classifier");
    assert!(classifier["--epochs"].1.contains(&("--architecture vgg".to_string(), "12".to_string())));
    assert_eq!(help_defaults("dcgan")["--epochs"].0, "20");
    assert_eq!(help_defaults("dqn")["--batch-size"].0, "64");
}

#[test]
fn cuda_without_the_feature_is_one_clear_error_on_every_command() {
    if cfg!(feature = "cuda") {
        return;
    }
    let commands: [&[&str]; 7] = [
        &["train", "autoencoder"],
        &["eval", "autoencoder", "--run", "/nonexistent/run"],
        &["eval", "images", "--dir", "/nonexistent/pngs"],
        &["bench", "autoencoder"],
        &["sample", "vae", "--run", "/nonexistent/run", "--out", "/nonexistent/pngs"],
        &["demo"],
        &["sweep", "dqn"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--backend", "cuda"]);
        let err = fails_with(&atelier("flex", &args), "unknown backend 'cuda': this build has flex, ndarray, wgpu");
        assert!(err.contains("--features cuda"), "{args:?}: {err}");
    }
}

#[test]
fn flags_that_do_not_apply_are_refused_with_a_failing_status() {
    let out = scratch("refused-flags");
    let out_s = out.to_str().unwrap();
    // Refused by the command line's shape: the flag does not exist there.
    let cases: [(&[&str], &str); 4] = [
        (&["eval", "vae", "--run", out_s, "--noise-sigma", "0.3"], "unexpected argument '--noise-sigma'"),
        (&["eval", "dqn", "--run", out_s, "--data-dir", out_s], "unexpected argument '--data-dir'"),
        (&["train", "dqn", "--train-limit", "5", "--out", out_s], "unexpected argument '--train-limit'"),
        (&["bench", "vae", "--cell", "rnn"], "unexpected argument '--cell'"),
    ];
    for (args, message) in cases {
        fails_with(&atelier("flex", args), message);
    }
    // Refused once the configuration is resolved: the setting it would change does not exist.
    let cases: [(&[&str], &str); 3] = [
        (
            &["train", "autoencoder", "--noise-sigma", "0.3", "--out", out_s],
            "--noise-sigma applies to --variant denoising only",
        ),
        (
            &["train", "vae", "--gaussian-sigma", "0.2", "--out", out_s],
            "--gaussian-sigma applies to --likelihood gaussian",
        ),
        (&["train", "lstm", "--task", "sequence", "--data-dir", out_s, "--out", out_s], "--data-dir does not apply"),
    ];
    for (args, message) in cases {
        fails_with(&atelier("flex", args), message);
    }
    assert!(std::fs::read_dir(&*out).unwrap().next().is_none(), "refused commands leave no run directories behind");
}

#[test]
fn the_vulkan_drivers_runtime_dir_complaint_stays_out_of_the_output() {
    let output = ok(Command::new(bin()).env_remove("XDG_RUNTIME_DIR").arg("backends").output().unwrap());
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(all.contains("flex") && all.contains("wgpu"), "{all}");
    assert!(!all.contains("XDG_RUNTIME_DIR"), "{all}");
}

/// Each lecture README's table of flags (between `<!-- flags:begin ID -->` and `<!-- flags:end -->`)
/// is what `atelier flags ID` prints from the declarations: a default changed in code shows here
/// until the README is regenerated. Every lecture `train` offers has such a table.
#[test]
fn each_lectures_readme_lists_its_flags_as_the_code_declares_them() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut documented = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let readme = entry.unwrap().path().join("README.md");
        let Ok(text) = std::fs::read_to_string(&readme) else { continue };
        let Some(start) = text.find("<!-- flags:begin ") else { continue };
        let rest = &text[start + "<!-- flags:begin ".len()..];
        let (id, rest) = rest.split_once(" -->\n").expect("<!-- flags:begin ID -->");
        let table = &rest[..rest.find("<!-- flags:end -->").expect("<!-- flags:end -->")];
        let printed = stdout(&ok(atelier("flex", &["flags", id])));
        assert!(
            table == printed,
            "{}: the flags table differs from `cargo xtask flags {id}`; paste its output between the markers",
            readme.display()
        );
        documented.push(id.to_string());
    }
    let help = stdout(&ok(atelier("flex", &["train", "--help"])));
    let lectures: Vec<&str> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(lectures.len() >= 10, "{help}");
    for lecture in lectures {
        assert!(documented.iter().any(|d| d == lecture), "no README lists the flags of {lecture}: {documented:?}");
    }
}
