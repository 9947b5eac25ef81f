//! Emoji scenes: colour pictures with a label for every pixel, for the segmentation lecture.
//!
//! A scene is a 64×64 RGB canvas with a background (a plain colour, stripes or noise, drawn at
//! random) and 1–3 emoji of one split, each scaled to a side between 24 and 40 pixels and placed
//! fully inside the canvas (overlap allowed, the later one on top). Every pixel is labelled
//! `0` = background or `1 + c` where `c` is the emoji category ([`atelier_data::emoji::CATEGORIES`], 9):
//! 10 classes, [`emoji_scene_class_names`].
//!
//! ## Where an emoji is
//!
//! Emoji are read composited on white (the embedded set stores them so), so an emoji's mask is
//! recovered as **everything but the near-white region connected to the image border** (a flood
//! fill from the border through pixels whose three channels are all ≥ [`WHITE_LEVEL`]): the white
//! of an eye or a tooth, enclosed by the drawing, stays in the emoji; an emoji whose white part
//! touches its border (a cloud, a ghost) loses that part to the background. The mask is made at
//! 64×64 and scaled with the emoji by nearest neighbour, the colours by a triangle filter.
//!
//! Scene `i` of a split depends on the seed, the split and `i` alone, as the Fashion scenes
//! ([`crate::scenes`]); training scenes use training emoji and test scenes test emoji, so the test
//! is on emoji the network never saw.

use crate::scenes::SceneSplit;
use atelier_core::rng::Rng;
use atelier_data::colour::ColourImage;
use atelier_data::emoji::{CATEGORIES, EmojiSet, EmojiSplit};
use atelier_data::error::DataError;
use atelier_data::masks::MaskedImages;

/// Side of the canvas.
pub const EMOJI_CANVAS: usize = 64;
/// Smallest and largest side an emoji is drawn at.
pub const EMOJI_SIDES: (usize, usize) = (24, 40);
/// Fewest and most emoji in a scene.
pub const EMOJI_COUNTS: (usize, usize) = (1, 3);
/// A pixel whose three channels are all at least this is "white" for the border flood fill.
pub const WHITE_LEVEL: u8 = 245;

/// "background", then the emoji categories.
pub fn emoji_scene_class_names() -> Vec<String> {
    std::iter::once("background".to_string()).chain(CATEGORIES.iter().map(|c| c.to_string())).collect()
}

/// One emoji ready to paint: its colours, where it is, its category.
#[derive(Debug, Clone)]
struct Sprite {
    image: ColourImage,
    /// `[h * w]`: true where the emoji is.
    mask: Vec<bool>,
    category: u8,
}

/// Makes the emoji scenes of one split from every style of an [`EmojiSet`].
#[derive(Debug, Clone)]
pub struct EmojiSceneGenerator {
    sprites: Vec<Sprite>,
    split: SceneSplit,
    seed: u64,
}

impl EmojiSceneGenerator {
    /// The emoji of `split` (training scenes: the training emoji; test scenes: the test emoji), in
    /// every style the set holds.
    pub fn new(set: &EmojiSet, split: SceneSplit, seed: u64) -> Result<Self, DataError> {
        let emoji_split = match split {
            SceneSplit::Train => EmojiSplit::Train,
            SceneSplit::Test => EmojiSplit::Test,
        };
        let indices = set.indices(emoji_split);
        let mut sprites = Vec::with_capacity(indices.len() * set.vendors.len());
        for style in &set.images {
            for &i in &indices {
                let image = style[i].clone();
                let mask = object_mask(&image);
                if mask.iter().any(|&m| m) {
                    sprites.push(Sprite { image, mask, category: set.entries[i].category as u8 });
                }
            }
        }
        if sprites.is_empty() {
            return Err(DataError::Invalid {
                what: format!("emoji scenes ({})", split.name()),
                reason: format!("the emoji set ({}) has no {} emoji to place", set.source, split.name()),
            });
        }
        Ok(Self { sprites, split, seed })
    }

    /// How many emoji images scenes are drawn from.
    pub fn sprites(&self) -> usize {
        self.sprites.len()
    }

    /// Scene `index`: planar RGB bytes `[3, 64, 64]` and labels `[64 * 64]`.
    pub fn scene(&self, index: usize) -> (Vec<u8>, Vec<u8>) {
        let mut rng = Rng::new(self.seed).fork(0xE0 + self.split_stream()).fork(index as u64);
        let plane = EMOJI_CANVAS * EMOJI_CANVAS;
        let mut pixels = background(&mut rng); // [64 * 64 * 3] interleaved
        let mut labels = vec![0u8; plane];
        let count = EMOJI_COUNTS.0 + rng.below(EMOJI_COUNTS.1 - EMOJI_COUNTS.0 + 1);
        for _ in 0..count {
            let sprite = &self.sprites[rng.below(self.sprites.len())];
            let side = EMOJI_SIDES.0 + rng.below(EMOJI_SIDES.1 - EMOJI_SIDES.0 + 1);
            let (top, left) = (rng.below(EMOJI_CANVAS - side + 1), rng.below(EMOJI_CANVAS - side + 1));
            let image = sprite.image.clone().resized(side);
            let source = sprite.image.width;
            for row in 0..side {
                for col in 0..side {
                    // Nearest neighbour into the full-size mask.
                    let (r, c) = (row * source / side, col * source / side);
                    if sprite.mask[r * source + c] {
                        let at = (top + row) * EMOJI_CANVAS + left + col;
                        pixels[3 * at..3 * at + 3].copy_from_slice(&image.pixels[3 * (row * side + col)..][..3]);
                        labels[at] = 1 + sprite.category;
                    }
                }
            }
        }
        let planar = (0..3).flat_map(|c| pixels.chunks_exact(3).map(move |p| p[c])).collect();
        (planar, labels)
    }

    /// Scenes `0..count` as a [`MaskedImages`] of 10 classes.
    pub fn masked_images(&self, count: usize) -> MaskedImages {
        let mut set = MaskedImages::empty([3, EMOJI_CANVAS, EMOJI_CANVAS], emoji_scene_class_names());
        for index in 0..count {
            let (image, mask) = self.scene(index);
            set.push(&image, &mask, format!("emoji-scene-{index:05}"));
        }
        set
    }

    fn split_stream(&self) -> u64 {
        match self.split {
            SceneSplit::Train => 0,
            SceneSplit::Test => 1,
        }
    }
}

/// A background drawn at random: a plain colour, stripes of two colours, or coloured noise.
/// Interleaved RGB bytes. // [64 * 64 * 3]
fn background(rng: &mut Rng) -> Vec<u8> {
    let mut colour = || [rng.below(256) as u8, rng.below(256) as u8, rng.below(256) as u8];
    let (a, b) = (colour(), colour());
    let kind = rng.below(3);
    let period = 4 + rng.below(12);
    let vertical = rng.below(2) == 0;
    let mut out = Vec::with_capacity(EMOJI_CANVAS * EMOJI_CANVAS * 3);
    for row in 0..EMOJI_CANVAS {
        for col in 0..EMOJI_CANVAS {
            let pixel = match kind {
                0 => a,
                1 => {
                    let along = if vertical { col } else { row };
                    if (along / period) % 2 == 0 { a } else { b }
                }
                _ => {
                    let t = rng.next_f32();
                    [0, 1, 2].map(|c| (f32::from(a[c]) * (1.0 - t) + f32::from(b[c]) * t).round() as u8)
                }
            };
            out.extend_from_slice(&pixel);
        }
    }
    out
}

/// Where the emoji is in an image composited on white: not the near-white region connected to the
/// border (4-neighbour flood fill). // [h * w]
pub fn object_mask(image: &ColourImage) -> Vec<bool> {
    let (w, h) = (image.width, image.height);
    let white = |i: usize| image.pixels[3 * i..3 * i + 3].iter().all(|&v| v >= WHITE_LEVEL);
    let mut outside = vec![false; w * h];
    let mut stack: Vec<usize> = (0..w).flat_map(|c| [c, (h - 1) * w + c]).collect();
    stack.extend((0..h).flat_map(|r| [r * w, r * w + w - 1]));
    while let Some(i) = stack.pop() {
        if outside[i] || !white(i) {
            continue;
        }
        outside[i] = true;
        let (r, c) = (i / w, i % w);
        if r > 0 {
            stack.push(i - w);
        }
        if r + 1 < h {
            stack.push(i + w);
        }
        if c > 0 {
            stack.push(i - 1);
        }
        if c + 1 < w {
            stack.push(i + 1);
        }
    }
    outside.into_iter().map(|o| !o).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white 8×8 image with a red ring (rows/cols 2..6) enclosing a white centre pixel pair.
    fn ring() -> ColourImage {
        let mut pixels = vec![255u8; 8 * 8 * 3];
        for r in 2..6 {
            for c in 2..6 {
                let inner = (3..5).contains(&r) && (3..5).contains(&c);
                if !inner {
                    pixels[3 * (r * 8 + c)..3 * (r * 8 + c) + 3].copy_from_slice(&[200, 0, 0]);
                }
            }
        }
        ColourImage { width: 8, height: 8, pixels }
    }

    #[test]
    fn the_mask_keeps_enclosed_white_and_drops_the_outside() {
        let mask = object_mask(&ring());
        let inside = |r: usize, c: usize| mask[r * 8 + c];
        assert!(inside(2, 2) && inside(5, 5), "the ring");
        assert!(inside(3, 3) && inside(4, 4), "the enclosed white centre is part of the emoji");
        assert!(!inside(0, 0) && !inside(7, 7) && !inside(1, 4), "the white around it is not");
        assert_eq!(mask.iter().filter(|&&m| m).count(), 16);
    }

    #[test]
    fn scenes_are_deterministic_labelled_and_split_apart() {
        let set = atelier_data::emoji_mini::load(&[atelier_data::emoji::Vendor::Google]).unwrap();
        let train = EmojiSceneGenerator::new(&set, SceneSplit::Train, 0).unwrap();
        let test = EmojiSceneGenerator::new(&set, SceneSplit::Test, 0).unwrap();
        assert!(train.sprites() > test.sprites() && test.sprites() > 0);
        let (a, labels) = train.scene(5);
        assert_eq!((a.len(), labels.len()), (3 * 64 * 64, 64 * 64));
        assert_eq!(train.scene(5), (a.clone(), labels.clone()), "scene 5 is a function of (seed, split, 5)");
        assert_ne!(train.scene(6).0, a);
        assert_ne!(test.scene(5).0, a);
        // Some pixels are an emoji, some background, every label a class.
        let scenes = train.masked_images(20);
        let counts = scenes.class_pixel_counts();
        assert_eq!(counts.len(), 10);
        assert!(counts[0] > 0 && counts[1..].iter().sum::<u64>() > 0, "{counts:?}");
        assert_eq!(scenes.class_names[1], "Smileys & Emotion");
        assert_eq!(scenes.image_shape, [3, 64, 64]);
    }
}
