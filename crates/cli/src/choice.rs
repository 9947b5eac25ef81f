//! Values typed on the command line that the model crates and the backend crate define: the CLI
//! keeps no copy of their enums.

use atelier_backend::{Backend, BackendError};

/// A clap value parser for a model enum: `choice!(Architecture)` accepts exactly the names of
/// `Architecture::ALL` (each model enum lists its values with `ALL`, `name()` and `about()`) and
/// lists them with their help in `--help`. A value with parameters (`--variant denoising`) comes
/// with the model's default parameters, which other flags may then change.
macro_rules! choice {
    ($ty:ty) => {
        clap::builder::TypedValueParser::map(
            clap::builder::PossibleValuesParser::new(
                <$ty>::ALL.iter().map(|value| clap::builder::PossibleValue::new(value.name()).help(value.about())),
            ),
            |name: String| -> $ty {
                <$ty>::ALL
                    .into_iter()
                    .find(|value| value.name() == name)
                    .expect("clap accepts only the names listed in ALL")
            },
        )
    };
}

/// `--backend NAME`: parsed by the backend crate, the one place that knows which backends this
/// build has, so `--backend cuda` without CUDA is the same error on every command.
pub fn backend(name: &str) -> Result<Backend, BackendError> {
    name.parse()
}
