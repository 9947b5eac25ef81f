//! Folders of 28×28 grey PNGs, one image per file: what `sample` writes and `eval images` reads.

use std::path::{Path, PathBuf};

/// Side of the images in a PNG folder.
pub const SIDE: u32 = 28;
/// Pixels per image.
pub const PIXELS: usize = (SIDE * SIDE) as usize;

/// Reads up to `limit` PNGs of `dir` (sorted by name) as gray pixels in `[0, 1]`.
///
/// Colour images are converted to gray with the `image` crate's luma weights (documented
/// conversion); 16-bit images are scaled to 8 bits; alpha is dropped. Any other size than 28×28,
/// or a file that does not decode, is an error naming the file.
pub fn read_png_folder(dir: &Path, limit: usize) -> Result<Vec<f32>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
        .collect();
    files.sort();
    files.truncate(limit);
    if files.is_empty() {
        return Err(format!("{}: no .png images to score", dir.display()));
    }
    let mut pixels = Vec::with_capacity(files.len() * (SIDE * SIDE) as usize);
    for file in &files {
        let image = image::ImageReader::open(file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .decode()
            .map_err(|e| format!("{}: not a readable PNG: {e}", file.display()))?;
        if image.width() != SIDE || image.height() != SIDE {
            return Err(format!(
                "{}: {}×{} pixels; the evaluator scores {SIDE}×{SIDE} images",
                file.display(),
                image.width(),
                image.height()
            ));
        }
        pixels.extend(image.to_luma8().as_raw().iter().map(|&v| f32::from(v) / 255.0));
    }
    Ok(pixels)
}

/// Pixels as a PNG stores them: rounded to 8 bits (so scoring generated floats and scoring their
/// PNGs give the same numbers).
pub fn quantize(pixels: &mut [f32]) {
    for v in pixels {
        *v = (v.clamp(0.0, 1.0) * 255.0).round() / 255.0;
    }
}

/// The name of the `index`-th image of a folder: `00000.png`, `00001.png`, …
pub fn file_name(index: usize) -> String {
    format!("{index:05}.png")
}

/// One 28×28 image (pixels in `[0, 1]`, clamped; NaN → black) as grey PNG bytes.
pub fn encode_image(pixels: &[f32]) -> Result<Vec<u8>, String> {
    let bytes: Vec<u8> = pixels.iter().map(|&v| crate::canvas::unit_to_byte(v)).collect();
    crate::png::encode(&bytes, SIDE as usize, SIDE as usize, crate::png::Channels::Gray).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_image_reads_back_to_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut pixels: Vec<f32> = (0..PIXELS).map(|i| (i % 256) as f32 / 255.0).collect();
        std::fs::write(dir.path().join(file_name(0)), encode_image(&pixels).unwrap()).unwrap();
        assert_eq!(file_name(12), "00012.png");
        quantize(&mut pixels);
        assert_eq!(read_png_folder(dir.path(), 10).unwrap(), pixels);
    }
}
