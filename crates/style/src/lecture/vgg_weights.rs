//! `--features vgg19 --weights FILE`: VGG-19's trained weights read from a file the user has, through
//! Burn's own store (`burn::store`): a PyTorch checkpoint (`.pth`, `.pt`) or a `.safetensors` file
//! in torchvision's layout, where conv1_1 is `features.0`, conv2_1 `features.5` … conv5_1
//! `features.28` (see [`crate::vgg::LAYERS`]). Nothing is downloaded.

use std::path::Path;

use burn::prelude::*;
use burn::store::{ApplyError, ApplyResult, ModuleSnapshot, PyTorchToBurnAdapter, PytorchStore, SafetensorsStore};

use crate::vgg::{LAYERS, StageWidths, Vgg19};

/// The file's format, from its extension.
enum WeightsFormat {
    Pytorch,
    Safetensors,
}

/// A VGG-19 of `widths` with the weights of `path`, or one sentence naming what is wrong: a missing
/// file, an unknown extension, a file that is not a checkpoint, a missing layer, or a layer whose
/// shape differs (named as both the paper and torchvision name it).
pub fn load_vgg19(path: &Path, widths: StageWidths, device: &Device) -> Result<Vgg19, String> {
    let shown = path.display();
    if !path.is_file() {
        return Err(format!(
            "{shown}: no such file (--weights takes VGG-19's ImageNet weights, a .pth or .safetensors file)"
        ));
    }
    let format = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pth" | "pt") => WeightsFormat::Pytorch,
        Some("safetensors") => WeightsFormat::Safetensors,
        _ => return Err(format!("{shown}: VGG-19 weights must be a .pth, .pt or .safetensors file")),
    };
    let mut net = Vgg19::new(widths, device);
    // Collect every problem into the result rather than failing at the first: the message names them.
    let result = match format {
        WeightsFormat::Pytorch => {
            let mut store = LAYERS
                .iter()
                .fold(PytorchStore::from_file(path), |store, (name, index)| {
                    store.with_key_remapping(format!(r"^features\.{index}\.(weight|bias)$"), format!("{name}.$1"))
                })
                .map_indices_contiguous(false)
                .validate(false)
                .allow_partial(true);
            net.load_from(&mut store).map_err(|e| unreadable(path, &e.to_string()))?
        }
        WeightsFormat::Safetensors => {
            let mut store = LAYERS
                .iter()
                .fold(SafetensorsStore::from_file(path), |store, (name, index)| {
                    store.with_key_remapping(format!(r"^features\.{index}\.(weight|bias)$"), format!("{name}.$1"))
                })
                .with_from_adapter(PyTorchToBurnAdapter)
                .map_indices_contiguous(false)
                .validate(false)
                .allow_partial(true);
            net.load_from(&mut store).map_err(|e| unreadable(path, &e.to_string()))?
        }
    };
    problems(&result).map_err(|problem| format!("{shown}: {problem}"))?;
    Ok(net)
}

/// Reads the whole file into the ImageNet network on the CPU and drops it: the check a run makes
/// before it writes anything.
pub fn check(path: &Path) -> Result<(), String> {
    let device = atelier_backend::Backend::Flex.device().map_err(|e| e.to_string())?;
    load_vgg19(path, StageWidths::IMAGENET, &device).map(drop)
}

/// The reader's complaint, reduced to its first line.
fn unreadable(path: &Path, error: &str) -> String {
    let first = error.lines().find(|l| !l.trim().is_empty()).unwrap_or("unreadable").trim();
    format!("{}: not a readable weights file ({first})", path.display())
}

/// `conv1_1.weight` → `conv1_1 (features.0.weight)`.
fn both_names(path: &str) -> String {
    let (layer, tensor) = path.split_once('.').unwrap_or((path, ""));
    match LAYERS.iter().find(|(name, _)| *name == layer) {
        Some((_, index)) => format!("{layer} (features.{index}.{tensor})"),
        None => path.to_string(),
    }
}

/// Every layer found, of the right shape; the first problem otherwise.
fn problems(result: &ApplyResult) -> Result<(), String> {
    if let Some(error) = result.errors.first() {
        return Err(match error {
            ApplyError::ShapeMismatch { path, expected, found } => format!(
                "{} has shape {:?} in the file where VGG-19 has {:?}",
                both_names(path),
                found.as_slice(),
                expected.as_slice()
            ),
            ApplyError::DTypeMismatch { path, expected, found } => {
                format!("{} holds {found:?} numbers where {expected:?} are expected", both_names(path))
            }
            other => format!("cannot read {}", other.to_string().lines().next().unwrap_or("a tensor")),
        });
    }
    if result.applied.is_empty() {
        return Err("holds none of VGG-19's layers (features.0.weight …): is it torchvision's VGG-19?".into());
    }
    if let Some((path, _)) = result.missing.first() {
        return Err(format!("has no {} (VGG-19 needs conv1_1 … conv5_1)", both_names(path)));
    }
    Ok(())
}
