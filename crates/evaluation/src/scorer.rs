//! Scoring generated images with the frozen evaluator: FCD, classifier Inception Score and class
//! coverage against a real reference split (`eval images`, a generator's eval, a GAN's monitor).

use atelier_core::png_folder::PIXELS;
use atelier_data::Dataset;
use atelier_lecture::Context;
use burn::prelude::*;

use crate::fashion::EvaluatorCard;
use crate::{Coverage, Evaluator, EvaluatorOutputs, coverage, fcd, inception_score};

/// The real images generated ones are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealSplit {
    Test,
    Train,
}

/// Images per set unless `--limit` says otherwise (the usual 10k vs 10k).
pub const DEFAULT_LIMIT: usize = 10_000;

/// The frozen evaluator with the real reference set's outputs computed once: scores any number of
/// generated sets against it (`eval images`, a generator's eval, and a GAN's monitor during training).
pub struct Scorer {
    evaluator: Evaluator,
    card: EvaluatorCard,
    real: EvaluatorOutputs,
    reference: RealSplit,
    device: Device,
}

/// One generated set's scores.
pub struct Scores {
    pub fcd: f64,
    pub inception_score: f64,
    pub coverage: Coverage,
}

impl Scorer {
    /// Loads the evaluator and passes the first `limit` images of the reference split through it.
    pub fn new(
        ctx: &Context,
        data: &Dataset,
        reference: RealSplit,
        limit: usize,
        device: &Device,
    ) -> Result<Self, String> {
        let split = match reference {
            RealSplit::Test => &data.test,
            RealSplit::Train => &data.train,
        };
        let count = split.len().min(limit);
        let indices: Vec<usize> = (0..count).collect();
        let (evaluator, card) = crate::fashion::load(ctx, device)?;
        let real = evaluator.outputs(&split.batch_pixels(&indices), count, device).map_err(|e| e.to_string())?;
        Ok(Self { evaluator, card, real, reference, device: device.clone() })
    }

    /// The device the evaluator runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// FCD, IS and coverage of `count` generated images (`[count, 28, 28]` pixels in `[0, 1]`).
    pub fn score(&self, generated: &[f32]) -> Result<Scores, String> {
        let count = generated.len() / PIXELS;
        let outputs = self.evaluator.outputs(generated, count, &self.device).map_err(|e| e.to_string())?;
        Ok(Scores {
            fcd: fcd(&outputs, &self.real)?,
            inception_score: inception_score(&outputs),
            coverage: coverage(&outputs),
        })
    }

    /// The evaluator's most likely class for each of `count` images (`[count, 28, 28]` in `[0, 1]`).
    pub fn predicted_classes(&self, images: &[f32]) -> Result<Vec<usize>, String> {
        let count = images.len() / PIXELS;
        let outputs = self.evaluator.outputs(images, count, &self.device).map_err(|e| e.to_string())?;
        Ok(outputs
            .probabilities
            .chunks(outputs.classes)
            .map(|p| p.iter().enumerate().fold((0, f32::MIN), |best, (c, &v)| if v > best.1 { (c, v) } else { best }).0)
            .collect())
    }

    /// Scores `generated`, prints the table and the class histogram; returns `eval.json`'s entries.
    pub fn score_and_print(&self, generated: &[f32], class_names: &[String]) -> Result<Vec<(String, f64)>, String> {
        let count = generated.len() / PIXELS;
        eprintln!(
            "scoring {count} generated images against {} real {} images (evaluator: {}, test accuracy {:.4})",
            self.real.count,
            if self.reference == RealSplit::Train { "training" } else { "test" },
            self.evaluator.net.describe(),
            self.card.test_accuracy
        );
        let scores = self.score(generated)?;
        let entries = vec![
            ("fcd".to_string(), scores.fcd),
            ("inception_score".to_string(), scores.inception_score),
            ("coverage".to_string(), scores.coverage.classes_covered as f64),
            ("reference_inception_score".to_string(), inception_score(&self.real)),
            ("reference_coverage".to_string(), coverage(&self.real).classes_covered as f64),
            ("generated_images".to_string(), count as f64),
            ("reference_images".to_string(), self.real.count as f64),
            ("evaluator_test_accuracy".to_string(), self.card.test_accuracy),
        ];
        println!("{:<28} {:>12}", "metric", "value");
        for (name, value) in &entries {
            println!("{name:<28} {value:>12.4}");
        }
        let histogram: Vec<String> = scores
            .coverage
            .histogram
            .iter()
            .enumerate()
            .map(|(c, n)| format!("{} {n}", class_names.get(c).map_or("?", String::as_str)))
            .collect();
        println!("predicted classes: {}", histogram.join(", "));
        Ok(entries)
    }
}
