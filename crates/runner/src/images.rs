//! `eval images --dir D`: score a folder of 28×28 PNGs (generated samples) against real images
//! with the frozen evaluator: FCD, classifier Inception Score and class coverage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_cli::{EvalCommand, ReferenceArg};
use atelier_core::atomic::write_json_atomic;
use atelier_evaluation::{Evaluator, coverage, fcd, inception_score};

use crate::models::classifier::load_evaluator;

/// Images per set unless `--limit` says otherwise (the usual 10k vs 10k).
const DEFAULT_LIMIT: usize = 10_000;
const SIDE: u32 = 28;

/// Reads up to `limit` PNGs of `dir` (sorted by name) as gray pixels in `[0, 1]`.
///
/// Colour images are converted to gray with the `image` crate's luma weights (documented
/// conversion); 16-bit images are scaled to 8 bits; alpha is dropped. Any other size than 28×28,
/// or a file that does not decode, is an error naming the file.
pub fn read_png_folder(dir: &Path, limit: usize) -> Result<Vec<f32>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
        .collect();
    files.sort();
    files.truncate(limit);
    if files.is_empty() {
        return Err(format!("{}: no .png images to score", dir.display()));
    }
    let mut pixels = Vec::with_capacity(files.len() * (SIDE * SIDE) as usize);
    for file in &files {
        let image = image::ImageReader::open(file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .decode()
            .map_err(|e| format!("{}: not a readable PNG: {e}", file.display()))?;
        if image.width() != SIDE || image.height() != SIDE {
            return Err(format!(
                "{}: {}×{} pixels; the evaluator scores {SIDE}×{SIDE} images",
                file.display(),
                image.width(),
                image.height()
            ));
        }
        pixels.extend(image.to_luma8().as_raw().iter().map(|&v| f32::from(v) / 255.0));
    }
    Ok(pixels)
}

pub fn run(cmd: &EvalCommand) -> Result<Vec<(String, f64)>, String> {
    let dir = cmd.dir.as_ref().ok_or("eval images needs --dir FOLDER (a folder of 28×28 PNGs)")?;
    let limit = cmd.limit.unwrap_or(DEFAULT_LIMIT);
    if limit < 2 {
        return Err("--limit must be at least 2 (FCD fits a covariance)".into());
    }
    let backend: Backend = cmd.backend.map_or(Backend::DEFAULT, |b| b.name().parse().unwrap_or(Backend::DEFAULT));
    let device = backend.device().map_err(|e| e.to_string())?;
    let generated = read_png_folder(dir, limit)?;
    let generated_count = generated.len() / (SIDE * SIDE) as usize;

    let data = crate::data::load(cmd.data_dir.as_deref())?;
    let reference = match cmd.reference.unwrap_or(ReferenceArg::Test) {
        ReferenceArg::Test => &data.test,
        ReferenceArg::Train => &data.train,
    };
    let reference_count = reference.len().min(limit);
    let indices: Vec<usize> = (0..reference_count).collect();
    let real = reference.batch_pixels(&indices);

    let (model, card) = load_evaluator(&device)?;
    let evaluator = Evaluator { model, config: card.config.clone() };
    eprintln!(
        "scoring {generated_count} images of {} against {reference_count} real {} images (evaluator: {:?}, test accuracy {:.4})",
        dir.display(),
        if cmd.reference == Some(ReferenceArg::Train) { "training" } else { "test" },
        card.config.architecture,
        card.test_accuracy
    );
    let generated_out = evaluator.outputs(&generated, generated_count, &device);
    let real_out = evaluator.outputs(&real, reference_count, &device);
    let fcd = fcd(&generated_out, &real_out)?;
    let generated_coverage = coverage(&generated_out);
    let entries = vec![
        ("fcd".to_string(), fcd),
        ("inception_score".to_string(), inception_score(&generated_out)),
        ("coverage".to_string(), generated_coverage.classes_covered as f64),
        ("reference_inception_score".to_string(), inception_score(&real_out)),
        ("reference_coverage".to_string(), coverage(&real_out).classes_covered as f64),
        ("generated_images".to_string(), generated_count as f64),
        ("reference_images".to_string(), reference_count as f64),
        ("evaluator_test_accuracy".to_string(), card.test_accuracy),
    ];
    println!("{:<28} {:>12}", "metric", "value");
    for (name, value) in &entries {
        println!("{name:<28} {value:>12.4}");
    }
    let names = &data.class_names;
    let histogram: Vec<String> = generated_coverage
        .histogram
        .iter()
        .enumerate()
        .map(|(c, n)| format!("{} {n}", names.get(c).map_or("?", String::as_str)))
        .collect();
    println!("predicted classes: {}", histogram.join(", "));
    let json: BTreeMap<&str, f64> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let path = dir.join("eval.json");
    write_json_atomic(&path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(entries)
}
