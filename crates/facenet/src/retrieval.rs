//! Identification by nearest neighbours: a query image is recognised as the identity of the
//! gallery images closest to it in the embedding.
//!
//! For a query `q` with `R` gallery images of its identity, and the gallery sorted by distance:
//!
//! ```text
//!   Recall@k = 1 if one of the k nearest gallery images has q's identity, else 0   (averaged)
//!   mAP@R    = 1/R · Σ_{i=1..R} rel(i) · P(i)                                        (averaged)
//! ```
//! where `rel(i)` says whether the `i`-th nearest is of `q`'s identity and `P(i)` is the precision
//! of the first `i` (Musgrave et al. 2020, "A metric learning reality check"). Host code: the
//! distances come from the device a block of queries at a time.

use burn::prelude::*;

use crate::loss::squared_distances;

/// Scores accumulated over queries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retrieval {
    queries: usize,
    hits_at_1: usize,
    hits_at_5: usize,
    average_precision_sum: f64,
    /// Queries whose identity has no other gallery image: left out of the averages, and counted.
    pub without_match: usize,
}

/// The averages of a [`Retrieval`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetrievalScores {
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    pub map_at_r: f64,
    /// Queries scored (those with at least one gallery image of their identity).
    pub queries: usize,
    /// Queries left out: no other image of their identity in the gallery (Recall@k is not defined).
    pub queries_without_match: usize,
}

impl Retrieval {
    /// Adds one query: its distance to every gallery image, the gallery's identities, its own
    /// identity, and the gallery index to leave out (the query itself when the gallery is the
    /// query set).
    pub fn add(&mut self, distances: &[f32], gallery: &[usize], identity: usize, exclude: Option<usize>) {
        self.queries += 1;
        let relevant = gallery.iter().enumerate().filter(|&(j, &g)| g == identity && Some(j) != exclude).count();
        if relevant == 0 {
            self.without_match += 1;
            return;
        }
        let ranked = nearest(distances, relevant.max(5), exclude);
        self.hits_at_1 += usize::from(ranked.first().is_some_and(|&j| gallery[j] == identity));
        self.hits_at_5 += usize::from(ranked.iter().take(5).any(|&j| gallery[j] == identity));
        let mut hits = 0usize;
        let mut precision_sum = 0.0;
        for (rank, &j) in ranked.iter().take(relevant).enumerate() {
            if gallery[j] == identity {
                hits += 1;
                precision_sum += hits as f64 / (rank + 1) as f64;
            }
        }
        self.average_precision_sum += precision_sum / relevant as f64;
    }

    pub fn scores(&self) -> RetrievalScores {
        // With no query to score, the averages are NaN: "not defined" in eval.json.
        let scored = self.queries - self.without_match;
        let n = scored as f64;
        RetrievalScores {
            recall_at_1: self.hits_at_1 as f64 / n,
            recall_at_5: self.hits_at_5 as f64 / n,
            map_at_r: self.average_precision_sum / n,
            queries: scored,
            queries_without_match: self.without_match,
        }
    }
}

/// Recall@1 inside a batch, on the device (no host read): the share of views whose nearest other
/// view of the batch has their identity. `[n, dim]`, `[n]` → `[1]`.
pub fn batch_recall_at_1(embeddings: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [n, _] = embeddings.dims();
    let device = embeddings.device();
    let eye = Tensor::<2>::eye(n, &device).equal_elem(1.0);
    let d = squared_distances(embeddings).mask_fill(eye, f32::MAX); // a view is not its own neighbour
    let nearest = d.argmin(1).reshape([n]); // [n]
    labels.clone().select(0, nearest).equal(labels).float().mean()
}

/// The `k` gallery indices nearest first (ties by index), leaving out `exclude`.
pub fn nearest(distances: &[f32], k: usize, exclude: Option<usize>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..distances.len()).filter(|&j| Some(j) != exclude).collect();
    let by_distance = |a: &usize, b: &usize| distances[*a].total_cmp(&distances[*b]).then(a.cmp(b));
    let k = k.min(order.len());
    if k == 0 {
        return Vec::new();
    }
    if k < order.len() {
        order.select_nth_unstable_by(k - 1, by_distance);
        order.truncate(k);
    }
    order.sort_by(by_distance);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_sorts_and_leaves_out_the_query() {
        let d = [0.5, 0.1, 0.9, 0.1, 0.0];
        assert_eq!(nearest(&d, 3, Some(4)), vec![1, 3, 0]);
        assert_eq!(nearest(&d, 10, None), vec![4, 1, 3, 0, 2]);
    }

    /// A known case: gallery identities [0, 1, 0, 1, 1], query of identity 0 with distances that
    /// rank the gallery 1, 0, 3, 2, 4: the ranked identities are 1, 0, 1, 0, 1. R = 2:
    /// Recall@1 = 0, Recall@5 = 1, AP@R = (0 + 1/2·1)/2 = 0.25 (only rank 2 of the first 2 is relevant).
    /// A second query of identity 1 ranked 1, 3, … : Recall@1 = 1, AP@R over R = 3: ranks 1, 2
    /// relevant, rank 3 (gallery 0) not → (1 + 1)/3.
    #[test]
    fn recall_and_map_at_r_on_a_known_case() {
        let gallery = [0, 1, 0, 1, 1];
        let mut r = Retrieval::default();
        r.add(&[0.2, 0.1, 0.4, 0.3, 0.5], &gallery, 0, None);
        r.add(&[0.3, 0.1, 0.5, 0.2, 0.9], &gallery, 1, None);
        let s = r.scores();
        assert_eq!((s.recall_at_1, s.recall_at_5, s.queries), (0.5, 1.0, 2));
        assert!((s.map_at_r - (0.25 + 2.0 / 3.0) / 2.0).abs() < 1e-12, "{s:?}");
        // A query without any gallery image of its identity is left out of the averages and counted.
        r.add(&[0.1; 5], &gallery, 7, None);
        let s = r.scores();
        assert_eq!((s.recall_at_1, s.queries, s.queries_without_match), (0.5, 2, 1));
        // With no query to score, Recall@k is not defined (NaN), not 0.
        let mut lonely = Retrieval::default();
        lonely.add(&[0.1; 5], &gallery, 7, None);
        assert!(lonely.scores().recall_at_1.is_nan());
    }
}
