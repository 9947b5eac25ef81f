//! The classical baseline: Heeger & Bergen's pyramid-based texture synthesis (SIGGRAPH 1995).
//!
//! A texture is taken to be its **marginal statistics at several scales**: the histogram of the
//! pixels and of every band of a multi-scale pyramid. Starting from noise,
//!
//! ```text
//!     x ← match(x, s)                                     pixel histogram
//!     repeat K times:
//!         B_0 … B_{L−1}, R = pyramid(x)                    band-pass bands and low-pass residual
//!         B_b ← match(B_b, B_b(s))  for every band; R ← match(R, R(s))
//!         x ← collapse(B_0 … B_{L−1}, R);  x ← match(x, s)
//! ```
//!
//! where `match(a, b)` gives `a` the histogram of `b` while keeping the order of `a`'s values
//! (histogram matching by ranks). The pyramid is a Laplacian pyramid with the 5-tap binomial
//! filter `[1 4 6 4 1]/16` and periodic borders (a texture tiles); the paper uses a steerable
//! pyramid, which also splits each scale by orientation. Colour: each channel separately (the
//! paper: in a PCA basis of the colours); a grey texture is synthesised once and copied.

use atelier_core::Rng;

/// A plane of values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub width: usize,
    pub height: usize,
    pub values: Vec<f32>,
}

/// The binomial filter of the pyramid.
const BINOMIAL: [f32; 5] = [1.0 / 16.0, 4.0 / 16.0, 6.0 / 16.0, 4.0 / 16.0, 1.0 / 16.0];

impl Plane {
    pub fn new(width: usize, height: usize, values: Vec<f32>) -> Self {
        assert_eq!(values.len(), width * height, "a plane's values are width × height");
        Self { width, height, values }
    }

    fn at(&self, x: isize, y: isize) -> f32 {
        let x = x.rem_euclid(self.width as isize) as usize;
        let y = y.rem_euclid(self.height as isize) as usize;
        self.values[y * self.width + x]
    }

    /// The plane blurred by the separable binomial filter (periodic borders), scaled by `gain`.
    fn blur(&self, gain: f32) -> Plane {
        let (w, h) = (self.width, self.height);
        let mut rows = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                rows[y * w + x] = (0..5).map(|k| BINOMIAL[k] * self.at(x as isize + k as isize - 2, y as isize)).sum();
            }
        }
        let rows = Plane::new(w, h, rows);
        let mut out = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                out[y * w + x] =
                    gain * (0..5).map(|k| BINOMIAL[k] * rows.at(x as isize, y as isize + k as isize - 2)).sum::<f32>();
            }
        }
        Plane::new(w, h, out)
    }

    /// Blur, then keep every other sample: `w × h` → `⌈w/2⌉ × ⌈h/2⌉`.
    pub fn reduce(&self) -> Plane {
        let blurred = self.blur(1.0);
        let (w, h) = (self.width.div_ceil(2), self.height.div_ceil(2));
        let values = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| blurred.values[2 * y * self.width + 2 * x])
            .collect();
        Plane::new(w, h, values)
    }

    /// Zeros between the samples up to `width × height`, then blur with gain 4 (the inverse of
    /// [`Plane::reduce`]'s sampling).
    pub fn expand(&self, width: usize, height: usize) -> Plane {
        let mut values = vec![0.0; width * height];
        for y in 0..self.height.min(height.div_ceil(2)) {
            for x in 0..self.width.min(width.div_ceil(2)) {
                values[2 * y * width + 2 * x] = self.values[y * self.width + x];
            }
        }
        Plane::new(width, height, values).blur(4.0)
    }

    fn minus(&self, other: &Plane) -> Plane {
        Plane::new(self.width, self.height, self.values.iter().zip(&other.values).map(|(a, b)| a - b).collect())
    }

    fn plus(&self, other: &Plane) -> Plane {
        Plane::new(self.width, self.height, self.values.iter().zip(&other.values).map(|(a, b)| a + b).collect())
    }
}

/// The Laplacian pyramid of `plane`: `levels` band-pass bands, finest first, then the low-pass
/// residual. `collapse(laplacian_pyramid(p, L)) = p` exactly (up to rounding).
pub fn laplacian_pyramid(plane: &Plane, levels: usize) -> Vec<Plane> {
    let mut bands = Vec::with_capacity(levels + 1);
    let mut current = plane.clone();
    for _ in 0..levels {
        let low = current.reduce();
        let band = current.minus(&low.expand(current.width, current.height));
        bands.push(band);
        current = low;
    }
    bands.push(current);
    bands
}

/// The plane a pyramid came from: expand the residual and add the bands back, coarse to fine.
pub fn collapse(pyramid: &[Plane]) -> Plane {
    let (residual, bands) = pyramid.split_last().expect("a pyramid has a residual");
    bands.iter().rev().fold(residual.clone(), |low, band| band.plus(&low.expand(band.width, band.height)))
}

/// Gives `values` the histogram of `target` by ranks: the `r`-th smallest of `values` becomes the
/// target's quantile at `r / n` (ties keep their order).
pub fn match_histogram(values: &mut [f32], target: &[f32]) {
    if values.is_empty() || target.is_empty() {
        return;
    }
    let mut sorted_target = target.to_vec();
    sorted_target.sort_by(f32::total_cmp);
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let (n, m) = (values.len(), sorted_target.len());
    for (rank, &i) in order.iter().enumerate() {
        // The centre of rank r's share of [0, 1), in the target's sorted values.
        let q = ((2 * rank + 1) * m) / (2 * n);
        values[i] = sorted_target[q.min(m - 1)];
    }
}

/// Pyramid levels for a side of `side` pixels: down to about 8 pixels at the coarsest band.
pub fn levels_for(side: usize) -> usize {
    let mut levels = 0;
    let mut s = side;
    while s >= 16 {
        s = s.div_ceil(2);
        levels += 1;
    }
    levels
}

/// Synthesises one plane with the statistics of `texture` (same size), from noise of `rng`.
pub fn synthesise_plane(texture: &Plane, iterations: usize, rng: &mut Rng) -> Plane {
    let levels = levels_for(texture.width.min(texture.height));
    let target = laplacian_pyramid(texture, levels);
    let mut x = Plane::new(texture.width, texture.height, (0..texture.values.len()).map(|_| rng.next_f32()).collect());
    match_histogram(&mut x.values, &texture.values);
    for _ in 0..iterations {
        let mut pyramid = laplacian_pyramid(&x, levels);
        for (band, target_band) in pyramid.iter_mut().zip(&target) {
            match_histogram(&mut band.values, &target_band.values);
        }
        x = collapse(&pyramid);
        match_histogram(&mut x.values, &texture.values);
    }
    x
}

/// Heeger–Bergen on a planar image `[channels, height, width]` in `[0, 1]`: each channel
/// separately (a grey image, all channels equal, once), `iterations` rounds, noise from `seed`.
pub fn synthesise(
    texture: &[f32],
    channels: usize,
    height: usize,
    width: usize,
    iterations: usize,
    seed: u64,
) -> Vec<f32> {
    let plane = width * height;
    assert_eq!(texture.len(), channels * plane, "a planar image is channels × height × width");
    let mut rng = Rng::new(seed);
    let grey = (1..channels).all(|c| texture[c * plane..(c + 1) * plane] == texture[..plane]);
    let mut out = Vec::with_capacity(texture.len());
    if grey {
        let synthesised = synthesise_plane(&Plane::new(width, height, texture[..plane].to_vec()), iterations, &mut rng);
        for _ in 0..channels {
            out.extend_from_slice(&synthesised.values);
        }
    } else {
        for c in 0..channels {
            let channel = Plane::new(width, height, texture[c * plane..(c + 1) * plane].to_vec());
            out.extend(synthesise_plane(&channel, iterations, &mut rng).values);
        }
    }
    out
}
