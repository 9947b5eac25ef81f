//! The metrics table of a run: `metrics.csv` with columns `step,epoch,split,name,value`.
//!
//! One row per logged value. Rows are appended and flushed as they come, so a killed run keeps
//! everything it logged; on resume the table is cut back to the checkpoint's step, so a resumed
//! run produces the same table as an uninterrupted one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::atomic::{with_path, write_atomic};

pub const HEADER: &str = "step,epoch,split,name,value";

/// One row of `metrics.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub step: u64,
    pub epoch: u64,
    /// `train`, `test`, `eval`, …
    pub split: String,
    pub name: String,
    pub value: f64,
}

/// Appends rows to `metrics.csv`.
pub struct MetricsWriter {
    path: PathBuf,
    file: File,
    /// Rows in the table (header not counted): what a checkpoint records, so a resume keeps
    /// exactly the rows written before it.
    rows: u64,
}

impl MetricsWriter {
    /// Creates a new table (header only).
    pub fn create(path: &Path) -> io::Result<Self> {
        write_atomic(path, format!("{HEADER}\n").as_bytes())?;
        Self::append_to(path)
    }

    /// Reopens an existing table for a resumed run: keeps the first `rows` rows when the
    /// checkpoint recorded how many there were (rows logged at its own step after it was saved, an
    /// epoch's validation, are dropped too), else the rows up to `last_step` (older checkpoints).
    pub fn resume(path: &Path, last_step: u64, rows: Option<u64>) -> io::Result<Self> {
        // A run killed in the middle of a row leaves it torn (no final newline): it is dropped,
        // as every row after the checkpoint is.
        let text = std::fs::read_to_string(path).map_err(|e| with_path(e, path))?;
        if !text.is_empty() && !text.ends_with('\n') {
            let whole = text.rfind('\n').map_or(0, |i| i + 1);
            write_atomic(path, &text.as_bytes()[..whole])?;
        }
        let all = read_metrics(path)?;
        let kept: Vec<MetricRow> = match rows {
            Some(n) => all.into_iter().take(n as usize).collect(),
            None => all.into_iter().filter(|r| r.step <= last_step).collect(),
        };
        let mut text = format!("{HEADER}\n");
        for row in &kept {
            text.push_str(&format_row(row));
        }
        write_atomic(path, text.as_bytes())?;
        let mut writer = Self::append_to(path)?;
        writer.rows = kept.len() as u64;
        Ok(writer)
    }

    fn append_to(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().append(true).open(path).map_err(|e| with_path(e, path))?;
        Ok(Self { path: path.to_path_buf(), file, rows: 0 })
    }

    pub fn write(&mut self, row: &MetricRow) -> io::Result<()> {
        self.file.write_all(format_row(row).as_bytes()).map_err(|e| with_path(e, &self.path))?;
        self.rows += 1;
        Ok(())
    }

    /// Rows written so far (header not counted).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn format_row(row: &MetricRow) -> String {
    // `{:?}` prints the shortest representation that reads back to the same f64.
    format!("{},{},{},{},{:?}\n", row.step, row.epoch, row.split, row.name, row.value)
}

/// Reads a whole `metrics.csv`. A malformed line is an error naming the file and line.
pub fn read_metrics(path: &Path) -> io::Result<Vec<MetricRow>> {
    let file = File::open(path).map_err(|e| with_path(e, path))?;
    let mut rows = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| with_path(e, path))?;
        if index == 0 || line.trim().is_empty() {
            continue;
        }
        let bad = |what: &str| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}:{}: {what}: {line:?}", path.display(), index + 1))
        };
        let fields: Vec<&str> = line.split(',').collect();
        let [step, epoch, split, name, value] = fields[..] else {
            return Err(bad("expected 5 comma-separated fields"));
        };
        rows.push(MetricRow {
            step: step.parse().map_err(|_| bad("bad step"))?,
            epoch: epoch.parse().map_err(|_| bad("bad epoch"))?,
            split: split.to_string(),
            name: name.to_string(),
            value: value.parse().map_err(|_| bad("bad value"))?,
        });
    }
    Ok(rows)
}

/// Whether the file exists and holds a header (used to tell a fresh run from a resumed one).
pub fn exists(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(step: u64, value: f64) -> MetricRow {
        MetricRow { step, epoch: 0, split: "train".into(), name: "loss".into(), value }
    }

    #[test]
    fn round_trip_and_resume_truncates() {
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let path = dir.path().join("metrics.csv");
        let mut w = MetricsWriter::create(&path).unwrap();
        for s in 1..=5 {
            w.write(&row(s, 0.1 * s as f64)).unwrap();
        }
        drop(w);
        let rows = read_metrics(&path).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[2], row(3, 0.1 * 3.0)); // exact f64 round trip
        let mut w = MetricsWriter::resume(&path, 3, None).unwrap();
        w.write(&row(4, 9.0)).unwrap();
        drop(w);
        let rows = read_metrics(&path).unwrap();
        assert_eq!(rows.iter().map(|r| r.step).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(rows[3].value, 9.0);
        // A row torn by a kill mid-write is dropped on resume, not an unreadable file.
        let mut torn = std::fs::read_to_string(&path).unwrap();
        torn.push_str("5,0,tra");
        std::fs::write(&path, torn).unwrap();
        drop(MetricsWriter::resume(&path, 4, None).unwrap());
        assert_eq!(read_metrics(&path).unwrap().len(), 4);
        // A checkpoint that recorded its row count keeps exactly those rows, even rows of its own
        // step written after it (the epoch's validation of a run killed before its next save).
        let mut w = MetricsWriter::resume(&path, 4, Some(3)).unwrap();
        assert_eq!(w.rows(), 3);
        w.write(&row(4, 1.0)).unwrap();
        assert_eq!(w.rows(), 4);
        drop(w);
        assert_eq!(read_metrics(&path).unwrap().iter().map(|r| r.value).collect::<Vec<_>>()[3], 1.0);
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics.csv");
        fs::write(&path, format!("{HEADER}\n1,0,train,loss,0.5\n2,0,train\n")).unwrap();
        let err = read_metrics(&path).unwrap_err().to_string();
        assert!(err.contains("metrics.csv:3"), "{err}");
    }
}
