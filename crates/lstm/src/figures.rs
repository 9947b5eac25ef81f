//! The lecture's picture: "image completions sampled from a PixelRNN".

use atelier_core::Rng;
use atelier_train::Figure;
use burn::prelude::*;

use crate::complete::{binarize, complete};
use crate::model::RecurrentModel;

/// Row of the image where the completion starts (the top half is given).
pub const HALF: usize = 14;

/// A grid: the binarised originals, their top halves (bottom grey), then `samples` completions
/// of each (columns = test images), sampled with `rng`.
pub fn completion_figure(model: &RecurrentModel, images: Tensor<4>, samples: usize, rng: &mut Rng) -> Figure {
    let [n, c, h, w] = images.dims();
    let rows = binarize(images); // [n, 28, 28]
    let as_images = |t: Tensor<3>| t.reshape([n, c, h, w]);
    let grey = Tensor::<3>::full([n, h - HALF, w], 0.5, &rows.device());
    let top = Tensor::cat(vec![rows.clone().narrow(1, 0, HALF), grey], 1); // [n, 28, 28]
    let mut grid = vec![("original".to_string(), as_images(rows.clone())), ("top half".to_string(), as_images(top))];
    for k in 0..samples {
        grid.push((format!("sample {}", k + 1), as_images(complete(model, rows.clone(), HALF, rng))));
    }
    Figure::Grid { name: "completions".into(), rows: grid, marks: Vec::new() }
}
