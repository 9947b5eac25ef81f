//! Where a convolution's kernel lands: stride, zero padding (per side) and dilation, per axis.

/// The placement of a 2-D convolution's kernel over its input, per axis `[height, width]`.
///
/// Output side: `out = (in + pad_before + pad_after − dilation·(k − 1) − 1) / stride + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    pub stride: [usize; 2],
    /// Zero padding before (top, left) and after (bottom, right) the input, per axis.
    pub padding: [[usize; 2]; 2],
    pub dilation: [usize; 2],
}

impl ConvGeometry {
    /// The same padding on both sides of each axis.
    pub fn symmetric(stride: [usize; 2], padding: [usize; 2], dilation: [usize; 2]) -> Self {
        Self { stride, padding: [[padding[0], padding[0]], [padding[1], padding[1]]], dilation }
    }

    /// Output side on `axis` for an input side `size` and a kernel side `k`, or `None` when the
    /// dilated kernel does not fit in the padded input.
    pub fn out_size(&self, axis: usize, size: usize, k: usize) -> Option<usize> {
        let padded = size + self.padding[axis][0] + self.padding[axis][1];
        let reach = self.dilation[axis] * (k - 1) + 1;
        (padded >= reach && k > 0).then(|| (padded - reach) / self.stride[axis] + 1)
    }
}

/// The placement of a transposed convolution: the convolution it is the adjoint of (the same
/// stride, symmetric padding and dilation), and the extra rows/columns `padding_out` that pick
/// one of the `stride` input sizes that convolution maps to the same output.
///
/// Output side: `out = (in − 1)·stride − 2·padding + dilation·(k − 1) + padding_out + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvTransposeGeometry {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub padding_out: [usize; 2],
    pub dilation: [usize; 2],
}

impl ConvTransposeGeometry {
    /// Output side on `axis` for an input side `size` and a kernel side `k`, or `None` when the
    /// padding removes more than the kernel adds.
    pub fn out_size(&self, axis: usize, size: usize, k: usize) -> Option<usize> {
        let grown = (size - 1) * self.stride[axis] + self.dilation[axis] * (k - 1) + self.padding_out[axis] + 1;
        grown.checked_sub(2 * self.padding[axis]).filter(|&out| out > 0)
    }

    /// The convolution whose input gradient this transposed convolution computes.
    pub fn adjoint(&self) -> ConvGeometry {
        ConvGeometry::symmetric(self.stride, self.padding, self.dilation)
    }
}
