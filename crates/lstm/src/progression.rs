//! The `sequence` task's data: arithmetic and geometric progressions, generated in memory from
//! the run's seed, their normalisation, and the naive baselines.
//!
//! **Parameters.** Arithmetic `a_k = a_0 + k·d` with `a_0 ∈ {0..99}`, `d ∈ {−9..19} \ {0}`;
//! geometric `a_k = a_0·r^k` with `a_0 ∈ {±1..±10}`, `r ∈ {2, 3, 4}`. Every term is an integer.
//!
//! **Held out.** Each parameter pair `(family, a_0, d or r)` belongs to the test pool when a fixed
//! hash of it is divisible by 5 (the same split for every seed): test sequences are sequences
//! never seen in training. Geometric ratios themselves are all seen in training (there are
//! only three); what is held out is the pair (start, ratio).
//!
//! **Normalisation.** Each sequence is divided by its scale `s = max_k |a_k|` over the shown
//! terms, and the model predicts the next term divided by the same `s` (prediction `ŷ = s·m(a/s)`).
//! Both rules are homogeneous — `next(c·a) = c·next(a)` — so this loses nothing and puts every
//! input in `[−1, 1]`; a log transform would not handle zero or negative terms.
//!
//! **Baselines.** "Last value" predicts `a_{T}`; "repeat the last difference" predicts
//! `a_T + (a_T − a_{T−1})` (exact on arithmetic progressions, wrong on geometric ones).

use std::sync::Arc;

use atelier_core::Rng;
use atelier_train::BatchSource;
use burn::prelude::*;

use crate::config::Progression;

/// Which rule generated a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Arithmetic,
    Geometric,
}

/// One progression: the shown terms and the term to predict.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceItem {
    pub family: Family,
    pub terms: Vec<f64>,
    pub next: f64,
}

impl SequenceItem {
    /// `a_0, a_0 + d, …` (`terms` shown, then the next one).
    pub fn arithmetic(a0: i64, d: i64, terms: usize) -> Self {
        let term = |k: usize| (a0 + k as i64 * d) as f64;
        Self { family: Family::Arithmetic, terms: (0..terms).map(term).collect(), next: term(terms) }
    }

    /// `a_0, a_0·r, a_0·r², …`.
    pub fn geometric(a0: i64, r: i64, terms: usize) -> Self {
        let term = |k: usize| (a0 * r.pow(k as u32)) as f64;
        Self { family: Family::Geometric, terms: (0..terms).map(term).collect(), next: term(terms) }
    }

    /// The normalising scale `s = max |a_k|` of the shown terms (at least 1).
    pub fn scale(&self) -> f64 {
        self.terms.iter().fold(1.0_f64, |m, t| m.max(t.abs()))
    }

    /// Baseline "last value": `a_T`.
    pub fn last_value(&self) -> f64 {
        self.terms[self.terms.len() - 1]
    }

    /// Baseline "repeat the last difference": `a_T + (a_T − a_{T−1})`.
    pub fn repeat_last_difference(&self) -> f64 {
        let n = self.terms.len();
        2.0 * self.terms[n - 1] - self.terms[n - 2]
    }
}

/// The parameter pools.
const ARITHMETIC_STARTS: std::ops::RangeInclusive<i64> = 0..=99;
const ARITHMETIC_STEPS: std::ops::RangeInclusive<i64> = -9..=19;
const GEOMETRIC_STARTS: std::ops::RangeInclusive<i64> = -10..=10;
const GEOMETRIC_RATIOS: std::ops::RangeInclusive<i64> = 2..=4;

/// Train or test pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    Train,
    Test,
}

/// Whether parameter pair `(family, a, b)` is held out (a fixed hash, independent of the seed).
pub fn pool_of(family: Family, a: i64, b: i64) -> Pool {
    let key = ((family as u64) << 40) ^ (((a + 1000) as u64) << 20) ^ (b + 1000) as u64;
    if atelier_core::rng::mix(key).is_multiple_of(5) { Pool::Test } else { Pool::Train }
}

/// Every parameter pair of `family` in `pool`.
fn pairs(family: Family, pool: Pool) -> Vec<(i64, i64)> {
    let (starts, steps) = match family {
        Family::Arithmetic => (ARITHMETIC_STARTS, ARITHMETIC_STEPS),
        Family::Geometric => (GEOMETRIC_STARTS, GEOMETRIC_RATIOS),
    };
    let mut out = Vec::new();
    for a in starts {
        for b in steps.clone() {
            let degenerate = match family {
                Family::Arithmetic => b == 0,
                Family::Geometric => a == 0,
            };
            if !degenerate && pool_of(family, a, b) == pool {
                out.push((a, b));
            }
        }
    }
    out
}

/// `count` sequences of `progression` with `terms` shown terms from `pool`, drawn with `seed`
/// (for `Mix`, each family with probability ½).
pub fn generate(progression: Progression, terms: usize, count: usize, pool: Pool, seed: u64) -> Vec<SequenceItem> {
    let arithmetic = pairs(Family::Arithmetic, pool);
    let geometric = pairs(Family::Geometric, pool);
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let family = match progression {
                Progression::Arithmetic => Family::Arithmetic,
                Progression::Geometric => Family::Geometric,
                Progression::Mix if rng.below(2) == 0 => Family::Arithmetic,
                Progression::Mix => Family::Geometric,
            };
            match family {
                Family::Arithmetic => {
                    let (a, d) = arithmetic[rng.below(arithmetic.len())];
                    SequenceItem::arithmetic(a, d, terms)
                }
                Family::Geometric => {
                    let (a, r) = geometric[rng.below(geometric.len())];
                    SequenceItem::geometric(a, r, terms)
                }
            }
        })
        .collect()
}

/// A batch of normalised sequences.
#[derive(Debug, Clone)]
pub struct SequenceBatch {
    /// `a_k / s`, `[n, T, 1]`.
    pub inputs: Tensor<3>,
    /// `a_{T+1} / s`, `[n, 1]`.
    pub targets: Tensor<2>,
    /// `s`, `[n, 1]`.
    pub scales: Tensor<2>,
    /// `a_{T+1}` (integers), `[n, 1]`.
    pub next: Tensor<2>,
}

impl SequenceBatch {
    /// The normalised batch of `items` (all with the same number of terms).
    pub fn new(items: &[&SequenceItem], device: &Device) -> Self {
        let n = items.len();
        let t = items.first().map_or(0, |i| i.terms.len());
        let mut inputs = Vec::with_capacity(n * t);
        let (mut targets, mut scales, mut next) = (Vec::new(), Vec::new(), Vec::new());
        for item in items {
            let s = item.scale();
            inputs.extend(item.terms.iter().map(|a| (a / s) as f32));
            targets.push((item.next / s) as f32);
            scales.push(s as f32);
            next.push(item.next as f32);
        }
        let column = |v: Vec<f32>| Tensor::from_data(TensorData::new(v, [n, 1]), device);
        Self {
            inputs: Tensor::from_data(TensorData::new(inputs, [n, t, 1]), device), // [n, T, 1]
            targets: column(targets),
            scales: column(scales),
            next: column(next),
        }
    }

    pub fn len(&self) -> usize {
        self.targets.dims()[0]
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Generated sequences as a [`BatchSource`] for the shared loop.
#[derive(Clone)]
pub struct SequenceSource {
    pub items: Arc<Vec<SequenceItem>>,
}

impl SequenceSource {
    pub fn new(items: Vec<SequenceItem>) -> Self {
        Self { items: Arc::new(items) }
    }
}

impl BatchSource for SequenceSource {
    type Batch = SequenceBatch;

    fn len(&self) -> usize {
        self.items.len()
    }

    fn batch(&self, indices: &[usize], _rng: &mut Rng, device: &Device) -> SequenceBatch {
        let items: Vec<&SequenceItem> = indices.iter().map(|&i| &self.items[i]).collect();
        SequenceBatch::new(&items, device)
    }
}
