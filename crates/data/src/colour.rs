//! Colour images from files: PNG and JPEG, decoded, checked and brought to one size.
//!
//! Every colour lecture eats the same thing: 8-bit RGB at a fixed square size. On the way in,
//!
//! - **transparency is composited on white** (`c = α·c + (1 − α)·255`): emoji and icons are RGBA
//!   with transparent backgrounds, and "transparent black" would otherwise become black;
//! - **the size is made the model's** with a triangle (bilinear) filter; a non-square image is
//!   stretched, which the caller can avoid by cropping first;
//! - a **grey** image (one channel, or three equal channels everywhere) is refused where colour
//!   is required ([`GreyPolicy::Refuse`]) or converted to three equal channels ([`GreyPolicy::Convert`]).
//!
//! Errors name the file ([`DataError::Undecodable`], [`DataError::NotColour`]).

use std::path::Path;

use image::imageops::FilterType;
use image::{DynamicImage, RgbImage, RgbaImage};

use crate::error::DataError;

/// Extensions read as images (lower case).
pub const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// What to do with a grey image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GreyPolicy {
    /// A grey image is an error: the task needs colour.
    Refuse,
    /// A grey image becomes three equal channels.
    Convert,
}

/// An 8-bit RGB image, row-major, 3 bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColourImage {
    pub width: usize,
    pub height: usize,
    /// `[height, width, 3]` bytes.
    pub pixels: Vec<u8>,
}

impl ColourImage {
    /// Planar floats `[3, h, w]` in `[0, 1]` (the layout of tensors).
    pub fn to_planar_unit(&self) -> Vec<f32> {
        let plane = self.width * self.height;
        let mut out = vec![0.0; 3 * plane];
        for (i, rgb) in self.pixels.chunks_exact(3).enumerate() {
            for c in 0..3 {
                out[c * plane + i] = f32::from(rgb[c]) / 255.0;
            }
        }
        out
    }

    /// From planar floats `[3, h, w]` in `[0, 1]` (clamped, rounded).
    pub fn from_planar_unit(planar: &[f32], width: usize, height: usize) -> Self {
        let plane = width * height;
        let mut pixels = vec![0u8; 3 * plane];
        for i in 0..plane {
            for c in 0..3 {
                pixels[3 * i + c] = (planar[c * plane + i].clamp(0.0, 1.0) * 255.0).round() as u8;
            }
        }
        Self { width, height, pixels }
    }

    /// True when every pixel has three equal channels.
    pub fn is_grey(&self) -> bool {
        self.pixels.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2])
    }

    /// Left half and right half (the side-by-side pairs of Isola et al.'s datasets: A on the left, B on the right).
    pub fn split_halves(&self) -> (ColourImage, ColourImage) {
        let half = self.width / 2;
        let crop = |x0: usize| {
            let mut pixels = Vec::with_capacity(half * self.height * 3);
            for y in 0..self.height {
                let start = (y * self.width + x0) * 3;
                pixels.extend_from_slice(&self.pixels[start..start + half * 3]);
            }
            ColourImage { width: half, height: self.height, pixels }
        };
        (crop(0), crop(half))
    }

    /// This image at `size × size` (triangle filter); unchanged when already that size.
    pub fn resized(self, size: usize) -> ColourImage {
        self.resized_to(size, size)
    }

    /// This image at `width × height` (triangle filter); unchanged when already that size.
    pub fn resized_to(self, width: usize, height: usize) -> ColourImage {
        if self.width == width && self.height == height {
            return self;
        }
        let buffer = RgbImage::from_raw(self.width as u32, self.height as u32, self.pixels)
            .expect("a ColourImage holds width·height·3 bytes");
        let resized = image::imageops::resize(&buffer, width as u32, height as u32, FilterType::Triangle);
        ColourImage { width, height, pixels: resized.into_raw() }
    }
}

/// Planar float images `[c, h, w]` resized to `[c, to_height, to_width]` plane by plane (triangle
/// filter, no rounding: for model outputs such as predicted colour planes).
pub fn resize_planes(planes: &[f32], width: usize, height: usize, to_width: usize, to_height: usize) -> Vec<f32> {
    let plane = width * height;
    assert!(
        plane > 0 && planes.len() % plane == 0,
        "resize_planes: {} values are not planes of {width}×{height}",
        planes.len()
    );
    if (width, height) == (to_width, to_height) {
        return planes.to_vec();
    }
    let mut out = Vec::with_capacity(planes.len() / plane * to_width * to_height);
    for one in planes.chunks_exact(plane) {
        let buffer =
            image::ImageBuffer::<image::Luma<f32>, Vec<f32>>::from_raw(width as u32, height as u32, one.to_vec())
                .expect("width·height values per plane");
        let resized = image::imageops::resize(&buffer, to_width as u32, to_height as u32, FilterType::Triangle);
        out.extend(resized.into_raw());
    }
    out
}

/// `α`-composites RGBA pixels on white: `c' = round(c·α/255 + 255·(1 − α/255))`.
pub fn composite_on_white(rgba: &RgbaImage) -> ColourImage {
    let (width, height) = (rgba.width() as usize, rgba.height() as usize);
    let mut pixels = Vec::with_capacity(width * height * 3);
    for p in rgba.pixels() {
        let alpha = f32::from(p[3]) / 255.0;
        for c in 0..3 {
            let value = f32::from(p[c]) * alpha + 255.0 * (1.0 - alpha);
            pixels.push(value.round().clamp(0.0, 255.0) as u8);
        }
    }
    ColourImage { width, height, pixels }
}

/// Decodes PNG or JPEG bytes (`name` is only for messages).
pub fn decode(bytes: &[u8], name: &Path, grey: GreyPolicy) -> Result<ColourImage, DataError> {
    let undecodable = |reason: String| DataError::Undecodable { path: name.to_path_buf(), reason };
    let format = image::guess_format(bytes).map_err(|e| undecodable(e.to_string()))?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(undecodable(format!("{format:?} files are not read (PNG or JPEG)")));
    }
    let decoded = image::load_from_memory_with_format(bytes, format).map_err(|e| undecodable(e.to_string()))?;
    let single_channel = matches!(decoded, DynamicImage::ImageLuma8(_) | DynamicImage::ImageLuma16(_))
        || matches!(decoded, DynamicImage::ImageLumaA8(_) | DynamicImage::ImageLumaA16(_));
    let image = composite_on_white(&decoded.to_rgba8());
    if grey == GreyPolicy::Refuse && (single_channel || image.is_grey()) {
        return Err(DataError::NotColour { path: name.to_path_buf() });
    }
    Ok(image)
}

/// Reads and decodes one image file.
pub fn read_image(path: &Path, grey: GreyPolicy) -> Result<ColourImage, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    decode(&bytes, path, grey)
}

/// True for a file name with an image extension ([`IMAGE_EXTENSIONS`], any case).
pub fn is_image_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The image files directly in `dir`, sorted by name (hidden files skipped).
pub fn image_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, DataError> {
    let entries = std::fs::read_dir(dir).map_err(|e| DataError::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| DataError::io(dir, e))?.path();
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if path.is_file() && !hidden && is_image_file(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// [`image_files`] of a dataset folder, where each image is known by its name without the
/// extension (its partner, its mask): two files that share one (`x.png`, `x.jpg`) are refused by
/// name rather than both used.
pub fn dataset_image_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, DataError> {
    let files = image_files(dir)?;
    let mut seen: std::collections::BTreeMap<std::ffi::OsString, &std::path::PathBuf> = Default::default();
    for file in &files {
        if let Some(earlier) = seen.insert(file.file_stem().unwrap_or_default().to_os_string(), file) {
            return Err(DataError::Invalid {
                what: dir.display().to_string(),
                reason: format!(
                    "{} and {} share the name {}; keep one of them",
                    earlier.file_name().unwrap_or_default().to_string_lossy(),
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    file.file_stem().unwrap_or_default().to_string_lossy()
                ),
            });
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dataset_folder_refuses_two_images_of_one_name_and_keeps_dotted_names_whole() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["scan.001.png", "scan.png", "notes.txt"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let files = dataset_image_files(dir.path()).unwrap();
        assert_eq!(files.len(), 2, "scan.001 and scan are two names");
        std::fs::write(dir.path().join("scan.jpg"), b"").unwrap();
        let err = dataset_image_files(dir.path()).unwrap_err().to_string();
        assert!(err.contains("scan.jpg and scan.png share the name scan"), "{err}");
    }

    #[test]
    fn planes_resize_one_by_one_and_keep_constants() {
        // Two 2×2 planes: a constant 0.25 and a left-dark / right-bright split.
        let planes = [0.25, 0.25, 0.25, 0.25, 0.0, 1.0, 0.0, 1.0];
        let big = resize_planes(&planes, 2, 2, 4, 6);
        assert_eq!(big.len(), 2 * 24);
        assert!(big[..24].iter().all(|v| (v - 0.25).abs() < 1e-6), "a constant plane stays constant");
        let split = &big[24..];
        for row in split.chunks_exact(4) {
            assert!(row[0] < 0.5 && row[3] > 0.5 && row[0] <= row[1] && row[2] <= row[3], "{row:?}");
        }
        assert_eq!(resize_planes(&planes, 2, 2, 2, 2), planes.to_vec());
        let image = ColourImage { width: 2, height: 1, pixels: vec![0, 0, 0, 255, 255, 255] };
        let wide = image.resized_to(4, 3);
        assert_eq!((wide.width, wide.height, wide.pixels.len()), (4, 3, 36));
    }

    fn png(image: &DynamicImage) -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn transparent_pixels_become_white_and_half_alpha_blends() {
        let mut rgba = RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([255, 0, 0, 128]));
        let image = decode(&png(&DynamicImage::ImageRgba8(rgba)), Path::new("x.png"), GreyPolicy::Convert).unwrap();
        // α = 128/255: red 255, green/blue 255·(1 − 0.502) = 127.
        assert_eq!(image.pixels, vec![255, 255, 255, 255, 127, 127]);
    }

    #[test]
    fn grey_is_refused_or_converted_and_garbage_is_named() {
        let grey = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(3, 3, image::Luma([90])));
        let err = decode(&png(&grey), Path::new("g.png"), GreyPolicy::Refuse).unwrap_err().to_string();
        assert!(err.contains("g.png") && err.contains("grey"), "{err}");
        let converted = decode(&png(&grey), Path::new("g.png"), GreyPolicy::Convert).unwrap();
        assert_eq!(converted.pixels, vec![90; 27]);
        let err = decode(b"not an image at all", Path::new("bad.png"), GreyPolicy::Convert).unwrap_err().to_string();
        assert!(err.contains("bad.png") && err.contains("not a readable"), "{err}");
        let mut cut = png(&grey);
        cut.truncate(cut.len() / 2);
        assert!(decode(&cut, Path::new("cut.png"), GreyPolicy::Convert).unwrap_err().to_string().contains("cut.png"));
    }

    #[test]
    fn jpeg_decodes() {
        let rgb = DynamicImage::ImageRgb8(RgbImage::from_pixel(8, 8, image::Rgb([200, 40, 10])));
        let mut bytes = std::io::Cursor::new(Vec::new());
        rgb.write_to(&mut bytes, image::ImageFormat::Jpeg).unwrap();
        let image = decode(&bytes.into_inner(), Path::new("a.jpg"), GreyPolicy::Refuse).unwrap();
        assert_eq!((image.width, image.height), (8, 8));
        assert!(image.pixels[0].abs_diff(200) < 8 && image.pixels[1].abs_diff(40) < 8, "{:?}", &image.pixels[..3]);
    }

    #[test]
    fn planar_round_trip_halves_and_resize() {
        let image = ColourImage { width: 4, height: 1, pixels: (0..12).map(|v| v * 20).collect() };
        let planar = image.to_planar_unit();
        assert_eq!(planar[0], 0.0); // R of pixel 0
        assert_eq!(planar[4], 20.0 / 255.0); // G of pixel 0
        assert_eq!(ColourImage::from_planar_unit(&planar, 4, 1), image);
        let (left, right) = image.split_halves();
        assert_eq!(left.pixels, (0..6).map(|v| v * 20).collect::<Vec<u8>>());
        assert_eq!(right.pixels, (6..12).map(|v| v * 20).collect::<Vec<u8>>());
        let flat = ColourImage { width: 8, height: 8, pixels: vec![77; 192] }.resized(4);
        assert_eq!((flat.width, flat.height, flat.pixels), (4, 4, vec![77; 48]));
    }
}
