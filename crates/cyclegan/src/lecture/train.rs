//! CycleGAN's unpaired domains through the shared loop, and its loss plots.

use std::sync::Arc;

use crate::UnpairedSource;
use atelier_lecture::figures::{TrainPlot, write_train_plots};
use atelier_train::{BatchSource, Outcome, PairSource, Session, TrainError, fit};

use super::data::CycleData;
use crate::{CycleGanConfig, CycleGanExperiment};

pub fn train(config: &CycleGanConfig, session: &Session, data: CycleData) -> Result<Outcome, TrainError> {
    let train = UnpairedSource::new(Arc::new(data.train), session.config.train_limit);
    let valid = PairSource::new(Arc::new(data.valid), None);
    eprintln!(
        "cyclegan ({}, {}×{}, λ_cyc {}): {} X and {} Y training images (unpaired), {} validation pairs from {}",
        config.task.name(),
        config.size,
        config.size,
        config.cycle_weight,
        train.len(),
        train.set().y.len(),
        valid.len(),
        data.source
    );
    session.seed_device_for_init();
    let experiment = CycleGanExperiment::new(config.clone(), session.config.epochs, &session.device);
    let outcome = fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)?;
    write_loss_plots(&session.run).map_err(|reason| TrainError::Plot { dir: session.run.plots_dir(), reason })?;
    Ok(outcome)
}

/// Every loss term on two charts: the adversarial game, and the consistency terms.
fn write_loss_plots(run: &atelier_core::run_dir::RunDir) -> Result<(), String> {
    let plots = [
        TrainPlot {
            file: "losses-adversarial",
            title: "CycleGAN: least-squares GAN losses",
            y_label: "loss",
            series: &[
                ("g_gan_xy", "(D_Y(G(x)) − 1)²"),
                ("g_gan_yx", "(D_X(F(y)) − 1)²"),
                ("d_y", "L_D(D_Y)"),
                ("d_x", "L_D(D_X)"),
            ],
        },
        TrainPlot {
            file: "losses-consistency",
            title: "CycleGAN: cycle and identity L1 (unweighted)",
            y_label: "mean |·|",
            series: &[
                ("cycle_x", "‖F(G(x)) − x‖₁"),
                ("cycle_y", "‖G(F(y)) − y‖₁"),
                ("identity_x", "‖F(x) − x‖₁"),
                ("identity_y", "‖G(y) − y‖₁"),
            ],
        },
    ];
    write_train_plots(run, "optimisation step", &plots)
}
