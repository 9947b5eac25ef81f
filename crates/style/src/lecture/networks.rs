//! The feature network a run matches statistics of, from its configuration: built in (random
//! filters), from `assets/` (the emoji and Fashion evaluators), from the user's file (VGG-19) or
//! from a run of the classifier lecture, rebuilt by that lecture through the registry.

use std::path::Path;

use atelier_core::run_dir::RunDir;
use atelier_evaluation::emoji::ruler::EmojiRuler;
use atelier_lecture::open_run::latest_checkpoint;
use atelier_lecture::run_config::RunConfig;
use atelier_lecture::{Context, FrozenNet};
use atelier_train::state::{MODEL_BLOB, blob};
use burn::prelude::*;

use super::imported::{efficientnet_file, load_efficientnet, load_vgg19};
use crate::config::{FeatureNetwork, StyleConfig};
use crate::features::{FeatureMaps, FeatureNet, OPTIMISED_SEED};
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
            FeatureNet::lent(Box::new(Lent(evaluator.net)), FeatureNetwork::Fashion, device)
        }
        FeatureNetwork::Run => {
            let run = Path::new(&config.feature_run);
            let (model, weights) = feature_run(run)?;
            let net =
                ctx.frozen_net(&model, weights, device).map_err(|e| format!("--feature-run {}: {e}", run.display()))?;
            FeatureNet::lent(Box::new(Lent(net)), FeatureNetwork::Run, device)
                .map_err(|e| format!("--feature-run {}: {e}", run.display()))
        }
    }
}

/// Another lecture's frozen network, as the model side sees it.
struct Lent(Box<dyn FrozenNet>);

impl FeatureMaps for Lent {
    fn feature_maps(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        self.0.feature_maps(images)
    }

    fn describe(&self) -> String {
        self.0.describe()
    }
}

/// Checks a classifier run before anything is written: a run directory with a readable config and
/// a checkpoint.
pub fn check_feature_run(run: &Path) -> Result<(), String> {
    feature_run(run).map(drop)
}

/// The run's `model` section and its latest checkpoint's weights.
fn feature_run(run: &Path) -> Result<(serde_json::Value, Vec<u8>), String> {
    let shown = run.display();
    let dir = RunDir::open(run).map_err(|e| format!("--feature-run {shown}: {e}"))?;
    let recorded = RunConfig::load(&dir.config_path()).map_err(|e| format!("--feature-run {shown}: {e}"))?;
    let (_, blobs) = latest_checkpoint(&dir).map_err(|e| format!("--feature-run {e}"))?;
    let weights = blob(&blobs, MODEL_BLOB).map_err(|e| format!("--feature-run {shown}: {e}"))?;
    Ok((recorded.model.to_value(), weights.to_vec()))
}
