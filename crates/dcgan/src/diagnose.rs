//! The lecture's failure modes, recognised from the scores taken during training.
//!
//! | warning | what is seen | what it means |
//! |---|---|---|
//! | mode collapse | class coverage falls 2+ classes below its best | `G` found a few images that fool `D` and makes only those |
//! | diminished gradient | `L_D` below 0.1 at two scores in a row (D(x) → 1, D(G(z)) → 0) | `D` wins outright; with the minimax loss `G`'s gradient `−D(G(z))` vanishes |
//! | no progress | the FCD has not beaten its best for the last 4 scores | the players chase each other: losses oscillate, samples do not improve |

use std::fmt;

/// Discriminator losses below this mean `D` tells real from fake almost perfectly.
pub const DIMINISHED_D_LOSS: f64 = 0.1;
/// Scores without a new best FCD before "no progress" is said.
pub const NO_PROGRESS_SCORES: usize = 4;
/// Classes lost from the best coverage seen that count as a collapse.
pub const COLLAPSE_DROP: usize = 2;

/// What was measured at one scoring point.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub step: u64,
    /// Mean training losses and `D` outputs over the last logging window.
    pub d_loss: f64,
    pub g_loss: f64,
    pub d_real: f64,
    pub d_fake: f64,
    /// The evaluator's scores of generated samples.
    pub fcd: f64,
    pub coverage: usize,
    pub classes: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    ModeCollapse { step: u64, coverage: usize, best: usize, classes: usize },
    DiminishedGradient { step: u64, d_loss: f64, d_real: f64, d_fake: f64 },
    NoProgress { step: u64, best_fcd: f64, best_step: u64 },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ModeCollapse { step, coverage, best, classes } => write!(
                f,
                "step {step}: possible mode collapse: samples cover {coverage}/{classes} classes (best so far \
                 {best}); the generator may be producing a few modes that fool D"
            ),
            Warning::DiminishedGradient { step, d_loss, d_real, d_fake } => write!(
                f,
                "step {step}: the discriminator wins outright (L_D {d_loss:.3}, D(x) {d_real:.3}, D(G(z)) \
                 {d_fake:.3}): the generator's gradient diminishes (the minimax loss saturates there)"
            ),
            Warning::NoProgress { step, best_fcd, best_step } => write!(
                f,
                "step {step}: no progress: FCD has not beaten its best ({best_fcd:.2} at step {best_step}) for \
                 {NO_PROGRESS_SCORES} scores; the losses oscillate without improving the samples"
            ),
        }
    }
}

/// The warnings the latest scorecard of `history` (oldest first) raises.
pub fn diagnose(history: &[Scorecard]) -> Vec<Warning> {
    let Some(latest) = history.last() else { return Vec::new() };
    let mut warnings = Vec::new();
    let best_coverage = history.iter().map(|s| s.coverage).max().unwrap_or(0);
    if latest.coverage + COLLAPSE_DROP <= best_coverage {
        warnings.push(Warning::ModeCollapse {
            step: latest.step,
            coverage: latest.coverage,
            best: best_coverage,
            classes: latest.classes,
        });
    }
    let previous_d_loss = history.len().checked_sub(2).map(|i| history[i].d_loss);
    if latest.d_loss < DIMINISHED_D_LOSS && previous_d_loss.is_some_and(|d| d < DIMINISHED_D_LOSS) {
        warnings.push(Warning::DiminishedGradient {
            step: latest.step,
            d_loss: latest.d_loss,
            d_real: latest.d_real,
            d_fake: latest.d_fake,
        });
    }
    if history.len() > NO_PROGRESS_SCORES {
        let (before, recent) = history.split_at(history.len() - NO_PROGRESS_SCORES);
        let best = before.iter().min_by(|a, b| a.fcd.total_cmp(&b.fcd));
        if let Some(best) = best
            && recent.iter().all(|s| s.fcd >= best.fcd)
        {
            warnings.push(Warning::NoProgress { step: latest.step, best_fcd: best.fcd, best_step: best.step });
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(step: u64, fcd: f64, coverage: usize, d_loss: f64) -> Scorecard {
        Scorecard { step, d_loss, g_loss: 1.0, d_real: 0.7, d_fake: 0.3, fcd, coverage, classes: 10 }
    }

    #[test]
    fn a_healthy_run_raises_nothing() {
        let history: Vec<_> = (0..8).map(|i| card(i * 500, 100.0 / (i + 1) as f64, 10, 1.2)).collect();
        assert!(diagnose(&history).is_empty(), "{:?}", diagnose(&history));
        assert!(diagnose(&[]).is_empty());
    }

    #[test]
    fn each_failure_mode_is_recognised() {
        let collapsed = [card(0, 50.0, 10, 1.0), card(500, 60.0, 7, 1.0)];
        assert!(matches!(diagnose(&collapsed)[..], [Warning::ModeCollapse { coverage: 7, best: 10, .. }]));
        // Early samples of one class are not a collapse: nothing was lost yet.
        assert!(diagnose(&[card(0, 500.0, 1, 1.0)]).is_empty());
        // One low discriminator loss is a moment; two in a row is a regime.
        assert!(diagnose(&[card(0, 50.0, 10, 0.02)]).is_empty());
        let d_wins = [card(0, 50.0, 10, 0.05), card(500, 50.0, 10, 0.02)];
        let warnings = diagnose(&d_wins);
        assert!(matches!(warnings[..], [Warning::DiminishedGradient { .. }]));
        assert!(warnings[0].to_string().contains("discriminator wins"), "{}", warnings[0]);
        let stalled: Vec<_> =
            [80.0, 40.0, 45.0, 41.0, 60.0, 42.0].iter().enumerate().map(|(i, f)| card(i as u64, *f, 10, 1.0)).collect();
        assert!(matches!(diagnose(&stalled)[..], [Warning::NoProgress { best_fcd: 40.0, best_step: 1, .. }]));
        // A new best among the recent scores is progress.
        let mut improving = stalled.clone();
        improving.push(card(6, 39.0, 10, 1.0));
        assert!(diagnose(&improving).is_empty());
    }
}
