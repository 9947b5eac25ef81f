//! A lecture's entry in the course: what it teaches, its objective, and its targets (a number from
//! `eval.json` held against the value its README quotes for it). Each lecture writes its own entry;
//! the report and `demo` read them from the registry, in the course's order.

/// What the course says about one lecture.
#[derive(Debug, Clone)]
pub struct CourseEntry {
    /// The lecture's name (`train <id>`, `demo --lecture <id>`, `config.json`'s `model.name`).
    pub id: &'static str,
    pub title: &'static str,
    /// What the lecture teaches, in two or three sentences.
    pub teaches: &'static str,
    /// The objective as MathML (see [`crate::mathml`]).
    pub objective: String,
    /// What the symbols of the objective mean.
    pub objective_note: &'static str,
    /// How to make a run, when there is none.
    pub make_run: &'static str,
    /// The README's targets and references for this lecture's runs.
    pub targets: Vec<Target>,
}

/// Which side of the threshold passes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// The value must be ≥ the threshold (accuracy, PSNR, return).
    AtLeast(f64),
    /// The value must be ≤ the threshold (a loss, an NLL, a distance).
    AtMost(f64),
}

/// One target of a lecture.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The `eval.json` key.
    pub metric: &'static str,
    /// The kind of run it applies to (`cnn`, `rows`, `plain`, …: the `task`, `architecture`,
    /// `variant` or `likelihood` its config records), or every run.
    pub kind: Option<&'static str>,
    pub goal: Goal,
    /// Where the number comes from and what the full run measured.
    pub reference: &'static str,
}

/// How a value fares against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
}

impl Goal {
    /// Whether `value` meets the goal (a non-finite value never does).
    pub fn judge(self, value: f64) -> Verdict {
        let met = value.is_finite()
            && match self {
                Goal::AtLeast(threshold) => value >= threshold,
                Goal::AtMost(threshold) => value <= threshold,
            };
        if met { Verdict::Met } else { Verdict::Missed }
    }

    /// `≥ 0.92`, `≤ 242.25` (the threshold as written in the README).
    pub fn describe(self) -> String {
        match self {
            Goal::AtLeast(t) => format!("≥ {t}"),
            Goal::AtMost(t) => format!("≤ {t}"),
        }
    }
}

impl Target {
    /// Whether this target applies to a run of kind `kind`.
    pub fn applies_to(&self, kind: &str) -> bool {
        self.kind.is_none_or(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_judge_both_directions_and_refuse_nan() {
        assert_eq!(Goal::AtLeast(0.92).judge(0.92), Verdict::Met);
        assert_eq!(Goal::AtLeast(0.92).judge(0.9199), Verdict::Missed);
        assert_eq!(Goal::AtMost(242.25).judge(240.9), Verdict::Met);
        assert_eq!(Goal::AtMost(242.25).judge(250.0), Verdict::Missed);
        assert_eq!(Goal::AtMost(242.25).judge(f64::NAN), Verdict::Missed);
        assert_eq!(Goal::AtLeast(0.5).describe(), "≥ 0.5");
        let t = Target { metric: "m", kind: Some("cnn"), goal: Goal::AtLeast(1.0), reference: "" };
        assert!(t.applies_to("cnn") && !t.applies_to("vgg"));
    }
}
