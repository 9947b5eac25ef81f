//! `bench ops`: the primitives of the lectures' training steps, timed one by one at the lectures'
//! shapes (batch 128 by default) — forward, and forward + backward (the input and weight
//! gradients) — on one backend, and with `--reference pytorch` the same ops in PyTorch in the same
//! sitting. The ratio per op says which primitive owns a model's gap; the table is small and
//! standalone enough to report upstream as it is.
//!
//! Each timed repetition ends by reading one number back from the device (a sum of the output or
//! of the gradients), so asynchronous backends are timed to completion.
//!
//! The convolution, transposed-convolution and batch-norm rows run twice on flex: through our
//! kernels (`atelier_kernels`, the default) and through Burn's own ops (`ATELIER_KERNELS=burn`),
//! alternating round by round, so the table is the before/after of the kernels in one sitting.

use std::process::Command;
use std::time::Instant;

use atelier_backend::Backend;
use atelier_cli::{BenchOpsArgs, Reference};
use atelier_kernels::{ConvKernel, Kernels, NormKernel};
use atelier_layers::blocks::{doubling_deconv, halving_conv};
use atelier_lecture::bench::finish;
use atelier_lecture::{Op, OpCall, Pass, Registry};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNormConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::Distribution;
use serde::{Deserialize, Serialize};

use crate::bench_all::PYTORCH_SCRIPT;

/// The shared ops, in the order the lectures meet them (names shared with the PyTorch script); the
/// lectures' own ops (a recurrent cell's step) follow, in the course's order.
pub const OPS: [&str; 8] = [
    "conv4x4s2_1to32_28",
    "conv4x4s2_32to64_14",
    "conv3x3_32to64_14",
    "conv3x3_32to32_64_b32",
    "deconv4x4s2_64to32_7",
    "deconv4x4s2_128to64_7",
    "matmul_3136x128",
    "batchnorm_64_14",
];

/// Whether an op runs through our kernels (so it is also timed through Burn's).
fn has_kernel(op: &str) -> bool {
    op.starts_with("conv") || op.starts_with("deconv") || op.starts_with("batchnorm")
}

/// One op's timings in milliseconds per call.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OpTiming {
    op: String,
    backend: String,
    forward_ms: f64,
    forward_backward_ms: f64,
}

pub fn run(args: &BenchOpsArgs, registry: &Registry) -> Result<(), String> {
    let backend = match args.bench.backend.as_slice() {
        [] => Backend::Flex,
        [one] => *one,
        _ => return Err("bench ops measures one --backend at a time".into()),
    };
    if args.bench.steps == 0 || args.bench.batch_size == 0 {
        return Err("--steps and --batch-size must be at least 1".into());
    }
    let device = backend.device().map_err(|e| e.to_string())?;
    let threads = atelier_core::threads::cpu_threads();
    eprintln!(
        "bench ops on {backend} ({threads} CPU threads), batch {}, {} timed calls each",
        args.bench.batch_size, args.bench.steps
    );
    let mut ours = Vec::new();
    let mut burns = Vec::new();
    for name in OPS {
        let prepare_with = |kernels| move |n: usize, device: &Device, pass| prepare(name, n, device, pass, kernels);
        let time = |kernels, label| {
            time_op(name, label, prepare_with(kernels), &device, args).map_err(|e| format!("{name}: {e}"))
        };
        if has_kernel(name) {
            // Alternate ours and Burn's, so that drift in the machine's speed hits both.
            burns.push(time(Kernels::Burn, "burn")?);
        }
        ours.push(time(Kernels::Ours, "ours")?);
    }
    let lectures: Vec<Op> = registry.all().iter().filter_map(|l| l.bench_info()).flat_map(|info| info.ops).collect();
    for op in lectures {
        ours.push(time_op(op.name, "ours", op.prepare, &device, args).map_err(|e| format!("{}: {e}", op.name))?);
    }
    let reference = match args.reference.reference {
        Some(Reference::Pytorch) => pytorch(args, threads)?,
        None => Vec::new(),
    };
    if args.bench.json {
        for t in ours.iter().chain(&burns).chain(&reference) {
            println!("{}", serde_json::to_string(t).map_err(|e| e.to_string())?);
        }
        return Ok(());
    }
    println!(
        "{:<24} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>7} {:>7}",
        "op (ms per call)", "ours fwd", "ours f+b", "Burn fwd", "Burn f+b", "PyT fwd", "PyT f+b", "fwd ×", "f+b ×"
    );
    for t in &ours {
        let r = reference.iter().find(|r| r.op == t.op);
        let b = burns.iter().find(|b| b.op == t.op);
        let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
        let ratio = |a: Option<f64>, b: f64| a.map_or_else(String::new, |a| format!("{:.2}", a / b));
        println!(
            "{:<24} {:>10.3} {:>10.3} {:>10} {:>10} {:>10} {:>10} {:>7} {:>7}",
            t.op,
            t.forward_ms,
            t.forward_backward_ms,
            cell(b.map(|b| b.forward_ms)),
            cell(b.map(|b| b.forward_backward_ms)),
            cell(r.map(|r| r.forward_ms)),
            cell(r.map(|r| r.forward_backward_ms)),
            ratio(r.map(|r| r.forward_ms), t.forward_ms),
            ratio(r.map(|r| r.forward_backward_ms), t.forward_backward_ms),
        );
    }
    println!(
        "ours = atelier_kernels on flex (the default); Burn = Burn's own ops (ATELIER_KERNELS=burn); — = no such row."
    );
    if !reference.is_empty() {
        println!("× = PyTorch time / ours: above 1, ours is faster; 0.25 = ours takes 4× as long.");
    }
    Ok(())
}

/// Times one op: forward on the plain device, forward + backward on the autodiff device.
fn time_op(
    op: &str,
    label: &str,
    prepare: impl Fn(usize, &Device, Pass) -> Result<OpCall, String>,
    device: &Device,
    args: &BenchOpsArgs,
) -> Result<OpTiming, String> {
    let n = args.bench.batch_size;
    let forward = timed(args, prepare(n, &device.clone(), Pass::Forward)?)?;
    let forward_backward = timed(args, prepare(n, &device.clone().autodiff(), Pass::ForwardBackward)?)?;
    Ok(OpTiming {
        op: op.to_string(),
        backend: label.into(),
        forward_ms: forward,
        forward_backward_ms: forward_backward,
    })
}

/// Milliseconds per call of `f`, after the warm-up calls.
fn timed(args: &BenchOpsArgs, mut f: impl FnMut() -> Result<f32, String>) -> Result<f64, String> {
    for _ in 0..args.bench.warmup {
        f()?;
    }
    let start = Instant::now();
    for _ in 0..args.bench.steps {
        f()?;
    }
    Ok(start.elapsed().as_secs_f64() * 1000.0 / args.bench.steps as f64)
}

/// Builds the op's module and input once (a training step holds them already) and returns the
/// call to time: the op on the input, then (backward pass) the gradients, and one number read back.
fn prepare(op: &str, n: usize, device: &Device, pass: Pass, kernels: Kernels) -> Result<OpCall, String> {
    let normal = |shape: [usize; 4]| {
        let x = Tensor::<4>::random(shape, Distribution::Normal(0.0, 1.0), device);
        if pass == Pass::ForwardBackward { x.require_grad() } else { x }
    };
    Ok(match op {
        "conv4x4s2_1to32_28" => {
            let (conv, x) = (halving_conv([1, 32], device), normal([n, 1, 28, 28]));
            Box::new(move || finish(conv.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        "conv4x4s2_32to64_14" => {
            let (conv, x) = (halving_conv([32, 64], device), normal([n, 32, 14, 14]));
            Box::new(move || finish(conv.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        // U-Net's first level at 64×64 (the U-Nets'), batch 32 whatever --batch-size says.
        "conv3x3_32to32_64_b32" => {
            let (conv, x) = (same_size_conv([32, 32], device), normal([32, 32, 64, 64]));
            Box::new(move || finish(conv.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        "conv3x3_32to64_14" => {
            let (conv, x) = (same_size_conv([32, 64], device), normal([n, 32, 14, 14]));
            Box::new(move || finish(conv.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        "deconv4x4s2_64to32_7" => {
            let (deconv, x) = (doubling_deconv([64, 32], device), normal([n, 64, 7, 7]));
            Box::new(move || finish(deconv.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        "deconv4x4s2_128to64_7" => {
            let (deconv, x) = (doubling_deconv([128, 64], device), normal([n, 128, 7, 7]));
            Box::new(move || finish(deconv.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        "matmul_3136x128" => {
            // [n, 3136]·[3136, 128]: the classifier's and the autoencoder's dense layers.
            let a = normal([1, 1, n, 3136]);
            let b = Tensor::<2>::random([3136, 128], Distribution::Normal(0.0, 0.02), device);
            let b = if pass == Pass::ForwardBackward { b.require_grad() } else { b };
            Box::new(move || {
                let product = a.clone().reshape([n, 3136]).matmul(b.clone()); // [n, 128]
                finish(product.sum(), a.clone(), pass)
            })
        }
        "batchnorm_64_14" => {
            let (norm, x) = (BatchNormConfig::new(64).init(device), normal([n, 64, 14, 14]));
            Box::new(move || finish(norm.apply_with(kernels, x.clone()).sum(), x.clone(), pass))
        }
        other => return Err(format!("unknown op {other}")),
    })
}

/// A 3×3 convolution keeping the side (padding 1): `channels` = `[in, out]`.
fn same_size_conv(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)).init(device)
}

/// The PyTorch script's `ops` mode, same batch, calls and threads.
fn pytorch(args: &BenchOpsArgs, threads: usize) -> Result<Vec<OpTiming>, String> {
    let python = args.reference.interpreter();
    let output = Command::new(&python)
        .arg(atelier_lecture::repo::root().join(PYTORCH_SCRIPT))
        .arg("ops")
        .args(["--batch", &args.bench.batch_size.to_string(), "--threads", &threads.to_string()])
        .args(["--warmup", &args.bench.warmup.to_string(), "--steps", &args.bench.steps.to_string()])
        .output()
        .map_err(|e| {
            format!("cannot start {}: {e} (--python, or ATELIER_PYTHON, names a Python with PyTorch)", python.display())
        })?;
    if !output.status.success() {
        return Err(format!("the PyTorch reference failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("unreadable PyTorch result {l:?}: {e}")))
        .collect()
}
