//! `eval cyclegan`: the test images translated both ways by the run's generators, scored against
//! their true counterparts beside the identity (the input itself), other CycleGAN runs
//! (`--compare`: the λ_cyc = 0 ablation) and a paired translator's run (the upper bound, `X → Y`
//! only, offered by the lecture that trains paired translators under its own flag).
//!
//! Per method and direction (`x2y`: Twitter → Google or edges → garments; `y2x` the way back), in
//! `[0, 1]` at the run's image size:
//! - `l1`, `psnr_db`, `ssim` against the true counterpart (emoji, garments; not for a folder,
//!   whose test images are not paired);
//! - `cycle_l1` = mean |F(G(x)) − x| (or |G(F(y)) − y|), CycleGAN runs only;
//! - emoji, with the colour evaluator (64×64; a 32×32 run's images are scaled up first, and so are
//!   the real images it is compared with): `fcd` against the real target-style test emoji,
//!   `looks_like_target` (the share the evaluator calls the target's style) and `category_kept`,
//!   each also as a share of what the real target-style test images get (`…_vs_real`);
//! - edges → garments, with the Fashion evaluator: `class_kept` and `fcd` against the real test
//!   garments.

use std::path::{Path, PathBuf};

use atelier_data::PairSet;
use atelier_data::colour::resize_planes;
use atelier_data::translation::{EDGES_TO_GARMENTS, TWITTER_TO_GOOGLE, crop_centred};
use atelier_evaluation::emoji::EmojiEvaluatorOutputs;
use atelier_evaluation::emoji::ruler::EmojiRuler;
use atelier_evaluation::{RealSplit, Rendered, Scorer, fcd, paired_scores};
use atelier_lecture::{Companion, Context, OpenRun};
use atelier_train::Figure;
use atelier_train::figures::write_figure;
use atelier_train::host::to_host_f32;
use burn::prelude::*;

use super::data::{Counterparts, CycleData};
use crate::{CycleGanConfig, CycleTask, Direction, Generators, load_generators, translate};

/// Images per forward pass.
const BATCH: usize = 64;
/// Test pairs in the evaluation picture.
const PICTURE_PAIRS: usize = 12;
/// The colour evaluator's input side.
const EVALUATOR_SIDE: usize = 64;
/// The colour evaluator's style indices.
const GOOGLE_STYLE: usize = 0;
const TWITTER_STYLE: usize = 1;

/// How a method translates.
enum Translator {
    /// The input itself.
    Identity,
    /// A CycleGAN run's two generators.
    CycleGan(Box<Generators>),
    /// A paired translator's `X → Y` translations of the same test images, scaled to this run's size.
    Paired(Vec<f32>),
}

struct Method {
    label: String,
    translator: Translator,
    /// The checkpoint's step (runs only).
    step: Option<u64>,
}

/// One direction's outputs and scores for one method.
struct Scored {
    method: usize,
    direction: Direction,
    outputs: Vec<f32>,
    entries: Vec<(&'static str, f64)>,
}

/// What each direction reads: its inputs, its true counterparts, the evaluator style of its target.
struct DirectionData<'a> {
    direction: Direction,
    inputs: &'a [f32],
    targets: &'a [f32],
    target_style: usize,
}

pub fn eval(
    run: &OpenRun<CycleGanConfig>,
    data: CycleData,
    compare: &[PathBuf],
    data_dir: Option<&Path>,
    ctx: &Context,
) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    let test = &data.test;
    let mut methods = vec![Method { label: "identity".into(), translator: Translator::Identity, step: None }];
    methods.push(load_method(run)?);
    for path in compare {
        let other = OpenRun::<CycleGanConfig>::open_on(path, super::ID, device.clone())
            .map_err(|e| format!("--compare {}: {e}", path.display()))?;
        let other_config = &other.config;
        if (other_config.task, other_config.size, other_config.channels) != (config.task, config.size, config.channels)
        {
            return Err(format!(
                "--compare {}: task {} at {}×{}, but this run is {} at {}×{}",
                path.display(),
                other_config.task.name(),
                other_config.size,
                other_config.size,
                config.task.name(),
                config.size,
                config.size
            ));
        }
        methods.push(load_method(&other)?);
    }
    // A paired translator's run, typed under the flag its lecture offers it with.
    let paired_flag = ctx.companion_flag(Companion::PairedTranslations).unwrap_or("paired");
    if let Some(path) = ctx.companion(Companion::PairedTranslations) {
        methods.push(load_paired(path, paired_flag, config, test, device, data_dir, ctx)?);
    }
    let directions = [
        DirectionData {
            direction: Direction::X2y,
            inputs: &test.inputs,
            targets: &test.targets,
            target_style: GOOGLE_STYLE,
        },
        DirectionData {
            direction: Direction::Y2x,
            inputs: &test.targets,
            targets: &test.inputs,
            target_style: TWITTER_STYLE,
        },
    ];
    if config.task == CycleTask::TwitterGoogle && config.size != EVALUATOR_SIDE {
        eprintln!(
            "warning: the colour evaluator judges 64×64 emoji; these {0}×{0} ones are scaled up first, and at that \
             blur it calls even real Google emoji Twitter's (see real_x2y_looks_like_target): its style and \
             category scores say little here",
            config.size
        );
    }
    let ruler = match config.task {
        CycleTask::TwitterGoogle => match EmojiRuler::load(device) {
            Ok(ruler) => Some(ruler),
            Err(e) => {
                eprintln!("warning: no colour evaluator, so no FCD / style / category scores: {e}");
                None
            }
        },
        _ => None,
    };
    let fashion = match (config.task, &data.fashion) {
        (CycleTask::EdgesFashion, Some(dataset)) => {
            Some(Scorer::new(ctx, dataset, RealSplit::Test, test.len(), device)?)
        }
        _ => None,
    };
    eprintln!("translating {} test images each way ({})", test.len(), data.source);
    let measures = Measures { config, test, counterparts: data.counterparts, device };
    let mut scored = Vec::new();
    let mut real_entries = Vec::new();
    for d in &directions {
        let real = match &ruler {
            Some(ruler) => {
                let real = ruler.outputs(&for_evaluator(d.targets, config), test.len(), device)?;
                real_entries.push((
                    format!("real_{}_looks_like_target", d.direction.name()),
                    real.share_of_style(d.target_style),
                ));
                real_entries
                    .push((format!("real_{}_category_kept", d.direction.name()), real.content_kept(&test.labels)));
                Some(real)
            }
            None => None,
        };
        for (m, method) in methods.iter().enumerate() {
            let Some(outputs) = translated(&method.translator, d, config, device)? else { continue };
            let entries =
                measures.score(&method.translator, d, &outputs, ruler.as_ref().zip(real.as_ref()), fashion.as_ref())?;
            scored.push(Scored { method: m, direction: d.direction, outputs, entries });
        }
    }
    print_table(&methods, &scored);
    let path = write_figure(&run.dir.samples_dir(), "eval-", picture(config, test, &methods, &scored, device))?;
    eprintln!("wrote {}", path.display());
    let step = methods[1].step.unwrap_or_default();
    let mut entries: Vec<(String, f64)> = Vec::new();
    for s in &scored {
        let prefix = match s.method {
            0 => "identity_".to_string(),
            1 => String::new(),
            m if matches!(methods[m].translator, Translator::Paired(_)) => format!("{paired_flag}_"),
            m => format!("compare{}_", m - 1),
        };
        for (name, value) in &s.entries {
            entries.push((format!("{prefix}{}_{name}", s.direction.name()), *value));
        }
    }
    entries.extend(psnr_gains(&entries));
    entries.extend(real_entries);
    entries.push(("test_pairs".to_string(), test.len() as f64));
    entries.push(("checkpoint_step".to_string(), step as f64));
    Ok(entries)
}

/// `{way}_psnr_gain_over_identity_db` = the run's PSNR − the input's own, each way scored against true
/// counterparts (the report's target: above 0).
fn psnr_gains(entries: &[(String, f64)]) -> Vec<(String, f64)> {
    let value = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    [Direction::X2y, Direction::Y2x]
        .into_iter()
        .filter_map(|d| {
            let way = d.name();
            let gain = value(&format!("{way}_psnr_db"))? - value(&format!("identity_{way}_psnr_db"))?;
            Some((format!("{way}_psnr_gain_over_identity_db"), gain))
        })
        .collect()
}

/// What one method's outputs in one direction are scored with.
struct Measures<'a> {
    config: &'a CycleGanConfig,
    test: &'a PairSet,
    counterparts: Counterparts,
    device: &'a Device,
}

impl Measures<'_> {
    /// Against the true counterparts (when there are), the cycle error (CycleGAN runs), the colour
    /// evaluator against the real target-style images (emoji), the Fashion evaluator (garments).
    fn score(
        &self,
        translator: &Translator,
        d: &DirectionData,
        outputs: &[f32],
        emoji: Option<(&EmojiRuler, &EmojiEvaluatorOutputs)>,
        fashion: Option<&Scorer>,
    ) -> Result<Vec<(&'static str, f64)>, String> {
        let (config, labels) = (self.config, &self.test.labels);
        let mut entries = Vec::new();
        if self.counterparts == Counterparts::True {
            let [l1, psnr, ssim, _] = paired_scores(&rendered(config, outputs), &rendered(config, d.targets))?;
            entries.extend([("l1", l1), ("psnr_db", psnr), ("ssim", ssim)]);
        }
        if let Translator::CycleGan(generators) = translator {
            let back = run_generator(generators.of(other(d.direction)), outputs, config, self.device)?;
            entries.push(("cycle_l1", mean_abs_diff(&back, d.inputs)));
        }
        if let Some((ruler, real)) = emoji {
            let seen = ruler.outputs(&for_evaluator(outputs, config), labels.len(), self.device)?;
            let (looks, kept) = (seen.share_of_style(d.target_style), seen.content_kept(labels));
            entries.extend([
                ("fcd", fcd(&seen.content_view(), &real.content_view())?),
                ("looks_like_target", looks),
                ("category_kept", kept),
                ("looks_like_target_vs_real", looks / real.share_of_style(d.target_style).max(1e-9)),
                ("category_kept_vs_real", kept / real.content_kept(labels).max(1e-9)),
            ]);
        }
        if let (Some(scorer), Direction::X2y) = (fashion, d.direction) {
            // The generated garments, cropped back to Fashion-MNIST's 28×28.
            let side = config.size;
            let garments: Vec<f32> =
                outputs.chunks(side * side).flat_map(|image| crop_centred(image, side, 28, 28)).collect();
            let predicted = scorer.predicted_classes(&garments)?;
            let kept = predicted.iter().zip(labels).filter(|(p, l)| p == l).count() as f64 / labels.len() as f64;
            entries.extend([("class_kept", kept), ("fcd", scorer.score(&garments)?.fcd)]);
        }
        Ok(entries)
    }
}

fn other(direction: Direction) -> Direction {
    match direction {
        Direction::X2y => Direction::Y2x,
        Direction::Y2x => Direction::X2y,
    }
}

/// A CycleGAN run's generators, labelled with its directory name and λ_cyc.
fn load_method(run: &OpenRun<CycleGanConfig>) -> Result<Method, String> {
    let (step, blobs) = run.latest_checkpoint()?;
    let generators = load_generators(&run.config, &blobs, &run.device)?;
    Ok(Method {
        label: format!("CycleGAN λ_cyc={} ({}, step {step})", run.config.cycle_weight, run.name()),
        translator: Translator::CycleGan(Box::new(generators)),
        step: Some(step),
    })
}

/// A paired translator's run on the task's paired counterpart (the same Twitter → Google emoji, the
/// same edges → garments): its translations of the same test images (checked by name and order),
/// scaled to this run's size.
fn load_paired(
    path: &Path,
    flag: &str,
    config: &CycleGanConfig,
    test: &PairSet,
    device: &Device,
    data_dir: Option<&Path>,
    ctx: &Context,
) -> Result<Method, String> {
    let paired = ctx.paired_translations(path, data_dir, device)?;
    let translation = match config.task {
        CycleTask::TwitterGoogle => Some(TWITTER_TO_GOOGLE),
        CycleTask::EdgesFashion => Some(EDGES_TO_GARMENTS),
        CycleTask::Folder => None,
    };
    if translation.is_none() || paired.translation != translation {
        return Err(format!(
            "--{flag} {}: a {} run does not translate this run's {} test images",
            path.display(),
            paired.task,
            config.task.name()
        ));
    }
    if paired.names != test.names {
        return Err(format!("--{flag} {}: its test pairs are not this run's", path.display()));
    }
    let side = paired.size;
    Ok(Method {
        label: paired.label,
        translator: Translator::Paired(resize_planes(&paired.outputs, side, side, config.size, config.size)),
        step: None,
    })
}

/// The method's outputs for one direction (`None`: a paired translator has no way back).
fn translated(
    translator: &Translator,
    d: &DirectionData,
    config: &CycleGanConfig,
    device: &Device,
) -> Result<Option<Vec<f32>>, String> {
    Ok(match translator {
        Translator::Identity => Some(d.inputs.to_vec()),
        Translator::CycleGan(generators) => Some(run_generator(generators.of(d.direction), d.inputs, config, device)?),
        Translator::Paired(outputs) => match d.direction {
            Direction::Y2x => None,
            Direction::X2y => Some(outputs.clone()),
        },
    })
}

/// A generator on `[n, c, s, s]` images in `[0, 1]`, batch by batch → the same shape, on the host.
fn run_generator(
    generator: &crate::ResnetGenerator,
    images: &[f32],
    config: &CycleGanConfig,
    device: &Device,
) -> Result<Vec<f32>, String> {
    let (c, s) = (config.channels, config.size);
    let per = c * s * s;
    let mut out = Vec::with_capacity(images.len());
    for chunk in images.chunks(BATCH * per) {
        let n = chunk.len() / per;
        let x = Tensor::<4>::from_data(TensorData::new(chunk.to_vec(), [n, c, s, s]), device); // [n, c, s, s]
        out.extend(to_host_f32(translate(generator, x), "the translated images").map_err(|e| e.to_string())?);
    }
    Ok(out)
}

fn mean_abs_diff(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from((x - y).abs())).sum::<f64>() / a.len().max(1) as f64
}

fn rendered(config: &CycleGanConfig, pixels: &[f32]) -> Rendered {
    Rendered { channels: config.channels, side: config.size, pixels: pixels.to_vec() }
}

/// RGB images at the run's size, scaled to the colour evaluator's 64×64.
fn for_evaluator(images: &[f32], config: &CycleGanConfig) -> Vec<f32> {
    resize_planes(images, config.size, config.size, EVALUATOR_SIDE, EVALUATOR_SIDE)
}

fn print_table(methods: &[Method], scored: &[Scored]) {
    let mut columns: Vec<&'static str> = Vec::new();
    for s in scored {
        for (name, _) in &s.entries {
            if !columns.contains(name) {
                columns.push(name);
            }
        }
    }
    let width = methods.iter().map(|m| m.label.chars().count()).max().unwrap_or(10).max(10);
    let mut header = format!("{:<width$}  {:<4}", "method", "way");
    for c in &columns {
        header.push_str(&format!(" {c:>12}"));
    }
    println!("{header}");
    for s in scored {
        let mut line = format!("{:<width$}  {:<4}", methods[s.method].label, s.direction.name());
        for c in &columns {
            match s.entries.iter().find(|(n, _)| n == c) {
                Some((_, v)) => line.push_str(&format!(" {v:>12.4}")),
                None => line.push_str(&format!(" {:>12}", "—")),
            }
        }
        println!("{line}");
    }
}

/// Rows x, each method's G(x), then y, each method's F(y): each direction's truth is the other's
/// input (the test emoji exist in both styles), so it is shown once.
fn picture(config: &CycleGanConfig, test: &PairSet, methods: &[Method], scored: &[Scored], device: &Device) -> Figure {
    let n = PICTURE_PAIRS.min(test.len());
    let (c, s) = (config.channels, config.size);
    let per = c * s * s;
    let tensor =
        |values: &[f32]| Tensor::<4>::from_data(TensorData::new(values[..n * per].to_vec(), [n, c, s, s]), device);
    let mut rows = Vec::new();
    for (direction, input) in [(Direction::X2y, &test.inputs), (Direction::Y2x, &test.targets)] {
        let (input_label, generator) = match direction {
            Direction::X2y => ("x = true F(y)", "G(x)"),
            Direction::Y2x => ("y = true G(x)", "F(y)"),
        };
        rows.push((input_label.to_string(), tensor(input)));
        for out in scored.iter().filter(|o| o.direction == direction && o.method > 0) {
            let label = methods[out.method].label.split(" (").next().unwrap_or_default();
            rows.push((format!("{generator} {label}"), tensor(&out.outputs)));
        }
    }
    Figure::Grid { name: "translations".into(), rows, marks: Vec::new() }
}
