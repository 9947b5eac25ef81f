//! The colour evaluator's hyper-parameters (the `model` part of its run's `config.json`).

use atelier_derive::Params;
use atelier_train::TrainConfig;
use serde::{Deserialize, Serialize};

/// Side of the square input images: each of the `widths.len() − 1` max-pools halves it, so at
/// most `log₂ 64 + 1 = 7` blocks fit.
const MAX_BLOCKS: usize = 7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct EmojiEvaluatorConfig {
    /// Emoji categories the content head tells apart (9).
    pub content_classes: usize,
    /// Vendors the style head tells apart (2: Google = 0, Twitter = 1).
    pub style_classes: usize,
    /// Output channels of the convolution blocks; the last one is the feature size.
    pub widths: Vec<usize>,
    /// Adam's learning rate (constant).
    #[param(flag = "lr")]
    pub learning_rate: f64,
    /// `λ` of `L = CE_content + λ·CE_style`.
    pub style_weight: f64,
}

impl Default for EmojiEvaluatorConfig {
    /// Four blocks of 32, 64, 128 and 256 channels, Adam 1e-3, both heads weighted alike.
    fn default() -> Self {
        Self {
            content_classes: 9,
            style_classes: 2,
            widths: vec![32, 64, 128, 256],
            learning_rate: 1e-3,
            style_weight: 1.0,
        }
    }
}

impl EmojiEvaluatorConfig {
    /// Size of the shared features: the channels of the last block, averaged over the image.
    pub fn feature_dim(&self) -> usize {
        self.widths.last().copied().unwrap_or(0)
    }

    /// The loop settings: 6 epochs of 64 images.
    pub fn training(&self) -> TrainConfig {
        TrainConfig { epochs: 6, batch_size: 64, ..TrainConfig::default() }
    }

    /// Refuses settings that cannot train, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.content_classes < 2 {
            return Err(format!("content_classes must be at least 2 (got {})", self.content_classes));
        }
        if self.style_classes < 2 {
            return Err(format!("style_classes must be at least 2 (got {})", self.style_classes));
        }
        if self.widths.is_empty() || self.widths.len() > MAX_BLOCKS {
            return Err(format!(
                "widths must list 1 to {MAX_BLOCKS} blocks (each but the last halves the image; got {})",
                self.widths.len()
            ));
        }
        if self.widths.contains(&0) {
            return Err(format!("every width must be at least 1 (got {:?})", self.widths));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!("learning_rate must be a positive number (got {})", self.learning_rate));
        }
        if !(self.style_weight >= 0.0 && self.style_weight.is_finite()) {
            return Err(format!("style_weight must be a finite number ≥ 0 (got {})", self.style_weight));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_valid_and_refusals_name_the_setting() {
        let config = EmojiEvaluatorConfig::default();
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(config.feature_dim(), 256);
        assert_eq!((config.training().epochs, config.training().batch_size), (6, 64));
        let refused = |c: EmojiEvaluatorConfig| c.validate().unwrap_err();
        assert!(refused(EmojiEvaluatorConfig { content_classes: 1, ..config.clone() }).contains("content_classes"));
        assert!(refused(EmojiEvaluatorConfig { style_classes: 0, ..config.clone() }).contains("style_classes"));
        assert!(refused(EmojiEvaluatorConfig { widths: vec![], ..config.clone() }).contains("widths"));
        assert!(refused(EmojiEvaluatorConfig { widths: vec![8; 8], ..config.clone() }).contains("widths"));
        assert!(refused(EmojiEvaluatorConfig { widths: vec![8, 0], ..config.clone() }).contains("width"));
        assert!(refused(EmojiEvaluatorConfig { learning_rate: 0.0, ..config.clone() }).contains("learning_rate"));
        assert!(refused(EmojiEvaluatorConfig { style_weight: f64::NAN, ..config.clone() }).contains("style_weight"));
    }

    #[test]
    fn a_config_file_with_an_unknown_field_is_refused() {
        let json = serde_json::to_string(&EmojiEvaluatorConfig::default()).unwrap();
        let back: EmojiEvaluatorConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, EmojiEvaluatorConfig::default());
        let extra = json.replacen('{', "{\"dropout\":0.5,", 1);
        assert!(serde_json::from_str::<EmojiEvaluatorConfig>(&extra).is_err());
    }
}
