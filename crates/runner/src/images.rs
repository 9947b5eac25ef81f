//! `eval images --dir D`: score a folder of 28×28 PNGs (generated samples) against real images
//! with the frozen evaluator: FCD, classifier Inception Score and class coverage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_cli::{ImagesEvalArgs, ReferenceArg};
use atelier_core::atomic::write_json_atomic;
use atelier_data::Dataset;
use atelier_evaluation::{Coverage, Evaluator, EvaluatorOutputs, coverage, fcd, inception_score};
use burn::prelude::*;

use crate::models::classifier::{EvaluatorCard, load_evaluator};

pub fn run(cmd: &ImagesEvalArgs) -> Result<Vec<(String, f64)>, String> {
    let dir = &cmd.dir;
    let limit = cmd.limit.unwrap_or(DEFAULT_LIMIT);
    if limit < 2 {
        return Err("--limit must be at least 2 (FCD fits a covariance)".into());
    }
    let backend = cmd.backend.unwrap_or(Backend::DEFAULT);
    let device = backend.device().map_err(|e| e.to_string())?;
    let generated = read_png_folder(dir, limit)?;
    let data = crate::data::load(cmd.data_dir.as_deref())?;
    let reference = cmd.reference.unwrap_or(ReferenceArg::Test);
    let scorer = Scorer::new(&data, reference, limit, &device)?;
    eprintln!("scoring the images of {}", dir.display());
    let entries = scorer.score_and_print(&generated, &data.class_names)?;
    let json: BTreeMap<&str, f64> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let path = dir.join("eval.json");
    write_json_atomic(&path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(entries)
}

/// The frozen evaluator with the real reference set's outputs computed once: scores any number of
/// generated sets against it (`eval images`, `eval dcgan`, and the GAN's monitor during training).
pub struct Scorer {
    evaluator: Evaluator,
    card: EvaluatorCard,
    real: EvaluatorOutputs,
    reference: ReferenceArg,
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
    pub fn new(data: &Dataset, reference: ReferenceArg, limit: usize, device: &Device) -> Result<Self, String> {
        let split = match reference {
            ReferenceArg::Test => &data.test,
            ReferenceArg::Train => &data.train,
        };
        let count = split.len().min(limit);
        let indices: Vec<usize> = (0..count).collect();
        let (model, card) = load_evaluator(device)?;
        let evaluator = Evaluator { model, config: card.config.clone() };
        let real = evaluator.outputs(&split.batch_pixels(&indices), count, device);
        Ok(Self { evaluator, card, real, reference, device: device.clone() })
    }

    /// The device the evaluator runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// FCD, IS and coverage of `count` generated images (`[count, 28, 28]` pixels in `[0, 1]`).
    pub fn score(&self, generated: &[f32]) -> Result<Scores, String> {
        let count = generated.len() / PIXELS;
        let outputs = self.evaluator.outputs(generated, count, &self.device);
        Ok(Scores {
            fcd: fcd(&outputs, &self.real)?,
            inception_score: inception_score(&outputs),
            coverage: coverage(&outputs),
        })
    }

    /// Scores `generated`, prints the table and the class histogram; returns `eval.json`'s entries.
    pub fn score_and_print(&self, generated: &[f32], class_names: &[String]) -> Result<Vec<(String, f64)>, String> {
        let count = generated.len() / PIXELS;
        eprintln!(
            "scoring {count} generated images against {} real {} images (evaluator: {:?}, test accuracy {:.4})",
            self.real.count,
            if self.reference == ReferenceArg::Train { "training" } else { "test" },
            self.card.config.architecture,
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

/// Pixels as a PNG stores them: rounded to 8 bits (so scoring generated floats and scoring their
/// PNGs give the same numbers).
pub fn quantize(pixels: &mut [f32]) {
    for v in pixels {
        *v = (v.clamp(0.0, 1.0) * 255.0).round() / 255.0;
    }
}

/// Writes `count` images (`[count, 28, 28]` pixels in `[0, 1]`) as `00000.png`, `00001.png`, … in `dir`.
pub fn write_png_folder(dir: &Path, pixels: &[f32]) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut written = 0;
    for (i, image) in pixels.chunks_exact(PIXELS).enumerate() {
        let bytes: Vec<u8> = image.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8).collect();
        let path = dir.join(format!("{i:05}.png"));
        image::GrayImage::from_raw(SIDE, SIDE, bytes)
            .ok_or("an image buffer of the wrong size")?
            .save(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        written += 1;
    }
    Ok(written)
}
