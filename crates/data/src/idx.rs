//! A validating reader (and writer) for the IDX format of MNIST and Fashion-MNIST.
//!
//! An IDX file is a tiny header followed by raw bytes:
//!
//! ```text
//! offset  size  meaning
//!      0     4  magic number: 0x00 0x00, a type code (0x08 = unsigned byte), the number of dimensions
//!      4   4·n  the n dimension sizes, big-endian u32
//!  4+4·n     …  the payload: product-of-sizes bytes, row-major
//! ```
//!
//! Image files have magic `0x00000803` (count, rows, cols), label files `0x00000801` (count).
//!
//! The reader trusts nothing: it checks the magic number, that every size is non-zero and
//! sane, and that the payload has *exactly* the length the header promises — before it
//! allocates anything, so a forged header cannot make it reserve gigabytes. Gzipped files
//! (starting with `1f 8b`) are inflated transparently, up to [`MAX_FILE_BYTES`].
//!
//! Checking that labels are valid class indices is *not* part of IDX; [`crate::dataset`]
//! does it.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::error::DataError;

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// The largest image side we accept.
pub const MAX_SIDE: u64 = 4096;
/// The largest number of examples we accept in one file.
pub const MAX_COUNT: u64 = 10_000_000;
/// The largest file (or inflated gzip stream) we accept: 1 GiB.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A set of equally sized grayscale images, stored one after the other, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSet {
    pub rows: usize,
    pub cols: usize,
    /// `len() * rows * cols` bytes, 0 = black, 255 = white.
    pub pixels: Vec<u8>,
}

impl ImageSet {
    /// Number of pixels in one image.
    pub fn image_size(&self) -> usize {
        self.rows * self.cols
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        match self.image_size() {
            0 => 0,
            size => self.pixels.len() / size,
        }
    }

    /// True when the set holds no image.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pixels of image `i`, row-major.
    ///
    /// # Panics
    /// If `i >= self.len()`, like slice indexing.
    pub fn image(&self, i: usize) -> &[u8] {
        let size = self.image_size();
        &self.pixels[i * size..(i + 1) * size]
    }
}

/// Which of the two IDX layouts we expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdxKind {
    Images,
    Labels,
}

impl IdxKind {
    fn magic(self) -> u32 {
        match self {
            IdxKind::Images => IMAGES_MAGIC,
            IdxKind::Labels => LABELS_MAGIC,
        }
    }

    fn dimensions(self) -> usize {
        (self.magic() & 0xff) as usize
    }

    fn description(self) -> &'static str {
        match self {
            IdxKind::Images => "an IDX image file",
            IdxKind::Labels => "an IDX label file",
        }
    }

    /// Name and upper bound of each dimension, in header order.
    fn dimension_limits(self) -> &'static [(&'static str, u64)] {
        match self {
            IdxKind::Images => &[("count", MAX_COUNT), ("rows", MAX_SIDE), ("cols", MAX_SIDE)],
            IdxKind::Labels => &[("count", MAX_COUNT)],
        }
    }
}

/// Parses an IDX image file (raw or gzipped). `file` names it in error messages.
pub fn parse_idx_images(bytes: &[u8], file: &str) -> Result<ImageSet, DataError> {
    let bytes = gunzip_if_needed(bytes, file)?;
    let (sizes, payload) = split_checked(&bytes, file, IdxKind::Images)?;
    Ok(ImageSet { rows: sizes[1], cols: sizes[2], pixels: payload.to_vec() })
}

/// Parses an IDX label file (raw or gzipped). `file` names it in error messages.
pub fn parse_idx_labels(bytes: &[u8], file: &str) -> Result<Vec<u8>, DataError> {
    let bytes = gunzip_if_needed(bytes, file)?;
    let (_, payload) = split_checked(&bytes, file, IdxKind::Labels)?;
    Ok(payload.to_vec())
}

/// Reads and parses an IDX image file, gunzipping it if needed.
pub fn read_idx_images(path: &Path) -> Result<ImageSet, DataError> {
    parse_idx_images(&read_bounded(path)?, &path.display().to_string())
}

/// Reads and parses an IDX label file, gunzipping it if needed.
pub fn read_idx_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    parse_idx_labels(&read_bounded(path)?, &path.display().to_string())
}

/// Encodes images as a raw (not gzipped) IDX file.
pub fn encode_idx_images(set: &ImageSet) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + set.pixels.len());
    for word in [IMAGES_MAGIC, set.len() as u32, set.rows as u32, set.cols as u32] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&set.pixels);
    out
}

/// Encodes labels as a raw (not gzipped) IDX file.
pub fn encode_idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + labels.len());
    for word in [LABELS_MAGIC, labels.len() as u32] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(labels);
    out
}

/// Inflates `bytes` if they start with the gzip magic, refusing to grow beyond
/// [`MAX_FILE_BYTES`]; returns them untouched otherwise.
pub fn gunzip_if_needed<'a>(bytes: &'a [u8], file: &str) -> Result<Cow<'a, [u8]>, DataError> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut inflated)
        .map_err(|source| DataError::Gzip { file: file.to_string(), source })?;
    if inflated.len() as u64 > MAX_FILE_BYTES {
        return Err(DataError::TooLarge { file: file.to_string(), limit: MAX_FILE_BYTES });
    }
    Ok(Cow::Owned(inflated))
}

/// Reads a whole file, refusing files larger than [`MAX_FILE_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, DataError> {
    let length = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?.len();
    if length > MAX_FILE_BYTES {
        let file = path.display().to_string();
        return Err(DataError::TooLarge { file, limit: MAX_FILE_BYTES });
    }
    std::fs::read(path).map_err(|e| DataError::io(path, e))
}

/// Checks the header of `bytes` and returns the dimension sizes and the payload.
///
/// Nothing is allocated here: the payload is a slice of `bytes`, and its length is
/// compared with the header's promise using checked arithmetic.
fn split_checked<'a>(bytes: &'a [u8], file: &str, kind: IdxKind) -> Result<(Vec<usize>, &'a [u8]), DataError> {
    let header_len = 4 + 4 * kind.dimensions();
    let short = || DataError::ShortHeader { file: file.to_string(), found: bytes.len(), needed: header_len };
    let word = |i: usize| -> Option<u32> {
        let chunk = bytes.get(4 * i..4 * i + 4)?;
        Some(u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
    };

    let magic = word(0).ok_or_else(short)?;
    check_magic(magic, file, kind)?;

    let mut sizes = Vec::with_capacity(kind.dimensions());
    let mut promised: u64 = 1;
    for (i, &(what, max)) in kind.dimension_limits().iter().enumerate() {
        let value = u64::from(word(1 + i).ok_or_else(short)?);
        if value == 0 || value > max {
            return Err(DataError::BadSize { file: file.to_string(), what, value, max });
        }
        promised = promised
            .checked_mul(value)
            .ok_or_else(|| DataError::TooLarge { file: file.to_string(), limit: MAX_FILE_BYTES })?;
        sizes.push(value as usize);
    }

    let payload = &bytes[header_len..];
    let found = payload.len() as u64;
    if found < promised {
        return Err(DataError::Truncated { file: file.to_string(), expected: promised, found });
    }
    if found > promised {
        return Err(DataError::TrailingBytes { file: file.to_string(), expected: promised, found });
    }
    Ok((sizes, payload))
}

/// Accepts exactly the magic number of `kind`; tells a wrong type apart from a wrong
/// number of dimensions (the usual mistake: a label file passed as images).
fn check_magic(found: u32, file: &str, kind: IdxKind) -> Result<(), DataError> {
    let expected = kind.magic();
    if found == expected {
        return Ok(());
    }
    let file = file.to_string();
    let kind = kind.description();
    if found & !0xff == expected & !0xff {
        Err(DataError::WrongDimensions { file, found, expected, kind })
    } else {
        Err(DataError::BadMagic { file, found, expected, kind })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A 3-image set of 2×3 pixels with distinct values.
    pub(crate) fn toy_images() -> ImageSet {
        ImageSet { rows: 2, cols: 3, pixels: (0..18).map(|v| v * 10).collect() }
    }

    pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn header(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    #[test]
    fn image_set_accessors() {
        let set = toy_images();
        assert_eq!(set.len(), 3);
        assert_eq!(set.image(1), &[60, 70, 80, 90, 100, 110]);
    }

    #[test]
    fn images_round_trip() {
        let set = toy_images();
        let bytes = encode_idx_images(&set);
        assert_eq!(&bytes[..16], &header(&[0x803, 3, 2, 3])[..]);
        assert_eq!(parse_idx_images(&bytes, "toy").unwrap(), set);
    }

    #[test]
    fn labels_round_trip() {
        let labels = vec![3, 1, 4, 1, 5];
        let bytes = encode_idx_labels(&labels);
        assert_eq!(&bytes[..8], &header(&[0x801, 5])[..]);
        assert_eq!(parse_idx_labels(&bytes, "toy").unwrap(), labels);
    }

    #[test]
    fn gzip_round_trip() {
        let set = toy_images();
        let packed = gzip(&encode_idx_images(&set));
        assert_eq!(&packed[..2], &GZIP_MAGIC);
        assert_eq!(parse_idx_images(&packed, "toy.gz").unwrap(), set);
        let labels = vec![9, 0, 2];
        assert_eq!(parse_idx_labels(&gzip(&encode_idx_labels(&labels)), "l.gz").unwrap(), labels);
    }

    #[test]
    fn label_file_as_images_is_a_bad_magic() {
        let err = parse_idx_images(&encode_idx_labels(&[1, 2]), "/x/labels").unwrap_err();
        assert!(matches!(err, DataError::WrongDimensions { found: 0x801, .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with("/x/labels: bad magic number 0x00000801 (expected 0x00000803, an IDX image file)"),
            "{message}"
        );
    }

    #[test]
    fn wrong_magic_is_an_error() {
        let mut bytes = encode_idx_images(&toy_images());
        bytes[2] = 0x0d; // type code of f32, not u8
        let err = parse_idx_images(&bytes, "f").unwrap_err();
        assert!(matches!(err, DataError::BadMagic { found: 0x0d03, .. }), "{err:?}");
        let err = parse_idx_labels(b"PNG\x89 and more", "f").unwrap_err();
        assert!(matches!(err, DataError::BadMagic { .. }), "{err:?}");
    }

    #[test]
    fn wrong_number_of_dimensions_is_an_error() {
        let mut bytes = header(&[0x802, 3, 6]);
        bytes.extend_from_slice(&[0; 18]);
        let err = parse_idx_images(&bytes, "f").unwrap_err();
        assert!(matches!(err, DataError::WrongDimensions { found: 0x802, .. }), "{err:?}");
        assert!(err.to_string().contains("declares 2 dimension(s)"), "{err}");
    }

    #[test]
    fn truncated_payload_says_expected_and_found() {
        let bytes = encode_idx_images(&toy_images());
        let err = parse_idx_images(&bytes[..bytes.len() - 5], "/x/t.gz").unwrap_err();
        assert!(matches!(err, DataError::Truncated { expected: 18, found: 13, .. }), "{err:?}");
        assert_eq!(err.to_string(), "/x/t.gz: truncated IDX payload: header promises 18 bytes, file has 13");
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut bytes = encode_idx_labels(&[1, 2, 3]);
        bytes.push(7);
        let err = parse_idx_labels(&bytes, "l").unwrap_err();
        assert!(matches!(err, DataError::TrailingBytes { expected: 3, found: 4, .. }), "{err:?}");
    }

    #[test]
    fn short_header_is_an_error() {
        let err = parse_idx_images(&header(&[0x803, 1]), "h").unwrap_err();
        assert!(matches!(err, DataError::ShortHeader { found: 8, needed: 16, .. }), "{err:?}");
        let err = parse_idx_labels(&[0, 0], "h").unwrap_err();
        assert!(matches!(err, DataError::ShortHeader { .. }), "{err:?}");
    }

    #[test]
    fn zero_and_huge_sizes_are_errors() {
        let err = parse_idx_images(&header(&[0x803, 1, 0, 28]), "z").unwrap_err();
        assert!(matches!(err, DataError::BadSize { what: "rows", value: 0, .. }), "{err:?}");
        let err = parse_idx_images(&header(&[0x803, 1, 28, 5000]), "z").unwrap_err();
        assert!(matches!(err, DataError::BadSize { what: "cols", value: 5000, .. }), "{err:?}");
        let err = parse_idx_labels(&header(&[0x801, u32::MAX]), "z").unwrap_err();
        assert!(matches!(err, DataError::BadSize { what: "count", .. }), "{err:?}");
    }

    #[test]
    fn huge_header_on_tiny_file_does_not_allocate() {
        // 10 million images of 4096×4096 would be 1.6e14 bytes: the check must fail
        // on the length comparison, long before any allocation.
        let bytes = header(&[0x803, 10_000_000, 4096, 4096]);
        let err = parse_idx_images(&bytes, "forged").unwrap_err();
        assert!(matches!(err, DataError::Truncated { expected: 167_772_160_000_000, found: 0, .. }), "{err:?}");
    }

    #[test]
    fn corrupted_gzip_is_an_error_not_a_panic() {
        let mut packed = gzip(&encode_idx_images(&toy_images()));
        let middle = packed.len() / 2;
        packed[middle] ^= 0xff;
        packed[middle + 1] ^= 0x55;
        let err = parse_idx_images(&packed, "bad.gz").unwrap_err();
        assert!(matches!(err, DataError::Gzip { .. }), "{err:?}");

        let packed = gzip(&encode_idx_images(&toy_images()));
        let err = parse_idx_images(&packed[..packed.len() - 6], "cut.gz").unwrap_err();
        assert!(matches!(err, DataError::Gzip { .. }), "{err:?}");
    }

    #[test]
    fn missing_file_names_the_path() {
        let scratch = tempfile::tempdir().unwrap();
        let path = scratch.path().join("atelier-data-no-such-dir/train-images-idx3-ubyte");
        let err = read_idx_images(&path).unwrap_err();
        assert!(matches!(err, DataError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("atelier-data-no-such-dir/train-images"), "{err}");
    }

    #[test]
    fn reads_raw_and_gzipped_files() {
        let scratch = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let dir = scratch.path();
        let raw = dir.join("images");
        let packed = dir.join("labels.gz");
        std::fs::write(&raw, encode_idx_images(&toy_images())).unwrap();
        std::fs::write(&packed, gzip(&encode_idx_labels(&[1, 2, 3]))).unwrap();
        assert_eq!(read_idx_images(&raw).unwrap(), toy_images());
        assert_eq!(read_idx_labels(&packed).unwrap(), vec![1, 2, 3]);
    }
}
