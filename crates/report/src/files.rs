//! The report's own copies of a run's pictures, and its curves drawn as SVG, under
//! `<out>/files/<run id>/`: the page links only to files inside its folder, so it works from
//! `file://` and can be zipped or served as it is.

use std::fs;
use std::path::{Path, PathBuf};

use atelier_core::curves::{StepAxis, metric_plots};
use atelier_core::metrics::read_metrics;
use atelier_core::picture::Picture;
use atelier_core::run_dir::METRICS_FILE;

use crate::error::ReportError;
use crate::runs::Run;

/// The folder (inside the report folder) that holds every copied or drawn file.
pub const FILES_DIR: &str = "files";
/// At most this many pictures per run (the evaluation's first, then the newest epoch's).
const MAX_PICTURES: usize = 12;

/// A file the page shows: its path relative to the page, and a caption.
#[derive(Debug, Clone)]
pub struct Shown {
    pub href: String,
    pub caption: String,
}

/// Copies the run's pictures into the report folder: every `samples/eval-*.png`, the newest
/// epoch's `samples/epoch-NNN-*.png`, other sample PNGs (e.g. the agent's filmstrip), and the
/// PNGs in `plots/` that are not a metric's curve (those are drawn again as SVG by [`curves`]).
pub fn pictures(run: &Run, metric_names: &[String], out: &Path) -> Result<Vec<Shown>, ReportError> {
    let mut chosen: Vec<PathBuf> = Vec::new();
    let samples = pngs(&run.dir.join("samples"));
    let newest_epoch = samples.iter().filter_map(|p| epoch_of(p)).max();
    let (eval, rest): (Vec<&PathBuf>, Vec<&PathBuf>) = samples.iter().partition(|p| stem(p).starts_with("eval-"));
    chosen.extend(eval.into_iter().cloned());
    for p in rest {
        match epoch_of(p) {
            Some(epoch) if Some(epoch) != newest_epoch => {}
            _ => chosen.push(p.clone()),
        }
    }
    for p in pngs(&run.dir.join("plots")) {
        if !metric_names.iter().any(|m| *m == stem(&p)) {
            chosen.push(p);
        }
    }
    chosen.truncate(MAX_PICTURES);
    let mut shown = Vec::new();
    for source in chosen {
        let relative = source.strip_prefix(&run.dir).unwrap_or(&source).to_string_lossy().replace('\\', "/");
        let target = out.join(FILES_DIR).join(&run.id).join(&relative);
        copy(&source, &target)?;
        shown.push(Shown { href: href(&[FILES_DIR, &run.id, &relative]), caption: stem(&source) });
    }
    Ok(shown)
}

/// Draws every metric of the run's `metrics.csv` as an SVG curve; returns them and the metric names.
pub fn curves(run: &Run, axis: StepAxis, out: &Path) -> Result<(Vec<Shown>, Vec<String>), ReportError> {
    let path = run.dir.join(METRICS_FILE);
    if !path.is_file() {
        return Ok((Vec::new(), Vec::new()));
    }
    let rows = read_metrics(&path).map_err(|e| ReportError::Malformed { path: path.clone(), reason: e.to_string() })?;
    let mut shown = Vec::new();
    let mut names = Vec::new();
    for (name, plot) in metric_plots(&rows, axis) {
        let file = format!("{}.svg", safe_name(&name));
        let target = out.join(FILES_DIR).join(&run.id).join("curves").join(&file);
        let svg = plot.to_svg().map_err(|reason| ReportError::Draw { path: target.clone(), reason })?;
        write(&target, svg.as_bytes())?;
        shown.push(Shown { href: href(&[FILES_DIR, &run.id, "curves", &file]), caption: plot.title.clone() });
        names.push(name);
    }
    Ok((shown, names))
}

fn pngs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "png"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `NNN` of `epoch-NNN-….png`.
fn epoch_of(path: &Path) -> Option<u32> {
    stem(path).strip_prefix("epoch-")?.split('-').next()?.parse().ok()
}

/// A metric name as a file name (letters, digits, `_` and `-` kept).
fn safe_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect()
}

/// A relative URL from path segments (each may hold `/`), percent-encoded.
pub fn href(segments: &[&str]) -> String {
    let mut url = String::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            url.push('/');
        }
        for byte in segment.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => url.push(byte as char),
                other => url.push_str(&format!("%{other:02X}")),
            }
        }
    }
    url
}

fn copy(source: &Path, target: &Path) -> Result<(), ReportError> {
    make_parent(target)?;
    fs::copy(source, target)
        .map_err(|source_error| ReportError::Write { path: target.to_path_buf(), source: source_error })?;
    Ok(())
}

/// Writes `bytes` to `path` (atomically), creating its folder.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    make_parent(path)?;
    atelier_core::atomic::write_atomic(path, bytes)
        .map_err(|source| ReportError::Write { path: path.to_path_buf(), source })
}

fn make_parent(path: &Path) -> Result<(), ReportError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| ReportError::Write { path: parent.to_path_buf(), source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_percent_encoded_and_epochs_parsed() {
        assert_eq!(href(&["files", "gamma/2026-flex-s0", "a b#.png"]), "files/gamma/2026-flex-s0/a%20b%23.png");
        assert_eq!(epoch_of(Path::new("samples/epoch-012-morphing.png")), Some(12));
        assert_eq!(epoch_of(Path::new("samples/eval-morphing.png")), None);
        assert_eq!(safe_name("d/loss x"), "d_loss_x");
    }
}
