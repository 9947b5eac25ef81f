//! Images with a class label for every pixel: what the segmentation lecture trains and scores on.
//!
//! A [`MaskedImages`] holds `n` images of one shape `[channels, height, width]` (bytes, planar) and
//! their masks `[height, width]` (one class index per pixel), with the class names. It is filled
//! by a lecture's generator or read from a user's folder
//! ([`read_mask_folder`]):
//!
//! ```text
//! DIR/images/NAME.png   the pictures (grey or colour; all of one size)
//! DIR/masks/NAME.png    8-bit greyscale PNG index masks, same names, same sizes: pixel = class index
//! DIR/classes.txt       one class name per line, line k names class k (class 0 is usually "background")
//! ```
//!
//! This is the layout a lecture's generated scenes are written in, so they read back.
//! A mask value ≥ the number of classes, a mask whose size differs from its image's, a mask that is
//! not 8-bit greyscale, or an image without its mask is an error naming the file.

use std::path::{Path, PathBuf};

use image::DynamicImage;

use crate::error::DataError;

/// The class-name file of a mask folder.
pub const CLASSES_FILE: &str = "classes.txt";
/// Most classes a mask folder may name (masks are 8-bit).
pub const MAX_CLASSES: usize = 256;

/// Images and their per-pixel class masks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedImages {
    /// `[channels, height, width]` of every image.
    pub image_shape: [usize; 3],
    /// `[n, channels, height, width]` row-major bytes, 0 = black.
    pub images: Vec<u8>,
    /// `[n, height, width]` row-major class indices, each `< class_names.len()`.
    pub masks: Vec<u8>,
    /// Entry `k` names class `k`.
    pub class_names: Vec<String>,
    /// Where each image came from (file stem or scene number), for pictures and messages.
    pub names: Vec<String>,
}

impl MaskedImages {
    /// An empty set of the given shape and classes.
    pub fn empty(image_shape: [usize; 3], class_names: Vec<String>) -> Self {
        Self { image_shape, images: Vec::new(), masks: Vec::new(), class_names, names: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn num_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Pixels of one image plane.
    pub fn pixels_per_image(&self) -> usize {
        self.image_shape[1] * self.image_shape[2]
    }

    /// Image `i`'s bytes. // [channels * height * width]
    pub fn image(&self, i: usize) -> &[u8] {
        let len = self.image_shape.iter().product::<usize>();
        &self.images[i * len..(i + 1) * len]
    }

    /// Mask `i`'s class indices. // [height * width]
    pub fn mask(&self, i: usize) -> &[u8] {
        let len = self.pixels_per_image();
        &self.masks[i * len..(i + 1) * len]
    }

    /// Appends one image (planar bytes of `image_shape`) and its mask.
    pub fn push(&mut self, image: &[u8], mask: &[u8], name: String) {
        debug_assert_eq!(image.len(), self.image_shape.iter().product::<usize>());
        debug_assert_eq!(mask.len(), self.pixels_per_image());
        self.images.extend_from_slice(image);
        self.masks.extend_from_slice(mask);
        self.names.push(name);
    }

    /// The images at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> MaskedImages {
        let mut out = MaskedImages::empty(self.image_shape, self.class_names.clone());
        for &i in indices {
            out.push(self.image(i), self.mask(i), self.names[i].clone());
        }
        out
    }

    /// How many pixels of each class the masks hold. // [num_classes]
    pub fn class_pixel_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.num_classes()];
        for &label in &self.masks {
            counts[usize::from(label)] += 1;
        }
        counts
    }
}

/// The two parts of a mask folder that hold files, in the order they are read.
const IMAGES_DIR: &str = "images";
const MASKS_DIR: &str = "masks";

/// True when `dir` looks like a mask folder (`images/`, `masks/` and `classes.txt`).
pub fn is_mask_folder(dir: &Path) -> bool {
    dir.join(IMAGES_DIR).is_dir() && dir.join(MASKS_DIR).is_dir() && dir.join(CLASSES_FILE).is_file()
}

/// Reads a mask folder (layout in the module docs). Images are kept grey (1 channel) when every
/// one of them is grey, colour (3 channels, transparency over white) otherwise.
pub fn read_mask_folder(dir: &Path) -> Result<MaskedImages, DataError> {
    let class_names = read_class_names(&dir.join(CLASSES_FILE))?;
    let images_dir = dir.join(IMAGES_DIR);
    let masks_dir = dir.join(MASKS_DIR);
    for sub in [&images_dir, &masks_dir] {
        if !sub.is_dir() {
            return Err(DataError::InvalidDataDir {
                origin: "mask folder".into(),
                path: dir.to_path_buf(),
                problem: format!("it has no {} folder (images/, masks/ and classes.txt expected)", sub.display()),
            });
        }
    }
    let files = crate::colour::dataset_image_files(&images_dir)?;
    if files.is_empty() {
        return Err(DataError::EmptyFolder { path: images_dir, expected: "PNG or JPEG images".into() });
    }
    let mut pictures = Vec::with_capacity(files.len());
    for file in &files {
        let image = crate::colour::read_image(file, crate::colour::GreyPolicy::Convert)?;
        let mask_path = mask_path_for(&masks_dir, file)?;
        let mask = read_mask(&mask_path, class_names.len())?;
        if (mask.width, mask.height) != (image.width, image.height) {
            return Err(DataError::Invalid {
                what: mask_path.display().to_string(),
                reason: format!(
                    "the mask is {}×{} but its image {} is {}×{}",
                    mask.width,
                    mask.height,
                    file.display(),
                    image.width,
                    image.height
                ),
            });
        }
        pictures.push((file, image, mask));
    }
    let (first_file, first, _) = &pictures[0];
    let (width, height) = (first.width, first.height);
    if let Some((file, image, _)) = pictures.iter().find(|(_, i, _)| (i.width, i.height) != (width, height)) {
        return Err(DataError::Invalid {
            what: file.display().to_string(),
            reason: format!(
                "it is {}×{} but {} is {width}×{height}: every image of a mask folder has one size",
                image.width,
                image.height,
                first_file.display()
            ),
        });
    }
    let grey = pictures.iter().all(|(_, image, _)| image.is_grey());
    let channels = if grey { 1 } else { 3 };
    let mut set = MaskedImages::empty([channels, height, width], class_names);
    for (file, image, mask) in &pictures {
        let planar: Vec<u8> = if grey {
            image.pixels.chunks_exact(3).map(|p| p[0]).collect()
        } else {
            (0..3).flat_map(|c| image.pixels.chunks_exact(3).map(move |p| p[c])).collect()
        };
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        set.push(&planar, &mask.labels, name);
    }
    Ok(set)
}

/// A decoded index mask.
struct Mask {
    width: usize,
    height: usize,
    labels: Vec<u8>,
}

/// The class names, one per line (blank lines and surrounding spaces ignored); at least two.
pub fn read_class_names(path: &Path) -> Result<Vec<String>, DataError> {
    let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
    let names: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    let invalid = |reason: String| DataError::Invalid { what: path.display().to_string(), reason };
    if names.len() < 2 {
        return Err(invalid(format!("it names {} class(es); a segmentation needs at least 2", names.len())));
    }
    if names.len() > MAX_CLASSES {
        return Err(invalid(format!("it names {} classes; 8-bit masks hold at most {MAX_CLASSES}", names.len())));
    }
    Ok(names)
}

/// The mask of `image`: `masks/<name without its last extension>.png` (`scan.001.jpg` →
/// `masks/scan.001.png`).
fn mask_path_for(masks_dir: &Path, image: &Path) -> Result<PathBuf, DataError> {
    let stem = image.file_stem().unwrap_or_default();
    let mut file = stem.to_os_string();
    file.push(".png");
    let path = masks_dir.join(file);
    if path.is_file() {
        Ok(path)
    } else {
        Err(DataError::MissingPartner {
            name: stem.to_string_lossy().into_owned(),
            present_in: image.parent().unwrap_or(masks_dir).to_path_buf(),
            missing_in: masks_dir.to_path_buf(),
        })
    }
}

/// Reads an 8-bit greyscale PNG index mask whose every value is below `classes`.
fn read_mask(path: &Path, classes: usize) -> Result<Mask, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let undecodable = |reason: String| DataError::Undecodable { path: path.to_path_buf(), reason };
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .map_err(|e| undecodable(format!("not a readable PNG mask: {e}")))?;
    let DynamicImage::ImageLuma8(mask) = decoded else {
        return Err(DataError::Invalid {
            what: path.display().to_string(),
            reason: format!(
                "a mask must be an 8-bit greyscale PNG whose pixels are class indices (this one is {:?})",
                decoded.color()
            ),
        });
    };
    let (width, height) = (mask.width() as usize, mask.height() as usize);
    let labels = mask.into_raw();
    if let Some((at, &value)) = labels.iter().enumerate().find(|&(_, &v)| usize::from(v) >= classes) {
        return Err(DataError::Invalid {
            what: path.display().to_string(),
            reason: format!(
                "pixel (row {}, column {}) is {value}, out of range: {CLASSES_FILE} names {classes} classes (0..{})",
                at / width,
                at % width,
                classes - 1
            ),
        });
    }
    Ok(Mask { width, height, labels })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, RgbImage};

    fn write_folder(dir: &Path, classes: &str) {
        std::fs::create_dir_all(dir.join("images")).unwrap();
        std::fs::create_dir_all(dir.join("masks")).unwrap();
        std::fs::write(dir.join(CLASSES_FILE), classes).unwrap();
    }

    fn grey(width: u32, height: u32, value: impl Fn(u32, u32) -> u8) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| image::Luma([value(x, y)]))
    }

    #[test]
    fn a_folder_reads_back_with_its_classes_shapes_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path(), "background\ncat\n\n dog \n");
        grey(4, 3, |x, _| (x * 60) as u8).save(dir.path().join("images/a.png")).unwrap();
        grey(4, 3, |x, y| ((x + y) % 3) as u8).save(dir.path().join("masks/a.png")).unwrap();
        grey(4, 3, |_, _| 9).save(dir.path().join("images/b.png")).unwrap();
        grey(4, 3, |_, _| 2).save(dir.path().join("masks/b.png")).unwrap();
        let set = read_mask_folder(dir.path()).unwrap();
        assert_eq!(set.class_names, ["background", "cat", "dog"]);
        assert_eq!(set.image_shape, [1, 3, 4]);
        assert_eq!(set.names, ["a", "b"]);
        assert_eq!(set.image(0), [0, 60, 120, 180, 0, 60, 120, 180, 0, 60, 120, 180]);
        assert_eq!(set.mask(0), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
        assert_eq!(set.class_pixel_counts(), [4, 4, 16]);
        assert_eq!(set.select(&[1]).mask(0), [2; 12]);
    }

    #[test]
    fn dotted_names_find_their_own_mask_and_twin_images_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path(), "background\nthing\n");
        grey(2, 1, |_, _| 50).save(dir.path().join("images/scan.001.png")).unwrap();
        grey(2, 1, |_, _| 1).save(dir.path().join("masks/scan.001.png")).unwrap();
        grey(2, 1, |_, _| 90).save(dir.path().join("images/scan.png")).unwrap();
        grey(2, 1, |_, _| 0).save(dir.path().join("masks/scan.png")).unwrap();
        let set = read_mask_folder(dir.path()).unwrap();
        assert_eq!(set.names, ["scan.001", "scan"]);
        assert_eq!(set.mask(0), [1, 1], "scan.001's own mask, not scan's");
        image::RgbImage::from_pixel(2, 1, image::Rgb([1, 2, 3])).save(dir.path().join("images/scan.jpg")).unwrap();
        let err = read_mask_folder(dir.path()).unwrap_err().to_string();
        assert!(err.contains("scan.jpg and scan.png share the name scan"), "{err}");
    }

    #[test]
    fn colour_images_are_planar() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path(), "background\nthing\n");
        RgbImage::from_fn(2, 1, |x, _| image::Rgb([10 + x as u8, 20, 30]))
            .save(dir.path().join("images/c.png"))
            .unwrap();
        grey(2, 1, |_, _| 1).save(dir.path().join("masks/c.png")).unwrap();
        let set = read_mask_folder(dir.path()).unwrap();
        assert_eq!(set.image_shape, [3, 1, 2]);
        assert_eq!(set.image(0), [10, 11, 20, 20, 30, 30]);
    }

    fn refusal(dir: &Path) -> String {
        read_mask_folder(dir).unwrap_err().to_string()
    }

    #[test]
    fn bad_masks_are_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path(), "background\ncat\n");
        grey(4, 4, |_, _| 0).save(dir.path().join("images/a.png")).unwrap();
        grey(4, 4, |x, _| if x == 3 { 2 } else { 0 }).save(dir.path().join("masks/a.png")).unwrap();
        let message = refusal(dir.path());
        assert!(message.contains("masks/a.png") && message.contains("is 2, out of range"), "{message}");

        grey(5, 4, |_, _| 1).save(dir.path().join("masks/a.png")).unwrap();
        let message = refusal(dir.path());
        assert!(message.contains("masks/a.png") && message.contains("5×4") && message.contains("4×4"), "{message}");

        RgbImage::new(4, 4).save(dir.path().join("masks/a.png")).unwrap();
        let message = refusal(dir.path());
        assert!(message.contains("masks/a.png") && message.contains("8-bit greyscale"), "{message}");

        std::fs::remove_file(dir.path().join("masks/a.png")).unwrap();
        let message = refusal(dir.path());
        assert!(message.contains('a') && message.contains("masks"), "{message}");
    }

    #[test]
    fn images_of_different_sizes_and_bad_class_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path(), "background\ncat\n");
        grey(4, 4, |_, _| 0).save(dir.path().join("images/a.png")).unwrap();
        grey(4, 4, |_, _| 0).save(dir.path().join("masks/a.png")).unwrap();
        grey(6, 4, |_, _| 0).save(dir.path().join("images/b.png")).unwrap();
        grey(6, 4, |_, _| 0).save(dir.path().join("masks/b.png")).unwrap();
        let message = refusal(dir.path());
        assert!(message.contains("b.png") && message.contains("one size"), "{message}");

        std::fs::write(dir.path().join(CLASSES_FILE), "only-one\n").unwrap();
        let message = refusal(dir.path());
        assert!(message.contains(CLASSES_FILE) && message.contains("at least 2"), "{message}");

        let empty = tempfile::tempdir().unwrap();
        write_folder(empty.path(), "a\nb\n");
        assert!(refusal(empty.path()).contains("images"));
        assert!(!is_mask_folder(&empty.path().join("nothing")));
        assert!(is_mask_folder(empty.path()));
    }
}
