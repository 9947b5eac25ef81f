//! Edge maps: the input side of the edges→image pairs.
//!
//! The Sobel operator estimates the gradient of the grey image `I`:
//!
//! ```text
//!        ⎡−1 0 +1⎤            ⎡−1 −2 −1⎤
//!   Gx = ⎢−2 0 +2⎥ ∗ I,  Gy = ⎢ 0  0  0⎥ ∗ I,   |G| = √(Gx² + Gy²)
//!        ⎣−1 0 +1⎦            ⎣+1 +2 +1⎦
//! ```
//!
//! (borders replicated). An edge map is `1` where `|G| ≥ τ` and `0` elsewhere, drawn as dark
//! lines on white (`0` = edge) as Isola et al.'s edges2shoes are. The threshold `τ` is in grey levels of
//! `[0, 1]` images: the largest `|G|` is `4√2 ≈ 5.66` (a black–white step).

/// The grey level of a planar RGB pixel: ITU-R BT.601 luma `0.299 R + 0.587 G + 0.114 B`.
pub fn planar_rgb_to_grey(rgb: &[f32]) -> Vec<f32> {
    let plane = rgb.len() / 3;
    (0..plane).map(|i| 0.299 * rgb[i] + 0.587 * rgb[plane + i] + 0.114 * rgb[2 * plane + i]).collect()
}

/// Sobel gradient magnitude `|G|` of a grey image `[h, w]` (row-major).
pub fn sobel_magnitude(grey: &[f32], height: usize, width: usize) -> Vec<f32> {
    let at = |y: isize, x: isize| {
        let y = y.clamp(0, height as isize - 1) as usize;
        let x = x.clamp(0, width as isize - 1) as usize;
        grey[y * width + x]
    };
    let mut out = vec![0.0; height * width];
    for y in 0..height as isize {
        for x in 0..width as isize {
            let gx = (at(y - 1, x + 1) + 2.0 * at(y, x + 1) + at(y + 1, x + 1))
                - (at(y - 1, x - 1) + 2.0 * at(y, x - 1) + at(y + 1, x - 1));
            let gy = (at(y + 1, x - 1) + 2.0 * at(y + 1, x) + at(y + 1, x + 1))
                - (at(y - 1, x - 1) + 2.0 * at(y - 1, x) + at(y - 1, x + 1));
            out[y as usize * width + x as usize] = gx.hypot(gy);
        }
    }
    out
}

/// The edge map of a grey image: `0` (dark line) where `|G| ≥ threshold`, `1` elsewhere.
pub fn edge_map(grey: &[f32], height: usize, width: usize, threshold: f32) -> Vec<f32> {
    sobel_magnitude(grey, height, width).into_iter().map(|g| if g >= threshold { 0.0 } else { 1.0 }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_image_has_no_edges_and_a_step_has_its_textbook_magnitude() {
        assert!(sobel_magnitude(&[0.3; 25], 5, 5).iter().all(|&g| g == 0.0));
        // A vertical black | white step between columns 1 and 2 of a 3×4 image.
        let step = [0.0, 0.0, 1.0, 1.0].repeat(3);
        let g = sobel_magnitude(&step, 3, 4);
        // Column 1: Gx = (1 + 2 + 1) − 0 = 4; column 0: the replicated border sees no step.
        assert_eq!(&g[4..8], &[0.0, 4.0, 4.0, 0.0]);
        let edges = edge_map(&step, 3, 4, 2.0);
        assert_eq!(&edges[4..8], &[1.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn luma_weights() {
        // Two pixels, planar: pixel 0 pure red, pixel 1 pure green; white is 1.
        let rgb = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let grey = planar_rgb_to_grey(&rgb);
        assert!((grey[0] - 0.299).abs() < 1e-6 && (grey[1] - 0.587).abs() < 1e-6, "{grey:?}");
        assert!((planar_rgb_to_grey(&[1.0, 1.0, 1.0])[0] - 1.0).abs() < 1e-6);
    }
}
