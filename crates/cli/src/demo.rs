//! `demo` (the whole course, quickly) and `report` (the course on one page).

use std::path::PathBuf;

use atelier_backend::Backend;
use clap::Args;

use crate::choice;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run only this lecture (repeat the flag for several) [default: every lecture, in the course's order].
    #[arg(long, value_name = "NAME", value_parser = lecture_name)]
    pub lecture: Vec<String>,
    /// List the lectures and their budgets, then stop.
    #[arg(long)]
    pub list: bool,
    /// Compute backend for every lecture [default: flex].
    #[arg(long, value_parser = choice::backend)]
    pub backend: Option<Backend>,
    /// Fashion-MNIST folder, or `embedded` for every embedded mini set [default: each dataset's usual
    /// search order; the embedded mini sets on a fresh clone]. The emoji lectures find their emoji
    /// by their own order (`$ATELIER_EMOJI`, `./data/emoji`, embedded).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The runs folder the lectures train into (and the report reads).
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub out: PathBuf,
    /// Where the report goes.
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub report: PathBuf,
    /// Each lecture's budget times this factor (1 = the ≤ 15-minute course; 0.05 = a smoke test).
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = positive_factor)]
    pub scale: f64,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The runs folder to read.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub runs: PathBuf,
    /// Where the site goes (index.html + the files it shows).
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub out: PathBuf,
    /// Show every run of each lecture, not only the newest of each kind.
    #[arg(long)]
    pub all: bool,
}

/// A lecture's name, as the report's course lists it.
fn lecture_name(name: &str) -> Result<String, String> {
    match atelier_report::course::lecture(name) {
        Some(lecture) => Ok(lecture.id.to_string()),
        None => {
            let names: Vec<&str> = atelier_report::course::COURSE.iter().map(|l| l.id).collect();
            Err(format!("no lecture {name:?}; the lectures are: {}", names.join(", ")))
        }
    }
}

fn positive_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 && f <= 10.0 => Ok(f),
        _ => Err(format!("{text:?} is not a factor in (0, 10]")),
    }
}
