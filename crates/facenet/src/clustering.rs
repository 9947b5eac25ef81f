//! Clustering identities: k-means on the embeddings, scored against the true identities.
//!
//! ```text
//!   purity = 1/N · Σ_clusters max_identity |cluster ∩ identity|
//!   NMI    = I(C; Y) / ((H(C) + H(Y)) / 2)        (arithmetic normalisation, scikit-learn's default)
//! ```

use atelier_core::Rng;

/// Lloyd's k-means with k-means++ seeding (Arthur & Vassilvitskii 2007) on `points` (`n` rows of
/// `dim`), at most `iterations` rounds. Returns each point's cluster in `0..k`.
pub fn kmeans(points: &[f32], dim: usize, k: usize, iterations: usize, rng: &mut Rng) -> Vec<usize> {
    let n = points.len() / dim.max(1);
    let k = k.clamp(1, n.max(1));
    if n == 0 {
        return Vec::new();
    }
    let row = |i: usize| &points[i * dim..(i + 1) * dim];
    let squared = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>();
    // k-means++: the first centre uniformly, each next one with probability ∝ d² to the nearest.
    let mut centres: Vec<f32> = row(rng.below(n)).to_vec();
    let mut nearest: Vec<f32> = (0..n).map(|i| squared(row(i), &centres[..dim])).collect();
    while centres.len() < k * dim {
        let total: f64 = nearest.iter().map(|&d| f64::from(d)).sum();
        let chosen = if total > 0.0 {
            let mut target = f64::from(rng.next_f32()) * total;
            nearest
                .iter()
                .position(|&d| {
                    target -= f64::from(d);
                    target <= 0.0
                })
                .unwrap_or(n - 1)
        } else {
            rng.below(n)
        };
        let start = centres.len();
        centres.extend_from_slice(row(chosen));
        for (i, d) in nearest.iter_mut().enumerate() {
            *d = d.min(squared(row(i), &centres[start..start + dim]));
        }
    }
    let mut assignment = vec![usize::MAX; n];
    for _ in 0..iterations {
        let mut changed = false;
        for (i, slot) in assignment.iter_mut().enumerate() {
            let best = (0..k)
                .min_by(|&a, &b| {
                    squared(row(i), &centres[a * dim..(a + 1) * dim])
                        .total_cmp(&squared(row(i), &centres[b * dim..(b + 1) * dim]))
                })
                .unwrap_or(0);
            changed |= *slot != best;
            *slot = best;
        }
        if !changed {
            break;
        }
        let mut sums = vec![0.0f64; k * dim];
        let mut sizes = vec![0usize; k];
        for (i, &c) in assignment.iter().enumerate() {
            sizes[c] += 1;
            for (s, &x) in sums[c * dim..(c + 1) * dim].iter_mut().zip(row(i)) {
                *s += f64::from(x);
            }
        }
        for c in 0..k {
            if sizes[c] > 0 {
                for d in 0..dim {
                    centres[c * dim + d] = (sums[c * dim + d] / sizes[c] as f64) as f32;
                }
            } // an empty cluster keeps its centre
        }
    }
    assignment
}

/// The contingency table `counts[c][y]` of clusters against identities.
fn contingency(identities: &[usize], clusters: &[usize]) -> Vec<Vec<usize>> {
    let (ny, nc) = (identities.iter().max().map_or(0, |m| m + 1), clusters.iter().max().map_or(0, |m| m + 1));
    let mut table = vec![vec![0usize; ny]; nc];
    for (&y, &c) in identities.iter().zip(clusters) {
        table[c][y] += 1;
    }
    table
}

/// Share of points whose cluster's majority identity is theirs.
pub fn purity(identities: &[usize], clusters: &[usize]) -> f64 {
    let table = contingency(identities, clusters);
    let majority: usize = table.iter().map(|row| row.iter().copied().max().unwrap_or(0)).sum();
    majority as f64 / identities.len().max(1) as f64
}

/// Normalised mutual information between clusters and identities (1: the same partition).
pub fn nmi(identities: &[usize], clusters: &[usize]) -> f64 {
    let n = identities.len() as f64;
    if n == 0.0 {
        return f64::NAN;
    }
    let table = contingency(identities, clusters);
    let cluster_sizes: Vec<f64> = table.iter().map(|row| row.iter().sum::<usize>() as f64).collect();
    let identity_sizes: Vec<f64> =
        (0..table.first().map_or(0, Vec::len)).map(|y| table.iter().map(|row| row[y]).sum::<usize>() as f64).collect();
    let entropy = |sizes: &[f64]| -sizes.iter().filter(|&&s| s > 0.0).map(|&s| s / n * (s / n).ln()).sum::<f64>();
    let mut mutual = 0.0;
    for (c, row) in table.iter().enumerate() {
        for (y, &count) in row.iter().enumerate() {
            if count > 0 {
                let joint = count as f64 / n;
                mutual += joint * (joint / (cluster_sizes[c] / n * identity_sizes[y] / n)).ln();
            }
        }
    }
    let (hc, hy) = (entropy(&cluster_sizes), entropy(&identity_sizes));
    if hc + hy == 0.0 { 1.0 } else { mutual / ((hc + hy) / 2.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purity_and_nmi_on_known_partitions() {
        // The same partition under other names: both 1.
        assert_eq!(purity(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
        assert!((nmi(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
        // One cluster for two equal identities: purity ½, NMI 0 (no information).
        assert_eq!(purity(&[0, 0, 1, 1], &[0, 0, 0, 0]), 0.5);
        assert!(nmi(&[0, 0, 1, 1], &[0, 0, 0, 0]).abs() < 1e-12);
        // scikit-learn: normalized_mutual_info_score([0,0,0,1,1,1], [0,0,1,1,2,2]) = 0.5158037429793889
        assert!((nmi(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]) - 0.515_803_742_979_388_9).abs() < 1e-9);
        assert!((purity(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]) - 5.0 / 6.0).abs() < 1e-12);
    }

    /// Three well separated blobs are found whatever the seed.
    #[test]
    fn kmeans_finds_separated_blobs() {
        let mut points = Vec::new();
        let mut truth = Vec::new();
        for (blob, centre) in [(0usize, [0.0f32, 0.0]), (1, [10.0, 0.0]), (2, [0.0, 10.0])] {
            for i in 0..20 {
                points.extend([centre[0] + 0.1 * (i % 5) as f32, centre[1] + 0.1 * (i / 5) as f32]);
                truth.push(blob);
            }
        }
        for seed in 0..5 {
            let clusters = kmeans(&points, 2, 3, 50, &mut Rng::new(seed));
            assert_eq!(purity(&truth, &clusters), 1.0, "seed {seed}");
            assert!((nmi(&truth, &clusters) - 1.0).abs() < 1e-12);
        }
    }
}
