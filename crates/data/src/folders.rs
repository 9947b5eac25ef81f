//! The folder layouts people already have for colour images.
//!
//! - **Image folder** (torchvision's `ImageFolder`): `root/<class>/<image>`; classes are the
//!   sub-folder names in sorted order ([`read_image_folder`]).
//! - **Paired set** (Isola et al.'s layout): a split folder holds either `A/` and `B/` with the same file
//!   names, or single images with A on the left half and B on the right (their `facades`,
//!   `edges2shoes`, …) ([`read_paired_split`]); a dataset has `train/` and `test/` (or `val/`)
//!   split folders ([`read_paired_dataset`]).
//! - **Unpaired set** (Zhu et al.'s layout): `trainA/ trainB/ testA/ testB/` ([`read_unpaired`]).
//!
//! Every image is decoded by [`crate::colour`] (RGBA on white, resized to `size`); an empty
//! folder, a name in `A/` missing from `B/` (or the reverse) and an undecodable file are errors
//! that name the folder or file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::colour::{ColourImage, GreyPolicy, dataset_image_files, read_image};
use crate::error::DataError;

/// One decoded image and the file stem it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedImage {
    pub name: String,
    pub image: ColourImage,
}

/// Images with class labels (an image folder).
#[derive(Debug, Clone)]
pub struct LabelledImages {
    pub images: Vec<NamedImage>,
    /// Index into `class_names`, one per image.
    pub labels: Vec<usize>,
    pub class_names: Vec<String>,
}

/// Paired images: `a[i]` translates to `b[i]`.
#[derive(Debug, Clone)]
pub struct ImagePairs {
    pub a: Vec<NamedImage>,
    pub b: Vec<NamedImage>,
}

/// A paired dataset's two splits.
#[derive(Debug, Clone)]
pub struct PairedDataset {
    pub train: ImagePairs,
    pub test: ImagePairs,
}

/// The four folders of an unpaired set.
#[derive(Debug, Clone)]
pub struct UnpairedDataset {
    pub train_a: Vec<NamedImage>,
    pub train_b: Vec<NamedImage>,
    pub test_a: Vec<NamedImage>,
    pub test_b: Vec<NamedImage>,
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Every image directly in `dir`, decoded at `size`; an empty folder is an error.
pub fn read_images(dir: &Path, size: usize, grey: GreyPolicy) -> Result<Vec<NamedImage>, DataError> {
    let files = dataset_image_files(dir)?;
    if files.is_empty() {
        return Err(DataError::EmptyFolder { path: dir.to_path_buf(), expected: "PNG or JPEG files".into() });
    }
    files.iter().map(|f| Ok(NamedImage { name: stem(f), image: read_image(f, grey)?.resized(size) })).collect()
}

/// `root/<class>/<image>` with classes in sorted folder-name order.
pub fn read_image_folder(root: &Path, size: usize, grey: GreyPolicy) -> Result<LabelledImages, DataError> {
    let mut classes: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(|e| DataError::io(root, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    classes.sort();
    if classes.is_empty() {
        return Err(DataError::EmptyFolder { path: root.to_path_buf(), expected: "one sub-folder per class".into() });
    }
    let mut out = LabelledImages { images: Vec::new(), labels: Vec::new(), class_names: Vec::new() };
    for (label, dir) in classes.iter().enumerate() {
        let images = read_images(dir, size, grey)?;
        out.labels.extend(std::iter::repeat_n(label, images.len()));
        out.images.extend(images);
        out.class_names.push(dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    }
    Ok(out)
}

/// A split folder of pairs: `A/` + `B/` with the same file stems, or side-by-side images.
pub fn read_paired_split(dir: &Path, size: usize, grey: GreyPolicy) -> Result<ImagePairs, DataError> {
    let (dir_a, dir_b) = (dir.join("A"), dir.join("B"));
    if dir_a.is_dir() || dir_b.is_dir() {
        return read_two_folders(&dir_a, &dir_b, size, grey);
    }
    let files = dataset_image_files(dir)?;
    if files.is_empty() {
        return Err(DataError::EmptyFolder {
            path: dir.to_path_buf(),
            expected: "A/ and B/ folders, or images with A and B side by side".into(),
        });
    }
    let mut pairs = ImagePairs { a: Vec::new(), b: Vec::new() };
    for file in &files {
        let both = read_image(file, grey)?;
        if both.width < 2 || both.width != 2 * both.height {
            return Err(DataError::Invalid {
                what: file.display().to_string(),
                reason: format!(
                    "a side-by-side pair must be twice as wide as it is high (A left, B right); this one is {}×{}",
                    both.width, both.height
                ),
            });
        }
        let (a, b) = both.split_halves();
        pairs.a.push(NamedImage { name: stem(file), image: a.resized(size) });
        pairs.b.push(NamedImage { name: stem(file), image: b.resized(size) });
    }
    Ok(pairs)
}

/// `A/x.png` ↔ `B/x.png` (any image extension on either side), in name order.
fn read_two_folders(dir_a: &Path, dir_b: &Path, size: usize, grey: GreyPolicy) -> Result<ImagePairs, DataError> {
    let listing = |dir: &Path| -> Result<Vec<PathBuf>, DataError> {
        if !dir.is_dir() {
            return Err(DataError::EmptyFolder {
                path: dir.to_path_buf(),
                expected: "the other half of the pairs".into(),
            });
        }
        let files = dataset_image_files(dir)?;
        if files.is_empty() {
            return Err(DataError::EmptyFolder { path: dir.to_path_buf(), expected: "PNG or JPEG files".into() });
        }
        Ok(files)
    };
    let (files_a, files_b) = (listing(dir_a)?, listing(dir_b)?);
    let names_b: BTreeSet<String> = files_b.iter().map(|f| stem(f)).collect();
    let names_a: BTreeSet<String> = files_a.iter().map(|f| stem(f)).collect();
    if let Some(name) = names_a.difference(&names_b).next() {
        return Err(missing(name, dir_a, dir_b));
    }
    if let Some(name) = names_b.difference(&names_a).next() {
        return Err(missing(name, dir_b, dir_a));
    }
    let mut pairs = ImagePairs { a: Vec::new(), b: Vec::new() };
    for file_a in &files_a {
        let name = stem(file_a);
        let file_b = files_b.iter().find(|f| stem(f) == name).expect("names checked above");
        pairs.a.push(NamedImage { name: name.clone(), image: read_image(file_a, grey)?.resized(size) });
        pairs.b.push(NamedImage { name, image: read_image(file_b, grey)?.resized(size) });
    }
    Ok(pairs)
}

fn missing(name: &str, present: &Path, absent: &Path) -> DataError {
    DataError::MissingPartner {
        name: name.to_string(),
        present_in: present.to_path_buf(),
        missing_in: absent.to_path_buf(),
    }
}

/// `root/train/` and `root/test/` (or `root/val/` when there is no `test/`), each a paired split.
pub fn read_paired_dataset(root: &Path, size: usize, grey: GreyPolicy) -> Result<PairedDataset, DataError> {
    let train_dir = root.join("train");
    if !train_dir.is_dir() {
        return Err(DataError::EmptyFolder {
            path: root.to_path_buf(),
            expected: "train/ and test/ (or val/) folders of pairs".into(),
        });
    }
    let test_dir = ["test", "val"].iter().map(|s| root.join(s)).find(|p| p.is_dir()).ok_or_else(|| {
        DataError::EmptyFolder { path: root.to_path_buf(), expected: "a test/ (or val/) folder of pairs".into() }
    })?;
    Ok(PairedDataset {
        train: read_paired_split(&train_dir, size, grey)?,
        test: read_paired_split(&test_dir, size, grey)?,
    })
}

/// An unpaired set's `trainA/ trainB/ testA/ testB/`.
pub fn read_unpaired(root: &Path, size: usize, grey: GreyPolicy) -> Result<UnpairedDataset, DataError> {
    let read = |name: &str| read_images(&root.join(name), size, grey);
    for name in ["trainA", "trainB", "testA", "testB"] {
        if !root.join(name).is_dir() {
            return Err(DataError::EmptyFolder {
                path: root.join(name),
                expected: "an unpaired set's four folders trainA/ trainB/ testA/ testB/".into(),
            });
        }
    }
    Ok(UnpairedDataset {
        train_a: read("trainA")?,
        train_b: read("trainB")?,
        test_a: read("testA")?,
        test_b: read("testB")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn write(path: &Path, width: u32, height: u32, colour: [u8; 3]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        RgbImage::from_pixel(width, height, Rgb(colour)).save(path).unwrap();
    }

    #[test]
    fn two_folders_pair_by_name_and_refuse_a_missing_partner() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("A/x.png"), 8, 8, [255, 0, 0]);
        write(&dir.path().join("B/x.jpg"), 16, 16, [0, 0, 255]);
        write(&dir.path().join("A/y.png"), 8, 8, [0, 255, 0]);
        write(&dir.path().join("B/y.png"), 8, 8, [0, 0, 255]);
        let pairs = read_paired_split(dir.path(), 4, GreyPolicy::Refuse).unwrap();
        assert_eq!(pairs.a.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!((pairs.b[0].image.width, pairs.a[1].image.pixels[..3].to_vec()), (4, vec![0, 255, 0]));
        write(&dir.path().join("A/z.png"), 8, 8, [1, 2, 3]);
        let err = read_paired_split(dir.path(), 4, GreyPolicy::Refuse).unwrap_err().to_string();
        assert!(err.starts_with("z is in") && err.contains("/A") && err.contains("/B"), "{err}");
    }

    #[test]
    fn side_by_side_pairs_split_in_halves() {
        let dir = tempfile::tempdir().unwrap();
        let mut both = RgbImage::from_pixel(16, 8, Rgb([255, 0, 0]));
        for x in 8..16 {
            for y in 0..8 {
                both.put_pixel(x, y, Rgb([0, 0, 255]));
            }
        }
        both.save(dir.path().join("p.png")).unwrap();
        let pairs = read_paired_split(dir.path(), 8, GreyPolicy::Refuse).unwrap();
        assert_eq!(pairs.a[0].image.pixels[..3], [255, 0, 0]);
        assert_eq!(pairs.b[0].image.pixels[..3], [0, 0, 255]);
        write(&dir.path().join("q.png"), 8, 8, [9, 9, 1]);
        let err = read_paired_split(dir.path(), 8, GreyPolicy::Refuse).unwrap_err().to_string();
        assert!(err.contains("q.png") && err.contains("twice as wide"), "{err}");
    }

    #[test]
    fn empty_and_missing_folders_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_paired_split(dir.path(), 8, GreyPolicy::Refuse).unwrap_err().to_string();
        assert!(err.contains("no images found"), "{err}");
        std::fs::create_dir_all(dir.path().join("trainA")).unwrap();
        let err = read_unpaired(dir.path(), 8, GreyPolicy::Refuse).unwrap_err().to_string();
        assert!(err.contains("trainA") || err.contains("trainB"), "{err}");
        std::fs::write(dir.path().join("trainA/broken.png"), b"\x89PNG garbage").unwrap();
        for name in ["trainB", "testA", "testB"] {
            write(&dir.path().join(name).join("ok.png"), 4, 4, [10, 20, 30]);
        }
        let err = read_unpaired(dir.path(), 8, GreyPolicy::Refuse).unwrap_err().to_string();
        assert!(err.contains("broken.png"), "{err}");
    }

    #[test]
    fn image_folder_labels_by_sorted_class_folder() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("cat/1.png"), 4, 4, [200, 100, 0]);
        write(&dir.path().join("ant/1.png"), 4, 4, [0, 100, 200]);
        write(&dir.path().join("ant/2.png"), 4, 4, [0, 100, 210]);
        let set = read_image_folder(dir.path(), 4, GreyPolicy::Refuse).unwrap();
        assert_eq!(set.class_names, ["ant", "cat"]);
        assert_eq!(set.labels, [0, 0, 1]);
    }
}
