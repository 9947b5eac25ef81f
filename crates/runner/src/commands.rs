//! The commands that go to one lecture: `train`, `eval`, the lectures' own verbs, and the shared
//! `translate` and `sample`, whose files this module reads and writes while the run's lecture
//! does the model's part.

use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_cli::{Parsed, SampleArgs, TranslateArgs};
use atelier_core::outputs::{Existing, OutputFolder};
use atelier_core::params::Typed;
use atelier_data::colour::{ColourImage, GreyPolicy, image_files, read_image};
use atelier_lecture::train::{base_config, run_flags};
use atelier_lecture::{AnyLecture, Context, Registry, SharedVerb, TrainRequest};

/// Runs a lecture's command.
pub fn run(command: Parsed, registry: &Registry) -> Result<(), String> {
    let ctx = Context::new(registry);
    match command {
        Parsed::Train { lecture, typed } => train(lecture, typed, &ctx).map(drop),
        Parsed::Eval { lecture, typed } => lecture.eval(typed, &ctx).map(drop),
        Parsed::EvalImages(args) => crate::images::run(&args, &ctx).map(drop),
        Parsed::Verb { name, typed } => verb(&name, typed, &ctx),
        Parsed::Command { name, lecture, typed } => lecture.run_command(&name, typed, &ctx),
        Parsed::Translate(args) => translate(&args, registry),
        Parsed::Sample { lecture, args } => sample(lecture, &args),
        _ => unreachable!("main runs the other commands"),
    }
}

/// `train [<lecture>] …`: the lecture typed, else the one the `--config` or resumed run names.
pub fn train(
    lecture: Option<&'static dyn AnyLecture>,
    mut typed: Typed,
    ctx: &Context,
) -> Result<std::path::PathBuf, String> {
    let (config, resume, out) = run_flags(&mut typed)?;
    let base = base_config(config.as_deref(), resume.as_deref())?;
    let lecture = match (lecture, &base) {
        (Some(lecture), _) => lecture,
        (None, Some((config, _))) => {
            let name = config.lecture()?;
            ctx.registry
                .get(name)
                .ok_or_else(|| format!("the config is a {name} run, which this build does not know"))?
        }
        (None, None) => {
            let names: Vec<String> = ctx.registry.all().iter().map(|l| format!("`train {}`", l.id())).collect();
            return Err(format!(
                "name a model ({}, …) or give --config FILE / --resume RUN_DIR",
                names[..names.len().min(3)].join(", ")
            ));
        }
    };
    let (base, resume) = match base {
        Some((config, resume)) => (Some(config), resume),
        None => (None, None),
    };
    lecture.train(TrainRequest { base, resume, typed, out }, ctx)
}

/// The backend that config.json records for a `train` that continues a run (`--resume RUN`) or
/// repeats one (`--config FILE`) without `--backend`; None for any other command, or when the
/// file cannot be read (the run's own checks then say why). `main` sets the environment for it
/// before any device opens, as it does for a typed `--backend`.
pub fn recorded_backend(command: &Parsed) -> Option<Backend> {
    let Parsed::Train { typed, .. } = command else { return None };
    let mut typed = typed.clone();
    let (config, resume, _) = run_flags(&mut typed).ok()?;
    let (base, _) = base_config(config.as_deref(), resume.as_deref()).ok()??;
    base.backend().ok()
}

/// A lecture's own verb: the run typed with `--run` names the lecture that answers it.
fn verb(name: &str, typed: Typed, ctx: &Context) -> Result<(), String> {
    let run =
        typed.0.iter().find(|(f, _)| f == "run").and_then(|(_, v)| v.first()).ok_or("--run RUN_DIR is required")?;
    let lecture = ctx.registry.of_run(Path::new(run))?;
    if !lecture.verbs().iter().any(|v| v.name == name) {
        let offering = ctx.registry.names_where(|l| l.verbs().iter().any(|v| v.name == name));
        return Err(format!(
            "{run} is {} {} run; {name} needs a run of {}",
            article(lecture.id()),
            lecture.id(),
            offering.join(" or ")
        ));
    }
    lecture.run_verb(name, typed, ctx)
}

fn article(name: &str) -> &'static str {
    atelier_lecture::open_run::article(name)
}

/// `translate`: every image of `--in` through the run's generator into `--out`.
fn translate(args: &TranslateArgs, registry: &Registry) -> Result<(), String> {
    let lecture = registry.of_run(&args.run)?;
    if !lecture.shares().contains(&SharedVerb::Translate) {
        let offering = registry.names_where(|l| l.shares().contains(&SharedVerb::Translate));
        return Err(format!(
            "{} is {} {} run; translate needs a {} run",
            args.run.display(),
            article(lecture.id()),
            lecture.id(),
            offering.join(" or ")
        ));
    }
    let files = image_files(&args.input).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!("{}: no PNG or JPEG images to translate", args.input.display()));
    }
    // Every output name is checked before the first image is read: none an input, none twice,
    // none already there (unless --force).
    let inputs = [("the input folder", args.input.as_path()), ("the run", args.run.as_path())];
    let folder = OutputFolder::open(&args.out, &inputs, Existing::from_force(args.force))?;
    let planned: Vec<(String, PathBuf)> = files.iter().map(|f| (format!("{}.png", file_stem(f)), f.clone())).collect();
    let outputs = folder.claim(&planned)?;
    let translator = lecture.translator(&args.run, args.backend, args.direction.as_deref())?;
    eprintln!("translating {} images {}", files.len(), translator.describe());
    for (file, output) in files.iter().zip(&outputs) {
        let original = read_image(file, GreyPolicy::Convert).map_err(|e| e.to_string())?;
        let written = translator.translate(&original, args.size)?;
        folder.write(output, &planar_unit_png(&written)?)?;
    }
    println!("wrote {} translations to {}", files.len(), args.out.display());
    Ok(())
}

/// A file's name without its last extension (`scan.001.png` → `scan.001`).
fn file_stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A planar `[0, 1]` picture as PNG bytes: 3 channels as RGB, any other count as grey (the first plane).
fn planar_unit_png(picture: &atelier_lecture::Planar) -> Result<Vec<u8>, String> {
    use atelier_core::png::{Channels, encode};
    let (width, height) = (picture.width, picture.height);
    let encoded = if picture.channels == 3 {
        let rgb = ColourImage::from_planar_unit(&picture.pixels, width, height);
        encode(&rgb.pixels, width, height, Channels::Rgb)
    } else {
        let grey: Vec<u8> =
            picture.pixels[..width * height].iter().map(|&v| atelier_core::canvas::unit_to_byte(v)).collect();
        encode(&grey, width, height, Channels::Gray)
    };
    encoded.map_err(|e| e.to_string())
}

/// `sample <lecture>`: `--n` generated images as PNGs, for `eval images` to score.
fn sample(lecture: &'static dyn AnyLecture, args: &SampleArgs) -> Result<(), String> {
    if args.n == 0 {
        return Err("--n must be at least 1".into());
    }
    let inputs = [("the run", args.run.as_path())];
    let folder = OutputFolder::open(&args.out, &inputs, Existing::from_force(args.force))?;
    let planned: Vec<(String, PathBuf)> =
        (0..args.n).map(|i| (atelier_core::png_folder::file_name(i), args.run.clone())).collect();
    let outputs = folder.claim(&planned)?;
    let sampler = lecture.sampler(&args.run, args.backend)?;
    eprintln!("sampling {} images from the checkpoint at step {}", args.n, sampler.step());
    let pixels = sampler.sample(args.n, args.seed)?;
    for (image, output) in pixels.chunks_exact(atelier_core::png_folder::PIXELS).zip(&outputs) {
        folder.write(output, &atelier_core::png_folder::encode_image(image)?)?;
    }
    println!("wrote {} images to {}", outputs.len(), args.out.display());
    println!("score them: cargo xtask eval images --dir {}", args.out.display());
    Ok(())
}
