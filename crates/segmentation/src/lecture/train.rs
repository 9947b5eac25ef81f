//! Scenes or a mask folder through the shared loop.

use std::sync::Arc;

use crate::MaskSource;
use atelier_train::{Outcome, PairAugment, Session, TrainError, fit};

use super::data::SegmentationData;
use crate::loss::inverse_frequency_weights;
use crate::{ClassWeights, SegmentationConfig, SegmentationExperiment, SegmentationTask};

pub fn train(config: &SegmentationConfig, session: &Session, data: SegmentationData) -> Result<Outcome, TrainError> {
    let weights = match config.class_weights {
        ClassWeights::None => None,
        ClassWeights::InverseFrequency => Some(inverse_frequency_weights(&data.train.class_pixel_counts())),
    };
    // A user's folder is small: its images are mirrored (with their masks); scenes are random already
    // (and a mirrored emoji is not always the same emoji).
    let augment = match config.task {
        SegmentationTask::Folder => PairAugment::Mirror,
        SegmentationTask::FashionScenes | SegmentationTask::EmojiScenes => PairAugment::None,
    };
    let train = MaskSource::new(Arc::new(data.train), session.config.train_limit).with_augment(augment);
    let valid = MaskSource::new(Arc::new(data.valid), None);
    eprintln!(
        "segmentation ({}, {}): {} training / {} validation images, {} classes, from {}",
        config.task.name(),
        config.label(),
        atelier_train::BatchSource::len(&train),
        atelier_train::BatchSource::len(&valid),
        config.classes,
        data.source
    );
    if let Some(weights) = &weights {
        eprintln!("class weights (inverse frequency): {weights:.3?}");
    }
    session.seed_device_for_init();
    let experiment = SegmentationExperiment::new(config.clone(), weights, &session.device);
    fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
}
