//! The embedded mini emoji set: a few hundred emoji in the Google and Twitter styles, compiled in,
//! so every colour lecture's demo and tests run offline on a fresh clone.
//!
//! `assets/emoji-mini/` holds one atlas PNG per style (64×64 tiles, [`ATLAS_COLUMNS`] per row,
//! already composited on white) and `index.json` (the catalogue entries of the tiles, in tile
//! order, with their split). [`write`] made them from the full set (`cargo xtask data subset
//! emoji`): per category the first [`PER_CATEGORY_TRAIN`] training, [`PER_CATEGORY_HELD_OUT`]
//! validation and as many test base emoji (no skin-tone variants) in catalogue order. The
//! licences travel with the files (`assets/emoji-mini/README.md`).

use std::path::Path;

use image::RgbImage;

use crate::colour::ColourImage;
use crate::emoji::{CATEGORIES, EmojiEntry, EmojiSet, EmojiSplit, SIZE, Vendor};
use crate::error::DataError;

/// How the embedded set shows up in logs.
pub const DESCRIPTION: &str = "embedded mini emoji set (assets/emoji-mini, Google + Twitter styles)";
/// Tiles per atlas row.
pub const ATLAS_COLUMNS: usize = 24;
/// Base emoji per category in the training split.
pub const PER_CATEGORY_TRAIN: usize = 24;
/// Base emoji per category in each of the validation and test splits.
pub const PER_CATEGORY_HELD_OUT: usize = 6;

const INDEX: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/emoji-mini/index.json"));
const GOOGLE: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/emoji-mini/google.png"));
const TWITTER: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/emoji-mini/twitter.png"));

/// The embedded files `(name, bytes)`, for run records.
pub fn files() -> [(&'static str, &'static [u8]); 3] {
    [("index.json", INDEX), ("google.png", GOOGLE), ("twitter.png", TWITTER)]
}

/// Loads the embedded set in the given styles (Google and Twitter only).
pub fn load(vendors: &[Vendor]) -> Result<EmojiSet, DataError> {
    let name = Path::new("assets/emoji-mini/index.json");
    let entries: Vec<EmojiEntry> = serde_json::from_slice(INDEX)
        .map_err(|e| DataError::Invalid { what: name.display().to_string(), reason: e.to_string() })?;
    let mut images = Vec::with_capacity(vendors.len());
    for &vendor in vendors {
        let bytes = match vendor {
            Vendor::Google => GOOGLE,
            Vendor::Twitter => TWITTER,
            Vendor::Facebook => {
                return Err(DataError::Invalid {
                    what: DESCRIPTION.into(),
                    reason: "holds no Facebook emoji (their licence does not allow embedding): fetch them".into(),
                });
            }
        };
        let path = format!("assets/emoji-mini/{}.png", vendor.name());
        images.push(cut_atlas(bytes, Path::new(&path), entries.len())?);
    }
    Ok(EmojiSet { entries, vendors: vendors.to_vec(), images, source: DESCRIPTION.to_string() })
}

fn cut_atlas(bytes: &[u8], name: &Path, count: usize) -> Result<Vec<ColourImage>, DataError> {
    let atlas = crate::colour::decode(bytes, name, crate::colour::GreyPolicy::Convert)?;
    let rows = count.div_ceil(ATLAS_COLUMNS);
    if atlas.width != ATLAS_COLUMNS * SIZE || atlas.height < rows * SIZE {
        return Err(DataError::Invalid {
            what: name.display().to_string(),
            reason: format!("atlas of {}×{} cannot hold {count} tiles of {SIZE}×{SIZE}", atlas.width, atlas.height),
        });
    }
    Ok((0..count)
        .map(|i| {
            let (x0, y0) = ((i % ATLAS_COLUMNS) * SIZE, (i / ATLAS_COLUMNS) * SIZE);
            let mut pixels = Vec::with_capacity(SIZE * SIZE * 3);
            for y in y0..y0 + SIZE {
                let start = (y * atlas.width + x0) * 3;
                pixels.extend_from_slice(&atlas.pixels[start..start + SIZE * 3]);
            }
            ColourImage { width: SIZE, height: SIZE, pixels }
        })
        .collect())
}

/// The entries of the mini set, chosen from a full set's catalogue (see the module docs).
pub fn choose(set: &EmojiSet) -> Vec<usize> {
    let mut chosen = Vec::new();
    for category in 0..CATEGORIES.len() {
        for (split, want) in [
            (EmojiSplit::Train, PER_CATEGORY_TRAIN),
            (EmojiSplit::Valid, PER_CATEGORY_HELD_OUT),
            (EmojiSplit::Test, PER_CATEGORY_HELD_OUT),
        ] {
            let mut seen_bases = std::collections::BTreeSet::new();
            let picks = (0..set.entries.len())
                .filter(|&i| {
                    let e = &set.entries[i];
                    e.category == category && e.split == split && seen_bases.insert(e.base.clone())
                })
                .take(want);
            chosen.extend(picks);
        }
    }
    chosen
}

/// Writes the mini set of `set` (which must hold the Google and Twitter styles) into `dir`:
/// `index.json`, `google.png`, `twitter.png`. Returns the number of emoji.
pub fn write(set: &EmojiSet, dir: &Path) -> Result<usize, DataError> {
    let chosen = choose(set);
    std::fs::create_dir_all(dir).map_err(|e| DataError::io(dir, e))?;
    let entries: Vec<&EmojiEntry> = chosen.iter().map(|&i| &set.entries[i]).collect();
    let index = serde_json::to_vec_pretty(&entries).expect("entries serialise");
    let index_path = dir.join("index.json");
    std::fs::write(&index_path, index).map_err(|e| DataError::io(&index_path, e))?;
    let rows = chosen.len().div_ceil(ATLAS_COLUMNS);
    for vendor in Vendor::SHIPPABLE {
        let images = set.images_of(vendor).ok_or_else(|| DataError::Invalid {
            what: set.source.clone(),
            reason: format!("the {} style was not loaded", vendor.name()),
        })?;
        let mut atlas = RgbImage::from_pixel((ATLAS_COLUMNS * SIZE) as u32, (rows * SIZE) as u32, image::Rgb([255; 3]));
        for (tile, &i) in chosen.iter().enumerate() {
            let (x0, y0) = ((tile % ATLAS_COLUMNS) * SIZE, (tile / ATLAS_COLUMNS) * SIZE);
            for (p, rgb) in images[i].pixels.chunks_exact(3).enumerate() {
                let (x, y) = (x0 + p % SIZE, y0 + p / SIZE);
                atlas.put_pixel(x as u32, y as u32, image::Rgb([rgb[0], rgb[1], rgb[2]]));
            }
        }
        let path = dir.join(format!("{}.png", vendor.name()));
        atlas
            .save(&path)
            .map_err(|e| DataError::Invalid { what: path.display().to_string(), reason: e.to_string() })?;
    }
    Ok(chosen.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_set_loads_in_both_styles_with_all_splits() {
        let set = load(&Vendor::SHIPPABLE).unwrap();
        assert_eq!(set.entries.len(), 323);
        assert_eq!(set.split_counts(), (216, 54, 53));
        for style in &set.images {
            assert_eq!(style.len(), 323);
            assert!(style.iter().all(|i| i.width == SIZE && i.height == SIZE));
        }
        // The same emoji in two styles differs (it is a translation task, not a copy).
        assert_ne!(set.images[0][0], set.images[1][0]);
        // Every category is present in the test split.
        let test_categories: std::collections::BTreeSet<usize> =
            set.entries.iter().filter(|e| e.split == EmojiSplit::Test).map(|e| e.category).collect();
        assert_eq!(test_categories.len(), CATEGORIES.len());
        assert!(load(&[Vendor::Facebook]).unwrap_err().to_string().contains("Facebook"));
    }
}
