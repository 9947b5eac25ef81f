//! The data a run records in its `config.json`, and the check when the run is resumed or repeated.
//!
//! `train` records what it trains on (see `atelier_data::record`): a folder's absolute path or
//! the embedded set, with each file's size and MD5, or what generates the data. `train --resume`
//! and `train --config` find the data again by the usual search and refuse, naming both, when it
//! holds other files than the record: a run is a pure function of its `config.json`.

use std::path::Path;

use atelier_data::{DataRecord, check_same_data, source::EMBEDDED_NAME};

/// The record a run of `lecture` goes on with, given the one its config holds (`None` for a fresh
/// run) and the data `found` now.
///
/// - No record: a fresh run (or a config written by hand, or by an older version) records `found`.
/// - The same files: the recorded record stays (where the files lie now is only reported).
/// - Other files: an error naming the recorded and the found data, each file that differs, and
///   how to go on. `resumed` is the run directory of `--resume` (None for `--config`).
pub fn settle(
    lecture: &str,
    recorded: Option<&DataRecord>,
    found: DataRecord,
    resumed: Option<&Path>,
) -> Result<DataRecord, String> {
    let Some(recorded) = recorded else {
        if let Some(run) = resumed {
            eprintln!(
                "note: {} records no data (it was written before runs recorded theirs); recording {found}",
                run.display()
            );
        }
        return Ok(found);
    };
    match check_same_data(recorded, &found) {
        Ok(()) => {
            if recorded.to_string() != found.to_string() {
                eprintln!("data: the recorded files ({recorded}), found now at {found}");
            }
            Ok(recorded.clone())
        }
        Err(mismatch) => {
            let data_dir = match recorded {
                DataRecord::Folder { path, .. } => path.display().to_string(),
                DataRecord::Embedded { .. } => EMBEDDED_NAME.to_string(),
                DataRecord::Generated { .. } => String::new(),
            };
            let how_to_go_on = match resumed {
                Some(run) => format!(
                    "resume on the recorded data with `train {lecture} --resume {} --data-dir {data_dir}`, or start a \
                     new run",
                    run.display()
                ),
                None => format!(
                    "repeat the run on the recorded data with --data-dir {data_dir}, or remove \"data\" from the \
                     config file to train on the data found now"
                ),
            };
            let what = match resumed {
                Some(run) => format!("cannot resume {}", run.display()),
                None => "cannot repeat the run of this config".to_string(),
            };
            Err(format!("{what}: {mismatch}\n{how_to_go_on}"))
        }
    }
}
