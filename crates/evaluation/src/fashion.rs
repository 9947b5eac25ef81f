//! The frozen Fashion evaluator of `assets/evaluator/`: a trained classifier's weights and its card
//! (the classifier's configuration, its test accuracy, where it came from). It is rebuilt by the
//! lecture that trains such classifiers, found through the registry ([`Context::frozen_net`]), and
//! installed here by that lecture's `eval --export-evaluator`.

use std::path::PathBuf;

use atelier_core::atomic::{write_atomic, write_json_atomic};
use atelier_lecture::ordered::Ordered;
use atelier_lecture::{Context, repo};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::Evaluator;

/// The evaluator's folder under `assets/`.
pub const DIR: &str = "evaluator";
/// The evaluator's weights (a classifier checkpoint's `model` blob).
pub const WEIGHTS: &str = "evaluator.bpk";
/// The evaluator's card (an [`EvaluatorCard`] as JSON).
pub const CARD: &str = "evaluator.json";

/// What the evaluator export records beside the weights.
#[derive(Debug, Serialize, Deserialize)]
pub struct EvaluatorCard {
    /// The classifier's configuration (its lecture's `model` section, without the name).
    pub config: Ordered,
    pub test_accuracy: f64,
    pub source_run: PathBuf,
    pub checkpoint_step: u64,
    pub command: String,
}

/// The frozen evaluator from `assets/evaluator/`, on `device`.
pub fn load(ctx: &Context, device: &Device) -> Result<(Evaluator, EvaluatorCard), String> {
    let dir = repo::asset(DIR);
    let card_path = dir.join(CARD);
    let card: EvaluatorCard = std::fs::read_to_string(&card_path)
        .map_err(|e| format!("{}: {e} (train and export one: see README, 'The evaluator')", card_path.display()))
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", card_path.display())))?;
    let weights_path = dir.join(WEIGHTS);
    let weights = std::fs::read(&weights_path).map_err(|e| format!("{}: {e}", weights_path.display()))?;
    let net = ctx
        .frozen_net(&card.config.to_value(), weights, device)
        .map_err(|e| format!("{}: {e}", weights_path.display()))?;
    Ok((Evaluator { net }, card))
}

/// Installs a classifier's weights and card as the evaluator in `assets/evaluator/`; returns the folder.
pub fn install(weights: &[u8], card: &EvaluatorCard) -> Result<PathBuf, String> {
    let dir = repo::asset(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_atomic(&dir.join(WEIGHTS), weights).map_err(|e| e.to_string())?;
    write_json_atomic(&dir.join(CARD), card).map_err(|e| e.to_string())?;
    Ok(dir)
}
