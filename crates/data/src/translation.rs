//! The pairs of the image-to-image translation tasks, built on the host from the datasets.
//!
//! | task | input | target | labels |
//! |---|---|---|---|
//! | [`style_pairs`] (Twitter → Google) | RGB of one style `[3, 64, 64]` | RGB of the other | emoji category |
//! | [`colorize_pairs`] | Lab lightness `L/100` `[1, 64, 64]` | Lab chroma `(a+128)/255, (b+128)/255` `[2, 64, 64]` | emoji category |
//! | [`edges_to_emoji_pairs`] | Sobel edge map `[1, 64, 64]` | RGB `[3, 64, 64]` | emoji category |
//! | [`edges_to_fashion_pairs`] | Sobel edge map, padded `[1, 32, 32]` | the garment, padded `[1, 32, 32]` | garment class |
//! | [`folder_pairs`] | RGB of `A/` | RGB of `B/` | 0 |
//!
//! Everything is in `[0, 1]` per channel ([`crate::pairs::PairSet`]).

use crate::colour::ColourImage;
use crate::dataset::Split;
use crate::edges::{edge_map, planar_rgb_to_grey};
use crate::emoji::{EmojiSet, EmojiSplit, SIZE, Vendor};
use crate::error::DataError;
use crate::folders::ImagePairs;
use crate::lab::planar_rgb_to_unit_lab;
use crate::pairs::PairSet;

/// The default Sobel threshold for emoji edge maps (grey levels in `[0, 1]`; a black–white step is 4).
pub const EMOJI_EDGE_THRESHOLD: f32 = 0.5;
/// The default Sobel threshold for Fashion-MNIST edge maps.
pub const FASHION_EDGE_THRESHOLD: f32 = 0.5;
/// Fashion-MNIST's 28×28 padded to a power of two for the U-Net.
pub const FASHION_PADDED: usize = 32;

/// What a translation of test pairs translates, in the words two translation lectures compare by:
/// one lecture's test translations bound another's only when both translate the same thing.
pub const TWITTER_TO_GOOGLE: &str = "Twitter emoji → the same emoji drawn by Google";
/// See [`TWITTER_TO_GOOGLE`].
pub const EDGES_TO_GARMENTS: &str = "Fashion-MNIST edge maps → their garments";

fn style(set: &EmojiSet, vendor: Vendor) -> Result<&[ColourImage], DataError> {
    set.images_of(vendor).ok_or_else(|| DataError::Invalid {
        what: set.source.clone(),
        reason: format!("the {} style is not loaded", vendor.name()),
    })
}

/// `from`-style emoji → the same emoji in the `to` style.
pub fn style_pairs(set: &EmojiSet, from: Vendor, to: Vendor, split: EmojiSplit) -> Result<PairSet, DataError> {
    let (source, target) = (style(set, from)?, style(set, to)?);
    let mut pairs = PairSet::empty([3, SIZE, SIZE], [3, SIZE, SIZE]);
    for i in set.indices(split) {
        let entry = &set.entries[i];
        pairs.push(&source[i].to_planar_unit(), &target[i].to_planar_unit(), entry.category, &entry.image)?;
    }
    Ok(pairs)
}

/// Lightness → chroma of one style's emoji (the colorization task, in CIE Lab).
pub fn colorize_pairs(set: &EmojiSet, vendor: Vendor, split: EmojiSplit) -> Result<PairSet, DataError> {
    let images = style(set, vendor)?;
    let plane = SIZE * SIZE;
    let mut pairs = PairSet::empty([1, SIZE, SIZE], [2, SIZE, SIZE]);
    for i in set.indices(split) {
        let lab = planar_rgb_to_unit_lab(&images[i].to_planar_unit()); // [3, 64, 64]: L, a, b
        pairs.push(&lab[..plane], &lab[plane..], set.entries[i].category, &set.entries[i].image)?;
    }
    Ok(pairs)
}

/// Edge map → one style's emoji.
pub fn edges_to_emoji_pairs(
    set: &EmojiSet,
    vendor: Vendor,
    split: EmojiSplit,
    threshold: f32,
) -> Result<PairSet, DataError> {
    let images = style(set, vendor)?;
    let mut pairs = PairSet::empty([1, SIZE, SIZE], [3, SIZE, SIZE]);
    for i in set.indices(split) {
        let rgb = images[i].to_planar_unit();
        let edges = edge_map(&planar_rgb_to_grey(&rgb), SIZE, SIZE, threshold);
        pairs.push(&edges, &rgb, set.entries[i].category, &set.entries[i].image)?;
    }
    Ok(pairs)
}

/// `[h, w]` centred in `[side, side]`, the border filled with `fill`.
pub fn pad_centred(image: &[f32], height: usize, width: usize, side: usize, fill: f32) -> Vec<f32> {
    let (top, left) = ((side - height) / 2, (side - width) / 2);
    let mut out = vec![fill; side * side];
    for y in 0..height {
        out[(top + y) * side + left..(top + y) * side + left + width]
            .copy_from_slice(&image[y * width..(y + 1) * width]);
    }
    out
}

/// `[side, side]` → the centred `[height, width]` (the inverse of [`pad_centred`]).
pub fn crop_centred(image: &[f32], side: usize, height: usize, width: usize) -> Vec<f32> {
    let (top, left) = ((side - height) / 2, (side - width) / 2);
    (0..height).flat_map(|y| image[(top + y) * side + left..(top + y) * side + left + width].iter().copied()).collect()
}

/// Edge map → garment, for the first `limit` images of a Fashion-MNIST split, both padded from
/// 28×28 to [`FASHION_PADDED`] (edges with white, garments with black, their backgrounds).
pub fn edges_to_fashion_pairs(split: &Split, threshold: f32, limit: Option<usize>) -> Result<PairSet, DataError> {
    let (rows, cols) = (split.images.rows, split.images.cols);
    if rows > FASHION_PADDED || cols > FASHION_PADDED {
        return Err(DataError::Invalid {
            what: "edges2fashion".into(),
            reason: format!("images of {rows}×{cols} do not fit the {FASHION_PADDED}×{FASHION_PADDED} frame"),
        });
    }
    let count = limit.map_or(split.len(), |n| n.min(split.len()));
    let side = FASHION_PADDED;
    let mut pairs = PairSet::empty([1, side, side], [1, side, side]);
    for i in 0..count {
        let garment = split.batch_pixels(&[i]);
        let edges = edge_map(&garment, rows, cols, threshold);
        pairs.push(
            &pad_centred(&edges, rows, cols, side, 1.0),
            &pad_centred(&garment, rows, cols, side, 0.0),
            usize::from(split.labels[i]),
            format!("{i:05}"),
        )?;
    }
    Ok(pairs)
}

/// The emoji of a split in the given styles, each image labelled with its category (content) and
/// the index of its style in `styles` (Google = 0, Twitter = 1 for [`Vendor::SHIPPABLE`]); each
/// emoji's styles one after the other, so any first N images hold the styles in equal shares.
pub fn styled_images(set: &EmojiSet, styles: &[Vendor], split: EmojiSplit) -> Result<crate::StyledImages, DataError> {
    let images: Vec<&[ColourImage]> = styles.iter().map(|&v| style(set, v)).collect::<Result<_, _>>()?;
    let mut out = crate::StyledImages::new([3, SIZE, SIZE]);
    for i in set.indices(split) {
        for (label, drawn) in images.iter().enumerate() {
            out.push(&drawn[i].to_planar_unit(), set.entries[i].category, label);
        }
    }
    Ok(out)
}

/// `A/` → `B/` of a paired folder split, RGB.
pub fn folder_pairs(pairs: &ImagePairs) -> Result<PairSet, DataError> {
    let first = pairs
        .a
        .first()
        .ok_or_else(|| DataError::Invalid { what: "paired folder".into(), reason: "no pairs".into() })?;
    let (h, w) = (first.image.height, first.image.width);
    let mut out = PairSet::empty([3, h, w], [3, h, w]);
    for (a, b) in pairs.a.iter().zip(&pairs.b) {
        out.push(&a.image.to_planar_unit(), &b.image.to_planar_unit(), 0, &a.name)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emoji_mini;

    #[test]
    fn emoji_tasks_have_their_shapes_and_ranges() {
        let set = emoji_mini::load(&Vendor::SHIPPABLE).unwrap();
        let style = style_pairs(&set, Vendor::Twitter, Vendor::Google, EmojiSplit::Test).unwrap();
        assert_eq!((style.len(), style.input_shape, style.target_shape), (53, [3, 64, 64], [3, 64, 64]));
        assert_ne!(style.input(0), style.target(0));
        let colour = colorize_pairs(&set, Vendor::Google, EmojiSplit::Train).unwrap();
        assert_eq!((colour.len(), colour.input_shape, colour.target_shape), (216, [1, 64, 64], [2, 64, 64]));
        assert!(colour.inputs.iter().chain(&colour.targets).all(|v| (0.0..=1.0).contains(v)));
        // The white background: L = 100, a = b = 0 → unit (1, 128/255, 128/255).
        assert!((colour.input(0)[0] - 1.0).abs() < 1e-3 && (colour.target(0)[0] - 128.0 / 255.0).abs() < 1e-3);
        let edges = edges_to_emoji_pairs(&set, Vendor::Google, EmojiSplit::Valid, EMOJI_EDGE_THRESHOLD).unwrap();
        let dark = edges.inputs.iter().filter(|&&v| v == 0.0).count() as f64 / edges.inputs.len() as f64;
        assert!((0.02..0.5).contains(&dark), "share of edge pixels {dark}");
    }

    #[test]
    fn padding_centres_and_crop_inverts() {
        let image: Vec<f32> = (0..6).map(|v| v as f32).collect(); // [2, 3]
        let padded = pad_centred(&image, 2, 3, 4, -1.0);
        // top = (4 − 2)/2 = 1, left = (4 − 3)/2 = 0.
        assert_eq!(padded[0..4], [-1.0; 4]);
        assert_eq!(padded[4..8], [0.0, 1.0, 2.0, -1.0]);
        assert_eq!(padded[8..12], [3.0, 4.0, 5.0, -1.0]);
        assert_eq!(padded[12..16], [-1.0; 4]);
        assert_eq!(crop_centred(&padded, 4, 2, 3), image);
    }
}
