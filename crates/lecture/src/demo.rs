//! A lecture's short version in `demo`: what it does, its budget of training examples, and the
//! flags of its `train` and `eval` beyond the budget's (the runner sizes epochs from the budget so
//! that the embedded mini sets and the full datasets cost the same).

/// How a lecture is trained and evaluated in `demo`.
#[derive(Debug, Clone)]
pub struct DemoPlan {
    /// What the short version does, one line.
    pub summary: &'static str,
    pub budget: Budget,
    /// Flags of `train` beyond the budget.
    pub train_flags: &'static [&'static str],
    /// Flags of `eval` beyond `--run`.
    pub eval_flags: &'static [&'static str],
}

/// What a lecture's budget counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Fashion-MNIST training images (epochs × images per epoch).
    Images(usize),
    /// Emoji training pairs (epochs × pairs per epoch); the emoji are found by their own search
    /// order (`./data/emoji`, else the embedded set), never in the Fashion `--data-dir`.
    EmojiPairs(usize),
    /// Environment steps of an agent.
    EnvironmentSteps(u64),
    /// Epochs of a lecture that reads its own few images (found by their own search order, never
    /// in the Fashion `--data-dir`).
    Epochs(usize),
}
