//! A picture drawn with `plotters` on any of its backends: into a [`Canvas`] (saved as PNG) or
//! into SVG text (what the course report embeds). Line plots, scatter plots and the confusion
//! matrix implement [`Picture`]; each draws once, generically, and gets both outputs.

use std::path::Path;

use plotters::backend::{DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};

use crate::atomic::write_atomic;
use crate::canvas::{Canvas, ImageError, Rgb};

/// Background of every picture.
pub const BACKGROUND: Rgb = Rgb::WHITE;

/// A fixed-size picture that can paint itself on a `plotters` drawing area.
pub trait Picture {
    /// Width and height in pixels.
    fn size(&self) -> (usize, usize);

    /// Draws everything on `root` (already filled with [`BACKGROUND`]).
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;

    /// The picture as pixels.
    fn render(&self) -> Result<Canvas, String> {
        let (width, height) = self.size();
        let mut canvas = Canvas::new(width, height, BACKGROUND);
        canvas.draw(|area| self.paint(area))?;
        Ok(canvas)
    }

    /// The picture as an SVG document (text in the `sans-serif` family).
    fn to_svg(&self) -> Result<String, String> {
        let (width, height) = self.size();
        let size = (to_u32(width)?, to_u32(height)?);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            root.fill(&BACKGROUND.plotters()).map_err(drawing_error)?;
            self.paint(&root)?;
            root.present().map_err(drawing_error)?;
        }
        Ok(svg)
    }

    /// Writes the picture as a PNG, atomically.
    fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        self.render().map_err(|reason| ImageError::draw(path, reason))?.save_png(path)
    }

    /// Writes the picture as an SVG file, atomically.
    fn save_svg(&self, path: &Path) -> Result<(), ImageError> {
        let svg = self.to_svg().map_err(|reason| ImageError::draw(path, reason))?;
        write_atomic(path, svg.as_bytes()).map_err(|source| ImageError::Io { path: path.to_path_buf(), source })
    }
}

/// A `plotters` drawing error as a message.
pub fn drawing_error<E: std::error::Error + Send + Sync>(error: DrawingAreaErrorKind<E>) -> String {
    format!("plotting failed: {error}")
}

fn to_u32(v: usize) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("a picture dimension of {v} pixels is too large"))
}
