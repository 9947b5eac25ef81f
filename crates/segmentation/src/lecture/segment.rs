//! `segment --run RUN --in DIR --out DIR`: a user's own images through a trained segmentation run.
//!
//! Each PNG or JPEG of `--in` (any size; transparency over white; turned grey when the run was
//! trained on grey images) goes through the network at its own size, or, when its longer side
//! exceeds `--max-side` (1024 pixels by default), shrunk to that side first and its labels scaled
//! back up (nearest neighbour), so memory stays bounded (a 1024² picture is ~0.3 GB of
//! activations for the default network; a 24-megapixel photo at full size would be ~6 GB). The
//! network pads to a multiple of `2^depth` and crops back. Each image gives, in `--out`, under
//! its own name:
//! `NAME-mask.png` (8-bit greyscale, pixel = class index: the format of a mask folder),
//! `NAME-colour.png` (the classes in the course's label colours) and `NAME-overlay.png` (those
//! colours blended over the image; background pixels show the image). `classes.txt` lists each
//! class with its colour. `--out` may be none of the inputs (`--in`, the run, the run's data
//! folder); every name is checked before the first file is written, and a file already there
//! stops the command unless `--force`.

use std::path::PathBuf;

use atelier_core::canvas::label_colour;
use atelier_core::outputs::{Existing, OutputFolder};
use atelier_core::png::{Channels, encode};
use atelier_data::colour::{GreyPolicy, image_files, read_image};
use atelier_data::edges::planar_rgb_to_grey;
use atelier_derive::Params;
use atelier_lecture::{Context, OpenRun, RunConfig};
use burn::prelude::*;

use crate::{SegmentationConfig, SegmentationTask};

/// The flags of `segment`.
#[derive(Debug, Params)]
pub struct SegmentArgs {
    /// Folder of PNG/JPEG images (any size; grey or colour as the run was trained).
    #[param(flag = "in", value_name = "DIR", required)]
    pub input: PathBuf,
    /// Folder written: NAME-mask.png (class indices), NAME-colour.png (the classes in colour),
    /// NAME-overlay.png (the colours over the image) and classes.txt (each class with its colour).
    #[param(value_name = "DIR", required)]
    pub out: PathBuf,
    /// The longest side the network sees: larger images are shrunk to it and their labels scaled back.
    #[param(value_name = "PIXELS")]
    pub max_side: usize,
    /// Replace files already in --out (without it, a file in the way stops the command before it writes).
    #[param]
    pub force: bool,
}

/// `--max-side`'s default: a 1024² picture through the default network stays well under 1 GB.
pub const DEFAULT_MAX_SIDE: usize = 1024;

impl Default for SegmentArgs {
    fn default() -> Self {
        SegmentArgs { input: PathBuf::new(), out: PathBuf::new(), max_side: DEFAULT_MAX_SIDE, force: false }
    }
}

/// How much of a labelled pixel's overlay colour is the class colour (the rest is the image).
const OVERLAY_OPACITY: f32 = 0.5;

pub fn run(
    _: &super::SegmentationLecture,
    run: &OpenRun<SegmentationConfig>,
    args: &SegmentArgs,
    _: &Context,
) -> Result<(), String> {
    let (config, device) = (&run.config, &run.device);
    let files = image_files(&args.input).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!("{}: no PNG or JPEG images to segment", args.input.display()));
    }
    if args.max_side < 16 {
        return Err(format!("--max-side {}: must be at least 16 pixels", args.max_side));
    }
    // Every output name is checked before anything is computed or written.
    let data_dir = run.recorded.data_dir.clone();
    let mut inputs = vec![("the input folder", args.input.as_path()), ("the run", run.dir.path())];
    if let Some(dir) = &data_dir {
        inputs.push(("the run's data folder", dir.as_path()));
    }
    let folder = OutputFolder::open(&args.out, &inputs, Existing::from_force(args.force))?;
    let mut planned: Vec<(String, PathBuf)> = Vec::new();
    for file in &files {
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for suffix in SUFFIXES {
            planned.push((format!("{stem}-{suffix}.png"), file.clone()));
        }
    }
    planned.push((CLASSES_FILE.to_string(), args.input.clone()));
    let outputs = folder.claim(&planned)?;

    let (step, blobs) = run.latest_checkpoint()?;
    let model = crate::load_model(config, &blobs, device)?.valid();
    let class_names = class_names(config, &run.recorded);
    eprintln!("segmenting {} image(s) with {} (checkpoint at step {step})", files.len(), config.label());
    for (file, paths) in files.iter().zip(outputs.chunks_exact(SUFFIXES.len())) {
        let image = read_image(file, GreyPolicy::Convert).map_err(|e| e.to_string())?;
        let (width, height) = (image.width, image.height);
        let (seen_width, seen_height) = within(width, height, args.max_side);
        let rgb = if (seen_width, seen_height) == (width, height) {
            image.to_planar_unit() // [3, h, w]
        } else {
            eprintln!("  {}: {width}×{height} shrunk to {seen_width}×{seen_height} (--max-side)", file.display());
            image.clone().resized_to(seen_width, seen_height).to_planar_unit() // [3, h', w']
        };
        let input = if config.input_channels == 1 { planar_rgb_to_grey(&rgb) } else { rgb };
        let channels = config.input_channels;
        let tensor = Tensor::<4>::from_data(TensorData::new(input, [1, channels, seen_height, seen_width]), device);
        let predicted = crate::loss::predict(model.forward_any_size(tensor)); // [1, h, w]
        let seen_labels: Vec<u8> = atelier_train::host::to_host_f32(predicted.float(), "the predicted mask")
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|v| v as u8)
            .collect();
        let labels = nearest(&seen_labels, (seen_width, seen_height), (width, height));
        let pictures = [
            (&labels, Channels::Gray),
            (&colour_pixels(&labels), Channels::Rgb),
            (&overlay(&image.pixels, &labels), Channels::Rgb),
        ];
        for ((pixels, channels), path) in pictures.into_iter().zip(paths) {
            let bytes = encode(pixels, width, height, channels).map_err(|e| e.to_string())?;
            folder.write(path, &bytes)?;
        }
    }
    let legend: String = class_names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let c = label_colour(k.min(255) as u8);
            format!("{k}\t{name}\t#{:02x}{:02x}{:02x}\n", c.0, c.1, c.2)
        })
        .collect();
    folder.write(outputs.last().expect("classes.txt is planned"), legend.as_bytes())?;
    eprintln!("wrote {} × (mask, colour, overlay) and {CLASSES_FILE} to {}", files.len(), args.out.display());
    Ok(())
}

/// The pictures written per image, as name suffixes.
const SUFFIXES: [&str; 3] = ["mask", "colour", "overlay"];
/// The legend written beside them.
const CLASSES_FILE: &str = "classes.txt";

/// `width × height` shrunk (aspect kept, at least 1 pixel a side) so the longer side is at most `max_side`.
fn within(width: usize, height: usize, max_side: usize) -> (usize, usize) {
    let longer = width.max(height);
    if longer <= max_side {
        return (width, height);
    }
    let scale = |side: usize| ((side * max_side + longer / 2) / longer).max(1);
    (scale(width), scale(height))
}

/// Labels of a `from` = (w, h) map scaled to `to` by nearest neighbour. // [h_to * w_to]
fn nearest(labels: &[u8], from: (usize, usize), to: (usize, usize)) -> Vec<u8> {
    if from == to {
        return labels.to_vec();
    }
    let ((fw, fh), (tw, th)) = (from, to);
    (0..th)
        .flat_map(|y| {
            let sy = (y * fh / th).min(fh - 1);
            (0..tw).map(move |x| labels[sy * fw + (x * fw / tw).min(fw - 1)])
        })
        .collect()
}

/// The class names of the run's data (the scenes' names, or the folder's `classes.txt`).
fn class_names(config: &SegmentationConfig, run_config: &RunConfig) -> Vec<String> {
    let from_folder = run_config
        .data_dir
        .as_ref()
        .and_then(|dir| atelier_data::masks::read_class_names(&dir.join(atelier_data::masks::CLASSES_FILE)).ok());
    match config.task {
        SegmentationTask::Folder if from_folder.is_some() => from_folder.unwrap_or_default(),
        // The garments' dataset names the labels (Fashion-MNIST's, or MNIST's digits).
        SegmentationTask::FashionScenes => match atelier_data::locate(run_config.data_dir.as_deref()) {
            Ok(source) => crate::scenes::scene_class_names(&atelier_data::dataset::class_names_for(&source)),
            Err(_) => crate::scenes::FASHION_SCENE_CLASSES.iter().map(|s| s.to_string()).collect(),
        },
        SegmentationTask::EmojiScenes => crate::emoji_scenes::emoji_scene_class_names(),
        SegmentationTask::Folder => (0..config.classes).map(|k| format!("class {k}")).collect(),
    }
}

/// Labels in their colours, interleaved RGB bytes. // [h * w * 3]
fn colour_pixels(labels: &[u8]) -> Vec<u8> {
    labels
        .iter()
        .flat_map(|&label| {
            let c = label_colour(label);
            [c.0, c.1, c.2]
        })
        .collect()
}

/// The class colours blended over the image (interleaved RGB bytes) where a pixel is not background.
fn overlay(image: &[u8], labels: &[u8]) -> Vec<u8> {
    image
        .chunks_exact(3)
        .zip(labels)
        .flat_map(|(rgb, &label)| {
            let c = label_colour(label);
            let blend = |image: u8, colour: u8| {
                if label == 0 {
                    image
                } else {
                    (f32::from(image) * (1.0 - OVERLAY_OPACITY) + f32::from(colour) * OVERLAY_OPACITY).round() as u8
                }
            };
            [blend(rgb[0], c.0), blend(rgb[1], c.1), blend(rgb[2], c.2)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_keep_the_background_and_blend_the_classes() {
        let image = [100, 100, 100, 200, 0, 50];
        let out = overlay(&image, &[0, 1]);
        let blue = label_colour(1);
        assert_eq!(&out[..3], &[100, 100, 100]);
        let mix = |a: u8, b: u8| ((f32::from(a) + f32::from(b)) / 2.0).round() as u8;
        assert_eq!(&out[3..], &[mix(200, blue.0), mix(0, blue.1), mix(50, blue.2)]);
        assert_eq!(colour_pixels(&[0]), [0, 0, 0]);
    }

    #[test]
    fn large_images_are_shrunk_to_the_stated_side_and_their_labels_scaled_back() {
        assert_eq!(within(6000, 4000, 1024), (1024, 683));
        assert_eq!(within(4000, 6000, 1024), (683, 1024));
        assert_eq!(within(800, 600, 1024), (800, 600), "small images keep their size");
        assert_eq!(within(5000, 2, 1024), (1024, 1), "a side never vanishes");
        // 2×2 labels up to 4×3: each source label covers its block.
        let up = nearest(&[1, 2, 3, 4], (2, 2), (4, 3));
        assert_eq!(up, vec![1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4]);
    }
}
