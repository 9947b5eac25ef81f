//! Modules and optimizer states as bytes, for checkpoints (burnpack format, backend-independent).

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::{ModuleRecord, RecordError};
use burn::tensor::Bytes;

/// A module's parameters and buffers as burnpack bytes. Saves `valid()` so that BatchNorm
/// running statistics are synchronised first (Burn 0.22 pitfall).
pub fn module_to_bytes<M: Module>(module: &M) -> Result<Vec<u8>, String> {
    let bytes = module.valid().into_record().into_bytes().map_err(|e| format!("{e:?}"))?;
    Ok(bytes.to_vec())
}

/// Loads [`module_to_bytes`]'s bytes into `module` (which keeps its device and autodiff state).
/// A record that does not fit the module is one sentence: the first mismatch and how many there are.
pub fn module_from_bytes<M: Module>(module: M, bytes: &[u8]) -> Result<M, String> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| format!("not a readable set of weights ({})", readable_record_error(e)))?;
    module.try_load_record(record).map_err(readable_record_error)
}

/// Burn's record errors (a `Debug` list of every problem) as one sentence.
fn readable_record_error(error: RecordError) -> String {
    let text = match error {
        RecordError::Io(text) => return text,
        RecordError::Validation(text) => text,
    };
    // Burn writes "<kind>: [\"<problem>\", …]".
    let (kind, list) = text.split_once(": ").unwrap_or(("", text.as_str()));
    let problems: Vec<String> = list
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split("\", \"")
        .map(|p| p.trim_matches('"').replace("Shape { dims: ", "").replace(" }", ""))
        .filter(|p| !p.is_empty())
        .collect();
    let Some(first) = problems.first() else { return text.clone() };
    let others = match problems.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    match kind {
        "Apply errors" => {
            format!("the saved weights do not fit this model: {first}{others}; were they written with other settings?")
        }
        "Missing tensors" => format!("the saved weights lack {first}{others}, which this model has"),
        "Unused tensors" => format!("the saved weights hold {first}{others}, which this model does not have"),
        _ => format!("{kind}: {first}{others}"),
    }
}

/// An optimizer's state (Adam moments, step counts) as bytes.
pub fn optimizer_to_bytes(optimizer: &ModuleOptimizer) -> Result<Vec<u8>, String> {
    Ok(optimizer.into_bytes().map_err(|e| format!("{e:?}"))?.to_vec())
}

/// Loads [`optimizer_to_bytes`]'s bytes into a freshly initialised optimizer of the same kind.
pub fn optimizer_from_bytes(optimizer: ModuleOptimizer, bytes: &[u8]) -> Result<ModuleOptimizer, String> {
    optimizer.from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).map_err(|e| format!("{e:?}"))
}

/// The blob names of a one-model experiment's checkpoint.
pub const MODEL_BLOB: &str = "model";
pub const OPTIMIZER_BLOB: &str = "optimizer";

/// Adam with PyTorch's defaults (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), the course's reference optimizer.
pub fn pytorch_adam() -> ModuleOptimizer {
    burn::optim::AdamConfig::new().with_epsilon(1e-8).init()
}

/// PyTorch's Adam with another β₁ (the GANs' 0.5, Radford et al. 2016): β₂ = 0.999, ε = 1e-8.
pub fn pytorch_adam_beta1(beta_1: f64) -> ModuleOptimizer {
    burn::optim::AdamConfig::new().with_beta_1(beta_1 as f32).with_beta_2(0.999).with_epsilon(1e-8).init()
}

/// The blob names of a two-player (generator + discriminator) checkpoint: the GANs'.
pub const GENERATOR_BLOB: &str = "generator";
pub const DISCRIMINATOR_BLOB: &str = "discriminator";
pub const GENERATOR_OPTIMIZER_BLOB: &str = "generator_optimizer";
pub const DISCRIMINATOR_OPTIMIZER_BLOB: &str = "discriminator_optimizer";

/// A GAN's two networks and their two optimizers as checkpoint blobs (an experiment adds its own).
pub fn players_to_blobs<G: Module, D: Module>(
    generator: &G,
    discriminator: &D,
    generator_optimizer: &ModuleOptimizer,
    discriminator_optimizer: &ModuleOptimizer,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    Ok(vec![
        (GENERATOR_BLOB.to_string(), module_to_bytes(generator)?),
        (DISCRIMINATOR_BLOB.to_string(), module_to_bytes(discriminator)?),
        (GENERATOR_OPTIMIZER_BLOB.to_string(), optimizer_to_bytes(generator_optimizer)?),
        (DISCRIMINATOR_OPTIMIZER_BLOB.to_string(), optimizer_to_bytes(discriminator_optimizer)?),
    ])
}

/// [`players_to_blobs`]'s blobs loaded into fresh networks and optimizers, returned in the same order.
pub fn players_from_blobs<G: Module, D: Module>(
    (generator, discriminator): (G, D),
    (generator_optimizer, discriminator_optimizer): (ModuleOptimizer, ModuleOptimizer),
    blobs: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<(G, D, ModuleOptimizer, ModuleOptimizer), String> {
    Ok((
        module_from_bytes(generator, blob(blobs, GENERATOR_BLOB)?)?,
        module_from_bytes(discriminator, blob(blobs, DISCRIMINATOR_BLOB)?)?,
        optimizer_from_bytes(generator_optimizer, blob(blobs, GENERATOR_OPTIMIZER_BLOB)?)?,
        optimizer_from_bytes(discriminator_optimizer, blob(blobs, DISCRIMINATOR_OPTIMIZER_BLOB)?)?,
    ))
}

/// The blob `name` of a checkpoint, or an error naming the missing blob.
pub fn blob<'a>(blobs: &'a std::collections::BTreeMap<String, Vec<u8>>, name: &str) -> Result<&'a [u8], String> {
    blobs.get(name).map(Vec::as_slice).ok_or_else(|| format!("the checkpoint has no '{name}'"))
}

/// The state of a one-model experiment: its module and its optimizer, as named blobs.
pub fn model_and_optimizer_state<M: Module>(
    model: &M,
    optimizer: &ModuleOptimizer,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    Ok(vec![
        (MODEL_BLOB.to_string(), module_to_bytes(model)?),
        (OPTIMIZER_BLOB.to_string(), optimizer_to_bytes(optimizer)?),
    ])
}

/// Restores [`model_and_optimizer_state`]'s blobs into `model` and a fresh [`pytorch_adam`].
pub fn load_model_and_optimizer<M: Module>(
    model: M,
    blobs: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<(M, ModuleOptimizer), String> {
    let model = module_from_bytes(model, blob(blobs, MODEL_BLOB)?)?;
    let optimizer = optimizer_from_bytes(pytorch_adam(), blob(blobs, OPTIMIZER_BLOB)?)?;
    Ok((model, optimizer))
}

/// Loads just the model blob into `model` (evaluation, sampling, transfer learning).
pub fn load_model_blob<M: Module>(model: M, blobs: &std::collections::BTreeMap<String, Vec<u8>>) -> Result<M, String> {
    module_from_bytes(model, blob(blobs, MODEL_BLOB)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::LinearConfig;

    #[test]
    fn weights_of_another_shape_are_refused_in_one_sentence() {
        let device = atelier_backend::Backend::Flex.device().unwrap();
        let saved = module_to_bytes(&LinearConfig::new(4, 3).init(&device)).unwrap();
        let err = module_from_bytes(LinearConfig::new(4, 5).init(&device), &saved).unwrap_err();
        assert!(err.starts_with("the saved weights do not fit this model: "), "{err}");
        assert!(err.contains("[4, 5]") && err.contains("[4, 3]") && err.contains("(and 1 more)"), "{err}");
        assert!(!err.contains("Shape {") && !err.contains('\n') && !err.contains("\\\""), "{err}");
        let garbage = module_from_bytes(LinearConfig::new(4, 3).init(&device), b"not weights").unwrap_err();
        assert!(garbage.starts_with("not a readable set of weights"), "{garbage}");
    }
}
