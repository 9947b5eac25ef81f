//! Verification: "are these two images the same identity?" answered by `d(x₁, x₂) < t`.
//!
//! - **ROC AUC**: the probability that a same-identity pair is closer than a different-identity
//!   pair (ties count ½), i.e. the area under the curve of true against false accept rates as `t`
//!   moves (Mann–Whitney form).
//! - **Accuracy at the best threshold, 10-fold** (the LFW protocol): the pairs are cut into 10
//!   folds; for each fold the threshold that is best on the other 9 is applied to it; the mean and
//!   standard deviation of the 10 accuracies are reported.
//! - **TAR at FAR = f**: the largest threshold accepting at most a fraction `f` of the different
//!   pairs, and the fraction of same pairs it accepts. With `N` different pairs the smallest
//!   non-zero FAR is `1/N`, so FAR = 1e-3 needs well over 1,000 of them to mean anything.

/// One pair: its distance and whether both images show the same identity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredPair {
    pub distance: f32,
    pub same: bool,
}

/// `P(d_same < d_diff) + ½ P(d_same = d_diff)` over all (same, different) combinations.
pub fn roc_auc(pairs: &[ScoredPair]) -> f64 {
    let mut sorted: Vec<ScoredPair> = pairs.to_vec();
    sorted.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    let (same_total, diff_total) = counts(&sorted);
    if same_total == 0 || diff_total == 0 {
        return f64::NAN;
    }
    // Walk by increasing distance; each different pair wins over every same pair seen before it.
    let (mut same_before, mut wins) = (0usize, 0.0f64);
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].distance == sorted[i].distance {
            j += 1;
        }
        let (same_here, diff_here) = counts(&sorted[i..j]);
        wins += diff_here as f64 * (same_before as f64 + 0.5 * same_here as f64);
        same_before += same_here;
        i = j;
    }
    wins / (same_total as f64 * diff_total as f64)
}

fn counts(pairs: &[ScoredPair]) -> (usize, usize) {
    let same = pairs.iter().filter(|p| p.same).count();
    (same, pairs.len() - same)
}

/// The threshold with the best accuracy on `pairs` (`same` ⇔ `distance ≤ t`; candidates are the
/// midpoints between consecutive distances and the ends), and that accuracy.
pub fn best_threshold(pairs: &[ScoredPair]) -> (f32, f64) {
    let mut sorted: Vec<ScoredPair> = pairs.to_vec();
    sorted.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    let (_, diff_total) = counts(&sorted);
    // Threshold below everything: every pair rejected, the different ones right.
    let mut best = (sorted.first().map_or(0.0, |p| p.distance - 1.0), diff_total);
    let mut correct = diff_total;
    for (i, pair) in sorted.iter().enumerate() {
        correct = if pair.same { correct + 1 } else { correct - 1 };
        let next = sorted.get(i + 1).map(|p| p.distance);
        if next == Some(pair.distance) {
            continue; // a threshold cannot split equal distances
        }
        if correct > best.1 {
            best = (next.map_or(pair.distance + 1.0, |n| 0.5 * (pair.distance + n)), correct);
        }
    }
    (best.0, best.1 as f64 / pairs.len().max(1) as f64)
}

/// Accuracy on `pairs` of `distance ≤ threshold ⇔ same`.
pub fn accuracy_at(pairs: &[ScoredPair], threshold: f32) -> f64 {
    let right = pairs.iter().filter(|p| (p.distance <= threshold) == p.same).count();
    right as f64 / pairs.len().max(1) as f64
}

/// The LFW protocol: `folds` consecutive folds, each scored at the best threshold of the others.
/// Returns (mean, standard deviation) of the fold accuracies.
pub fn cross_validated_accuracy(pairs: &[ScoredPair], folds: usize) -> (f64, f64) {
    let fold_of = |i: usize| i * folds / pairs.len().max(1);
    let accuracies: Vec<f64> = (0..folds)
        .map(|fold| {
            let (test, train): (Vec<(usize, &ScoredPair)>, Vec<_>) =
                pairs.iter().enumerate().partition(|(i, _)| fold_of(*i) == fold);
            let train: Vec<ScoredPair> = train.into_iter().map(|(_, p)| *p).collect();
            let test: Vec<ScoredPair> = test.into_iter().map(|(_, p)| *p).collect();
            accuracy_at(&test, best_threshold(&train).0)
        })
        .collect();
    let mean = accuracies.iter().sum::<f64>() / folds as f64;
    let variance = accuracies.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / folds as f64;
    (mean, variance.sqrt())
}

/// True accept rate at a false accept rate of at most `far`: `(TAR, threshold)`.
pub fn tar_at_far(pairs: &[ScoredPair], far: f64) -> (f64, f32) {
    let mut different: Vec<f32> = pairs.iter().filter(|p| !p.same).map(|p| p.distance).collect();
    different.sort_by(f32::total_cmp);
    let allowed = (far * different.len() as f64).floor() as usize; // different pairs we may accept
    // Accept strictly below the (allowed+1)-th smallest different distance.
    let threshold = different.get(allowed).map_or(f32::INFINITY, |&d| d);
    let same: Vec<f32> = pairs.iter().filter(|p| p.same).map(|p| p.distance).collect();
    let accepted = same.iter().filter(|&&d| d < threshold).count();
    (accepted as f64 / same.len().max(1) as f64, threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(same: &[f32], different: &[f32]) -> Vec<ScoredPair> {
        let mut out: Vec<ScoredPair> = same.iter().map(|&d| ScoredPair { distance: d, same: true }).collect();
        out.extend(different.iter().map(|&d| ScoredPair { distance: d, same: false }));
        out
    }

    /// Same pairs at 0.1, 0.4; different at 0.3, 0.5, 0.4. Of the 6 (same, different)
    /// combinations, 0.1 beats all three, 0.4 beats 0.5, ties 0.4, loses to 0.3:
    /// AUC = (3 + 1 + 0.5) / 6 = 0.75.
    #[test]
    fn auc_on_a_known_case() {
        assert!((roc_auc(&pairs(&[0.1, 0.4], &[0.3, 0.5, 0.4])) - 0.75).abs() < 1e-12);
        assert_eq!(roc_auc(&pairs(&[0.1, 0.2], &[0.3])), 1.0);
        assert_eq!(roc_auc(&pairs(&[0.5], &[0.3])), 0.0);
    }

    /// Same at 0.1, 0.2, 0.6; different at 0.5, 0.7, 0.8: the best threshold sits between 0.2 and
    /// 0.5 (0.35) with 5/6 right (only the same pair at 0.6 wrong).
    #[test]
    fn best_threshold_and_cross_validation() {
        let p = pairs(&[0.1, 0.2, 0.6], &[0.5, 0.7, 0.8]);
        let (t, acc) = best_threshold(&p);
        assert!((t - 0.35).abs() < 1e-6 && (acc - 5.0 / 6.0).abs() < 1e-12, "{t} {acc}");
        assert_eq!(accuracy_at(&p, 0.65), 5.0 / 6.0); // now the different pair at 0.5 is accepted
        assert_eq!(accuracy_at(&p, 0.0), 0.5);
        // Perfectly separated pairs, same and different interleaved: every fold is right.
        let separable: Vec<ScoredPair> = (0..40)
            .map(|i| ScoredPair {
                distance: if i % 2 == 0 { 0.01 * i as f32 } else { 10.0 + i as f32 },
                same: i % 2 == 0,
            })
            .collect();
        assert_eq!(cross_validated_accuracy(&separable, 10), (1.0, 0.0));
    }

    /// Ten different pairs at 1..=10, FAR 0.1 allows one: the threshold is the 2nd smallest (2);
    /// same pairs at 0.5, 1.5, 2.5 → two of three accepted.
    #[test]
    fn tar_at_far_on_a_known_case() {
        let different: Vec<f32> = (1..=10).map(|d| d as f32).collect();
        let (tar, threshold) = tar_at_far(&pairs(&[0.5, 1.5, 2.5], &different), 0.1);
        assert_eq!((threshold, tar), (2.0, 2.0 / 3.0));
        let (tar, threshold) = tar_at_far(&pairs(&[0.5, 1.5, 2.5], &different), 0.0);
        assert_eq!((threshold, tar), (1.0, 1.0 / 3.0));
    }
}
