//! The one place in Atelier that maps `--backend` to a Burn [`Device`].
//!
//! Burn 0.22 picks the backend at run time from the device, so every model, loss and training
//! step is written once and runs on each backend listed here. Architecture invariant: no other
//! crate constructs a `Device` from a backend name.
//!
//! | backend  | what it is                                                            |
//! |----------|-----------------------------------------------------------------------|
//! | `flex`   | Burn's recommended pure-Rust CPU backend (the default: fastest CPU one measured here) |
//! | `ndarray`| the older pure-Rust CPU backend (deprecated upstream, kept for comparison) |
//! | `wgpu`   | GPU through wgpu (Vulkan/Metal/DX12); on a machine without a GPU, Mesa's software Vulkan (`llvmpipe`) |
//! | `cuda`   | NVIDIA GPUs through CUDA, only when built with `--features cuda`      |

use std::fmt;
use std::str::FromStr;

pub use burn::tensor::Device;
use burn::tensor::DeviceKind;

/// A compute backend the user can select with `--backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Flex,
    Ndarray,
    Wgpu,
    #[cfg(feature = "cuda")]
    Cuda,
}

impl Backend {
    /// The backend used when `--backend` is not given: the fastest CPU backend measured on the
    /// reference autoencoder step (see `cargo xtask bench autoencoder`).
    pub const DEFAULT: Backend = Backend::Flex;

    /// Every backend compiled into this build, in the order `backends` lists them.
    pub fn compiled() -> Vec<Backend> {
        vec![
            Backend::Flex,
            Backend::Ndarray,
            Backend::Wgpu,
            #[cfg(feature = "cuda")]
            Backend::Cuda,
        ]
    }

    /// The name used on the command line and in run directories.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::Ndarray => "ndarray",
            Backend::Wgpu => "wgpu",
            #[cfg(feature = "cuda")]
            Backend::Cuda => "cuda",
        }
    }

    /// Whether the backend runs on the host CPU (its random streams match across CPU backends).
    pub fn is_cpu(self) -> bool {
        matches!(self, Backend::Flex | Backend::Ndarray)
    }

    /// The device for this backend, without autodiff. Fails with a clear error when the
    /// backend's hardware is missing (e.g. no Vulkan adapter for `wgpu`).
    pub fn device(self) -> Result<Device, BackendError> {
        let device = self.device_unchecked();
        if !self.is_cpu() {
            // Opening a GPU device that does not exist panics deep inside the runtime; probe it
            // here so the user gets one readable error instead.
            probe_identity(&device).map_err(|reason| BackendError::Unavailable { backend: self, reason })?;
        }
        Ok(device)
    }

    #[allow(deprecated)] // Device::ndarray() is deprecated upstream in favour of flex; we keep it to compare.
    fn device_unchecked(self) -> Device {
        match self {
            Backend::Flex => Device::flex(),
            Backend::Ndarray => Device::ndarray(),
            Backend::Wgpu => Device::wgpu(DeviceKind::DefaultDevice),
            #[cfg(feature = "cuda")]
            Backend::Cuda => Device::cuda(0),
        }
    }

    /// What this backend runs on here: the adapter's name for GPU backends, "host CPU" otherwise.
    pub fn describe(self) -> BackendInfo {
        let device_name = if self.is_cpu() {
            let threads = atelier_core::threads::cpu_threads();
            Ok(format!("host CPU ({threads} thread{})", if threads == 1 { "" } else { "s" }))
        } else {
            probe_identity(&self.device_unchecked())
        };
        BackendInfo { backend: self, device_name }
    }
}

/// Opens a GPU device and returns its name, turning the runtime's panic into an error. The answer
/// is cached per process: the panic hook is swapped only once, not by every caller (tests run in
/// parallel threads).
fn probe_identity(device: &Device) -> Result<String, String> {
    static PROBES: std::sync::Mutex<Vec<(String, Result<String, String>)>> = std::sync::Mutex::new(Vec::new());
    let key = format!("{device:?}");
    let mut probes = PROBES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, answer)) = probes.iter().find(|(k, _)| *k == key) {
        return answer.clone();
    }
    let target = device.clone();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // keep the runtime's panic message off the terminal
    let result = std::panic::catch_unwind(move || target.identity());
    std::panic::set_hook(previous_hook);
    let answer = match result {
        Ok(Some(identity)) => Ok(identity.name),
        Ok(None) => Ok("unknown device".to_string()),
        Err(payload) => Err(panic_message(payload.as_ref())),
    };
    probes.push((key, answer.clone()));
    answer
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the runtime failed to open the device".to_string());
    format!("{text} (on Linux, a Vulkan driver is needed: `apt-get install mesa-vulkan-drivers` gives a software one)")
}

/// Whether the test suites must exercise wgpu, read from `ATELIER_WGPU_TEST` (the same shape as
/// the report's `ATELIER_BROWSER_TEST`):
///
/// | value      | meaning                                                                 |
/// |------------|-------------------------------------------------------------------------|
/// | `required` | a missing adapter fails the tests (CI sets this: `.ci/run` installs Mesa) |
/// | `skip`     | wgpu is skipped on purpose (e.g. a laptop without Vulkan drivers)         |
/// | unset      | wgpu runs when an adapter exists, and the skip is printed otherwise       |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WgpuTestPolicy {
    Required,
    Skip,
    IfAvailable,
}

/// The environment variable [`WgpuTestPolicy`] is read from.
pub const WGPU_TEST_VARIABLE: &str = "ATELIER_WGPU_TEST";

impl WgpuTestPolicy {
    /// The policy this process runs under. Any other value than `required`/`skip` is a mistake
    /// worth stopping for, not a silent default.
    pub fn from_env() -> WgpuTestPolicy {
        match std::env::var(WGPU_TEST_VARIABLE).as_deref() {
            Err(_) | Ok("") => WgpuTestPolicy::IfAvailable,
            Ok("required") => WgpuTestPolicy::Required,
            Ok("skip") => WgpuTestPolicy::Skip,
            Ok(other) => panic!("{WGPU_TEST_VARIABLE}={other:?} is not one of `required`, `skip` (or unset)"),
        }
    }

    /// Decides whether a wgpu test runs, given whether an adapter was found (`Err` says why not):
    /// `true` runs it, `false` skips it with the reason printed, and a required-but-absent
    /// adapter panics with that reason, so CI fails.
    pub fn runs(self, adapter: Result<(), String>, what: &str) -> bool {
        match (self, adapter) {
            (WgpuTestPolicy::Skip, _) => {
                eprintln!("SKIPPED {what}: {WGPU_TEST_VARIABLE}=skip");
                false
            }
            (_, Ok(())) => true,
            (WgpuTestPolicy::IfAvailable, Err(why)) => {
                eprintln!("SKIPPED {what}: {why}");
                false
            }
            (WgpuTestPolicy::Required, Err(why)) => {
                panic!("{WGPU_TEST_VARIABLE}=required but wgpu has no adapter: {why}")
            }
        }
    }
}

/// The backends the test suites stamp every core check out for: `flex` and `ndarray` always,
/// `wgpu` as [`WgpuTestPolicy`] says (when an adapter exists, by default; Mesa's `llvmpipe`
/// counts). When wgpu is skipped, the reason is printed, so a green run never hides that the GPU
/// path went untested; under `ATELIER_WGPU_TEST=required` a missing adapter fails instead.
pub fn test_backends() -> Vec<(Backend, Device)> {
    let mut backends: Vec<(Backend, Device)> = [Backend::Flex, Backend::Ndarray]
        .into_iter()
        .map(|b| (b, b.device().expect("CPU backends always open")))
        .collect();
    let policy = WgpuTestPolicy::from_env();
    if policy == WgpuTestPolicy::Skip {
        policy.runs(Ok(()), "wgpu");
        return backends;
    }
    match Backend::Wgpu.device() {
        Ok(device) => backends.push((Backend::Wgpu, device)),
        Err(err) => {
            policy.runs(Err(err.to_string()), "wgpu");
        }
    }
    backends
}

/// The Burn version this workspace pins (checked against Cargo.lock by a test).
pub const BURN_VERSION: &str = "0.22.1";

/// A backend and the device it found on this machine.
#[derive(Debug, Clone)]
pub struct BackendInfo {
    pub backend: Backend,
    /// The device's name, or why it could not be opened.
    pub device_name: Result<String, String>,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = BackendError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::compiled().into_iter().find(|b| b.name() == s).ok_or_else(|| BackendError::Unknown(s.to_string()))
    }
}

/// Why a backend cannot be used.
#[derive(Debug, Clone)]
pub enum BackendError {
    /// The name is not a backend of this build.
    Unknown(String),
    /// The backend is compiled in but its device cannot be opened here.
    Unavailable { backend: Backend, reason: String },
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendError::Unknown(name) => {
                let names: Vec<_> = Backend::compiled().iter().map(|b| b.name()).collect();
                write!(f, "unknown backend '{name}': this build has {}", names.join(", "))?;
                if name == "cuda" {
                    write!(f, " (cuda needs a build with `--features cuda`)")?;
                }
                Ok(())
            }
            BackendError::Unavailable { backend, reason } => {
                write!(f, "backend '{backend}' is not available on this machine: {reason}")
            }
        }
    }
}

impl std::error::Error for BackendError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for backend in Backend::compiled() {
            assert_eq!(backend.name().parse::<Backend>().unwrap(), backend);
        }
    }

    #[test]
    fn a_required_wgpu_without_an_adapter_fails_and_the_others_decide_quietly() {
        let absent = || Err("no Vulkan adapter".to_string());
        assert!(WgpuTestPolicy::Required.runs(Ok(()), "t"));
        assert!(WgpuTestPolicy::IfAvailable.runs(Ok(()), "t"));
        assert!(!WgpuTestPolicy::IfAvailable.runs(absent(), "t"));
        assert!(!WgpuTestPolicy::Skip.runs(Ok(()), "t"));
        let failure = std::panic::catch_unwind(|| WgpuTestPolicy::Required.runs(absent(), "t")).unwrap_err();
        let text = failure.downcast_ref::<String>().unwrap();
        assert!(text.contains("ATELIER_WGPU_TEST=required") && text.contains("no Vulkan adapter"), "{text}");
    }

    #[test]
    fn unknown_backend_is_a_clear_error() {
        let err = "tpu".parse::<Backend>().unwrap_err().to_string();
        assert!(err.contains("unknown backend 'tpu'"), "{err}");
        assert!(err.contains("flex, ndarray, wgpu"), "{err}");
    }

    #[test]
    fn pinned_burn_version_matches_the_lock_file() {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
        assert!(
            lock.contains(&format!("name = \"burn\"\nversion = \"{BURN_VERSION}\"")),
            "Cargo.lock pins another burn"
        );
    }

    #[test]
    fn cpu_backends_open_and_compute() {
        for backend in [Backend::Flex, Backend::Ndarray] {
            let device = backend.device().unwrap();
            let t = burn::tensor::Tensor::<1>::from_floats([1.0, 2.0, 3.0], &device);
            assert_eq!(t.sum().into_scalar::<f32>(), 6.0, "{backend}");
        }
    }
}

/// `--backend NAME` on every command: parsed here, the one place that knows which backends this
/// build has, so `--backend cuda` without CUDA is the same error everywhere (no list of choices:
/// clap would refuse `cuda` with its own words).
impl atelier_core::params::ParamValue for Backend {
    fn parse(text: &str) -> Result<Self, String> {
        text.parse().map_err(|e: BackendError| e.to_string())
    }

    fn show(&self) -> String {
        self.name().to_string()
    }
}
