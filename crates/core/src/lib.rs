//! Run bookkeeping shared by every lecture: run directories, provenance,
//! metrics tables, image grids and plots. No tensors here: plain data in, files out.

pub mod atomic;
pub mod canvas;
pub mod choices;
pub mod clock;
pub mod curves;
pub mod grid;
pub mod heatmap;
pub mod metrics;
pub mod picture;
pub mod plot;
pub mod png;
pub mod provenance;
pub mod raster;
pub mod run_dir;
pub mod scatter;
pub mod text;
pub mod threads;
