//! Emoji: the course's real colour dataset.
//!
//! The npm packages `emoji-datasource-google` and `emoji-datasource-twitter` (16.0.0) carry the
//! same 3,786 emoji as 64×64 RGBA PNGs under identical file names (`img/<vendor>/64/`), and
//! `emoji.json` with each emoji's category and subcategory. The same emoji drawn in two styles is a
//! *paired* dataset (Twitter → Google), each style alone is an unpaired domain, and the categories
//! are labels.
//!
//! ## Layout (`cargo xtask data fetch emoji` writes it)
//! ```text
//! data/emoji/emoji.json
//! data/emoji/img/google/64/<image>.png      Apache-2.0 (Google Noto Emoji)
//! data/emoji/img/twitter/64/<image>.png     CC-BY-4.0 (Twitter Twemoji)
//! data/emoji/img/facebook/64/<image>.png    optional, for local use only (no clear licence)
//! ```
//!
//! ## Where it comes from ([`locate`]), first match wins
//! `--data-dir DIR`, `$ATELIER_EMOJI`, `./data/emoji`, then the embedded mini set
//! ([`crate::emoji_mini`]); the word `embedded` names the mini set.
//!
//! ## The split ([`split_of`])
//! One base emoji has up to 25 skin-tone variants that are near-copies (1,911 base emoji,
//! 3,786 files): a split by file would put copies of test images into training. The split is
//! therefore by **base emoji**: FNV-1a of its `unified` code point string, modulo 10: 0–7
//! train, 8 validation, 9 test (80/10/10), with every variant in its base's split: 1,517 / 219 /
//! 170 base emoji, 3,032 / 459 / 290 images. It does not
//! depend on file order or on what else is in the folder. The five `Component` swatches (skin
//! tones and hair styles on their own) are left out: 3,781 images of 9 categories.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::colour::{ColourImage, GreyPolicy, decode};
use crate::error::DataError;

/// Where `cargo xtask data fetch emoji` puts the data, relative to the current directory.
pub const PROJECT_DIR: &str = "./data/emoji";
/// The environment variable naming an emoji folder.
pub const ENV_VAR: &str = "ATELIER_EMOJI";
/// Side of the emoji images.
pub const SIZE: usize = 64;
/// The categories, in label order (the order of the Unicode emoji charts).
pub const CATEGORIES: [&str; 9] = [
    "Smileys & Emotion",
    "People & Body",
    "Animals & Nature",
    "Food & Drink",
    "Travel & Places",
    "Activities",
    "Objects",
    "Symbols",
    "Flags",
];
/// The category left out (skin-tone and hair swatches).
pub const LEFT_OUT_CATEGORY: &str = "Component";

/// The npm tarballs `cargo xtask data fetch emoji` downloads: `(style, url, sha512, bytes)`.
/// The SHA-512 is the strongest checksum npm publishes: the registry's `dist.integrity` of the
/// 16.0.0 tarballs (`npm view emoji-datasource-<style>@16.0.0 dist.integrity`), in hex.
pub const PACKAGES: [(Vendor, &str, &str, u64); 2] = [
    (
        Vendor::Google,
        "https://registry.npmjs.org/emoji-datasource-google/-/emoji-datasource-google-16.0.0.tgz",
        "6517b17f3b3b315a0b9e6cd998db0ee132a19c0269e43fbe566e8fa54a47fe31104257a6a7797cf028d9f83a19d9f68cf51e10c5990e3c90a84fc0e53e17d0dc",
        74_344_091,
    ),
    (
        Vendor::Twitter,
        "https://registry.npmjs.org/emoji-datasource-twitter/-/emoji-datasource-twitter-16.0.0.tgz",
        "ec5fae0ae1c7fbb427adcd793f9b676ef2a483d13ab65ce2e0c9d3dae5b5465378a4b613cdae9c3ff76cb487d20ccb698c52d6b997b05a0f2305bb8bd9ec842d",
        61_683_754,
    ),
];

/// The Facebook style's tarball (`cargo xtask data fetch emoji-facebook`, SHA-512 as above): images only, for local
/// use (no clear licence: never embedded, never shipped); 3,645 of the catalogue's 3,786 images.
pub const FACEBOOK_PACKAGE: (Vendor, &str, &str, u64) = (
    Vendor::Facebook,
    "https://registry.npmjs.org/emoji-datasource-facebook/-/emoji-datasource-facebook-16.0.0.tgz",
    "6fd67125d07b9cc5867241f5bf20a33d2a2c69ae8c258ba88cf3c5890d0b9832194bcbe51b8e785ca7264c52ab5c830003bd8ee0c449318161bd623ca63c9c89",
    102_958_917,
);

/// A drawing style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Google,
    Twitter,
    /// Fetched for local use only (no clear licence): never embedded, never shipped.
    Facebook,
}

impl Vendor {
    /// The styles whose licences allow shipping what is derived from them.
    pub const SHIPPABLE: [Vendor; 2] = [Vendor::Google, Vendor::Twitter];

    pub fn name(self) -> &'static str {
        match self {
            Vendor::Google => "google",
            Vendor::Twitter => "twitter",
            Vendor::Facebook => "facebook",
        }
    }

    pub fn from_name(name: &str) -> Option<Vendor> {
        [Vendor::Google, Vendor::Twitter, Vendor::Facebook].into_iter().find(|v| v.name() == name)
    }

    /// `img/<vendor>/64` inside an emoji folder.
    pub fn image_dir(self, root: &Path) -> PathBuf {
        root.join("img").join(self.name()).join("64")
    }
}

/// Which split an emoji belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmojiSplit {
    Train,
    Valid,
    Test,
}

/// The split of a base emoji (its `unified` code points, e.g. `1F600`): FNV-1a 64 mod 10.
pub fn split_of(base_unified: &str) -> EmojiSplit {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in base_unified.to_ascii_uppercase().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    match hash % 10 {
        0..=7 => EmojiSplit::Train,
        8 => EmojiSplit::Valid,
        _ => EmojiSplit::Test,
    }
}

/// One emoji image (a base emoji or one of its skin-tone variants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmojiEntry {
    /// The file name, e.g. `1f600.png`.
    pub image: String,
    /// The base emoji's short name, e.g. `grinning`.
    pub name: String,
    /// Index into [`CATEGORIES`].
    pub category: usize,
    pub subcategory: String,
    /// The base emoji's `unified` code points (what the split hashes).
    pub base: String,
    pub split: EmojiSplit,
}

#[derive(Deserialize)]
struct RawEmoji {
    unified: String,
    image: String,
    short_name: String,
    category: String,
    subcategory: String,
    #[serde(default)]
    skin_variations: std::collections::BTreeMap<String, RawVariation>,
}

#[derive(Deserialize)]
struct RawVariation {
    image: String,
}

/// The catalogue: every image of `emoji.json` outside [`LEFT_OUT_CATEGORY`], base emoji and
/// variants, in file order of the JSON (variants after their base).
pub fn parse_catalogue(json: &[u8], name: &Path) -> Result<Vec<EmojiEntry>, DataError> {
    let raw: Vec<RawEmoji> = serde_json::from_slice(json).map_err(|e| DataError::Invalid {
        what: name.display().to_string(),
        reason: format!("not emoji-datasource's emoji.json: {e}"),
    })?;
    let mut entries = Vec::new();
    for emoji in raw {
        if emoji.category == LEFT_OUT_CATEGORY {
            continue;
        }
        let category = CATEGORIES.iter().position(|c| *c == emoji.category).ok_or_else(|| DataError::Invalid {
            what: format!("{}: {}", name.display(), emoji.short_name),
            reason: format!("unknown category {:?}", emoji.category),
        })?;
        let split = split_of(&emoji.unified);
        let entry = |image: String| EmojiEntry {
            image,
            name: emoji.short_name.clone(),
            category,
            subcategory: emoji.subcategory.clone(),
            base: emoji.unified.clone(),
            split,
        };
        entries.push(entry(emoji.image.clone()));
        entries.extend(emoji.skin_variations.values().map(|v| entry(v.image.clone())));
    }
    if entries.is_empty() {
        return Err(DataError::Invalid { what: name.display().to_string(), reason: "lists no emoji".into() });
    }
    Ok(entries)
}

/// Emoji images of some styles, with their catalogue entries; `images[v][i]` is entry `i` drawn by
/// `vendors[v]`, composited on white.
#[derive(Debug, Clone)]
pub struct EmojiSet {
    pub entries: Vec<EmojiEntry>,
    pub vendors: Vec<Vendor>,
    pub images: Vec<Vec<ColourImage>>,
    /// Where it was read from ("embedded …" or the folder).
    pub source: String,
}

impl EmojiSet {
    /// Indices of the entries in `split`.
    pub fn indices(&self, split: EmojiSplit) -> Vec<usize> {
        (0..self.entries.len()).filter(|&i| self.entries[i].split == split).collect()
    }

    /// The images of `vendor`, if loaded.
    pub fn images_of(&self, vendor: Vendor) -> Option<&[ColourImage]> {
        self.vendors.iter().position(|&v| v == vendor).map(|i| self.images[i].as_slice())
    }

    /// Counts per split: `(train, valid, test)`.
    pub fn split_counts(&self) -> (usize, usize, usize) {
        let count = |s| self.entries.iter().filter(|e| e.split == s).count();
        (count(EmojiSplit::Train), count(EmojiSplit::Valid), count(EmojiSplit::Test))
    }
}

/// Reads an emoji folder: its catalogue and the images of `vendors` (each image must exist and
/// decode; an entry missing from a style's folder is an error naming it).
pub fn read_folder(root: &Path, vendors: &[Vendor]) -> Result<EmojiSet, DataError> {
    let catalogue_path = root.join("emoji.json");
    let json = std::fs::read(&catalogue_path).map_err(|e| DataError::io(&catalogue_path, e))?;
    let entries = parse_catalogue(&json, &catalogue_path)?;
    let mut images = Vec::with_capacity(vendors.len());
    for &vendor in vendors {
        let dir = vendor.image_dir(root);
        if !dir.is_dir() {
            return Err(DataError::EmptyFolder {
                path: dir,
                expected: format!("{}'s 64×64 emoji PNGs (cargo xtask data fetch emoji)", vendor.name()),
            });
        }
        let mut style = Vec::with_capacity(entries.len());
        for entry in &entries {
            let path = dir.join(inside_folder(&entry.image)?);
            let bytes = std::fs::read(&path).map_err(|e| DataError::io(&path, e))?;
            style.push(decode(&bytes, &path, GreyPolicy::Convert)?.resized(SIZE));
        }
        images.push(style);
    }
    Ok(EmojiSet { entries, vendors: vendors.to_vec(), images, source: root.display().to_string() })
}

/// A catalogue's image name, which must be a plain file name: a path that could leave the image
/// folder (`../x.png`, `/etc/x`, `a/b.png`) is refused by name.
fn inside_folder(name: &str) -> Result<&str, DataError> {
    let plain = !name.is_empty()
        && Path::new(name).components().count() == 1
        && matches!(Path::new(name).components().next(), Some(std::path::Component::Normal(_)));
    if plain {
        Ok(name)
    } else {
        Err(DataError::Invalid {
            what: "emoji.json".to_string(),
            reason: format!("the image name {name:?} is not a plain file name inside the image folder"),
        })
    }
}

/// Where emoji come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmojiSource {
    Folder { path: PathBuf, origin: &'static str },
    Embedded,
}

impl std::fmt::Display for EmojiSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmojiSource::Folder { path, origin } => write!(f, "{} ({origin})", path.display()),
            EmojiSource::Embedded => f.write_str(crate::emoji_mini::DESCRIPTION),
        }
    }
}

/// True when `dir` looks like an emoji folder (its catalogue is there).
pub fn is_emoji_folder(dir: &Path) -> bool {
    dir.join("emoji.json").is_file()
}

/// Finds the emoji: `flag`, then `$ATELIER_EMOJI`, then `./data/emoji`, then the embedded set.
/// A folder that is named but is not an emoji folder is an error, never a fall-through.
pub fn locate(flag: Option<&Path>) -> Result<EmojiSource, DataError> {
    let env = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()).map(PathBuf::from);
    for (named, origin) in [(flag.map(Path::to_path_buf), "--data-dir"), (env, "$ATELIER_EMOJI")] {
        if let Some(path) = named {
            if path.as_os_str() == crate::source::EMBEDDED_NAME {
                return Ok(EmojiSource::Embedded);
            }
            if !is_emoji_folder(&path) {
                return Err(DataError::InvalidDataDir {
                    origin: origin.to_string(),
                    path,
                    problem: "no emoji.json: not an emoji folder (cargo xtask data fetch emoji makes one)".into(),
                });
            }
            return Ok(EmojiSource::Folder { path, origin });
        }
    }
    let project = PathBuf::from(PROJECT_DIR);
    if is_emoji_folder(&project) {
        return Ok(EmojiSource::Folder { path: project, origin: "project" });
    }
    Ok(EmojiSource::Embedded)
}

/// Loads the emoji of `vendors` from `source`.
pub fn load(source: &EmojiSource, vendors: &[Vendor]) -> Result<EmojiSet, DataError> {
    match source {
        EmojiSource::Folder { path, .. } => read_folder(path, vendors),
        EmojiSource::Embedded => crate::emoji_mini::load(vendors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_image_names_never_leave_the_image_folder() {
        assert_eq!(inside_folder("1f600.png").unwrap(), "1f600.png");
        for bad in ["../secret.png", "/etc/passwd", "a/b.png", "", ".."] {
            let err = inside_folder(bad).unwrap_err().to_string();
            assert!(err.contains("not a plain file name"), "{bad}: {err}");
        }
    }

    const CATALOGUE: &str = r#"[
      {"unified": "1F44B", "image": "1f44b.png", "short_name": "wave", "category": "People & Body",
       "subcategory": "hand-fingers-open",
       "skin_variations": {"1F3FB": {"image": "1f44b-1f3fb.png"}, "1F3FC": {"image": "1f44b-1f3fc.png"}}},
      {"unified": "1F600", "image": "1f600.png", "short_name": "grinning", "category": "Smileys & Emotion",
       "subcategory": "face-smiling"},
      {"unified": "1F3FB", "image": "1f3fb.png", "short_name": "skin-tone-2", "category": "Component",
       "subcategory": "skin-tone"}
    ]"#;

    #[test]
    fn catalogue_keeps_variants_with_their_base_and_leaves_out_components() {
        let entries = parse_catalogue(CATALOGUE.as_bytes(), Path::new("emoji.json")).unwrap();
        let images: Vec<&str> = entries.iter().map(|e| e.image.as_str()).collect();
        assert_eq!(images, ["1f44b.png", "1f44b-1f3fb.png", "1f44b-1f3fc.png", "1f600.png"]);
        assert!(entries[..3].iter().all(|e| e.split == entries[0].split && e.category == 1 && e.name == "wave"));
        assert_eq!(entries[3].category, 0);
    }

    #[test]
    fn split_is_stable_and_near_80_10_10() {
        // Case does not matter (emoji.json writes upper case, file names lower case).
        assert_eq!(split_of("1F1FA-1F1F8"), split_of("1f1fa-1f1f8"));
        // Golden values from an independent Python FNV-1a 64: "1F600" → 0x3a16dde166ed2268 (mod 10 = 8,
        // valid), "1F44B" → 0x4c35c9e1716a7524 (2, train), "2764-FE0F" → 0x228e3416c973b364 (0, train).
        assert_eq!(
            [split_of("1F600"), split_of("1F44B"), split_of("2764-FE0F")],
            [EmojiSplit::Valid, EmojiSplit::Train, EmojiSplit::Train]
        );
        let mut counts = [0usize; 3];
        for code in 0x1F300..0x1F300 + 2000 {
            counts[split_of(&format!("{code:X}")) as usize] += 1;
        }
        assert!((1500..1700).contains(&counts[0]) && (150..250).contains(&counts[1]), "{counts:?}");
    }

    #[test]
    fn bad_catalogue_and_unknown_category_are_named() {
        let err = parse_catalogue(b"{}", Path::new("x/emoji.json")).unwrap_err().to_string();
        assert!(err.contains("x/emoji.json"), "{err}");
        let odd = r#"[{"unified":"1","image":"1.png","short_name":"q","category":"Nope","subcategory":"s"}]"#;
        let err = parse_catalogue(odd.as_bytes(), Path::new("e.json")).unwrap_err().to_string();
        assert!(err.contains("unknown category") && err.contains("q"), "{err}");
    }

    #[test]
    fn a_named_folder_that_is_not_emoji_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = locate(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("emoji.json"), "{err}");
        assert_eq!(locate(Some(Path::new("embedded"))).unwrap(), EmojiSource::Embedded);
    }
}
