//! The pictures of `eval facenet`: a retrieval grid (query → 5 nearest, wrong identities framed),
//! the distance histograms of same and different pairs with the threshold, a 2-D projection of the
//! test embeddings coloured by identity, and one k-means cluster (FaceNet's Figure 7).

use crate::IdentityImages;
use atelier_core::grid::{ImageBatch, LabeledRows, Row};
use atelier_core::picture::Picture;
use atelier_core::plot::{LinePlot, Scale, Series};
use atelier_core::run_dir::RunDir;
use atelier_core::scatter::ScatterPlot;

use super::embed::Vectors;
use super::eval::{FigureInput, Protocol};

/// Queries in the retrieval grid.
pub const RETRIEVAL_QUERIES: usize = 8;
/// Points in the projection at most, and identities coloured (the palette has 10 colours).
const PROJECTED_POINTS: usize = 2_000;
const PROJECTED_IDENTITIES: usize = 10;
/// Images of the cluster picture at most, per row.
const CLUSTER_IMAGES: usize = 32;
const CLUSTER_ROW: usize = 8;
const HISTOGRAM_BINS: usize = 40;

pub fn write_all(run: &RunDir, protocol: &Protocol, queries: &Vectors, input: &FigureInput) -> Result<(), String> {
    let dir = run.samples_dir();
    let gallery = if protocol.leave_one_out { &protocol.queries } else { &protocol.gallery };
    let path = dir.join("eval-retrieval.png");
    retrieval_grid(&protocol.queries, gallery, &input.nearest).save_png(&path).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", path.display());
    let path = dir.join("eval-distances.png");
    histogram(input).save_png(&path).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", path.display());
    let path = dir.join("eval-embedding.png");
    projection(&protocol.queries, queries).save_png(&path).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", path.display());
    if !input.clusters.is_empty() {
        let path = dir.join("eval-cluster.png");
        cluster_picture(&protocol.queries, &input.clusters).save_png(&path).map_err(|e| e.to_string())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Planar RGB floats of images `indices` (grey repeated on three planes).
fn rgb(set: &IdentityImages, indices: &[usize]) -> Vec<f32> {
    let [c, h, w] = set.image_shape;
    let mut out = Vec::with_capacity(indices.len() * 3 * h * w);
    for &i in indices {
        let image = set.image_unit(i);
        for plane in 0..3 {
            let source = plane.min(c - 1);
            out.extend_from_slice(&image[source * h * w..(source + 1) * h * w]);
        }
    }
    out
}

/// Owned pixels of a picture's rows, kept alive while the picture borrows them.
struct OwnedGrid {
    title: String,
    rows: Vec<(String, Vec<f32>, usize, Vec<String>)>,
    marks: Vec<(usize, usize)>,
    side: [usize; 2],
}

impl OwnedGrid {
    fn save_png(&self, path: &std::path::Path) -> Result<(), atelier_core::canvas::ImageError> {
        let [h, w] = self.side;
        let rows = self
            .rows
            .iter()
            .map(|(label, pixels, count, captions)| Row {
                label: label.clone(),
                images: ImageBatch::new(pixels, *count, 3, h, w),
                captions: captions.clone(),
            })
            .collect();
        let scale = if h <= 32 { 2 } else { 1 };
        LabeledRows { title: self.title.clone(), rows, marks: self.marks.clone(), scale }.save_png(path)
    }
}

fn retrieval_grid(queries: &IdentityImages, gallery: &IdentityImages, nearest: &[(usize, Vec<usize>)]) -> OwnedGrid {
    let [_, h, w] = queries.image_shape;
    let mut rows = Vec::new();
    let mut marks = Vec::new();
    for (row, (q, found)) in nearest.iter().enumerate() {
        let mut pixels = rgb(queries, &[*q]);
        pixels.extend(rgb(gallery, found));
        let mut captions = vec![short(&queries.identity_names[queries.identities[*q]])];
        for (column, &g) in found.iter().enumerate() {
            captions.push(short(&gallery.identity_names[gallery.identities[g]]));
            if gallery.identities[g] != queries.identities[*q] {
                marks.push((row, column + 1));
            }
        }
        rows.push((format!("query {}", row + 1), pixels, 1 + found.len(), captions));
    }
    OwnedGrid {
        title: "query | its 5 nearest gallery images (wrong identity framed)".into(),
        rows,
        marks,
        side: [h, w],
    }
}

fn short(name: &str) -> String {
    name.chars().take(10).collect()
}

fn histogram(input: &FigureInput) -> LinePlot {
    let max = input.pairs.iter().map(|p| p.distance).fold(0.0f32, f32::max).max(1e-6);
    let bin = |d: f32| ((d / max) * HISTOGRAM_BINS as f32).min(HISTOGRAM_BINS as f32 - 1.0) as usize;
    let series = |same: bool, name: &str| {
        let mut counts = vec![0usize; HISTOGRAM_BINS];
        let selected: Vec<f32> = input.pairs.iter().filter(|p| p.same == same).map(|p| p.distance).collect();
        for &d in &selected {
            counts[bin(d)] += 1;
        }
        let total = selected.len().max(1) as f64;
        let points = counts
            .iter()
            .enumerate()
            .map(|(i, &c)| ((i as f64 + 0.5) * f64::from(max) / HISTOGRAM_BINS as f64, c as f64 / total))
            .collect();
        Series::new(name, points)
    };
    let same = series(true, "same identity");
    let different = series(false, "different identities");
    let top = same.points.iter().chain(&different.points).map(|p| p.1).fold(0.0, f64::max);
    let t = f64::from(input.threshold);
    LinePlot {
        title: format!("squared distances of verification pairs; best threshold {t:.3}"),
        x_label: "‖f(x₁) − f(x₂)‖²".into(),
        y_label: "share of the pairs".into(),
        y_scale: Scale::Linear,
        series: vec![same, different, Series::new("threshold", vec![(t, 0.0), (t, top)])],
    }
}

/// The test embeddings projected on their two principal axes (power iteration on the covariance),
/// the [`PROJECTED_IDENTITIES`] identities with the most images coloured.
fn projection(set: &IdentityImages, vectors: &Vectors) -> ScatterPlot {
    let views = set.views_by_identity();
    let mut identities: Vec<usize> = (0..views.len()).filter(|&i| !views[i].is_empty()).collect();
    identities.sort_by_key(|&i| std::cmp::Reverse(views[i].len()));
    identities.truncate(PROJECTED_IDENTITIES);
    let chosen: Vec<usize> =
        (0..set.len()).filter(|i| identities.contains(&set.identities[*i])).take(PROJECTED_POINTS).collect();
    let dim = vectors.dim;
    let mean: Vec<f64> = (0..dim)
        .map(|d| chosen.iter().map(|&i| f64::from(vectors.row(i)[d])).sum::<f64>() / chosen.len().max(1) as f64)
        .collect();
    let centred: Vec<Vec<f64>> =
        chosen.iter().map(|&i| vectors.row(i).iter().zip(&mean).map(|(&x, m)| f64::from(x) - m).collect()).collect();
    let mut axes: Vec<Vec<f64>> = Vec::new();
    for axis in 0..2 {
        let mut v: Vec<f64> = (0..dim).map(|d| if d == axis { 1.0 } else { 0.1 }).collect();
        for _ in 0..100 {
            // w = Σ x (x·v), minus the axes found before.
            let mut w = vec![0.0; dim];
            for x in &centred {
                let dot: f64 = x.iter().zip(&v).map(|(a, b)| a * b).sum();
                for (wd, xd) in w.iter_mut().zip(x) {
                    *wd += dot * xd;
                }
            }
            for a in &axes {
                let dot: f64 = w.iter().zip(a).map(|(x, y)| x * y).sum();
                for (wd, ad) in w.iter_mut().zip(a) {
                    *wd -= dot * ad;
                }
            }
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            v = w.into_iter().map(|x| x / norm).collect();
        }
        axes.push(v);
    }
    let points = centred
        .iter()
        .zip(&chosen)
        .map(|(x, &i)| {
            let p = |a: &Vec<f64>| x.iter().zip(a).map(|(u, v)| u * v).sum::<f64>() as f32;
            let colour = identities.iter().position(|&id| id == set.identities[i]).unwrap_or(0);
            (p(&axes[0]), p(&axes[1]), colour)
        })
        .collect();
    ScatterPlot {
        title: "test embeddings on their two principal axes".into(),
        x_label: "PC 1".into(),
        y_label: "PC 2".into(),
        points,
        class_names: identities.iter().map(|&i| set.identity_names[i].chars().take(24).collect()).collect(),
    }
}

/// The largest cluster's images (FaceNet's Figure 7: one identity across renderings), images of
/// another identity than the cluster's majority framed.
fn cluster_picture(set: &IdentityImages, clusters: &[usize]) -> OwnedGrid {
    let k = clusters.iter().max().map_or(0, |m| m + 1);
    let mut members = vec![Vec::new(); k];
    for (i, &c) in clusters.iter().enumerate() {
        members[c].push(i);
    }
    // The purest cluster with at least 4 members reads best; ties go to the larger one.
    let purity_of = |m: &Vec<usize>| {
        let mut counts = std::collections::BTreeMap::new();
        for &i in m {
            *counts.entry(set.identities[i]).or_insert(0usize) += 1;
        }
        let (majority, top) = counts.into_iter().max_by_key(|&(_, n)| n).unwrap_or((0, 0));
        (majority, top as f64 / m.len().max(1) as f64)
    };
    let best = (0..k)
        .filter(|&c| members[c].len() >= 4.min(set.len()))
        .max_by(|&a, &b| {
            let (pa, pb) = (purity_of(&members[a]).1, purity_of(&members[b]).1);
            pa.total_cmp(&pb).then(members[a].len().cmp(&members[b].len()))
        })
        .unwrap_or(0);
    let (majority, _) = purity_of(&members[best]);
    let shown: Vec<usize> = members[best].iter().copied().take(CLUSTER_IMAGES).collect();
    let [_, h, w] = set.image_shape;
    let mut rows = Vec::new();
    let mut marks = Vec::new();
    for (r, chunk) in shown.chunks(CLUSTER_ROW).enumerate() {
        for (col, &i) in chunk.iter().enumerate() {
            if set.identities[i] != majority {
                marks.push((r, col));
            }
        }
        let captions = chunk.iter().map(|&i| short(&set.identity_names[set.identities[i]])).collect();
        rows.push((String::new(), rgb(set, chunk), chunk.len(), captions));
    }
    OwnedGrid {
        title: format!(
            "one k-means cluster: {} images, mostly {} (others framed)",
            members[best].len(),
            set.identity_names.get(majority).map_or("?", String::as_str)
        ),
        rows,
        marks,
        side: [h, w],
    }
}

/// The training curves of several runs on one chart per measure (`--compare`): the mining
/// strategies side by side, the hard-negative collapse as a curve. `runs`: `(label, run)`.
pub fn write_curves(out_dir: &std::path::Path, runs: &[(String, &RunDir)]) -> Result<(), String> {
    let charts = [
        ("eval-curves-active.png", "active_triplets", "share of the selected triplets with ℓ > 0"),
        ("eval-curves-recall.png", "batch_recall_at_1", "Recall@1 inside the training batch"),
        ("eval-curves-loss.png", "loss", "triplet loss"),
    ];
    let mut tables = Vec::new();
    for (label, run) in runs {
        let rows = atelier_core::metrics::read_metrics(&run.metrics_path()).map_err(|e| e.to_string())?;
        tables.push((label.clone(), rows));
    }
    for (file, metric, title) in charts {
        let series = tables
            .iter()
            .map(|(label, rows)| {
                let points = rows
                    .iter()
                    .filter(|r| r.split == "train" && r.name == metric)
                    .map(|r| (r.step as f64, r.value))
                    .collect();
                Series::new(label.clone(), points)
            })
            .filter(|s| !s.points.is_empty())
            .collect();
        let chart = LinePlot {
            title: format!("{title}, by run"),
            x_label: "step".into(),
            y_label: metric.into(),
            y_scale: Scale::Linear,
            series,
        };
        let path = out_dir.join(file);
        chart.save_png(&path).map_err(|e| e.to_string())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
