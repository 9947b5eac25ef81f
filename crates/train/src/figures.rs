//! Writing [`Figure`]s as PNG files (tensors are read back to the host here, once per figure).

use std::path::{Path, PathBuf};

use atelier_core::grid::{self, ImageBatch as HostImages};
use atelier_core::plot::ScatterPlot;

use crate::experiment::Figure;

/// Pixel scale of image grids (28×28 images become 56×56).
const GRID_SCALE: usize = 2;

/// Writes `figure` into `dir` as `<prefix><name>.png` and returns the path.
pub fn write_figure(dir: &Path, prefix: &str, figure: Figure) -> Result<PathBuf, String> {
    match figure {
        Figure::Grid { name, rows, marks } => {
            let path = dir.join(format!("{prefix}{name}.png"));
            let host: Vec<(String, Vec<f32>, [usize; 4])> = rows
                .into_iter()
                .map(|(label, images)| {
                    let dims = images.dims();
                    let values = images.into_data().try_into_vec_as::<f32>().map_err(|e| format!("{e:?}"))?;
                    Ok((label, values, dims))
                })
                .collect::<Result<_, String>>()?;
            let batches: Vec<(String, HostImages)> = host
                .iter()
                .map(|(label, values, [n, c, h, w])| {
                    (label.clone(), HostImages { pixels: values, count: *n, channels: *c, height: *h, width: *w })
                })
                .collect();
            grid::save_labeled_rows_with_marks(&path, &batches, GRID_SCALE, &marks).map_err(|e| e.to_string())?;
            Ok(path)
        }
        Figure::Scatter { name, title, points, class_names } => {
            let path = dir.join(format!("{prefix}{name}.png"));
            ScatterPlot { title, points, class_names }.save_png(&path).map_err(|e| e.to_string())?;
            Ok(path)
        }
    }
}
