use clap::CommandFactory;

use super::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    try_parse_from(std::iter::once("x").chain(args.iter().copied()))
}

fn train_model(args: &[&str]) -> TrainModel {
    let Command::Train(train) = parse(args).unwrap().command else { panic!("parsed the wrong command") };
    train.model.expect("a model")
}

#[test]
fn cli_definition_is_consistent() {
    Cli::command().debug_assert();
    command().debug_assert();
}

#[test]
fn unset_flags_stay_unset() {
    let TrainModel::Autoencoder(args) = train_model(&["train", "autoencoder", "--latent", "2"]) else {
        panic!("parsed the wrong model")
    };
    assert_eq!(args.latent, Some(2));
    assert_eq!(args.data.epochs, None);
    assert_eq!(args.common.backend, None);
}

#[test]
fn model_enums_parse_into_the_model_crates_types() {
    let TrainModel::Classifier(args) = train_model(&["train", "classifier", "--architecture", "vgg"]) else {
        panic!("parsed the wrong model")
    };
    assert_eq!(args.architecture, Some(atelier_classifier::Architecture::Vgg));
    let TrainModel::Autoencoder(args) = train_model(&["train", "autoencoder", "--variant", "denoising"]) else {
        panic!("parsed the wrong model")
    };
    assert_eq!(args.variant, Some(atelier_autoencoder::Variant::Denoising { noise_sigma: 0.3 }));
    let TrainModel::Dcgan(args) = train_model(&["train", "dcgan", "--generator-loss", "non-saturating"]) else {
        panic!("parsed the wrong model")
    };
    assert_eq!(args.generator_loss, Some(atelier_dcgan::GeneratorLoss::NonSaturating));
}

#[test]
fn bad_values_are_refused() {
    assert!(parse(&["train", "autoencoder", "--backend", "tpu"]).is_err());
    assert!(parse(&["train", "autoencoder", "--epochs", "-1"]).is_err());
    assert!(parse(&["eval", "autoencoder"]).is_err(), "--run is required");
    assert!(parse(&["eval", "images"]).is_err(), "--dir is required");
    let err = parse(&["train", "dqn", "--target", "triple"]).unwrap_err().to_string();
    assert!(err.contains("triple") && err.contains("double-dqn"), "{err}");
}

#[test]
fn cuda_without_the_feature_is_the_backend_crates_error_on_every_command() {
    if "cuda".parse::<Backend>().is_ok() {
        return; // a CUDA build: the flag is accepted
    }
    let commands: [&[&str]; 7] = [
        &["train", "autoencoder"],
        &["eval", "classifier", "--run", "r"],
        &["eval", "images", "--dir", "d"],
        &["bench", "vae"],
        &["sample", "dcgan", "--run", "r", "--out", "o"],
        &["demo"],
        &["sweep", "dqn"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--backend", "cuda"]);
        let err = parse(&args).unwrap_err();
        assert_ne!(err.exit_code(), 0, "{args:?}");
        let text = err.to_string();
        assert!(text.contains("unknown backend 'cuda'") && text.contains("--features cuda"), "{args:?}: {text}");
    }
}

/// Every flag given to a command it does not apply to is refused, naming the flag.
#[test]
fn flags_that_do_not_apply_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (&["eval", "vae", "--run", "r", "--noise-sigma", "0.3"], "--noise-sigma"),
        (&["eval", "classifier", "--run", "r", "--noise-sigma", "0.3"], "--noise-sigma"),
        (&["eval", "dcgan", "--run", "r", "--noise-sigma", "0.3"], "--noise-sigma"),
        (&["eval", "dqn", "--run", "r", "--noise-sigma", "0.3"], "--noise-sigma"),
        (&["eval", "lstm", "--run", "r", "--noise-sigma", "0.3"], "--noise-sigma"),
        (&["eval", "autoencoder", "--run", "r", "--episodes", "5"], "--episodes"),
        (&["eval", "autoencoder", "--run", "r", "--limit", "5"], "--limit"),
        (&["eval", "autoencoder", "--run", "r", "--export-evaluator"], "--export-evaluator"),
        (&["eval", "classifier", "--run", "r", "--is-samples", "3"], "--is-samples"),
        (&["eval", "vae", "--run", "r", "--export-evaluator"], "--export-evaluator"),
        (&["eval", "dqn", "--run", "r", "--data-dir", "d"], "--data-dir"),
        (&["eval", "classifier", "--run", "r", "--limit", "5"], "--limit"),
        (&["eval", "images", "--dir", "d", "--run", "r"], "--run"),
        (&["eval", "images", "--dir", "d", "--episodes", "3"], "--episodes"),
        (&["eval", "dcgan", "--run", "r", "--reference", "train"], "--reference"),
        (&["train", "dqn", "--epochs", "2"], "--epochs"),
        (&["train", "dqn", "--data-dir", "d"], "--data-dir"),
        (&["train", "dqn", "--train-limit", "5"], "--train-limit"),
        (&["train", "dqn", "--valid-limit", "5"], "--valid-limit"),
        (&["train", "autoencoder", "--likelihood", "gaussian"], "--likelihood"),
        (&["train", "vae", "--variant", "sparse"], "--variant"),
        (&["train", "classifier", "--task", "rows"], "--task"),
        (&["train", "lstm", "--architecture", "vgg"], "--architecture"),
        (&["train", "autoencoder", "--lr-decay-every", "3"], "--lr-decay-every"),
        (&["train", "dcgan", "--lr-decay-factor", "0.5"], "--lr-decay-factor"),
        (&["train", "dqn", "--cell", "rnn"], "--cell"),
        (&["train", "--latent", "3"], "--latent"),
        (&["bench", "autoencoder", "--cell", "ours"], "--cell"),
        (&["bench", "dqn", "--epochs", "3"], "--epochs"),
        (&["sweep", "autoencoder"], "autoencoder"),
        (&["sweep", "dqn", "--epochs", "3"], "--epochs"),
        (&["sample", "vae", "--run", "r", "--out", "o", "--episodes", "3"], "--episodes"),
        (&["demo", "--epochs", "3"], "--epochs"),
        (&["report", "--backend", "flex"], "--backend"),
        (&["backends", "--backend", "flex"], "--backend"),
    ];
    for (args, flag) in cases {
        let err = match parse(args) {
            Ok(cli) => panic!("{args:?} was accepted: {cli:?}"),
            Err(err) => err,
        };
        assert_ne!(err.exit_code(), 0, "{args:?}");
        let text = err.to_string();
        assert!(text.contains(&format!("'{flag}'")), "{args:?} should name {flag}: {text}");
    }
}

#[test]
fn help_states_each_models_own_defaults() {
    let help = |model: &str| {
        let mut command = command();
        let train = command.find_subcommand_mut("train").unwrap();
        train.find_subcommand_mut(model).unwrap().render_long_help().to_string()
    };
    let dcgan = help("dcgan");
    assert!(dcgan.contains("Passes over the training set [default: 20 ("), "{dcgan}");
    let dqn = help("dqn");
    assert!(dqn.contains("Examples per step [default: 64]"), "{dqn}");
    assert!(!dqn.contains("--epochs"), "{dqn}");
    let lstm = help("lstm");
    assert!(
        lstm.contains(
            "[default: 15 (≈ 25 min on 2 CPU cores with the full data); --task sequence: 60; --task complete: 10]"
        ),
        "{lstm}"
    );
    let classifier = help("classifier");
    assert!(classifier.contains("[default: never; --architecture vgg: 9]"), "{classifier}");
}

#[test]
fn dqn_flags_parse() {
    let TrainModel::Dqn(args) = train_model(&["train", "dqn", "--total-steps", "5000", "--hidden", "64,64"]) else {
        panic!("parsed the wrong model")
    };
    assert_eq!(args.total_steps, Some(5000));
    assert_eq!(args.hidden, Some(vec![64, 64]));
    let Command::Sweep(SweepCommand { model: SweepModel::Dqn(sweep) }) =
        parse(&["sweep", "dqn", "--seeds", "3,4"]).unwrap().command
    else {
        panic!("parsed the wrong command")
    };
    assert_eq!(sweep.seeds, vec![3, 4]);
}

#[test]
fn the_backend_flag_of_each_command_is_found() {
    let backend = |args: &[&str]| parse(args).unwrap().command.backend();
    assert_eq!(backend(&["train", "vae", "--backend", "ndarray"]), Some(Backend::Ndarray));
    assert_eq!(backend(&["eval", "dqn", "--run", "r", "--backend", "ndarray"]), Some(Backend::Ndarray));
    assert_eq!(backend(&["bench", "lstm", "--backend", "ndarray"]), Some(Backend::Ndarray));
    assert_eq!(backend(&["bench", "lstm", "--backend", "ndarray", "--backend", "flex"]), None);
    assert_eq!(backend(&["train", "vae"]), None);
}

#[test]
fn demo_names_its_lectures_and_checks_its_scale() {
    let err = parse(&["demo", "--lecture", "pix3pix"]).unwrap_err().to_string();
    assert!(err.contains("--lecture") && err.contains("classifier, autoencoder"), "{err}");
    for bad in ["0", "-1", "nan", "11"] {
        let flag = format!("--scale={bad}");
        let err = parse(&["demo", &flag]).unwrap_err().to_string();
        assert!(err.contains("--scale"), "{bad}: {err}");
    }
    let Command::Demo(demo) =
        parse(&["demo", "--lecture", "vae", "--lecture", "dqn", "--scale", "0.5"]).unwrap().command
    else {
        panic!("demo parses as demo");
    };
    assert_eq!((demo.lecture, demo.scale), (vec!["vae".to_string(), "dqn".to_string()], 0.5));
    let Command::Report(report) = parse(&["report"]).unwrap().command else {
        panic!("report parses as report");
    };
    assert_eq!((report.runs.to_str(), report.out.to_str(), report.all), (Some("runs"), Some("report"), false));
}

#[test]
fn bench_all_takes_a_subset_of_the_lectures_by_name() {
    let models = |args: &[&str]| match parse(args).unwrap().command {
        Command::Bench(BenchCommand { model: BenchModel::All(all) }) => all.models,
        other => panic!("parsed the wrong command: {other:?}"),
    };
    assert!(models(&["bench", "all"]).is_empty(), "no --model: every lecture");
    assert_eq!(models(&["bench", "all", "--model", "dqn", "--model", "vae"]), ["dqn", "vae"]);
    let err = parse(&["bench", "all", "--model", "gan"]).unwrap_err().to_string();
    assert!(err.contains("--model") && err.contains("dcgan"), "names the flag and the choices: {err}");
    assert_eq!(BENCH_ALL_MODELS.len(), 10, "every lecture has a bench");
}
