//! `report`: the course report from a runs folder (see `atelier-report`).

use atelier_cli::ReportArgs;
use atelier_report::{ReportOptions, Selection};

pub fn run(args: &ReportArgs) -> Result<(), String> {
    let selection = if args.all { Selection::All } else { Selection::Newest };
    let summary =
        atelier_report::write_report(&ReportOptions { runs: args.runs.clone(), out: args.out.clone(), selection })
            .map_err(|e| e.to_string())?;
    println!(
        "report: {}  ({} run(s) in {} of {} lectures; targets met: {} of {} judged)",
        summary.index.display(),
        summary.runs_shown,
        summary.lectures_with_runs,
        atelier_report::course::COURSE.len(),
        summary.tally.met,
        summary.tally.judged
    );
    Ok(())
}
