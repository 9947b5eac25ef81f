//! `eval images --dir D`: score a folder of 28×28 PNGs (generated samples) against real images
//! with the frozen evaluator: FCD, classifier Inception Score and class coverage.

use std::collections::BTreeMap;

use atelier_backend::Backend;
use atelier_cli::{ImagesEvalArgs, ReferenceArg};
use atelier_core::atomic::write_json_atomic;

use crate::png_folder::read_png_folder;
use crate::scorer::{DEFAULT_LIMIT, Scorer};

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
