//! The feature network a run matches statistics of, from its configuration: built in (random
//! filters), from `assets/` (the emoji and Fashion evaluators), from the user's file (VGG-19) or
//! from a run of the classifier lecture, rebuilt by that lecture through the registry.

use std::path::Path;

use atelier_core::run_dir::RunDir;
use atelier_evaluation::emoji::ruler::EmojiRuler;
use atelier_lecture::Context;
use atelier_lecture::open_run::latest_checkpoint;
use atelier_lecture::run_config::RunConfig;
use burn::prelude::*;

use super::imported::{efficientnet_file, load_efficientnet, load_vgg19};
use crate::config::{FeatureNetwork, StyleConfig};
use crate::features::{FeatureNet, OPTIMISED_SEED};
use crate::vgg::StageWidths;

/// The network `config.features` on `device`.
pub fn feature_net(config: &StyleConfig, device: &Device, ctx: &Context) -> Result<FeatureNet, String> {
    match config.features {
        FeatureNetwork::Random => Ok(FeatureNet::random(OPTIMISED_SEED, device)),
        FeatureNetwork::Emoji => Ok(FeatureNet::emoji(EmojiRuler::load(device)?.net)),
        FeatureNetwork::Vgg19 => {
            Ok(FeatureNet::vgg19(load_vgg19(Path::new(&config.weights), StageWidths::IMAGENET, device)?))
        }
        FeatureNetwork::Efficientnet => {
            Ok(FeatureNet::efficientnet(load_efficientnet(&efficientnet_file(&config.weights), device)?))
        }
        FeatureNetwork::Fashion => {
            let evaluator = atelier_evaluation::fashion::load(ctx, device)?.0;
            FeatureNet::classifier(evaluator.net, FeatureNetwork::Fashion, device)
        }
        FeatureNetwork::Classifier => {
            let run = Path::new(&config.classifier_run);
            let (model, weights) = classifier_run(run)?;
            let net = ctx
                .frozen_net(&model, weights, device)
                .map_err(|e| format!("--classifier-run {}: {e}", run.display()))?;
            FeatureNet::classifier(net, FeatureNetwork::Classifier, device)
                .map_err(|e| format!("--classifier-run {}: {e}", run.display()))
        }
    }
}

/// Checks a classifier run before anything is written: a run directory with a readable config and
/// a checkpoint.
pub fn check_classifier_run(run: &Path) -> Result<(), String> {
    classifier_run(run).map(drop)
}

/// The run's `model` section and its latest checkpoint's weights.
fn classifier_run(run: &Path) -> Result<(serde_json::Value, Vec<u8>), String> {
    let shown = run.display();
    let dir = RunDir::open(run).map_err(|e| format!("--classifier-run {shown}: {e}"))?;
    let recorded = RunConfig::load(&dir.config_path()).map_err(|e| format!("--classifier-run {shown}: {e}"))?;
    let (_, mut blobs) = latest_checkpoint(&dir).map_err(|e| format!("--classifier-run {e}"))?;
    let weights = blobs
        .remove(atelier_train::state::MODEL_BLOB)
        .ok_or_else(|| format!("--classifier-run {shown}: its checkpoint holds no network"))?;
    Ok((recorded.model.to_value(), weights))
}
