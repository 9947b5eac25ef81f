//! Old runs keep working: every lecture keeps a `config.json` written by the main of 3d0fb5c (before
//! the registry existed) in `crates/<lecture>/tests/data/config-3d0fb5c.json` (a one-step run on the
//! embedded sets, `--max-steps 1`). `train <lecture> --config` of it writes the very same bytes
//! again, and a run whose `config.json` holds them resumes.

use std::fs;
use std::path::{Path, PathBuf};

use atelier_testkit::commands::{atelier, ok, read, scratch, single_run_of};

const FIXTURE: &str = "config-3d0fb5c.json";

/// Every lecture's old config.json, found on disk (the instruments' too).
fn fixtures() -> Vec<PathBuf> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found: Vec<PathBuf> = fs::read_dir(&crates)
        .unwrap()
        .map(|e| e.unwrap().path().join("tests/data").join(FIXTURE))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

fn lecture_of(config: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(config).unwrap();
    json["model"]["name"].as_str().expect("model.name").to_string()
}

#[test]
fn every_lecture_keeps_an_old_config() {
    assert!(fixtures().len() >= 11, "one old config.json per lecture and instrument: {:?}", fixtures());
}

#[test]
fn old_configs_repeat_byte_for_byte_and_resume() {
    for fixture in fixtures() {
        let old = read(&fixture);
        let lecture = lecture_of(&old);
        let out = scratch(&format!("old-{lecture}"));
        let (fixture_s, out_s) = (fixture.to_str().unwrap(), out.to_str().unwrap());
        ok(atelier("flex", &["train", &lecture, "--config", fixture_s, "--max-steps", "1", "--out", out_s]));
        let run = single_run_of(&out, &lecture);
        assert_eq!(read(&run.join("config.json")), old, "{lecture}: `train --config` of an old config.json");
        // The run goes on from its config.json as the old main wrote it.
        fs::write(run.join("config.json"), &old).unwrap();
        ok(atelier("flex", &["train", &lecture, "--resume", run.to_str().unwrap(), "--max-steps", "2"]));
        let provenance: serde_json::Value = serde_json::from_str(&read(&run.join("run.json"))).unwrap();
        assert_eq!(provenance["resumed_at_steps"], serde_json::json!([1]), "{lecture}: {provenance}");
        assert_eq!(atelier_testkit::commands::latest_checkpoint_step(&run), Some(2), "{lecture}");
        let resumed = read(&run.join("config.json"));
        assert_eq!(resumed.replace("\"max_steps\": 2", "\"max_steps\": 1"), old, "{lecture}: only --max-steps changed");
    }
}
