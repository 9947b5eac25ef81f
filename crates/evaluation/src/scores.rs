//! FCD, Inception Score and class coverage from the evaluator's outputs (host, f64).

use atelier_layers::linalg::{frechet_distance, mean_and_covariance};

use crate::evaluator::EvaluatorOutputs;

/// Fréchet Classifier Distance between two sets of evaluator features:
/// `‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2·(Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2})`.
pub fn fcd(a: &EvaluatorOutputs, b: &EvaluatorOutputs) -> Result<f64, String> {
    if a.feature_dim != b.feature_dim {
        return Err(format!("feature sizes differ: {} vs {}", a.feature_dim, b.feature_dim));
    }
    if a.count < 2 || b.count < 2 {
        return Err(format!("FCD needs at least 2 images per set (got {} and {})", a.count, b.count));
    }
    let d = a.feature_dim;
    let (mean_a, cov_a) = mean_and_covariance(&a.features, a.count, d);
    let (mean_b, cov_b) = mean_and_covariance(&b.features, b.count, d);
    let distance = frechet_distance(&mean_a, &cov_a, &mean_b, &cov_b);
    if !distance.is_finite() {
        // `f64::max` would turn NaN into 0: the best possible score.
        return Err(format!("FCD came out {distance} (the feature covariances are degenerate)"));
    }
    // Only rounding makes the exact distance negative.
    Ok(distance.max(0.0))
}

/// Classifier Inception Score `exp(E_x KL(p(y|x) ‖ p(y)))` with `p(y) = E_x p(y|x)`;
/// `0·log 0` terms count as 0. Ranges from 1 (all images alike) to the number of classes.
pub fn inception_score(outputs: &EvaluatorOutputs) -> f64 {
    let c = outputs.classes;
    let n = outputs.count.max(1) as f64;
    let mut marginal = vec![0.0f64; c];
    for row in outputs.probabilities.chunks(c) {
        for (m, p) in marginal.iter_mut().zip(row) {
            *m += f64::from(*p) / n;
        }
    }
    let mean_kl: f64 = outputs
        .probabilities
        .chunks(c)
        .map(|row| {
            row.iter()
                .zip(&marginal)
                .filter(|(p, _)| **p > 0.0)
                .map(|(p, m)| {
                    let p = f64::from(*p);
                    p * (p.ln() - m.max(f64::MIN_POSITIVE).ln())
                })
                .sum::<f64>()
        })
        .sum::<f64>()
        / n;
    mean_kl.exp()
}

/// Which classes the evaluator sees in a set of images.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Images predicted as each class.
    pub histogram: Vec<usize>,
    /// Classes holding at least 1% of the images.
    pub classes_covered: usize,
}

/// The predicted-class histogram and the number of classes with ≥ 1% of the images.
pub fn coverage(outputs: &EvaluatorOutputs) -> Coverage {
    let c = outputs.classes;
    let mut histogram = vec![0usize; c];
    for row in outputs.probabilities.chunks(c) {
        let best = row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i);
        histogram[best] += 1;
    }
    let threshold = 0.01 * outputs.count as f64;
    let classes_covered = histogram.iter().filter(|&&h| h > 0 && h as f64 >= threshold).count();
    Coverage { histogram, classes_covered }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(probabilities: Vec<f32>, classes: usize) -> EvaluatorOutputs {
        let count = probabilities.len() / classes;
        EvaluatorOutputs { count, features: probabilities.clone(), feature_dim: classes, probabilities, classes }
    }

    #[test]
    fn a_distance_that_is_not_a_number_is_an_error_never_a_perfect_zero() {
        let good = outputs(vec![0.9, 0.1, 0.2, 0.8, 0.5, 0.5], 2);
        let broken = outputs(vec![f32::NAN, 0.1, 0.2, 0.8, 0.5, 0.5], 2);
        let err = fcd(&good, &broken).unwrap_err();
        assert!(err.contains("FCD came out NaN"), "{err}");
        assert!(fcd(&good, &good).unwrap().abs() < 1e-6);
    }

    #[test]
    fn inception_score_extremes() {
        // One-hot predictions spread evenly over 4 classes: KL = ln 4 for every image → IS = 4.
        let even = outputs(vec![1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1.], 4);
        assert!((inception_score(&even) - 4.0).abs() < 1e-9);
        // Every image the same class: IS = 1.
        let single = outputs(vec![0., 1., 0., 0., 0., 1., 0., 0.], 4);
        assert!((inception_score(&single) - 1.0).abs() < 1e-9);
        // Uniform predictions: p(y|x) = p(y) → IS = 1.
        let unsure = outputs(vec![0.25; 8], 4);
        assert!((inception_score(&unsure) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn coverage_counts_classes_with_at_least_one_percent() {
        let mut p = Vec::new();
        for i in 0..200 {
            let class = if i < 198 { 0 } else { 1 + i % 2 }; // classes 1, 2 get 1 image each = 0.5%
            let mut row = vec![0.0; 3];
            row[class] = 1.0;
            p.extend(row);
        }
        let c = coverage(&outputs(p, 3));
        assert_eq!(c.histogram, vec![198, 1, 1]);
        assert_eq!(c.classes_covered, 1);
    }

    #[test]
    fn fcd_of_a_set_with_itself_is_zero_and_sizes_must_match() {
        let a = outputs(vec![0.2, 0.8, 0.5, 0.5, 0.9, 0.1, 0.3, 0.7], 2);
        assert!(fcd(&a, &a).unwrap() < 1e-9);
        let b = outputs(vec![0.2, 0.3, 0.5], 3);
        assert!(fcd(&a, &b).unwrap_err().contains("feature sizes differ"));
    }
}
