//! The page: one section per lecture, each run with its numbers against the targets, pictures,
//! curves, provenance and the commands that reproduce it; then the backends table.
//!
//! Every number taken from a file carries it in `data-metric` / `data-value` (the exact `f64`), so
//! a check in the browser can compare what is shown with `eval.json`.

use std::fmt::Write as _;

use atelier_core::clock;

use crate::files::Shown;
use crate::html::{duration, escape, number};
use crate::records::{BenchRow, DemoOutcome, DemoRecord};
use crate::runs::{Evaluation, Run, RunState};
use atelier_core::course::CourseEntry as Lecture;
use atelier_core::course::{Target, Verdict};

/// One run as the page shows it.
pub struct RunView<'a> {
    pub run: &'a Run,
    pub pictures: Vec<Shown>,
    pub curves: Vec<Shown>,
    /// `runs/<id>` as the user typed the runs folder (for the commands shown).
    pub shown_dir: String,
}

/// One lecture with its runs.
pub struct LectureView<'a> {
    pub lecture: &'a Lecture,
    pub runs: Vec<RunView<'a>>,
    pub demo: Option<(&'a DemoRecord, &'a crate::records::DemoLecture)>,
}

/// Targets met and judged on the page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub met: usize,
    pub judged: usize,
}

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; background: #fafafa; line-height: 1.45; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { margin-bottom: 4px; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 40px; }
section.lecture, section#backends { background: #fff; border: 1px solid #e4e4e4; border-radius: 6px; padding: 4px 20px 16px; margin: 24px 0; }
article.run { border-top: 1px solid #eee; margin-top: 16px; padding-top: 8px; }
.objective { background: #f6f8fa; border-radius: 4px; padding: 6px 12px; font-size: 1.15em; overflow-x: auto; }
.note { color: #555; font-size: 0.92em; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.93em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.value { font-variant-numeric: tabular-nums; text-align: right; }
.met { color: #137333; font-weight: bold; }
.missed { color: #b3261e; font-weight: bold; }
.state { font-size: 0.8em; padding: 1px 8px; border-radius: 10px; margin-left: 8px; vertical-align: middle; }
.state-completed { background: #e6f4ea; color: #137333; }
.state-stopped, .state-running { background: #fef7e0; color: #8a5a00; }
.state-failed, .state-unknown { background: #fce8e6; color: #b3261e; }
.warning { background: #fef7e0; border-left: 4px solid #f9ab00; padding: 4px 10px; }
.failure { background: #fce8e6; border-left: 4px solid #b3261e; padding: 4px 10px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; background: #fff; border: 1px solid #eee; padding: 6px; }
figure img { display: block; max-width: 520px; max-height: 420px; image-rendering: pixelated; }
figure.curve img { width: 400px; image-rendering: auto; }
figcaption { font-size: 0.8em; color: #555; max-width: 520px; }
pre { background: #f6f8fa; padding: 8px 12px; overflow-x: auto; }
nav ol { columns: 2; }
"#;

/// The whole page.
pub fn page(
    runs_folder: &str,
    lectures: &[LectureView],
    bench: &[BenchRow],
    skipped_bench: &[String],
) -> (String, Tally) {
    let mut tally = Tally::default();
    let mut body = String::new();
    for view in lectures {
        body.push_str(&lecture_section(view, &mut tally));
    }
    body.push_str(&backends_section(runs_folder, bench, skipped_bench));
    let mut html = String::new();
    let generated = clock::iso8601(clock::unix_now());
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Atelier — the course report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
         <h1>Atelier — the course report</h1>\n\
         <p class=\"note\">Deep learning for images, lecture by lecture: each lecture's objective, then its newest \
         runs from <code>{runs}</code> with their numbers against the targets the README quotes, their pictures, \
         curves and provenance. Generated {generated} by <code>cargo xtask report</code>.</p>\n\
         <p id=\"tally\" data-met=\"{met}\" data-judged=\"{judged}\">Targets met: <strong>{met} of {judged}</strong> \
         judged (short demo runs are not expected to reach targets set for full runs).</p>\n{nav}</header>\n<main>\n{body}</main>\n\
         <footer><p class=\"note\">A self-contained page: no script, no network; the equations are MathML.</p></footer>\n\
         </body>\n</html>\n",
        runs = escape(runs_folder),
        met = tally.met,
        judged = tally.judged,
        nav = navigation(lectures),
    );
    (html, tally)
}

fn navigation(lectures: &[LectureView]) -> String {
    let mut nav = String::from("<nav><ol>\n");
    for view in lectures {
        let l = view.lecture;
        let status =
            if view.runs.is_empty() { " (no run yet)".to_string() } else { format!(" ({} run(s))", view.runs.len()) };
        let _ = writeln!(nav, "<li><a href=\"#lecture-{}\">{}</a>{}</li>", l.id, escape(l.title), status);
    }
    nav.push_str("<li><a href=\"#backends\">Backends side by side</a></li>\n</ol></nav>\n");
    nav
}

fn lecture_section(view: &LectureView, tally: &mut Tally) -> String {
    let l = view.lecture;
    let mut s = String::new();
    let _ = write!(
        s,
        "<section class=\"lecture\" id=\"lecture-{id}\" data-lecture=\"{id}\">\n<h2>{title}</h2>\n<p>{teaches}</p>\n\
         <div class=\"objective\">{math}</div>\n<p class=\"note\">{note}</p>\n",
        id = l.id,
        title = escape(l.title),
        teaches = escape(l.teaches),
        math = l.objective,
        note = escape(l.objective_note),
    );
    if let Some((record, entry)) = view.demo {
        match &entry.outcome {
            DemoOutcome::Failed { message } => {
                let _ = writeln!(
                    s,
                    "<p class=\"failure demo-failed\">The demo of {} failed on this lecture: {}</p>",
                    escape(&record.started),
                    escape(message)
                );
            }
            DemoOutcome::Skipped => {
                let _ = writeln!(
                    s,
                    "<p class=\"warning\">The demo of {} stopped before this lecture.</p>",
                    escape(&record.started)
                );
            }
            DemoOutcome::Passed => {}
        }
    }
    if view.runs.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"no-run\">No run of this lecture in the runs folder yet. Make one:</p>\n<pre><code>{}</code></pre>",
            escape(l.make_run)
        );
    }
    for run in &view.runs {
        s.push_str(&run_article(l, run, tally));
    }
    s.push_str("</section>\n");
    s
}

fn run_article(lecture: &Lecture, view: &RunView, tally: &mut Tally) -> String {
    let run = view.run;
    let (state_class, state_text) = match &run.state {
        RunState::Completed => ("completed", "completed".to_string()),
        RunState::Stopped(reason) => ("stopped", format!("stopped: {reason}")),
        RunState::Running => ("running", "running (or killed)".to_string()),
        RunState::Failed(_) => ("failed", "failed".to_string()),
        RunState::Unknown(_) => ("unknown", "unreadable".to_string()),
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<article class=\"run\" data-run=\"{id}\" data-state=\"{state_class}\">\n\
         <h3>{model} · {kind}<span class=\"state state-{state_class}\">{state}</span></h3>\n\
         <p class=\"note\"><code>{dir}</code> — {scope}</p>\n",
        id = escape(&run.id),
        model = escape(&run.model),
        kind = escape(&run.kind),
        state = escape(&state_text),
        dir = escape(&view.shown_dir),
        scope = escape(&training_scope(run)),
    );
    match &run.state {
        RunState::Running => {
            let _ = writeln!(
                s,
                "<p class=\"warning\">Still running, or stopped without a chance to say so (killed). If no process is \
                 training it, continue it with <code>cargo xtask train --resume {}</code>.</p>",
                escape(&view.shown_dir)
            );
        }
        RunState::Stopped(_) => {
            let _ = writeln!(
                s,
                "<p class=\"warning\">Stopped before its planned end; continue with <code>cargo xtask train --resume {}</code>.</p>",
                escape(&view.shown_dir)
            );
        }
        RunState::Failed(message) => {
            let _ = writeln!(s, "<p class=\"failure\">The run failed: {}</p>", escape(message));
        }
        RunState::Unknown(why) => {
            let _ = writeln!(s, "<p class=\"failure\">The run's record cannot be read: {}</p>", escape(why));
        }
        RunState::Completed => {}
    }
    s.push_str(&numbers(lecture, view, tally));
    if !view.pictures.is_empty() {
        s.push_str("<h4>Pictures</h4>\n<div class=\"figures\">\n");
        for p in &view.pictures {
            s.push_str(&figure(p, "picture"));
        }
        s.push_str("</div>\n");
    }
    if !view.curves.is_empty() {
        s.push_str("<h4>Curves</h4>\n<div class=\"figures\">\n");
        for c in &view.curves {
            s.push_str(&figure(c, "curve"));
        }
        s.push_str("</div>\n");
    }
    s.push_str(&provenance(view));
    s.push_str("</article>\n");
    s
}

fn figure(shown: &Shown, class: &str) -> String {
    format!(
        "<figure class=\"{class}\"><img src=\"{src}\" alt=\"{alt}\"><figcaption>{alt}</figcaption></figure>\n",
        src = escape(&shown.href),
        alt = escape(&shown.caption)
    )
}

/// "10 epochs on 60,000 training images …" from `config.json` and `run.json`.
fn training_scope(run: &Run) -> String {
    let Some(config) = &run.config else {
        return "no config.json".to_string();
    };
    let train = config.get("train");
    let model = config.get("model");
    let epochs = train.and_then(|t| t.get("epochs")).and_then(|v| v.as_u64());
    let limit = train.and_then(|t| t.get("train_limit")).and_then(|v| v.as_u64());
    let total_steps = model.and_then(|m| m.get("total_steps")).and_then(|v| v.as_u64());
    let data = run.provenance.as_ref().map(|p| p.data_source.clone()).unwrap_or_default();
    let mut text = match (total_steps, epochs) {
        (Some(steps), _) => format!("{steps} environment steps"),
        (None, Some(e)) => format!("{e} epoch(s)"),
        (None, None) => "budget not recorded".to_string(),
    };
    if let Some(limit) = limit {
        let _ = write!(text, " on at most {limit} training examples");
    }
    if !data.is_empty() {
        let _ = write!(text, "; data: {data}");
    }
    text
}

fn numbers(lecture: &Lecture, view: &RunView, tally: &mut Tally) -> String {
    let run = view.run;
    let targets: Vec<&Target> = lecture.targets.iter().filter(|t| t.applies_to(&run.kind)).collect();
    let scores = match &run.evaluation {
        Evaluation::Scores(scores) => scores,
        Evaluation::NotEvaluated => {
            return format!(
                "<p class=\"warning not-evaluated\">Not evaluated yet: <code>cargo xtask eval {} --run {}</code> writes its numbers.</p>\n",
                escape(&run.model),
                escape(&view.shown_dir)
            );
        }
        Evaluation::Unreadable(why) => {
            return format!("<p class=\"failure\">eval.json cannot be read: {}</p>\n", escape(why));
        }
    };
    let mut s = String::from(
        "<h4>Numbers (<code>eval.json</code>)</h4>\n<table class=\"numbers\">\n<thead><tr><th>metric</th><th>value</th>\
         <th>target</th><th></th><th>reference</th></tr></thead>\n<tbody>\n",
    );
    // Targeted metrics first, in the lecture's order, then the rest as the file lists them.
    let mut ordered: Vec<(&String, f64, Option<&Target>)> = Vec::new();
    for target in &targets {
        if let Some((name, value)) = scores.iter().find(|(n, _)| n == target.metric) {
            ordered.push((name, *value, Some(target)));
        }
    }
    for (name, value) in scores {
        if !targets.iter().any(|t| t.metric == name) {
            ordered.push((name, *value, None));
        }
    }
    for (name, value, target) in ordered {
        let (goal, verdict, reference) = match target {
            Some(t) => {
                tally.judged += 1;
                let verdict = t.goal.judge(value);
                let mark = match verdict {
                    Verdict::Met => {
                        tally.met += 1;
                        "<td class=\"verdict met\">✓</td>"
                    }
                    Verdict::Missed => "<td class=\"verdict missed\">✗</td>",
                };
                (escape(&t.goal.describe()), mark.to_string(), escape(t.reference))
            }
            None => (String::new(), "<td></td>".to_string(), String::new()),
        };
        let _ = writeln!(
            s,
            "<tr><td><code>{name}</code></td><td class=\"value\" data-metric=\"{name}\" data-value=\"{value:?}\">{shown}</td>\
             <td>{goal}</td>{verdict}<td>{reference}</td></tr>",
            name = escape(name),
            shown = number(value),
        );
    }
    for target in targets.iter().filter(|t| !scores.iter().any(|(n, _)| n == t.metric)) {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td class=\"value\">—</td><td>{}</td><td>not measured</td><td>{}</td></tr>",
            escape(target.metric),
            escape(&target.goal.describe()),
            escape(target.reference)
        );
    }
    s.push_str("</tbody></table>\n");
    s
}

fn provenance(view: &RunView) -> String {
    let run = view.run;
    let mut s = String::from("<h4>Provenance</h4>\n<table class=\"provenance\">\n");
    let mut row = |key: &str, value: String| {
        let _ = writeln!(s, "<tr><th>{}</th><td>{}</td></tr>", escape(key), escape(&value));
    };
    if let Some(p) = &run.provenance {
        row("backend", p.backend.clone());
        row("device", p.device.clone());
        row("threads", p.threads.to_string());
        row("seed", run.seed().map_or_else(|| "not recorded".into(), |s| s.to_string()));
        row(
            "git revision",
            format!("{}{}", p.git_revision, if p.git_dirty { " (with uncommitted changes)" } else { "" }),
        );
        row("Atelier / Burn", format!("{} / {}", p.atelier_version, p.burn_version));
        row("started", p.started.clone());
        let took = p
            .finished
            .as_deref()
            .and_then(clock::parse_iso8601)
            .zip(clock::parse_iso8601(&p.started))
            .map_or_else(|| "not finished".to_string(), |(end, start)| duration(end.saturating_sub(start)));
        row("duration", took);
        row("status", p.status.clone());
        if !p.resumed_at_steps.is_empty() {
            row("resumed at steps", format!("{:?}", p.resumed_at_steps));
        }
    } else {
        row("seed", run.seed().map_or_else(|| "not recorded".into(), |s| s.to_string()));
    }
    s.push_str("</table>\n");
    let _ = write!(
        s,
        "<p class=\"note\">Reproduce (the recorded config repeats the run; its data is checked against the recorded MD5s):</p>\n\
         <pre class=\"reproduce\"><code>cargo xtask train --config {dir}/config.json\ncargo xtask eval {model} --run RUN_DIR</code></pre>\n",
        dir = escape(&view.shown_dir),
        model = escape(&run.model),
    );
    s
}

fn backends_section(runs_folder: &str, bench: &[BenchRow], skipped: &[String]) -> String {
    let mut s = String::from(
        "<section id=\"backends\">\n<h2>Backends side by side</h2>\n\
         <p>Training throughput and peak memory per backend, the newest <code>bench</code> result per model and backend \
         (from <code>",
    );
    let _ = write!(
        s,
        "{}/bench/</code>; every <code>cargo xtask bench …</code> writes one there).</p>\n",
        escape(runs_folder)
    );
    if bench.is_empty() {
        s.push_str(
            "<p class=\"no-run\">No bench results yet. Make some:</p>\n<pre><code>cargo xtask bench all</code></pre>\n",
        );
    } else {
        s.push_str(
            "<table class=\"bench\">\n<thead><tr><th>model</th><th>backend</th><th>device</th><th>speed</th><th>unit</th>\
             <th>batch</th><th>peak memory (MB)</th></tr></thead>\n<tbody>\n",
        );
        for r in bench {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"value\" data-bench=\"{}/{}\" data-value=\"{:?}\">{}</td>\
                 <td>{}</td><td>{}</td><td class=\"value\">{}</td></tr>",
                escape(&r.model),
                escape(&r.backend),
                escape(&r.device),
                escape(&r.model),
                escape(&r.backend),
                r.speed,
                number(r.speed.round()),
                r.unit,
                r.batch_size.map_or_else(String::new, |b| b.to_string()),
                number(r.peak_memory_mb.round()),
            );
        }
        s.push_str("</tbody></table>\n");
    }
    if !skipped.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"warning\">Lines that are not bench results were skipped: {}</p>",
            escape(&skipped.join(", "))
        );
    }
    s.push_str("</section>\n");
    s
}
