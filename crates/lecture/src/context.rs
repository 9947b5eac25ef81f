//! What a lecture's train, eval and verbs get besides their own settings: the registry, through
//! which another lecture's run or the frozen evaluator comes back without an import.

use std::path::{Path, PathBuf};

use burn::prelude::*;

use crate::capability::{Companion, FrozenNet, LatentPaths, PairedTranslations};
use crate::registry::Registry;

pub struct Context<'a> {
    pub registry: &'a Registry,
    /// Other runs typed beside an evaluated one, each under the flag its lecture offers it with.
    pub companions: Vec<(Companion, PathBuf)>,
}

impl<'a> Context<'a> {
    pub fn new(registry: &'a Registry) -> Self {
        Self { registry, companions: Vec::new() }
    }

    /// The run typed for a kind of companion (`--<id> RUN`), if any.
    pub fn companion(&self, kind: Companion) -> Option<&Path> {
        self.companions.iter().find(|(k, _)| *k == kind).map(|(_, path)| path.as_path())
    }

    /// The flag under which a lecture of the registry offers its runs as `kind`.
    pub fn companion_flag(&self, kind: Companion) -> Option<&'static str> {
        self.registry.all().iter().flat_map(|l| l.companions()).find(|c| c.kind == kind).map(|c| c.flag)
    }

    /// A classifier rebuilt from its config (a lecture's `model` section, tagged with the lecture's
    /// name or, as an evaluator's card keeps it, untagged) and its weights, by the lecture that
    /// trains such classifiers.
    pub fn frozen_net(
        &self,
        model: &serde_json::Value,
        weights: Vec<u8>,
        device: &Device,
    ) -> Result<Box<dyn FrozenNet>, String> {
        let named = model.get(crate::run_config::NAME_KEY).and_then(|n| n.as_str());
        let candidates: Vec<&dyn crate::AnyLecture> = match named {
            Some(name) => {
                vec![self.registry.get(name).ok_or_else(|| format!("no lecture {name:?} trains this network"))?]
            }
            None => self.registry.all().to_vec(),
        };
        candidates
            .into_iter()
            .find_map(|lecture| lecture.frozen_net(model, weights.clone(), device))
            .unwrap_or_else(|| Err("no lecture of this build rebuilds this network".into()))
    }

    /// The test translations of the run at `path` (a paired translator's), its data found through
    /// `data_dir` or the usual search order.
    pub fn paired_translations(
        &self,
        path: &Path,
        data_dir: Option<&Path>,
        device: &Device,
    ) -> Result<PairedTranslations, String> {
        let (lecture, flag) = self.registry.companion(Companion::PairedTranslations, path)?;
        lecture.paired_translations(path, data_dir, device).unwrap_or_else(|| Err(format!("--{flag}: not supported")))
    }

    /// The code space of the run at `path` (a deterministic autoencoder's).
    pub fn latent_paths(&self, path: &Path, device: &Device) -> Result<Box<dyn LatentPaths>, String> {
        let (lecture, flag) = self.registry.companion(Companion::LatentPaths, path)?;
        lecture.latent_paths(path, device).unwrap_or_else(|| Err(format!("--{flag}: not supported")))
    }
}
