//! The metric-learning lecture's wiring: identities through the shared loop (P × K batches), the
//! evaluation by identification, verification and clustering, `search` and `cluster` on a user's
//! own images, its demo plan, bench and course entry. (The model modules beside this one do no
//! file IO.)

mod course;
mod data;
mod embed;
mod eval;
mod figures;
mod search;
mod train;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::batches::IdentitySource;
use atelier_core::course::CourseEntry;
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Context, DemoPlan, Found, InAll, Lecture, OpenRun, Preset, Verb, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::{FacenetConfig, FacenetExperiment, FacenetTask};
use data::{IdentityData, IdentitySource as Identities};

/// The lecture, as the registry lists it.
pub const LECTURE: FacenetLecture = FacenetLecture;
const ID: &str = <FacenetLecture as Lecture>::ID;

pub struct FacenetLecture;

/// The flags of `eval facenet`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Other FaceNet runs on the same task to put in the same table (repeat the flag).
    #[param(value_name = "RUN_DIR")]
    pub compare: Vec<PathBuf>,
    /// A quick look: at most N query images and N gallery images (the first ones) [default: all].
    #[param(value_name = "N")]
    pub limit: Option<usize>,
}

impl Lecture for FacenetLecture {
    type Config = FacenetConfig;
    type Source = Identities;
    type Data = IdentityData;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "facenet";

    fn about(&self) -> About {
        About {
            train: "The metric-learning lecture: an embedding on the unit sphere trained with FaceNet's triplet loss \
                    and semi-hard mining (Fashion classes, emoji across renderings, or your identity folder).",
            eval: "Identification (Recall@1/5, mAP@R), verification (ROC AUC, 10-fold accuracy, TAR at FAR) and \
                   clustering (NMI, purity) on test identities, beside raw pixels and the untrained network; \
                   --compare adds other runs (mining strategies) to the table.",
            data: Some(
                "Data folder: Fashion-MNIST (--task fashion), an emoji folder (--task emoji) or, with --task folder, \
                 one sub-folder of images per identity (a train/ and test/ pair of such folders, or one folder whose \
                 every fifth identity is held out for test).",
            ),
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<FacenetConfig>> {
        let default = FacenetTask::Fashion;
        std::iter::once(Preset::default(FacenetConfig::for_task(default)))
            .chain(
                FacenetTask::ALL
                    .into_iter()
                    .filter(|t| *t != default)
                    .map(|task| Preset::selected_by("task", task.name(), FacenetConfig::for_task(task))),
            )
            .collect()
    }

    fn training(&self, config: &FacenetConfig) -> TrainConfig {
        config.training()
    }

    fn refused_loop_flags(&self) -> Vec<(&'static str, &'static str)> {
        vec![("batch-size", "a FaceNet batch is --identities-per-batch P × --views-per-identity K; set those")]
    }

    /// A batch is P × K.
    fn settle(&self, config: &FacenetConfig, train: &mut TrainConfig) {
        train.batch_size = config.batch_size();
    }

    fn validate(&self, config: &FacenetConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, config: &FacenetConfig, data_dir: Option<&Path>) -> Result<Found<Identities>, String> {
        let source = data::locate(config, data_dir)?;
        Ok(Found { record: source.record()?, description: source.to_string(), source })
    }

    /// The identities, with the image shape they decide written into the config.
    fn load(
        &self,
        source: Identities,
        config: &mut FacenetConfig,
        _train: &TrainConfig,
    ) -> Result<IdentityData, String> {
        let data = source.load()?;
        data::fit_config_to_data(config, &data)?;
        Ok(data)
    }

    fn train(
        &self,
        config: &FacenetConfig,
        session: &Session,
        data: IdentityData,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        train::train(config, session, data)
    }

    fn eval(
        &self,
        run: &OpenRun<FacenetConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let data = data::locate(&run.config, data_dir)?.load()?;
        eval::eval(run, data, &args.compare, args.limit, ctx)
    }

    fn verbs(&self) -> Vec<Verb<Self>> {
        vec![
            Verb::new(
                "search",
                "Find the gallery images nearest to a query image with a trained FaceNet run (\"which emoji/person is \
                 this?\").",
                search::search,
            ),
            Verb::new(
                "cluster",
                "Group a folder of images by identity with a trained FaceNet run (k-means on the embeddings).",
                search::cluster,
            ),
        ]
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "FaceNet's triplet loss with semi-hard mining, Fashion classes as identities, 12,800 images, then \
                      Recall@1, verification and clustering of 2,000 test images beside raw pixels",
            budget: Budget::Images(12_800),
            train_flags: &["--task", "fashion"],
            eval_flags: &["--limit", "2000"],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        let about = "One Adam step of the embedding network and its semi-hard triplet loss on 64×64 emoji, batch/2 \
                     identities × 2 views (PyTorch's reference was measured at --batch-size 32).";
        let plan = BenchPlan::images(about, |_, request: &BenchRequest, device: &Device| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let config = FacenetConfig::for_task(FacenetTask::Emoji);
            // The embedded emoji have two renderings each: batches of batch/2 identities × 2 distinct
            // views (PyTorch's reference labels 4 views per identity; the network's work and the
            // loss's [n, n, n] masks are the same size).
            let k = 2;
            let source = IdentitySource::new(Arc::new(train::bench_identities()?), (request.batch_size / k).max(2), k);
            let experiment = FacenetExperiment::new(config, &device);
            Ok(vec![time_steps(experiment, &device, &source, request)?.row("facenet (semi-hard)", request.batch_size)])
        })
        .in_all(InAll { batch_size: Some(32), max_steps: Some(10), flags: &[] });
        Some(plan)
    }
}
