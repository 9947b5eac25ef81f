//! Every PNG the project writes goes through here: encoded in memory, then written atomically
//! ([`crate::atomic::write_atomic`]: a unique temporary, fsync, rename), so a reader or a killed run
//! never sees half an image — canvases, plots, sample folders (`00000.png`, …) alike.

use std::path::Path;

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use crate::atomic::write_atomic;
use crate::canvas::ImageError;

/// How many 8-bit channels each pixel has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels {
    Gray,
    Rgb,
}

impl Channels {
    fn count(self) -> usize {
        match self {
            Channels::Gray => 1,
            Channels::Rgb => 3,
        }
    }

    fn color_type(self) -> image::ExtendedColorType {
        match self {
            Channels::Gray => image::ExtendedColorType::L8,
            Channels::Rgb => image::ExtendedColorType::Rgb8,
        }
    }
}

/// `pixels` (row-major, `channels` bytes per pixel) encoded as PNG bytes.
pub fn encode(pixels: &[u8], width: usize, height: usize, channels: Channels) -> Result<Vec<u8>, image::ImageError> {
    let expected = width.checked_mul(height).and_then(|n| n.checked_mul(channels.count()));
    if expected != Some(pixels.len()) {
        return Err(image::ImageError::Parameter(image::error::ParameterError::from_kind(
            image::error::ParameterErrorKind::Generic(format!(
                "{} bytes do not make a {width}×{height} image of {channels:?} pixels",
                pixels.len()
            )),
        )));
    }
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes).write_image(pixels, dimension(width)?, dimension(height)?, channels.color_type())?;
    Ok(bytes)
}

/// Encodes `pixels` and writes them to `path` atomically.
pub fn save(path: &Path, pixels: &[u8], width: usize, height: usize, channels: Channels) -> Result<(), ImageError> {
    let bytes = encode(pixels, width, height, channels)
        .map_err(|source| ImageError::Encode { path: path.to_path_buf(), source })?;
    write_atomic(path, &bytes).map_err(|source| ImageError::Io { path: path.to_path_buf(), source })
}

/// A grey image from intensities in `[0, 1]` (clamped, NaN → black), written atomically.
pub fn save_gray_unit(path: &Path, values: &[f32], width: usize, height: usize) -> Result<(), ImageError> {
    let bytes: Vec<u8> = values.iter().map(|&v| crate::canvas::unit_to_byte(v)).collect();
    save(path, &bytes, width, height, Channels::Gray)
}

fn dimension(v: usize) -> Result<u32, image::ImageError> {
    u32::try_from(v).map_err(|_| {
        image::ImageError::Limits(image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray_images_round_trip_and_leave_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("00000.png");
        save_gray_unit(&path, &[0.0, 0.5, 1.0, 2.0, -1.0, f32::NAN], 3, 2).unwrap();
        let decoded = image::open(&path).unwrap().to_luma8();
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(decoded.dimensions(), (3, 2));
        assert_eq!(decoded.into_raw(), vec![0, 128, 255, 255, 0, 0]);
        assert_eq!(leftovers, vec![std::ffi::OsString::from("00000.png")], "only the image, no .tmp");
    }

    #[test]
    fn a_wrong_length_is_an_encoding_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atelier-png-never-written.png");
        let err = save(&path, &[0; 5], 2, 2, Channels::Rgb).unwrap_err();
        assert!(matches!(err, ImageError::Encode { .. }), "{err}");
        assert!(err.to_string().contains("atelier-png-never-written.png"), "{err}");
        assert!(!path.exists());
    }
}
