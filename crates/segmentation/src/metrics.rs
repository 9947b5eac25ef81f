//! How good a segmentation is: the confusion matrix of pixels and what it gives (IoU per class,
//! mean IoU, pixel accuracy), and the accuracy near class boundaries. Host code on label bytes.

/// Pixels counted by (true class, predicted class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix {
    classes: usize,
    /// `counts[truth * classes + predicted]`. // [classes * classes]
    counts: Vec<u64>,
}

impl ConfusionMatrix {
    pub fn new(classes: usize) -> Self {
        Self { classes, counts: vec![0; classes * classes] }
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Counts every pixel of one mask pair (`truth` and `predicted` of equal length); labels at or
    /// beyond the class count are ignored.
    pub fn add(&mut self, truth: &[u8], predicted: &[u8]) {
        for (&t, &p) in truth.iter().zip(predicted) {
            self.add_pixel(t, p);
        }
    }

    /// Counts the pixels where `keep` is true.
    pub fn add_where(&mut self, truth: &[u8], predicted: &[u8], keep: &[bool]) {
        for ((&t, &p), &k) in truth.iter().zip(predicted).zip(keep) {
            if k {
                self.add_pixel(t, p);
            }
        }
    }

    fn add_pixel(&mut self, truth: u8, predicted: u8) {
        let (t, p) = (usize::from(truth), usize::from(predicted));
        if t < self.classes && p < self.classes {
            self.counts[t * self.classes + p] += 1;
        }
    }

    /// Pixels of true class `truth` predicted as `predicted`.
    pub fn count(&self, truth: usize, predicted: usize) -> u64 {
        self.counts[truth * self.classes + predicted]
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// `IoU_k = TP / (TP + FP + FN)`: the overlap of the pixels predicted `k` and the pixels that
    /// are `k`, over their union. `None` when the class is neither present nor predicted.
    pub fn iou(&self, class: usize) -> Option<f64> {
        let tp = self.count(class, class);
        let truth: u64 = (0..self.classes).map(|p| self.count(class, p)).sum();
        let predicted: u64 = (0..self.classes).map(|t| self.count(t, class)).sum();
        let union = truth + predicted - tp;
        (union > 0).then(|| tp as f64 / union as f64)
    }

    /// Mean IoU over the classes present (in the truth or the predictions): `mIoU = 1/|C| Σ_{k∈C} IoU_k`.
    pub fn mean_iou(&self) -> f64 {
        let ious: Vec<f64> = (0..self.classes).filter_map(|k| self.iou(k)).collect();
        if ious.is_empty() { 0.0 } else { ious.iter().sum::<f64>() / ious.len() as f64 }
    }

    /// Fraction of the counted pixels whose prediction is right (0 when none were counted).
    pub fn pixel_accuracy(&self) -> f64 {
        let total = self.total();
        let right: u64 = (0..self.classes).map(|k| self.count(k, k)).sum();
        // No pixel at all (no boundary in these images): the accuracy is not defined, not 0.
        if total == 0 { f64::NAN } else { right as f64 / total as f64 }
    }

    /// Rows normalised to fractions of each true class (for the heatmap). // [classes][classes]
    pub fn row_fractions(&self) -> Vec<Vec<f64>> {
        (0..self.classes)
            .map(|t| {
                let row: u64 = (0..self.classes).map(|p| self.count(t, p)).sum();
                (0..self.classes).map(|p| if row == 0 { 0.0 } else { self.count(t, p) as f64 / row as f64 }).collect()
            })
            .collect()
    }
}

/// The pixels within `radius` of a class boundary: pixel `(r, c)` is in the band when some pixel
/// `(r', c')` of the image with `|r − r'| ≤ radius` and `|c − c'| ≤ radius` has another label.
/// `labels` is `[height * width]` row-major. // → [height * width]
pub fn boundary_band(labels: &[u8], width: usize, height: usize, radius: usize) -> Vec<bool> {
    // A pixel is on an edge when its right or lower neighbour differs; the band is every pixel
    // whose (2·radius + 1)-square window holds both pixels of such an edge pair, i.e. whose window
    // holds two different labels.
    let mut band = vec![false; labels.len()];
    for row in 0..height {
        let rows = row.saturating_sub(radius)..(row + radius + 1).min(height);
        for col in 0..width {
            let cols = col.saturating_sub(radius)..(col + radius + 1).min(width);
            let first = labels[rows.start * width + cols.start];
            band[row * width + col] = rows.clone().any(|r| cols.clone().any(|c| labels[r * width + c] != first));
        }
    }
    band
}

/// The boundary-band radius the lecture's table uses (pixels within 2 px of a boundary).
pub const BOUNDARY_RADIUS: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accuracy_of_no_pixel_is_not_defined_rather_than_zero() {
        assert!(ConfusionMatrix::new(3).pixel_accuracy().is_nan());
    }

    /// A 4×4 truth with a 2×2 square of class 1 in the top-left and a prediction that shifts it one
    /// column right: class 1 has TP 2, FP 2, FN 2 → IoU 2/6; background TP 10, FP 2, FN 2 → 10/14.
    #[test]
    fn iou_miou_and_accuracy_on_a_known_pair() {
        #[rustfmt::skip]
        let truth =     [1, 1, 0, 0,
                         1, 1, 0, 0,
                         0, 0, 0, 0,
                         0, 0, 0, 0];
        #[rustfmt::skip]
        let predicted = [0, 1, 1, 0,
                         0, 1, 1, 0,
                         0, 0, 0, 0,
                         0, 0, 0, 0];
        let mut m = ConfusionMatrix::new(3);
        m.add(&truth, &predicted);
        assert_eq!(m.iou(1), Some(2.0 / 6.0));
        assert_eq!(m.iou(0), Some(10.0 / 14.0));
        assert_eq!(m.iou(2), None, "class 2 is absent: it does not count in the mean");
        assert!((m.mean_iou() - (2.0 / 6.0 + 10.0 / 14.0) / 2.0).abs() < 1e-12);
        assert_eq!(m.pixel_accuracy(), 12.0 / 16.0);
        assert_eq!(m.row_fractions()[1], [0.5, 0.5, 0.0]);
        // A class predicted but absent counts with IoU 0.
        let mut m = ConfusionMatrix::new(3);
        m.add(&[0, 0], &[0, 2]);
        assert_eq!((m.iou(0), m.iou(2)), (Some(0.5), Some(0.0)));
        // A perfect prediction.
        let mut m = ConfusionMatrix::new(3);
        m.add(&truth, &truth);
        assert_eq!((m.mean_iou(), m.pixel_accuracy()), (1.0, 1.0));
    }

    #[test]
    fn the_boundary_band_is_every_pixel_within_radius_of_a_label_change() {
        // 1×8 row: labels change between columns 3 and 4.
        let labels = [0, 0, 0, 0, 1, 1, 1, 1];
        let band = boundary_band(&labels, 8, 1, 2);
        assert_eq!(band, [false, false, true, true, true, true, false, false]);
        let band = boundary_band(&labels, 8, 1, 0);
        assert!(band.iter().all(|b| !b), "radius 0 sees only the pixel itself");
        // A uniform image has no boundary.
        assert!(boundary_band(&[3; 9], 3, 3, 2).iter().all(|b| !b));
        // Counting only the band: the shifted square's errors are all near its boundary.
        let truth = [0, 0, 0, 0, 1, 1, 1, 1];
        let predicted = [0, 0, 0, 1, 1, 1, 1, 1];
        let mut m = ConfusionMatrix::new(2);
        m.add_where(&truth, &predicted, &boundary_band(&truth, 8, 1, 2));
        assert_eq!((m.total(), m.pixel_accuracy()), (4, 0.75));
    }
}
