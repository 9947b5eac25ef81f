//! Two domains of images that are not paired, for CycleGAN: `X` and `Y`, each image with its
//! class (emoji category, garment class) so that evaluation can ask whether a translation kept it.
//!
//! | task | `X` | `Y` |
//! |---|---|---|
//! | [`emoji_halves`] | Twitter renderings of one half of the training emoji | Google renderings of the other half |
//! | [`fashion_halves`] | Sobel edge maps of the first half of a Fashion split (`[1, 32, 32]`) | garments of the second half |
//! | [`folder_domains`] | `trainA/` (or `testA/`) | `trainB/` (or `testB/`) |
//!
//! The emoji halves are drawn by base emoji (the base and its skin-tone variants stay together):
//! the training emoji's bases, in catalogue order, alternate between `X` and `Y`, so no emoji is
//! ever seen in both styles during training.

use std::collections::HashMap;

use atelier_data::dataset::Split;
use atelier_data::emoji::{EmojiSet, EmojiSplit, SIZE, Vendor};
use atelier_data::error::DataError;
use atelier_data::folders::NamedImage;
use atelier_data::pairs::StyledImages;
use atelier_data::translation::edges_to_fashion_pairs;

/// Style label of the `X` images and of the `Y` images in their [`StyledImages`].
pub const DOMAIN_X: usize = 0;
pub const DOMAIN_Y: usize = 1;

/// The two domains, each `[n, c, h, w]` in `[0, 1]` with a class per image (`content`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnpairedSet {
    pub x: StyledImages,
    pub y: StyledImages,
}

impl UnpairedSet {
    /// `[c, h, w]` of every image (both domains share it).
    pub fn shape(&self) -> [usize; 3] {
        self.x.shape
    }

    fn checked(self, what: &str) -> Result<Self, DataError> {
        if self.x.is_empty() || self.y.is_empty() {
            return Err(DataError::Invalid {
                what: what.into(),
                reason: format!("a domain is empty ({} X and {} Y images)", self.x.len(), self.y.len()),
            });
        }
        if self.x.shape != self.y.shape {
            return Err(DataError::Invalid {
                what: what.into(),
                reason: format!("X images are {:?} but Y images {:?}", self.x.shape, self.y.shape),
            });
        }
        Ok(self)
    }
}

/// The training emoji split in two halves by base emoji: `X` = `x_style` drawings of one half,
/// `Y` = `y_style` drawings of the other.
pub fn emoji_halves(set: &EmojiSet, x_style: Vendor, y_style: Vendor) -> Result<UnpairedSet, DataError> {
    let of = |vendor: Vendor| {
        set.images_of(vendor).ok_or_else(|| DataError::Invalid {
            what: set.source.clone(),
            reason: format!("the {} style is not loaded", vendor.name()),
        })
    };
    let (x_images, y_images) = (of(x_style)?, of(y_style)?);
    let mut half_of_base: HashMap<&str, usize> = HashMap::new();
    let mut out = UnpairedSet { x: StyledImages::new([3, SIZE, SIZE]), y: StyledImages::new([3, SIZE, SIZE]) };
    for i in set.indices(EmojiSplit::Train) {
        let entry = &set.entries[i];
        let next = half_of_base.len() % 2;
        match *half_of_base.entry(entry.base.as_str()).or_insert(next) {
            DOMAIN_X => out.x.push(&x_images[i].to_planar_unit(), entry.category, DOMAIN_X),
            _ => out.y.push(&y_images[i].to_planar_unit(), entry.category, DOMAIN_Y),
        }
    }
    out.checked(&set.source)
}

/// A Fashion split's first `count / 2` images as edge maps (`X`) and the next `count / 2` as
/// garments (`Y`), padded to 32×32; `count` = the split's size or `limit`.
pub fn fashion_halves(split: &Split, threshold: f32, limit: Option<usize>) -> Result<UnpairedSet, DataError> {
    let pairs = edges_to_fashion_pairs(split, threshold, limit)?;
    let half = pairs.len() / 2;
    let mut out = UnpairedSet { x: StyledImages::new(pairs.input_shape), y: StyledImages::new(pairs.target_shape) };
    for i in 0..half {
        out.x.push(pairs.input(i), pairs.labels[i], DOMAIN_X);
        out.y.push(pairs.target(half + i), pairs.labels[half + i], DOMAIN_Y);
    }
    out.checked("edges-fashion")
}

/// Two folders' images as the domains (RGB, every image already at one size; class 0).
pub fn folder_domains(a: &[NamedImage], b: &[NamedImage], what: &str) -> Result<UnpairedSet, DataError> {
    let domain = |images: &[NamedImage], style: usize| -> Result<StyledImages, DataError> {
        let first =
            images.first().ok_or_else(|| DataError::Invalid { what: what.into(), reason: "no images".into() })?;
        let mut out = StyledImages::new([3, first.image.height, first.image.width]);
        for named in images {
            out.push(&named.image.to_planar_unit(), 0, style);
        }
        Ok(out)
    };
    UnpairedSet { x: domain(a, DOMAIN_X)?, y: domain(b, DOMAIN_Y)? }.checked(what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_emoji_halves_never_share_an_emoji() {
        let set = atelier_data::emoji_mini::load(&[Vendor::Twitter, Vendor::Google]).unwrap();
        let halves = emoji_halves(&set, Vendor::Twitter, Vendor::Google).unwrap();
        let train = set.indices(EmojiSplit::Train);
        assert_eq!(halves.x.len() + halves.y.len(), train.len(), "every training image lands in one half");
        let bases = |domain: usize| -> HashSet<&str> {
            let mut seen = HashSet::new();
            let mut half_of_base: HashMap<&str, usize> = HashMap::new();
            for &i in &train {
                let next = half_of_base.len() % 2;
                if *half_of_base.entry(set.entries[i].base.as_str()).or_insert(next) == domain {
                    seen.insert(set.entries[i].base.as_str());
                }
            }
            seen
        };
        let (x, y) = (bases(DOMAIN_X), bases(DOMAIN_Y));
        assert!(x.is_disjoint(&y));
        assert!(x.len().abs_diff(y.len()) <= 1, "halves of {} and {} emoji", x.len(), y.len());
        // X holds Twitter drawings: the first X image is the Twitter drawing of the first training emoji.
        let first = train[0];
        assert_eq!(halves.x.image(0), set.images_of(Vendor::Twitter).unwrap()[first].to_planar_unit().as_slice());
        assert!(halves.x.style.iter().all(|&s| s == DOMAIN_X) && halves.y.style.iter().all(|&s| s == DOMAIN_Y));
        assert!(emoji_halves(&set, Vendor::Twitter, Vendor::Facebook).unwrap_err().to_string().contains("facebook"));
    }

    #[test]
    fn the_fashion_halves_are_edges_then_garments_of_other_images() {
        let data = atelier_data::load_from(atelier_data::DataSource::Embedded).unwrap();
        let halves = fashion_halves(&data.train, 0.5, Some(10)).unwrap();
        assert_eq!((halves.x.len(), halves.y.len(), halves.shape()), (5, 5, [1, 32, 32]));
        let pairs = edges_to_fashion_pairs(&data.train, 0.5, Some(10)).unwrap();
        assert_eq!(halves.x.image(0), pairs.input(0), "X: the edge map of image 0");
        assert_eq!(halves.y.image(0), pairs.target(5), "Y: the garment of image 5");
        assert_eq!(halves.y.content[0], usize::from(data.train.labels[5]));
        assert!(fashion_halves(&data.train, 0.5, Some(1)).unwrap_err().to_string().contains("empty"));
    }
}
