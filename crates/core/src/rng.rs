//! One small deterministic random number generator for the whole course.
//!
//! Shuffling, noise and augmentation all draw from [`Rng`], a SplitMix64 generator
//! (Steele, Lea and Flood, 2014): the state is one `u64` that advances by a fixed odd
//! constant; each output is that state passed through a mixing function. It is fast,
//! passes the usual statistical tests, and — what matters here — the same seed gives
//! the same numbers on every machine, so every run of a lecture can be reproduced.
//!
//! It is *not* cryptographic.

/// The SplitMix64 increment, 2^64 divided by the golden ratio.
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// A SplitMix64 generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator started from `seed`. Any seed is fine, 0 included.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A float uniform in `[0, 1)`, built from the top 24 bits (all an `f32` can hold).
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u32 << 24) as f32
    }

    /// A float uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next_f32()
    }

    /// A standard normal sample (mean 0, variance 1), by the Box–Muller transform:
    /// for `u1` in `(0, 1]` and `u2` in `[0, 1)`, `sqrt(-2 ln u1) · cos(2π u2)`.
    pub fn normal(&mut self) -> f32 {
        let u1 = 1.0 - f64::from(self.next_f32()); // in (0, 1]: ln is finite
        let u2 = f64::from(self.next_f32());
        ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
    }

    /// An integer uniform in `0..n` (Lemire's multiply-and-shift; the bias is below
    /// `n / 2^64`, far too small to matter). Returns 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Shuffles `v` in place, every order equally likely (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// A new generator for a separate purpose (`stream` = 0 for shuffling, 1 for
    /// augmentation, …), so that drawing more from one does not change the other.
    /// Advances `self` by one step.
    pub fn fork(&mut self, stream: u64) -> Rng {
        Rng::new(mix(self.next_u64() ^ mix(stream.wrapping_add(GOLDEN_GAMMA))))
    }
}

/// The SplitMix64 output function: scrambles the bits of `z` (a bijection).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_splitmix64() {
        // First outputs of the reference C implementation seeded with 0.
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn same_seed_same_sequence() {
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            (0..100).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
    }

    #[test]
    fn floats_and_integers_stay_in_range() {
        let mut rng = Rng::new(7);
        for _ in 0..10_000 {
            let x = rng.next_f32();
            assert!((0.0..1.0).contains(&x));
            let y = rng.uniform(-2.0, 3.0);
            assert!((-2.0..3.0).contains(&y));
            assert!(rng.below(7) < 7);
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn normal_has_mean_zero_and_variance_one() {
        let mut rng = Rng::new(1);
        let n = 100_000;
        let samples: Vec<f64> = (0..n).map(|_| f64::from(rng.normal())).collect();
        let mean = samples.iter().sum::<f64>() / n as f64;
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.03, "variance {variance}");
        assert!(samples.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn shuffle_is_a_permutation_and_deterministic() {
        let mut a: Vec<usize> = (0..50).collect();
        let mut b = a.clone();
        Rng::new(9).shuffle(&mut a);
        Rng::new(9).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..50).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn below_is_roughly_uniform() {
        let mut rng = Rng::new(3);
        let mut counts = [0usize; 5];
        for _ in 0..50_000 {
            counts[rng.below(5)] += 1;
        }
        assert!(counts.iter().all(|&c| (9_500..10_500).contains(&c)), "{counts:?}");
    }

    #[test]
    fn forks_are_independent_streams() {
        let mut parent = Rng::new(5);
        let mut a = parent.clone().fork(0);
        let mut b = parent.clone().fork(1);
        assert_ne!(a.next_u64(), b.next_u64());
        // Forking is deterministic, and advances the parent.
        assert_eq!(Rng::new(5).fork(0), Rng::new(5).fork(0));
        let before = parent.clone();
        parent.fork(0);
        assert_ne!(parent, before);
    }
}
