//! `data fetch` and `data subset`: getting data needs no tensors, so xtask does it itself.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli::{DatasetArg, SplitArg};
use atelier_data::{KnownDataset, verify_md5};

/// Downloads the four canonical files with curl and verifies their MD5 checksums.
pub fn fetch(dataset: DatasetArg, dir: Option<PathBuf>, root: &Path) -> Result<(), String> {
    let known = match dataset {
        DatasetArg::Mnist => KnownDataset::Mnist,
        DatasetArg::FashionMnist => KnownDataset::FashionMnist,
    };
    let dir = dir.unwrap_or_else(|| root.join("data").join(known.name()));
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (file, url, md5) in known.files() {
        let target = dir.join(file);
        if target.exists() && verify_md5(&target, md5).is_ok() {
            eprintln!("{file}: already here, checksum ok");
            continue;
        }
        let partial = dir.join(format!("{file}.part"));
        eprintln!("downloading {url}");
        let status = Command::new("curl")
            .args([
                "--fail",
                "--location",
                "--silent",
                "--show-error",
                "--retry",
                "2",
                "--connect-timeout",
                "20",
                "--output",
            ])
            .arg(&partial)
            .arg(url)
            .status();
        let downloaded = matches!(status, Ok(s) if s.success());
        if !downloaded {
            let _ = fs::remove_file(&partial);
            let debian = match known {
                KnownDataset::FashionMnist => {
                    "`apt-get install dataset-fashion-mnist` (files in /usr/share/datasets/fashion-mnist)"
                }
                KnownDataset::Mnist => "copying the four MNIST files into a folder and passing --data-dir",
            };
            return Err(format!(
                "could not download {url} (offline, or curl missing?). Alternatives: {debian}; \
                 the embedded mini Fashion-MNIST set is used when no dataset is found"
            ));
        }
        verify_md5(&partial, md5).map_err(|e| {
            let _ = fs::remove_file(&partial);
            e.to_string()
        })?;
        fs::rename(&partial, &target).map_err(|e| format!("{}: {e}", target.display()))?;
        eprintln!("{file}: checksum ok");
    }
    println!("{} is in {} (use --data-dir {} or ATELIER_DATA)", known.name(), dir.display(), dir.display());
    Ok(())
}

/// Writes the class-balanced embedded mini set from a full dataset.
pub fn subset(from: Option<&Path>, train_per_class: usize, test_per_class: usize, out: &Path) -> Result<(), String> {
    let full = atelier_data::load(from).map_err(|e| e.to_string())?;
    eprintln!("source: {}", full.source);
    let summary =
        atelier_data::subset::write_subset(&full, train_per_class, test_per_class, out).map_err(|e| e.to_string())?;
    println!("wrote {} train / {} test images to {}", summary.train_len, summary.test_len, summary.out_dir.display());
    Ok(())
}

/// Writes the first `limit` images of a split as gray 28×28 PNGs, optionally damaged by noise
/// (seed 0) and/or blur, named `00000.png`, `00001.png`, … in `out`.
pub fn pngs(
    split: Option<SplitArg>,
    data_dir: Option<&Path>,
    limit: usize,
    noise: Option<f32>,
    blur: Option<f32>,
    out: &Path,
) -> Result<(), String> {
    for (name, value) in [("--noise", noise), ("--blur", blur)] {
        if let Some(v) = value
            && !(v >= 0.0 && v.is_finite())
        {
            return Err(format!("{name} must be ≥ 0 (got {v})"));
        }
    }
    let data = atelier_data::load(data_dir).map_err(|e| e.to_string())?;
    let split = match split.unwrap_or(SplitArg::Test) {
        SplitArg::Test => &data.test,
        SplitArg::Train => &data.train,
    };
    let (rows, cols) = (split.images.rows, split.images.cols);
    let count = split.len().min(limit);
    let indices: Vec<usize> = (0..count).collect();
    let mut pixels = split.batch_pixels(&indices);
    if let Some(sigma) = noise {
        pixels = atelier_data::degrade::gaussian_noise(&pixels, sigma, 0);
    }
    if let Some(sigma) = blur {
        if rows != cols {
            return Err(format!("--blur needs square images (these are {rows}×{cols})"));
        }
        pixels = atelier_data::degrade::gaussian_blur(&pixels, rows, sigma);
    }
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (i, image) in pixels.chunks(rows * cols).enumerate() {
        let path = out.join(format!("{i:05}.png"));
        atelier_core::png::save_gray_unit(&path, image, cols, rows).map_err(|e| e.to_string())?;
    }
    println!("wrote {count} images ({}) to {}", data.source, out.display());
    Ok(())
}
