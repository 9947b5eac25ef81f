//! The frozen colour evaluator of `assets/emoji-evaluator/` (its weights and card), loaded by the
//! colour lectures' evaluations, and the scores they report with it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use atelier_lecture::repo;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::{EmojiEvaluatorConfig, EmojiEvaluatorNet, EmojiEvaluatorOutputs, load_evaluator_net, outputs};
use crate::{coverage, fcd, inception_score};

/// The colour evaluator's folder under `assets/`.
pub const DIR: &str = "emoji-evaluator";
pub const WEIGHTS: &str = "evaluator.bpk";
pub const CARD: &str = "evaluator.json";

/// What `--export-evaluator` records beside the weights.
#[derive(Debug, Serialize, Deserialize)]
pub struct EmojiEvaluatorCard {
    pub config: EmojiEvaluatorConfig,
    pub content_accuracy: f64,
    pub style_accuracy: f64,
    /// `(what, FCD against the real Google test emoji)`.
    pub calibration: Vec<(String, f64)>,
    pub source_run: PathBuf,
    pub checkpoint_step: u64,
    pub command: String,
}

/// The frozen colour evaluator and its card.
pub struct EmojiRuler {
    pub net: EmojiEvaluatorNet,
    pub card: EmojiEvaluatorCard,
}

impl EmojiRuler {
    /// Loads `assets/emoji-evaluator/` on `device`.
    pub fn load(device: &Device) -> Result<Self, String> {
        let dir = repo::asset(DIR);
        let card_path = dir.join(CARD);
        let card: EmojiEvaluatorCard = std::fs::read_to_string(&card_path)
            .map_err(|e| format!("{}: {e} (train and export one: README, 'The colour evaluator')", card_path.display()))
            .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", card_path.display())))?;
        let weights_path = dir.join(WEIGHTS);
        let weights = std::fs::read(&weights_path).map_err(|e| format!("{}: {e}", weights_path.display()))?;
        let net = load_evaluator_net(&card.config, &weights, device)
            .map_err(|e| format!("{}: {e}", weights_path.display()))?;
        Ok(Self { net, card })
    }

    /// What the evaluator sees in `count` RGB images `[count, 3, 64, 64]` in `[0, 1]`.
    pub fn outputs(&self, images: &[f32], count: usize, device: &Device) -> Result<EmojiEvaluatorOutputs, String> {
        outputs(&self.net, images, count, device).map_err(|e| e.to_string())
    }
}

/// For the colour lectures: FCD against the evaluator's outputs on real Google test emoji (`real`,
/// computed once by the caller), the share that looks like the Google style, and the share whose
/// category is kept, the Inception-style score and how many of the 9 categories the outputs cover.
pub fn score_against_google(
    ruler: &EmojiRuler,
    images: &[f32],
    labels: &[usize],
    real: &EmojiEvaluatorOutputs,
    device: &Device,
) -> Result<BTreeMap<&'static str, f64>, String> {
    let seen = ruler.outputs(images, labels.len(), device)?;
    Ok(BTreeMap::from([
        ("fcd", fcd(&seen.content_view(), &real.content_view())?),
        ("looks_like_google", seen.share_of_style(0)),
        ("category_kept", seen.content_kept(labels)),
        ("inception_score", inception_score(&seen.content_view())),
        ("category_coverage", coverage(&seen.content_view()).classes_covered as f64),
    ]))
}
