//! Identities through the shared loop (P × K batches).

use std::sync::Arc;

use crate::batches::IdentitySource;
use atelier_data::AugmentConfig;
use atelier_train::{Outcome, Session, TrainError, fit};

use super::data::{self, IdentityData};
use crate::{Augmentation, FacenetConfig, FacenetExperiment};

/// The course's view augmentations (`--augment views`): small rotations, scale, shifts and a
/// little noise; no flips.
pub fn view_augmentation(augmentation: Augmentation) -> AugmentConfig {
    match augmentation {
        Augmentation::None => AugmentConfig::default(),
        Augmentation::Views => AugmentConfig {
            flip_prob: 0.0,
            max_rotation_deg: 10.0,
            scale_range: (0.9, 1.1),
            max_translate: 3,
            noise_sigma: 0.02,
        },
    }
}

/// The embedded emoji's training identities (what `bench facenet` draws its batches from).
pub fn bench_identities() -> Result<crate::IdentityImages, String> {
    let set = atelier_data::emoji_mini::load(&data::EMOJI_STYLES).map_err(|e| e.to_string())?;
    Ok(crate::IdentityImages::from_emoji(&set, atelier_data::emoji::EmojiSplit::Train))
}

pub fn train(config: &FacenetConfig, session: &Session, data: IdentityData) -> Result<Outcome, TrainError> {
    let (p, k) = (config.identities_per_batch, config.views_per_identity);
    let train_set = match session.config.train_limit {
        Some(limit) if limit < data.train.len() => data.train.subset(&(0..limit).collect::<Vec<_>>()),
        _ => data.train,
    };
    let train = IdentitySource::new(Arc::new(train_set), p, k).with_augment(view_augmentation(config.augmentation));
    let valid = IdentitySource::new(Arc::new(data.valid), p, k);
    for (name, source) in [("training", &train), ("validation", &valid)] {
        if source.usable_identities() < 2 {
            return Err(TrainError::Config(format!(
                "the {name} images hold {} identit(ies) with two or more images; a triplet needs at least two \
                 (--train-limit keeps the first images: the emoji sets store every Google rendering before the \
                 Twitter ones, so a limit below their count leaves no pair)",
                source.usable_identities()
            )));
        }
    }
    eprintln!(
        "facenet ({}, {} mining): {} training images of {} identities ({} with two or more views), {} validation \
         images; batches of {p} identities × {k} views, from {}",
        config.task.name(),
        config.mining.name(),
        atelier_train::BatchSource::len(&train),
        train.set().num_identities(),
        train.usable_identities(),
        atelier_train::BatchSource::len(&valid),
        data.source
    );
    session.seed_device_for_init();
    let experiment = FacenetExperiment::new(config.clone(), &session.device);
    fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
}
