//! Each lecture's short version: the `train` and `eval` command lines of the demo, sized by a
//! budget of training examples so the whole course takes ≤ 15 minutes on two CPU cores (flex).
//!
//! Budgets (at `--scale 1`), measured on a 2-core Xeon with flex; the whole demo ≈ 10 minutes:
//!
//! | lecture | trains on | ≈ training speed |
//! |---|---|---|
//! | classifier | 30,000 images, reference CNN | 600 images/s |
//! | autoencoder | 60,000 images, k = 32 | 1,000 images/s |
//! | vae | 60,000 images, k = 32 | 1,000 images/s |
//! | dcgan | 25,600 images (200 iterations) | 210 images/s |
//! | lstm | 30,000 images, rows task | 500 images/s |
//! | dqn | 100,000 environment steps (the full default run) | 3,500 steps/s |
//! | pix2pix | 2,560 Twitter → Google emoji pairs (80 steps of 32) | 19 pairs/s |
//! | cyclegan | 80 Twitter emoji against as many Google ones (10 steps of 8, 64×64); eval on 290 test emoji both ways | 1.2 pairs/s |
//! | segmentation | 640 Fashion scenes, U-Net (20 steps of 32), 200 test scenes | 7 scenes/s |
//! | facenet | 12,800 images, 100 steps of 8 classes × 16 views; eval on 2,000 queries | 300 images/s |
//!
//! An image lecture trains `ceil(budget / n)` epochs on `n = min(budget, training set)` images, so
//! the embedded mini sets (2,000 garments, 216 emoji pairs) and the full datasets cost the same.

use std::path::{Path, PathBuf};

/// How a demo lecture is trained and evaluated.
#[derive(Debug, Clone)]
pub struct LecturePlan {
    /// The report's lecture id.
    pub lecture: &'static str,
    /// The `train` subcommand (= the run directory's parent folder).
    pub model: &'static str,
    /// What the short version does, one line.
    pub summary: &'static str,
    budget: Budget,
    /// Model flags of `train` beyond the budget.
    train_flags: &'static [&'static str],
    /// Flags of `eval` beyond `--run`.
    eval_flags: &'static [&'static str],
}

/// What a lecture's budget counts.
#[derive(Debug, Clone, Copy)]
enum Budget {
    /// Fashion-MNIST training images (epochs × images per epoch).
    Images(usize),
    /// Emoji training pairs (epochs × pairs per epoch); the emoji are found by their own search
    /// order (`./data/emoji`, else the embedded set), never in the Fashion `--data-dir`.
    EmojiPairs(usize),
    /// Environment steps of the agent.
    EnvironmentSteps(u64),
}

/// The data a lecture reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LectureData {
    Fashion,
    Emoji,
    /// The agent makes its own experience.
    None,
}

/// The demo's lectures in the course's order (the report's `course::COURSE`).
pub const PLANS: &[LecturePlan] = &[
    LecturePlan {
        lecture: "classifier",
        model: "classifier",
        summary: "the reference CNN on 30,000 images, then test accuracy and the confusion matrix",
        budget: Budget::Images(30_000),
        train_flags: &["--architecture", "cnn"],
        eval_flags: &[],
    },
    LecturePlan {
        lecture: "autoencoder",
        model: "autoencoder",
        summary: "the k = 32 autoencoder on 60,000 images, then PSNR beside PCA, morphing and the latent scatter",
        budget: Budget::Images(60_000),
        train_flags: &["--latent", "32"],
        eval_flags: &[],
    },
    LecturePlan {
        lecture: "vae",
        model: "vae",
        summary: "the k = 32 VAE on 60,000 images, then −ELBO, a small importance-sampled NLL, samples and traversals",
        budget: Budget::Images(60_000),
        train_flags: &["--latent", "32"],
        eval_flags: &["--is-samples", "100", "--is-images", "200"],
    },
    LecturePlan {
        lecture: "dcgan",
        model: "dcgan",
        summary: "DCGAN for 200 iterations (25,600 images), scored every 100, then FCD / IS / coverage of 2,000 samples",
        budget: Budget::Images(25_600),
        train_flags: &["--score-every", "100", "--score-images", "500"],
        eval_flags: &["--limit", "2000"],
    },
    LecturePlan {
        lecture: "lstm",
        model: "lstm",
        summary: "the LSTM reading images row by row, 30,000 images, then test accuracy",
        budget: Budget::Images(30_000),
        train_flags: &["--task", "rows"],
        eval_flags: &[],
    },
    LecturePlan {
        lecture: "dqn",
        model: "dqn",
        summary: "DQN on CartPole-v1, the full default run (100,000 environment steps), then 20 greedy episodes",
        budget: Budget::EnvironmentSteps(100_000),
        train_flags: &["--eval-episodes", "20"],
        eval_flags: &["--episodes", "20"],
    },
    LecturePlan {
        lecture: "pix2pix",
        model: "pix2pix",
        summary: "pix2pix translating Twitter emoji into Google's style, 2,560 pairs, then L1 / PSNR / SSIM beside the identity and FCD / looks-like-Google",
        budget: Budget::EmojiPairs(2_560),
        train_flags: &["--task", "twitter-to-google"],
        eval_flags: &[],
    },
    LecturePlan {
        lecture: "cyclegan",
        model: "cyclegan",
        summary: "CycleGAN between Twitter and Google emoji, unpaired halves, 80 Twitter emoji (10 steps of 8 pairs at 64×64), then L1 / PSNR / SSIM against the true counterparts beside the identity, FCD, looks-like-target and category kept, both ways",
        // A step draws one X (Twitter) and one Y (Google) image: the budget counts the X images.
        budget: Budget::EmojiPairs(80),
        train_flags: &["--task", "twitter-google"],
        eval_flags: &[],
    },
    LecturePlan {
        lecture: "segmentation",
        model: "segmentation",
        summary: "U-Net segmenting scenes of Fashion-MNIST garments, 640 scenes, then mIoU, pixel and boundary accuracy on 200 test scenes",
        // The scenes are made from the garments: the budget counts scenes (≤ the training images).
        budget: Budget::Images(640),
        train_flags: &["--task", "fashion-scenes", "--model", "unet", "--test-scenes", "200"],
        eval_flags: &[],
    },
    LecturePlan {
        lecture: "facenet",
        model: "facenet",
        summary: "FaceNet's triplet loss with semi-hard mining, Fashion classes as identities, 12,800 images, then Recall@1, verification and clustering of 2,000 test images beside raw pixels",
        budget: Budget::Images(12_800),
        train_flags: &["--task", "fashion"],
        eval_flags: &["--limit", "2000"],
    },
];

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
    /// The plan of a lecture id.
    #[cfg(test)]
    pub fn of(lecture: &str) -> Option<&'static LecturePlan> {
        PLANS.iter().find(|p| p.lecture == lecture)
    }

    /// The data it reads.
    pub fn data(&self) -> LectureData {
        match self.budget {
            Budget::Images(_) => LectureData::Fashion,
            Budget::EmojiPairs(_) => LectureData::Emoji,
            Budget::EnvironmentSteps(_) => LectureData::None,
        }
    }

    /// The budget as a phrase, scaled.
    pub fn describe_budget(&self, scale: f64) -> String {
        match self.budget {
            Budget::Images(n) => format!("{} training images", scaled(n as f64, scale) as usize),
            Budget::EmojiPairs(n) => format!("{} emoji pairs", scaled(n as f64, scale) as usize),
            Budget::EnvironmentSteps(n) => format!("{} environment steps", scaled(n as f64, scale) as u64),
        }
    }

    /// `train <model> …` arguments.
    pub fn train_args(&self, setting: &Setting) -> Vec<String> {
        let mut args: Vec<String> = vec!["train".into(), self.model.into()];
        args.extend(self.train_flags.iter().map(|s| s.to_string()));
        match self.budget {
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
        }
        args.extend(["--seed".into(), "0".into(), "--out".into(), path_arg(&setting.runs)]);
        if let Some(backend) = setting.backend {
            args.extend(["--backend".into(), backend.into()]);
        }
        args
    }

    /// `eval <model> --run RUN …` arguments; `extra` adds flags that depend on earlier lectures.
    pub fn eval_args(&self, run: &Path, setting: &Setting, extra: &[String]) -> Vec<String> {
        let mut args: Vec<String> = vec!["eval".into(), self.model.into(), "--run".into(), path_arg(run)];
        args.extend(self.eval_flags.iter().map(|s| s.to_string()));
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

    fn flag(args: &[String], name: &str) -> Option<String> {
        args.iter().position(|a| a == name).map(|i| args[i + 1].clone())
    }

    #[test]
    fn every_lecture_of_the_course_has_a_plan_in_the_same_order() {
        let course: Vec<&str> = atelier_report::course::COURSE.iter().map(|l| l.id).collect();
        let plans: Vec<&str> = PLANS.iter().map(|p| p.lecture).collect();
        assert_eq!(course, plans);
    }

    #[test]
    fn the_same_budget_on_small_and_full_data() {
        let ae = LecturePlan::of("autoencoder").unwrap();
        let full = ae.train_args(&setting(60_000, 1.0));
        assert_eq!((flag(&full, "--epochs"), flag(&full, "--train-limit")), (Some("1".into()), Some("60000".into())));
        let mini = ae.train_args(&setting(2_000, 1.0));
        assert_eq!((flag(&mini, "--epochs"), flag(&mini, "--train-limit")), (Some("30".into()), Some("2000".into())));
        let smoke = ae.train_args(&setting(2_000, 0.01));
        assert_eq!((flag(&smoke, "--epochs"), flag(&smoke, "--train-limit")), (Some("1".into()), Some("600".into())));
        assert_eq!(flag(&smoke, "--valid-limit"), Some("100".into()));
        let dqn = LecturePlan::of("dqn").unwrap().train_args(&setting(0, 0.001));
        assert_eq!(flag(&dqn, "--total-steps"), Some("2000".into()), "never below the agent's warm-up");
        assert_eq!(flag(&dqn, "--epochs"), None);
    }

    #[test]
    fn the_emoji_lecture_counts_emoji_pairs_and_never_gets_the_fashion_folder() {
        let pix2pix = LecturePlan::of("pix2pix").unwrap();
        assert_eq!(pix2pix.data(), LectureData::Emoji);
        let mut fashion_dir = setting(60_000, 1.0);
        fashion_dir.data_dir = Some("/usr/share/datasets/fashion-mnist".into());
        let mini = pix2pix.train_args(&fashion_dir);
        // 2,560 pairs over the 216 embedded pairs: 12 epochs.
        assert_eq!((flag(&mini, "--epochs"), flag(&mini, "--train-limit")), (Some("12".into()), Some("216".into())));
        assert_eq!(flag(&mini, "--data-dir"), None);
        assert_eq!(flag(&pix2pix.eval_args(Path::new("r"), &fashion_dir, &[]), "--data-dir"), None);
        fashion_dir.emoji_pairs = Ok(3_032);
        let full = pix2pix.train_args(&fashion_dir);
        assert_eq!((flag(&full, "--epochs"), flag(&full, "--train-limit")), (Some("1".into()), Some("2560".into())));
        let mut embedded = setting(2_000, 1.0);
        embedded.data_dir = Some(atelier_data::source::EMBEDDED_NAME.into());
        assert_eq!(flag(&pix2pix.train_args(&embedded), "--data-dir"), Some("embedded".into()));
        let classifier = LecturePlan::of("classifier").unwrap();
        assert_eq!(flag(&classifier.train_args(&embedded), "--data-dir"), Some("embedded".into()));
    }
}
