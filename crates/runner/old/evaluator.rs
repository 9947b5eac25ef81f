//! The frozen evaluator of `assets/evaluator/`: a trained classifier and its card, loaded for
//! scoring generated images, and installed there by `eval classifier --export-evaluator`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use atelier_classifier::step::load_model;
use atelier_classifier::{Classifier, ClassifierConfig};
use atelier_core::atomic::{write_atomic, write_json_atomic};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::repo;

/// The evaluator's weights (a classifier checkpoint's `model` blob).
pub const EVALUATOR_WEIGHTS: &str = "evaluator.bpk";
/// The evaluator's card (an [`EvaluatorCard`] as JSON).
pub const EVALUATOR_CARD: &str = "evaluator.json";

/// What the evaluator export records beside the weights.
#[derive(Debug, Serialize, Deserialize)]
pub struct EvaluatorCard {
    pub config: ClassifierConfig,
    pub test_accuracy: f64,
    pub source_run: PathBuf,
    pub checkpoint_step: u64,
    pub command: String,
}

/// The frozen evaluator from `assets/evaluator/`, on `device`.
pub fn load_evaluator(device: &Device) -> Result<(Classifier, EvaluatorCard), String> {
    let dir = repo::evaluator_dir();
    let card_path = dir.join(EVALUATOR_CARD);
    let card: EvaluatorCard = std::fs::read_to_string(&card_path)
        .map_err(|e| format!("{}: {e} (train and export one: see README, 'The evaluator')", card_path.display()))
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", card_path.display())))?;
    let weights_path = dir.join(EVALUATOR_WEIGHTS);
    let weights = std::fs::read(&weights_path).map_err(|e| format!("{}: {e}", weights_path.display()))?;
    let blobs = BTreeMap::from([("model".to_string(), weights)]);
    let model = load_model(&card.config, &blobs, device).map_err(|e| format!("{}: {e}", weights_path.display()))?;
    Ok((model, card))
}

/// Installs a classifier's weights and card as the evaluator in `assets/evaluator/`; returns the folder.
pub fn install_evaluator(weights: &[u8], card: &EvaluatorCard) -> Result<PathBuf, String> {
    let dir = repo::evaluator_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_atomic(&dir.join(EVALUATOR_WEIGHTS), weights).map_err(|e| e.to_string())?;
    write_json_atomic(&dir.join(EVALUATOR_CARD), card).map_err(|e| e.to_string())?;
    Ok(dir)
}
