//! Pairs of images for image-to-image translation: what goes in, what should come out.
//!
//! A [`PairSet`] is the host-side form every translation task is turned into (Twitter→Google
//! emoji, colorization, edges→image): inputs and targets as planar floats `[c, h, w]` in
//! `[0, 1]` per channel (a task that works in another colour space, such as Lab, maps it to
//! `[0, 1]` itself), one label per pair (the emoji category or the garment class), one name per
//! pair (the file it came from).

use crate::error::DataError;

/// Paired images of one split.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSet {
    /// `[channels, height, width]` of every input.
    pub input_shape: [usize; 3],
    /// `[channels, height, width]` of every target.
    pub target_shape: [usize; 3],
    /// `[n, c_in, h, w]` row-major, in `[0, 1]`.
    pub inputs: Vec<f32>,
    /// `[n, c_out, h, w]` row-major, in `[0, 1]`.
    pub targets: Vec<f32>,
    /// A class per pair (emoji category, garment class), for the evaluator's "category kept".
    pub labels: Vec<usize>,
    /// Where each pair came from (file stem), for pictures and error messages.
    pub names: Vec<String>,
}

impl PairSet {
    /// An empty set of the given shapes.
    pub fn empty(input_shape: [usize; 3], target_shape: [usize; 3]) -> Self {
        Self {
            input_shape,
            target_shape,
            inputs: Vec::new(),
            targets: Vec::new(),
            labels: Vec::new(),
            names: Vec::new(),
        }
    }

    /// Appends one pair, checking its sizes.
    pub fn push(
        &mut self,
        input: &[f32],
        target: &[f32],
        label: usize,
        name: impl Into<String>,
    ) -> Result<(), DataError> {
        let name = name.into();
        let (want_in, want_out) = (self.input_len(), self.target_len());
        if input.len() != want_in || target.len() != want_out {
            return Err(DataError::Invalid {
                what: name,
                reason: format!(
                    "pair sizes {} → {} floats, expected {want_in} → {want_out} ({:?} → {:?})",
                    input.len(),
                    target.len(),
                    self.input_shape,
                    self.target_shape
                ),
            });
        }
        self.inputs.extend_from_slice(input);
        self.targets.extend_from_slice(target);
        self.labels.push(label);
        self.names.push(name);
        Ok(())
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Floats per input image.
    pub fn input_len(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// Floats per target image.
    pub fn target_len(&self) -> usize {
        self.target_shape.iter().product()
    }

    /// Input `i`, `[c_in, h, w]`.
    pub fn input(&self, i: usize) -> &[f32] {
        let n = self.input_len();
        &self.inputs[i * n..(i + 1) * n]
    }

    /// Target `i`, `[c_out, h, w]`.
    pub fn target(&self, i: usize) -> &[f32] {
        let n = self.target_len();
        &self.targets[i * n..(i + 1) * n]
    }

    /// The pairs at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> PairSet {
        let mut out = PairSet::empty(self.input_shape, self.target_shape);
        for &i in indices {
            out.inputs.extend_from_slice(self.input(i));
            out.targets.extend_from_slice(self.target(i));
            out.labels.push(self.labels[i]);
            out.names.push(self.names[i].clone());
        }
        out
    }
}

/// An order of the pairs that takes one of each label in turn (label order, then position), so
/// that the first few pairs of a set show every class: what the pictures show first.
pub fn interleaved_by_label(labels: &[usize]) -> Vec<usize> {
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut queues: Vec<std::collections::VecDeque<usize>> = vec![Default::default(); classes];
    for (i, &label) in labels.iter().enumerate() {
        queues[label].push_back(i);
    }
    let mut order = Vec::with_capacity(labels.len());
    while order.len() < labels.len() {
        for queue in &mut queues {
            order.extend(queue.pop_front());
        }
    }
    order
}

/// Mirrors a planar image `[c, h, w]` left to right, in place.
pub fn mirror_planar(image: &mut [f32], [c, h, w]: [usize; 3]) {
    for plane in 0..c {
        for row in 0..h {
            let start = (plane * h + row) * w;
            image[start..start + w].reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_checks_sizes_and_select_keeps_order() {
        let mut set = PairSet::empty([1, 2, 2], [3, 2, 2]);
        set.push(&[0.0; 4], &[1.0; 12], 3, "a").unwrap();
        set.push(&[0.5; 4], &[0.25; 12], 7, "b").unwrap();
        let err = set.push(&[0.0; 3], &[1.0; 12], 0, "bad.png").unwrap_err().to_string();
        assert!(err.contains("bad.png") && err.contains("expected 4 → 12"), "{err}");
        let picked = set.select(&[1, 0]);
        assert_eq!(picked.labels, vec![7, 3]);
        assert_eq!(picked.input(0), &[0.5; 4]);
        assert_eq!(picked.target(1), &[1.0; 12]);
    }

    #[test]
    fn interleaving_takes_each_label_in_turn() {
        assert_eq!(interleaved_by_label(&[0, 0, 1, 2, 2, 2]), vec![0, 2, 3, 1, 4, 5]);
        assert!(interleaved_by_label(&[]).is_empty());
    }

    #[test]
    fn mirror_reverses_each_row_of_each_plane() {
        let mut image: Vec<f32> = (0..12).map(|v| v as f32).collect(); // [2, 2, 3]
        mirror_planar(&mut image, [2, 2, 3]);
        assert_eq!(image, vec![2.0, 1.0, 0.0, 5.0, 4.0, 3.0, 8.0, 7.0, 6.0, 11.0, 10.0, 9.0]);
    }
}

/// Colour images with two labels each: what they show (**content**: the emoji category) and how
/// they are drawn (**style**: the vendor). What the colour evaluator learns from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyledImages {
    /// `[channels, height, width]` of every image.
    pub shape: [usize; 3],
    /// `[n, c, h, w]` row-major, in `[0, 1]`.
    pub pixels: Vec<f32>,
    /// Content class per image.
    pub content: Vec<usize>,
    /// Style class per image.
    pub style: Vec<usize>,
}

impl StyledImages {
    pub fn new(shape: [usize; 3]) -> Self {
        Self { shape, ..Self::default() }
    }

    /// Appends one image (`[c, h, w]` floats) with its labels.
    pub fn push(&mut self, image: &[f32], content: usize, style: usize) {
        assert_eq!(image.len(), self.image_len(), "an image of shape {:?}", self.shape);
        self.pixels.extend_from_slice(image);
        self.content.push(content);
        self.style.push(style);
    }

    pub fn len(&self) -> usize {
        self.content.len()
    }

    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
    }

    pub fn image_len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Image `i`, `[c, h, w]`.
    pub fn image(&self, i: usize) -> &[f32] {
        let n = self.image_len();
        &self.pixels[i * n..(i + 1) * n]
    }
}
