//! The unpaired-translation lecture's wiring: a task's two domains through the shared loop, the
//! evaluation against the true counterparts (beside the identity, other runs and a paired
//! translator's run), `translate` both ways, its demo plan, bench and course entry. (The model
//! modules beside this one do no file IO.)

mod course;
mod data;
mod eval;
mod train;
mod translate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::UnpairedSource;
use atelier_core::course::CourseEntry;
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Companion, Context, DemoPlan, Found, InAll, Lecture, OpenRun, Preset,
    SharedVerb, Translate, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::{CycleGanConfig, CycleGanExperiment, CycleTask, Direction, load_generators};
use data::{CycleData, CycleSource};

/// The lecture, as the registry lists it.
pub const LECTURE: CycleganLecture = CycleganLecture;
const ID: &str = <CycleganLecture as Lecture>::ID;

pub struct CycleganLecture;

/// The flags of `eval cyclegan`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Other CycleGAN runs on the same task to put in the same table (repeat the flag).
    #[param(value_name = "RUN_DIR")]
    pub compare: Vec<PathBuf>,
}

impl Lecture for CycleganLecture {
    type Config = CycleGanConfig;
    type Source = CycleSource;
    type Data = CycleData;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "cyclegan";

    fn about(&self) -> About {
        About {
            train: "The unpaired-translation lecture's CycleGAN (two ResNet generators, two PatchGANs, cycle \
                    consistency; --cycle-weight 0: the adversarial-only ablation).",
            eval: "Translate the test images both ways: against the true counterparts (emoji) L1, PSNR, SSIM, cycle \
                   L1, FCD, looks-like-the-target-style and category kept (class kept for garments), beside the \
                   identity; --compare adds other CycleGAN runs (the λ_cyc = 0 ablation), and a paired run its upper \
                   bound.",
            data: Some(
                "Data folder: an emoji folder (twitter-google), Fashion-MNIST (edges-fashion) or, with --task folder, \
                 CycleGAN's trainA/ trainB/ testA/ testB/; see --task.",
            ),
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<CycleGanConfig>> {
        CycleTask::ALL
            .into_iter()
            .map(|task| {
                let config = CycleGanConfig::for_task(task);
                match task {
                    CycleTask::TwitterGoogle => {
                        Preset::default(config).costing("≈ 84 min for the emoji on 2 CPU cores at 64×64, 1.2 pairs/s")
                    }
                    CycleTask::EdgesFashion => Preset::selected_by("task", task.name(), config)
                        .costing("over the first 20,000 training images: 10,000 edge maps vs 10,000 garments"),
                    CycleTask::Folder => Preset::selected_by("task", task.name(), config)
                        .costing("≈ 84 min for the emoji on 2 CPU cores at 64×64, 1.2 pairs/s"),
                }
            })
            .collect()
    }

    fn training(&self, config: &CycleGanConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &CycleGanConfig) -> Result<(), String> {
        config.validate()?;
        data::check_size(config)
    }

    fn locate(&self, config: &CycleGanConfig, data_dir: Option<&Path>) -> Result<Found<CycleSource>, String> {
        let source = data::locate(config, data_dir)?;
        Ok(Found { record: source.record()?, description: source.to_string(), source })
    }

    fn load(&self, source: CycleSource, config: &mut CycleGanConfig, train: &TrainConfig) -> Result<CycleData, String> {
        source.load(config, train.train_limit)
    }

    fn train(
        &self,
        config: &CycleGanConfig,
        session: &Session,
        data: CycleData,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        train::train(config, session, data)
    }

    fn eval(
        &self,
        run: &OpenRun<CycleGanConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let data = data::locate(&run.config, data_dir)?.load(&run.config, None)?;
        eval::eval(run, data, &args.compare, data_dir, ctx)
    }

    fn accepts(&self) -> &'static [Companion] {
        &[Companion::PairedTranslations]
    }

    fn shares(&self) -> &'static [SharedVerb] {
        &[SharedVerb::Translate]
    }

    fn directions(&self) -> &'static [(&'static str, &'static str)] {
        &[("x2y", "G: X → Y (twitter → google, edges → garments, A → B)"), ("y2x", "F: Y → X (the way back)")]
    }

    fn translator(
        &self,
        run: &OpenRun<CycleGanConfig>,
        direction: Option<&str>,
    ) -> Option<Result<Box<dyn Translate>, String>> {
        let Some(direction) = direction.and_then(|d| Direction::ALL.into_iter().find(|x| x.name() == d)) else {
            return Some(Err("a CycleGAN run translates both ways: give --direction x2y (G) or y2x (F)".into()));
        };
        let loaded = run.latest_checkpoint().and_then(|(step, blobs)| {
            let generators = load_generators(&run.config, &blobs, &run.device)?;
            let described = format!(
                "{} with {} ({}) at step {step}",
                direction.name(),
                run.dir.path().display(),
                run.config.task.name()
            );
            let translator = translate::Translator {
                generators,
                direction,
                config: run.config.clone(),
                device: run.device.clone(),
                described,
            };
            Ok(Box::new(translator) as Box<dyn Translate>)
        });
        Some(loaded)
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "CycleGAN between Twitter and Google emoji, unpaired halves, 320 Twitter emoji (40 steps of 8 \
                      pairs at 64×64; the embedded set's 108, twice: 27 steps), then L1 / PSNR / SSIM against the \
                      true counterparts beside the identity, FCD, looks-like-target and category kept, both ways",
            // A step draws one X (Twitter) and one Y (Google) image: the budget counts the X images.
            // 320 (was 80 before the faster build): enough that the translation beats the identity's PSNR
            // on the embedded set (docs/demo.md), ~65 s more.
            budget: Budget::EmojiPairs(320),
            train_flags: &["--task", "twitter-google"],
            eval_flags: &[],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        let about = "One CycleGAN iteration (both generators, then both discriminators) on unpaired Twitter and \
                     Google emoji, 64×64, ngf 32, 6 blocks (PyTorch's reference was measured at --batch-size 32).";
        let plan = BenchPlan::images(about, |_, request: &BenchRequest, device: &Device| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let config = CycleGanConfig { size: 64, ..Default::default() };
            let source = UnpairedSource::new(Arc::new(data::embedded_bench_domains()?), None);
            let experiment = CycleGanExperiment::new(config, 1, &device);
            let label = "cyclegan 64×64 (G, F + D_X, D_Y)";
            Ok(vec![time_steps(experiment, &device, &source, request)?.row(label, request.batch_size)])
        })
        // Four ResNet generator passes per pair at 64×64, a few pairs/s: the reference's batch, 5 steps.
        .in_all(InAll { batch_size: Some(32), max_steps: Some(5), flags: &[] });
        Some(plan)
    }
}
