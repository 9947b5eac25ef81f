//! Pictures of the images, whatever their channels mean: grey or RGB as they are, and CIE Lab
//! (D65) chroma combined with the input's lightness and turned into sRGB, with tensor ops.
//!
//! The unit encoding of [`ColourSpace::LabChroma`] keeps every channel in `[0, 1]`:
//!
//! ```text
//!   L_unit = L/100,   a_unit = (a + 128)/255,   b_unit = (b + 128)/255
//! ```
//!
//! Lab → sRGB, in three steps:
//! 1. Lab → XYZ: `f_y = (L + 16)/116`, `f_x = f_y + a/500`, `f_z = f_y − b/200`, then
//!    `X = X_n·f⁻¹(f_x)`, `Y = Y_n·f⁻¹(f_y)`, `Z = Z_n·f⁻¹(f_z)` with the D65 white
//!    `(X_n, Y_n, Z_n) = (0.95047, 1, 1.08883)` and `f⁻¹(t) = t³` if `t > δ = 6/29`, else
//!    `3δ²·(t − 4/29)`;
//! 2. XYZ → linear sRGB by [`XYZ_TO_LINEAR_SRGB`];
//! 3. the sRGB transfer curve, `12.92·c` if `c ≤ 0.0031308`, else `1.055·c^(1/2.4) − 0.055`,
//!    clamped to `[0, 1]` (out-of-gamut colours are clipped).

use burn::prelude::*;

use crate::config::{ColourSpace, Pix2PixConfig};

/// The D65 reference white `(X_n, Y_n, Z_n)`.
pub const D65_WHITE: [f32; 3] = [0.95047, 1.0, 1.08883];
/// XYZ (D65) → linear sRGB, rows R, G, B (−0.9692660 written without its trailing zero).
#[rustfmt::skip]
pub const XYZ_TO_LINEAR_SRGB: [[f32; 3]; 3] = [
    [3.2404542, -1.5371385, -0.4985314],
    [-0.969266, 1.8760108, 0.0415560],
    [0.0556434, -0.2040259, 1.0572252],
];
/// `δ = 6/29`, where Lab's cube root turns linear.
const DELTA: f32 = 6.0 / 29.0;
/// The chroma of grey (`a = b = 0`) in the unit encoding, `128/255`.
pub const NEUTRAL_CHROMA_UNIT: f32 = 128.0 / 255.0;

/// `f⁻¹(t) = t³` if `t > 6/29`, else `3·(6/29)²·(t − 4/29)`. Element-wise.
fn lab_f_inverse(t: Tensor<4>) -> Tensor<4> {
    let above = t.clone().greater_elem(DELTA);
    let cube = t.clone().powi_scalar(3);
    let linear = t.sub_scalar(4.0 / 29.0).mul_scalar(3.0 * DELTA * DELTA);
    linear.mask_where(above, cube)
}

/// The sRGB transfer curve on linear values (negatives clipped to 0 first). Element-wise.
fn srgb_gamma(linear: Tensor<4>) -> Tensor<4> {
    let c = linear.clamp_min(0.0);
    let dark = c.clone().lower_equal_elem(0.0031308);
    let curve = c.clone().powf_scalar(1.0 / 2.4).mul_scalar(1.055).sub_scalar(0.055);
    curve.mask_where(dark, c.mul_scalar(12.92))
}

/// Lab in the unit encoding → sRGB in `[0, 1]`: `lightness` `[n, 1, h, w]` (`L/100`) and `chroma`
/// `[n, 2, h, w]` (`(a + 128)/255`, `(b + 128)/255`) → `[n, 3, h, w]`.
pub fn lab_unit_to_rgb(lightness: Tensor<4>, chroma: Tensor<4>) -> Tensor<4> {
    let l = lightness.mul_scalar(100.0); // L [n, 1, h, w]
    let a = chroma.clone().narrow(1, 0, 1).mul_scalar(255.0).sub_scalar(128.0); // a [n, 1, h, w]
    let b = chroma.narrow(1, 1, 1).mul_scalar(255.0).sub_scalar(128.0); // b [n, 1, h, w]
    let f_y = l.add_scalar(16.0).div_scalar(116.0);
    let f_x = f_y.clone() + a.div_scalar(500.0);
    let f_z = f_y.clone() - b.div_scalar(200.0);
    let [x, y, z] = [f_x, f_y, f_z].map(lab_f_inverse); // each [n, 1, h, w]
    let (x, y, z) = (x.mul_scalar(D65_WHITE[0]), y.mul_scalar(D65_WHITE[1]), z.mul_scalar(D65_WHITE[2]));
    let rgb = XYZ_TO_LINEAR_SRGB
        .iter()
        .map(|[m_x, m_y, m_z]| {
            let linear = x.clone().mul_scalar(*m_x) + y.clone().mul_scalar(*m_y) + z.clone().mul_scalar(*m_z);
            srgb_gamma(linear) // [n, 1, h, w]
        })
        .collect();
    Tensor::cat(rgb, 1).clamp(0.0, 1.0) // [n, 3, h, w]
}

/// 3-channel pictures in `[0, 1]` of outputs or targets `images_unit` `[n, c_out, h, w]` (unit
/// range) for figures: [`ColourSpace::Rgb`] shows the channels as they are (grey repeated),
/// [`ColourSpace::LabChroma`] combines `inputs_unit`'s lightness `[n, 1, h, w]` with the chroma
/// images `[n, 2, h, w]`. → `[n, 3, h, w]`.
pub fn display_rgb(config: &Pix2PixConfig, inputs_unit: Tensor<4>, images_unit: Tensor<4>) -> Tensor<4> {
    match config.colour {
        ColourSpace::Rgb => atelier_layers::pictures::as_rgb(images_unit),
        ColourSpace::LabChroma => lab_unit_to_rgb(inputs_unit, images_unit),
    }
}

/// 3-channel pictures in `[0, 1]` of the inputs `[n, c_in, h, w]` themselves: as they are for
/// [`ColourSpace::Rgb`], the lightness as grey (`a = b = 0`) for [`ColourSpace::LabChroma`].
pub fn display_inputs_rgb(config: &Pix2PixConfig, inputs_unit: Tensor<4>) -> Tensor<4> {
    match config.colour {
        ColourSpace::Rgb => atelier_layers::pictures::as_rgb(inputs_unit),
        ColourSpace::LabChroma => {
            let [n, _, h, w] = inputs_unit.dims();
            let neutral = Tensor::full([n, 2, h, w], NEUTRAL_CHROMA_UNIT, &inputs_unit.device());
            lab_unit_to_rgb(inputs_unit, neutral)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_testkit::to_vec;

    fn device() -> Device {
        atelier_backend::Backend::Flex.device().unwrap()
    }

    /// Published sRGB ↔ CIE Lab (D65) pairs: the primaries and white.
    const PUBLISHED: [([f32; 3], [f32; 3]); 4] = [
        ([1.0, 0.0, 0.0], [53.2408, 80.0925, 67.2032]),
        ([0.0, 1.0, 0.0], [87.7347, -86.1827, 83.1793]),
        ([0.0, 0.0, 1.0], [32.2970, 79.1875, -107.8602]),
        ([1.0, 1.0, 1.0], [100.0, 0.0, 0.0]),
    ];

    #[test]
    fn lab_to_rgb_gives_the_published_colours() {
        let device = device();
        let n = PUBLISHED.len();
        let lightness: Vec<f32> = PUBLISHED.iter().map(|(_, lab)| lab[0] / 100.0).collect();
        let chroma: Vec<f32> =
            [1, 2].iter().flat_map(|&k| PUBLISHED.iter().map(move |(_, lab)| (lab[k] + 128.0) / 255.0)).collect();
        // Four pixels side by side in one image: [1, 1, 1, 4] and [1, 2, 1, 4].
        let lightness = Tensor::<1>::from_floats(lightness.as_slice(), &device).reshape([1, 1, 1, n]);
        let chroma = Tensor::<1>::from_floats(chroma.as_slice(), &device).reshape([1, 2, 1, n]);
        let rgb = lab_unit_to_rgb(lightness, chroma);
        assert_eq!(rgb.dims(), [1, 3, 1, n]);
        let rgb = to_vec(rgb); // planar: all R, then all G, then all B
        for (i, (want, lab)) in PUBLISHED.iter().enumerate() {
            let got = [rgb[i], rgb[n + i], rgb[2 * n + i]];
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 2e-3, "Lab {lab:?}: got {got:?}, want {want:?}");
            }
        }
    }

    /// The tensor conversion agrees with the data crate's host one (which builds the Lab pairs):
    /// round trips of a grid of sRGB colours, and any unit Lab, in or out of the sRGB gamut.
    #[test]
    fn lab_to_rgb_agrees_with_the_data_crates_conversion() {
        use atelier_data::lab::{planar_unit_lab_to_rgb, srgb_to_lab, to_unit};
        let device = device();
        let levels = [0.0, 0.1, 0.35, 0.6, 0.85, 1.0];
        let rgb: Vec<[f64; 3]> =
            levels.iter().flat_map(|&r| levels.iter().flat_map(move |&g| levels.map(|b| [r, g, b]))).collect();
        let n = rgb.len();
        let unit: Vec<[f32; 3]> = rgb.iter().map(|&c| to_unit(srgb_to_lab(c))).collect();
        let plane = |k: usize, values: &[[f32; 3]]| -> Vec<f32> { values.iter().map(|v| v[k]).collect() };
        let image = |values: &[[f32; 3]]| {
            let n = values.len();
            let lightness = Tensor::<1>::from_floats(plane(0, values).as_slice(), &device).reshape([1, 1, 1, n]);
            let chroma = [plane(1, values), plane(2, values)].concat();
            let chroma = Tensor::<1>::from_floats(chroma.as_slice(), &device).reshape([1, 2, 1, n]);
            to_vec(lab_unit_to_rgb(lightness, chroma)) // planar [3, n]
        };
        let back = image(&unit);
        for (i, want) in rgb.iter().enumerate() {
            for (k, w) in want.iter().enumerate() {
                assert!((back[k * n + i] - *w as f32).abs() < 1e-3, "{want:?}: channel {k} = {}", back[k * n + i]);
            }
        }
        // Unit Lab on a grid of its own, many colours outside sRGB: the same clipped colours.
        let steps = [0.0f32, 0.2, 0.5, 0.8, 1.0];
        let any: Vec<[f32; 3]> =
            steps.iter().flat_map(|&l| steps.iter().flat_map(move |&a| steps.map(|b| [l, a, b]))).collect();
        let planar: Vec<f32> = [plane(0, &any), plane(1, &any), plane(2, &any)].concat();
        let (host, tensor) = (planar_unit_lab_to_rgb(&planar), image(&any));
        for (i, (h, t)) in host.iter().zip(&tensor).enumerate() {
            assert!((h - t).abs() < 1e-3, "unit Lab {:?}: host {h} vs tensor {t}", any[i % any.len()]);
        }
    }

    #[test]
    fn neutral_chroma_is_grey_and_pictures_have_three_channels() {
        let device = device();
        let lightness = Tensor::<4>::full([2, 1, 4, 4], 0.5, &device);
        let grey = to_vec(display_inputs_rgb(&Pix2PixConfig::lab_colourisation(), lightness.clone()));
        assert_eq!(grey.len(), 2 * 3 * 16);
        // L = 50 is sRGB 0.4663 on every channel (Y = 0.1842).
        assert!(grey.iter().all(|v| (v - 0.4663).abs() < 2e-3), "{:?}", &grey[..3]);
        let chroma = Tensor::<4>::full([2, 2, 4, 4], 0.6, &device);
        let config = Pix2PixConfig::lab_colourisation();
        assert_eq!(display_rgb(&config, lightness.clone(), chroma).dims(), [2, 3, 4, 4]);

        let grey_config = Pix2PixConfig { input_channels: 1, output_channels: 1, ..Pix2PixConfig::default() };
        let shown = display_rgb(&grey_config, lightness.clone(), lightness.clone());
        assert_eq!(to_vec(shown), vec![0.5; 2 * 3 * 16]);
        let rgb = Tensor::<4>::full([2, 3, 4, 4], 0.25, &device);
        assert_eq!(to_vec(display_rgb(&Pix2PixConfig::default(), rgb.clone(), rgb)), vec![0.25; 2 * 3 * 16]);
    }
}
