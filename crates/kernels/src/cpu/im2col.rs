//! The two re-layouts a convolution is made of, on plain `f32` slices.
//!
//! `im2col` copies every receptive field of an image `x [n, c, h, w]` into one column of a
//! matrix, `cols [c·kh·kw, n·ho·wo]` (row `(ch, u, v)`, column `(image, i, j)`):
//!
//! `cols[(ch·kh + u)·kw + v, (image·ho + i)·wo + j] = x[image, ch, i·sh + u·dh − pt, j·sw + v·dw − pl]`
//!
//! (zero outside the image). A convolution is then one matrix product with the kernel flattened
//! to `[c_out, c·kh·kw]`, over the whole batch at once. `col2im` is its adjoint: it adds every
//! column back onto the receptive field it came from — the input gradient of a convolution, and
//! the forward pass of a transposed one.

use rayon::prelude::*;

use crate::geometry::ConvGeometry;

/// An image batch's shape `[n, c, h, w]` and the grid of kernel placements over it.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub image: [usize; 4],
    pub kernel: [usize; 2],
    /// Kernel placements per axis: the convolution's output `[ho, wo]`.
    pub grid: [usize; 2],
    pub geometry: ConvGeometry,
}

impl Placement {
    /// Rows of the column matrix: `c·kh·kw`.
    pub fn rows(&self) -> usize {
        self.image[1] * self.kernel[0] * self.kernel[1]
    }

    /// Columns of the column matrix: `n·ho·wo`.
    pub fn columns(&self) -> usize {
        self.image[0] * self.grid[0] * self.grid[1]
    }

    /// For kernel offset `offset` on `axis`: the image coordinate of grid position `index`, if it
    /// falls inside the image.
    fn source(&self, axis: usize, index: usize, offset: usize) -> Option<usize> {
        let at = self.start(axis, index, offset);
        let size = self.image[2 + axis] as isize;
        (0..size).contains(&at).then_some(at as usize)
    }

    /// The (possibly negative) image coordinate of grid position `index` for kernel offset `offset`.
    fn start(&self, axis: usize, index: usize, offset: usize) -> isize {
        (index * self.geometry.stride[axis] + offset * self.geometry.dilation[axis]) as isize
            - self.geometry.padding[axis][0] as isize
    }

    /// For kernel column offset `v`: the grid columns `j` whose image column falls inside the
    /// image, and the image column of the first of them.
    fn columns_inside(&self, v: usize) -> (std::ops::Range<usize>, usize) {
        let stride = self.geometry.stride[1] as isize;
        let first = self.start(1, 0, v); // image column of j = 0
        let width = self.image[3] as isize;
        // j·stride + first ∈ [0, width)  ⇔  j ∈ [ceil(−first / stride), ceil((width − first) / stride)).
        let low = if first >= 0 { 0 } else { (-first + stride - 1) / stride };
        let high = if width - first <= 0 { 0 } else { (width - first + stride - 1) / stride };
        let (low, high) = (low as usize, (high as usize).min(self.grid[1]));
        if low >= high {
            return (0..0, 0);
        }
        (low..high, (low as isize * stride + first) as usize)
    }
}

/// `x [n, c, h, w]` → `cols [c·kh·kw, n·ho·wo]`, rows filled in parallel.
pub fn im2col(x: &[f32], at: &Placement) -> Vec<f32> {
    let [n, c, h, w] = at.image;
    let [kh, kw] = at.kernel;
    let [ho, wo] = at.grid;
    debug_assert_eq!(x.len(), n * c * h * w);
    let mut cols = vec![0.0f32; at.rows() * at.columns()];
    cols.par_chunks_mut(at.columns()).enumerate().for_each(|(row, out)| {
        let (ch, u, v) = (row / (kh * kw), (row / kw) % kh, row % kw);
        let (inside, first) = at.columns_inside(v);
        let stride = at.geometry.stride[1];
        for image in 0..n {
            let plane = &x[(image * c + ch) * h * w..][..h * w];
            for i in 0..ho {
                let Some(y) = at.source(0, i, u) else { continue };
                let line = &plane[y * w..][..w];
                let dst = &mut out[(image * ho + i) * wo..][inside.clone()];
                if stride == 1 {
                    dst.copy_from_slice(&line[first..first + dst.len()]);
                } else {
                    for (value, &source) in dst.iter_mut().zip(line[first..].iter().step_by(stride)) {
                        *value = source;
                    }
                }
            }
        }
    });
    cols
}

/// The adjoint of [`im2col`]: `cols [c·kh·kw, n·ho·wo]` summed back onto `x [n, c, h, w]`
/// (which must hold zeros, or what the sums add to), images in parallel.
pub fn col2im_into(cols: &[f32], at: &Placement, x: &mut [f32]) {
    let [n, c, h, w] = at.image;
    let [kh, kw] = at.kernel;
    let [ho, wo] = at.grid;
    let columns = at.columns();
    debug_assert_eq!(cols.len(), at.rows() * columns);
    debug_assert_eq!(x.len(), n * c * h * w);
    x.par_chunks_mut(c * h * w).enumerate().for_each(|(image, out)| {
        for row in 0..at.rows() {
            let (ch, u, v) = (row / (kh * kw), (row / kw) % kh, row % kw);
            let (inside, first) = at.columns_inside(v);
            let stride = at.geometry.stride[1];
            let plane = &mut out[ch * h * w..][..h * w];
            let source = &cols[row * columns + image * ho * wo..][..ho * wo];
            for i in 0..ho {
                let Some(y) = at.source(0, i, u) else { continue };
                let line = &mut plane[y * w..][..w];
                let values = &source[i * wo..][inside.clone()];
                for (target, value) in line[first..].iter_mut().step_by(stride).zip(values) {
                    *target += value;
                }
            }
        }
    });
}

/// `[n, c, p]` → `[c, n·p]` (the batch moved inside each channel's row), channels in parallel.
pub fn to_channel_rows(x: &[f32], n: usize, c: usize, p: usize) -> Vec<f32> {
    let mut rows = vec![0.0f32; n * c * p];
    rows.par_chunks_mut(n * p).enumerate().for_each(|(ch, row)| {
        for image in 0..n {
            row[image * p..][..p].copy_from_slice(&x[(image * c + ch) * p..][..p]);
        }
    });
    rows
}

/// `[c, n·p]` → `x [n, c, p]`, adding `bias[ch]` to channel `ch` when given; images in parallel.
pub fn from_channel_rows_into(rows: &[f32], n: usize, c: usize, p: usize, bias: Option<&[f32]>, x: &mut [f32]) {
    debug_assert_eq!(x.len(), n * c * p);
    x.par_chunks_mut(c * p).enumerate().for_each(|(image, out)| {
        for ch in 0..c {
            let dst = &mut out[ch * p..][..p];
            dst.copy_from_slice(&rows[ch * n * p + image * p..][..p]);
            if let Some(bias) = bias {
                dst.iter_mut().for_each(|value| *value += bias[ch]);
            }
        }
    });
}

/// Per channel, the sum over the batch and positions of `x [n, c, p]`: the gradient of a bias.
pub fn channel_sums(x: &[f32], n: usize, c: usize, p: usize) -> Vec<f32> {
    super::per_channel(x, [n, c, p], |_, _, v| [v as f64]).iter().map(|[sum]| *sum as f32).collect()
}
