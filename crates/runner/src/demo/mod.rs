//! `demo`, the README's main job: a short version of every lecture on whatever data is found (the
//! embedded mini set on a fresh clone), each trained and evaluated by this binary's own `train` and
//! `eval` in a child process, then the course report.
//!
//! A lecture that fails does not stop the others: `runs/demo.json` records each lecture's outcome,
//! the report names the failures, and the exit status is non-zero when any failed.

mod plan;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use atelier_cli::DemoArgs;
use atelier_core::atomic::write_json_atomic;
use atelier_core::clock;
use atelier_core::course::CourseEntry;
use atelier_lecture::{Companion, Registry};
use atelier_report::records::{DEMO_FILE, DemoLecture, DemoOutcome, DemoRecord};
use atelier_report::{ReportOptions, Selection};

use plan::{LectureData, LecturePlan, Setting, plans};

pub fn run(args: &DemoArgs, registry: &Registry) -> Result<(), String> {
    let all = plans(registry);
    if let Some(unknown) = args.lecture.iter().find(|l| !all.iter().any(|p| p.lecture == l.as_str())) {
        let names: Vec<&str> = all.iter().map(|p| p.lecture).collect();
        return Err(format!("no lecture {unknown:?}; the lectures are: {}", names.join(", ")));
    }
    let chosen: Vec<&LecturePlan> =
        all.iter().filter(|p| args.lecture.is_empty() || args.lecture.iter().any(|l| l == p.lecture)).collect();
    if args.list {
        list(&all, args.scale);
        return Ok(());
    }
    let course = registry.course();
    let backend = args.backend.map(|b| b.name());
    // Data missing or broken fails the lectures that read it, not the others.
    let train_images = if chosen.iter().any(|p| p.data() == LectureData::Fashion) {
        match atelier_data::load(args.data_dir.as_deref()) {
            Ok(dataset) => {
                eprintln!("demo: data {} ({} training images)", dataset.source, dataset.train.len());
                Ok(dataset.train.len())
            }
            Err(e) => {
                eprintln!("demo: no image data ({e}); the lectures that need images will fail");
                Err(e.to_string())
            }
        }
    } else {
        Ok(0)
    };
    let mut setting = Setting {
        runs: args.out.clone(),
        backend,
        data_dir: args.data_dir.clone(),
        train_images,
        emoji_pairs: Ok(0),
        scale: args.scale,
    };
    if chosen.iter().any(|p| p.data() == LectureData::Emoji) {
        setting.emoji_pairs = emoji_training_pairs(&setting);
    }
    std::fs::create_dir_all(&args.out).map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let record_path = args.out.join(DEMO_FILE);
    let mut record = DemoRecord {
        started: clock::iso8601(clock::unix_now()),
        finished: None,
        backend: backend.unwrap_or("flex").to_string(),
        lectures: chosen
            .iter()
            .map(|p| DemoLecture { lecture: p.lecture.into(), outcome: DemoOutcome::Skipped, run: None, seconds: 0.0 })
            .collect(),
    };
    save(&record_path, &record)?;

    let total = chosen.len();
    let course_start = Instant::now();
    // Runs of earlier lectures that later lectures' evaluations draw beside their own, by kind.
    let mut companions: Vec<(Companion, &'static str, PathBuf)> = Vec::new();
    for (index, plan) in chosen.iter().enumerate() {
        let title = course.iter().find(|l| l.id == plan.lecture).map_or(plan.lecture, |l| l.title);
        eprintln!("\n━━ demo [{}/{total}] {} — {title}", index + 1, plan.lecture);
        eprintln!("   {} ({})", plan.summary(), plan.describe_budget(args.scale));
        let start = Instant::now();
        let lecture = registry.get(plan.lecture).expect("plans come from the registry");
        let mut extra = Vec::new();
        for (_, flag, run) in companions.iter().filter(|(kind, _, _)| lecture.accepts().contains(kind)) {
            extra.extend([format!("--{flag}"), run.to_string_lossy().into_owned()]);
        }
        let result = run_lecture(plan, &setting, &extra);
        let seconds = start.elapsed().as_secs_f64();
        let entry = &mut record.lectures[index];
        entry.seconds = seconds;
        match result {
            Ok(run) => {
                for offered in lecture.companions() {
                    companions.retain(|(kind, _, _)| *kind != offered.kind);
                    companions.push((offered.kind, offered.flag, run.clone()));
                }
                eprintln!(
                    "━━ demo [{}/{total}] {}: passed in {:.0} s — {}",
                    index + 1,
                    plan.lecture,
                    seconds,
                    headline(plan, &course, &run)
                );
                entry.run = Some(relative(&run, &args.out));
                entry.outcome = DemoOutcome::Passed;
            }
            Err((run, message)) => {
                eprintln!(
                    "━━ demo [{}/{total}] {}: FAILED after {:.0} s — {message}",
                    index + 1,
                    plan.lecture,
                    seconds
                );
                entry.run = run.map(|r| relative(&r, &args.out));
                entry.outcome = DemoOutcome::Failed { message };
            }
        }
        save(&record_path, &record)?;
    }
    record.finished = Some(clock::iso8601(clock::unix_now()));
    save(&record_path, &record)?;

    let report = crate::report::write(
        registry,
        &ReportOptions {
            runs: args.out.clone(),
            out: args.report.clone(),
            selection: Selection::Newest,
            existing: atelier_report::Existing::Refuse,
        },
    )?;
    let failed: Vec<&str> = record
        .lectures
        .iter()
        .filter(|l| matches!(l.outcome, DemoOutcome::Failed { .. }))
        .map(|l| l.lecture.as_str())
        .collect();
    println!();
    println!(
        "demo: {} of {total} lectures passed in {:.0} s",
        total - failed.len(),
        course_start.elapsed().as_secs_f64()
    );
    for lecture in &record.lectures {
        let status = match &lecture.outcome {
            DemoOutcome::Passed => "passed".to_string(),
            DemoOutcome::Failed { .. } => "FAILED".to_string(),
            DemoOutcome::Skipped => "not run".to_string(),
        };
        println!(
            "  {:<12} {:<7} {:>5.0} s  {}",
            lecture.lecture,
            status,
            lecture.seconds,
            lecture.run.as_deref().unwrap_or("")
        );
    }
    println!("report: {}  (open it in a browser)", report.index.display());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} lecture(s) failed: {} (the report and {} say why)",
            failed.len(),
            failed.join(", "),
            record_path.display()
        ))
    }
}

/// `demo --list`.
fn list(plans: &[LecturePlan], scale: f64) {
    println!("{:<12} {:<26} what the demo does", "lecture", "budget");
    for plan in plans {
        println!("{:<12} {:<26} {}", plan.lecture, plan.describe_budget(scale), plan.summary());
    }
}

/// Trains then evaluates one lecture; the run directory, or (the run if one was made, why it failed).
fn run_lecture(plan: &LecturePlan, setting: &Setting, extra: &[String]) -> Result<PathBuf, (Option<PathBuf>, String)> {
    if let Err(e) = setting.available(plan.data()) {
        return Err((None, format!("no data: {e}")));
    }
    let model_dir = setting.runs.join(plan.lecture);
    let before = run_dirs(&model_dir);
    let train = plan.train_args(setting);
    let trained = child(&train);
    let created: Vec<PathBuf> = run_dirs(&model_dir).difference(&before).cloned().collect();
    let run = created.into_iter().max();
    trained.map_err(|e| (run.clone(), format!("train: {e}")))?;
    let run = run.ok_or_else(|| (None, format!("train wrote no run directory under {}", model_dir.display())))?;
    child(&plan.eval_args(&run, setting, extra)).map_err(|e| (Some(run.clone()), format!("eval: {e}")))?;
    Ok(run)
}

/// The emoji lectures' training pairs: the training split of the emoji that their training finds.
fn emoji_training_pairs(setting: &Setting) -> Result<usize, String> {
    use atelier_data::emoji;
    let embedded = setting.data_dir.as_deref().filter(|d| d.as_os_str() == atelier_data::source::EMBEDDED_NAME);
    let counted = emoji::locate(embedded).and_then(|source| {
        let set = emoji::load(&source, &[emoji::Vendor::Google])?;
        Ok((source, set.split_counts().0))
    });
    match counted {
        Ok((source, pairs)) => {
            eprintln!("demo: emoji {source} ({pairs} training pairs)");
            Ok(pairs)
        }
        Err(e) => {
            eprintln!("demo: no emoji ({e}); the emoji lectures will fail");
            Err(e.to_string())
        }
    }
}

/// Runs this binary with `args`, its output on the terminal.
fn child(args: &[String]) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    eprintln!("   $ cargo xtask {}", args.join(" "));
    let status = Command::new(exe).args(args).status().map_err(|e| format!("cannot start: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("exited with {status}")) }
}

fn run_dirs(model_dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(model_dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default()
}

/// The lecture's targeted numbers from the run's `eval.json`, in one line.
fn headline(plan: &LecturePlan, course: &[CourseEntry], run: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(run.join(atelier_core::run_dir::EVAL_FILE)) else {
        return "no eval.json".to_string();
    };
    let Ok(eval) = serde_json::from_str::<serde_json::Value>(&text) else {
        return "eval.json unreadable".to_string();
    };
    let targets = course.iter().find(|l| l.id == plan.lecture).map_or(&[][..], |l| &l.targets[..]);
    // The run's kind (its task, architecture, …) picks the targets that apply, as in the report.
    let kind = std::fs::read_to_string(run.join(atelier_core::run_dir::CONFIG_FILE))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|config| config.get("model").and_then(atelier_report::runs::kind_of))
        .unwrap_or_else(|| plan.lecture.to_string());
    let mut parts: Vec<String> = Vec::new();
    for target in targets.iter().filter(|t| t.applies_to(&kind)) {
        if let Some(value) = eval.get(target.metric).and_then(serde_json::Value::as_f64)
            && !parts.iter().any(|p| p.starts_with(target.metric))
        {
            parts.push(format!(
                "{} {} (full-run target {})",
                target.metric,
                atelier_report::html::number(value),
                target.goal.describe()
            ));
        }
    }
    if parts.is_empty() { format!("numbers in {}", run.join("eval.json").display()) } else { parts.join(", ") }
}

fn relative(run: &Path, runs: &Path) -> String {
    run.strip_prefix(runs).unwrap_or(run).to_string_lossy().into_owned()
}

fn save(path: &Path, record: &DemoRecord) -> Result<(), String> {
    write_json_atomic(path, record).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
