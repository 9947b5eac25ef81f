//! Writing [`Figure`]s as PNG files (tensors are read back to the host here, once per figure).

use std::path::{Path, PathBuf};

use atelier_core::grid::{ImageBatch as HostImages, LabeledRows, Row};
use atelier_core::picture::Picture;
use atelier_core::scatter::ScatterPlot;

use crate::experiment::Figure;
use crate::host::to_host_f32;

/// Pixel scale of image grids (28×28 images become 56×56).
pub const GRID_SCALE: usize = 2;

/// Writes `figure` into `dir` as `<prefix><name>.png` and returns the path.
pub fn write_figure(dir: &Path, prefix: &str, figure: Figure) -> Result<PathBuf, String> {
    match figure {
        Figure::Grid { name, rows, marks } => {
            let path = dir.join(format!("{prefix}{name}.png"));
            let host: Vec<(String, Vec<f32>, [usize; 4])> = rows
                .into_iter()
                .map(|(label, images)| {
                    let dims = images.dims();
                    let values =
                        to_host_f32(images, &format!("the images of figure {name:?}")).map_err(|e| e.to_string())?; // [n, c, h, w]
                    Ok((label, values, dims))
                })
                .collect::<Result<_, String>>()?;
            let rows = host
                .iter()
                .map(|(label, values, [n, c, h, w])| {
                    Row::new(
                        label.clone(),
                        HostImages { pixels: values, count: *n, channels: *c, height: *h, width: *w },
                    )
                })
                .collect();
            let picture = LabeledRows { title: String::new(), rows, marks, scale: GRID_SCALE };
            picture.save_png(&path).map_err(|e| e.to_string())?;
            Ok(path)
        }
        Figure::Scatter { name, title, axes: [x_label, y_label], points, class_names } => {
            let path = dir.join(format!("{prefix}{name}.png"));
            ScatterPlot { title, x_label, y_label, points, class_names }.save_png(&path).map_err(|e| e.to_string())?;
            Ok(path)
        }
    }
}
