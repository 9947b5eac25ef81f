//! The one error type of this crate.
//!
//! Every message says *which file* (or folder) is at fault and *what* is wrong
//! with it, so that a student who sees it knows where to look. Nothing in this
//! crate panics on bad data: every check ends up here.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong while finding, reading, checking or writing data.
#[derive(Debug)]
pub enum DataError {
    /// Reading or writing a file failed at the operating-system level.
    Io { path: PathBuf, source: std::io::Error },
    /// A gzip stream could not be inflated (corrupted or cut short).
    Gzip { file: String, source: std::io::Error },
    /// A file (or its inflated content) is larger than we are willing to hold in memory.
    TooLarge { file: String, limit: u64 },
    /// The file is shorter than the fixed IDX header.
    ShortHeader { file: String, found: usize, needed: usize },
    /// The first four bytes are not the magic number of an IDX file of unsigned bytes.
    BadMagic { file: String, found: u32, expected: u32, kind: &'static str },
    /// The magic number is an IDX file of unsigned bytes, but with the wrong number of dimensions.
    WrongDimensions { file: String, found: u32, expected: u32, kind: &'static str },
    /// A size in the header is zero or unreasonably large.
    BadSize { file: String, what: &'static str, value: u64, max: u64 },
    /// The payload is shorter than the header promises.
    Truncated { file: String, expected: u64, found: u64 },
    /// The payload is longer than the header promises.
    TrailingBytes { file: String, expected: u64, found: u64 },
    /// An image file and its label file disagree on the number of examples.
    CountMismatch { images_file: String, images: usize, labels_file: String, labels: usize },
    /// A label is not a valid class index.
    LabelOutOfRange { file: String, label: u8, index: usize, num_classes: usize },
    /// Train and test images do not have the same size.
    ImageSizeMismatch { train: (usize, usize), test: (usize, usize) },
    /// A folder named explicitly (flag or environment variable) is not a dataset folder.
    InvalidDataDir { origin: String, path: PathBuf, problem: String },
    /// No dataset folder was found anywhere on disk.
    NotFound { looked_in: Vec<String> },
    /// A class has fewer examples than a balanced subset asks for.
    TooFewExamples { class: usize, wanted: usize, found: usize },
    /// A downloaded file does not have the published checksum.
    Checksum { path: PathBuf, expected: String, found: String },
    /// An image file could not be decoded (not a PNG/JPEG, or damaged).
    Undecodable { path: PathBuf, reason: String },
    /// A folder that must hold images holds none.
    EmptyFolder { path: PathBuf, expected: String },
    /// A paired set names a file on one side that the other side lacks.
    MissingPartner { name: String, present_in: PathBuf, missing_in: PathBuf },
    /// A grey image where colour is required.
    NotColour { path: PathBuf },
    /// Anything else wrong with one item, named.
    Invalid { what: String, reason: String },
}

/// The advice printed whenever no usable data folder is found.
pub const INSTALL_HINT: &str = "install Debian's dataset-fashion-mnist, \
     run `cargo xtask data fetch fashion-mnist`, or pass --data-dir";

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DataError::*;
        match self {
            Io { path, source } => write!(f, "{}: {source}", path.display()),
            Gzip { file, source } => write!(f, "{file}: corrupted gzip stream: {source}"),
            TooLarge { file, limit } => {
                write!(f, "{file}: larger than the {limit}-byte limit for a dataset file")
            }
            ShortHeader { file, found, needed } => {
                write!(f, "{file}: too short for an IDX header: {found} bytes, need at least {needed}")
            }
            BadMagic { file, found, expected, kind } => {
                write!(f, "{file}: bad magic number 0x{found:08x} (expected 0x{expected:08x}, {kind})")
            }
            WrongDimensions { file, found, expected, kind } => write!(
                f,
                "{file}: bad magic number 0x{found:08x} (expected 0x{expected:08x}, {kind}): \
                 it declares {} dimension(s), {kind} has {}",
                found & 0xff,
                expected & 0xff
            ),
            BadSize { file, what, value, max } => {
                write!(f, "{file}: IDX header gives {what} = {value}, expected 1..={max}")
            }
            Truncated { file, expected, found } => {
                write!(f, "{file}: truncated IDX payload: header promises {expected} bytes, file has {found}")
            }
            TrailingBytes { file, expected, found } => write!(
                f,
                "{file}: {} trailing bytes after the IDX payload: header promises {expected} bytes, \
                 file has {found}",
                found - expected
            ),
            CountMismatch { images_file, images, labels_file, labels } => write!(
                f,
                "image/label count mismatch: {images_file} has {images} images, \
                 {labels_file} has {labels} labels"
            ),
            LabelOutOfRange { file, label, index, num_classes } => {
                write!(f, "{file}: label {label} out of range 0..{num_classes} at index {index}")
            }
            ImageSizeMismatch { train, test } => write!(
                f,
                "image size mismatch: train images are {}x{}, test images are {}x{}",
                train.0, train.1, test.0, test.1
            ),
            InvalidDataDir { origin, path, problem } => write!(
                f,
                "{origin} {}: {problem} (a dataset folder holds train-images-idx3-ubyte, \
                 train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, \
                 each raw or .gz)",
                path.display()
            ),
            NotFound { looked_in } => {
                write!(f, "no dataset found: looked in {} ({INSTALL_HINT})", looked_in.join(", "))
            }
            TooFewExamples { class, wanted, found } => {
                write!(f, "class {class} has only {found} examples, the subset asks for {wanted}")
            }
            Checksum { path, expected, found } => {
                write!(f, "{}: md5 checksum mismatch: expected {expected}, found {found}", path.display())
            }
            Undecodable { path, reason } => write!(f, "{}: not a readable PNG or JPEG image: {reason}", path.display()),
            EmptyFolder { path, expected } => write!(f, "{}: no images found (expected {expected})", path.display()),
            MissingPartner { name, present_in, missing_in } => write!(
                f,
                "{name} is in {} but not in {}: a paired set needs the same file names on both sides",
                present_in.display(),
                missing_in.display()
            ),
            NotColour { path } => write!(
                f,
                "{}: a grey image where colour is required (convert it, or use a task that takes grey input)",
                path.display()
            ),
            Invalid { what, reason } => write!(f, "{what}: {reason}"),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Io { source, .. } | DataError::Gzip { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl DataError {
    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io { path: path.into(), source }
    }
}
