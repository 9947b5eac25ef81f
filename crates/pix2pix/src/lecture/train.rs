//! pix2pix's pairs through the shared loop, and its loss plots.

use std::sync::Arc;

use atelier_lecture::figures::{TrainPlot, write_train_plots};
use atelier_train::{BatchSource, Outcome, PairAugment, PairSource, Session, TrainError, fit};

use super::data::TranslationData;
use crate::{Objective, Pix2PixConfig, Pix2PixExperiment};

pub fn train(config: &Pix2PixConfig, session: &Session, data: TranslationData) -> Result<Outcome, TrainError> {
    // pix2pix's mirroring: input and target flipped together.
    let train = PairSource::new(Arc::new(data.train), session.config.train_limit).with_augment(PairAugment::Mirror);
    let valid = PairSource::new(Arc::new(data.valid), None);
    eprintln!(
        "pix2pix ({}, {}): {} training / {} validation pairs from {}",
        config.task.name(),
        config.objective().name(),
        train.len(),
        valid.len(),
        data.source
    );
    session.seed_device_for_init();
    let experiment = Pix2PixExperiment::new(config.clone(), &session.device);
    let outcome = fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)?;
    write_loss_plots(config, &session.run)
        .map_err(|reason| TrainError::Plot { dir: session.run.plots_dir(), reason })?;
    Ok(outcome)
}

/// Both players' losses on one chart (the L1 term is also drawn alone by the loop).
fn write_loss_plots(config: &Pix2PixConfig, run: &atelier_core::run_dir::RunDir) -> Result<(), String> {
    let series: &[(&str, &str)] = match config.objective() {
        Objective::Pix2Pix => &[("d_loss", "L_D"), ("g_gan", "BCE(D(x, G(x)), 1)"), ("g_l1", "L1 (unweighted)")],
        Objective::L1Only => &[("g_l1", "L1")],
    };
    let plots = [TrainPlot { file: "losses", title: "pix2pix losses", y_label: "loss", series }];
    write_train_plots(run, "optimisation step", &plots)
}
