//! Run bookkeeping shared by every lecture: run directories, provenance,
//! metrics tables, image grids and plots. No tensors here: plain data in, files out.

pub mod atomic;
pub mod canvas;
pub mod clock;
pub mod font;
pub mod grid;
pub mod heatmap;
pub mod metrics;
pub mod plot;
pub mod provenance;
pub mod run_dir;
