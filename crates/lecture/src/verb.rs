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
    /// `--help`'s default of each of them that has one.
    pub defaults: Vec<(&'static str, String)>,
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
        Verb { name, about, params: A::params(), defaults: crate::flags::defaults_of::<A>(), handler }
    }

    /// Runs the verb with the flags typed (those of [`Verb::params`]).
    pub fn run(&self, lecture: &L, run: &OpenRun<L::Config>, typed: &Typed, ctx: &Context) -> Result<(), String> {
        (self.handler)(lecture, run, typed, ctx)
    }
}

type CommandHandler<L> = Box<dyn Fn(&L, &Typed, &Context) -> Result<(), String> + Send + Sync>;

/// A lecture's command that works on no run of its own (a sweep: one run per seed): a
/// top-level command with one subcommand per lecture that offers it.
pub struct LectureCommand<L: Lecture> {
    pub name: &'static str,
    /// One line of `--help`.
    pub about: &'static str,
    pub params: Vec<ParamInfo>,
    pub defaults: Vec<(&'static str, String)>,
    handler: CommandHandler<L>,
}

impl<L: Lecture> LectureCommand<L> {
    /// A command whose flags are the fields of `A`.
    pub fn new<A: Params + Default + 'static>(
        name: &'static str,
        about: &'static str,
        run: fn(&L, &A, &Context) -> Result<(), String>,
    ) -> Self {
        let handler: CommandHandler<L> =
            Box::new(move |lecture, typed, ctx| run(lecture, &parse_args::<A>(typed)?, ctx));
        LectureCommand { name, about, params: A::params(), defaults: crate::flags::defaults_of::<A>(), handler }
    }

    /// Runs it with the flags typed (and the registry's capabilities, as a verb gets them).
    pub fn run(&self, lecture: &L, typed: &Typed, ctx: &Context) -> Result<(), String> {
        (self.handler)(lecture, typed, ctx)
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
