//! Progress display: a live bar on a terminal (loss, images/s, ETA), plain lines otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often plain-line progress is printed when stderr is not a terminal.
const PLAIN_LINE_INTERVAL: Duration = Duration::from_secs(10);

pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    last_line: Instant,
    started: Instant,
}

impl Progress {
    pub fn new(total_steps: u64, first_step: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total_steps);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} steps  {msg}  ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_position(first_step);
            bar
        });
        Self { bar, total: total_steps, last_line: Instant::now(), started: Instant::now() }
    }

    /// Shows the latest running values.
    pub fn update(&mut self, step: u64, epoch: u64, summary: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(step);
                bar.set_message(format!("epoch {epoch}  {summary}"));
            }
            None => {
                if self.last_line.elapsed() >= PLAIN_LINE_INTERVAL || step == self.total {
                    eprintln!("step {step}/{}  epoch {epoch}  {summary}", self.total);
                    self.last_line = Instant::now();
                }
            }
        }
    }

    /// Prints a line above the bar (epoch summaries).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}
