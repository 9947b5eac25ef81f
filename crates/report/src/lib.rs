//! `cargo xtask report`: the course on one static page.
//!
//! Reads a runs folder (`runs/<model>/<run>/` directories, `runs/bench/*.jsonl`, `runs/demo.json`)
//! and writes a self-contained site: `index.html` plus the files it shows under `files/`
//! (copied pictures, curves drawn again as SVG from each run's `metrics.csv`). No script, no
//! network, no CDN: it opens from `file://`.
//!
//! One section per lecture in the course's order (the registry's, given to [`write_report`] as
//! each lecture's `atelier_core::course::CourseEntry`): what it teaches, its
//! objective as MathML, then for the newest run of each kind (or every run): the numbers of
//! `eval.json` beside the README's targets (✓/✗), the pictures, the curves, the provenance and the
//! commands that reproduce it. A lecture with no run says how to make one; a running, stopped,
//! failed or unevaluated run says so; a failed demo lecture is named. Files the report does not
//! know are ignored.

pub mod error;
pub mod files;
pub mod html;
pub mod page;
pub mod records;
pub mod runs;

use std::fs;
use std::path::{Path, PathBuf};

pub use atelier_core::outputs::Existing;
use atelier_core::outputs::resolved;

use atelier_core::course::CourseEntry;
use atelier_core::curves::StepAxis;

pub use error::ReportError;
pub use page::Tally;
pub use runs::Selection;

/// What `report` reads and writes.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The runs folder (`runs/` by default).
    pub runs: PathBuf,
    /// The report folder (`report/` by default); `index.html` goes there.
    pub out: PathBuf,
    pub selection: Selection,
    /// Whether a non-empty `out` that holds no earlier report may be written into (`--force`).
    pub existing: Existing,
}

/// The file that marks a folder as a report's: only such a folder (or a new or empty one) has its
/// `files/` replaced, unless `--force`.
pub const REPORT_MARKER: &str = ".atelier-report";

/// What was written.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    pub index: PathBuf,
    /// Runs shown, over all lectures.
    pub runs_shown: usize,
    /// Lectures with at least one run.
    pub lectures_with_runs: usize,
    pub tally: Tally,
}

/// Writes the report of the course's lectures (`course`, in order); returns where `index.html` is.
/// `axis_of` says what a lecture's steps count (optimisation or environment steps), for its curves.
pub fn write_report(
    options: &ReportOptions,
    course: &[CourseEntry],
    axis_of: &dyn Fn(&str) -> StepAxis,
) -> Result<ReportSummary, ReportError> {
    check_out(&options.runs, &options.out, options.existing)?;
    let runs = runs::scan(&options.runs)?;
    let demo = records::read_demo(&options.runs)?;
    let (bench, skipped_bench) = records::read_bench(&options.runs)?;
    fs::create_dir_all(&options.out).map_err(|source| ReportError::Write { path: options.out.clone(), source })?;
    files::write(&options.out.join(REPORT_MARKER), b"written by cargo xtask report\n")?;
    // The copies of an earlier report are replaced, never mixed with this one's.
    let files_dir = options.out.join(files::FILES_DIR);
    if files_dir.exists() {
        fs::remove_dir_all(&files_dir).map_err(|source| ReportError::Write { path: files_dir.clone(), source })?;
    }
    let runs_folder = options.runs.to_string_lossy().trim_end_matches('/').to_string();

    let mut selected: Vec<(&CourseEntry, Vec<runs::Run>)> = Vec::new();
    for lecture in course {
        selected.push((lecture, runs::select(&runs, lecture.id, options.selection)));
    }
    let mut views = Vec::new();
    for (lecture, chosen) in &selected {
        let mut run_views = Vec::new();
        for run in chosen {
            let (curves, metric_names) = files::curves(run, axis_of(lecture.id), &options.out)?;
            let pictures = files::pictures(run, &metric_names, &options.out)?;
            run_views.push(page::RunView { run, pictures, curves, shown_dir: format!("{runs_folder}/{}", run.id) });
        }
        let demo_entry = demo
            .as_ref()
            .and_then(|record| record.lectures.iter().find(|l| l.lecture == lecture.id).map(|entry| (record, entry)));
        views.push(page::LectureView { lecture, runs: run_views, demo: demo_entry });
    }
    let (html, tally) = page::page(&runs_folder, &views, &bench, &skipped_bench);
    let index = options.out.join("index.html");
    files::write(&index, html.as_bytes())?;
    Ok(ReportSummary {
        index,
        runs_shown: views.iter().map(|v| v.runs.len()).sum(),
        lectures_with_runs: views.iter().filter(|v| !v.runs.is_empty()).count(),
        tally,
    })
}

/// The report folder must not be the runs folder, inside it (its `files/` would be scanned as
/// runs) or around it (clearing `files/` could touch runs), and a folder that already holds
/// files must be an earlier report's, unless `--force`.
fn check_out(runs: &Path, out: &Path, existing: Existing) -> Result<(), ReportError> {
    let resolved = |p: &Path| resolved(p).unwrap_or_else(|_| p.to_path_buf());
    let (runs_abs, out_abs) = (resolved(runs), resolved(out));
    if out_abs.starts_with(&runs_abs) {
        return Err(ReportError::OutInsideRuns(out.to_path_buf()));
    }
    if runs_abs.starts_with(&out_abs) {
        return Err(ReportError::OutContainsRuns(out.to_path_buf()));
    }
    let holds_files = fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some());
    if holds_files && !out.join(REPORT_MARKER).is_file() && existing == Existing::Refuse {
        return Err(ReportError::NotAReportFolder(out.to_path_buf()));
    }
    Ok(())
}
