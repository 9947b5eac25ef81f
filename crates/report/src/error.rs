//! What can go wrong while writing a report; every variant names its file.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path} is malformed: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error("cannot draw {path}: {reason}")]
    Draw { path: PathBuf, reason: String },
    #[error("the report folder {0} is the runs folder or inside it; choose another --out")]
    OutInsideRuns(PathBuf),
    #[error("the report folder {0} contains the runs folder; choose another --out")]
    OutContainsRuns(PathBuf),
    #[error(
        "{0} already holds files and is not a report folder (no {marker}); choose a new or empty --out, or pass --force",
        marker = crate::REPORT_MARKER
    )]
    NotAReportFolder(PathBuf),
}
