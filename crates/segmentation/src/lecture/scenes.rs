//! `scenes segmentation`: Fashion-MNIST scenes for the lecture, written as PNGs to look at (and to
//! train on as a mask folder: `train segmentation --data-dir DIR`).
//!
//! `DIR/images/NNNNN.png` are the grey 64×64 scenes, `DIR/masks/NNNNN.png` their 8-bit index masks
//! (label 0 = background, 1 + class where a garment's pixel is above the threshold; see
//! [`crate::scenes`]), `DIR/classes.txt` names label k on line k (counting from 0), and
//! `DIR/preview.png` shows the first 16 scenes as image | mask in
//! [`atelier_core::canvas::label_colour`]'s palette, with its legend.

use std::path::{Path, PathBuf};

use atelier_core::canvas::label_planes;
use atelier_core::grid::{ImageBatch, LabeledRows, Row};
use atelier_core::outputs::{Existing, OutputFolder};
use atelier_core::png::{self, Channels};
use atelier_derive::Params;

use crate::scenes::{self, Garments, Scene, SceneConfig, SceneGenerator, SceneSplit};

/// How many scenes the preview shows (the first ones).
const PREVIEW_SCENES: usize = 16;
/// Scenes per row of the preview (each one an image and its mask).
const PREVIEW_SCENES_PER_ROW: usize = 4;
/// Every preview pixel is a block of this many screen pixels across.
const PREVIEW_SCALE: usize = 2;
/// Side of a colour swatch in the preview's legend, before scaling.
const SWATCH_SIZE: usize = 32;

/// The flags of `scenes segmentation`.
#[derive(Debug, Params)]
pub struct ScenesArgs {
    /// The folder to write images/, masks/, classes.txt and preview.png into.
    #[param(value_name = "DIR", required)]
    pub out: PathBuf,
    /// The split whose garments make the scenes.
    #[param]
    pub split: SceneSplit,
    /// How many scenes to write (scenes 0 to N − 1).
    #[param(value_name = "N")]
    pub count: usize,
    /// The seed the scenes are drawn from.
    #[param(value_name = "S")]
    pub seed: u64,
    /// A garment's pixel is painted and labelled when its intensity in [0, 1] is above this.
    #[param(value_name = "T")]
    pub threshold: f32,
    /// Dataset folder [default: the usual search order].
    #[param(value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Replace files already in --out (without it, a file in the way stops the command before it writes).
    #[param]
    pub force: bool,
}

impl Default for ScenesArgs {
    fn default() -> Self {
        Self {
            out: PathBuf::new(),
            split: SceneSplit::Test,
            count: 100,
            seed: 0,
            threshold: scenes::DEFAULT_THRESHOLD,
            data_dir: None,
            force: false,
        }
    }
}

/// Writes scenes 0..count of a split: images, masks, class names and a preview. Everything is
/// checked (flags, data, config) before the first file is written.
pub fn run(_: &super::SegmentationLecture, request: &ScenesArgs, _: &atelier_lecture::Context) -> Result<(), String> {
    if request.count == 0 {
        return Err("--count must be at least 1".to_string());
    }
    let data = atelier_data::load(request.data_dir.as_deref()).map_err(|e| e.to_string())?;
    let split = request.split;
    let config = SceneConfig { seed: request.seed, threshold: request.threshold, ..SceneConfig::default() };
    let garments = Garments::from_dataset(&data, split).map_err(|e| e.to_string())?;
    let generator = SceneGenerator::new(config, garments).map_err(|e| e.to_string())?;
    let class_names = scenes::scene_class_names(&data.class_names);

    // Every name is checked before the first file is written: --out is not the dataset's folder,
    // and no file is already there (unless --force).
    let out = &request.out;
    let data_dir = data.source.dir().map(Path::to_path_buf);
    let inputs: Vec<(&str, &Path)> = data_dir.iter().map(|d| ("the dataset folder", d.as_path())).collect();
    let folder = OutputFolder::open(out, &inputs, Existing::from_force(request.force))?;
    let mut planned: Vec<(String, PathBuf)> = (0..request.count)
        .flat_map(|index| ["images", "masks"].map(|sub| (format!("{sub}/{index:05}.png"), out.clone())))
        .collect();
    planned.extend(["classes.txt", "preview.png"].map(|name| (name.to_string(), out.clone())));
    let outputs = folder.claim(&planned)?;
    let mut label_pixels = vec![0usize; class_names.len()];
    let mut preview = Vec::new();
    for (index, paths) in (0..request.count).zip(outputs.chunks_exact(2)) {
        let scene = generator.scene(index);
        folder.write(&paths[0], &grey_png(&scene.pixels, scene.size)?)?;
        folder.write(&paths[1], &grey_png(&scene.labels, scene.size)?)?;
        for &label in &scene.labels {
            label_pixels[usize::from(label)] += 1;
        }
        if preview.len() < PREVIEW_SCENES {
            preview.push(scene);
        }
    }
    let [classes_path, preview_path] = [&outputs[outputs.len() - 2], &outputs[outputs.len() - 1]];
    let classes = class_names.iter().map(|name| format!("{name}\n")).collect::<String>();
    folder.write(classes_path, classes.as_bytes())?;
    let title = format!("{} scenes, seed {}: image | mask", split.name(), request.seed);
    folder.write(preview_path, &preview_png(&title, &preview, &class_names)?)?;

    let total: usize = label_pixels.iter().sum();
    let background = 100.0 * label_pixels[usize::from(scenes::BACKGROUND)] as f64 / total as f64;
    println!(
        "wrote {} {} scenes (seed {}, {}) to {}: images/, masks/ (labels 0–{}), classes.txt, preview.png; \
         {background:.1}% of the pixels are background",
        request.count,
        split.name(),
        request.seed,
        data.source,
        out.display(),
        class_names.len() - 1
    );
    Ok(())
}

fn grey_png(bytes: &[u8], size: usize) -> Result<Vec<u8>, String> {
    png::encode(bytes, size, size, Channels::Gray).map_err(|e| e.to_string())
}

/// Rows of [`PREVIEW_SCENES_PER_ROW`] scenes, each as its image then its colour-coded mask, and a
/// legend row of one swatch per label, captioned with its name.
fn preview_png(title: &str, scenes: &[Scene], class_names: &[String]) -> Result<Vec<u8>, String> {
    let size = scenes.first().map_or(0, |scene| scene.size);
    let plane = size * size;
    let row_pixels: Vec<(String, Vec<f32>)> = scenes
        .chunks(PREVIEW_SCENES_PER_ROW)
        .enumerate()
        .map(|(row, chunk)| {
            let first = row * PREVIEW_SCENES_PER_ROW;
            let label = format!("{first}–{}", first + chunk.len() - 1);
            let mut pixels = Vec::with_capacity(chunk.len() * 2 * 3 * plane); // [scenes * 2 * 3 * size * size]
            for scene in chunk {
                let grey = scene.unit_pixels(); // [size * size]
                for _ in 0..3 {
                    pixels.extend_from_slice(&grey);
                }
                pixels.extend(label_planes(&scene.labels));
            }
            (label, pixels)
        })
        .collect();
    let legend: Vec<f32> =
        (0..class_names.len()).flat_map(|label| label_planes(&vec![label as u8; SWATCH_SIZE * SWATCH_SIZE])).collect(); // [classes * 3 * SWATCH_SIZE * SWATCH_SIZE]
    let mut rows: Vec<Row> = row_pixels
        .iter()
        .map(|(label, pixels)| {
            Row::new(label.clone(), ImageBatch::new(pixels, pixels.len() / (3 * plane), 3, size, size))
        })
        .collect();
    let swatches = ImageBatch::new(&legend, class_names.len(), 3, SWATCH_SIZE, SWATCH_SIZE);
    rows.push(Row { label: "labels".to_string(), images: swatches, captions: class_names.to_vec() });
    LabeledRows { title: title.to_string(), rows, marks: Vec::new(), scale: PREVIEW_SCALE }
        .render()?
        .encode_png()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_core::canvas::Rgb;
    use atelier_core::canvas::label_colour;

    #[test]
    fn the_mask_palette_is_black_then_the_class_colours() {
        assert_eq!(label_colour(0), Rgb::BLACK);
        let colours: Vec<Rgb> = (0..=10).map(label_colour).collect();
        assert_eq!(&colours[1..], &atelier_core::canvas::PALETTE);
        assert!(!colours[1..].contains(&Rgb::BLACK), "no class is drawn like the background");
    }

    #[test]
    fn colour_planes_are_planar() {
        let planes = label_planes(&[0, 1]);
        let blue = atelier_core::canvas::PALETTE[0];
        let expected = [0, blue.0, 0, blue.1, 0, blue.2].map(|v: u8| f32::from(v) / 255.0);
        assert_eq!(planes, expected);
    }
}
