//! `report`: the course report from a runs folder (see `atelier-report`), the course's lectures
//! read from the registry.

use atelier_cli::ReportArgs;
use atelier_lecture::Registry;
use atelier_report::{ReportOptions, Selection};

pub fn run(args: &ReportArgs, registry: &Registry) -> Result<(), String> {
    let selection = if args.all { Selection::All } else { Selection::Newest };
    let course = registry.course();
    let summary = atelier_report::write_report(
        &ReportOptions { runs: args.runs.clone(), out: args.out.clone(), selection },
        &course,
    )
    .map_err(|e| e.to_string())?;
    println!(
        "report: {}  ({} run(s) in {} of {} lectures; targets met: {} of {} judged)",
        summary.index.display(),
        summary.runs_shown,
        summary.lectures_with_runs,
        course.len(),
        summary.tally.met,
        summary.tally.judged
    );
    Ok(())
}
