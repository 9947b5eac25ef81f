//! The lectures the runner knows, in the course's order: the one list that `train`, `eval`,
//! `bench`, `demo`, `report`, the extra verbs and `--help` iterate.

use std::path::Path;

use atelier_core::course::CourseEntry;
use atelier_core::params::{ParamInfo, Params};
use atelier_core::run_dir::RunDir;
use atelier_derive::Params;

use crate::any::{AnyLecture, VerbInfo};
use crate::capability::Companion;
use crate::flags::RunBackend;
use crate::open_run::article;
use crate::run_config::RunConfig;

pub struct Registry {
    lectures: Vec<&'static dyn AnyLecture>,
}

impl Registry {
    /// The lectures in the course's order (instruments, which the course does not teach, after).
    ///
    /// # Panics
    /// When two lectures share a name: the registry is written once, by hand, and a test builds it.
    pub fn new(lectures: Vec<&'static dyn AnyLecture>) -> Self {
        for (i, a) in lectures.iter().enumerate() {
            assert!(lectures[i + 1..].iter().all(|b| b.id() != a.id()), "the lecture {} is registered twice", a.id());
        }
        Self { lectures }
    }

    /// Every lecture, in order.
    pub fn all(&self) -> &[&'static dyn AnyLecture] {
        &self.lectures
    }

    /// The lecture named `id`.
    pub fn get(&self, id: &str) -> Option<&'static dyn AnyLecture> {
        self.lectures.iter().copied().find(|l| l.id() == id)
    }

    /// The course's entries, in order (instruments have none).
    pub fn course(&self) -> Vec<CourseEntry> {
        self.lectures.iter().filter_map(|l| l.course()).collect()
    }

    /// The lecture that wrote the run at `path` (its `config.json`'s `model.name`).
    pub fn of_run(&self, path: &Path) -> Result<&'static dyn AnyLecture, String> {
        let run = RunDir::open(path).map_err(|e| e.to_string())?;
        let config = RunConfig::load(&run.config_path())?;
        let name = config.lecture()?;
        self.get(name).ok_or_else(|| format!("{}: a {name} run, which this build does not know", path.display()))
    }

    /// The lecture that wrote the run at `path`, which must offer `kind` to other evaluations
    /// (with the flag it offers it under); else an error naming the run and what it should be.
    pub fn companion(&self, kind: Companion, path: &Path) -> Result<(&'static dyn AnyLecture, &'static str), String> {
        let providers: Vec<(&'static dyn AnyLecture, &'static str)> = self
            .lectures
            .iter()
            .flat_map(|l| l.companions().into_iter().filter(|c| c.kind == kind).map(move |c| (*l, c.flag)))
            .collect();
        let flag = providers.first().map_or("?", |(_, flag)| *flag);
        let lecture = self.of_run(path).map_err(|e| format!("--{flag} {}: {e}", path.display()))?;
        match providers.iter().find(|(l, _)| l.id() == lecture.id()) {
            Some(found) => Ok(*found),
            None => {
                let wanted: Vec<String> =
                    providers.iter().map(|(l, _)| format!("{} {} run", article(l.id()), l.id())).collect();
                Err(format!(
                    "--{flag} {}: {} {} run, not {}",
                    path.display(),
                    article(lecture.id()),
                    lecture.id(),
                    wanted.join(" or ")
                ))
            }
        }
    }

    /// The lectures whose runs offer a capability (`translate`: those with a translator), by name.
    pub fn names_where(&self, offers: impl Fn(&dyn AnyLecture) -> bool) -> Vec<&'static str> {
        self.lectures.iter().filter(|l| offers(**l)).map(|l| l.id()).collect()
    }

    /// The flags under which other lectures offer the runs this lecture's `eval` can draw beside its own.
    pub fn companion_flags(&self, lecture: &dyn AnyLecture) -> Vec<ParamInfo> {
        #[derive(Default, Params)]
        struct CompanionRun {
            /// A companion run.
            #[param(value_name = "RUN_DIR")]
            run: Option<std::path::PathBuf>,
        }
        let template = CompanionRun::params().remove(0);
        self.lectures
            .iter()
            .flat_map(|provider| provider.companions())
            .filter(|offered| lecture.accepts().contains(&offered.kind))
            .map(|offered| ParamInfo {
                flag: offered.flag,
                field: offered.flag,
                help: offered.help,
                ..template.clone()
            })
            .collect()
    }

    /// The lectures' own verbs, each once (flags of a verb two lectures share are merged).
    pub fn verbs(&self) -> Vec<VerbLine> {
        let mut verbs: Vec<VerbLine> = Vec::new();
        for verb in self.lectures.iter().flat_map(|l| l.verbs()) {
            match verbs.iter_mut().find(|(name, _, _, _)| *name == verb.name) {
                Some((_, _, params, defaults)) => {
                    params.extend(verb.params);
                    defaults.extend(verb.defaults);
                }
                None => {
                    let mut params = RunBackend::params();
                    params.extend(verb.params);
                    verbs.push((verb.name, verb.about, params, verb.defaults));
                }
            }
        }
        verbs
    }

    /// The lectures' commands that work on no run, by name, each with the lectures that offer it.
    pub fn commands(&self) -> Vec<(&'static str, Vec<(&'static str, VerbInfo)>)> {
        let mut commands: Vec<(&'static str, Vec<(&'static str, VerbInfo)>)> = Vec::new();
        for lecture in &self.lectures {
            for command in lecture.commands() {
                match commands.iter_mut().find(|(name, _)| *name == command.name) {
                    Some((_, offering)) => offering.push((lecture.id(), command)),
                    None => commands.push((command.name, vec![(lecture.id(), command)])),
                }
            }
        }
        commands
    }
}

/// A verb of the lectures as the command line lists it: name, help, flags (the run and backend
/// first), defaults.
pub type VerbLine = (&'static str, &'static str, Vec<ParamInfo>, Vec<(&'static str, String)>);
