//! `search` and `cluster`: a user's own images through a trained FaceNet run.
//!
//! - `search --run R --query IMG --gallery DIR [--top 5]`: the gallery images nearest to the query,
//!   with their squared distances and identities (a gallery sub-folder's name is its identity):
//!   "which emoji / person is this?".
//! - `cluster --run R --dir DIR [--clusters K] [--out DIR]`: k-means on the embeddings; with
//!   sub-folders (the true identities) also NMI and purity.

use std::path::{Path, PathBuf};

use crate::{Background, IdentityImages};
use atelier_core::Rng;
use atelier_core::atomic::write_atomic;
use atelier_data::colour::{GreyPolicy, image_files, read_image};
use atelier_derive::Params;
use atelier_lecture::{Context, OpenRun};

use super::FacenetLecture;
use super::embed::{Vectors, embed, for_each_distance_row};
use crate::clustering::{kmeans, nmi, purity};
use crate::retrieval::nearest;
use crate::{EmbeddingNet, FacenetConfig};

/// The flags of `search`.
#[derive(Debug, Params)]
pub struct SearchArgs {
    /// The query image (PNG or JPEG, any size: resized to the run's).
    #[param(value_name = "IMAGE", required)]
    pub query: PathBuf,
    /// Folder of gallery images (PNG/JPEG; sub-folders are read too, their names taken as identities).
    #[param(value_name = "DIR", required)]
    pub gallery: PathBuf,
    /// How many nearest images to list.
    #[param]
    pub top: usize,
    /// Also draw query → nearest images into this PNG.
    #[param(value_name = "PNG")]
    pub picture: Option<PathBuf>,
}

impl Default for SearchArgs {
    fn default() -> Self {
        Self { query: PathBuf::new(), gallery: PathBuf::new(), top: 5, picture: None }
    }
}

/// The flags of `cluster`.
#[derive(Debug, Default, Params)]
pub struct ClusterArgs {
    /// Folder of images (PNG/JPEG; sub-folders are read too, their names taken as the true identities
    /// to score the clusters against).
    #[param(value_name = "DIR", required)]
    pub dir: PathBuf,
    /// Number of clusters [default: the number of sub-folders, or √(images/2)].
    #[param]
    pub clusters: Option<usize>,
    /// Write clusters.csv (image, cluster) and one picture per cluster into this folder.
    #[param(value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// A folder of images as an identity set: images directly in it (identity "?"), and in each
/// sub-folder (identity = the sub-folder's name). Returns the set and each image's path.
pub fn read_gallery(dir: &Path, config: &FacenetConfig) -> Result<(IdentityImages, Vec<PathBuf>), String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such folder", dir.display()));
    }
    let shape = [config.input_channels, config.image_size, config.image_size];
    let mut set = IdentityImages::empty(shape, Vec::new(), vec!["folder".into()], Background::White);
    let mut paths = Vec::new();
    let mut folders: Vec<(String, PathBuf)> = vec![("?".to_string(), dir.to_path_buf())];
    let subs = super::data::sub_folders(dir)?;
    folders.extend(subs.into_iter().map(|p| (p.file_name().unwrap_or_default().to_string_lossy().into_owned(), p)));
    for (name, folder) in folders {
        let files = image_files(&folder).map_err(|e| e.to_string())?;
        if files.is_empty() {
            continue;
        }
        set.identity_names.push(name);
        let identity = set.identity_names.len() - 1;
        for file in files {
            let image = read_image(&file, GreyPolicy::Convert).map_err(|e| e.to_string())?;
            set.push_colour(&image, identity, 0);
            paths.push(file);
        }
    }
    if set.is_empty() {
        return Err(format!("{}: no PNG or JPEG images in it or its sub-folders", dir.display()));
    }
    Ok((set, paths))
}

/// The run's network (latest checkpoint) on its device.
fn load(run: &OpenRun<FacenetConfig>) -> Result<EmbeddingNet, String> {
    let (_, blobs) = run.latest_checkpoint()?;
    crate::load_model(&run.config, &blobs, &run.device)
}

pub fn search(_: &FacenetLecture, run: &OpenRun<FacenetConfig>, args: &SearchArgs, _: &Context) -> Result<(), String> {
    if args.top == 0 {
        return Err("--top must be at least 1".into());
    }
    let (config, device) = (&run.config, &run.device);
    let model = load(run)?;
    let (gallery, paths) = read_gallery(&args.gallery, config)?;
    let mut query =
        IdentityImages::empty(gallery.image_shape, vec!["query".into()], vec!["query".into()], Background::White);
    let image = read_image(&args.query, GreyPolicy::Convert).map_err(|e| e.to_string())?;
    query.push_colour(&image, 0, 0);
    let all: Vec<usize> = (0..gallery.len()).collect();
    let gallery_vectors = embed(&model, &gallery, &all, device)?;
    let query_vectors = embed(&model, &query, &[0], device)?;
    let mut found = Vec::new();
    for_each_distance_row(&query_vectors, &gallery_vectors, device, |_, row| {
        found = nearest(row, args.top, None).into_iter().map(|j| (j, row[j])).collect();
    })?;
    println!("{:<5} {:>10}  {:<20} image", "rank", "distance²", "identity");
    for (rank, (j, distance)) in found.iter().enumerate() {
        println!(
            "{:<5} {:>10.4}  {:<20} {}",
            rank + 1,
            distance,
            gallery.identity_names[gallery.identities[*j]],
            paths[*j].display()
        );
    }
    if let Some(picture) = &args.picture {
        let mut shown = query.clone();
        for (j, _) in &found {
            shown.push(gallery.image(*j), 0, 0);
        }
        write_row(picture, &shown, "query | nearest gallery images")?;
        eprintln!("wrote {}", picture.display());
    }
    Ok(())
}

pub fn cluster(
    _: &FacenetLecture,
    run: &OpenRun<FacenetConfig>,
    args: &ClusterArgs,
    _: &Context,
) -> Result<(), String> {
    let (config, device) = (&run.config, &run.device);
    let model = load(run)?;
    let (set, paths) = read_gallery(&args.dir, config)?;
    let named: Vec<usize> = (0..set.identity_names.len()).filter(|&i| set.identity_names[i] != "?").collect();
    let k = match args.clusters {
        Some(0) => return Err("--clusters must be at least 1".into()),
        Some(k) => k.min(set.len()),
        None if named.len() >= 2 => named.len(),
        None => (((set.len() as f64) / 2.0).sqrt().round() as usize).clamp(1, set.len()),
    };
    let all: Vec<usize> = (0..set.len()).collect();
    let vectors: Vectors = embed(&model, &set, &all, device)?;
    let clusters = kmeans(&vectors.values, vectors.dim, k, 100, &mut Rng::new(0));
    let mut members = vec![Vec::new(); k];
    for (i, &c) in clusters.iter().enumerate() {
        members[c].push(i);
    }
    for (c, m) in members.iter().enumerate() {
        let names: Vec<String> = m.iter().take(6).map(|&i| file_name(&paths[i])).collect();
        let more = if m.len() > 6 { format!(" … (+{})", m.len() - 6) } else { String::new() };
        println!("cluster {c:>3}: {:>4} images  {}{more}", m.len(), names.join(", "));
    }
    if named.len() >= 2 && named.len() == set.identity_names.len() {
        println!(
            "against the sub-folders: NMI {:.4}, purity {:.4}",
            nmi(&set.identities, &clusters),
            purity(&set.identities, &clusters)
        );
    }
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let mut csv = String::from("image,cluster\n");
        for (i, &c) in clusters.iter().enumerate() {
            csv.push_str(&format!("{},{c}\n", paths[i].display()));
        }
        write_atomic(&out.join("clusters.csv"), csv.as_bytes()).map_err(|e| e.to_string())?;
        for (c, m) in members.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
            write_row(
                &out.join(format!("cluster-{c:03}.png")),
                &set.subset(&m[..m.len().min(16)]),
                &format!("cluster {c}"),
            )?;
        }
        eprintln!("wrote {} (clusters.csv and one picture per cluster)", out.display());
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// One row of images as a PNG.
fn write_row(path: &Path, set: &IdentityImages, title: &str) -> Result<(), String> {
    use atelier_core::grid::{ImageBatch, LabeledRows, Row};
    let [c, h, w] = set.image_shape;
    let pixels: Vec<f32> = (0..set.len()).flat_map(|i| set.image_unit(i)).collect();
    let rows = vec![Row::new("", ImageBatch::new(&pixels, set.len(), c, h, w))];
    let scale = if h <= 32 { 2 } else { 1 };
    LabeledRows { title: title.into(), rows, marks: Vec::new(), scale }.save_png(path).map_err(|e| e.to_string())
}
