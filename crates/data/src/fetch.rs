//! The canonical files of MNIST and Fashion-MNIST, and their checksums.
//!
//! This crate does no networking: `cargo xtask data fetch` downloads the files (with
//! curl) into `./data/<name>` and checks them with [`verify_md5`] against the table here.
//!
//! The sums are those of the published `.gz` files. Debian's `dataset-fashion-mnist`
//! ships differently compressed files, so its `.gz` files have other sums.

use std::io::Read;
use std::path::Path;

use crate::error::DataError;

/// A dataset we know how to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownDataset {
    Mnist,
    FashionMnist,
}

impl KnownDataset {
    /// Every known dataset.
    pub const ALL: [KnownDataset; 2] = [KnownDataset::Mnist, KnownDataset::FashionMnist];

    /// The command-line name, also the folder name under `./data`: "mnist", "fashion-mnist".
    pub fn name(&self) -> &'static str {
        match self {
            KnownDataset::Mnist => "mnist",
            KnownDataset::FashionMnist => "fashion-mnist",
        }
    }

    /// Parses a command-line name (see [`KnownDataset::name`]).
    pub fn from_name(name: &str) -> Option<KnownDataset> {
        KnownDataset::ALL.into_iter().find(|known| known.name() == name)
    }

    /// The four files as `(file name, url, md5 of the .gz file)`, in standard order. Over https
    /// (Fashion-MNIST from its own repository; its S3 website serves plain http only); MD5 is the
    /// checksum both datasets publish.
    pub fn files(&self) -> [(&'static str, &'static str, &'static str); 4] {
        match self {
            KnownDataset::FashionMnist => [
                (
                    "train-images-idx3-ubyte.gz",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/train-images-idx3-ubyte.gz",
                    "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                ),
                (
                    "train-labels-idx1-ubyte.gz",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/train-labels-idx1-ubyte.gz",
                    "25c81989df183df01b3e8a0aad5dffbe",
                ),
                (
                    "t10k-images-idx3-ubyte.gz",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/t10k-images-idx3-ubyte.gz",
                    "bef4ecab320f06d8554ea6380940ec79",
                ),
                (
                    "t10k-labels-idx1-ubyte.gz",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/t10k-labels-idx1-ubyte.gz",
                    "bb300cfdad3c16e7a12a480ee83cd310",
                ),
            ],
            KnownDataset::Mnist => [
                (
                    "train-images-idx3-ubyte.gz",
                    "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
                    "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                ),
                (
                    "train-labels-idx1-ubyte.gz",
                    "https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz",
                    "d53e105ee54ea40749a09fcbcd1e9432",
                ),
                (
                    "t10k-images-idx3-ubyte.gz",
                    "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz",
                    "9fb629c4189551a2d022fa330f9573f3",
                ),
                (
                    "t10k-labels-idx1-ubyte.gz",
                    "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz",
                    "ec29112dd5afa0611ce80d1b7f02629c",
                ),
            ],
        }
    }
}

/// The md5 of a file's bytes, as 32 lowercase hex digits.
pub fn md5_of_file(path: &Path) -> Result<String, DataError> {
    let mut context = md5::Context::new();
    read_in_pieces(path, |piece| context.consume(piece))?;
    Ok(format!("{:x}", context.compute()))
}

/// Feeds a file to `take` in 64 KiB pieces (a download is never read whole into memory).
fn read_in_pieces(path: &Path, mut take: impl FnMut(&[u8])) -> Result<(), DataError> {
    let mut file = std::fs::File::open(path).map_err(|e| DataError::io(path, e))?;
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(|e| DataError::io(path, e))?;
        if n == 0 {
            return Ok(());
        }
        take(&buffer[..n]);
    }
}

/// The SHA-512 of a file's bytes, as 128 lowercase hex digits (npm's `integrity`, decoded).
pub fn sha512_of_file(path: &Path) -> Result<String, DataError> {
    let mut hasher = crate::sha512::Sha512::default();
    read_in_pieces(path, |piece| hasher.update(piece))?;
    Ok(hasher.hex())
}

/// Checks that the file at `path` has the SHA-512 `expected` (hex, any case).
pub fn verify_sha512(path: &Path, expected: &str) -> Result<(), DataError> {
    same_digest(path, expected, sha512_of_file(path)?)
}

/// Checks that the file at `path` has the md5 `expected` (hex, any case).
pub fn verify_md5(path: &Path, expected: &str) -> Result<(), DataError> {
    same_digest(path, expected, md5_of_file(path)?)
}

fn same_digest(path: &Path, expected: &str, found: String) -> Result<(), DataError> {
    if found.eq_ignore_ascii_case(expected.trim()) {
        Ok(())
    } else {
        Err(DataError::Checksum { path: path.to_path_buf(), expected: expected.to_string(), found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha512_of_a_known_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        // FIPS 180-2, appendix C.1: SHA-512("abc").
        let abc = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                   2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
        assert_eq!(sha512_of_file(&path).unwrap(), abc);
        assert!(verify_sha512(&path, &abc.to_uppercase()).is_ok());
        assert!(verify_sha512(&path, &"0".repeat(128)).is_err());
    }
    use crate::source::STANDARD_FILES;
    use crate::source::tests::unique_temp_dir;

    #[test]
    fn tables_follow_the_standard_names() {
        for known in KnownDataset::ALL {
            assert_eq!(KnownDataset::from_name(known.name()), Some(known));
            for ((name, url, md5), standard) in known.files().iter().zip(STANDARD_FILES) {
                assert_eq!(*name, format!("{standard}.gz"));
                assert!(url.ends_with(name), "{url}");
                assert_eq!(md5.len(), 32);
                assert!(md5.chars().all(|c| c.is_ascii_hexdigit()));
            }
        }
        assert_eq!(KnownDataset::from_name("cifar"), None);
    }

    #[test]
    fn verify_md5_accepts_the_right_sum_and_rejects_others() {
        let dir = unique_temp_dir("md5");
        let path = dir.join("abc");
        std::fs::write(&path, b"abc").unwrap();
        verify_md5(&path, "900150983cd24fb0d6963f7d28e17f72").unwrap();
        verify_md5(&path, "900150983CD24FB0D6963F7D28E17F72").unwrap();
        let err = verify_md5(&path, "00000000000000000000000000000000").unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
        assert!(err.to_string().contains("found 900150983cd24fb0d6963f7d28e17f72"), "{err}");
        let err = verify_md5(&dir.join("missing"), "x").unwrap_err();
        assert!(matches!(err, DataError::Io { .. }), "{err:?}");
    }
}
