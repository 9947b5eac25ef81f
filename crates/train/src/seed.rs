//! Deriving every random stream of a run from its one seed.
//!
//! Streams are keyed by purpose and position, so the numbers used at step `t` do not depend on
//! how the run got there (straight through or resumed from a checkpoint).

use atelier_core::rng::mix;
use burn::prelude::*;

/// Purposes of derived seeds; each gets its own stream.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// Weight initialisation.
    Init = 1,
    /// The permutation of the training set in one epoch.
    Shuffle = 2,
    /// Noise, dropout and augmentation inside one training step.
    Step = 3,
    /// Randomness inside validation (e.g. a fixed noise draw for denoising).
    Valid = 4,
    /// Randomness of sample figures and evaluations.
    Figures = 5,
}

/// A seed for `stream` at `position` (an epoch or step), from the run's `seed`: the packed inputs
/// pass through the SplitMix64 mixer, so nearby inputs give unrelated seeds.
pub fn derive(seed: u64, stream: Stream, position: u64) -> u64 {
    mix(seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03))
        .wrapping_add(position.wrapping_mul(0xBF58_476D_1CE4_E5B9)))
}

/// Seeds `device`'s RNG for the weight initialisation of a run with `seed` (stream
/// [`Stream::Init`], position 0). The one place that derives it: a run's [`crate::Session`] and the
/// benchmarks (which have no session) both call this.
pub fn seed_device_for_init(device: &Device, seed: u64) {
    device.seed(init_seed(seed, 0));
}

/// The seed of the `part`-th piece of the set-up of a run with `seed` (stream [`Stream::Init`]):
/// part 0 is the weight initialisation ([`seed_device_for_init`]); others seed e.g. generated data.
pub fn init_seed(seed: u64, part: u64) -> u64 {
    derive(seed, Stream::Init, part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_positions_differ() {
        let a = derive(0, Stream::Step, 1);
        assert_ne!(a, derive(0, Stream::Step, 2));
        assert_ne!(a, derive(0, Stream::Shuffle, 1));
        assert_ne!(a, derive(1, Stream::Step, 1));
        assert_eq!(a, derive(0, Stream::Step, 1));
    }
}
