//! Images grouped by identity: what the metric-learning lecture trains and scores on.
//!
//! An [`IdentityImages`] holds `n` images of one shape `[channels, height, width]` (bytes, planar),
//! the identity of each (an index into `identity_names`) and the style it is drawn in (an index
//! into `style_names`: the emoji vendor, or one style for a dataset without styles). It is filled
//! from
//! - a Fashion-MNIST split, each class an identity ([`IdentityImages::from_split`]);
//! - an emoji set, each base emoji an identity whose views are its renderings by each vendor and its
//!   skin-tone variants ([`IdentityImages::from_emoji`]);
//! - a folder with one sub-folder per identity, the LFW layout ([`IdentityImages::from_labelled`]).

use std::collections::BTreeMap;

use atelier_core::rng::Rng;
use atelier_data::augment::AugmentConfig;
use atelier_data::colour::ColourImage;
use atelier_data::dataset::Split;
use atelier_data::emoji::{EmojiSet, EmojiSplit};
use atelier_data::folders::LabelledImages;

/// The colour of an image's surroundings: what augmentation fills uncovered pixels with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    /// Fashion-MNIST, MNIST: garments on black.
    Black,
    /// Emoji, composited on white.
    White,
}

/// Images with identities and styles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityImages {
    /// `[channels, height, width]` of every image.
    pub image_shape: [usize; 3],
    /// `[n, channels, height, width]` row-major bytes, 0 = black.
    pub pixels: Vec<u8>,
    /// Entry `i` is image `i`'s identity, an index into `identity_names`.
    pub identities: Vec<usize>,
    pub identity_names: Vec<String>,
    /// Entry `i` is image `i`'s style, an index into `style_names`.
    pub styles: Vec<usize>,
    pub style_names: Vec<String>,
    pub background: Background,
}

impl IdentityImages {
    /// An empty set of the given shape, identities and styles.
    pub fn empty(
        image_shape: [usize; 3],
        identity_names: Vec<String>,
        style_names: Vec<String>,
        background: Background,
    ) -> Self {
        Self {
            image_shape,
            pixels: Vec::new(),
            identities: Vec::new(),
            identity_names,
            styles: Vec::new(),
            style_names,
            background,
        }
    }

    /// Appends one image (planar bytes of `image_shape`).
    pub fn push(&mut self, planar: &[u8], identity: usize, style: usize) {
        debug_assert_eq!(planar.len(), self.image_len());
        self.pixels.extend_from_slice(planar);
        self.identities.push(identity);
        self.styles.push(style);
    }

    pub fn len(&self) -> usize {
        self.identities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
    }

    pub fn num_identities(&self) -> usize {
        self.identity_names.len()
    }

    /// Values in one image, `c·h·w`.
    pub fn image_len(&self) -> usize {
        self.image_shape.iter().product()
    }

    /// Image `i`'s bytes. // [channels * height * width]
    pub fn image(&self, i: usize) -> &[u8] {
        let len = self.image_len();
        &self.pixels[i * len..(i + 1) * len]
    }

    /// Image `i` as planar floats in `[0, 1]`.
    pub fn image_unit(&self, i: usize) -> Vec<f32> {
        self.image(i).iter().map(|&b| f32::from(b) / 255.0).collect()
    }

    /// For every identity, the indices of its images (in order).
    pub fn views_by_identity(&self) -> Vec<Vec<usize>> {
        let mut views = vec![Vec::new(); self.num_identities()];
        for (i, &identity) in self.identities.iter().enumerate() {
            views[identity].push(i);
        }
        views
    }

    /// The images at `indices`, in that order (identity and style names kept).
    pub fn subset(&self, indices: &[usize]) -> Self {
        let mut out =
            Self::empty(self.image_shape, self.identity_names.clone(), self.style_names.clone(), self.background);
        for &i in indices {
            out.push(self.image(i), self.identities[i], self.styles[i]);
        }
        out
    }

    /// Indices of the images drawn in `style` (by name), or None when the set has no such style.
    pub fn of_style(&self, style: &str) -> Option<Vec<usize>> {
        let s = self.style_names.iter().position(|n| n == style)?;
        Some((0..self.len()).filter(|&i| self.styles[i] == s).collect())
    }

    /// A Fashion-MNIST (or MNIST) split with each class an identity named by `class_names`.
    pub fn from_split(split: &Split, class_names: &[String], style: &str) -> Self {
        let (rows, cols) = (split.images.rows, split.images.cols);
        let mut out = Self::empty([1, rows, cols], class_names.to_vec(), vec![style.to_string()], Background::Black);
        for i in 0..split.len() {
            out.push(split.images.image(i), usize::from(split.labels[i]), 0);
        }
        out
    }

    /// The emoji of `split`, each base emoji one identity (named by its short name); its views
    /// are every loaded vendor's rendering of it and of its skin-tone variants.
    pub fn from_emoji(set: &EmojiSet, split: EmojiSplit) -> Self {
        let mut identity_of: BTreeMap<&str, usize> = BTreeMap::new();
        let mut names = Vec::new();
        for entry in set.entries.iter().filter(|e| e.split == split) {
            identity_of.entry(entry.base.as_str()).or_insert_with(|| {
                names.push(entry.name.clone());
                names.len() - 1
            });
        }
        let styles = set.vendors.iter().map(|v| v.name().to_string()).collect();
        let mut out =
            Self::empty([3, atelier_data::emoji::SIZE, atelier_data::emoji::SIZE], names, styles, Background::White);
        for (style, images) in set.images.iter().enumerate() {
            for (entry, image) in set.entries.iter().zip(images) {
                if entry.split == split {
                    out.push(&planar_bytes(&image.pixels, 3), identity_of[entry.base.as_str()], style);
                }
            }
        }
        out
    }

    /// An image folder (`root/<identity>/<image>`), in `channels` (1: grey by luminance, 3: colour).
    pub fn from_labelled(images: &LabelledImages, channels: usize, background: Background) -> Self {
        let (w, h) = images.images.first().map_or((0, 0), |i| (i.image.width, i.image.height));
        let mut out = Self::empty([channels, h, w], images.class_names.clone(), vec!["folder".into()], background);
        for (named, &identity) in images.images.iter().zip(&images.labels) {
            out.push_colour(&named.image, identity, 0);
        }
        out
    }

    /// Appends a decoded image, resized to this set's side and converted to its channels (grey by
    /// luminance).
    pub fn push_colour(&mut self, image: &ColourImage, identity: usize, style: usize) {
        let [channels, h, w] = self.image_shape;
        let image = image.clone().resized_to(w, h);
        let planar = planar_bytes(&image.pixels, 3);
        let planar = match channels {
            1 => luminance(&planar, w * h),
            _ => planar,
        };
        self.push(&planar, identity, style);
    }
}

/// One random view of a planar image `[c, h, w]` in `[0, 1]`: `augment`'s transforms with the same
/// draws on every channel (so colours stay aligned), pixels from outside filled with `background`.
pub fn augment_view(
    augment: &AugmentConfig,
    planar: &[f32],
    [c, h, w]: [usize; 3],
    background: Background,
    rng: &mut Rng,
) -> Vec<f32> {
    // The transforms fill with black (0): on a white background they work on the negative.
    let flip = |x: f32| match background {
        Background::Black => x,
        Background::White => 1.0 - x,
    };
    let mut out = Vec::with_capacity(planar.len());
    let start = rng.clone();
    for plane in planar.chunks_exact(h * w).take(c) {
        let mut draws = start.clone(); // every plane sees the same draws …
        let negative: Vec<f32> = plane.iter().map(|&x| flip(x)).collect();
        out.extend(augment.apply(&negative, h, w, &mut draws).into_iter().map(flip));
        *rng = draws; // … and the caller's generator moves on past them
    }
    out
}

/// Interleaved `[h, w, c]` bytes → planar `[c, h, w]`.
fn planar_bytes(interleaved: &[u8], channels: usize) -> Vec<u8> {
    let plane = interleaved.len() / channels;
    let mut out = vec![0u8; interleaved.len()];
    for (i, pixel) in interleaved.chunks_exact(channels).enumerate() {
        for (c, &v) in pixel.iter().enumerate() {
            out[c * plane + i] = v;
        }
    }
    out
}

/// Planar RGB → one grey plane (ITU-R 601 luma, as `image`'s grey conversion).
fn luminance(planar: &[u8], plane: usize) -> Vec<u8> {
    (0..plane)
        .map(|i| {
            let (r, g, b) = (f32::from(planar[i]), f32::from(planar[plane + i]), f32::from(planar[2 * plane + i]));
            (0.299 * r + 0.587 * g + 0.114 * b).round().clamp(0.0, 255.0) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_data::idx::ImageSet;

    #[test]
    fn a_split_becomes_one_identity_per_class() {
        let split =
            Split { images: ImageSet { rows: 1, cols: 2, pixels: vec![1, 2, 3, 4, 5, 6] }, labels: vec![1, 0, 1] };
        let names = vec!["a".to_string(), "b".to_string()];
        let set = IdentityImages::from_split(&split, &names, "fashion");
        assert_eq!(set.len(), 3);
        assert_eq!(set.image(2), &[5, 6]);
        assert_eq!(set.views_by_identity(), vec![vec![1], vec![0, 2]]);
        assert_eq!(set.subset(&[2, 1]).identities, vec![1, 0]);
        assert_eq!(set.of_style("fashion"), Some(vec![0, 1, 2]));
        assert_eq!(set.of_style("google"), None);
    }

    #[test]
    fn the_embedded_emoji_give_identities_in_both_styles() {
        let set = atelier_data::emoji_mini::load(&[
            atelier_data::emoji::Vendor::Google,
            atelier_data::emoji::Vendor::Twitter,
        ])
        .unwrap();
        let test = IdentityImages::from_emoji(&set, EmojiSplit::Test);
        let train = IdentityImages::from_emoji(&set, EmojiSplit::Train);
        assert_eq!(test.style_names, ["google", "twitter"]);
        assert_eq!(test.image_shape, [3, 64, 64]);
        // Every identity is seen in both styles, and train and test identities are disjoint.
        for views in test.views_by_identity() {
            let styles: std::collections::BTreeSet<usize> = views.iter().map(|&i| test.styles[i]).collect();
            assert_eq!(styles.len(), 2);
        }
        assert!(test.identity_names.iter().all(|n| !train.identity_names.contains(n)));
        assert_eq!(planar_bytes(&[1, 2, 3, 4, 5, 6], 3), vec![1, 4, 2, 5, 3, 6]);
    }

    /// A decoded colour image joins a grey set by luminance (ITU-R 601) and a colour set as planes,
    /// resized to the set's side either way.
    #[test]
    fn decoded_images_are_converted_to_the_sets_shape() {
        let red = ColourImage { width: 2, height: 2, pixels: [255, 0, 0].repeat(4) };
        let mut grey = IdentityImages::empty([1, 1, 1], vec!["a".into()], vec!["s".into()], Background::White);
        grey.push_colour(&red, 0, 0);
        assert_eq!(grey.image(0), &[76]); // 0.299 · 255
        let mut colour = IdentityImages::empty([3, 2, 2], vec!["a".into()], vec!["s".into()], Background::White);
        colour.push_colour(&red, 0, 0);
        assert_eq!(colour.image(0), &[255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    /// A shifted view of a white-background colour image: every channel moves the same way and
    /// the uncovered column is white, not black.
    #[test]
    fn views_move_every_channel_alike_and_fill_with_the_background() {
        let shift = AugmentConfig { max_translate: 1, ..AugmentConfig::default() };
        // [3, 1, 3]: a dark middle pixel on white, in each channel.
        let image = [1.0, 0.2, 1.0, 1.0, 0.4, 1.0, 1.0, 0.6, 1.0];
        let mut moved = 0;
        for seed in 0..20 {
            let view = augment_view(&shift, &image, [3, 1, 3], Background::White, &mut Rng::new(seed));
            let dark: Vec<usize> = (0..3).map(|c| (0..3).position(|x| view[c * 3 + x] < 0.9).unwrap_or(9)).collect();
            assert!(dark.iter().all(|&x| x == dark[0]), "channels moved apart: {view:?}");
            assert!(view.iter().all(|&v| v > 0.1), "black fill: {view:?}");
            moved += usize::from(dark[0] != 1);
        }
        assert!(moved > 0);
    }
}
