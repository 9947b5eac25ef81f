//! The mini Fashion-MNIST compiled into the crate.
//!
//! `assets/fashion-mnist-mini` holds 200 training and 50 test images per class
//! (2000 / 500 in all), the first ones of each class in the original files, written by
//! `cargo xtask data subset` (see its `README.md` and `LICENSE-fashion-mnist.txt`).
//! The files are compiled in with `include_bytes!`, so every lecture runs out of the
//! box, from any working directory, with no download.

/// How the embedded set shows up in logs.
pub const DESCRIPTION: &str = "embedded mini Fashion-MNIST (assets/fashion-mnist-mini, 2000 train / 500 test)";

/// Where the embedded files live, relative to the workspace root.
pub const ASSET_DIR: &str = "assets/fashion-mnist-mini";

/// Number of training images in the embedded set.
pub const TRAIN_LEN: usize = 2000;
/// Number of test images in the embedded set.
pub const TEST_LEN: usize = 500;

/// One gzipped IDX file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// The standard file name, with `.gz`.
    pub name: &'static str,
    /// The gzipped bytes.
    pub bytes: &'static [u8],
}

macro_rules! embedded_file {
    ($name:literal) => {
        EmbeddedFile {
            name: $name,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/fashion-mnist-mini/", $name)),
        }
    };
}

pub const TRAIN_IMAGES: EmbeddedFile = embedded_file!("train-images-idx3-ubyte.gz");
pub const TRAIN_LABELS: EmbeddedFile = embedded_file!("train-labels-idx1-ubyte.gz");
pub const TEST_IMAGES: EmbeddedFile = embedded_file!("t10k-images-idx3-ubyte.gz");
pub const TEST_LABELS: EmbeddedFile = embedded_file!("t10k-labels-idx1-ubyte.gz");
