//! Fashion-MNIST scenes: pictures with a label for every pixel, for the segmentation lecture.
//!
//! The M2NIST idea with garments. A **scene** is a square canvas (64×64 by default) holding 1–4
//! garments (28×28 images) taken from one split: training scenes from training images, test scenes
//! from test images. Each garment sits at a random integer position fully inside the canvas;
//! garments may overlap.
//!
//! ## The labelling rule
//!
//! A *garment pixel* is one whose intensity (on the `[0, 1]` scale, byte / 255) is **above** the
//! threshold ([`DEFAULT_THRESHOLD`] = 0.2, configurable). Every canvas pixel gets one of
//! [`NUM_SCENE_CLASSES`] = 11 labels: `0` = background, or `1 + c` where `c` is the class (0–9) of
//! the garment whose pixel it shows. The names are [`FASHION_SCENE_CLASSES`]: "background" then the
//! ten Fashion-MNIST classes.
//!
//! ## Compositing order
//!
//! The canvas starts black and all background. Garments are painted in the order they were drawn,
//! each one writing its garment pixels (intensity *and* label) over whatever is there, so the later
//! garment is on top where two overlap. Its pixels at or below the threshold write nothing. Hence:
//!
//! - every background pixel has intensity exactly 0, and every labelled pixel's intensity is above
//!   the threshold: the image and the mask agree everywhere;
//! - the faint fringe of each garment (its pixels between 0 and the threshold) is dropped, so the
//!   garments' edges are a little harder than in Fashion-MNIST itself.
//!
//! ## Determinism and random access
//!
//! Scene `i` of a split depends on the seed, the split and `i` only: its random generator is
//! [`Rng`] forked from the seed by split and then by index, so scene 17 is the same whether or
//! not scenes 0–16 were made first, and a data loader can make any batch in any order. The two
//! splits use separate streams, so training and test scenes do not share layouts.
//!
//! ```
//! use atelier_segmentation::scenes::{Garments, SceneConfig, SceneGenerator, SceneSplit};
//! let data = atelier_data::load_from(atelier_data::DataSource::Embedded)?;
//! let garments = Garments::from_dataset(&data, SceneSplit::Test)?;
//! let scenes = SceneGenerator::new(SceneConfig::default(), garments)?;
//! let scene = scenes.scene(17);
//! assert_eq!(scene.labels.len(), 64 * 64); // [64 * 64], values 0..=10
//! # Ok::<(), atelier_data::DataError>(())
//! ```

use atelier_core::rng::Rng;
use atelier_data::dataset::{Dataset, FASHION_MNIST_CLASSES, NUM_CLASSES};
use atelier_data::error::DataError;
use atelier_data::masks::MaskedImages;

/// Side of the default square canvas, in pixels.
pub const DEFAULT_CANVAS_SIZE: usize = 64;
/// Fewest garments in a scene, by default.
pub const DEFAULT_MIN_GARMENTS: usize = 1;
/// Most garments in a scene, by default.
pub const DEFAULT_MAX_GARMENTS: usize = 4;
/// A pixel belongs to a garment when its intensity in `[0, 1]` is above this.
pub const DEFAULT_THRESHOLD: f32 = 0.2;

/// The label of a pixel no garment covers.
pub const BACKGROUND: u8 = 0;
/// The name of label [`BACKGROUND`].
pub const BACKGROUND_NAME: &str = "background";
/// Background plus one label per garment class.
pub const NUM_SCENE_CLASSES: usize = NUM_CLASSES + 1;

/// The label names of Fashion-MNIST scenes: entry `k` names label `k`.
pub const FASHION_SCENE_CLASSES: [&str; NUM_SCENE_CLASSES] = {
    let mut names = [BACKGROUND_NAME; NUM_SCENE_CLASSES];
    let mut class = 0;
    while class < NUM_CLASSES {
        names[class + 1] = FASHION_MNIST_CLASSES[class];
        class += 1;
    }
    names
};

/// The label names of scenes made of objects with these class names (a dataset's
/// `class_names`, e.g. MNIST's digits): "background" first, then each class.
pub fn scene_class_names<S: AsRef<str>>(object_classes: &[S]) -> Vec<String> {
    std::iter::once(BACKGROUND_NAME).chain(object_classes.iter().map(AsRef::as_ref)).map(str::to_string).collect()
}

/// Which split scenes come from: it picks the images and keeps the two splits' layouts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SceneSplit {
    Train,
    Test,
}

impl SceneSplit {
    pub const ALL: [SceneSplit; 2] = [SceneSplit::Train, SceneSplit::Test];

    /// One line of `--help`.
    pub fn about(self) -> &'static str {
        match self {
            SceneSplit::Train => "the training split's garments",
            SceneSplit::Test => "the test split's garments",
        }
    }

    /// The lower-case name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SceneSplit::Train => "train",
            SceneSplit::Test => "test",
        }
    }

    /// The random stream this split's scenes are forked from.
    fn stream(self) -> u64 {
        match self {
            SceneSplit::Train => 0,
            SceneSplit::Test => 1,
        }
    }
}

atelier_core::choice_value!(SceneSplit);

/// How scenes are made.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneConfig {
    /// Side of the square canvas in pixels; at least the garments' size.
    pub canvas_size: usize,
    /// Fewest garments in a scene (at least 1).
    pub min_garments: usize,
    /// Most garments in a scene (at least `min_garments`).
    pub max_garments: usize,
    /// Intensity in `[0, 1)` above which a garment's pixel is painted and labelled.
    pub threshold: f32,
    /// With the split and the index, all that a scene depends on.
    pub seed: u64,
}

impl Default for SceneConfig {
    fn default() -> Self {
        SceneConfig {
            canvas_size: DEFAULT_CANVAS_SIZE,
            min_garments: DEFAULT_MIN_GARMENTS,
            max_garments: DEFAULT_MAX_GARMENTS,
            threshold: DEFAULT_THRESHOLD,
            seed: 0,
        }
    }
}

impl SceneConfig {
    /// Checks the settings for garments of `rows`×`cols` pixels.
    pub fn validate(&self, rows: usize, cols: usize) -> Result<(), DataError> {
        let refuse = |reason: String| Err(DataError::Invalid { what: "scene config".to_string(), reason });
        if self.min_garments == 0 {
            return refuse("a scene needs at least 1 garment (min_garments is 0)".to_string());
        }
        if self.min_garments > self.max_garments {
            return refuse(format!(
                "min_garments ({}) is above max_garments ({})",
                self.min_garments, self.max_garments
            ));
        }
        if self.canvas_size < rows || self.canvas_size < cols {
            return refuse(format!(
                "the {size}×{size} canvas is smaller than a {rows}×{cols} garment",
                size = self.canvas_size
            ));
        }
        if !(0.0..1.0).contains(&self.threshold) {
            return refuse(format!("the threshold must lie in [0, 1), got {}", self.threshold));
        }
        Ok(())
    }
}

/// The garments scenes are made from: one split's images and labels, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Garments<'a> {
    split: SceneSplit,
    images: &'a [u8], // [count * rows * cols], 0 = black, 255 = white
    labels: &'a [u8], // [count], classes below NUM_CLASSES
    rows: usize,
    cols: usize,
}

impl<'a> Garments<'a> {
    /// Garments from the raw images (`rows`×`cols` bytes each, row-major, one after the other) and
    /// labels of `split`. Refuses an empty split, lengths that disagree and labels that are no class.
    pub fn new(
        split: SceneSplit,
        images: &'a [u8],
        labels: &'a [u8],
        rows: usize,
        cols: usize,
    ) -> Result<Self, DataError> {
        let refuse = |reason: String| {
            Err(DataError::Invalid { what: format!("scene garments ({} split)", split.name()), reason })
        };
        if labels.is_empty() {
            return refuse("the split holds no images to make scenes from".to_string());
        }
        if rows == 0 || cols == 0 {
            return refuse(format!("garments must not be empty, got {rows}×{cols}"));
        }
        if Some(images.len()) != labels.len().checked_mul(rows * cols) {
            return refuse(format!(
                "{} labels need {} bytes of {rows}×{cols} images, got {}",
                labels.len(),
                labels.len().saturating_mul(rows * cols),
                images.len()
            ));
        }
        if let Some(index) = labels.iter().position(|&label| usize::from(label) >= NUM_CLASSES) {
            return refuse(format!("label {} at index {index} is not a class below {NUM_CLASSES}", labels[index]));
        }
        Ok(Garments { split, images, labels, rows, cols })
    }

    /// The garments of one split of a loaded dataset.
    pub fn from_dataset(data: &'a Dataset, split: SceneSplit) -> Result<Self, DataError> {
        let images = match split {
            SceneSplit::Train => &data.train,
            SceneSplit::Test => &data.test,
        };
        Garments::new(split, &images.images.pixels, &images.labels, images.images.rows, images.images.cols)
    }

    /// Number of garments to choose from.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false: an empty split is refused by [`Garments::new`].
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The split they come from.
    pub fn split(&self) -> SceneSplit {
        self.split
    }

    /// Garment height and width in pixels.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The pixels of garment `index`, row-major. // [rows * cols]
    ///
    /// # Panics
    /// If `index >= self.len()`, like slice indexing.
    pub fn image(&self, index: usize) -> &'a [u8] {
        let size = self.rows * self.cols;
        &self.images[index * size..(index + 1) * size]
    }

    /// The class (0–9) of garment `index`.
    ///
    /// # Panics
    /// If `index >= self.len()`, like slice indexing.
    pub fn class(&self, index: usize) -> u8 {
        self.labels[index]
    }
}

/// Where to paint one garment: which image, and its top-left corner on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index of the image among the [`Garments`].
    pub image: usize,
    /// Canvas row of the garment's top edge.
    pub top: usize,
    /// Canvas column of the garment's left edge.
    pub left: usize,
}

/// One garment of a scene, as painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacedGarment {
    /// Index of the image among the [`Garments`].
    pub image: usize,
    /// Its class (0–9); its pixels are labelled `class + 1`.
    pub class: u8,
    /// Canvas row of its top edge.
    pub top: usize,
    /// Canvas column of its left edge.
    pub left: usize,
}

/// One scene: a grey image and its per-pixel labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scene {
    /// Side of the square canvas.
    pub size: usize,
    /// Intensities, row-major, 0 = black (background), 255 = white. // [size * size]
    pub pixels: Vec<u8>,
    /// Labels, row-major: [`BACKGROUND`] or `1 + class`. // [size * size]
    pub labels: Vec<u8>,
    /// The garments in painting order (the last one is on top).
    pub garments: Vec<PlacedGarment>,
}

impl Scene {
    /// The intensities as floats in `[0, 1]`, the form the networks eat. // [size * size]
    pub fn unit_pixels(&self) -> Vec<f32> {
        atelier_data::dataset::to_unit_floats(&self.pixels)
    }
}

/// Makes the scenes of one split: checked once, then any scene by its index.
#[derive(Debug, Clone)]
pub struct SceneGenerator<'a> {
    config: SceneConfig,
    garments: Garments<'a>,
}

impl<'a> SceneGenerator<'a> {
    /// A generator of scenes made of `garments`, refusing a config that cannot make them.
    pub fn new(config: SceneConfig, garments: Garments<'a>) -> Result<Self, DataError> {
        let (rows, cols) = garments.shape();
        config.validate(rows, cols)?;
        Ok(SceneGenerator { config, garments })
    }

    /// The settings.
    pub fn config(&self) -> &SceneConfig {
        &self.config
    }

    /// The garments scenes are made of.
    pub fn garments(&self) -> &Garments<'a> {
        &self.garments
    }

    /// Scene number `index` of the split: a function of (seed, split, index) alone.
    pub fn scene(&self, index: usize) -> Scene {
        let placements = self.draw_placements(index);
        self.paint(&placements)
    }

    /// The scene with garments at the given places, painted in the given order (the last one on
    /// top). Refuses an image index out of range or a garment that sticks out of the canvas.
    pub fn compose(&self, placements: &[Placement]) -> Result<Scene, DataError> {
        let (rows, cols) = self.garments.shape();
        let size = self.config.canvas_size;
        for (n, placement) in placements.iter().enumerate() {
            let refuse = |reason: String| Err(DataError::Invalid { what: format!("scene garment {n}"), reason });
            if placement.image >= self.garments.len() {
                return refuse(format!("image {} is out of range 0..{}", placement.image, self.garments.len()));
            }
            if placement.top + rows > size || placement.left + cols > size {
                return refuse(format!(
                    "a {rows}×{cols} garment at row {}, column {} sticks out of the {size}×{size} canvas",
                    placement.top, placement.left
                ));
            }
        }
        Ok(self.paint(placements))
    }

    /// The garments of scene `index`: how many, which images, where (always fully inside).
    fn draw_placements(&self, index: usize) -> Vec<Placement> {
        let mut rng = scene_rng(self.config.seed, self.garments.split(), index);
        let (min, max) = (self.config.min_garments, self.config.max_garments);
        let count = min + rng.below(max - min + 1);
        let (rows, cols) = self.garments.shape();
        let size = self.config.canvas_size;
        (0..count)
            .map(|_| Placement {
                image: rng.below(self.garments.len()),
                top: rng.below(size - rows + 1),
                left: rng.below(size - cols + 1),
            })
            .collect()
    }

    /// Paints checked placements in order: each garment pixel above the threshold overwrites the
    /// canvas pixel and its label; the others write nothing.
    fn paint(&self, placements: &[Placement]) -> Scene {
        let size = self.config.canvas_size;
        let (rows, cols) = self.garments.shape();
        let mut pixels = vec![0u8; size * size]; // [size * size]
        let mut labels = vec![BACKGROUND; size * size]; // [size * size]
        let mut garments = Vec::with_capacity(placements.len());
        for placement in placements {
            let class = self.garments.class(placement.image);
            let image = self.garments.image(placement.image); // [rows * cols]
            for row in 0..rows {
                for col in 0..cols {
                    let value = image[row * cols + col];
                    if is_garment_pixel(value, self.config.threshold) {
                        let at = (placement.top + row) * size + placement.left + col;
                        pixels[at] = value;
                        labels[at] = class + 1;
                    }
                }
            }
            garments.push(PlacedGarment { image: placement.image, class, top: placement.top, left: placement.left });
        }
        Scene { size, pixels, labels, garments }
    }
}

/// True when a pixel of this byte intensity belongs to its garment: `value / 255 > threshold`.
pub fn is_garment_pixel(value: u8, threshold: f32) -> bool {
    f32::from(value) / 255.0 > threshold
}

/// The random generator of scene `index` of `split`: forked from the seed by split, then by index.
fn scene_rng(seed: u64, split: SceneSplit, index: usize) -> Rng {
    Rng::new(seed).fork(split.stream()).fork(index as u64)
}

/// Scenes `0..count` of a generator as a masked set (grey, one channel); `class_names` names the
/// labels ([`scene_class_names`] of the dataset's classes).
pub fn masked_scenes(generator: &SceneGenerator, count: usize, class_names: Vec<String>) -> MaskedImages {
    let size = generator.config().canvas_size;
    let mut set = MaskedImages::empty([1, size, size], class_names);
    for index in 0..count {
        let scene = generator.scene(index);
        set.push(&scene.pixels, &scene.labels, format!("scene-{index:05}"));
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDE: usize = 28;

    /// `count` random 28×28 garments of classes `k % 10`: about half the pixels black, the rest
    /// of any intensity, so that every garment has faint pixels (at or below the threshold) too.
    fn noisy_garments(count: usize) -> (Vec<u8>, Vec<u8>) {
        let mut rng = Rng::new(99);
        let images =
            (0..count * SIDE * SIDE).map(|_| if rng.below(2) == 0 { 0 } else { rng.below(256) as u8 }).collect();
        let labels = (0..count).map(|k| (k % NUM_CLASSES) as u8).collect();
        (images, labels)
    }

    fn generator<'a>(config: SceneConfig, images: &'a [u8], labels: &'a [u8]) -> SceneGenerator<'a> {
        let garments = Garments::new(SceneSplit::Train, images, labels, SIDE, SIDE).unwrap();
        SceneGenerator::new(config, garments).unwrap()
    }

    #[test]
    fn the_same_seed_and_index_give_the_same_scene_and_other_indices_differ() {
        let (images, labels) = noisy_garments(30);
        let scenes = generator(SceneConfig::default(), &images, &labels);
        let again = generator(SceneConfig::default(), &images, &labels);
        assert_eq!(scenes.scene(5), again.scene(5));
        assert_ne!(scenes.scene(5), scenes.scene(6));
        let other_seed = generator(SceneConfig { seed: 1, ..SceneConfig::default() }, &images, &labels);
        assert_ne!(scenes.scene(5), other_seed.scene(5));
    }

    #[test]
    fn a_scene_made_alone_equals_the_same_scene_made_after_others() {
        let (images, labels) = noisy_garments(30);
        let scenes = generator(SceneConfig { seed: 7, ..SceneConfig::default() }, &images, &labels);
        let in_order: Vec<Scene> = (0..18).map(|i| scenes.scene(i)).collect();
        let alone = generator(SceneConfig { seed: 7, ..SceneConfig::default() }, &images, &labels).scene(17);
        assert_eq!(alone, in_order[17]);
    }

    #[test]
    fn train_and_test_scenes_have_different_layouts() {
        let (images, labels) = noisy_garments(30);
        let train = generator(SceneConfig::default(), &images, &labels);
        let test_garments = Garments::new(SceneSplit::Test, &images, &labels, SIDE, SIDE).unwrap();
        let test = SceneGenerator::new(SceneConfig::default(), test_garments).unwrap();
        assert!((0..10).any(|i| train.scene(i).garments != test.scene(i).garments));
    }

    #[test]
    fn labels_agree_with_pixels() {
        let (images, labels) = noisy_garments(30);
        let config = SceneConfig { threshold: 0.3, ..SceneConfig::default() };
        let scenes = generator(config.clone(), &images, &labels);
        let garments = scenes.garments();
        for i in 0..100 {
            let scene = scenes.scene(i);
            for (at, (&pixel, &label)) in scene.pixels.iter().zip(&scene.labels).enumerate() {
                assert_eq!(label == BACKGROUND, pixel == 0, "scene {i}, pixel {at}");
                let (row, col) = (at / scene.size, at % scene.size);
                // The topmost garment with a garment pixel here, searched from the top down.
                let on_top = scene.garments.iter().rev().find_map(|g| {
                    let inside = (g.top..g.top + SIDE).contains(&row) && (g.left..g.left + SIDE).contains(&col);
                    let value = inside.then(|| garments.image(g.image)[(row - g.top) * SIDE + col - g.left])?;
                    is_garment_pixel(value, config.threshold).then_some((g.class, value))
                });
                match on_top {
                    Some((class, value)) => {
                        assert_eq!((label, pixel), (class + 1, value), "scene {i}, pixel {at}");
                        assert!(f32::from(pixel) / 255.0 > config.threshold);
                    }
                    None => assert_eq!((label, pixel), (BACKGROUND, 0), "scene {i}, pixel {at}"),
                }
            }
        }
    }

    #[test]
    fn the_later_garment_wins_where_two_overlap() {
        // Garment 0 (class 2): a 10×10 square of 200 at rows/cols 0..10, a faint fringe of 40
        // (0.16, below the threshold) around it at rows/cols 10..12.
        // Garment 1 (class 7): a 10×10 square of 120 at rows/cols 0..10, nothing else.
        let mut images = vec![0u8; 2 * SIDE * SIDE];
        for row in 0..12 {
            for col in 0..12 {
                images[row * SIDE + col] = if row < 10 && col < 10 { 200 } else { 40 };
                if row < 10 && col < 10 {
                    images[SIDE * SIDE + row * SIDE + col] = 120;
                }
            }
        }
        let labels = [2u8, 7];
        let scenes = generator(SceneConfig::default(), &images, &labels);
        // Garment 1 at (5, 5) covers garment 0's square at rows/cols 5..10, and rows/cols 10..15.
        let scene = scenes
            .compose(&[Placement { image: 0, top: 0, left: 0 }, Placement { image: 1, top: 5, left: 5 }])
            .unwrap();
        let at = |row: usize, col: usize| (scene.labels[row * 64 + col], scene.pixels[row * 64 + col]);
        assert_eq!(at(2, 2), (3, 200), "only garment 0");
        assert_eq!(at(7, 7), (8, 120), "both: the later one wins");
        assert_eq!(at(12, 12), (8, 120), "only garment 1");
        assert_eq!(at(11, 2), (BACKGROUND, 0), "garment 0's faint fringe is dropped");
        assert_eq!(at(11, 7), (8, 120), "garment 0's fringe under garment 1: garment 1");
        assert_eq!(at(20, 20), (BACKGROUND, 0));
        // The other order: garment 0 on top where both are above the threshold.
        let scene = scenes
            .compose(&[Placement { image: 1, top: 5, left: 5 }, Placement { image: 0, top: 0, left: 0 }])
            .unwrap();
        assert_eq!((scene.labels[7 * 64 + 7], scene.pixels[7 * 64 + 7]), (3, 200));
        assert_eq!((scene.labels[11 * 64 + 7], scene.pixels[11 * 64 + 7]), (8, 120), "the fringe writes nothing");
        let classes: Vec<u8> = scene.garments.iter().map(|g| g.class).collect();
        assert_eq!(classes, [7, 2], "painting order");
    }

    #[test]
    fn every_garment_count_occurs_and_every_garment_lies_inside() {
        let (images, labels) = noisy_garments(30);
        let scenes = generator(SceneConfig::default(), &images, &labels);
        let mut seen = [0usize; DEFAULT_MAX_GARMENTS + 1];
        for i in 0..200 {
            let scene = scenes.scene(i);
            seen[scene.garments.len()] += 1;
            for g in &scene.garments {
                assert!(g.top + SIDE <= 64 && g.left + SIDE <= 64, "scene {i}: {g:?}");
                assert_eq!(g.class, labels[g.image]);
            }
        }
        assert_eq!(seen[0], 0);
        assert!(seen[1..].iter().all(|&n| n > 20), "garment counts 0..=4 seen {seen:?} times");
        // A fixed count, and a canvas the size of a garment (one place only).
        let exact = SceneConfig { canvas_size: SIDE, min_garments: 3, max_garments: 3, ..SceneConfig::default() };
        let scene = generator(exact, &images, &labels).scene(0);
        assert_eq!(scene.garments.len(), 3);
        assert!(scene.garments.iter().all(|g| (g.top, g.left) == (0, 0)));
    }

    #[test]
    fn bad_configs_and_garments_are_refused() {
        let (images, labels) = noisy_garments(3);
        let garments = Garments::new(SceneSplit::Test, &images, &labels, SIDE, SIDE).unwrap();
        let refused = |config: SceneConfig| SceneGenerator::new(config, garments).unwrap_err().to_string();
        let default = SceneConfig::default;
        assert!(refused(SceneConfig { min_garments: 0, ..default() }).contains("at least 1 garment"));
        assert!(refused(SceneConfig { min_garments: 0, max_garments: 0, ..default() }).contains("at least 1"));
        assert!(refused(SceneConfig { min_garments: 3, max_garments: 2, ..default() }).contains("above max_garments"));
        assert!(refused(SceneConfig { canvas_size: 27, ..default() }).contains("smaller than a 28×28 garment"));
        for threshold in [-0.1, 1.0, 1.5, f32::NAN] {
            assert!(refused(SceneConfig { threshold, ..default() }).contains("[0, 1)"), "{threshold}");
        }
        assert!(SceneGenerator::new(SceneConfig { threshold: 0.0, ..default() }, garments).is_ok());

        let refused_garments =
            |images: &[u8], labels: &[u8]| Garments::new(SceneSplit::Test, images, labels, SIDE, SIDE).unwrap_err();
        let empty = refused_garments(&[], &[]).to_string();
        assert!(empty.contains("test split") && empty.contains("no images"), "{empty}");
        assert!(refused_garments(&images[1..], &labels).to_string().contains("bytes"));
        let mut bad_labels = labels.clone();
        bad_labels[1] = 10;
        assert!(refused_garments(&images, &bad_labels).to_string().contains("label 10 at index 1"));
        assert!(matches!(refused_garments(&[], &[]), DataError::Invalid { .. }));
    }

    #[test]
    fn compose_refuses_garments_outside_the_canvas() {
        let (images, labels) = noisy_garments(3);
        let scenes = generator(SceneConfig::default(), &images, &labels);
        let outside = scenes.compose(&[Placement { image: 0, top: 37, left: 0 }]).unwrap_err().to_string();
        assert!(outside.contains("sticks out"), "{outside}");
        let missing = scenes.compose(&[Placement { image: 3, top: 0, left: 0 }]).unwrap_err().to_string();
        assert!(missing.contains("out of range"), "{missing}");
        assert!(scenes.compose(&[Placement { image: 2, top: 36, left: 36 }]).is_ok());
    }

    #[test]
    fn scene_classes_are_background_then_the_garments() {
        assert_eq!(FASHION_SCENE_CLASSES.len(), 11);
        assert_eq!(FASHION_SCENE_CLASSES[0], "background");
        assert_eq!(&FASHION_SCENE_CLASSES[1..], &FASHION_MNIST_CLASSES);
        assert_eq!(scene_class_names(&FASHION_MNIST_CLASSES), FASHION_SCENE_CLASSES);
        assert_eq!(scene_class_names(&["0".to_string()]), ["background", "0"]);
    }

    #[test]
    fn real_garments_from_the_embedded_set_make_scenes() {
        let data = atelier_data::load_from(atelier_data::DataSource::Embedded).unwrap();
        for split in [SceneSplit::Train, SceneSplit::Test] {
            let garments = Garments::from_dataset(&data, split).unwrap();
            assert_eq!(garments.shape(), (SIDE, SIDE));
            let scenes = SceneGenerator::new(SceneConfig::default(), garments).unwrap();
            let mut classes_seen = [false; NUM_SCENE_CLASSES];
            for i in 0..50 {
                let scene = scenes.scene(i);
                for (&pixel, &label) in scene.pixels.iter().zip(&scene.labels) {
                    classes_seen[usize::from(label)] = true;
                    assert_eq!(label == BACKGROUND, pixel == 0);
                    assert!(label == BACKGROUND || is_garment_pixel(pixel, DEFAULT_THRESHOLD));
                }
                // Every garment shows: a real garment has pixels above the threshold, and it is
                // wholly hidden only if later garments cover all of them.
                let top = scene.garments.last().unwrap();
                assert!(scene.labels.contains(&(top.class + 1)), "scene {i}");
                assert!(scene.unit_pixels().iter().all(|v| (0.0..=1.0).contains(v)));
            }
            assert!(classes_seen.iter().all(|&seen| seen), "{split:?}: every label occurs in 50 scenes");
        }
    }

    #[test]
    fn scenes_fill_a_set_that_agrees_with_the_generator() {
        let data = atelier_data::load_from(atelier_data::DataSource::Embedded).unwrap();
        let garments = Garments::from_dataset(&data, SceneSplit::Test).unwrap();
        let generator = SceneGenerator::new(SceneConfig::default(), garments).unwrap();
        let set = masked_scenes(&generator, 5, scene_class_names(&data.class_names));
        assert_eq!((set.len(), set.image_shape, set.num_classes()), (5, [1, 64, 64], 11));
        let scene = generator.scene(3);
        assert_eq!((set.image(3), set.mask(3)), (&scene.pixels[..], &scene.labels[..]));
        assert_eq!(set.names[3], "scene-00003");
    }
}
