//! The translation tasks of the lecture: what goes in, what comes out, at which size.
//!
//! The runner builds each task's pairs from the data (`atelier_data::translation`); this crate
//! only needs to know the shapes and the colour space.

use serde::{Deserialize, Serialize};

use crate::config::ColourSpace;

/// A paired translation task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TranslationTask {
    /// Twitter-style emoji → the same emoji in Google's style, RGB 64×64.
    TwitterToGoogle,
    /// Google emoji: lightness L → chroma a, b (CIE Lab), 64×64.
    Colorize,
    /// Fashion-MNIST: Sobel edge map → garment, grey, padded from 28×28 to 32×32.
    Edges2fashion,
    /// Google emoji: Sobel edge map → emoji, 64×64.
    Edges2emoji,
    /// Any paired folder given with --data-dir (A/ → B/, or side-by-side pairs), RGB 64×64.
    Folder,
}

impl TranslationTask {
    pub const ALL: [TranslationTask; 5] = [
        TranslationTask::TwitterToGoogle,
        TranslationTask::Colorize,
        TranslationTask::Edges2fashion,
        TranslationTask::Edges2emoji,
        TranslationTask::Folder,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TranslationTask::TwitterToGoogle => "twitter-to-google",
            TranslationTask::Colorize => "colorize",
            TranslationTask::Edges2fashion => "edges2fashion",
            TranslationTask::Edges2emoji => "edges2emoji",
            TranslationTask::Folder => "folder",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            TranslationTask::TwitterToGoogle => "Twitter emoji → the same emoji drawn by Google (paired emoji)",
            TranslationTask::Colorize => "emoji lightness L → colour (Lab a, b), scored in RGB",
            TranslationTask::Edges2fashion => "Fashion-MNIST edge maps → garments (32×32, padded)",
            TranslationTask::Edges2emoji => "emoji edge maps → Google emoji",
            TranslationTask::Folder => {
                "a paired folder of your own (--data-dir: train/ and test/, A/+B/ or side by side)"
            }
        }
    }

    /// `(input channels, output channels, size, colour space)`.
    pub fn shapes(self) -> (usize, usize, usize, ColourSpace) {
        match self {
            TranslationTask::TwitterToGoogle | TranslationTask::Folder => (3, 3, 64, ColourSpace::Rgb),
            TranslationTask::Colorize => (1, 2, 64, ColourSpace::LabChroma),
            TranslationTask::Edges2fashion => (1, 1, 32, ColourSpace::Rgb),
            TranslationTask::Edges2emoji => (1, 3, 64, ColourSpace::Rgb),
        }
    }

    /// True when the task's data are emoji.
    pub fn reads_emoji(self) -> bool {
        matches!(self, TranslationTask::TwitterToGoogle | TranslationTask::Colorize | TranslationTask::Edges2emoji)
    }
}
