//! Modules and optimizer states as bytes, for checkpoints (burnpack format, backend-independent).

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

/// A module's parameters and buffers as burnpack bytes. Saves `valid()` so that BatchNorm
/// running statistics are synchronised first (Burn 0.22 pitfall).
pub fn module_to_bytes<M: Module>(module: &M) -> Result<Vec<u8>, String> {
    let bytes = module.valid().into_record().into_bytes().map_err(|e| format!("{e:?}"))?;
    Ok(bytes.to_vec())
}

/// Loads [`module_to_bytes`]'s bytes into `module` (which keeps its device and autodiff state).
pub fn module_from_bytes<M: Module>(module: M, bytes: &[u8]) -> Result<M, String> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).map_err(|e| format!("{e:?}"))?;
    module.try_load_record(record).map_err(|e| format!("{e:?}"))
}

/// An optimizer's state (Adam moments, step counts) as bytes.
pub fn optimizer_to_bytes(optimizer: &ModuleOptimizer) -> Result<Vec<u8>, String> {
    Ok(optimizer.into_bytes().map_err(|e| format!("{e:?}"))?.to_vec())
}

/// Loads [`optimizer_to_bytes`]'s bytes into a freshly initialised optimizer of the same kind.
pub fn optimizer_from_bytes(optimizer: ModuleOptimizer, bytes: &[u8]) -> Result<ModuleOptimizer, String> {
    optimizer.from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).map_err(|e| format!("{e:?}"))
}
