//! A lecture's own commands (`segment`, `search`, `cluster`): each takes `--run` (a run of the
//! lecture) and `--backend`, which the runner handles, and flags of its own, declared once on an
//! argument struct (`#[derive(Params)]`).

use atelier_core::params::{ParamInfo, Params, Typed, apply_all};

use crate::context::Context;
use crate::lecture::Lecture;
use crate::open_run::OpenRun;

type Handler<L> =
    Box<dyn Fn(&L, &OpenRun<<L as Lecture>::Config>, &Typed, &Context) -> Result<(), String> + Send + Sync>;

pub struct Verb<L: Lecture> {
    pub name: &'static str,
    /// One line of `--help`.
    pub about: &'static str,
    /// Its own flags.
    pub params: Vec<ParamInfo>,
    handler: Handler<L>,
}

impl<L: Lecture> Verb<L> {
    /// A verb whose flags are the fields of `A`, run by `run` on the opened run.
    pub fn new<A: Params + Default + 'static>(
        name: &'static str,
        about: &'static str,
        run: fn(&L, &OpenRun<L::Config>, &A, &Context) -> Result<(), String>,
    ) -> Self {
        let handler: Handler<L> = Box::new(move |lecture, opened, typed, ctx| {
            let args = parse_args::<A>(typed)?;
            run(lecture, opened, &args, ctx)
        });
        Verb { name, about, params: A::params(), handler }
    }

    /// Runs the verb with the flags typed (those of [`Verb::params`]).
    pub fn run(&self, lecture: &L, run: &OpenRun<L::Config>, typed: &Typed, ctx: &Context) -> Result<(), String> {
        (self.handler)(lecture, run, typed, ctx)
    }
}

/// An argument struct from its defaults and the flags typed; a required flag missing is an error.
pub fn parse_args<A: Params + Default>(typed: &Typed) -> Result<A, String> {
    let mut args = A::default();
    apply_all(&mut args, typed)?;
    if let Some(missing) = A::params().iter().find(|p| p.required && !typed.has(p.flag)) {
        return Err(format!("--{} is required", missing.flag));
    }
    Ok(args)
}
