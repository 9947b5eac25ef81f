//! Writing a small, class-balanced, reproducible subset of a dataset.
//!
//! This is how `assets/fashion-mnist-mini` (the embedded set) is made:
//!
//! ```text
//! cargo xtask data subset --from /usr/share/datasets/fashion-mnist \
//!     --train-per-class 200 --test-per-class 50
//! ```
//!
//! The subset keeps the *first* `n` examples of each class, in file order: no random
//! numbers, so the same input always gives the same files. The IDX files are gzipped
//! at level 9 with a fixed header (no timestamp, no file name), so they are
//! byte-for-byte reproducible too. Every file is written to a unique temporary and then
//! renamed, so an interrupted run never leaves a half-written file behind.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::dataset::{Dataset, Split, class_counts};
use crate::error::DataError;
use crate::idx::{ImageSet, encode_idx_images, encode_idx_labels};
use crate::source::STANDARD_FILES;

/// The licence of Fashion-MNIST, shipped next to the subset.
pub const FASHION_MNIST_LICENSE: &str = "\
The MIT License (MIT) Copyright © [2017] Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
";

/// What [`write_subset`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubsetSummary {
    pub out_dir: PathBuf,
    pub train_len: usize,
    pub test_len: usize,
    /// Number of training examples of each class.
    pub train_per_class: Vec<usize>,
    /// Number of test examples of each class.
    pub test_per_class: Vec<usize>,
    /// The four IDX files, in standard order.
    pub files: Vec<SubsetFile>,
}

/// One gzipped IDX file of a subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubsetFile {
    /// File name, with `.gz`.
    pub name: String,
    /// md5 of the uncompressed IDX bytes (header and payload).
    pub md5_uncompressed: String,
    /// Size of the gzipped file.
    pub gz_bytes: usize,
}

/// The first `per_class` indices of each class, in file order, sorted ascending.
///
/// Fails if a label is not below `num_classes` or a class has fewer than `per_class` examples.
pub fn class_balanced_indices(labels: &[u8], per_class: usize, num_classes: usize) -> Result<Vec<usize>, DataError> {
    crate::dataset::check_labels(labels, "labels", num_classes)?;
    let mut taken = vec![0; num_classes];
    let mut indices = Vec::with_capacity(per_class * num_classes);
    for (index, &label) in labels.iter().enumerate() {
        let count = &mut taken[usize::from(label)];
        if *count < per_class {
            *count += 1;
            indices.push(index);
        }
    }
    if let Some((class, &found)) = taken.iter().enumerate().find(|(_, n)| **n < per_class) {
        return Err(DataError::TooFewExamples { class, wanted: per_class, found });
    }
    Ok(indices)
}

/// Writes the class-balanced subset of `full` to `out_dir`: the four gzipped IDX files,
/// `LICENSE-fashion-mnist.txt` and a `README.md` saying how they were made.
pub fn write_subset(
    full: &Dataset,
    train_per_class: usize,
    test_per_class: usize,
    out_dir: &Path,
) -> Result<SubsetSummary, DataError> {
    let num_classes = full.num_classes();
    let train = select(&full.train, class_balanced_indices(&full.train.labels, train_per_class, num_classes)?);
    let test = select(&full.test, class_balanced_indices(&full.test.labels, test_per_class, num_classes)?);

    std::fs::create_dir_all(out_dir).map_err(|e| DataError::io(out_dir, e))?;
    let contents = [
        encode_idx_images(&train.images),
        encode_idx_labels(&train.labels),
        encode_idx_images(&test.images),
        encode_idx_labels(&test.labels),
    ];
    let mut files = Vec::with_capacity(contents.len());
    for (name, raw) in STANDARD_FILES.iter().zip(&contents) {
        let name = format!("{name}.gz");
        let path = out_dir.join(&name);
        let packed = gzip_best(raw).map_err(|e| DataError::io(&path, e))?;
        write_atomically(&path, &packed)?;
        let md5_uncompressed = format!("{:x}", md5::compute(raw));
        files.push(SubsetFile { name, md5_uncompressed, gz_bytes: packed.len() });
    }

    let summary = SubsetSummary {
        out_dir: out_dir.to_path_buf(),
        train_len: train.len(),
        test_len: test.len(),
        train_per_class: class_counts(&train.labels, num_classes),
        test_per_class: class_counts(&test.labels, num_classes),
        files,
    };
    write_atomically(&out_dir.join("LICENSE-fashion-mnist.txt"), FASHION_MNIST_LICENSE.as_bytes())?;
    let readme = readme(full, train_per_class, test_per_class, &summary);
    write_atomically(&out_dir.join("README.md"), readme.as_bytes())?;
    Ok(summary)
}

/// The examples of `split` at `indices`, in that order.
fn select(split: &Split, indices: Vec<usize>) -> Split {
    let mut pixels = Vec::with_capacity(indices.len() * split.images.image_size());
    for &i in &indices {
        pixels.extend_from_slice(split.images.image(i));
    }
    Split {
        images: ImageSet { rows: split.images.rows, cols: split.images.cols, pixels },
        labels: split.batch_labels(&indices),
    }
}

/// Gzip at level 9 with the default header: mtime 0, no file name, so the output
/// depends only on the input.
fn gzip_best(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Writes `path` atomically (a unique temporary, fsync, rename).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), DataError> {
    atelier_core::atomic::write_atomic(path, bytes).map_err(|e| DataError::io(path, e))
}

/// The README of a subset folder. Deterministic: no dates, no absolute output path.
fn readme(full: &Dataset, train_per_class: usize, test_per_class: usize, summary: &SubsetSummary) -> String {
    let mut text = String::new();
    let from = full.source.dir().map_or_else(|| full.source.to_string(), |d| d.display().to_string());
    // Writing to a String cannot fail.
    let _ = writeln!(text, "# A class-balanced subset of Fashion-MNIST\n");
    let _ = writeln!(
        text,
        "{} training and {} test images ({}×{} grayscale), the first {train_per_class} training and \
         the first {test_per_class} test images of each class, in the order of the original files.\n",
        summary.train_len,
        summary.test_len,
        full.rows(),
        full.cols()
    );
    let _ = writeln!(text, "Made with\n\n```sh");
    let _ = writeln!(
        text,
        "cargo xtask data subset --from {from} --train-per-class {train_per_class} --test-per-class {test_per_class}"
    );
    let _ = writeln!(
        text,
        "```\n\nSource: {}, {} train / {} test images.\n",
        full.source,
        full.train.len(),
        full.test.len()
    );
    let _ = writeln!(text, "| label | class | train | test |\n|---:|---|---:|---:|");
    for (label, name) in full.class_names.iter().enumerate() {
        let _ = writeln!(
            text,
            "| {label} | {name} | {} | {} |",
            summary.train_per_class[label], summary.test_per_class[label]
        );
    }
    let _ = writeln!(text, "\n| file | md5 of the uncompressed IDX file |\n|---|---|");
    for file in &summary.files {
        let _ = writeln!(text, "| {} | {} |", file.name, file.md5_uncompressed);
    }
    let _ = writeln!(
        text,
        "\nThe files are gzipped IDX, read by `atelier_data::idx`. Fashion-MNIST is © 2017 Zalando SE, \
         MIT licence: see LICENSE-fashion-mnist.txt."
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::load_from;
    use crate::source::DataSource;
    use crate::source::tests::unique_temp_dir;

    #[test]
    fn balanced_indices_take_the_first_of_each_class() {
        let labels = [2, 0, 1, 0, 2, 1, 0, 2, 1];
        assert_eq!(class_balanced_indices(&labels, 2, 3).unwrap(), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(class_balanced_indices(&labels, 1, 3).unwrap(), vec![0, 1, 2]);
        assert_eq!(class_balanced_indices(&labels, 3, 3).unwrap(), (0..9).collect::<Vec<_>>());
        assert_eq!(class_balanced_indices(&[1, 1, 0, 1, 0], 2, 2).unwrap(), vec![0, 1, 2, 4]);
    }

    #[test]
    fn too_few_examples_is_an_error() {
        let err = class_balanced_indices(&[0, 1, 0, 2, 0], 2, 3).unwrap_err();
        assert!(matches!(err, DataError::TooFewExamples { class: 1, wanted: 2, found: 1 }), "{err:?}");
        let err = class_balanced_indices(&[0, 1], 1, 3).unwrap_err();
        assert!(matches!(err, DataError::TooFewExamples { class: 2, found: 0, .. }), "{err:?}");
        let err = class_balanced_indices(&[0, 7], 1, 3).unwrap_err();
        assert!(matches!(err, DataError::LabelOutOfRange { label: 7, .. }), "{err:?}");
    }

    #[test]
    fn a_subset_of_the_embedded_set_round_trips_and_is_reproducible() {
        let full = load_from(DataSource::Embedded).unwrap();
        let first = unique_temp_dir("subset-a");
        let second = unique_temp_dir("subset-b");
        let summary = write_subset(&full, 3, 2, &first).unwrap();
        write_subset(&full, 3, 2, &second).unwrap();

        assert_eq!((summary.train_len, summary.test_len), (30, 20));
        assert_eq!(summary.train_per_class, vec![3; 10]);
        for name in ["LICENSE-fashion-mnist.txt", "README.md", "train-images-idx3-ubyte.gz"] {
            let a = std::fs::read(first.join(name)).unwrap();
            assert_eq!(a, std::fs::read(second.join(name)).unwrap(), "{name} differs between runs");
        }
        let readme = std::fs::read_to_string(first.join("README.md")).unwrap();
        assert!(readme.contains("--train-per-class 3 --test-per-class 2"), "{readme}");
        assert!(readme.contains(&summary.files[0].md5_uncompressed), "{readme}");
        assert!(
            !std::fs::read_dir(&first).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        );

        let small = load_from(DataSource::Flag(first.to_path_buf())).unwrap();
        let indices = class_balanced_indices(&full.train.labels, 3, 10).unwrap();
        assert_eq!(small.train.labels, full.train.batch_labels(&indices));
        assert_eq!(small.train.images.image(4), full.train.images.image(indices[4]));
    }
}
