//! `segment --run RUN --in DIR --out DIR`: a user's own images through a trained segmentation run.
//!
//! Each PNG or JPEG of `--in` (any size; transparency over white; turned grey when the run was
//! trained on grey images) goes through the network at its own size (padded to a multiple of
//! `2^depth` and cropped back) and gives, in `--out`, under its own name:
//! `NAME-mask.png` (8-bit greyscale, pixel = class index: the format of a mask folder),
//! `NAME-colour.png` (the classes in the course's label colours) and `NAME-overlay.png` (those
//! colours blended over the image; background pixels show the image). `classes.txt` lists each
//! class with its colour.

use std::path::PathBuf;

use atelier_core::canvas::label_colour;
use atelier_core::png::{Channels, save};
use atelier_data::colour::{GreyPolicy, image_files, read_image};
use atelier_data::edges::planar_rgb_to_grey;
use atelier_derive::Params;
use atelier_lecture::{Context, OpenRun, RunConfig};
use burn::prelude::*;

use crate::{SegmentationConfig, SegmentationTask};

/// The flags of `segment`.
#[derive(Debug, Default, Params)]
pub struct SegmentArgs {
    /// Folder of PNG/JPEG images (any size; grey or colour as the run was trained).
    #[param(flag = "in", value_name = "DIR", required)]
    pub input: PathBuf,
    /// Folder written: NAME-mask.png (class indices), NAME-colour.png (the classes in colour),
    /// NAME-overlay.png (the colours over the image) and classes.txt (each class with its colour).
    #[param(value_name = "DIR", required)]
    pub out: PathBuf,
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
    let (step, blobs) = run.latest_checkpoint()?;
    let model = crate::load_model(config, &blobs, device)?.valid();
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let class_names = class_names(config, &run.recorded);
    eprintln!("segmenting {} image(s) with {} (checkpoint at step {step})", files.len(), config.label());
    for file in &files {
        let image = read_image(file, GreyPolicy::Convert).map_err(|e| e.to_string())?;
        let (width, height) = (image.width, image.height);
        let rgb = image.to_planar_unit(); // [3, h, w]
        let input = if config.input_channels == 1 { planar_rgb_to_grey(&rgb) } else { rgb.clone() };
        let channels = config.input_channels;
        let tensor = Tensor::<4>::from_data(TensorData::new(input, [1, channels, height, width]), device);
        let predicted = crate::loss::predict(model.forward_any_size(tensor)); // [1, h, w]
        let labels: Vec<u8> = atelier_train::host::to_host_f32(predicted.float(), "the predicted mask")
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|v| v as u8)
            .collect();
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let write = |suffix: &str, pixels: &[u8], channels: Channels| {
            let path = args.out.join(format!("{stem}-{suffix}.png"));
            save(&path, pixels, width, height, channels).map_err(|e| e.to_string())
        };
        write("mask", &labels, Channels::Gray)?;
        write("colour", &colour_pixels(&labels), Channels::Rgb)?;
        write("overlay", &overlay(&image.pixels, &labels), Channels::Rgb)?;
    }
    let legend: String = class_names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let c = label_colour(k.min(255) as u8);
            format!("{k}\t{name}\t#{:02x}{:02x}{:02x}\n", c.0, c.1, c.2)
        })
        .collect();
    std::fs::write(args.out.join("classes.txt"), legend).map_err(|e| format!("{}: {e}", args.out.display()))?;
    eprintln!("wrote {} × (mask, colour, overlay) and classes.txt to {}", files.len(), args.out.display());
    Ok(())
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
}
