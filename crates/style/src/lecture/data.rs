//! Where the style lecture's images come from: a name in the textures folder (`--data-dir`, else
//! `./data/textures` from `cargo xtask data fetch textures`, else the embedded copies in
//! `assets/textures-mini/`), or any image file; read, cropped square and resized. The stylizer's
//! content images are the emoji (Google's and Twitter's), found by their own search order.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use atelier_data::DataRecord;
use atelier_data::colour::{ColourImage, GreyPolicy, IMAGE_EXTENSIONS, decode, is_image_file};
use atelier_data::emoji::{EmojiSource, EmojiSplit, Vendor};
use atelier_lecture::Found;

use crate::config::{FeatureNetwork, MIN_SIZE, StyleConfig};
use crate::fast::ContentImages;

/// The embedded images, by name (licences: `assets/textures-mini/README.md`).
pub const EMBEDDED: [(&str, &[u8]); 5] = [
    ("brick", include_bytes!("../../../../assets/textures-mini/brick.png")),
    ("grass", include_bytes!("../../../../assets/textures-mini/grass.png")),
    ("gravel", include_bytes!("../../../../assets/textures-mini/gravel.png")),
    ("chelsea", include_bytes!("../../../../assets/textures-mini/chelsea.png")),
    ("coffee", include_bytes!("../../../../assets/textures-mini/coffee.png")),
];

/// The textures of the README's results (the others are photographs, for content).
pub const TEXTURES: [&str; 3] = ["brick", "grass", "gravel"];

/// Where `./data/textures` is looked for.
pub const DEFAULT_DIR: &str = "data/textures";

/// One image a run reads.
#[derive(Debug, Clone)]
pub enum ImageRef {
    File(PathBuf),
    Embedded { name: &'static str, bytes: &'static [u8] },
}

impl ImageRef {
    fn describe(&self) -> String {
        match self {
            ImageRef::File(path) => path.display().to_string(),
            ImageRef::Embedded { name, .. } => format!("{name} (embedded)"),
        }
    }

    /// Decoded (grey becomes three equal channels), cropped to its centre square, resized to `size`.
    fn read(&self, role: &str, size: usize) -> Result<ColourImage, String> {
        let image = match self {
            ImageRef::File(path) => {
                let bytes = std::fs::read(path).map_err(|e| format!("the {role} image {}: {e}", path.display()))?;
                decode(&bytes, path, GreyPolicy::Convert)
            }
            ImageRef::Embedded { name, bytes } => decode(bytes, Path::new(name), GreyPolicy::Convert),
        }
        .map_err(|e| format!("the {role} image: {e}"))?;
        if image.width < MIN_SIZE || image.height < MIN_SIZE {
            return Err(format!(
                "the {role} image {} is {}×{} pixels; it must be at least {MIN_SIZE}×{MIN_SIZE}",
                self.describe(),
                image.width,
                image.height
            ));
        }
        Ok(centre_square(image).resized(size))
    }
}

/// The images a run found, not yet read.
pub struct StyleSource {
    pub style: ImageRef,
    pub content: Option<ImageRef>,
    /// The stylizer's content images.
    pub emoji: Option<EmojiSource>,
}

/// The images read, at the run's size.
pub struct StyleImages {
    pub style: ColourImage,
    pub content: Option<ColourImage>,
    /// The stylizer's content images: the emoji's training and test splits.
    pub emoji: Option<ContentSets>,
}

/// Content images to train a stylizer on, and unseen ones to judge it by.
pub struct ContentSets {
    pub train: ContentImages,
    pub test: ContentImages,
}

/// The emoji styles whose images are content.
const CONTENT_VENDORS: [Vendor; 2] = [Vendor::Google, Vendor::Twitter];

/// Finds the run's images and records them (size and MD5 of each file).
pub fn locate(config: &StyleConfig, data_dir: Option<&Path>) -> Result<Found<StyleSource>, String> {
    let folder = match data_dir {
        // `--data-dir embedded`: the copies compiled in, even where ./data/textures exists.
        Some(dir) if dir.as_os_str() == atelier_data::source::EMBEDDED_NAME => None,
        Some(dir) if !dir.is_dir() => return Err(format!("--data-dir {}: no such folder", dir.display())),
        Some(dir) => Some(dir.to_path_buf()),
        None => Some(PathBuf::from(DEFAULT_DIR)).filter(|d| d.is_dir()),
    };
    let style = resolve(&config.style, "style", folder.as_deref())?;
    let content = config.transfers().then(|| resolve(&config.content, "content", folder.as_deref())).transpose()?;
    let refs: Vec<&ImageRef> = std::iter::once(&style).chain(content.as_ref()).collect();
    let mut files: Vec<&Path> =
        refs.iter().filter_map(|r| if let ImageRef::File(p) = r { Some(p.as_path()) } else { None }).collect();
    // The weights file is checked whole before anything is written, and recorded (size, MD5) beside the images.
    let efficientnet = super::imported::efficientnet_file(&config.weights);
    match config.features {
        FeatureNetwork::Vgg19 => {
            super::imported::check_vgg19(Path::new(&config.weights))?;
            files.push(Path::new(&config.weights));
        }
        FeatureNetwork::Efficientnet => {
            super::imported::check_efficientnet(&efficientnet)?;
            files.push(&efficientnet);
        }
        FeatureNetwork::Emoji | FeatureNetwork::Random | FeatureNetwork::Fashion | FeatureNetwork::Run => {}
    }
    if config.uses_feature_run() {
        super::networks::check_feature_run(Path::new(&config.feature_run))?;
    }
    let embedded: Vec<(&str, &[u8])> = refs
        .iter()
        .filter_map(|r| if let ImageRef::Embedded { name, bytes } = r { Some((*name, *bytes)) } else { None })
        .collect();
    let record = DataRecord::of_images(&files, &embedded).map_err(|e| e.to_string())?;
    let mut description = refs.iter().map(|r| r.describe()).collect::<Vec<_>>().join(", ");
    let (record, emoji) = if config.feeds_forward() {
        let source = atelier_data::emoji::locate(None).map_err(|e| e.to_string())?;
        let emoji_record = DataRecord::of_emoji(&source, &CONTENT_VENDORS).map_err(|e| e.to_string())?;
        description.push_str(&format!("; content: the emoji of {source}"));
        (merged(record, emoji_record), Some(source))
    } else {
        (record, None)
    };
    Ok(Found { source: StyleSource { style, content, emoji }, record, description })
}

/// One record of the style image and the content emoji: embedded only if both are.
fn merged(style: DataRecord, emoji: DataRecord) -> DataRecord {
    let files: Vec<_> = style.files().iter().chain(emoji.files()).cloned().collect();
    match (&style, &emoji) {
        (DataRecord::Embedded { .. }, DataRecord::Embedded { .. }) => DataRecord::Embedded { files },
        (DataRecord::Folder { path, .. }, _) | (_, DataRecord::Folder { path, .. }) => {
            DataRecord::Folder { path: path.clone(), files }
        }
        _ => style,
    }
}

/// Reads the images found, at `size` (the emoji at theirs, which must be the same).
pub fn load(source: StyleSource, size: usize) -> Result<StyleImages, String> {
    let emoji = source.emoji.map(|s| content_sets(&s, size)).transpose()?;
    Ok(StyleImages {
        style: source.style.read("style", size)?,
        content: source.content.map(|c| c.read("content", size)).transpose()?,
        emoji,
    })
}

/// The emoji's training and test images of both styles, planar.
fn content_sets(source: &EmojiSource, size: usize) -> Result<ContentSets, String> {
    let set = atelier_data::emoji::load(source, &CONTENT_VENDORS).map_err(|e| e.to_string())?;
    let split = |which: EmojiSplit| {
        let indices = set.indices(which);
        let mut pixels = Vec::new();
        for images in &set.images {
            for &i in &indices {
                pixels.extend(images[i].clone().resized(size).to_planar_unit());
            }
        }
        let count = indices.len() * set.images.len();
        ContentImages { pixels: Arc::new(pixels), count, size }
    };
    let sets = ContentSets { train: split(EmojiSplit::Train), test: split(EmojiSplit::Test) };
    if sets.train.count == 0 || sets.test.count == 0 {
        return Err(format!("the emoji of {source} have no training or no test images"));
    }
    Ok(sets)
}

/// A file (a path with an image extension or a folder in it) or a name in `folder` (else embedded).
fn resolve(name: &str, role: &str, folder: Option<&Path>) -> Result<ImageRef, String> {
    let path = Path::new(name);
    if is_image_file(path) || path.components().count() > 1 {
        if !path.is_file() {
            return Err(format!("the {role} image {name} does not exist"));
        }
        return Ok(ImageRef::File(path.to_path_buf()));
    }
    if let Some(dir) = folder {
        let found = IMAGE_EXTENSIONS.iter().map(|ext| dir.join(format!("{name}.{ext}"))).find(|p| p.is_file());
        return found.map(ImageRef::File).ok_or_else(|| {
            format!("the {role} image {name}: no {name}.png or {name}.jpg in {} (or give an image file)", dir.display())
        });
    }
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|&(name, bytes)| ImageRef::Embedded { name, bytes }).ok_or_else(
        || {
            let names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
            format!(
                "the {role} image {name} is not one of the embedded images ({}); give an image file",
                names.join(", ")
            )
        },
    )
}

/// The centre square of `image`.
fn centre_square(image: ColourImage) -> ColourImage {
    let side = image.width.min(image.height);
    if image.width == image.height {
        return image;
    }
    let (x0, y0) = ((image.width - side) / 2, (image.height - side) / 2);
    let mut pixels = Vec::with_capacity(side * side * 3);
    for y in y0..y0 + side {
        let row = (y * image.width + x0) * 3;
        pixels.extend_from_slice(&image.pixels[row..row + side * 3]);
    }
    ColourImage { width: side, height: side, pixels }
}
