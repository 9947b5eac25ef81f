//! A run's `config.json`: the backend, the data, the loop's settings and the lecture's own
//! configuration under `model`, tagged with the lecture's name (`"name": ID`).
//!
//! The runner reads every run's file the same way; only the lecture named in it knows its
//! `model` section, which keeps the key order its config struct declares ([`Ordered`]).

use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_data::DataRecord;
use atelier_train::TrainConfig;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ordered::Ordered;

/// The key of the lecture's name in the `model` section.
pub const NAME_KEY: &str = "name";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// `flex`, `ndarray`, `wgpu` or `cuda`.
    pub backend: String,
    /// The data folder given with `--data-dir` (None: the usual search order; `embedded`: the mini set).
    pub data_dir: Option<PathBuf>,
    /// The data the run trains on, recorded by `train` (folder or embedded set, each file's size and
    /// MD5; or what generates it); `--resume` and `--config` refuse data that differs. None until recorded.
    #[serde(default)]
    pub data: Option<DataRecord>,
    pub train: TrainConfig,
    /// The lecture's configuration, `"name"` first.
    pub model: Ordered,
}

impl RunConfig {
    /// A fresh run's config: the default backend, no data yet.
    pub fn new<C: Serialize>(lecture: &str, train: TrainConfig, model: &C) -> Result<Self, String> {
        Ok(Self {
            backend: Backend::DEFAULT.name().to_string(),
            data_dir: None,
            data: None,
            train,
            model: tagged(lecture, model)?,
        })
    }

    /// Reads a `config.json`.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not a valid run config: {e}", path.display()))
    }

    /// The lecture that wrote it (`model.name`).
    pub fn lecture(&self) -> Result<&str, String> {
        self.model
            .get(NAME_KEY)
            .and_then(Ordered::as_str)
            .ok_or_else(|| "the config names no model (model.name)".into())
    }

    /// The `model` section as the lecture's config type.
    pub fn model<C: DeserializeOwned>(&self) -> Result<C, String> {
        let mut value = self.model.to_value();
        if let Some(object) = value.as_object_mut() {
            object.remove(NAME_KEY);
        }
        serde_json::from_value(value).map_err(|e| format!("not a valid {} config: {e}", self.lecture().unwrap_or("?")))
    }

    /// Replaces the `model` section with `config`, tagged with the lecture's name.
    pub fn set_model<C: Serialize>(&mut self, lecture: &str, config: &C) -> Result<(), String> {
        self.model = tagged(lecture, config)?;
        Ok(())
    }

    /// The backend it records.
    pub fn backend(&self) -> Result<Backend, String> {
        self.backend.parse().map_err(|e: atelier_backend::BackendError| e.to_string())
    }
}

/// `{"name": lecture, …config's fields in order}`.
fn tagged<C: Serialize>(lecture: &str, config: &C) -> Result<Ordered, String> {
    let mut entries = vec![(NAME_KEY.to_string(), Ordered::String(lecture.to_string()))];
    match Ordered::of(config)? {
        Ordered::Object(fields) => entries.extend(fields),
        other => return Err(format!("a lecture's config must be a JSON object, not {other:?}")),
    }
    Ok(Ordered::Object(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Model {
        latent: usize,
        learning_rate: f64,
    }

    #[test]
    fn the_model_section_is_tagged_in_order_and_read_back_strictly() {
        let config = RunConfig::new("toy", TrainConfig::default(), &Model { latent: 8, learning_rate: 1e-3 }).unwrap();
        let text = serde_json::to_string_pretty(&config).unwrap();
        let model_at = text.find("\"model\"").unwrap();
        let order: Vec<usize> =
            ["\"name\": \"toy\"", "\"latent\": 8", "\"learning_rate\""].iter().map(|k| text.find(k).unwrap()).collect();
        assert!(model_at < order[0] && order[0] < order[1] && order[1] < order[2], "{text}");
        let back: RunConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back.lecture(), Ok("toy"));
        assert_eq!(back.model::<Model>().unwrap(), Model { latent: 8, learning_rate: 1e-3 });
        let unknown = text.replace("\"latent\"", "\"latnet\"");
        let err = serde_json::from_str::<RunConfig>(&unknown).unwrap().model::<Model>().unwrap_err();
        assert!(err.contains("unknown field `latnet`"), "{err}");
        assert!(serde_json::from_str::<RunConfig>(&text.replace("\"backend\"", "\"backnd\"")).is_err());
    }
}
