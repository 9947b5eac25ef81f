//! End-to-end tests of the image-to-image lecture with the real runner binary on the embedded
//! mini emoji set: `train pix2pix` → `eval pix2pix` → `translate`, resume ⇒ the same result, the
//! L1-only baseline, colorize, edges2fashion, a paired folder of one's own, and the refusals.

use std::fs;
use std::path::Path;

use atelier_data::emoji::{EmojiSplit, Vendor};
use atelier_testkit::commands::{
    assert_picture, atelier, eval_value, fails_with, ok, read, scratch, single_run_of, stderr,
};

/// `train pix2pix` on the embedded emoji with a tiny network (ngf = ndf = 8), 64 training pairs,
/// batch 16: 4 steps per epoch.
fn train_tiny(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "train",
        "pix2pix",
        "--out",
        out.to_str().unwrap(),
        "--ngf",
        "8",
        "--ndf",
        "8",
        "--batch-size",
        "16",
        "--epochs",
        "1",
        "--log-every",
        "2",
        "--checkpoint-every",
        "2",
    ];
    for (flag, value) in [("--data-dir", "embedded"), ("--train-limit", "64")] {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    atelier("flex", &args)
}

#[test]
fn train_eval_and_translate_twitter_to_google() {
    let out = scratch("pix2pix");
    let trained = ok(train_tiny(&out, &[]));
    assert!(stderr(&trained).contains("64 training / 54 validation pairs"), "{}", stderr(&trained));
    let run = single_run_of(&out, "pix2pix");
    let config = read(&run.join("config.json"));
    assert!(
        config.contains("\"task\": \"twitter-to-google\"") && config.contains("\"kind\": \"embedded\""),
        "{config}"
    );
    assert!(config.contains("\"name\": \"index.json\""), "the embedded emoji files are recorded: {config}");
    let metrics = read(&run.join("metrics.csv"));
    for name in ["d_loss", "d_real", "d_fake", "g_gan", "g_l1", "g_loss"] {
        assert!(metrics.contains(&format!(",train,{name},")) && metrics.contains(&format!(",test,{name},")), "{name}");
    }
    // Input | output | target rows of 64×64 colour images, and both players' losses on one chart.
    assert_picture(&run.join("samples/epoch-001-translations.png"), 3 * 64, 3 * 64);
    assert_picture(&run.join("plots/losses.png"), 200, 100);

    let run_s = run.to_str().unwrap();
    ok(atelier("flex", &["eval", "pix2pix", "--run", run_s]));
    assert_picture(&run.join("samples/eval-translations.png"), 3 * 64, 3 * 64);
    // The identity baseline, computed here from the embedded images themselves: the Twitter test
    // emoji against the Google ones, mean |difference| over pixels and channels.
    let set = atelier_data::emoji_mini::load(&[Vendor::Twitter, Vendor::Google]).unwrap();
    let test = set.indices(EmojiSplit::Test);
    let l1: f64 = test
        .iter()
        .map(|&i| {
            let (a, b) = (set.images[0][i].to_planar_unit(), set.images[1][i].to_planar_unit());
            a.iter().zip(&b).map(|(x, y)| f64::from((x - y).abs())).sum::<f64>() / a.len() as f64
        })
        .sum::<f64>()
        / test.len() as f64;
    assert!((eval_value(&run, "identity_l1") - l1).abs() < 1e-4, "{} vs {l1}", eval_value(&run, "identity_l1"));
    assert_eq!(eval_value(&run, "test_pairs"), 53.0);
    let (psnr, identity) = (eval_value(&run, "psnr_db"), eval_value(&run, "identity_psnr_db"));
    assert!(psnr.is_finite() && identity > 5.0 && identity < 20.0, "{psnr} {identity}");
    assert!((eval_value(&run, "psnr_gain_over_identity_db") - (psnr - identity)).abs() < 1e-9);
    let ssim = eval_value(&run, "ssim");
    assert!((-1.0..=1.0).contains(&ssim), "{ssim}");
    // The shipped colour evaluator (assets/emoji-evaluator) scores outputs and the baseline: real
    // Google test emoji look like Google, the Twitter inputs mostly do not.
    for key in ["fcd", "looks_like_google", "category_kept", "identity_fcd", "identity_looks_like_google"] {
        assert!(eval_value(&run, key).is_finite(), "{key}");
    }
    // The Twitter inputs are drawings of the test emoji's own categories: they cover several of the 9.
    let covered = eval_value(&run, "identity_category_coverage");
    assert!((3.0..=9.0).contains(&covered) && covered.fract() == 0.0, "{covered}");
    assert!((1.0..=9.0).contains(&eval_value(&run, "category_coverage")));
    let (real, twitter) = (eval_value(&run, "real_looks_like_google"), eval_value(&run, "identity_looks_like_google"));
    assert!(real > 0.8 && twitter < 0.3, "looks like Google: real {real}, Twitter inputs {twitter}");
    // Chance is 1/9; on these 53 base emoji (no skin-tone variants) the shipped evaluator keeps 25 (0.47).
    assert!(eval_value(&run, "real_category_kept") > 0.3);

    // A user's own images, of any size and with transparency, come out at their own size
    // (`--size model`: at the model's).
    let input = out.join("mine");
    fs::create_dir_all(&input).unwrap();
    image::RgbaImage::from_pixel(100, 80, image::Rgba([200, 30, 30, 128])).save(input.join("wide.png")).unwrap();
    image::RgbImage::from_pixel(20, 20, image::Rgb([10, 200, 10])).save(input.join("small.jpg")).unwrap();
    fs::write(input.join("notes.txt"), "not an image").unwrap();
    let own_size = out.join("own-size");
    ok(atelier(
        "flex",
        &["translate", "--run", run_s, "--in", input.to_str().unwrap(), "--out", own_size.to_str().unwrap()],
    ));
    for (name, size) in [("wide.png", (100, 80)), ("small.png", (20, 20))] {
        let image = image::open(own_size.join(name)).unwrap();
        assert_eq!((image.width(), image.height()), size, "{name}");
    }
    // The user's files are never replaced: not by writing into the input folder, not by two inputs
    // sharing a stem, not by a second translation into the same folder (unless --force).
    let (input_s, own_s) = (input.to_str().unwrap(), own_size.to_str().unwrap());
    let before = fs::read(input.join("wide.png")).unwrap();
    let into_input = atelier("flex", &["translate", "--run", run_s, "--in", input_s, "--out", input_s]);
    fails_with(&into_input, &format!("--out {input_s} is the input folder"));
    let inside = input.join("out");
    let inside_s = inside.to_str().unwrap();
    fails_with(&atelier("flex", &["translate", "--run", run_s, "--in", input_s, "--out", inside_s]), "is inside");
    assert!(!inside.exists());
    let again = atelier("flex", &["translate", "--run", run_s, "--in", input_s, "--out", own_s]);
    fails_with(&again, "small.png already exists (and 1 more); pass --force");
    let twins = out.join("twins");
    fs::create_dir_all(&twins).unwrap();
    fs::copy(input.join("wide.png"), twins.join("a.png")).unwrap();
    fs::copy(input.join("small.jpg"), twins.join("a.jpg")).unwrap();
    let twins_out = out.join("twins-out");
    let collision = atelier(
        "flex",
        &["translate", "--run", run_s, "--in", twins.to_str().unwrap(), "--out", twins_out.to_str().unwrap()],
    );
    fails_with(&collision, "would both write");
    assert!(!twins_out.exists(), "nothing written after a refusal");
    assert_eq!(fs::read(input.join("wide.png")).unwrap(), before, "the user's image is untouched");
    ok(atelier("flex", &["translate", "--run", run_s, "--in", input_s, "--out", own_s, "--force"]));

    let translated = out.join("translated");
    ok(atelier(
        "flex",
        &[
            "translate",
            "--run",
            run_s,
            "--in",
            input.to_str().unwrap(),
            "--out",
            translated.to_str().unwrap(),
            "--size",
            "model",
        ],
    ));
    for name in ["wide.png", "small.png"] {
        let image = image::open(translated.join(name)).unwrap();
        assert_eq!((image.width(), image.height()), (64, 64), "{name}");
    }
    assert_eq!(fs::read_dir(&translated).unwrap().count(), 2);

    // `eval images` picks the colour evaluator for 64×64 PNGs; the Fashion one refuses them by size.
    let dir = translated.to_str().unwrap();
    let scored = ok(atelier("flex", &["eval", "images", "--dir", dir, "--data-dir", "embedded"]));
    assert!(stderr(&scored).contains("real Google emoji"), "{}", stderr(&scored));
    let share = eval_value(&translated, "looks_like_google") + eval_value(&translated, "looks_like_twitter");
    assert!((share - 1.0).abs() < 1e-9 && eval_value(&translated, "generated_images") == 2.0, "{share}");
    let fashion =
        atelier("flex", &["eval", "images", "--dir", dir, "--evaluator", "fashion", "--data-dir", "embedded"]);
    fails_with(&fashion, "the evaluator scores 28×28 images");
}

#[test]
fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let out = scratch("pix2pix-resume");
    let whole = out.join("whole");
    ok(train_tiny(&whole, &[]));
    let whole = single_run_of(&whole, "pix2pix");
    let parts = out.join("parts");
    ok(train_tiny(&parts, &["--max-steps", "2"]));
    let parts = single_run_of(&parts, "pix2pix");
    // Flags that would change the networks or the order of the data are refused by name, and the
    // run is left exactly as it was (its config.json unchanged, so it still evaluates).
    let parts_s = parts.to_str().unwrap();
    let config_before = fs::read(parts.join("config.json")).unwrap();
    let refused = atelier("flex", &["train", "pix2pix", "--resume", parts_s, "--ngf", "16"]);
    let message = fails_with(&refused, "--ngf: the run was trained with 8; a resumed run keeps its architecture");
    assert_eq!(message.trim().lines().count(), 1, "one sentence: {message}");
    fails_with(&atelier("flex", &["train", "pix2pix", "--resume", parts_s, "--batch-size", "8"]), "data order");
    fails_with(&atelier("flex", &["train", "--resume", parts_s]), "already stopped at its --max-steps 2");
    assert_eq!(fs::read(parts.join("config.json")).unwrap(), config_before);
    let resumed = ok(atelier("flex", &["train", "--resume", parts.to_str().unwrap(), "--no-max-steps"]));
    assert!(stderr(&resumed).contains("completed 4 steps"), "{}", stderr(&resumed));
    for run in [&whole, &parts] {
        ok(atelier("flex", &["eval", "pix2pix", "--run", run.to_str().unwrap()]));
    }
    for key in ["l1", "psnr_db", "ssim"] {
        assert_eq!(eval_value(&whole, key), eval_value(&parts, key), "{key}");
    }
}

/// The tiny run with two epochs (8 steps) and a checkpoint after every step.
fn every_step_args(out: &Path) -> Vec<String> {
    let flags = "--ngf 8 --ndf 8 --batch-size 16 --data-dir embedded --train-limit 64 --epochs 2 --checkpoint-every 1 \
                 --log-every 1";
    let mut args = vec!["train".to_string(), "pix2pix".into(), "--out".into(), out.to_str().unwrap().into()];
    args.extend(flags.split_whitespace().map(str::to_string));
    args
}

/// `metrics.csv` and (after `eval`) `eval.json` of a run, as bytes.
fn outcome(run: &Path) -> (Vec<u8>, Vec<u8>) {
    ok(atelier("flex", &["eval", "pix2pix", "--run", run.to_str().unwrap()]));
    (fs::read(run.join("metrics.csv")).unwrap(), fs::read(run.join("eval.json")).unwrap())
}

/// A GAN (two networks, two optimizers) killed with SIGKILL at three random instants after its
/// first checkpoint (the seed is printed; `ATELIER_KILL_SEED` reproduces it), each time resumed by
/// a plain `train --resume`: `metrics.csv` and `eval.json` byte for byte those of the run never
/// interrupted.
#[test]
fn a_gan_killed_at_any_instant_resumes_to_the_same_bytes() {
    let whole = scratch("pix2pix-killed-whole");
    let args = every_step_args(&whole);
    ok(atelier("flex", &args.iter().map(String::as_str).collect::<Vec<_>>()));
    let expected = outcome(&single_run_of(&whole, "pix2pix"));
    let mut rng = atelier_testkit::commands::kill_rng();
    for step in atelier_testkit::commands::kill_steps(&mut rng, 5, 3) {
        let out = scratch("pix2pix-killed");
        let args = every_step_args(&out);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let delay = std::time::Duration::from_millis(rng.below(300) as u64);
        let run = atelier_testkit::commands::kill_after_checkpoint(&args, &[], &out, "pix2pix", step, delay);
        ok(atelier("flex", &["train", "--resume", run.to_str().unwrap()]));
        assert!(outcome(&run) == expected, "killed after step {step} (+{delay:?}): the resumed run differs");
    }
}

#[test]
fn the_l1_only_baseline_colorize_and_edges2fashion_train_and_score() {
    let out = scratch("pix2pix-tasks");
    // --gan-weight 0: no discriminator at all.
    let l1_only = out.join("l1");
    ok(train_tiny(&l1_only, &["--gan-weight", "0", "--max-steps", "2"]));
    let run = single_run_of(&l1_only, "pix2pix");
    let metrics = read(&run.join("metrics.csv"));
    assert!(metrics.contains(",train,g_l1,") && !metrics.contains("d_loss"), "{metrics}");

    let colorize = out.join("colorize");
    ok(train_tiny(&colorize, &["--task", "colorize", "--max-steps", "2"]));
    let run = single_run_of(&colorize, "pix2pix");
    ok(atelier("flex", &["eval", "pix2pix", "--run", run.to_str().unwrap()]));
    // The real emoji are colourful; the grey baseline (L, a = b = 0) is the identity here.
    assert!(eval_value(&run, "real_mean_chroma") > 10.0);
    assert!(eval_value(&run, "mean_chroma").is_finite());
    // At the input's size colorize keeps the input's own lightness at full resolution: a sharp
    // black | white edge at column 64 of a 128-wide image stays sharp (64×64 would blur it).
    let input = out.join("grey");
    fs::create_dir_all(&input).unwrap();
    let edge =
        image::RgbImage::from_fn(128, 96, |x, _| if x < 64 { image::Rgb([0, 0, 0]) } else { image::Rgb([255; 3]) });
    edge.save(input.join("edge.png")).unwrap();
    let coloured = out.join("coloured");
    let args = [
        "translate",
        "--run",
        run.to_str().unwrap(),
        "--in",
        input.to_str().unwrap(),
        "--out",
        coloured.to_str().unwrap(),
    ];
    ok(atelier("flex", &args));
    let written = image::open(coloured.join("edge.png")).unwrap().to_rgb8();
    assert_eq!(written.dimensions(), (128, 96));
    let brightness = |x: u32| written.get_pixel(x, 48).0.iter().map(|&v| u32::from(v)).sum::<u32>();
    assert!(brightness(63) < 90 && brightness(64) > 650, "edge kept: {} | {}", brightness(63), brightness(64));

    let fashion = out.join("fashion");
    ok(train_tiny(&fashion, &["--task", "edges2fashion", "--max-steps", "2"]));
    let run = single_run_of(&fashion, "pix2pix");
    ok(atelier("flex", &["eval", "pix2pix", "--run", run.to_str().unwrap()]));
    let kept = eval_value(&run, "class_kept");
    assert!((0.0..=1.0).contains(&kept) && eval_value(&run, "fcd") >= 0.0);
    assert_eq!(eval_value(&run, "test_pairs"), 500.0, "the embedded Fashion test set");
}

#[test]
fn a_paired_folder_trains_and_bad_requests_are_refused_clearly() {
    let out = scratch("pix2pix-folder");
    let data = out.join("pairs");
    for (split, name, colour) in
        [("train", "a", [250, 10, 10]), ("train", "b", [10, 250, 10]), ("test", "c", [10, 10, 250])]
    {
        for (side, value) in [("A", colour), ("B", [255 - colour[0], 255 - colour[1], 255 - colour[2]])] {
            let dir = data.join(split).join(side);
            fs::create_dir_all(&dir).unwrap();
            image::RgbImage::from_pixel(48, 48, image::Rgb(value)).save(dir.join(format!("{name}.png"))).unwrap();
        }
    }
    let runs = out.join("runs");
    let data_s = data.to_str().unwrap();
    ok(train_tiny(&runs, &["--task", "folder", "--data-dir", data_s, "--max-steps", "1", "--train-limit", "2"]));
    let run = single_run_of(&runs, "pix2pix");
    ok(atelier("flex", &["eval", "pix2pix", "--run", run.to_str().unwrap()]));
    assert_eq!(eval_value(&run, "test_pairs"), 1.0);

    // A name in A/ without its partner in B/ is named.
    image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3])).save(data.join("train/A/lonely.png")).unwrap();
    let refused = train_tiny(&out.join("bad"), &["--task", "folder", "--data-dir", data_s]);
    fails_with(&refused, "lonely is in");
    let bad = out.join("bad");
    let no_folder = atelier("flex", &["train", "pix2pix", "--task", "folder", "--out", bad.to_str().unwrap()]);
    fails_with(&no_folder, "--task folder needs --data-dir");
    fails_with(&train_tiny(&bad, &["--task", "folder"]), "there is no embedded one");
    fails_with(&train_tiny(&out.join("bad"), &["--edge-threshold", "0.3"]), "--edge-threshold");
    fails_with(&train_tiny(&out.join("bad"), &["--gan-weight=-1"]), "gan_weight must be");
    let not_emoji = train_tiny(&out.join("bad"), &["--task", "colorize", "--data-dir", data_s]);
    fails_with(&not_emoji, "not an emoji folder");
    assert!(!out.join("bad").exists(), "refused runs leave no run directory");
    let empty = out.join("empty");
    fs::create_dir_all(&empty).unwrap();
    let run_s = run.to_str().unwrap();
    let nothing = atelier("flex", &["translate", "--run", run_s, "--in", empty.to_str().unwrap(), "--out", "x"]);
    fails_with(&nothing, "no PNG or JPEG images");
}

#[test]
fn bench_pix2pix_reports_images_per_second_as_json() {
    let runs = scratch("bench-pix2pix");
    let bench = [
        "bench",
        "pix2pix",
        "--backend",
        "flex",
        "--batch-size",
        "4",
        "--steps",
        "2",
        "--warmup",
        "1",
        "--json",
        "--out",
        runs.to_str().unwrap(),
    ];
    let started = std::time::Instant::now();
    let output = ok(atelier("flex", &bench));
    let line: serde_json::Value = serde_json::from_str(atelier_testkit::commands::stdout(&output).trim()).unwrap();
    atelier_testkit::commands::assert_bench_line(&line, "pix2pix (1 D + 1 G step)", started.elapsed());
    assert_eq!(line["batch_size"].as_u64(), Some(4));
}
