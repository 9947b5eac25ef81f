//! Where a convolution's time goes, part by part, ours beside flex's own (the measurements behind
//! the choice of formulation per part in `atelier_kernels::extension`, docs/speed.md):
//!
//! `cargo run --example parts -- conv|transposed|gemm` (2 threads by default; `RAYON_NUM_THREADS`)
//!
//! `conv`: output, input gradient and weight gradient of the lectures' convolutions; `transposed`:
//! the same for their transposed convolutions; `gemm`: flex's GEMM alone at the shapes they make.
//! Inputs are fixed arithmetic patterns (no RNG); three rounds each, the last printed.

use atelier_kernels::{ConvGeometry, ConvTransposeGeometry};
use burn::prelude::*;
use burn::tensor::Distribution;
use std::time::Instant;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("conv") => {
            conv_parts([128, 1, 28, 28], 32, 4, 2, 1);
            conv_parts([128, 32, 14, 14], 64, 4, 2, 1);
            conv_parts([128, 64, 14, 14], 64, 3, 1, 1);
            conv_parts([32, 32, 64, 64], 32, 3, 1, 1);
        }
        Some("transposed") => {
            transposed_parts([128, 64, 7, 7], 32, 4, 2, 1);
            transposed_parts([128, 128, 7, 7], 64, 4, 2, 1);
            transposed_parts([128, 32, 14, 14], 1, 4, 2, 1);
            transposed_parts([32, 64, 16, 16], 32, 2, 2, 0);
        }
        Some("gemm") => gemm(),
        _ => eprintln!("usage: parts conv|transposed|gemm"),
    }
}

/// A fixed arithmetic pattern in [−0.5, 0.5) of the given shape.
fn pattern(shape: Vec<usize>) -> burn::backend::flex::FlexTensor {
    let n: usize = shape.iter().product();
    let values: Vec<f32> = (0..n).map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5).collect();
    burn::backend::flex::FlexTensor::from_data(burn::tensor::TensorData::new(values, shape))
}

fn conv_parts(shape: [usize; 4], c_out: usize, k: usize, s: usize, p: usize) {
    use atelier_kernels::cpu::conv;
    use burn::backend::Flex;
    use burn::backend::ops::ModuleOps;
    use burn::tensor::ops::ConvOptions;
    let r = pattern;
    let x = r(shape.to_vec());
    let w = r(vec![c_out, shape[1], k, k]);
    let g = ConvGeometry::symmetric([s, s], [p, p], [1, 1]);
    let ho = g.out_size(0, shape[2], k).unwrap();
    let wo = g.out_size(1, shape[3], k).unwrap();
    let dy = r(vec![shape[0], c_out, ho, wo]);
    let opts = ConvOptions::new([s, s], [p, p], [1, 1], 1);
    for round in 0..3 {
        let t = Instant::now();
        let _ = conv::conv2d(&x, &w, None, g);
        let a = t.elapsed();
        let t = Instant::now();
        let _ = Flex::conv2d(x.clone(), w.clone(), None, opts.clone());
        let b = t.elapsed();
        let t = Instant::now();
        let _ = conv::conv2d_backward(&x, &w, g, &dy, [true, false, false]);
        let c = t.elapsed();
        let t = Instant::now();
        let _ = Flex::conv2d_x_backward(x.clone(), w.clone(), dy.clone(), opts.clone());
        let d = t.elapsed();
        let t = Instant::now();
        let _ = conv::conv2d_backward(&x, &w, g, &dy, [false, true, false]);
        let e = t.elapsed();
        let t = Instant::now();
        let _ = Flex::conv2d_weight_backward(x.clone(), w.clone(), dy.clone(), opts.clone());
        let f = t.elapsed();
        if round == 2 {
            println!(
                "{shape:?}->{c_out} k{k} s{s}: fwd ours {a:?} flex {b:?} | dx ours {c:?} flex {d:?} | dw ours {e:?} flex {f:?}"
            );
        }
    }
}

fn transposed_parts(shape: [usize; 4], c_out: usize, k: usize, s: usize, p: usize) {
    use atelier_kernels::cpu::conv;
    use burn::backend::Flex;
    use burn::backend::ops::ModuleOps;
    use burn::tensor::ops::ConvTransposeOptions;
    let r = pattern;
    let x = r(shape.to_vec());
    let w = r(vec![shape[1], c_out, k, k]);
    let g = ConvTransposeGeometry { stride: [s, s], padding: [p, p], padding_out: [0, 0], dilation: [1, 1] };
    let ho = g.out_size(0, shape[2], k).unwrap();
    let wo = g.out_size(1, shape[3], k).unwrap();
    let dy = r(vec![shape[0], c_out, ho, wo]);
    let opts = ConvTransposeOptions::new([s, s], [p, p], [0, 0], [1, 1], 1);
    for round in 0..3 {
        let t = Instant::now();
        let _ = conv::conv_transpose2d(&x, &w, None, g);
        let a = t.elapsed();
        let t = Instant::now();
        let _ = Flex::conv_transpose2d(x.clone(), w.clone(), None, opts.clone());
        let b = t.elapsed();
        let t = Instant::now();
        let _ = conv::conv_transpose2d_backward(&x, &w, g, &dy, [true, false, false]);
        let c = t.elapsed();
        let t = Instant::now();
        let _ = Flex::conv_transpose2d_x_backward(w.clone(), dy.clone(), opts.clone());
        let d = t.elapsed();
        let t = Instant::now();
        let _ = conv::conv_transpose2d_backward(&x, &w, g, &dy, [false, true, false]);
        let e = t.elapsed();
        let t = Instant::now();
        let _ = Flex::conv_transpose2d_weight_backward(x.clone(), w.clone(), dy.clone(), opts.clone());
        let f = t.elapsed();
        if round == 2 {
            println!(
                "transposed {shape:?}->{c_out} k{k} s{s}: fwd ours {a:?} flex {b:?} | dx ours {c:?} flex {d:?} | dw ours {e:?} flex {f:?}"
            );
        }
    }
}

fn gemm() {
    let dev = Device::flex();
    for (m, k, n) in [(64usize, 576usize, 25088usize), (25088, 576, 64), (25088, 64, 576), (576, 25088, 64)] {
        let a = Tensor::<2>::random([m, k], Distribution::Normal(0.0, 1.0), &dev);
        let b = Tensor::<2>::random([k, n], Distribution::Normal(0.0, 1.0), &dev);
        for round in 0..3 {
            let t = Instant::now();
            let c = a.clone().matmul(b.clone());
            let _ = c.slice([0..1, 0..1]).into_scalar::<f32>();
            if round == 2 {
                let gflops = 2.0 * (m * k * n) as f64 / t.elapsed().as_secs_f64() / 1e9;
                println!("gemm [{m}, {k}]·[{k}, {n}]: {:?} ({gflops:.0} GFLOP/s)", t.elapsed());
            }
        }
    }
}
