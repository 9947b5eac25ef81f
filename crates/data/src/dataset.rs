//! A loaded dataset: train and test splits, checked, with class names.
//!
//! [`load`] finds the data (see [`crate::source`]) and reads it; [`load_from`] reads a
//! given source. Beyond what the IDX reader checks, loading checks that
//!
//! - each image file and its label file hold the same number of examples,
//! - every label is a class index below [`NUM_CLASSES`],
//! - train and test images have the same size.
//!
//! Pixels stay bytes in memory (a quarter of the size of floats); [`Split::batch_pixels`]
//! turns the images of a batch into floats in `[0, 1]`, the form the networks eat.

use std::path::{Path, PathBuf};

use crate::embedded::{self, EmbeddedFile};
use crate::error::DataError;
use crate::idx::{self, ImageSet};
use crate::source::{self, DataSource};

/// Number of classes in MNIST and Fashion-MNIST.
pub const NUM_CLASSES: usize = 10;

/// The Fashion-MNIST class names, in label order.
pub const FASHION_MNIST_CLASSES: [&str; NUM_CLASSES] =
    ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/// The MNIST class names: the digits.
pub const MNIST_CLASSES: [&str; NUM_CLASSES] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Images and their labels, one label per image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub images: ImageSet,
    pub labels: Vec<u8>,
}

impl Split {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the split holds no example.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The images at `indices`, concatenated row-major, as floats in `[0, 1]`.
    ///
    /// # Panics
    /// If an index is out of range, like slice indexing.
    pub fn batch_pixels(&self, indices: &[usize]) -> Vec<f32> {
        let mut out = Vec::with_capacity(indices.len() * self.images.image_size());
        for &i in indices {
            out.extend(self.images.image(i).iter().map(|&p| unit_float(p)));
        }
        out
    }

    /// The labels at `indices`.
    ///
    /// # Panics
    /// If an index is out of range, like slice indexing.
    pub fn batch_labels(&self, indices: &[usize]) -> Vec<u8> {
        indices.iter().map(|&i| self.labels[i]).collect()
    }
}

/// A whole dataset, ready for the lectures.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Where it was loaded from (shown in logs and run records).
    pub source: DataSource,
    pub train: Split,
    pub test: Split,
    /// One name per class, in label order.
    pub class_names: Vec<String>,
}

impl Dataset {
    /// Number of classes.
    pub fn num_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Image height in pixels (the same for train and test).
    pub fn rows(&self) -> usize {
        self.train.images.rows
    }

    /// Image width in pixels (the same for train and test).
    pub fn cols(&self) -> usize {
        self.train.images.cols
    }
}

/// Byte pixels to floats in `[0, 1]`: `x / 255`.
pub fn to_unit_floats(pixels: &[u8]) -> Vec<f32> {
    pixels.iter().map(|&p| unit_float(p)).collect()
}

fn unit_float(pixel: u8) -> f32 {
    f32::from(pixel) / 255.0
}

/// The class names for a source.
///
/// The rule is deliberately simple: a folder whose path contains "mnist" but not
/// "fashion" (ignoring case) holds MNIST digits; everything else, the embedded set
/// included, is Fashion-MNIST.
pub fn class_names_for(source: &DataSource) -> Vec<String> {
    let path = source.dir().map(|dir| dir.to_string_lossy().to_lowercase()).unwrap_or_default();
    let names = if path.contains("mnist") && !path.contains("fashion") { MNIST_CLASSES } else { FASHION_MNIST_CLASSES };
    names.iter().map(|name| name.to_string()).collect()
}

/// Finds the data (flag, `$ATELIER_DATA`, project folder, Debian, embedded) and loads it.
pub fn load(flag: Option<&Path>) -> Result<Dataset, DataError> {
    load_from(source::locate(flag)?)
}

/// Loads and checks the dataset at `source`.
pub fn load_from(source: DataSource) -> Result<Dataset, DataError> {
    let [train_images, train_labels, test_images, test_labels] = match source.dir() {
        Some(dir) => {
            let files = source::dataset_files(dir, source.origin())?;
            [files.train_images, files.train_labels, files.test_images, files.test_labels].map(IdxInput::File)
        }
        None => [embedded::TRAIN_IMAGES, embedded::TRAIN_LABELS, embedded::TEST_IMAGES, embedded::TEST_LABELS]
            .map(IdxInput::Embedded),
    };
    let train = load_split(&train_images, &train_labels, NUM_CLASSES)?;
    let test = load_split(&test_images, &test_labels, NUM_CLASSES)?;
    let size = |split: &Split| (split.images.rows, split.images.cols);
    if size(&train) != size(&test) {
        return Err(DataError::ImageSizeMismatch { train: size(&train), test: size(&test) });
    }
    let class_names = class_names_for(&source);
    Ok(Dataset { source, train, test, class_names })
}

/// One IDX file to read: on disk, or compiled into the binary.
enum IdxInput {
    File(PathBuf),
    Embedded(EmbeddedFile),
}

impl IdxInput {
    /// The name used in error messages.
    fn name(&self) -> String {
        match self {
            IdxInput::File(path) => path.display().to_string(),
            IdxInput::Embedded(file) => format!("{}/{} (embedded)", embedded::ASSET_DIR, file.name),
        }
    }

    fn images(&self) -> Result<ImageSet, DataError> {
        match self {
            IdxInput::File(path) => idx::read_idx_images(path),
            IdxInput::Embedded(file) => idx::parse_idx_images(file.bytes, &self.name()),
        }
    }

    fn labels(&self) -> Result<Vec<u8>, DataError> {
        match self {
            IdxInput::File(path) => idx::read_idx_labels(path),
            IdxInput::Embedded(file) => idx::parse_idx_labels(file.bytes, &self.name()),
        }
    }
}

/// Reads one split and checks that counts agree and labels are below `num_classes`.
fn load_split(images: &IdxInput, labels: &IdxInput, num_classes: usize) -> Result<Split, DataError> {
    let split = Split { images: images.images()?, labels: labels.labels()? };
    check_split(&split, &images.name(), &labels.name(), num_classes)?;
    Ok(split)
}

/// The checks IDX itself does not make: one label per image, every label a class index.
pub fn check_split(split: &Split, images_file: &str, labels_file: &str, num_classes: usize) -> Result<(), DataError> {
    if split.images.len() != split.labels.len() {
        return Err(DataError::CountMismatch {
            images_file: images_file.to_string(),
            images: split.images.len(),
            labels_file: labels_file.to_string(),
            labels: split.labels.len(),
        });
    }
    check_labels(&split.labels, labels_file, num_classes)
}

/// Checks that every label is below `num_classes`.
pub fn check_labels(labels: &[u8], labels_file: &str, num_classes: usize) -> Result<(), DataError> {
    match labels.iter().position(|&label| usize::from(label) >= num_classes) {
        None => Ok(()),
        Some(index) => {
            Err(DataError::LabelOutOfRange { file: labels_file.to_string(), label: labels[index], index, num_classes })
        }
    }
}

/// Number of examples of each class (labels must be below `num_classes`).
pub fn class_counts(labels: &[u8], num_classes: usize) -> Vec<usize> {
    let mut counts = vec![0; num_classes];
    for &label in labels {
        if let Some(count) = counts.get_mut(usize::from(label)) {
            *count += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idx::tests::{gzip, toy_images};
    use crate::idx::{encode_idx_images, encode_idx_labels};
    use crate::source::STANDARD_FILES;
    use crate::source::tests::{TestDir, unique_temp_dir};

    /// Writes a dataset folder (gzipped) with the given splits.
    fn write_dir(label: &str, train: &Split, test: &Split) -> TestDir {
        let dir = unique_temp_dir(label);
        let contents = [
            encode_idx_images(&train.images),
            encode_idx_labels(&train.labels),
            encode_idx_images(&test.images),
            encode_idx_labels(&test.labels),
        ];
        for (name, bytes) in STANDARD_FILES.iter().zip(contents) {
            std::fs::write(dir.join(format!("{name}.gz")), gzip(&bytes)).unwrap();
        }
        dir
    }

    fn toy_split(labels: &[u8]) -> Split {
        Split { images: toy_images(), labels: labels.to_vec() }
    }

    #[test]
    fn loads_a_folder() {
        let dir = write_dir("load", &toy_split(&[0, 1, 9]), &toy_split(&[2, 2, 2]));
        let data = load_from(DataSource::Flag(dir.to_path_buf())).unwrap();
        assert_eq!(data.train, toy_split(&[0, 1, 9]));
        assert_eq!(data.test.labels, vec![2, 2, 2]);
        assert_eq!(data.class_names[0], "T-shirt/top");
        assert_eq!((data.rows(), data.cols()), (2, 3));
    }

    #[test]
    fn count_mismatch_is_an_error() {
        let dir = write_dir("mismatch", &toy_split(&[0, 1]), &toy_split(&[2, 2, 2]));
        let err = load_from(DataSource::Flag(dir.to_path_buf())).unwrap_err();
        assert!(matches!(err, DataError::CountMismatch { images: 3, labels: 2, .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.starts_with("image/label count mismatch: "), "{message}");
        assert!(message.contains("train-images-idx3-ubyte.gz has 3 images"), "{message}");
        assert!(message.contains("train-labels-idx1-ubyte.gz has 2 labels"), "{message}");
    }

    #[test]
    fn label_out_of_range_is_an_error() {
        let dir = write_dir("range", &toy_split(&[0, 1, 2]), &toy_split(&[2, 12, 2]));
        let err = load_from(DataSource::Flag(dir.to_path_buf())).unwrap_err();
        assert!(matches!(err, DataError::LabelOutOfRange { label: 12, index: 1, .. }), "{err:?}");
        assert!(
            err.to_string().ends_with("t10k-labels-idx1-ubyte.gz: label 12 out of range 0..10 at index 1"),
            "{err}"
        );
    }

    #[test]
    fn train_and_test_image_sizes_must_agree() {
        let mut test = toy_split(&[1, 2]);
        test.images = ImageSet { rows: 3, cols: 2, pixels: vec![0; 12] };
        let dir = write_dir("sizes", &toy_split(&[0, 1, 2]), &test);
        let err = load_from(DataSource::Flag(dir.to_path_buf())).unwrap_err();
        assert!(matches!(err, DataError::ImageSizeMismatch { .. }), "{err:?}");
    }

    #[test]
    fn missing_file_names_the_folder() {
        let dir = unique_temp_dir("missing");
        let err = load_from(DataSource::Flag(dir.to_path_buf())).unwrap_err();
        assert!(err.to_string().contains(&dir.display().to_string()), "{err}");
    }

    #[test]
    fn batches_are_unit_floats_in_order() {
        let split = toy_split(&[4, 5, 6]);
        let pixels = split.batch_pixels(&[2, 0]);
        assert_eq!(pixels.len(), 12);
        assert_eq!(pixels[0], 120.0 / 255.0);
        assert_eq!(pixels[6], 0.0);
        assert_eq!(split.batch_labels(&[2, 0]), vec![6, 4]);
        assert_eq!(to_unit_floats(&[0, 51, 255]), vec![0.0, 0.2, 1.0]);
    }

    #[test]
    fn class_names_follow_the_folder_name() {
        let names = |path: &str| class_names_for(&DataSource::Flag(path.into()))[3].clone();
        assert_eq!(names("/usr/share/datasets/mnist"), "3");
        assert_eq!(names("/data/MNIST"), "3");
        assert_eq!(names("/usr/share/datasets/fashion-mnist"), "Dress");
        assert_eq!(names("/somewhere"), "Dress");
        assert_eq!(class_names_for(&DataSource::Embedded)[3], "Dress");
    }

    #[test]
    fn the_embedded_set_loads() {
        let data = load_from(DataSource::Embedded).unwrap();
        assert_eq!((data.train.len(), data.test.len()), (embedded::TRAIN_LEN, embedded::TEST_LEN));
        assert_eq!((data.rows(), data.cols()), (28, 28));
        assert_eq!(class_counts(&data.train.labels, NUM_CLASSES), vec![200; 10]);
        assert_eq!(class_counts(&data.test.labels, NUM_CLASSES), vec![50; 10]);
        assert_eq!(data.class_names, FASHION_MNIST_CLASSES);
    }

    #[test]
    fn the_full_debian_set_loads_when_installed() {
        let dir = Path::new(source::DEBIAN_DIR);
        if !dir.is_dir() {
            eprintln!("skipped: {} is not installed", dir.display());
            return;
        }
        let data = load_from(DataSource::Debian(dir.to_path_buf())).unwrap();
        assert_eq!((data.train.len(), data.test.len()), (60_000, 10_000));
        assert_eq!((data.rows(), data.cols()), (28, 28));
        assert_eq!(class_counts(&data.train.labels, NUM_CLASSES), vec![6000; 10]);
        assert_eq!(class_counts(&data.test.labels, NUM_CLASSES), vec![1000; 10]);

        // The embedded set is the first 200 / 50 images of each class of this one.
        let mini = load_from(DataSource::Embedded).unwrap();
        let indices = crate::subset::class_balanced_indices(&data.train.labels, 200, 10).unwrap();
        assert_eq!(mini.train.labels, data.train.batch_labels(&indices));
        assert_eq!(mini.train.batch_pixels(&[1999]), data.train.batch_pixels(&indices[1999..]));
        let indices = crate::subset::class_balanced_indices(&data.test.labels, 50, 10).unwrap();
        assert_eq!(mini.test.batch_pixels(&[0, 499]), data.test.batch_pixels(&[indices[0], indices[499]]));
    }
}
