//! Where a segmentation task's images and masks come from, what the run records about them, and
//! loading them.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::emoji_scenes::EmojiSceneGenerator;
use crate::scenes::{Garments, SceneConfig, SceneGenerator, SceneSplit, masked_scenes, scene_class_names};
use atelier_data::emoji::{EmojiSource, Vendor};
use atelier_data::masks::{is_mask_folder, read_mask_folder};
use atelier_data::{DataRecord, DataSource, MaskedImages};

use crate::{SegmentationConfig, SegmentationTask};

/// The emoji styles emoji scenes are drawn from.
const EMOJI_STYLES: [Vendor; 2] = [Vendor::Google, Vendor::Twitter];
/// Test images of a folder without a `test/` part: every tenth image is held out.
const FOLDER_HOLD_OUT_EVERY: usize = 10;
/// Validation images (checked after every epoch): the first test images.
const VALIDATION_IMAGES: usize = 500;

/// The data behind a task, found but not yet read.
#[derive(Debug, Clone)]
pub enum SegmentationSource {
    /// Fashion-MNIST, whose garments make the scenes.
    Fashion(DataSource),
    /// Emoji (Google and Twitter styles), which make the emoji scenes.
    Emoji(EmojiSource),
    /// A mask folder of the user's (`images/`, `masks/`, `classes.txt`, optionally `test/`).
    Folder(PathBuf),
}

impl fmt::Display for SegmentationSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentationSource::Fashion(source) => write!(f, "scenes of {source}"),
            SegmentationSource::Emoji(source) => write!(f, "scenes of emoji: {source}"),
            SegmentationSource::Folder(path) => write!(f, "mask folder {}", path.display()),
        }
    }
}

/// The images and masks of the three splits.
pub struct SegmentationData {
    pub train: MaskedImages,
    pub valid: MaskedImages,
    pub test: MaskedImages,
    pub source: String,
}

/// Finds the task's data: `--data-dir` (or Fashion-MNIST's usual search order).
pub fn locate(config: &SegmentationConfig, data_dir: Option<&Path>) -> Result<SegmentationSource, String> {
    match config.task {
        SegmentationTask::FashionScenes => {
            atelier_data::locate(data_dir).map(SegmentationSource::Fashion).map_err(|e| e.to_string())
        }
        SegmentationTask::EmojiScenes => {
            atelier_data::emoji::locate(data_dir).map(SegmentationSource::Emoji).map_err(|e| e.to_string())
        }
        SegmentationTask::Folder => match data_dir {
            Some(dir) if is_mask_folder(dir) => Ok(SegmentationSource::Folder(dir.to_path_buf())),
            Some(dir) if dir.is_dir() => Err(format!(
                "--data-dir {}: not a mask folder (it needs images/, masks/ and classes.txt)",
                dir.display()
            )),
            Some(dir) => Err(format!("--data-dir {}: no such folder", dir.display())),
            None => Err("--task folder needs --data-dir DIR (images/, masks/ and classes.txt)".into()),
        },
    }
}

impl SegmentationSource {
    /// What the run records: each file's (or folder's) size and MD5.
    pub fn record(&self) -> Result<DataRecord, String> {
        let record = match self {
            SegmentationSource::Fashion(source) => DataRecord::of(source),
            SegmentationSource::Emoji(source) => DataRecord::of_emoji(source, &EMOJI_STYLES),
            SegmentationSource::Folder(path) => {
                let parts: Vec<&str> =
                    ["images", "masks", "classes.txt", "test"].into_iter().filter(|p| path.join(p).exists()).collect();
                DataRecord::of_colour_folder(path, &parts)
            }
        };
        record.map_err(|e| e.to_string())
    }

    /// Makes (scenes) or reads (folder) the three splits.
    pub fn load(&self, config: &SegmentationConfig) -> Result<SegmentationData, String> {
        let e = |e: atelier_data::DataError| e.to_string();
        let (train, test, source) = match self {
            SegmentationSource::Fashion(source) => {
                let data = atelier_data::load_from(source.clone()).map_err(e)?;
                let scenes = |split, count| -> Result<MaskedImages, String> {
                    let garments = Garments::from_dataset(&data, split).map_err(e)?;
                    let config = SceneConfig { seed: config.scene_seed, ..SceneConfig::default() };
                    let generator = SceneGenerator::new(config, garments).map_err(e)?;
                    Ok(masked_scenes(&generator, count, scene_class_names(&data.class_names)))
                };
                let train = scenes(SceneSplit::Train, config.train_scenes)?;
                let test = scenes(SceneSplit::Test, config.test_scenes)?;
                (train, test, data.source.to_string())
            }
            SegmentationSource::Emoji(source) => {
                let set = atelier_data::emoji::load(source, &EMOJI_STYLES).map_err(e)?;
                let scenes = |split, count| -> Result<MaskedImages, String> {
                    let generator = EmojiSceneGenerator::new(&set, split, config.scene_seed).map_err(e)?;
                    Ok(generator.masked_images(count))
                };
                let train = scenes(SceneSplit::Train, config.train_scenes)?;
                let test = scenes(SceneSplit::Test, config.test_scenes)?;
                (train, test, set.source.clone())
            }
            SegmentationSource::Folder(path) => {
                let all = read_mask_folder(path).map_err(e)?;
                let test_dir = path.join("test");
                if is_mask_folder(&test_dir) {
                    let test = read_mask_folder(&test_dir).map_err(e)?;
                    check_same_kind(&all, &test, &test_dir)?;
                    (all, test, path.display().to_string())
                } else {
                    let (held, kept): (Vec<usize>, Vec<usize>) =
                        (0..all.len()).partition(|i| i % FOLDER_HOLD_OUT_EVERY == FOLDER_HOLD_OUT_EVERY - 1);
                    if held.is_empty() {
                        return Err(format!(
                            "{}: {} image(s) leave none to test on (every {FOLDER_HOLD_OUT_EVERY}th is held out; \
                             add a test/ mask folder)",
                            path.display(),
                            all.len()
                        ));
                    }
                    (all.select(&kept), all.select(&held), path.display().to_string())
                }
            }
        };
        let valid = test.select(&(0..test.len().min(VALIDATION_IMAGES)).collect::<Vec<_>>());
        Ok(SegmentationData { train, valid, test, source })
    }
}

/// A folder's test part must have the training part's classes and image shape.
fn check_same_kind(train: &MaskedImages, test: &MaskedImages, test_dir: &Path) -> Result<(), String> {
    if test.class_names != train.class_names {
        return Err(format!("{}: its classes.txt differs from the training folder's", test_dir.display()));
    }
    if test.image_shape != train.image_shape {
        return Err(format!(
            "{}: its images are {:?} (channels, height, width), the training images {:?}",
            test_dir.display(),
            test.image_shape,
            train.image_shape
        ));
    }
    Ok(())
}

/// The config with the data's shape: input channels and classes (a folder decides both).
pub fn fit_config_to_data(config: &mut SegmentationConfig, data: &SegmentationData) -> Result<(), String> {
    config.input_channels = data.train.image_shape[0];
    config.classes = data.train.num_classes();
    let [_, height, width] = data.train.image_shape;
    let m = config.side_multiple();
    if height % m != 0 || width % m != 0 {
        return Err(format!(
            "the images are {height}×{width}; with --depth {} both sides must be multiples of {m}",
            config.depth
        ));
    }
    config.validate()
}

/// 256 Fashion scenes of the embedded garments (what `bench segmentation` cycles through).
pub fn bench_scenes() -> Result<MaskedImages, String> {
    let data = atelier_data::load_from(DataSource::Embedded).map_err(|e| e.to_string())?;
    let garments = Garments::from_dataset(&data, SceneSplit::Train).map_err(|e| e.to_string())?;
    let generator = SceneGenerator::new(SceneConfig::default(), garments).map_err(|e| e.to_string())?;
    Ok(masked_scenes(&generator, 256, scene_class_names(&data.class_names)))
}
