//! # atelier-data: the images the lectures learn from
//!
//! The formats and where they come from: Fashion-MNIST's IDX files (or MNIST digits if you point
//! it there), the colour emoji sets, image folders (class folders, paired A/B sets, unpaired
//! `trainA/ trainB/` sets, images with masks); their discovery and provenance, colour decoding,
//! degradations and augmentation. This crate finds the data, reads it, checks it, and hands it out
//! as floats or bytes. It is plain Rust, with no tensor library, and serves every lecture alike:
//! the data a single lecture generates from these (scenes, identities, unpaired halves) lives in
//! that lecture's crate.
//!
//! ## Where the data comes from ([`source`])
//!
//! First match wins:
//!
//! 1. `--data-dir <folder>` (an error if the folder is not a dataset, never a fallback);
//! 2. `$ATELIER_DATA` (the same);
//! 3. `./data/fashion-mnist`, filled by `cargo xtask data fetch fashion-mnist`;
//! 4. `/usr/share/datasets/fashion-mnist`, from Debian's `dataset-fashion-mnist`;
//! 5. the embedded mini set (which `--data-dir embedded` also names).
//!
//! ## What a run records ([`record`])
//!
//! A run's `config.json` records its data: the folder's absolute path or "embedded", and each
//! file's name, size and MD5. A resumed or repeated run refuses data that differs.
//!
//! A dataset folder holds the four standard files `train-images-idx3-ubyte`,
//! `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each
//! raw or gzipped (`.gz`).
//!
//! ## The embedded set ([`embedded`])
//!
//! 2000 training and 500 test images — the first 200 and 50 of each class — of
//! Fashion-MNIST are compiled into the crate from `assets/fashion-mnist-mini`, so every
//! lecture runs with no download. [`subset`] wrote them, reproducibly.
//!
//! ## What is checked ([`idx`], [`dataset`])
//!
//! The IDX reader checks the magic number, that the sizes are non-zero and sane, and
//! that the payload has exactly the promised length, before allocating anything; gzip
//! streams are inflated with a size limit. Loading then checks one label per image,
//! labels below 10, and the same image size for train and test. Every failure is a
//! [`DataError`] naming the file and the problem; nothing panics on bad data.
//!
//! ## Also here
//!
//! [`fetch`] lists the canonical download URLs and checksums, and [`augment`] holds the
//! augmentations of the lecture on data augmentation. [`scenes`] composites garments into
//! 64×64 Fashion-MNIST scenes with a label for every pixel, for the segmentation lecture.
//!
//! ```no_run
//! let data = atelier_data::load(None)?;
//! println!("{} train images from {}", data.train.len(), data.source);
//! let batch = data.train.batch_pixels(&[0, 1, 2]); // 3 × 784 floats in [0, 1]
//! # Ok::<(), atelier_data::DataError>(())
//! ```

pub mod augment;
pub mod colour;
pub mod dataset;
pub mod degrade;
pub mod edges;
pub mod embedded;
pub mod emoji;
pub mod emoji_mini;
pub mod error;
pub mod fetch;
pub mod folders;
pub mod idx;
pub mod lab;
pub mod masks;
pub mod pairs;
pub mod record;
pub mod sha512;

pub mod source;
pub mod subset;
pub mod translation;

pub use augment::{AugmentConfig, Clip};
pub use dataset::{Dataset, FASHION_MNIST_CLASSES, MNIST_CLASSES, NUM_CLASSES, Split, load, load_from, to_unit_floats};
pub use error::DataError;
pub use fetch::{KnownDataset, verify_md5};
pub use idx::{
    ImageSet, encode_idx_images, encode_idx_labels, parse_idx_images, parse_idx_labels, read_idx_images,
    read_idx_labels,
};
pub use masks::MaskedImages;
pub use pairs::{PairSet, StyledImages};
pub use record::{DataMismatch, DataRecord, FileRecord, check_same_data};

pub use source::{DataSource, locate, locate_on_disk, locate_with};
pub use subset::{SubsetSummary, class_balanced_indices, write_subset};
