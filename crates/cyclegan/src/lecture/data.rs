//! Where a CycleGAN task's domains come from, what the run records about them, and loading them.
//!
//! Training is unpaired ([`UnpairedSet`]); validation and test are pairs `(x, y)` of the held-out
//! images: for the emoji and the garments `y` is `x`'s true counterpart (the same emoji drawn by
//! Google, the garment behind the edge map), which is what makes CycleGAN measurable here. A
//! folder's `testA/` and `testB/` are not paired: their images are put side by side in order only
//! so that one batch holds both domains ([`Counterparts::None`]).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::unpaired::{emoji_halves, fashion_halves, folder_domains};
use atelier_data::colour::{GreyPolicy, resize_planes};
use atelier_data::emoji::{self, EmojiSource, EmojiSplit, Vendor};
use atelier_data::translation::{edges_to_fashion_pairs, style_pairs};
use atelier_data::{DataRecord, DataSource, PairSet, StyledImages};

use crate::{CycleGanConfig, CycleTask, UnpairedSet};

/// The data behind a task, found but not yet read.
#[derive(Debug, Clone)]
pub enum CycleSource {
    Emoji(EmojiSource),
    Fashion(DataSource),
    /// CycleGAN's `trainA/ trainB/ testA/ testB/`.
    Folder(PathBuf),
}

impl fmt::Display for CycleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CycleSource::Emoji(source) => write!(f, "emoji: {source}"),
            CycleSource::Fashion(source) => write!(f, "{source}"),
            CycleSource::Folder(path) => write!(f, "unpaired folder {}", path.display()),
        }
    }
}

/// Whether a test pair's `y` is its `x`'s true counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counterparts {
    /// The same emoji in the other style; the garment of the edge map.
    True,
    /// Two unrelated images (a folder's `testA/`, `testB/`).
    None,
}

pub struct CycleData {
    pub train: UnpairedSet,
    pub valid: PairSet,
    pub test: PairSet,
    pub counterparts: Counterparts,
    pub source: String,
    /// edges-fashion: the Fashion-MNIST dataset itself (the Fashion evaluator's reference).
    pub fashion: Option<atelier_data::Dataset>,
}

/// The Fashion edge threshold of the task (the shared default of the edge-map pairs).
const EDGE_THRESHOLD: f32 = atelier_data::translation::FASHION_EDGE_THRESHOLD;
/// Validation pairs, at most.
const VALID_PAIRS: usize = 256;

/// Finds the task's data: `--data-dir` (or the usual search order of its dataset).
pub fn locate(config: &CycleGanConfig, data_dir: Option<&Path>) -> Result<CycleSource, String> {
    match config.task {
        CycleTask::TwitterGoogle => emoji::locate(data_dir).map(CycleSource::Emoji).map_err(|e| e.to_string()),
        CycleTask::EdgesFashion => atelier_data::locate(data_dir).map(CycleSource::Fashion).map_err(|e| e.to_string()),
        CycleTask::Folder => match data_dir {
            Some(dir) if dir.as_os_str() == atelier_data::source::EMBEDDED_NAME => {
                Err("--task folder reads a folder of your own; there is no embedded one".into())
            }
            Some(dir) if dir.is_dir() => Ok(CycleSource::Folder(dir.to_path_buf())),
            Some(dir) => Err(format!("--data-dir {}: no such folder", dir.display())),
            None => Err("--task folder needs --data-dir DIR (CycleGAN's trainA/ trainB/ testA/ testB/)".into()),
        },
    }
}

impl CycleSource {
    /// What the run records: each file's (or image folder's) size and MD5.
    pub fn record(&self) -> Result<DataRecord, String> {
        let record = match self {
            CycleSource::Emoji(source) => DataRecord::of_emoji(source, &[Vendor::Twitter, Vendor::Google]),
            CycleSource::Fashion(source) => DataRecord::of(source),
            CycleSource::Folder(path) => DataRecord::of_colour_folder(path, &["trainA", "trainB", "testA", "testB"]),
        };
        record.map_err(|e| e.to_string())
    }

    /// Reads the domains at the config's size; the test (and validation) pairs come one class
    /// after another, so pictures of the first pairs show every category.
    pub fn load(&self, config: &CycleGanConfig, train_limit: Option<usize>) -> Result<CycleData, String> {
        let e = |e: atelier_data::DataError| e.to_string();
        let size = config.size;
        let interleave = |set: PairSet| set.select(&atelier_data::pairs::interleaved_by_label(&set.labels));
        match self {
            CycleSource::Emoji(source) => {
                let set = emoji::load(source, &[Vendor::Twitter, Vendor::Google]).map_err(e)?;
                let pairs = |split| style_pairs(&set, Vendor::Twitter, Vendor::Google, split).map_err(e);
                Ok(CycleData {
                    train: resized_domains(emoji_halves(&set, Vendor::Twitter, Vendor::Google).map_err(e)?, size),
                    valid: interleave(resized_pairs(pairs(EmojiSplit::Valid)?, size)),
                    test: interleave(resized_pairs(pairs(EmojiSplit::Test)?, size)),
                    counterparts: Counterparts::True,
                    source: set.source,
                    fashion: None,
                })
            }
            CycleSource::Fashion(source) => {
                let data = atelier_data::load_from(source.clone()).map_err(e)?;
                let test = interleave(edges_to_fashion_pairs(&data.test, EDGE_THRESHOLD, None).map_err(e)?);
                Ok(CycleData {
                    train: fashion_halves(&data.train, EDGE_THRESHOLD, train_limit).map_err(e)?,
                    valid: test.select(&(0..test.len().min(VALID_PAIRS)).collect::<Vec<_>>()),
                    test,
                    counterparts: Counterparts::True,
                    source: data.source.to_string(),
                    fashion: Some(data),
                })
            }
            CycleSource::Folder(path) => {
                let folders = atelier_data::folders::read_unpaired(path, size, GreyPolicy::Convert).map_err(e)?;
                let train =
                    folder_domains(&folders.train_a, &folders.train_b, &path.display().to_string()).map_err(e)?;
                let test = side_by_side(&folder_domains(&folders.test_a, &folders.test_b, "testA/ testB/").map_err(e)?);
                Ok(CycleData {
                    train,
                    valid: test.select(&(0..test.len().min(VALID_PAIRS)).collect::<Vec<_>>()),
                    test,
                    counterparts: Counterparts::None,
                    source: path.display().to_string(),
                    fashion: None,
                })
            }
        }
    }
}

/// Refuses a size the task's data cannot take (the garments are 28×28 in a 32×32 frame).
pub fn check_size(config: &CycleGanConfig) -> Result<(), String> {
    if config.task == CycleTask::EdgesFashion && config.size != atelier_data::translation::FASHION_PADDED {
        return Err(format!(
            "--task edges-fashion works on Fashion-MNIST's 28×28 garments padded to 32×32: --size must be 32 (got {})",
            config.size
        ));
    }
    Ok(())
}

/// One image `[c, h, w]` resized to `[c, size, size]` (triangle filter; copied when already that size).
fn resized(image: &[f32], [_, h, w]: [usize; 3], size: usize) -> Vec<f32> {
    resize_planes(image, w, h, size, size)
}

fn resized_styled(images: StyledImages, size: usize) -> StyledImages {
    if images.shape[1..] == [size, size] {
        return images;
    }
    let mut out = StyledImages::new([images.shape[0], size, size]);
    for i in 0..images.len() {
        out.push(&resized(images.image(i), images.shape, size), images.content[i], images.style[i]);
    }
    out
}

/// Both domains at `size`.
pub fn resized_domains(set: UnpairedSet, size: usize) -> UnpairedSet {
    UnpairedSet { x: resized_styled(set.x, size), y: resized_styled(set.y, size) }
}

/// Every pair at `size` (both images).
pub fn resized_pairs(set: PairSet, size: usize) -> PairSet {
    if set.input_shape[1..] == [size, size] && set.target_shape[1..] == [size, size] {
        return set;
    }
    let mut out = PairSet::empty([set.input_shape[0], size, size], [set.target_shape[0], size, size]);
    for i in 0..set.len() {
        let input = resized(set.input(i), set.input_shape, size);
        let target = resized(set.target(i), set.target_shape, size);
        out.push(&input, &target, set.labels[i], &set.names[i]).expect("shapes made to match");
    }
    out
}

/// A folder's two unpaired test domains as pairs `(testA[i], testB[i mod |B|])`, as many as
/// `testA/` holds.
fn side_by_side(set: &UnpairedSet) -> PairSet {
    let mut out = PairSet::empty(set.x.shape, set.y.shape);
    for i in 0..set.x.len() {
        out.push(set.x.image(i), set.y.image(i % set.y.len()), 0, format!("{i:05}")).expect("one shape");
    }
    out
}

/// The embedded set's unpaired Twitter and Google halves at 64×64 (what `bench cyclegan` cycles through).
pub fn embedded_bench_domains() -> Result<UnpairedSet, String> {
    let set = atelier_data::emoji_mini::load(&[Vendor::Twitter, Vendor::Google]).map_err(|e| e.to_string())?;
    emoji_halves(&set, Vendor::Twitter, Vendor::Google).map_err(|e| e.to_string())
}
