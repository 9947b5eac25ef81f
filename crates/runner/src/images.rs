//! `eval images --dir D`: score a folder of PNGs (generated samples) against real images with the
//! frozen evaluator that fits them: FCD, classifier Inception Score and class coverage — the
//! Fashion evaluator for 28×28 grey images, the colour evaluator for 64×64 colour emoji (plus the
//! share that looks like Google's or Twitter's style).

use std::collections::BTreeMap;

use atelier_backend::Backend;
use atelier_cli::{EvaluatorArg, ImagesEvalArgs, ReferenceArg};
use atelier_core::atomic::write_json_atomic;
use atelier_core::png_folder::read_png_folder;
use atelier_evaluation::emoji::ruler::EmojiRuler;
use atelier_evaluation::{DEFAULT_LIMIT, RealSplit, Scorer};
use atelier_lecture::Context;

pub fn run(cmd: &ImagesEvalArgs, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
    let dir = &cmd.dir;
    let limit = cmd.limit.unwrap_or(DEFAULT_LIMIT);
    if limit < 2 {
        return Err("--limit must be at least 2 (FCD fits a covariance)".into());
    }
    let backend = cmd.backend.unwrap_or(Backend::DEFAULT);
    let device = backend.device().map_err(|e| e.to_string())?;
    let ruler = match cmd.evaluator {
        Some(ruler) => ruler,
        None => fitting_ruler(dir)?,
    };
    if ruler == EvaluatorArg::Emoji {
        return emoji(cmd, limit, &device);
    }
    let generated = read_png_folder(dir, limit)?;
    let data = atelier_lecture::fashion::load_dir(cmd.data_dir.as_deref())?;
    let reference = match cmd.reference.unwrap_or(ReferenceArg::Test) {
        ReferenceArg::Test => RealSplit::Test,
        ReferenceArg::Train => RealSplit::Train,
    };
    let scorer = Scorer::new(ctx, &data, reference, limit, &device)?;
    eprintln!("scoring the images of {}", dir.display());
    let entries = scorer.score_and_print(&generated, &data.class_names)?;
    let json: BTreeMap<&str, f64> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let path = dir.join("eval.json");
    write_json_atomic(&path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(entries)
}

/// The ruler whose images look like the folder's first PNG: 64×64 → emoji, otherwise Fashion
/// (whose reader then names any size it cannot score).
fn fitting_ruler(dir: &std::path::Path) -> Result<EvaluatorArg, String> {
    let files = atelier_data::colour::image_files(dir).map_err(|e| e.to_string())?;
    let first = files.first().ok_or_else(|| format!("{}: no .png images to score", dir.display()))?;
    let (width, height) = image::image_dimensions(first).map_err(|e| format!("{}: {e}", first.display()))?;
    let side = atelier_data::emoji::SIZE as u32;
    Ok(if (width, height) == (side, side) { EvaluatorArg::Emoji } else { EvaluatorArg::Fashion })
}

/// The colour evaluator on a folder of 64×64 PNGs, against real Google emoji of the reference split.
fn emoji(cmd: &ImagesEvalArgs, limit: usize, device: &burn::prelude::Device) -> Result<Vec<(String, f64)>, String> {
    use atelier_data::emoji::{self as emoji_data, EmojiSplit, Vendor};
    use atelier_data::translation::styled_images;
    use atelier_evaluation::{coverage, fcd, inception_score};
    let side = emoji_data::SIZE;
    let mut files = atelier_data::colour::image_files(&cmd.dir).map_err(|e| e.to_string())?;
    files.truncate(limit);
    let mut generated = Vec::with_capacity(files.len() * 3 * side * side);
    for file in &files {
        let image = atelier_data::colour::read_image(file, atelier_data::colour::GreyPolicy::Convert)
            .map_err(|e| e.to_string())?;
        if (image.width, image.height) != (side, side) {
            return Err(format!(
                "{}: {}×{} pixels; the colour evaluator scores {side}×{side} images",
                file.display(),
                image.width,
                image.height
            ));
        }
        generated.extend(image.to_planar_unit());
    }
    let source = emoji_data::locate(cmd.data_dir.as_deref()).map_err(|e| e.to_string())?;
    let set = emoji_data::load(&source, &[Vendor::Google]).map_err(|e| e.to_string())?;
    let split = match cmd.reference.unwrap_or(ReferenceArg::Test) {
        ReferenceArg::Test => EmojiSplit::Test,
        ReferenceArg::Train => EmojiSplit::Train,
    };
    let mut real = styled_images(&set, &[Vendor::Google], split).map_err(|e| e.to_string())?;
    real.pixels.truncate(limit.min(real.len()) * 3 * side * side);
    let ruler = EmojiRuler::load(device)?;
    let seen = ruler.outputs(&generated, files.len(), device)?;
    let reference = ruler.outputs(&real.pixels, real.pixels.len() / (3 * side * side), device)?;
    eprintln!(
        "scoring {} images of {} against {} real Google emoji ({source}); colour evaluator: category accuracy {:.3}, style {:.3}",
        files.len(),
        cmd.dir.display(),
        reference.count,
        ruler.card.content_accuracy,
        ruler.card.style_accuracy
    );
    let entries = vec![
        ("fcd".to_string(), fcd(&seen.content_view(), &reference.content_view())?),
        ("inception_score".to_string(), inception_score(&seen.content_view())),
        ("coverage".to_string(), coverage(&seen.content_view()).classes_covered as f64),
        ("looks_like_google".to_string(), seen.share_of_style(0)),
        ("looks_like_twitter".to_string(), seen.share_of_style(1)),
        ("reference_inception_score".to_string(), inception_score(&reference.content_view())),
        ("generated_images".to_string(), seen.count as f64),
        ("reference_images".to_string(), reference.count as f64),
        ("colour_evaluator_content_accuracy".to_string(), ruler.card.content_accuracy),
    ];
    let json: BTreeMap<&str, f64> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let path = cmd.dir.join("eval.json");
    write_json_atomic(&path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{:<28} {:>12}", "metric", "value");
    for (name, value) in &entries {
        println!("{name:<28} {value:>12.4}");
    }
    println!("wrote {}", path.display());
    Ok(entries)
}
