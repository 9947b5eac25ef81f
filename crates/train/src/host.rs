//! Reading device values back to the host, as errors that say what was being read.
//!
//! Every host read of the workspace goes through [`to_host_f32`] (or [`scalar_to_host`]): a read
//! that fails (a device lost, a kernel that failed earlier and reports it at the next sync, a
//! dtype that cannot convert) is an error the caller propagates, never an empty vector or a panic.

use burn::prelude::*;
use burn::tensor::TensorReadError;

/// A value could not be read back from the device.
#[derive(Debug, thiserror::Error)]
#[error("reading {what} back from the device failed: {reason}")]
pub struct DeviceReadError {
    /// What was being read, e.g. "the evaluator's features".
    pub what: String,
    pub reason: TensorReadError,
}

/// The values of `tensor` on the host as `f32`, row-major; `what` names them in the error.
pub fn to_host_f32<const D: usize>(tensor: Tensor<D>, what: &str) -> Result<Vec<f32>, DeviceReadError> {
    tensor.try_into_vec_as::<f32>().map_err(|reason| DeviceReadError { what: what.to_string(), reason })
}

/// The value of a one-element tensor on the host; `what` names it in the error.
pub fn scalar_to_host<const D: usize>(tensor: Tensor<D>, what: &str) -> Result<f32, DeviceReadError> {
    tensor.try_into_scalar::<f32>().map_err(|reason| DeviceReadError { what: what.to_string(), reason })
}
