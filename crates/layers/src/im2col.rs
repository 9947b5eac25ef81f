//! A second formulation of the 2-D convolution, for the speed issue's "layer choices": im2col.
//!
//! The `k × k` shifted (and strided) views of the zero-padded input are stacked on the channel axis,
//! `cols[n, c·k·k, ho·wo]`, and the convolution is one matrix product with the kernel flattened to
//! `[c_out, c·k·k]`:
//!
//! `y[n, o, p] = Σ_{c,u,v} W[o, c, u, v] · x_pad[n, c, s·i + d·u, s·j + d·v] + b[o]`, `p = i·wo + j`.
//!
//! The backward pass is autodiff's: the matrix product's two products and, for the views, a
//! slice-assign each. It computes the numbers Burn's `conv2d` computes (a test checks both on
//! random data); `bench ops` times the two side by side (`…_im2col` rows).

use burn::prelude::*;
use burn::tensor::Slice;
use burn::tensor::ops::PadMode;

/// Stride, zero padding (the same on both sides) and dilation of [`conv2d_im2col`], per axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
}

impl ConvGeometry {
    /// Output side for an input side `size` on `axis`, kernel side `k`.
    fn out_size(&self, axis: usize, size: usize, k: usize) -> usize {
        (size + 2 * self.padding[axis] - self.dilation[axis] * (k - 1) - 1) / self.stride[axis] + 1
    }
}

/// `x [n, c, h, w]` convolved by `weight [c_out, c, k_h, k_w]` (+ `bias [c_out]`):
/// `[n, c_out, ho, wo]`, through one matrix product.
pub fn conv2d_im2col(x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>, geometry: ConvGeometry) -> Tensor<4> {
    let [n, c, h, w] = x.dims();
    let [c_out, c_in, kh, kw] = weight.dims();
    assert_eq!(c, c_in, "conv2d_im2col: the input has {c} channels, the kernel expects {c_in}");
    let (ho, wo) = (geometry.out_size(0, h, kh), geometry.out_size(1, w, kw));
    let [ph, pw] = geometry.padding;
    let padded = if ph + pw > 0 { x.pad((pw, pw, ph, ph), PadMode::Constant(0.0)) } else { x }; // [n, c, h+2ph, w+2pw]
    let [sh, sw] = geometry.stride;
    let [dh, dw] = geometry.dilation;
    let mut views = Vec::with_capacity(kh * kw);
    for u in 0..kh {
        for v in 0..kw {
            let (top, left) = ((u * dh) as isize, (v * dw) as isize);
            let view = padded.clone().slice([
                Slice::new(0, None, 1),
                Slice::new(0, None, 1),
                Slice::new(top, Some(top + ((ho - 1) * sh + 1) as isize), sh as isize),
                Slice::new(left, Some(left + ((wo - 1) * sw + 1) as isize), sw as isize),
            ]); // [n, c, ho, wo]
            views.push(view.reshape([n, c, 1, ho * wo]));
        }
    }
    // Channel-major then kernel position, as the weight flattens: [n, c·kh·kw, ho·wo].
    let cols = Tensor::cat(views, 2).reshape([n, c * kh * kw, ho * wo]);
    let kernel = weight.reshape([1, c_out, c * kh * kw]); // [1, c_out, c·kh·kw]
    let y = kernel.matmul(cols); // [n, c_out, ho·wo]
    let y = match bias {
        Some(b) => y + b.reshape([1, c_out, 1]),
        None => y,
    };
    y.reshape([n, c_out, ho, wo])
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;
    use burn::tensor::module::conv2d;
    use burn::tensor::ops::ConvOptions;

    /// The same numbers as Burn's `conv2d`, forward and both gradients, at the lectures' three
    /// geometries (3×3 same-size, 4×4 stride 2, 3×3 dilation 2).
    #[test]
    fn matches_burns_conv2d_forward_and_gradients() {
        let device = atelier_backend::Backend::Flex.device().unwrap().autodiff();
        for (k, geometry) in [
            (3, ConvGeometry { stride: [1, 1], padding: [1, 1], dilation: [1, 1] }),
            (4, ConvGeometry { stride: [2, 2], padding: [1, 1], dilation: [1, 1] }),
            (3, ConvGeometry { stride: [1, 1], padding: [2, 2], dilation: [2, 2] }),
        ] {
            let x = Tensor::<4>::random([2, 3, 8, 8], Distribution::Normal(0.0, 1.0), &device).require_grad();
            let weight = Tensor::<4>::random([5, 3, k, k], Distribution::Normal(0.0, 1.0), &device).require_grad();
            let bias = Tensor::<1>::random([5], Distribution::Normal(0.0, 1.0), &device).require_grad();
            let ours = conv2d_im2col(x.clone(), weight.clone(), Some(bias.clone()), geometry);
            let options = ConvOptions::new(geometry.stride, geometry.padding, geometry.dilation, 1);
            let burns = conv2d(x.clone(), weight.clone(), Some(bias.clone()), options);
            assert_eq!(ours.dims(), burns.dims(), "k {k}, {geometry:?}");
            let close = |a: Tensor<4>, b: Tensor<4>, what: &str| {
                let gap = (a - b).abs().max().into_scalar::<f32>();
                assert!(gap < 1e-4, "{what}, k {k}, {geometry:?}: largest difference {gap}");
            };
            close(ours.clone(), burns.clone(), "output");
            // A weighted sum, so each output position carries a different upstream gradient.
            let upstream = Tensor::<4>::random(ours.dims(), Distribution::Normal(0.0, 1.0), &device);
            let g_ours = (ours * upstream.clone()).sum().backward();
            let g_burn = (burns * upstream).sum().backward();
            close(x.grad(&g_ours).unwrap(), x.grad(&g_burn).unwrap(), "input gradient");
            close(weight.grad(&g_ours).unwrap(), weight.grad(&g_burn).unwrap(), "weight gradient");
        }
    }
}
