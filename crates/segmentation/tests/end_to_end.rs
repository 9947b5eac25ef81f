//! End-to-end tests of the segmentation lecture with the real runner binary: Fashion scenes made
//! from the embedded garments (`train segmentation` → `eval segmentation` (with `--compare`) →
//! `segment`), resume ⇒ the same result, a mask folder of one's own, the refusals, and the bench.

use std::fs;
use std::path::Path;

use atelier_testkit::commands::{
    assert_picture, atelier, embedded_dir, eval_value, fails_with, ok, read, scratch, single_run_of, stderr,
};
use image::{GrayImage, Luma};

/// `train segmentation` on scenes of the embedded garments with a tiny network (base 4): 64
/// training scenes, 32 test scenes, batch 16: 4 steps per epoch.
fn train_tiny(out: &Path, extra: &[&str]) -> std::process::Output {
    let data = embedded_dir();
    let mut args = vec![
        "train",
        "segmentation",
        "--out",
        out.to_str().unwrap(),
        "--base-channels",
        "4",
        "--batch-size",
        "16",
        "--epochs",
        "1",
        "--log-every",
        "2",
        "--checkpoint-every",
        "2",
    ];
    let folder = extra.contains(&"folder");
    for (flag, value) in [("--train-scenes", "64"), ("--test-scenes", "32"), ("--data-dir", data.to_str().unwrap())] {
        if !extra.contains(&flag) && !folder {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    atelier("flex", &args)
}

#[test]
fn train_eval_compare_and_segment_fashion_scenes() {
    let out = scratch("segmentation");
    let trained = ok(train_tiny(&out.join("unet"), &[]));
    assert!(stderr(&trained).contains("64 training / 32 validation images, 11 classes"), "{}", stderr(&trained));
    let unet = single_run_of(&out.join("unet"), "segmentation");
    let config = read(&unet.join("config.json"));
    assert!(
        config.contains("\"task\": \"fashion-scenes\"") && config.contains("\"architecture\": \"unet\""),
        "{config}"
    );
    let metrics = read(&unet.join("metrics.csv"));
    for name in ["loss", "pixel_accuracy"] {
        assert!(metrics.contains(&format!(",train,{name},")) && metrics.contains(&format!(",test,{name},")), "{name}");
    }
    // image | truth | prediction rows of 64×64 scenes.
    assert_picture(&unet.join("samples/epoch-001-segmentations.png"), 3 * 64, 3 * 64);

    ok(train_tiny(&out.join("fcn"), &["--model", "fcn"]));
    let fcn = single_run_of(&out.join("fcn"), "segmentation");
    let (unet_s, fcn_s) = (unet.to_str().unwrap(), fcn.to_str().unwrap());
    let evaluated = ok(atelier("flex", &["eval", "segmentation", "--run", unet_s, "--compare", fcn_s]));
    let table = atelier_testkit::commands::stdout(&evaluated);
    assert!(table.contains("mIoU") && table.contains("boundary accuracy") && table.contains("fcn"), "{table}");
    for key in ["miou", "pixel_accuracy", "boundary_accuracy", "iou_background", "fcn/miou", "fcn/boundary_accuracy"] {
        let value = eval_value(&unet, key);
        assert!((0.0..=1.0).contains(&value), "{key} = {value}");
    }
    assert_eq!(eval_value(&unet, "test_images"), 32.0);
    assert_picture(&unet.join("samples/eval-confusion-matrix.png"), 300, 300);
    // image | truth | unet | fcn.
    assert_picture(&unet.join("samples/eval-segmentations.png"), 4 * 64, 4 * 64);

    // `segment` on images of any size (37×29 is not a multiple of 8: padded and cropped back).
    let images = out.join("mine");
    fs::create_dir_all(&images).unwrap();
    GrayImage::from_fn(37, 29, |x, y| Luma([if (5..20).contains(&x) && (4..25).contains(&y) { 200 } else { 0 }]))
        .save(images.join("odd.png"))
        .unwrap();
    GrayImage::from_fn(64, 64, |x, _| Luma([(x * 4) as u8])).save(images.join("ramp.png")).unwrap();
    let masks = out.join("masks");
    ok(atelier(
        "flex",
        &["segment", "--run", unet_s, "--in", images.to_str().unwrap(), "--out", masks.to_str().unwrap()],
    ));
    let mask = image::open(masks.join("odd-mask.png")).unwrap();
    let mask = mask.as_luma8().expect("an 8-bit index mask");
    assert_eq!(mask.dimensions(), (37, 29));
    assert!(mask.pixels().all(|p| p.0[0] < 11), "class indices below 11");
    for suffix in ["colour", "overlay"] {
        assert_eq!(image::open(masks.join(format!("odd-{suffix}.png"))).unwrap().to_rgb8().dimensions(), (37, 29));
    }
    assert!(masks.join("ramp-mask.png").is_file());
    assert!(read(&masks.join("classes.txt")).contains("1\tT-shirt/top\t#1f77b4"));
}

#[test]
fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let out = scratch("segmentation-resume");
    let whole = out.join("whole");
    ok(train_tiny(&whole, &[]));
    let whole = single_run_of(&whole, "segmentation");
    let parts = out.join("parts");
    ok(train_tiny(&parts, &["--max-steps", "2"]));
    let parts = single_run_of(&parts, "segmentation");
    let resumed = ok(atelier("flex", &["train", "--resume", parts.to_str().unwrap(), "--no-max-steps"]));
    assert!(stderr(&resumed).contains("completed 4 steps"), "{}", stderr(&resumed));
    for run in [&whole, &parts] {
        ok(atelier("flex", &["eval", "segmentation", "--run", run.to_str().unwrap()]));
    }
    for key in ["miou", "pixel_accuracy", "boundary_accuracy"] {
        assert_eq!(eval_value(&whole, key), eval_value(&parts, key), "{key}");
    }
}

#[test]
fn emoji_scenes_train_in_colour_and_score_per_category() {
    let out = scratch("segmentation-emoji");
    let flags = ["--task", "emoji-scenes", "--data-dir", "embedded", "--class-weights", "inverse-frequency"];
    let trained = ok(train_tiny(&out, &flags));
    let err = stderr(&trained);
    assert!(err.contains("64 training / 32 validation images, 10 classes"), "{err}");
    // Ten weights, the background's (most pixels) the smallest.
    let weights = err.split("class weights (inverse frequency): [").nth(1).expect(&err).split(']').next().unwrap();
    let weights: Vec<f32> = weights.split(", ").map(|w| w.parse().unwrap()).collect();
    assert_eq!(weights.len(), 10, "{weights:?}");
    assert!(weights[1..].iter().all(|&w| w == 0.0 || w > weights[0]), "{weights:?}");
    let run = single_run_of(&out, "segmentation");
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"input_channels\": 3") && config.contains("\"classes\": 10"), "{config}");
    assert!(config.contains("\"name\": \"index.json\""), "the embedded emoji files are recorded: {config}");
    assert_picture(&run.join("samples/epoch-001-segmentations.png"), 3 * 64, 3 * 64);
    ok(atelier("flex", &["eval", "segmentation", "--run", run.to_str().unwrap()]));
    for key in ["miou", "iou_background"] {
        assert!((0.0..=1.0).contains(&eval_value(&run, key)), "{key}");
    }
    // A Fashion-scenes run cannot be compared with it (other classes).
    let fashion = out.join("fashion");
    ok(train_tiny(&fashion, &["--max-steps", "1"]));
    let fashion = single_run_of(&fashion, "segmentation");
    let compared = atelier(
        "flex",
        &["eval", "segmentation", "--run", run.to_str().unwrap(), "--compare", fashion.to_str().unwrap()],
    );
    fails_with(&compared, "trained on fashion-scenes (11 classes, 1 channel(s)), not on this run's emoji-scenes");
}

/// A mask folder of 20 16×16 images: a bright square (class 1) or a dim bar (class 2) on black.
fn write_mask_folder(dir: &Path) {
    fs::create_dir_all(dir.join("images")).unwrap();
    fs::create_dir_all(dir.join("masks")).unwrap();
    fs::write(dir.join("classes.txt"), "background\nsquare\nbar\n").unwrap();
    for i in 0..20u32 {
        let shift = i % 5;
        let square = |x: u32, y: u32| (2 + shift..8 + shift).contains(&x) && (3..9).contains(&y);
        let bar = |x: u32, y: u32| (1..15).contains(&x) && (11 + shift % 3..13 + shift % 3).contains(&y);
        let image = GrayImage::from_fn(16, 16, |x, y| {
            Luma([if square(x, y) {
                230
            } else if bar(x, y) {
                90
            } else {
                0
            }])
        });
        let mask = GrayImage::from_fn(16, 16, |x, y| {
            Luma([if square(x, y) {
                1
            } else if bar(x, y) {
                2
            } else {
                0
            }])
        });
        image.save(dir.join(format!("images/{i:02}.png"))).unwrap();
        mask.save(dir.join(format!("masks/{i:02}.png"))).unwrap();
    }
}

#[test]
fn a_mask_folder_trains_and_bad_requests_are_refused_clearly() {
    let out = scratch("segmentation-folder");
    let folder = out.join("shapes");
    write_mask_folder(&folder);
    let folder_s = folder.to_str().unwrap();
    let runs = out.join("runs");
    let trained = ok(train_tiny(&runs, &["--task", "folder", "--data-dir", folder_s, "--depth", "2"]));
    // Every 10th image is held out: 18 train, 2 test (and validate).
    assert!(stderr(&trained).contains("18 training / 2 validation images, 3 classes"), "{}", stderr(&trained));
    let run = single_run_of(&runs, "segmentation");
    assert!(read(&run.join("config.json")).contains("\"classes\": 3"));
    ok(atelier("flex", &["eval", "segmentation", "--run", run.to_str().unwrap()]));
    assert!((0.0..=1.0).contains(&eval_value(&run, "iou_square")));
    // `segment` never writes into the run's own mask folder (its classes.txt is the dataset's), and
    // never over a file already there without --force.
    let run_s = run.to_str().unwrap();
    let images_s = folder.join("images");
    let images_s = images_s.to_str().unwrap();
    let into_data = atelier("flex", &["segment", "--run", run_s, "--in", images_s, "--out", folder_s]);
    fails_with(&into_data, "contains the input folder");
    let masks_dir = folder.join("masks");
    let into_masks =
        atelier("flex", &["segment", "--run", run_s, "--in", images_s, "--out", masks_dir.to_str().unwrap()]);
    fails_with(&into_masks, "is inside the run's data folder");
    assert_eq!(read(&folder.join("classes.txt")), "background\nsquare\nbar\n");
    let segmented = out.join("segmented");
    let segmented_s = segmented.to_str().unwrap();
    fs::create_dir_all(&segmented).unwrap();
    fs::write(segmented.join("classes.txt"), "my notes").unwrap();
    fails_with(&atelier("flex", &["segment", "--run", run_s, "--in", images_s, "--out", segmented_s]), "--force");
    assert_eq!(read(&segmented.join("classes.txt")), "my notes");
    assert!(!segmented.join("00-mask.png").exists(), "nothing written after a refusal");
    // A picture larger than --max-side is shrunk for the network and its mask comes back at full size.
    let large = out.join("large");
    fs::create_dir_all(&large).unwrap();
    GrayImage::from_fn(96, 48, |x, _| Luma([if x < 48 { 230 } else { 0 }])).save(large.join("wide.png")).unwrap();
    let shrunk = ok(atelier(
        "flex",
        &[
            "segment",
            "--run",
            run_s,
            "--in",
            large.to_str().unwrap(),
            "--out",
            segmented_s,
            "--max-side",
            "32",
            "--force",
        ],
    ));
    assert!(stderr(&shrunk).contains("96×48 shrunk to 32×16"), "{}", stderr(&shrunk));
    assert_eq!(image::open(segmented.join("wide-mask.png")).unwrap().to_luma8().dimensions(), (96, 48));
    assert!(read(&segmented.join("classes.txt")).starts_with("0\tbackground"));

    fails_with(&train_tiny(&out.join("x"), &["--task", "folder"]), "--task folder needs --data-dir");
    fails_with(
        &train_tiny(&out.join("x"), &["--task", "folder", "--train-scenes", "9", "--data-dir", folder_s]),
        "--train-scenes",
    );
    // A mask value out of range is named with its file, and no run is made.
    GrayImage::from_fn(16, 16, |_, _| Luma([3])).save(folder.join("masks/04.png")).unwrap();
    let bad = out.join("bad");
    let refused = train_tiny(&bad, &["--task", "folder", "--data-dir", folder_s, "--depth", "2"]);
    fails_with(&refused, "04.png");
    fails_with(&refused, "is 3, out of range");
    assert!(!bad.join("segmentation").exists(), "a refused run leaves no run directory");
    // Sides that the poolings cannot halve are refused before training.
    GrayImage::from_fn(16, 16, |_, _| Luma([0])).save(folder.join("masks/04.png")).unwrap();
    let deep = train_tiny(&out.join("deep"), &["--task", "folder", "--data-dir", folder_s, "--depth", "5"]);
    fails_with(&deep, "multiples of 32");
}

#[test]
fn bench_segmentation_times_both_networks_as_json() {
    let runs = scratch("bench-segmentation");
    let bench = [
        "bench",
        "segmentation",
        "--backend",
        "flex",
        "--batch-size",
        "2",
        "--steps",
        "1",
        "--warmup",
        "1",
        "--json",
        "--out",
        runs.to_str().unwrap(),
    ];
    let started = std::time::Instant::now();
    let output = ok(atelier("flex", &bench));
    let lines: Vec<serde_json::Value> =
        atelier_testkit::commands::stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    atelier_testkit::commands::assert_bench_line(&lines[0], "segmentation (fcn)", started.elapsed());
    atelier_testkit::commands::assert_bench_line(&lines[1], "segmentation (unet)", started.elapsed());
}
