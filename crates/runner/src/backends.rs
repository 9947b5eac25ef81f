//! `backends`: what this build can run on, and the device each backend finds here.

use atelier_backend::Backend;

pub fn run() -> Result<(), String> {
    println!("{:<8} {:<10} device", "backend", "status");
    for backend in Backend::compiled() {
        let info = backend.describe();
        let default = if backend == Backend::DEFAULT { " (default)" } else { "" };
        match info.device_name {
            Ok(name) => println!("{:<8} {:<10} {name}{default}", backend.name(), "available"),
            Err(reason) => println!("{:<8} {:<10} {reason}", backend.name(), "missing"),
        }
    }
    if !cfg!(feature = "cuda") {
        println!("cuda     not built  (build with `--features cuda` on a machine with the CUDA toolkit)");
    }
    Ok(())
}
