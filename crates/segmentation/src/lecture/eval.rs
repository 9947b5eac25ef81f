//! `eval segmentation`: the test images segmented by one run (and the runs given with `--compare`),
//! scored by mIoU, per-class IoU, pixel accuracy and boundary accuracy, in one table; the
//! confusion matrix as a heatmap and a grid image | truth | each run.

use std::path::{Path, PathBuf};

use atelier_core::canvas::label_planes;
use atelier_core::grid::{ImageBatch, LabeledRows, Row};
use atelier_core::heatmap::ConfusionMatrixPlot;
use atelier_core::picture::Picture;
use atelier_data::MaskedImages;
use atelier_lecture::OpenRun;
use burn::prelude::*;

use super::data::SegmentationData;
use crate::{BOUNDARY_RADIUS, ConfusionMatrix, SegmentationConfig, SegmentationNet, boundary_band};

/// Test images segmented per forward pass.
const EVAL_BATCH: usize = 64;
/// Test images in the picture.
const PICTURE_IMAGES: usize = 8;

/// One run's network and how the table names it.
struct Segmenter {
    label: String,
    model: SegmentationNet,
    step: u64,
}

/// A run's scores on the test images.
struct Scores {
    all: ConfusionMatrix,
    /// Only the pixels within [`BOUNDARY_RADIUS`] of a class boundary of the truth.
    boundary: ConfusionMatrix,
}

pub fn eval(
    run: &OpenRun<SegmentationConfig>,
    data: SegmentationData,
    compare: &[PathBuf],
) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    let test = &data.test;
    if test.class_names.len() != config.classes || test.image_shape[0] != config.input_channels {
        return Err(format!(
            "the test data has {} classes and {} channel(s); the run was trained on {} and {}",
            test.class_names.len(),
            test.image_shape[0],
            config.classes,
            config.input_channels
        ));
    }
    let mut segmenters = vec![load_segmenter(run)?];
    for other in compare {
        segmenters.push(load_compared(other, config, device)?);
    }
    disambiguate_labels(&mut segmenters, run.dir.path(), compare);
    let [_, height, width] = test.image_shape;
    let bands: Vec<Vec<bool>> =
        (0..test.len()).map(|i| boundary_band(test.mask(i), width, height, BOUNDARY_RADIUS)).collect();
    let mut predictions = Vec::with_capacity(segmenters.len());
    let mut scores = Vec::with_capacity(segmenters.len());
    for segmenter in &segmenters {
        eprintln!("{}: segmenting {} test images (checkpoint at step {})", segmenter.label, test.len(), segmenter.step);
        let predicted = predict_masks(&segmenter.model, test, device)?;
        scores.push(score(test, &predicted, &bands));
        predictions.push(predicted);
    }
    print_table(&segmenters, &scores, &test.class_names);

    let main = &scores[0];
    let heatmap = run.dir.samples_dir().join("eval-confusion-matrix.png");
    let counts = main
        .all
        .row_fractions()
        .iter()
        .map(|row| row.iter().map(|f| (f * 1000.0).round() as usize).collect())
        .collect();
    let title =
        format!("{}: pixels of each true class (‰ of the row), mIoU {:.3}", segmenters[0].label, main.all.mean_iou());
    ConfusionMatrixPlot { title, counts, class_names: test.class_names.clone() }
        .save_png(&heatmap)
        .map_err(|e| e.to_string())?;
    eprintln!("wrote {}", heatmap.display());
    let grid = run.dir.samples_dir().join("eval-segmentations.png");
    write_picture(&grid, test, &segmenters, &predictions)?;
    eprintln!("wrote {}", grid.display());

    let mut entries = measures("", main, &test.class_names);
    for (segmenter, s) in segmenters.iter().zip(&scores).skip(1) {
        let prefix = format!("{}/", segmenter.label);
        entries.extend(measures(&prefix, s, &[]));
    }
    entries.push(("test_images".to_string(), test.len() as f64));
    entries.push(("checkpoint_step".to_string(), segmenters[0].step as f64));
    Ok(entries)
}

fn load_segmenter(run: &OpenRun<SegmentationConfig>) -> Result<Segmenter, String> {
    let (step, blobs) = run.latest_checkpoint()?;
    let model = crate::load_model(&run.config, &blobs, &run.device)?;
    Ok(Segmenter { label: run.config.label(), model, step })
}

/// A `--compare` run: a segmentation run of the same task, classes and channels.
fn load_compared(path: &Path, main: &SegmentationConfig, device: &Device) -> Result<Segmenter, String> {
    let run = OpenRun::<SegmentationConfig>::open_on(path, super::ID, device.clone())
        .map_err(|e| format!("--compare {}: {e}", path.display()))?;
    let config = &run.config;
    if (config.task, config.classes, config.input_channels) != (main.task, main.classes, main.input_channels) {
        return Err(format!(
            "--compare {}: trained on {} ({} classes, {} channel(s)), not on this run's {} ({}, {})",
            path.display(),
            config.task.name(),
            config.classes,
            config.input_channels,
            main.task.name(),
            main.classes,
            main.input_channels
        ));
    }
    load_segmenter(&run)
}

/// Two runs of the same network are told apart by their folder names.
fn disambiguate_labels(segmenters: &mut [Segmenter], run: &Path, compare: &[PathBuf]) {
    let folders: Vec<String> = std::iter::once(run)
        .chain(compare.iter().map(PathBuf::as_path))
        .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    let labels: Vec<String> = segmenters.iter().map(|s| s.label.clone()).collect();
    for (i, segmenter) in segmenters.iter_mut().enumerate() {
        if labels.iter().filter(|l| **l == labels[i]).count() > 1 {
            segmenter.label = format!("{} ({})", labels[i], folders[i]);
        }
    }
}

/// The predicted class of every pixel of every image, `[n, h, w]` row-major on the host.
pub fn predict_masks(model: &SegmentationNet, set: &MaskedImages, device: &Device) -> Result<Vec<u8>, String> {
    let [c, h, w] = set.image_shape;
    let model = model.valid();
    let mut out = Vec::with_capacity(set.len() * h * w);
    for start in (0..set.len()).step_by(EVAL_BATCH) {
        let n = EVAL_BATCH.min(set.len() - start);
        let pixels: Vec<f32> =
            (start..start + n).flat_map(|i| set.image(i).iter().map(|&b| f32::from(b) / 255.0)).collect();
        let images = Tensor::<4>::from_data(TensorData::new(pixels, [n, c, h, w]), device); // [n, c, h, w]
        let predicted = crate::loss::predict(model.forward_any_size(images)); // [n, h, w]
        let values =
            atelier_train::host::to_host_f32(predicted.float(), "the predicted masks").map_err(|e| e.to_string())?;
        out.extend(values.into_iter().map(|v| v as u8));
    }
    Ok(out)
}

fn score(test: &MaskedImages, predicted: &[u8], bands: &[Vec<bool>]) -> Scores {
    let classes = test.num_classes();
    let (mut all, mut boundary) = (ConfusionMatrix::new(classes), ConfusionMatrix::new(classes));
    let plane = test.pixels_per_image();
    for (i, band) in bands.iter().enumerate() {
        let guess = &predicted[i * plane..(i + 1) * plane];
        all.add(test.mask(i), guess);
        boundary.add_where(test.mask(i), guess, band);
    }
    Scores { all, boundary }
}

/// `eval.json`'s entries of one run (`prefix` names a compared run); per-class IoU when `class_names`
/// are given (the main run's).
fn measures(prefix: &str, s: &Scores, class_names: &[String]) -> Vec<(String, f64)> {
    let mut entries = vec![
        (format!("{prefix}miou"), s.all.mean_iou()),
        (format!("{prefix}pixel_accuracy"), s.all.pixel_accuracy()),
        (format!("{prefix}boundary_accuracy"), s.boundary.pixel_accuracy()),
    ];
    for (class, name) in class_names.iter().enumerate() {
        if let Some(iou) = s.all.iou(class) {
            entries.push((format!("iou_{}", key(name)), iou));
        }
    }
    entries
}

/// A class name as an `eval.json` key: lower case, each run of other characters than letters and
/// digits one `_` ("Smileys & Emotion" → `smileys_emotion`, "T-shirt/top" → `t_shirt_top`).
fn key(name: &str) -> String {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.join("_")
}

#[cfg(test)]
mod tests {
    #[test]
    fn class_names_become_plain_keys() {
        assert_eq!(super::key("Smileys & Emotion"), "smileys_emotion");
        assert_eq!(super::key("T-shirt/top"), "t_shirt_top");
        assert_eq!(super::key("background"), "background");
    }
}

fn print_table(segmenters: &[Segmenter], scores: &[Scores], class_names: &[String]) {
    let width = segmenters.iter().map(|s| s.label.len()).max().unwrap_or(0).max(8) + 2;
    let mut header = format!("{:<28}", "test images");
    for s in segmenters {
        header.push_str(&format!("{:>width$}", s.label));
    }
    println!("{header}");
    let row = |name: &str, value: &dyn Fn(&Scores) -> Option<f64>| {
        let mut line = format!("{name:<28}");
        for s in scores {
            match value(s) {
                Some(v) => line.push_str(&format!("{v:>width$.4}")),
                None => line.push_str(&format!("{:>width$}", "–")),
            }
        }
        println!("{line}");
    };
    row("mIoU ↑", &|s| Some(s.all.mean_iou()));
    row("pixel accuracy ↑", &|s| Some(s.all.pixel_accuracy()));
    row(&format!("boundary accuracy (≤{BOUNDARY_RADIUS} px) ↑"), &|s| Some(s.boundary.pixel_accuracy()));
    for (class, name) in class_names.iter().enumerate() {
        row(&format!("IoU {name}"), &|s| s.all.iou(class));
    }
}

/// Rows image | truth | each run's prediction, for the first test images.
fn write_picture(
    path: &Path,
    test: &MaskedImages,
    segmenters: &[Segmenter],
    predictions: &[Vec<u8>],
) -> Result<(), String> {
    let shown = test.len().min(PICTURE_IMAGES);
    let [c, h, w] = test.image_shape;
    let plane = h * w;
    let images: Vec<f32> = (0..shown)
        .flat_map(|i| {
            let image = test.image(i);
            (0..3).flat_map(move |channel| {
                let source = if c == 1 { 0 } else { channel.min(c - 1) };
                image[source * plane..(source + 1) * plane].iter().map(|&b| f32::from(b) / 255.0)
            })
        })
        .collect();
    let colour =
        |masks: &[u8]| -> Vec<f32> { masks[..shown * plane].chunks_exact(plane).flat_map(label_planes).collect() };
    let truth = colour(&test.masks);
    let guesses: Vec<Vec<f32>> = predictions.iter().map(|p| colour(p)).collect();
    let mut rows = vec![
        Row::new("image", ImageBatch::new(&images, shown, 3, h, w)),
        Row::new("truth", ImageBatch::new(&truth, shown, 3, h, w)),
    ];
    for (segmenter, guess) in segmenters.iter().zip(&guesses) {
        rows.push(Row::new(segmenter.label.clone(), ImageBatch::new(guess, shown, 3, h, w)));
    }
    let title = "Test images: image | truth | predictions".to_string();
    LabeledRows { title, rows, marks: Vec::new(), scale: 2 }.save_png(path).map_err(|e| e.to_string())
}
