//! `eval`, the same for every lecture: open the run (it must be one of this lecture's), take the
//! flags, score the latest checkpoint with the lecture's `eval`, print the table, write `eval.json`.

use std::path::PathBuf;

use atelier_core::params::Typed;

use crate::context::Context;
use crate::flags::run_and_backend;
use crate::lecture::Lecture;
use crate::open_run::OpenRun;
use crate::verb::parse_args;

pub fn run<L: Lecture>(lecture: &L, mut typed: Typed, ctx: &Context) -> Result<Vec<(String, f64)>, String> {
    let (path, backend) = run_and_backend(&mut typed)?;
    let data_dir: Option<PathBuf> = typed.take_one("data-dir")?;
    // Other runs drawn beside this one, under the flags their lectures offer them with.
    let mut companions = Vec::new();
    for provider in ctx.registry.all() {
        for offered in provider.companions().into_iter().filter(|c| lecture.accepts().contains(&c.kind)) {
            if let Some(path) = typed.take_one::<PathBuf>(offered.flag)? {
                companions.push((offered.kind, path));
            }
        }
    }
    let args: L::EvalArgs = parse_args(&typed)?;
    let run = OpenRun::<L::Config>::open(&path, L::ID, backend)?;
    let ctx = Context { registry: ctx.registry, companions };
    let data_dir = run.data_dir(data_dir.as_deref());
    // The data scored is the data the run trained on (names, sizes, MD5s), wherever it is found
    // from: a relative folder read from another place, or another dataset, is refused.
    let found = lecture.locate(&run.config, data_dir.as_deref())?.record;
    if let Some(recorded) = &run.recorded.data {
        atelier_data::record::check_same_data(recorded, &found).map_err(|mismatch| {
            format!(
                "{}: eval would score other data than the run trained on ({mismatch}\n  give --data-dir with the \
                 recorded data)",
                run.dir.path().display()
            )
        })?;
    }
    let entries = lecture.eval(&run, &args, data_dir.as_deref(), &ctx)?;
    let record = serde_json::to_value(run.recorded.data.as_ref().unwrap_or(&found)).map_err(|e| e.to_string())?;
    run.dir.write_eval_with_data(&entries, record).map_err(|e| e.to_string())?;
    println!("{:<40} {:>12}", "metric", "value");
    for (name, value) in &entries {
        println!("{name:<40} {value:>12.4}");
    }
    println!("wrote {}", run.dir.eval_path().display());
    Ok(entries)
}
