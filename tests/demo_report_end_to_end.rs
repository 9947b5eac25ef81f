//! The README's main job end to end: `demo` runs every lecture (here at 2% of its budget, on the
//! embedded mini set), writes `demo.json` and the report; the report is then opened in headless
//! Chromium, which checks from the page itself that every image decoded, nothing was logged as an
//! error, every lecture has its section, and every number shown is the one in its run's
//! `eval.json`. A lecture that fails does not stop the others.
//!
//! Chromium: Debian's `chromium` package (`.ci/run` installs it and sets
//! `ATELIER_BROWSER_TEST=required`, so in CI a missing browser fails the test; elsewhere the browser
//! part prints SKIPPED).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use atelier_testkit::commands::{atelier, embedded_dir, fails_with, ok, read, scratch, stdout};
use serde_json::Value;

/// Every lecture of the course, in order (the report's sections).
const LECTURES: [&str; 11] = [
    "classifier",
    "autoencoder",
    "vae",
    "dcgan",
    "lstm",
    "dqn",
    "pix2pix",
    "cyclegan",
    "segmentation",
    "facenet",
    "neural-style",
];

#[test]
fn demo_runs_every_lecture_and_the_report_checks_out_in_a_browser() {
    let dir = scratch("demo-report");
    let (runs, report) = (dir.join("runs"), dir.join("report"));
    let data = embedded_dir();
    let output = ok(atelier(
        "flex",
        &[
            "demo",
            "--data-dir",
            data.to_str().unwrap(),
            "--out",
            runs.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "--scale",
            "0.02",
        ],
    ));
    let printed = stdout(&output);
    assert!(printed.contains("demo: 11 of 11 lectures passed"), "{printed}");
    assert!(printed.contains(&format!("report: {}", report.join("index.html").display())), "{printed}");

    let record: Value = serde_json::from_str(&read(&runs.join("demo.json"))).unwrap();
    let lectures = record["lectures"].as_array().unwrap();
    let names: Vec<&str> = lectures.iter().map(|l| l["lecture"].as_str().unwrap()).collect();
    assert_eq!(names, LECTURES, "every lecture, in the course's order");
    for lecture in lectures {
        assert_eq!(lecture["outcome"]["status"], "passed", "{lecture}");
        let run = runs.join(lecture["run"].as_str().unwrap());
        assert!(run.join("eval.json").is_file(), "{} has its numbers", run.display());
    }
    assert!(record["finished"].is_string());

    let html = read(&report.join("index.html"));
    for lecture in LECTURES {
        assert!(html.contains(&format!("id=\"lecture-{lecture}\"")), "section {lecture}");
    }
    assert!(html.contains("<math display=\"block\">"), "the objectives are MathML");
    assert!(!html.contains("<script"), "the page needs no script");
    assert!(!html.contains("http://") && !html.contains("https://"), "no network");
    for src in attribute_values(&html, "src") {
        assert!(report.join(&src).is_file(), "{src} is inside the report folder");
    }

    browser_check(&report, &runs);
}

#[test]
fn a_failing_lecture_does_not_stop_the_others_and_the_report_says_which() {
    let dir = scratch("demo-failure");
    let (runs, report) = (dir.join("runs"), dir.join("report"));
    let missing = dir.join("no-such-data");
    let output = atelier(
        "flex",
        &[
            "demo",
            "--lecture",
            "classifier",
            "--lecture",
            "dqn",
            "--data-dir",
            missing.to_str().unwrap(),
            "--out",
            runs.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "--scale",
            "0.02",
        ],
    );
    fails_with(&output, "1 lecture(s) failed: classifier");
    let printed = stdout(&output);
    assert!(printed.contains("demo: 1 of 2 lectures passed"), "{printed}");
    let record: Value = serde_json::from_str(&read(&runs.join("demo.json"))).unwrap();
    assert_eq!(record["lectures"][0]["outcome"]["status"], "failed");
    assert!(record["lectures"][0]["outcome"]["message"].as_str().unwrap().contains("no-such-data"));
    assert_eq!(record["lectures"][1]["outcome"]["status"], "passed", "dqn needs no images and still ran");
    let html = read(&report.join("index.html"));
    let classifier = section(&html, "classifier");
    assert!(
        classifier.contains("class=\"failure demo-failed\"") && classifier.contains("no-such-data"),
        "{classifier}"
    );
    assert!(section(&html, "dqn").contains("data-run=\"dqn/"), "the agent's run is shown");
    assert!(section(&html, "vae").contains("class=\"no-run\""), "a lecture without a run says how to make one");
}

/// The HTML of one lecture's section.
fn section<'a>(html: &'a str, lecture: &str) -> &'a str {
    let start = html.find(&format!("id=\"lecture-{lecture}\"")).unwrap_or_else(|| panic!("no section {lecture}"));
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// Every `name="…"` value in `html` (the report writes plain double-quoted attributes).
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].replace("%20", " ")
        })
        .collect()
}

/// Chromium, if installed.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// The flags of a headless Chromium that works offline (no background connections) as root.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// What the page reports about itself once loaded: written into `<pre id="atelier-check">`.
const CHECK_SCRIPT: &str = r#"
<script>
window.addEventListener('load', () => {
  const images = [...document.images].map(i => ({ src: i.getAttribute('src'), width: i.naturalWidth, complete: i.complete }));
  const lectures = [...document.querySelectorAll('section.lecture')].map(s => s.dataset.lecture);
  const numbers = [...document.querySelectorAll('article.run')].flatMap(article =>
    [...article.querySelectorAll('td.value[data-metric]')].map(td => ({
      run: article.dataset.run, metric: td.dataset.metric, value: td.dataset.value, shown: td.textContent })));
  const result = { images, lectures, numbers, errors: window.__atelierErrors };
  const pre = document.createElement('pre');
  pre.id = 'atelier-check';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"#;

/// Opens a copy of the report's page with the checks added (beside it, so that every relative
/// link resolves) and returns what the page reported about itself.
fn page_facts(browser: &Path, profile: &Path, report: &Path) -> Value {
    let html = read(&report.join("index.html"));
    let checked = html.replacen("<head>", &format!("<head>\n{ERROR_HOOK}"), 1).replacen(
        "</body>",
        &format!("{CHECK_SCRIPT}</body>"),
        1,
    );
    let check_page = report.join("check.html");
    fs::write(&check_page, checked).unwrap();
    let output = headless(browser, profile)
        .args(["--virtual-time-budget=20000", "--dump-dom"])
        .arg(format!("file://{}", check_page.display()))
        .output()
        .expect("chromium starts");
    fs::remove_file(&check_page).unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium failed: {log}");
    let json = dom
        .split("<pre id=\"atelier-check\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("the check did not run; chromium said:\n{log}"));
    let json = json.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    let mut facts: Value = serde_json::from_str(&json).unwrap();
    let console_errors: Vec<Value> = log
        .lines()
        // The page has no script of its own and the checks log nothing: any console line is a fault
        // (Chromium logs them as `INFO:CONSOLE:<line>] "message", source: …`, whatever their level).
        .filter(|l| l.contains(":CONSOLE"))
        .map(|l| Value::String(l.to_string()))
        .collect();
    facts["console_errors"] = Value::Array(console_errors);
    facts
}

/// Installed first in `<head>`: every error the page raises or logs is collected.
const ERROR_HOOK: &str = r#"<script>
window.__atelierErrors = [];
window.addEventListener('error', e => window.__atelierErrors.push(String(e.message || e.type) + ' ' + String((e.target && (e.target.src || e.target.href)) || '')), true);
const originalError = console.error;
console.error = (...args) => { window.__atelierErrors.push(args.map(String).join(' ')); originalError(...args); };
</script>"#;

fn browser_check(report: &Path, runs: &Path) {
    let Some(browser) = chromium() else {
        let required = std::env::var("ATELIER_BROWSER_TEST").is_ok_and(|v| v == "required");
        assert!(!required, "ATELIER_BROWSER_TEST=required but Chromium is not installed (apt-get install chromium)");
        eprintln!("SKIPPED: the browser check (Chromium not installed: apt-get install chromium)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let result = page_facts(&browser, profile.path(), report);

    // Every image decoded.
    let images = result["images"].as_array().unwrap();
    assert!(images.len() >= 20, "pictures and curves of seven runs: {} images", images.len());
    for image in images {
        assert!(image["width"].as_u64().unwrap() > 0, "not decoded: {image}");
    }
    // No errors, from the page's hooks or in the browser's console log.
    assert_eq!(result["errors"].as_array().unwrap().len(), 0, "{}", result["errors"]);
    assert_eq!(result["console_errors"].as_array().unwrap().len(), 0, "{}", result["console_errors"]);
    // Every lecture's section.
    let lectures: Vec<&str> = result["lectures"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lectures, LECTURES);
    // Every number shown equals its eval.json value (exactly in data-value, to the digits shown in the text).
    let numbers = result["numbers"].as_array().unwrap();
    let mut checked_per_run = std::collections::BTreeMap::<String, usize>::new();
    for n in numbers {
        let run = n["run"].as_str().unwrap();
        let metric = n["metric"].as_str().unwrap();
        let eval: Value = serde_json::from_str(&read(&runs.join(run).join("eval.json"))).unwrap();
        let truth = eval[metric].as_f64().unwrap_or_else(|| panic!("{run}: {metric} not in eval.json"));
        let value: f64 = n["value"].as_str().unwrap().parse().unwrap();
        assert_eq!(value, truth, "{run} {metric}");
        let shown: f64 = n["shown"].as_str().unwrap().parse().unwrap_or_else(|_| panic!("{n}"));
        let digits = n["shown"].as_str().unwrap().split('.').nth(1).map_or(0, str::len);
        assert!(
            (shown - truth).abs() <= 0.5 * 10f64.powi(-(digits as i32)) + 1e-12,
            "{run} {metric}: shown {shown}, eval.json {truth}"
        );
        *checked_per_run.entry(run.to_string()).or_default() += 1;
    }
    assert_eq!(checked_per_run.len(), LECTURES.len(), "a run per lecture: {checked_per_run:?}");
    for (run, count) in &checked_per_run {
        let eval: Value = serde_json::from_str(&read(&runs.join(run).join("eval.json"))).unwrap();
        // Every number: the record of the data scored (`"data"`) is not a number.
        let numbers = eval.as_object().unwrap().values().filter(|v| v.is_number()).count();
        assert_eq!(*count, numbers, "{run}: every eval.json number is shown");
    }

    // The check can fail: a damaged picture is seen as not decoded.
    let first = images[0]["src"].as_str().unwrap().to_string();
    fs::write(report.join(&first), b"not a png").unwrap();
    let damaged = page_facts(&browser, profile.path(), report);
    let undecoded: Vec<&str> = damaged["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["width"].as_u64() == Some(0))
        .map(|i| i["src"].as_str().unwrap())
        .collect();
    assert_eq!(undecoded, [first.as_str()]);
    let report_again =
        ok(atelier("flex", &["report", "--runs", runs.to_str().unwrap(), "--out", report.to_str().unwrap()]));
    assert!(stdout(&report_again).contains("11 run(s) in 11 of 11 lectures"), "{}", stdout(&report_again));

    // A screenshot of the page as a reader sees it (kept in the report folder).
    let shot = report.join("screenshot.png");
    let output = headless(&browser, profile.path())
        .args(["--window-size=1280,2000"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", report.join("index.html").display()))
        .output()
        .expect("chromium starts");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let picture = image::open(&shot).unwrap();
    assert_eq!((picture.width(), picture.height()), (1280, 2000));
    if let Ok(keep) = std::env::var("ATELIER_KEEP_SCREENSHOT") {
        fs::copy(&shot, keep).unwrap();
    }
}
