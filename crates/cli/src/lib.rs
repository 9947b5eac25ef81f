//! The command line of the `atelier` runner, built from the registry of lectures.
//!
//! `cargo xtask` runs `data …` itself (no tensors needed, so it compiles without Burn) and hands
//! every other command, `--help` included, to the runner, which parses it here. No lecture is
//! named in this crate: `train`, `eval`, `bench`, `sample` and the lectures' own verbs get one
//! subcommand per lecture of the registry, with the flags that lecture declares (each once, on
//! its config's field) and the defaults its presets hold. A flag that does not apply to a command
//! does not exist there: clap refuses it. A flag that is not typed is not in [`Typed`], so a value
//! from `--config` or a resumed run's `config.json` is only overridden by what the user typed.

pub mod args;
pub mod fixed;

use atelier_backend::Backend;
use atelier_core::params::{ParamInfo, Params, Typed};
use atelier_lecture::flags::RunFlags;
use atelier_lecture::{AnyLecture, Registry, SharedVerb};
use clap::{ArgMatches, Args, Command, FromArgMatches};

pub use fixed::{
    BenchAllArgs, BenchArgs, BenchOpsArgs, DataArgs, DemoArgs, EvaluatorArg, ImagesEvalArgs, Reference, ReferenceArg,
    ReferenceArgs, ReportArgs, SampleArgs, TranslateArgs,
};

/// A command line, parsed.
pub enum Parsed {
    /// `train [<lecture>] …`: no lecture with `--config FILE` or `--resume RUN` alone.
    Train {
        lecture: Option<&'static dyn AnyLecture>,
        typed: Typed,
    },
    Eval {
        lecture: &'static dyn AnyLecture,
        typed: Typed,
    },
    EvalImages(ImagesEvalArgs),
    Bench {
        lecture: &'static dyn AnyLecture,
        args: BenchArgs,
        typed: Typed,
    },
    BenchAll(BenchAllArgs),
    BenchOps(BenchOpsArgs),
    /// A verb of the lectures (`segment`, `search`, …): the run's lecture answers it.
    Verb {
        name: String,
        typed: Typed,
    },
    /// A lecture's command that works on no run (`sweep <lecture>`).
    Command {
        name: String,
        lecture: &'static dyn AnyLecture,
        typed: Typed,
    },
    Translate(TranslateArgs),
    Sample {
        lecture: &'static dyn AnyLecture,
        args: SampleArgs,
    },
    Backends,
    /// `flags <lecture>`: the lecture's `train` flags as a Markdown table.
    Flags {
        lecture: &'static dyn AnyLecture,
    },
    Demo(DemoArgs),
    Report(ReportArgs),
    Data,
}

impl Parsed {
    /// The backend typed with `--backend` when the command runs on one backend.
    pub fn backend(&self) -> Option<Backend> {
        let typed_backend = |typed: &Typed| {
            typed.0.iter().find(|(f, _)| f == "backend").and_then(|(_, v)| v.first()).and_then(|b| b.parse().ok())
        };
        match self {
            Parsed::Train { typed, .. }
            | Parsed::Eval { typed, .. }
            | Parsed::Verb { typed, .. }
            | Parsed::Command { typed, .. } => typed_backend(typed),
            Parsed::EvalImages(args) => args.backend,
            Parsed::Bench { args, .. } => match args.backend.as_slice() {
                [one] => Some(*one),
                _ => None,
            },
            Parsed::BenchAll(_) | Parsed::BenchOps(_) => None,
            Parsed::Translate(args) => args.backend,
            Parsed::Sample { args, .. } => args.backend,
            Parsed::Demo(args) => args.backend,
            Parsed::Backends | Parsed::Flags { .. } | Parsed::Report(_) | Parsed::Data => None,
        }
    }

    /// Whether the command may open a GPU device: `backends`, a non-CPU `--backend`, or a bench
    /// that measures one by default.
    pub fn may_open_gpu(&self) -> bool {
        match self {
            Parsed::Backends => true,
            Parsed::Bench { lecture, args, .. } => {
                let defaults = lecture.bench_info().map(|b| b.default_backends).unwrap_or_default();
                let measured = if args.backend.is_empty() { &defaults } else { &args.backend };
                measured.iter().any(|b| !b.is_cpu())
            }
            command => command.backend().is_some_and(|b| !b.is_cpu()),
        }
    }
}

/// The whole command line, from the registry.
pub fn command(registry: &Registry) -> Command {
    let lectures = registry.all();
    let with = |command: Command, params: &[ParamInfo]| args::with_flags(command, params, &[]);

    let train = lectures.iter().fold(
        with(Command::new("train"), &RunFlags::params())
            .about("Train a model; writes one run directory (config, provenance, metrics, checkpoints, images, plots).")
            .args_conflicts_with_subcommands(true),
        |train, lecture| {
            train.subcommand(args::with_flags(
                Command::new(lecture.id()).about(lecture.about().train),
                &lecture.train_flags(),
                &lecture.train_defaults(),
            ))
        },
    );

    let eval = lectures
        .iter()
        .fold(
            Command::new("eval")
                .about("Evaluate a trained run on the test set; prints a table and writes <run>/eval.json.")
                .subcommand_required(true),
            |eval, lecture| {
                let mut flags = lecture.eval_flags();
                flags.extend(registry.companion_flags(*lecture));
                let command = Command::new(lecture.id()).about(lecture.about().eval);
                eval.subcommand(args::with_flags(command, &flags, &lecture.eval_defaults()))
            },
        )
        .subcommand(ImagesEvalArgs::augment_args(Command::new("images")).about(
            "A folder of PNGs (generated samples, translations) scored with the ruler that fits them: 28×28 grey → \
             the Fashion evaluator, 64×64 colour → the colour evaluator (FCD, IS, coverage, style).",
        ));

    let bench = lectures
        .iter()
        .filter_map(|lecture| lecture.bench_info().map(|info| (lecture, info)))
        .fold(
            Command::new("bench")
                .about("Measure training throughput (images/s) and peak memory, one row per backend.")
                .subcommand_required(true),
            |bench, (lecture, info)| {
                let command = BenchArgs::augment_args(Command::new(lecture.id())).about(info.about);
                bench.subcommand(args::with_flags(command, &info.params, &info.defaults))
            },
        )
        .subcommand(BenchAllArgs::augment_args(Command::new("all")).about(
            "Every lecture's bench in one table (each model and backend in a fresh process), optionally beside \
             PyTorch running the same models in the same sitting.",
        ))
        .subcommand(BenchOpsArgs::augment_args(Command::new("ops")).about(
            "The primitives of the training steps (convolutions, transposed convolutions, matmul, batch norm, the \
             lectures' own) at the lectures' shapes: forward and forward + backward, optionally beside PyTorch.",
        ));
    let bench_ids = registry.names_where(|l| l.bench_info().is_some());
    let bench = bench.mut_subcommand("all", |all| {
        all.mut_arg("models", |a| a.value_parser(clap::builder::PossibleValuesParser::new(bench_ids)))
    });

    let sample = registry.all().iter().filter(|l| l.shares().contains(&SharedVerb::Sample)).fold(
        Command::new("sample")
            .about("Write images generated by a trained run as PNGs (a folder `eval images` can score).")
            .subcommand_required(true),
        |sample, lecture| {
            sample.subcommand(SampleArgs::augment_args(Command::new(lecture.id())).about(lecture.about().train))
        },
    );

    let directions: Vec<&'static str> = {
        let mut all: Vec<&'static str> = lectures.iter().flat_map(|l| l.directions().iter().map(|(d, _)| *d)).collect();
        all.dedup();
        all
    };
    let translate = TranslateArgs::augment_args(Command::new("translate"))
        .about("Translate a folder of your own images with a trained translation run (PNGs out).")
        .mut_arg("direction", |a| match directions.is_empty() {
            true => a,
            false => a.value_parser(clap::builder::PossibleValuesParser::new(directions)),
        });

    let mut root = Command::new("cargo xtask")
        .bin_name("cargo xtask")
        .about("Atelier: the deep-learning-for-images course on Burn")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .subcommand(train)
        .subcommand(eval)
        .subcommand(bench)
        .subcommand(translate);
    for (name, about, params, defaults) in registry.verbs() {
        root = root.subcommand(args::with_flags(Command::new(name).about(about), &params, &defaults));
    }
    for (name, offering) in registry.commands() {
        // One lecture's command is described by it; several lectures' by their names.
        let about = match offering.as_slice() {
            [(_, info)] => info.about.to_string(),
            several => {
                let ids: Vec<&str> = several.iter().map(|(id, _)| *id).collect();
                format!("One per lecture that offers it ({}): see each one's --help.", ids.join(", "))
            }
        };
        let command =
            offering.iter().fold(Command::new(name).about(about).subcommand_required(true), |command, (id, info)| {
                command.subcommand(args::with_flags(Command::new(*id).about(info.about), &info.params, &info.defaults))
            });
        root = root.subcommand(command);
    }
    root.subcommand(sample)
        .subcommand(Command::new("backends").about("List the backends of this build and the device each one finds."))
        .subcommand(
            Command::new("flags")
                .about("A lecture's `train` flags with their defaults and help, as a Markdown table (its README's).")
                .arg(
                    clap::Arg::new("lecture")
                        .required(true)
                        .value_parser(clap::builder::PossibleValuesParser::new(registry.names_where(|_| true))),
                ),
        )
        .subcommand(DemoArgs::augment_args(Command::new("demo")).about(
            "The main job: every lecture, briefly (≤ 15 minutes on 2 cores), on whatever data is found; then the \
             report.",
        ))
        .subcommand(
            ReportArgs::augment_args(Command::new("report"))
                .about("Write the course report: one static page (index.html) from a runs folder."),
        )
        .subcommand(
            DataArgs::augment_args(Command::new("data"))
                .about(
                    "Get data: download the canonical files, or write the embedded mini set (`cargo xtask data \
                     --help`; xtask runs these itself, without tensors).",
                )
                .disable_help_flag(true),
        )
}

/// Parses `args` (the program name first); `--help` and errors come back as `clap::Error`.
pub fn try_parse_from<I, T>(registry: &Registry, args: I) -> Result<Parsed, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = command(registry);
    let matches = command.try_get_matches_from_mut(args)?;
    from_matches(registry, &matches).map_err(|e| e.format(&mut command))
}

/// Parses the process's arguments; prints help or the error and exits when asked or refused.
pub fn parse(registry: &Registry) -> Parsed {
    try_parse_from(registry, std::env::args_os()).unwrap_or_else(|e| e.exit())
}

fn from_matches(registry: &Registry, matches: &ArgMatches) -> Result<Parsed, clap::Error> {
    let lecture = |id: &str| registry.get(id).expect("clap accepts only the registry's lectures");
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    Ok(match name {
        "train" => match sub.subcommand() {
            Some((id, flags)) => {
                let lecture = lecture(id);
                let mut typed = args::typed(sub, &RunFlags::params());
                typed.0.extend(args::typed(flags, &lecture.train_flags()).0);
                Parsed::Train { lecture: Some(lecture), typed }
            }
            None => Parsed::Train { lecture: None, typed: args::typed(sub, &RunFlags::params()) },
        },
        "eval" => match sub.subcommand().expect("a subcommand is required") {
            ("images", flags) => Parsed::EvalImages(ImagesEvalArgs::from_arg_matches(flags)?),
            (id, flags) => {
                let lecture = lecture(id);
                let mut params = lecture.eval_flags();
                params.extend(registry.companion_flags(lecture));
                Parsed::Eval { lecture, typed: args::typed(flags, &params) }
            }
        },
        "bench" => match sub.subcommand().expect("a subcommand is required") {
            ("all", flags) => Parsed::BenchAll(BenchAllArgs::from_arg_matches(flags)?),
            ("ops", flags) => Parsed::BenchOps(BenchOpsArgs::from_arg_matches(flags)?),
            (id, flags) => {
                let lecture = lecture(id);
                let params = lecture.bench_info().map(|b| b.params).unwrap_or_default();
                Parsed::Bench { lecture, args: BenchArgs::from_arg_matches(flags)?, typed: args::typed(flags, &params) }
            }
        },
        "translate" => Parsed::Translate(TranslateArgs::from_arg_matches(sub)?),
        "sample" => {
            let (id, flags) = sub.subcommand().expect("a subcommand is required");
            Parsed::Sample { lecture: lecture(id), args: SampleArgs::from_arg_matches(flags)? }
        }
        "backends" => Parsed::Backends,
        "flags" => Parsed::Flags { lecture: lecture(sub.get_one::<String>("lecture").expect("required")) },
        "demo" => Parsed::Demo(DemoArgs::from_arg_matches(sub)?),
        "report" => Parsed::Report(ReportArgs::from_arg_matches(sub)?),
        "data" => Parsed::Data,
        name if registry.commands().iter().any(|(n, _)| *n == name) => {
            let (id, flags) = sub.subcommand().expect("a subcommand is required");
            let lecture = lecture(id);
            let params = lecture.commands().into_iter().find(|c| c.name == name).map(|c| c.params).unwrap_or_default();
            Parsed::Command { name: name.to_string(), lecture, typed: args::typed(flags, &params) }
        }
        verb => {
            let params =
                registry.verbs().into_iter().find(|(n, ..)| *n == verb).map(|(_, _, p, _)| p).unwrap_or_default();
            Parsed::Verb { name: verb.to_string(), typed: args::typed(sub, &params) }
        }
    })
}
