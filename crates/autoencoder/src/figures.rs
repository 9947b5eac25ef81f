//! The lecture's pictures: reconstructions, latent morphing, and the code scatter plot.

use atelier_train::Figure;
use atelier_train::host::{DeviceReadError, to_host_f32};
use burn::prelude::*;

use crate::config::Variant;
use crate::loss::corrupt;
use crate::model::Autoencoder;
use crate::pca::Pca;

/// Steps of a morphing strip: t = 0, 1/8, …, 1 (the midpoint t = ½ is column 4).
pub const MORPH_STEPS: usize = 9;

/// Rows "input" [, "noisy input"], "output" for a batch of clean images `[n, 1, 28, 28]`.
pub fn reconstruction_figure(model: &Autoencoder, variant: Variant, clean: Tensor<4>) -> Figure {
    let input = corrupt(variant, clean.clone());
    let (_, output) = model.forward(input.clone());
    let mut rows = vec![("input".to_string(), clean)];
    if matches!(variant, Variant::Denoising { .. }) {
        rows.push(("noisy input".to_string(), input));
    }
    rows.push(("output".to_string(), output));
    Figure::Grid { name: "reconstructions".into(), rows, marks: Vec::new() }
}

/// Codes `(1−t)·c_a + t·c_b` for `t = 0, 1/(steps−1), …, 1` (the shared
/// [`atelier_layers::latent::linear_path`]).
///
/// # Shapes
/// `code_a`, `code_b`: `[1, k]` → `[steps, k]`
pub fn morph_codes(code_a: Tensor<2>, code_b: Tensor<2>, steps: usize) -> Tensor<2> {
    atelier_layers::latent::linear_path(code_a, code_b, steps)
}

/// Morphing from image `a` to image `b` of `images`: decoded latent interpolation beside the
/// pixel-space cross-fade, with the lecture's midpoint `(C1+C2)/2` framed.
pub fn morph_figure(model: &Autoencoder, images: Tensor<4>, a: usize, b: usize) -> Figure {
    let [_, c, h, w] = images.dims();
    let image_a = images.clone().narrow(0, a, 1); // [1, 1, 28, 28]
    let image_b = images.narrow(0, b, 1);
    let codes = model.encoder.forward(Tensor::cat(vec![image_a.clone(), image_b.clone()], 0)); // [2, k]
    let path = morph_codes(codes.clone().narrow(0, 0, 1), codes.narrow(0, 1, 1), MORPH_STEPS);
    let decoded = model.decoder.forward(path); // [9, 1, 28, 28]
    let flat_a = image_a.reshape([1, c * h * w]);
    let flat_b = image_b.reshape([1, c * h * w]);
    let blend = morph_codes(flat_a, flat_b, MORPH_STEPS).reshape([MORPH_STEPS, c, h, w]);
    let midpoint = MORPH_STEPS / 2;
    Figure::Grid {
        name: "morphing".into(),
        rows: vec![("latent (C1+C2)/2".to_string(), decoded), ("pixel blend".to_string(), blend)],
        marks: vec![(0, midpoint)],
    }
}

/// The codes of `images` in 2-D, coloured by label: the codes themselves when k = 2, else their
/// projection on the codes' top two principal directions.
/// A failed read of the points back from the device is an error.
pub fn latent_scatter(
    model: &Autoencoder,
    images: Tensor<4>,
    labels: &[u8],
    class_names: &[String],
) -> Result<Figure, DeviceReadError> {
    let codes = model.encoder.forward(images); // [n, k]
    let [_, k] = codes.dims();
    let (points_2d, title, axes) = if k == 2 {
        (codes, "latent codes (k = 2) of test images".to_string(), ["z₁".to_string(), "z₂".to_string()])
    } else {
        let pca = Pca::fit(codes.clone(), 2)?;
        let axes = ["first principal component".to_string(), "second principal component".to_string()];
        (pca.project(codes), format!("codes (k = {k}) of test images, top-2 PCA projection"), axes)
    };
    let values = to_host_f32(points_2d, "the latent scatter's points")?; // [n, 2]
    let points = values.chunks(2).zip(labels).map(|(p, &label)| (p[0], p[1], usize::from(label))).collect();
    Ok(Figure::Scatter { name: "latent-scatter".into(), title, axes, points, class_names: class_names.to_vec() })
}
