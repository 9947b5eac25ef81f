//! `cargo xtask tidy`: the architecture's invariants, checked on the sources (ARCHITECTURE.md,
//! "Invariants"). It fails, naming the file and line, when
//!
//! 1. a lecture crate (a crate with `src/lecture/mod.rs`) or another `impl Lecture` is missing from
//!    the registry (`crates/runner/src/registry.rs`);
//! 2. a lecture's model modules (its `src/` outside `src/lecture/`) do file IO or use clap, the
//!    lecture framework, or another command-line crate — or a lecture crate depends on clap;
//! 3. a lecture imports another (a dependency in its `Cargo.toml`, or `atelier_<other>` in its
//!    code), or a shared crate imports a lecture;
//! 4. code outside a lecture's own place names it: its crate (`atelier_<id>`) anywhere, or its name
//!    as a word — in code and strings for every lecture, and in comments too for the names that are
//!    no ordinary English word (an autoencoder, a classifier and segmentation are also what other
//!    lectures' texts speak of, and the LSTM is a layer `crates/kernels` implements). The allowed
//!    places: the registry (`crates/runner/src/registry.rs`
//!    and `crates/runner/Cargo.toml`), the workspace `Cargo.toml`/`Cargo.lock`, the tests that
//!    exercise the registry as a whole (`tests/`), and documentation (`docs/`, `*.md`).
//!
//! Run by `cargo test` (a unit test checks the workspace, another plants a violation of each kind
//! in a copy and sees it refused), so CI runs it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The registry, relative to the workspace root.
const REGISTRY: &str = "crates/runner/src/registry.rs";
/// This checker: it knows which lecture names are ordinary words.
const TIDY: &str = "xtask/src/tidy.rs";
/// The registry's crate manifest (its dependency on each lecture).
const REGISTRY_MANIFEST: &str = "crates/runner/Cargo.toml";
/// Lecture names that are also ordinary words other lectures' texts use (a VAE is a variational
/// autoencoder; the evaluator is a classifier; masks are for segmentation; the LSTM is also a
/// layer of `crates/kernels`): only code names them.
const ORDINARY_WORDS: [&str; 4] = ["autoencoder", "classifier", "segmentation", "lstm"];
/// In a model module, these mean file IO, the command line or the wiring framework.
const MODEL_MODULE_FORBIDDEN: [(&str, &str); 9] = [
    ("std::fs", "file IO"),
    ("fs::", "file IO"),
    ("File::", "file IO"),
    ("OpenOptions", "file IO"),
    ("write_atomic", "file IO"),
    ("save_png", "file IO"),
    ("image::open", "file IO"),
    ("clap", "the command line (clap)"),
    ("atelier_lecture", "the lecture framework (wiring belongs in src/lecture/)"),
];

/// One broken invariant, at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: PathBuf,
    pub line: usize,
    pub what: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.what)
    }
}

/// A lecture crate: its folder name, crate identifier and lecture name.
#[derive(Debug, Clone)]
struct LectureCrate {
    folder: String,
    /// `atelier_<folder>`, e.g. `atelier_emoji_style`.
    ident: String,
    /// `emoji-style` (its `const ID`).
    id: String,
}

/// `cargo xtask tidy`: prints every violation; an error when there is one.
pub fn run(root: &Path) -> Result<(), String> {
    let violations = check(root)?;
    for v in &violations {
        eprintln!("{v}");
    }
    match violations.len() {
        0 => {
            println!("tidy: the invariants hold ({} lectures)", lectures(root)?.len());
            Ok(())
        }
        n => Err(format!("tidy: {n} violation(s) of the architecture's invariants (ARCHITECTURE.md, \"Invariants\")")),
    }
}

/// Every violation in the workspace at `root`.
pub fn check(root: &Path) -> Result<Vec<Violation>, String> {
    let lectures = lectures(root)?;
    let mut found = Vec::new();
    found.extend(registered(root, &lectures)?);
    for lecture in &lectures {
        found.extend(model_modules(root, lecture)?);
        found.extend(manifest_dependencies(root, lecture, &lectures)?);
    }
    found.extend(shared_crates_import_no_lecture(root, &lectures)?);
    found.extend(names_outside_their_place(root, &lectures)?);
    Ok(found)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The lecture crates: folders of `crates/` with a `src/lecture/mod.rs` naming their `const ID`.
fn lectures(root: &Path) -> Result<Vec<LectureCrate>, String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(root.join("crates")).map_err(|e| e.to_string())? {
        let dir = entry.map_err(|e| e.to_string())?.path();
        let module = dir.join("src/lecture/mod.rs");
        if !module.is_file() {
            continue;
        }
        let text = read(&module)?;
        let id = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("const ID: &'static str = \"").and_then(|r| r.split('"').next()))
            .ok_or_else(|| format!("{}: no `const ID: &'static str = \"…\"`", module.display()))?;
        let folder = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
        found.push(LectureCrate { ident: format!("atelier_{}", folder.replace('-', "_")), folder, id: id.to_string() });
    }
    found.sort_by(|a, b| a.folder.cmp(&b.folder));
    Ok(found)
}

/// Every `.rs` and `Cargo.toml` file under `dir`, skipping build outputs and hidden folders.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !(name.starts_with('.') || name == "target") {
                files.extend(source_files(&path));
            }
        } else if name.ends_with(".rs") || name == "Cargo.toml" {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// 1. Every lecture crate, and every `impl Lecture`, is in the registry and its manifest.
fn registered(root: &Path, lectures: &[LectureCrate]) -> Result<Vec<Violation>, String> {
    let registry = read(&root.join(REGISTRY))?;
    let manifest = read(&root.join(REGISTRY_MANIFEST))?;
    let mut found = Vec::new();
    for lecture in lectures {
        if !registry.contains(&format!("&{}::", lecture.ident)) {
            found.push(Violation {
                path: PathBuf::from(REGISTRY),
                line: 1,
                what: format!("the lecture {} ({}) is not in the registry", lecture.id, lecture.ident),
            });
        }
        if !manifest.contains(&format!("atelier-{}", lecture.folder)) {
            found.push(Violation {
                path: PathBuf::from(REGISTRY_MANIFEST),
                line: 1,
                what: format!("the registry's crate does not depend on atelier-{}", lecture.folder),
            });
        }
    }
    for path in source_files(&root.join("crates")) {
        let text = read(&path)?;
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("impl Lecture for ") {
                let krate =
                    relative(root, &path).components().nth(1).map(|c| c.as_os_str().to_string_lossy().into_owned());
                let ident = format!("atelier_{}", krate.unwrap_or_default().replace('-', "_"));
                if !registry.contains(&format!("&{ident}::")) {
                    found.push(Violation {
                        path: relative(root, &path),
                        line: i + 1,
                        what: format!("a Lecture of {ident} that the registry does not list"),
                    });
                }
            }
        }
    }
    Ok(found)
}

/// 2. A lecture's model modules do no file IO and use neither clap nor the framework; the crate
///    does not depend on clap.
fn model_modules(root: &Path, lecture: &LectureCrate) -> Result<Vec<Violation>, String> {
    let dir = root.join("crates").join(&lecture.folder);
    let mut found = Vec::new();
    let manifest = read(&dir.join("Cargo.toml"))?;
    for (i, line) in manifest.lines().enumerate() {
        if line.trim_start().starts_with("clap") {
            found.push(Violation {
                path: relative(root, &dir.join("Cargo.toml")),
                line: i + 1,
                what: format!("the lecture crate {} depends on clap (flags are declared with #[param])", lecture.id),
            });
        }
    }
    for path in source_files(&dir.join("src")) {
        if path.starts_with(dir.join("src/lecture")) {
            continue;
        }
        let text = read(&path)?;
        for (i, line) in code_lines(&text) {
            if let Some((pattern, what)) = MODEL_MODULE_FORBIDDEN.iter().find(|(p, _)| line.contains(p)) {
                found.push(Violation {
                    path: relative(root, &path),
                    line: i + 1,
                    what: format!("a model module uses {what} (`{pattern}`): that belongs in src/lecture/"),
                });
            }
        }
    }
    Ok(found)
}

/// The dependency names of a manifest (`[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`).
fn dependencies(manifest: &str) -> Vec<(usize, String)> {
    let mut in_dependencies = false;
    let mut found = Vec::new();
    for (i, line) in manifest.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line.ends_with("dependencies]");
            continue;
        }
        if in_dependencies && let Some(name) = line.split(['.', '=', ' ']).next().filter(|n| !n.is_empty()) {
            found.push((i + 1, name.to_string()));
        }
    }
    found
}

/// 3. A lecture depends on no other lecture.
fn manifest_dependencies(root: &Path, lecture: &LectureCrate, all: &[LectureCrate]) -> Result<Vec<Violation>, String> {
    let path = root.join("crates").join(&lecture.folder).join("Cargo.toml");
    let mut found = Vec::new();
    for (line, name) in dependencies(&read(&path)?) {
        if let Some(other) = all.iter().find(|o| o.folder != lecture.folder && name == format!("atelier-{}", o.folder))
        {
            found.push(Violation {
                path: relative(root, &path),
                line,
                what: format!(
                    "the lecture {} depends on the lecture {} (ask the registry instead)",
                    lecture.id, other.id
                ),
            });
        }
    }
    Ok(found)
}

/// 3. A shared crate (every crate but the lectures and the runner) depends on no lecture.
fn shared_crates_import_no_lecture(root: &Path, lectures: &[LectureCrate]) -> Result<Vec<Violation>, String> {
    let mut found = Vec::new();
    let mut manifests = vec![root.join("xtask/Cargo.toml")];
    for entry in fs::read_dir(root.join("crates")).map_err(|e| e.to_string())?.flatten() {
        manifests.push(entry.path().join("Cargo.toml"));
    }
    for path in manifests.into_iter().filter(|p| p.is_file()) {
        let folder = path.parent().and_then(Path::file_name).unwrap_or_default().to_string_lossy().into_owned();
        if folder == "runner" || lectures.iter().any(|l| l.folder == folder) {
            continue;
        }
        for (line, name) in dependencies(&read(&path)?) {
            if let Some(lecture) = lectures.iter().find(|l| name == format!("atelier-{}", l.folder)) {
                found.push(Violation {
                    path: relative(root, &path),
                    line,
                    what: format!("the shared crate {folder} depends on the lecture {}", lecture.id),
                });
            }
        }
    }
    Ok(found)
}

/// The lines of a source file with their comments removed (`//` to the end of the line, outside
/// strings), numbered from 0; a manifest's `#` comments likewise.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let mut in_string = false;
            let mut code = String::new();
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if in_string => {
                        code.push(c);
                        if let Some(escaped) = chars.next() {
                            code.push(escaped);
                        }
                        continue;
                    }
                    '"' => in_string = !in_string,
                    '/' if !in_string && chars.peek() == Some(&'/') => break,
                    '#' if !in_string && line.trim_start().starts_with('#') && !line.trim_start().starts_with("#[") => {
                        break;
                    }
                    _ => {}
                }
                code.push(c);
            }
            (i, code)
        })
        .collect()
}

/// A line of code with its prose removed: string literals with a space in them (messages,
/// descriptions) become `""`; one-word strings (`"gamma"`, `"train"`) stay, as they may name things.
fn without_prose(code: &str) -> String {
    let mut out = String::new();
    let mut literal: Option<String> = None;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match (&mut literal, c) {
            (None, '"') => literal = Some(String::new()),
            (None, _) => out.push(c),
            (Some(text), '\\') => {
                text.push(c);
                text.extend(chars.next());
            }
            (Some(text), '"') => {
                out.push('"');
                if !text.contains(char::is_whitespace) {
                    out.push_str(text);
                }
                out.push('"');
                literal = None;
            }
            (Some(text), _) => text.push(c),
        }
    }
    // A string that goes on past the line is prose if this part of it is.
    if let Some(text) = literal {
        out.push('"');
        if !text.contains(char::is_whitespace) {
            out.push_str(&text);
        }
    }
    out
}

/// Whether `word` occurs in `text` as a whole word (case-insensitive; `-` and `_` join words).
fn has_word(text: &str, word: &str) -> bool {
    let lower = text.to_lowercase();
    let word = word.to_lowercase();
    let is_part = |c: char| c.is_alphanumeric();
    lower.match_indices(&word).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        !before.is_some_and(is_part) && !after.is_some_and(is_part)
    })
}

/// 4. No code outside a lecture's place names it.
fn names_outside_their_place(root: &Path, lectures: &[LectureCrate]) -> Result<Vec<Violation>, String> {
    let allowed = |path: &Path| {
        let rel = relative(root, path);
        rel == Path::new(REGISTRY)
            || rel == Path::new(REGISTRY_MANIFEST)
            || rel == Path::new("Cargo.toml")
            || rel.starts_with("tests")
            || rel.starts_with("docs")
            || rel == Path::new(TIDY)
    };
    let mut files: Vec<PathBuf> = source_files(&root.join("crates"));
    files.extend(source_files(&root.join("xtask")));
    let mut found = Vec::new();
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    for path in files.into_iter().filter(|p| !allowed(p)) {
        texts.insert(path.clone(), read(&path)?);
    }
    for lecture in lectures {
        let place = root.join("crates").join(&lecture.folder);
        let comments_count = !ORDINARY_WORDS.contains(&lecture.id.as_str());
        for (path, text) in texts.iter().filter(|(p, _)| !p.starts_with(&place)) {
            let code = code_lines(text);
            for (i, line) in text.lines().enumerate() {
                let named = if comments_count { line.to_string() } else { without_prose(&code[i].1) };
                if named.contains(&lecture.ident)
                    || named.contains(&format!("atelier-{}", lecture.folder))
                    || has_word(&named, &lecture.id)
                {
                    found.push(Violation {
                        path: relative(root, path),
                        line: i + 1,
                        what: format!(
                            "names the lecture {} outside its place (crates/{}/)",
                            lecture.id, lecture.folder
                        ),
                    });
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
    }

    #[test]
    fn the_workspace_is_tidy() {
        let violations = check(&workspace()).unwrap();
        let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
        assert!(violations.is_empty(), "{} violation(s):\n{}", listed.len(), listed.join("\n"));
    }

    /// Copies the sources tidy reads (manifests, `.rs` files) of the workspace into `dir`.
    fn copy_sources(from: &Path, to: &Path) {
        for file in source_files(&from.join("crates")).into_iter().chain(source_files(&from.join("xtask"))) {
            let target = to.join(relative(from, &file));
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(&file, &target).unwrap();
        }
    }

    fn append(path: &Path, text: &str) {
        let mut content = fs::read_to_string(path).unwrap();
        content.push_str(text);
        fs::write(path, content).unwrap();
    }

    #[test]
    fn every_kind_of_violation_planted_in_a_copy_is_refused() {
        let root = workspace();
        let lectures = lectures(&root).unwrap();
        let (a, b) = (&lectures[0], &lectures[1]);
        let plant = |what: &str, change: &dyn Fn(&Path)| {
            let copy = tempfile::tempdir().unwrap();
            copy_sources(&root, copy.path());
            change(copy.path());
            let found = check(copy.path()).unwrap();
            assert!(!found.is_empty(), "planted {what}: tidy found nothing");
            found
        };
        // A lecture importing another, in its code and in its manifest.
        let found = plant("an import", &|copy| {
            append(
                &copy.join(format!("crates/{}/src/lib.rs", a.folder)),
                &format!("\npub use {}::lecture;\n", b.ident),
            );
        });
        assert!(found.iter().any(|v| v.what.contains(&format!("names the lecture {}", b.id))), "{found:?}");
        let found = plant("a dependency", &|copy| {
            let manifest = copy.join(format!("crates/{}/Cargo.toml", a.folder));
            let text = fs::read_to_string(&manifest).unwrap();
            let text = text.replacen(
                "[dependencies]\n",
                &format!("[dependencies]\natelier-{}.workspace = true\n", b.folder),
                1,
            );
            fs::write(manifest, text).unwrap();
        });
        assert!(found.iter().any(|v| v.what.contains("depends on the lecture")), "{found:?}");
        // File IO and clap in a model module.
        let found = plant("file IO", &|copy| {
            append(
                &copy.join(format!("crates/{}/src/lib.rs", a.folder)),
                "\nfn peek() { let _ = std::fs::read(\"x\"); }\n",
            );
        });
        assert!(found.iter().any(|v| v.what.contains("file IO")), "{found:?}");
        let found = plant("clap", &|copy| {
            let manifest = copy.join(format!("crates/{}/Cargo.toml", a.folder));
            let text = fs::read_to_string(&manifest).unwrap().replacen(
                "[dependencies]\n",
                "[dependencies]\nclap.workspace = true\n",
                1,
            );
            fs::write(manifest, text).unwrap();
        });
        assert!(found.iter().any(|v| v.what.contains("depends on clap")), "{found:?}");
        // A lecture missing from the registry.
        let found = plant("an unregistered lecture", &|copy| {
            let registry = copy.join(REGISTRY);
            let text = fs::read_to_string(&registry).unwrap();
            let kept: Vec<&str> = text.lines().filter(|l| !l.contains(&format!("&{}::", a.ident))).collect();
            fs::write(registry, kept.join("\n")).unwrap();
        });
        assert!(found.iter().any(|v| v.what.contains("not in the registry")), "{found:?}");
        // A lecture named in shared code.
        let found = plant("a name in shared code", &|copy| {
            append(&copy.join("crates/train/src/lib.rs"), &format!("\npub const FAVOURITE: &str = \"{}\";\n", b.id));
        });
        assert!(found.iter().any(|v| v.path.ends_with("crates/train/src/lib.rs")), "{found:?}");
    }

    #[test]
    fn words_and_comments_are_told_apart() {
        assert!(has_word("train gamma --task", "gamma"));
        assert!(has_word("GAMMA's generators", "gamma"));
        assert!(!has_word("gammas", "gamma"));
        assert!(!has_word("the gammalike model", "gamma"));
        assert!(has_word("emoji-evaluator run", "emoji-evaluator"));
        let code = code_lines("let x = \"a // b \\\" c\"; // the gamma\n# a comment\n");
        assert_eq!(code[0].1.trim(), "let x = \"a // b \\\" c\";");
        assert_eq!(code[1].1, "");
        // Ordinary words count in code and one-word strings, not in prose.
        assert_eq!(without_prose("f(\"classifier\", \"a good \\\"classifier\\\"\")"), "f(\"classifier\", \"\")");
        assert_eq!(without_prose("description = \"A variational autoencoder\""), "description = \"\"");
        assert_eq!(without_prose("teaches: \"makes the autoencoder \\"), "teaches: \"");
    }
}
