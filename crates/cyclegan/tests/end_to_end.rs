//! End-to-end tests of the unpaired-translation lecture with the real runner binary on the
//! embedded sets: `train cyclegan` → `eval cyclegan` (with the λ_cyc = 0 ablation compared) →
//! `translate` both ways, resume ⇒ the same result (history buffer included), edges ↔ garments,
//! CycleGAN's folder layout, and the refusals.

use std::fs;
use std::path::Path;

use atelier_testkit::commands::{
    assert_picture, atelier, embedded_dir, eval_value, fails_with, ok, read, scratch, single_run_of, stderr, stdout,
};

/// `train cyclegan` with tiny networks at 32×32 (ngf = ndf = 4, one residual block), 16 X images,
/// batch 4: 4 steps per epoch; a history of 4 images, so it is full after the first step.
fn train_tiny(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "train",
        "cyclegan",
        "--out",
        out.to_str().unwrap(),
        "--ngf",
        "4",
        "--ndf",
        "4",
        "--blocks",
        "1",
        "--pool-size",
        "4",
        "--batch-size",
        "4",
        "--epochs",
        "1",
        "--log-every",
        "2",
        "--checkpoint-every",
        "2",
    ];
    for (flag, value) in [("--data-dir", "embedded"), ("--train-limit", "16"), ("--size", "32")] {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    atelier("flex", &args)
}

#[test]
fn train_eval_with_the_ablation_and_translate_both_ways() {
    let out = scratch("cyclegan");
    let trained = ok(train_tiny(&out.join("full"), &[]));
    assert!(
        stderr(&trained).contains("16 X and 108 Y training images (unpaired), 54 validation pairs"),
        "{}",
        stderr(&trained)
    );
    let run = single_run_of(&out.join("full"), "cyclegan");
    let config = read(&run.join("config.json"));
    assert!(config.contains("\"task\": \"twitter-google\"") && config.contains("\"cycle_weight\": 10.0"), "{config}");
    let metrics = read(&run.join("metrics.csv"));
    for name in ["g_gan_xy", "g_gan_yx", "cycle_x", "cycle_y", "identity_x", "identity_y", "d_x", "d_y", "g_loss"] {
        assert!(metrics.contains(&format!(",train,{name},")) && metrics.contains(&format!(",test,{name},")), "{name}");
    }
    assert!(metrics.contains(",test,l1_xy,") && metrics.contains(",test,l1_yx,"));
    // x | G(x) | F(G(x)) | y | F(y) | G(F(y)), 8 images of 32×32 each; every loss term charted.
    let (_, epoch_picture_height) = assert_picture(&run.join("samples/epoch-001-translations.png"), 8 * 32, 6 * 32);
    assert_picture(&run.join("plots/losses-adversarial.png"), 200, 100);
    assert_picture(&run.join("plots/losses-consistency.png"), 200, 100);

    ok(train_tiny(&out.join("ablation"), &["--cycle-weight", "0"]));
    let ablation = single_run_of(&out.join("ablation"), "cyclegan");
    let ablation_metrics = read(&ablation.join("metrics.csv"));
    assert!(!ablation_metrics.contains(",train,identity_x,"), "λ_id = ratio·λ_cyc = 0: no identity term trained");
    assert!(ablation_metrics.contains(",train,cycle_x,"), "the cycle error is still measured");

    let (run_s, ablation_s) = (run.to_str().unwrap(), ablation.to_str().unwrap());
    let evaluated = ok(atelier("flex", &["eval", "cyclegan", "--run", run_s, "--compare", ablation_s]));
    let table = stdout(&evaluated);
    assert!(
        table.contains("identity") && table.contains("CycleGAN λ_cyc=10") && table.contains("CycleGAN λ_cyc=0"),
        "{table}"
    );
    assert!(stderr(&evaluated).contains("the colour evaluator judges 64×64 emoji"), "a 32×32 run is warned about");
    // x, G(x) of both runs, y (x's true counterpart), F(y) of both runs: 12 test pairs of 32×32 in
    // six rows, as many as the epoch grid's (each truth shown once).
    let (_, eval_picture_height) = assert_picture(&run.join("samples/eval-translations.png"), 12 * 32, 6 * 32);
    assert_eq!(eval_picture_height, epoch_picture_height);
    // The identity compares the same pairs both ways: the same L1 and PSNR.
    assert_eq!(eval_value(&run, "identity_x2y_l1"), eval_value(&run, "identity_y2x_l1"));
    assert_eq!(eval_value(&run, "test_pairs"), 53.0);
    for way in ["x2y", "y2x"] {
        for key in ["l1", "psnr_db", "ssim", "cycle_l1", "fcd", "looks_like_target", "category_kept"] {
            assert!(eval_value(&run, &format!("{way}_{key}")).is_finite(), "{way}_{key}");
            assert!(eval_value(&run, &format!("compare1_{way}_{key}")).is_finite(), "compare1_{way}_{key}");
        }
        let share = eval_value(&run, &format!("{way}_looks_like_target"));
        assert!((0.0..=1.0).contains(&share));
        let gain = eval_value(&run, &format!("{way}_psnr_gain_over_identity_db"));
        let psnrs = (eval_value(&run, &format!("{way}_psnr_db")), eval_value(&run, &format!("identity_{way}_psnr_db")));
        assert!((gain - (psnrs.0 - psnrs.1)).abs() < 1e-9, "the report's PSNR target: {gain} vs {psnrs:?}");
    }
    // A user's images, any size, through G and F, at their own size.
    let input = out.join("mine");
    fs::create_dir_all(&input).unwrap();
    image::RgbaImage::from_pixel(50, 40, image::Rgba([200, 30, 30, 128])).save(input.join("wide.png")).unwrap();
    for direction in ["x2y", "y2x"] {
        let written = out.join(direction);
        let args = [
            "translate",
            "--run",
            run_s,
            "--direction",
            direction,
            "--in",
            input.to_str().unwrap(),
            "--out",
            written.to_str().unwrap(),
        ];
        ok(atelier("flex", &args));
        let image = image::open(written.join("wide.png")).unwrap();
        assert_eq!((image.width(), image.height()), (50, 40), "{direction}");
    }
    let elsewhere = out.join("x");
    let no_direction =
        ["translate", "--run", run_s, "--in", input.to_str().unwrap(), "--out", elsewhere.to_str().unwrap()];
    fails_with(&atelier("flex", &no_direction), "give --direction x2y (G) or y2x (F)");
}

#[test]
fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let out = scratch("cyclegan-resume");
    ok(train_tiny(&out.join("whole"), &[]));
    let whole = single_run_of(&out.join("whole"), "cyclegan");
    ok(train_tiny(&out.join("parts"), &["--max-steps", "2"]));
    let parts = single_run_of(&out.join("parts"), "cyclegan");
    // A resume with another image size would meet a history pool of the old size: refused by name.
    let config_before = fs::read(parts.join("config.json")).unwrap();
    let refused = atelier("flex", &["train", "cyclegan", "--resume", parts.to_str().unwrap(), "--size", "64"]);
    fails_with(&refused, "--size: the run was trained with 32; a resumed run keeps its architecture");
    assert_eq!(fs::read(parts.join("config.json")).unwrap(), config_before);
    let resumed = ok(atelier("flex", &["train", "--resume", parts.to_str().unwrap(), "--no-max-steps"]));
    assert!(stderr(&resumed).contains("completed 4 steps"), "{}", stderr(&resumed));
    for run in [&whole, &parts] {
        ok(atelier("flex", &["eval", "cyclegan", "--run", run.to_str().unwrap()]));
    }
    for key in ["x2y_l1", "y2x_psnr_db", "x2y_cycle_l1", "y2x_fcd"] {
        assert_eq!(eval_value(&whole, key), eval_value(&parts, key), "{key}");
    }
    // The discriminators' losses of the last steps depend on the history buffer's contents.
    let last = |run: &Path| {
        read(&run.join("metrics.csv"))
            .lines()
            .filter(|l| l.starts_with("4,") && l.contains(",train,d_"))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert!(!last(&whole).is_empty());
    assert_eq!(last(&whole), last(&parts));
}

#[test]
fn edges_and_garments_a_folder_and_the_refusals() {
    let out = scratch("cyclegan-tasks");
    let data = embedded_dir();
    let data_s = data.to_str().unwrap();
    let fashion = out.join("fashion");
    ok(train_tiny(
        &fashion,
        &["--task", "edges-fashion", "--data-dir", data_s, "--train-limit", "32", "--max-steps", "2"],
    ));
    let run = single_run_of(&fashion, "cyclegan");
    ok(atelier("flex", &["eval", "cyclegan", "--run", run.to_str().unwrap()]));
    let kept = eval_value(&run, "x2y_class_kept");
    assert!((0.0..=1.0).contains(&kept) && eval_value(&run, "x2y_fcd") >= 0.0);
    assert_eq!(eval_value(&run, "test_pairs"), 500.0, "the embedded Fashion test set");
    fails_with(
        &train_tiny(&out.join("bad"), &["--task", "edges-fashion", "--data-dir", data_s, "--size", "64"]),
        "--size must be 32",
    );

    // CycleGAN's layout: trainA/ trainB/ testA/ testB/, any image sizes.
    let folder = out.join("horses");
    for (part, colour, count) in
        [("trainA", [200, 120, 40], 3), ("trainB", [240, 240, 240], 2), ("testA", [190, 110, 50], 2)]
    {
        fs::create_dir_all(folder.join(part)).unwrap();
        for i in 0..count {
            image::RgbImage::from_pixel(40 + i, 36, image::Rgb(colour))
                .save(folder.join(part).join(format!("{i}.png")))
                .unwrap();
        }
    }
    let folder_s = folder.to_str().unwrap();
    let missing = train_tiny(&out.join("bad"), &["--task", "folder", "--data-dir", folder_s]);
    fails_with(&missing, "testB");
    fs::create_dir_all(folder.join("testB")).unwrap();
    image::RgbImage::from_pixel(30, 30, image::Rgb([250, 250, 250])).save(folder.join("testB/z.png")).unwrap();
    ok(train_tiny(&out.join("folder"), &["--task", "folder", "--data-dir", folder_s, "--max-steps", "1"]));
    let run = single_run_of(&out.join("folder"), "cyclegan");
    ok(atelier("flex", &["eval", "cyclegan", "--run", run.to_str().unwrap()]));
    assert!(eval_value(&run, "x2y_cycle_l1").is_finite());
    assert!(!read(&run.join("eval.json")).contains("x2y_psnr_db"), "a folder's test images are not pairs");

    fails_with(&train_tiny(&out.join("bad"), &["--task", "folder"]), "there is no embedded one");
    fails_with(&train_tiny(&out.join("bad"), &["--cycle-weight", "0", "--identity-ratio", "1"]), "--identity-ratio");
    fails_with(&train_tiny(&out.join("bad"), &["--size", "30"]), "size must be a multiple of 4");
    assert!(!out.join("bad").exists(), "refused runs leave no run directory");
}
