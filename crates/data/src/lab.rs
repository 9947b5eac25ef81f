//! sRGB ↔ CIE L\*a\*b\* (D65), the colour space of the colorization lecture.
//!
//! ```text
//! sRGB c ∈ [0,1] → linear:  c_lin = c / 12.92                    if c ≤ 0.04045
//!                                   ((c + 0.055) / 1.055)^2.4    otherwise
//! linear → XYZ:  [X Y Z]ᵀ = M · [R G B]ᵀ,  M = sRGB's D65 matrix (IEC 61966-2-1)
//! XYZ → Lab:     L = 116 f(Y/Yn) − 16,  a = 500 (f(X/Xn) − f(Y/Yn)),  b = 200 (f(Y/Yn) − f(Z/Zn))
//!                f(t) = t^(1/3) if t > (6/29)³, else t / (3 (6/29)²) + 4/29
//! D65 white:     Xn = 0.95047, Yn = 1, Zn = 1.08883
//! ```
//!
//! L is lightness in `[0, 100]`; a (green ↔ red) and b (blue ↔ yellow) are the chroma, within
//! about ±128 for sRGB colours. Colorization predicts (a, b) from L. The unit encoding used by
//! the models ([`to_unit`], [`from_unit`]) is `L/100`, `(a + 128)/255`, `(b + 128)/255`.

/// D65 reference white.
const WHITE: [f64; 3] = [0.95047, 1.0, 1.08883];
/// Linear sRGB → XYZ.
const RGB_TO_XYZ: [[f64; 3]; 3] =
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]];
/// XYZ → linear sRGB (the inverse of [`RGB_TO_XYZ`]).
const XYZ_TO_RGB: [[f64; 3]; 3] =
    [[3.2404542, -1.5371385, -0.4985314], [-0.9692660, 1.8760108, 0.0415560], [0.0556434, -0.2040259, 1.0572252]];
const DELTA: f64 = 6.0 / 29.0;

fn to_linear(c: f64) -> f64 {
    if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
}

fn from_linear(c: f64) -> f64 {
    if c <= 0.0031308 { 12.92 * c } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 }
}

fn f(t: f64) -> f64 {
    if t > DELTA.powi(3) { t.cbrt() } else { t / (3.0 * DELTA * DELTA) + 4.0 / 29.0 }
}

fn f_inverse(t: f64) -> f64 {
    if t > DELTA { t.powi(3) } else { 3.0 * DELTA * DELTA * (t - 4.0 / 29.0) }
}

fn multiply(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    [0, 1, 2].map(|r| m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2])
}

/// sRGB in `[0, 1]` → `[L, a, b]`.
pub fn srgb_to_lab(rgb: [f64; 3]) -> [f64; 3] {
    let xyz = multiply(&RGB_TO_XYZ, rgb.map(to_linear));
    let [fx, fy, fz] = [0, 1, 2].map(|i| f(xyz[i] / WHITE[i]));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// `[L, a, b]` → sRGB, clamped to `[0, 1]` (Lab colours outside the sRGB gamut are clipped).
pub fn lab_to_srgb([l, a, b]: [f64; 3]) -> [f64; 3] {
    let fy = (l + 16.0) / 116.0;
    let (fx, fz) = (fy + a / 500.0, fy - b / 200.0);
    let xyz = [f_inverse(fx) * WHITE[0], f_inverse(fy) * WHITE[1], f_inverse(fz) * WHITE[2]];
    multiply(&XYZ_TO_RGB, xyz).map(|c| from_linear(c.clamp(0.0, 1.0)).clamp(0.0, 1.0))
}

/// Lab → the models' unit encoding `[L/100, (a+128)/255, (b+128)/255]`.
pub fn to_unit([l, a, b]: [f64; 3]) -> [f32; 3] {
    [(l / 100.0) as f32, ((a + 128.0) / 255.0) as f32, ((b + 128.0) / 255.0) as f32]
}

/// The unit encoding back to Lab.
pub fn from_unit([l, a, b]: [f32; 3]) -> [f64; 3] {
    [f64::from(l) * 100.0, f64::from(a) * 255.0 - 128.0, f64::from(b) * 255.0 - 128.0]
}

/// Chroma `√(a² + b²)`: how colourful a pixel is (0 for greys).
pub fn chroma([_, a, b]: [f64; 3]) -> f64 {
    a.hypot(b)
}

/// A planar RGB image `[3, h, w]` in `[0, 1]` → its planar unit Lab `[3, h, w]`.
pub fn planar_rgb_to_unit_lab(rgb: &[f32]) -> Vec<f32> {
    let plane = rgb.len() / 3;
    let mut out = vec![0.0; rgb.len()];
    for i in 0..plane {
        let lab = srgb_to_lab([0, 1, 2].map(|c| f64::from(rgb[c * plane + i])));
        for (c, v) in to_unit(lab).into_iter().enumerate() {
            out[c * plane + i] = v;
        }
    }
    out
}

/// A planar unit Lab image `[3, h, w]` → planar RGB `[3, h, w]` in `[0, 1]`.
pub fn planar_unit_lab_to_rgb(lab: &[f32]) -> Vec<f32> {
    let plane = lab.len() / 3;
    let mut out = vec![0.0; lab.len()];
    for i in 0..plane {
        let rgb = lab_to_srgb(from_unit([0, 1, 2].map(|c| lab[c * plane + i])));
        for c in 0..3 {
            out[c * plane + i] = rgb[c] as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published values (Bruce Lindbloom's calculator, sRGB, D65, and the CIE 15 formulas; the
    /// same numbers as colormath and scikit-image's `rgb2lab`).
    const REFERENCE: [([f64; 3], [f64; 3]); 6] = [
        ([1.0, 0.0, 0.0], [53.2408, 80.0925, 67.2032]),
        ([0.0, 1.0, 0.0], [87.7347, -86.1827, 83.1793]),
        ([0.0, 0.0, 1.0], [32.2970, 79.1875, -107.8602]),
        ([1.0, 1.0, 1.0], [100.0, 0.0, 0.0]),
        ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
        ([0.5, 0.5, 0.5], [53.3889, 0.0, 0.0]),
    ];

    #[test]
    fn reference_values() {
        for (rgb, lab) in REFERENCE {
            let got = srgb_to_lab(rgb);
            for i in 0..3 {
                assert!((got[i] - lab[i]).abs() < 2e-3, "{rgb:?}: {got:?} vs {lab:?}");
            }
            let back = lab_to_srgb(lab);
            for i in 0..3 {
                assert!((back[i] - rgb[i]).abs() < 1e-4, "{lab:?}: {back:?} vs {rgb:?}");
            }
        }
    }

    #[test]
    fn round_trip_over_the_byte_cube() {
        let mut worst = 0.0f64;
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let rgb = [r, g, b].map(|v| f64::from(v) / 255.0);
                    let back = lab_to_srgb(from_unit(to_unit(srgb_to_lab(rgb))));
                    for i in 0..3 {
                        worst = worst.max((back[i] - rgb[i]).abs());
                    }
                }
            }
        }
        // Through the f32 unit encoding: well under half a byte level.
        assert!(worst < 0.5 / 255.0, "worst round-trip error {worst}");
    }

    #[test]
    fn greys_have_no_chroma() {
        for v in [0.1, 0.4, 0.9] {
            assert!(chroma(srgb_to_lab([v, v, v])) < 1e-3);
        }
        assert!(chroma(srgb_to_lab([1.0, 0.0, 0.0])) > 100.0);
    }
}
