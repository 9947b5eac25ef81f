//! [`named_choices!`](crate::named_choices): the command-line names of a model crate's enums.

/// Gives a plain enum the three things the command line reads from a model's choice: `ALL` (every
/// value, in `--help`'s order), `name()` (as typed) and `about()` (one line of `--help`), and makes
/// it a flag's value ([`ParamValue`](crate::params::ParamValue), through
/// [`choice_value!`](crate::choice_value)). Model crates use it for their enums so the command line
/// keeps no copy.
///
/// ```
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// enum Mining { Hard, Random }
/// atelier_core::named_choices!(Mining,
///     Mining::Hard => "hard", "the closest negative";
///     Mining::Random => "random", "a negative drawn uniformly";
/// );
/// assert_eq!(Mining::ALL, [Mining::Hard, Mining::Random]);
/// assert_eq!((Mining::Random.name(), Mining::Hard.about()), ("random", "the closest negative"));
/// ```
#[macro_export]
macro_rules! named_choices {
    ($ty:ty, $($variant:path => $name:literal, $about:literal;)+) => {
        impl $ty {
            /// Every choice, in the order `--help` lists them.
            pub const ALL: [$ty; [$(stringify!($variant)),+].len()] = [$($variant),+];

            /// The name on the command line.
            pub fn name(&self) -> &'static str {
                match self { $($variant => $name),+ }
            }

            /// One line of `--help`.
            pub fn about(&self) -> &'static str {
                match self { $($variant => $about),+ }
            }
        }

        $crate::choice_value!($ty);
    };
}
