//! `report`: the course report from a runs folder (see `atelier-report`), the course's lectures
//! read from the registry.

use atelier_cli::ReportArgs;
use atelier_core::curves::StepAxis;
use atelier_lecture::Registry;
use atelier_report::Existing;
use atelier_report::{ReportOptions, ReportSummary, Selection};

pub fn run(args: &ReportArgs, registry: &Registry) -> Result<(), String> {
    let selection = if args.all { Selection::All } else { Selection::Newest };
    let course = registry.course();
    let summary = write(
        registry,
        &ReportOptions {
            runs: args.runs.clone(),
            out: args.out.clone(),
            selection,
            existing: Existing::from_force(args.force),
        },
    )?;
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

/// The report of the registry's course (`report`, and `demo` at its end).
pub fn write(registry: &Registry, options: &ReportOptions) -> Result<ReportSummary, String> {
    let axis_of = |id: &str| registry.get(id).map_or(StepAxis::Optimisation, |lecture| lecture.clock().axis());
    atelier_report::write_report(options, &registry.course(), &axis_of).map_err(|e| e.to_string())
}
