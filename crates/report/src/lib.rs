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
}

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
    refuse_out_inside_runs(&options.runs, &options.out)?;
    let runs = runs::scan(&options.runs)?;
    let demo = records::read_demo(&options.runs)?;
    let (bench, skipped_bench) = records::read_bench(&options.runs)?;
    fs::create_dir_all(&options.out).map_err(|source| ReportError::Write { path: options.out.clone(), source })?;
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

/// The report folder must not be the runs folder or inside it (its `files/` would be scanned as
/// runs, and clearing it could touch runs).
fn refuse_out_inside_runs(runs: &Path, out: &Path) -> Result<(), ReportError> {
    let absolute = |p: &Path| -> PathBuf {
        let joined =
            if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        // Canonicalise the longest existing ancestor, keep the rest as typed.
        let mut existing = joined.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut result = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
        for name in rest.into_iter().rev() {
            result.push(name);
        }
        result
    };
    let (runs, out_abs) = (absolute(runs), absolute(out));
    if out_abs.starts_with(&runs) {
        return Err(ReportError::OutInsideRuns(out.to_path_buf()));
    }
    Ok(())
}
