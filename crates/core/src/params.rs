//! Hyperparameters and command-line flags, each declared once, on the field that holds it.
//!
//! `#[derive(Params)]` (crate `atelier-derive`) reads a config or argument struct whose flag fields
//! carry `#[param]`: the field's doc comment is the flag's help line, its type says how the flag
//! takes values, and its value in a preset (`Default`, `for_task`, …) is the default `--help`
//! states. Nothing here knows clap: the command line is built from [`ParamInfo`] by the lecture
//! framework, so model crates declare their flags without depending on it.
//!
//! ```
//! use atelier_core::params::Params;
//! use atelier_derive::Params;
//!
//! #[derive(Params)]
//! struct Net {
//!     /// Channels of the first feature map.
//!     #[param]
//!     base_channels: usize,
//!     /// Adam's learning rate.
//!     #[param(flag = "lr")]
//!     learning_rate: f64,
//!     /// Not a flag: derived from the task.
//!     channels: usize,
//! }
//!
//! let mut net = Net { base_channels: 32, learning_rate: 1e-3, channels: 3 };
//! let flags: Vec<&str> = Net::params().iter().map(|p| p.flag).collect();
//! assert_eq!(flags, ["base-channels", "lr"]);
//! net.apply("lr", &["0.01".to_string()]).unwrap();
//! assert_eq!((net.learning_rate, net.shown("base-channels").as_deref()), (0.01, Some("32")));
//! ```
//!
//! Field attributes (all optional): `flag = "name"` (default: the field's name in kebab case),
//! `value_name = "N"`, `unit = "px"`, `help = "…"` (instead of the doc comment, for a field with
//! two flags), `selects` (applied before the others: it picks a preset they then change),
//! `set = path` (`fn(&mut Self, T) -> Result<(), String>` instead of an assignment), `show = path`
//! (`fn(&Self) -> Option<String>` instead of the value's own text), `only_if = path` with
//! `why = "…"` (`fn(&Self) -> bool`: the flag is refused, saying why, when typed for a
//! configuration it does nothing in), `delimiter = ','` (a `Vec` given as one comma-separated
//! value) and `nested` (the field is an enum whose variants hold flags of their own, as
//! `Variant::Denoising { noise_sigma }` holds `--noise-sigma`).

use std::path::PathBuf;

/// How a flag takes its values, from the type of its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `--flag` alone: a `bool` field.
    Switch,
    /// `--flag VALUE`: the field always has a value (its preset's when the flag is not typed).
    One,
    /// `--flag VALUE`: an `Option<T>` field, `None` when the flag is not typed.
    Optional,
    /// `--flag VALUE` repeated, or one value split at `delimiter`: a `Vec<T>` field.
    Many { delimiter: Option<char> },
}

/// The variant of a `nested` enum that holds a flag: `--terms` lives in `--task sequence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Within {
    /// The flag of the enum field (`task`); empty in the enum's own list, filled by its holder.
    pub parent: &'static str,
    /// The choice that holds the flag (`sequence`).
    pub holder: &'static str,
}

/// One flag, as `--help` and the parser need it.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    /// The Rust field (and `config.json` key) behind the flag.
    pub field: &'static str,
    /// The flag without its dashes: `base-channels`.
    pub flag: &'static str,
    /// One line of help: the first paragraph of the field's doc comment.
    pub help: &'static str,
    pub value_name: Option<&'static str>,
    pub unit: Option<&'static str>,
    pub arity: Arity,
    /// The names a choice accepts, each with its line of help; `None` for free values.
    pub choices: Option<Vec<(&'static str, &'static str)>>,
    /// Applied before the other flags (it picks a preset: `--task`, `--architecture`).
    pub selects: bool,
    /// A flag that must be given (an argument struct's field with no default: `--run`).
    pub required: bool,
    /// The enum variant that holds the flag, for a flag of a `nested` field.
    pub within: Option<Within>,
    /// The value `--help` states when the configuration's own variant does not hold the flag:
    /// the holder's preset value (`--noise-sigma`'s 0.3 beside the default plain variant).
    pub fallback: Option<String>,
    /// Whether one value as typed parses (the command line refuses a bad value at once).
    pub check: fn(&str) -> Result<(), String>,
}

/// The flags a user typed, each with its values as typed (none for a switch), in declaration order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typed(pub Vec<(String, Vec<String>)>);

impl Typed {
    /// Whether `flag` was typed.
    pub fn has(&self, flag: &str) -> bool {
        self.0.iter().any(|(f, _)| f == flag)
    }

    /// Removes `flag` and returns its values (None: not typed).
    pub fn take(&mut self, flag: &str) -> Option<Vec<String>> {
        let at = self.0.iter().position(|(f, _)| f == flag)?;
        Some(self.0.remove(at).1)
    }

    /// Removes `flag` and parses its one value.
    pub fn take_one<T: ParamValue>(&mut self, flag: &str) -> Result<Option<T>, String> {
        match self.take(flag) {
            None => Ok(None),
            Some(values) => match one::<T>(flag, &values) {
                Ok(value) => Ok(Some(value)),
                Err(ApplyError::Invalid(message)) => Err(message),
                Err(other) => Err(format!("--{flag}: {other:?}")),
            },
        }
    }

    /// The flags that belong to `params`, removed from `self`.
    pub fn split_off(&mut self, params: &[ParamInfo]) -> Typed {
        let (mine, rest) =
            std::mem::take(&mut self.0).into_iter().partition(|(f, _)| params.iter().any(|p| p.flag == *f));
        self.0 = rest;
        Typed(mine)
    }

    /// The flags typed, without their values.
    pub fn flags(&self) -> Vec<&str> {
        self.0.iter().map(|(f, _)| f.as_str()).collect()
    }
}

/// Why a flag could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyError {
    /// Not a flag of this struct.
    NotMine,
    /// A value that does not parse, or that the field's setter refuses: one readable sentence.
    Invalid(String),
    /// A `nested` flag whose variant is not the configuration's: it lives in `holder`.
    Absent { holder: &'static str },
}

/// A struct whose fields are flags (`#[derive(Params)]`).
pub trait Params {
    /// Every flag, in declaration order (a nested enum's flags after its own).
    fn params() -> Vec<ParamInfo>;

    /// The value of `flag` in this configuration as `--help` and the report state it; `None`
    /// when the configuration has no such setting (a variant's parameter in another variant).
    fn shown(&self, flag: &str) -> Option<String>;

    /// Sets `flag` from the text typed (one value; several for a `Many` flag; none for a switch).
    fn apply(&mut self, flag: &str, values: &[String]) -> Result<(), ApplyError>;

    /// The first of `typed` that this configuration does nothing with (`only_if`), as an error
    /// that names the flag and says why.
    fn refuse_unused(&self, typed: &[&str]) -> Result<(), String>;
}

/// A type a flag's value parses into.
pub trait ParamValue: Sized {
    /// Parses one value as typed.
    fn parse(text: &str) -> Result<Self, String>;

    /// The value as it would be typed.
    fn show(&self) -> String;

    /// The names a choice accepts, with their help; `None` for free values.
    fn choices() -> Option<Vec<(&'static str, &'static str)>> {
        None
    }

    /// Every preset value of a choice (a choice with parameters carries their defaults).
    fn presets() -> Vec<Self> {
        Vec::new()
    }

    /// Stores `value` in `slot`. A choice with parameters keeps the slot's parameters when the
    /// same choice is typed again (`--variant denoising` on a denoising run keeps its σ).
    fn assign(slot: &mut Self, value: Self) {
        *slot = value;
    }
}

macro_rules! parsed_value {
    ($($ty:ty => $what:literal),+ $(,)?) => {$(
        impl ParamValue for $ty {
            fn parse(text: &str) -> Result<Self, String> {
                text.trim().parse().map_err(|_| format!("'{text}' is not {}", $what))
            }
            fn show(&self) -> String {
                self.to_string()
            }
        }
    )+};
}

parsed_value!(
    usize => "a whole number ≥ 0",
    u64 => "a whole number ≥ 0",
    u32 => "a whole number ≥ 0",
    f64 => "a number",
    f32 => "a number",
);

impl ParamValue for String {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn show(&self) -> String {
        self.clone()
    }
}

impl ParamValue for PathBuf {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(PathBuf::from(text))
    }
    fn show(&self) -> String {
        self.display().to_string()
    }
}

/// The one value of a `One` or `Optional` flag.
pub fn one<T: ParamValue>(flag: &str, values: &[String]) -> Result<T, ApplyError> {
    match values {
        [value] => T::parse(value).map_err(|e| ApplyError::Invalid(format!("--{flag}: {e}"))),
        _ => Err(ApplyError::Invalid(format!("--{flag} takes one value (got {})", values.len()))),
    }
}

/// The values of a `Many` flag, each split at `delimiter` when there is one.
pub fn many<T: ParamValue>(flag: &str, values: &[String], delimiter: Option<char>) -> Result<Vec<T>, ApplyError> {
    let pieces: Vec<&str> = match delimiter {
        Some(d) => values.iter().flat_map(|v| v.split(d)).collect(),
        None => values.iter().map(String::as_str).collect(),
    };
    pieces.into_iter().map(|p| T::parse(p).map_err(|e| ApplyError::Invalid(format!("--{flag}: {e}")))).collect()
}

/// A `Many` flag's values as typed, joined by its delimiter (`64,64`) or by spaces.
pub fn show_many<T: ParamValue>(values: &[T], delimiter: Option<char>) -> String {
    let shown: Vec<String> = values.iter().map(ParamValue::show).collect();
    shown.join(&delimiter.map_or_else(|| " ".to_string(), |d| d.to_string()))
}

/// The error of a `nested` flag typed for a configuration whose variant does not hold it.
pub fn absent(flag: &str, parent: &str, holder: &str, current: &str) -> String {
    format!("--{flag} applies to --{parent} {holder} only (this run's {parent} is {current})")
}

/// Applies typed flags to a configuration: those that `select` a preset first, then the others
/// in the order typed; then refuses the ones the result does nothing with. Flags that are not the
/// configuration's are left alone (a command's other settings take them).
pub fn apply_all<P: Params>(config: &mut P, typed: &Typed) -> Result<(), String> {
    let infos = P::params();
    let selects = |flag: &str| infos.iter().any(|p| p.flag == flag && p.selects);
    let ordered = typed.0.iter().filter(|(f, _)| selects(f)).chain(typed.0.iter().filter(|(f, _)| !selects(f)));
    for (flag, values) in ordered {
        match config.apply(flag, values) {
            Ok(()) | Err(ApplyError::NotMine) => {}
            Err(ApplyError::Invalid(message)) => return Err(message),
            Err(ApplyError::Absent { holder }) => {
                return Err(format!("--{flag} applies only where {holder} holds it"));
            }
        }
    }
    let mine: Vec<&str> = typed.flags().into_iter().filter(|f| infos.iter().any(|p| p.flag == *f)).collect();
    config.refuse_unused(&mine)
}

/// Implements [`ParamValue`] for a choice enum that has `ALL`, `name()` and `about()` (written
/// by hand, or by [`named_choices!`](crate::named_choices)): it parses from its name and lists
/// `ALL` in `--help`; a choice with parameters keeps its own when typed again.
#[macro_export]
macro_rules! choice_value {
    ($ty:ty) => {
        impl $crate::params::ParamValue for $ty {
            fn parse(text: &str) -> Result<Self, String> {
                <$ty>::ALL.into_iter().find(|value| value.name() == text).ok_or_else(|| {
                    let names: Vec<&str> = <$ty>::ALL.iter().map(|value| value.name()).collect();
                    format!("invalid value '{text}' (possible values: {})", names.join(", "))
                })
            }
            fn show(&self) -> String {
                self.name().to_string()
            }
            fn choices() -> Option<Vec<(&'static str, &'static str)>> {
                Some(<$ty>::ALL.iter().map(|value| (value.name(), value.about())).collect())
            }
            fn presets() -> Vec<Self> {
                <$ty>::ALL.to_vec()
            }
            fn assign(slot: &mut Self, value: Self) {
                if slot.name() != value.name() {
                    *slot = value;
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_and_show_as_typed() {
        assert_eq!(<usize as ParamValue>::parse("12"), Ok(12));
        assert!(<usize as ParamValue>::parse("-1").unwrap_err().contains("'-1' is not a whole number"));
        assert_eq!(<f64 as ParamValue>::parse("2e-4").map(|v| v.show()), Ok("0.0002".to_string()));
        let list: Vec<usize> = many("hidden", &["64,32".to_string()], Some(',')).unwrap();
        assert_eq!((list.clone(), show_many(&list, Some(','))), (vec![64, 32], "64,32".to_string()));
        assert_eq!(one::<usize>("n", &[]).unwrap_err(), ApplyError::Invalid("--n takes one value (got 0)".to_string()));
    }

    #[test]
    fn the_absent_message_names_the_holder() {
        assert_eq!(
            absent("terms", "task", "sequence", "rows"),
            "--terms applies to --task sequence only (this run's task is rows)"
        );
    }
}
