//! A lecture's flags ([`ParamInfo`], declared once on its config's fields) as clap arguments, and
//! the values typed back as [`Typed`].

use atelier_core::params::{Arity, ParamInfo, ParamValue, Typed};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};

/// A parser that accepts exactly a choice's names (listed with their help in `--help`) and
/// returns the value.
pub fn choice_parser<T: ParamValue + Clone + Send + Sync + 'static>() -> impl TypedValueParser<Value = T> {
    let choices = T::choices().unwrap_or_default();
    PossibleValuesParser::new(choices.into_iter().map(|(name, about)| PossibleValue::new(name).help(about)))
        .map(|name: String| T::parse(&name).expect("clap accepts only the listed names"))
}

/// The clap argument of a flag, `default` appended to its help as `[default: …]`.
pub fn arg(info: &ParamInfo, default: Option<&str>) -> Arg {
    let mut help = info.help.to_string();
    if let Some(unit) = info.unit {
        help.push_str(&format!(" (in {unit})"));
    }
    if let Some(default) = default {
        help.push_str(&format!(" [default: {default}]"));
    }
    // clap keeps names as `&'static str`; the command line is built once per process.
    let value_name: &'static str =
        info.value_name.unwrap_or_else(|| Box::leak(info.flag.to_uppercase().replace('-', "_").into_boxed_str()));
    let mut arg = Arg::new(info.flag).long(info.flag).help(help).required(info.required).value_name(value_name);
    arg = match info.arity {
        Arity::Switch => return arg.action(ArgAction::SetTrue),
        Arity::One | Arity::Optional => arg.action(ArgAction::Set),
        Arity::Many { delimiter } => {
            let arg = arg.action(ArgAction::Append);
            match delimiter {
                Some(d) => arg.value_delimiter(d),
                None => arg,
            }
        }
    };
    match &info.choices {
        Some(choices) => arg.value_parser(PossibleValuesParser::new(
            choices.iter().map(|(name, about)| PossibleValue::new(*name).help(*about)),
        )),
        None => {
            let check = info.check;
            arg.value_parser(move |text: &str| check(text).map(|()| text.to_string()))
        }
    }
}

/// A command with the flags of `params`, each with its default from `defaults`.
pub fn with_flags(mut command: Command, params: &[ParamInfo], defaults: &[(&'static str, String)]) -> Command {
    for info in params {
        if command.get_arguments().any(|a| a.get_id() == info.flag) {
            continue; // the same flag from two sources (a verb two lectures share): the first one
        }
        let default = defaults.iter().find(|(flag, _)| *flag == info.flag).map(|(_, d)| d.as_str());
        command = command.arg(arg(info, default));
    }
    command
}

/// The flags of `params` typed in `matches`, in declaration order.
pub fn typed(matches: &ArgMatches, params: &[ParamInfo]) -> Typed {
    let mut typed = Typed::default();
    for info in params {
        if typed.has(info.flag) || matches.value_source(info.flag) != Some(clap::parser::ValueSource::CommandLine) {
            continue;
        }
        let values = match info.arity {
            Arity::Switch => Vec::new(),
            _ => matches.get_many::<String>(info.flag).map(|v| v.cloned().collect()).unwrap_or_default(),
        };
        typed.0.push((info.flag.to_string(), values));
    }
    typed
}
