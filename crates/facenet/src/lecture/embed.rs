//! Embeddings of many images and their distances, a block at a time on the device.

use crate::IdentityImages;
use atelier_train::host::to_host_f32;
use burn::prelude::*;

use crate::EmbeddingNet;

/// Images embedded per forward pass.
const EMBED_BATCH: usize = 256;
/// Queries per block of the distance matrix.
const DISTANCE_BLOCK: usize = 256;

/// Vectors of one kind for a list of images: `values` holds `len · dim` floats.
pub struct Vectors {
    pub values: Vec<f32>,
    pub dim: usize,
}

impl Vectors {
    pub fn len(&self) -> usize {
        self.values.len() / self.dim.max(1)
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.dim..(i + 1) * self.dim]
    }
}

/// `f(x)` of the images at `indices` of `set`, in that order: `[n, dim]` on the host.
pub fn embed(
    model: &EmbeddingNet,
    set: &IdentityImages,
    indices: &[usize],
    device: &Device,
) -> Result<Vectors, String> {
    let [c, h, w] = set.image_shape;
    let mut values = Vec::new();
    let mut dim = 0;
    for chunk in indices.chunks(EMBED_BATCH) {
        let pixels: Vec<f32> = chunk.iter().flat_map(|&i| set.image_unit(i)).collect();
        let images = Tensor::<4>::from_data(TensorData::new(pixels, [chunk.len(), c, h, w]), device);
        let embeddings = model.forward(images); // [n, dim]
        dim = embeddings.dims()[1];
        values.extend(to_host_f32(embeddings, "the embeddings").map_err(|e| e.to_string())?);
    }
    Ok(Vectors { values, dim })
}

/// The raw pixels of the images at `indices` as vectors (the baseline "embedding").
pub fn raw_pixels(set: &IdentityImages, indices: &[usize]) -> Vectors {
    Vectors { values: indices.iter().flat_map(|&i| set.image_unit(i)).collect(), dim: set.image_len() }
}

/// Calls `visit(q, row)` with the squared distances from query `q` to every gallery vector,
/// computed on `device` a block of queries at a time.
pub fn for_each_distance_row(
    queries: &Vectors,
    gallery: &Vectors,
    device: &Device,
    mut visit: impl FnMut(usize, &[f32]),
) -> Result<(), String> {
    let (n, m, dim) = (queries.len(), gallery.len(), gallery.dim);
    let g = Tensor::<2>::from_data(TensorData::new(gallery.values.clone(), [m, dim]), device); // [m, dim]
    let g_squares = g.clone().powi_scalar(2).sum_dim(1).reshape([1, m]); // [1, m]
    let g_t = g.transpose(); // [dim, m]
    for start in (0..n).step_by(DISTANCE_BLOCK) {
        let rows = DISTANCE_BLOCK.min(n - start);
        let block = queries.values[start * dim..(start + rows) * dim].to_vec();
        let q = Tensor::<2>::from_data(TensorData::new(block, [rows, dim]), device); // [rows, dim]
        let q_squares = q.clone().powi_scalar(2).sum_dim(1); // [rows, 1]
        let d = (q_squares + g_squares.clone() - q.matmul(g_t.clone()) * 2.0).clamp_min(0.0); // [rows, m]
        let host = to_host_f32(d, "the distances").map_err(|e| e.to_string())?;
        for (r, row) in host.chunks_exact(m).enumerate() {
            visit(start + r, row);
        }
    }
    Ok(())
}
