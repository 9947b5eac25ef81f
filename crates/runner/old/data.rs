//! Loading the dataset a run asks for, and reporting where it came from.

use std::path::Path;

use atelier_data::{DataSource, Dataset};

/// Loads the dataset from `--data-dir` or the usual search order, and says which one it used.
pub fn load(data_dir: Option<&Path>) -> Result<Dataset, String> {
    load_from(atelier_data::locate(data_dir).map_err(|e| e.to_string())?)
}

/// Loads the dataset at `source` (found with [`atelier_data::locate`]), and says which one it is.
pub fn load_from(source: DataSource) -> Result<Dataset, String> {
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
