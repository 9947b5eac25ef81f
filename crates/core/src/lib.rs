//! Run bookkeeping shared by every lecture: run directories, provenance,
//! metrics tables, image grids and plots; the course's one random generator ([`Rng`]); and the
//! declaration of hyperparameters and flags ([`params`]). No tensors here: plain data in, files out.

pub mod atomic;
pub mod canvas;
pub mod choices;
pub mod clock;
pub mod course;
pub mod curves;
pub mod grid;
pub mod heatmap;
pub mod mathml;
pub mod metrics;
pub mod outputs;
pub mod params;
pub mod picture;
pub mod plot;
pub mod png;
pub mod png_folder;
pub mod provenance;
pub mod raster;
pub mod rng;
pub mod run_dir;
pub mod scatter;
pub mod text;
pub mod threads;

pub use rng::Rng;
