//! Each lecture's short version: the `train` and `eval` command lines of the demo, sized by a
//! budget of training examples so the whole course takes ≤ 15 minutes on two CPU cores (flex).
//!
//! Each lecture's budget (what it trains on, sized to its measured speed on a 2-core machine with
//! flex) is in its own `demo()` plan; `cargo xtask demo --list` prints them all.
//!
//! An image lecture trains `ceil(budget / n)` epochs on `n = min(budget, training set)` images, so
//! the embedded mini sets (2,000 garments, 216 emoji pairs) and the full datasets cost the same.

use std::path::{Path, PathBuf};

use atelier_lecture::{Budget, DemoPlan, Registry};

/// How a demo lecture is trained and evaluated: its name and its lecture's plan.
#[derive(Debug, Clone)]
pub struct LecturePlan {
    /// The lecture (= the `train` subcommand and the run directory's parent folder).
    pub lecture: &'static str,
    pub plan: DemoPlan,
}

/// The data a lecture reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LectureData {
    Fashion,
    Emoji,
    /// The agent makes its own experience.
    None,
}

/// The demo's lectures, in the course's order: every lecture of the registry that has a plan.
pub fn plans(registry: &Registry) -> Vec<LecturePlan> {
    registry.all().iter().filter_map(|l| l.demo().map(|plan| LecturePlan { lecture: l.id(), plan })).collect()
}

/// At most this many epochs, whatever the scale and data size.
const MAX_EPOCHS: usize = 60;
/// Validation images per epoch (at most).
const MAX_VALID: usize = 1_000;
/// The agent needs this many steps before it learns at all (its `learning_starts` is 1,000).
const MIN_ENVIRONMENT_STEPS: u64 = 2_000;

/// Where and how the demo runs.
#[derive(Debug, Clone)]
pub struct Setting {
    pub runs: PathBuf,
    pub backend: Option<&'static str>,
    /// `demo --data-dir`: the Fashion-MNIST folder (or `embedded`, which also picks the embedded emoji).
    pub data_dir: Option<PathBuf>,
    /// Training images available (the training split's size), or why there are none.
    pub train_images: Result<usize, String>,
    /// Emoji training pairs available, or why there are none.
    pub emoji_pairs: Result<usize, String>,
    pub scale: f64,
}

impl Setting {
    /// How many training examples the data a lecture reads has, or why there are none.
    pub fn available(&self, data: LectureData) -> Result<usize, String> {
        match data {
            LectureData::Fashion => self.train_images.clone(),
            LectureData::Emoji => self.emoji_pairs.clone(),
            LectureData::None => Ok(0),
        }
    }

    /// The `--data-dir` to pass to a lecture that reads `data`.
    fn data_dir_for(&self, data: LectureData) -> Option<&Path> {
        let dir = self.data_dir.as_deref()?;
        match data {
            LectureData::Fashion => Some(dir),
            LectureData::Emoji => (dir.as_os_str() == atelier_data::source::EMBEDDED_NAME).then_some(dir),
            LectureData::None => None,
        }
    }
}

impl LecturePlan {
    /// What the short version does.
    pub fn summary(&self) -> &'static str {
        self.plan.summary
    }

    /// The data it reads.
    pub fn data(&self) -> LectureData {
        match self.plan.budget {
            Budget::Images(_) => LectureData::Fashion,
            Budget::EmojiPairs(_) => LectureData::Emoji,
            Budget::EnvironmentSteps(_) | Budget::Epochs(_) => LectureData::None,
        }
    }

    /// The budget as a phrase, scaled.
    pub fn describe_budget(&self, scale: f64) -> String {
        match self.plan.budget {
            Budget::Images(n) => format!("{} training images", scaled(n as f64, scale) as usize),
            Budget::EmojiPairs(n) => format!("{} emoji pairs", scaled(n as f64, scale) as usize),
            Budget::EnvironmentSteps(n) => format!("{} environment steps", scaled(n as f64, scale) as u64),
            Budget::Epochs(n) => format!("{} epochs", (scaled(n as f64, scale) as usize).max(1)),
        }
    }

    /// `train <model> …` arguments.
    pub fn train_args(&self, setting: &Setting) -> Vec<String> {
        let mut args: Vec<String> = vec!["train".into(), self.lecture.into()];
        args.extend(self.plan.train_flags.iter().map(|s| s.to_string()));
        match self.plan.budget {
            Budget::Images(budget) | Budget::EmojiPairs(budget) => {
                let budget = scaled(budget as f64, setting.scale).max(1.0) as usize;
                let available = setting.available(self.data()).map_or(budget, |n| n.max(1));
                let per_epoch = budget.min(available);
                let epochs = budget.div_ceil(per_epoch).clamp(1, MAX_EPOCHS);
                let valid = (budget / 10).clamp(100, MAX_VALID);
                args.extend(["--epochs".into(), epochs.to_string()]);
                args.extend(["--train-limit".into(), per_epoch.to_string()]);
                args.extend(["--valid-limit".into(), valid.to_string()]);
                if let Some(dir) = setting.data_dir_for(self.data()) {
                    args.extend(["--data-dir".into(), path_arg(dir)]);
                }
            }
            Budget::EnvironmentSteps(steps) => {
                let steps = (scaled(steps as f64, setting.scale) as u64).max(MIN_ENVIRONMENT_STEPS);
                args.extend(["--total-steps".into(), steps.to_string()]);
            }
            Budget::Epochs(epochs) => {
                let epochs = (scaled(epochs as f64, setting.scale) as usize).max(1);
                args.extend(["--epochs".into(), epochs.to_string()]);
            }
        }
        args.extend(["--seed".into(), "0".into(), "--out".into(), path_arg(&setting.runs)]);
        if let Some(backend) = setting.backend {
            args.extend(["--backend".into(), backend.into()]);
        }
        args
    }

    /// `eval <model> --run RUN …` arguments; `extra` adds flags that depend on earlier lectures.
    pub fn eval_args(&self, run: &Path, setting: &Setting, extra: &[String]) -> Vec<String> {
        let mut args: Vec<String> = vec!["eval".into(), self.lecture.into(), "--run".into(), path_arg(run)];
        args.extend(self.plan.eval_flags.iter().map(|s| s.to_string()));
        args.extend(extra.iter().cloned());
        if let Some(dir) = setting.data_dir_for(self.data()) {
            args.extend(["--data-dir".into(), path_arg(dir)]);
        }
        if let Some(backend) = setting.backend {
            args.extend(["--backend".into(), backend.into()]);
        }
        args
    }
}

fn scaled(n: f64, scale: f64) -> f64 {
    (n * scale).round()
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(train_images: usize, scale: f64) -> Setting {
        Setting {
            runs: "runs".into(),
            backend: None,
            data_dir: None,
            train_images: Ok(train_images),
            emoji_pairs: Ok(216),
            scale,
        }
    }

    /// A made-up lecture's plan: `budget`, no flags of its own.
    fn plan(budget: Budget) -> LecturePlan {
        LecturePlan {
            lecture: "toy",
            plan: DemoPlan { summary: "a toy lecture", budget, train_flags: &[], eval_flags: &[] },
        }
    }

    fn flag(args: &[String], name: &str) -> Option<String> {
        args.iter().position(|a| a == name).map(|i| args[i + 1].clone())
    }

    #[test]
    fn every_lecture_of_the_course_has_a_plan_in_the_same_order() {
        let registry = crate::registry::lectures();
        let course: Vec<&str> = registry.course().iter().map(|l| l.id).collect();
        let plans: Vec<&str> = plans(&registry).iter().map(|p| p.lecture).collect();
        assert_eq!(course, plans);
    }

    #[test]
    fn the_same_budget_on_small_and_full_data() {
        let images = plan(Budget::Images(60_000));
        let full = images.train_args(&setting(60_000, 1.0));
        assert_eq!((flag(&full, "--epochs"), flag(&full, "--train-limit")), (Some("1".into()), Some("60000".into())));
        let mini = images.train_args(&setting(2_000, 1.0));
        assert_eq!((flag(&mini, "--epochs"), flag(&mini, "--train-limit")), (Some("30".into()), Some("2000".into())));
        let smoke = images.train_args(&setting(2_000, 0.01));
        assert_eq!((flag(&smoke, "--epochs"), flag(&smoke, "--train-limit")), (Some("1".into()), Some("600".into())));
        assert_eq!(flag(&smoke, "--valid-limit"), Some("100".into()));
        let agent = plan(Budget::EnvironmentSteps(100_000)).train_args(&setting(0, 0.001));
        assert_eq!(flag(&agent, "--total-steps"), Some("2000".into()), "never below the agent's warm-up");
        assert_eq!(flag(&agent, "--epochs"), None);
    }

    #[test]
    fn an_emoji_lecture_counts_emoji_pairs_and_never_gets_the_fashion_folder() {
        let emoji = plan(Budget::EmojiPairs(2_560));
        assert_eq!(emoji.data(), LectureData::Emoji);
        let mut fashion_dir = setting(60_000, 1.0);
        fashion_dir.data_dir = Some("/usr/share/datasets/fashion-mnist".into());
        let mini = emoji.train_args(&fashion_dir);
        // 2,560 pairs over the 216 embedded pairs: 12 epochs.
        assert_eq!((flag(&mini, "--epochs"), flag(&mini, "--train-limit")), (Some("12".into()), Some("216".into())));
        assert_eq!(flag(&mini, "--data-dir"), None);
        assert_eq!(flag(&emoji.eval_args(Path::new("r"), &fashion_dir, &[]), "--data-dir"), None);
        fashion_dir.emoji_pairs = Ok(3_032);
        let full = emoji.train_args(&fashion_dir);
        assert_eq!((flag(&full, "--epochs"), flag(&full, "--train-limit")), (Some("1".into()), Some("2560".into())));
        let mut embedded = setting(2_000, 1.0);
        embedded.data_dir = Some(atelier_data::source::EMBEDDED_NAME.into());
        assert_eq!(flag(&emoji.train_args(&embedded), "--data-dir"), Some("embedded".into()));
        let fashion = plan(Budget::Images(60_000));
        assert_eq!(flag(&fashion.train_args(&embedded), "--data-dir"), Some("embedded".into()));
    }
}
