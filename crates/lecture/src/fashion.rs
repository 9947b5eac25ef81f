//! Fashion-MNIST (or MNIST) for the lectures that train on it: found by `--data-dir` or the usual
//! search order, recorded by its files, read with a line that says which set it was.

use std::path::Path;

use atelier_data::{DataRecord, DataSource, Dataset};

use crate::lecture::Found;

/// The dataset `--data-dir` (or the usual search order) names, with what a run records of it.
pub fn locate(data_dir: Option<&Path>) -> Result<Found<DataSource>, String> {
    let source = atelier_data::locate(data_dir).map_err(|e| e.to_string())?;
    let record = DataRecord::of(&source).map_err(|e| e.to_string())?;
    Ok(Found { description: source.to_string(), source, record })
}

/// Reads the dataset at `source`, and says which one it is.
pub fn load(source: DataSource) -> Result<Dataset, String> {
    let dataset = atelier_data::load_from(source).map_err(|e| e.to_string())?;
    eprintln!(
        "data: {} ({} train / {} test images of {}×{})",
        dataset.source,
        dataset.train.len(),
        dataset.test.len(),
        dataset.train.images.rows,
        dataset.train.images.cols
    );
    Ok(dataset)
}

/// Reads the dataset `--data-dir` (or the usual search order) names.
pub fn load_dir(data_dir: Option<&Path>) -> Result<Dataset, String> {
    load(atelier_data::locate(data_dir).map_err(|e| e.to_string())?)
}
