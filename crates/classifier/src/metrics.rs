//! Classification numbers on the host (no IO): accuracy, the confusion matrix, per-class accuracy.

/// `counts[true][predicted]`: how many images of each true class got each prediction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix {
    pub counts: Vec<Vec<usize>>,
}

impl ConfusionMatrix {
    /// Counts `(truth, prediction)` pairs; classes `≥ classes` are an error naming the index.
    pub fn new(truth: &[usize], predictions: &[usize], classes: usize) -> Result<Self, String> {
        if truth.len() != predictions.len() {
            return Err(format!("{} labels but {} predictions", truth.len(), predictions.len()));
        }
        let mut counts = vec![vec![0; classes]; classes];
        for (i, (&t, &p)) in truth.iter().zip(predictions).enumerate() {
            if t >= classes || p >= classes {
                return Err(format!("item {i}: class {} is outside 0..{classes}", t.max(p)));
            }
            counts[t][p] += 1;
        }
        Ok(Self { counts })
    }

    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Fraction of items on the diagonal.
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.counts.len()).map(|c| self.counts[c][c]).sum();
        correct as f64 / self.total().max(1) as f64
    }

    /// Per true class: correct / images of that class (NaN for a class with no images).
    pub fn per_class_accuracy(&self) -> Vec<f64> {
        self.counts
            .iter()
            .enumerate()
            .map(|(c, row)| {
                let n: usize = row.iter().sum();
                if n == 0 { f64::NAN } else { row[c] as f64 / n as f64 }
            })
            .collect()
    }
}

/// The index of the largest score in each row of `scores` (`rows × classes`, row-major).
pub fn argmax_rows(scores: &[f32], classes: usize) -> Vec<usize> {
    scores
        .chunks(classes)
        .map(|row| row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_matrix_of_a_hand_made_case() {
        // truth 0 0 1 2 2 2, predicted 0 1 1 2 2 0: diagonal 0→1, 1→1, 2→2 = 4 of 6.
        let m = ConfusionMatrix::new(&[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 2, 0], 3).unwrap();
        assert_eq!(m.counts, vec![vec![1, 1, 0], vec![0, 1, 0], vec![1, 0, 2]]);
        assert!((m.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        let per_class = m.per_class_accuracy();
        assert_eq!(per_class[..2], [0.5, 1.0]);
        assert!((per_class[2] - 2.0 / 3.0).abs() < 1e-12);
        assert!(ConfusionMatrix::new(&[0, 5], &[0, 1], 3).unwrap_err().contains("class 5"));
        assert!(ConfusionMatrix::new(&[0], &[0, 1], 3).is_err());
    }

    #[test]
    fn argmax_picks_the_largest_score_per_row() {
        assert_eq!(argmax_rows(&[0.1, 0.7, 0.2, 3.0, -1.0, 2.0], 3), vec![1, 0]);
    }
}
