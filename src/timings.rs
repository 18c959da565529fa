//! Phase timings on stderr when `IAMCHAIN_TIMINGS` is set: where a large
//! run spends its time (read, load, rules, graph, output), without a
//! profiler. Off by default, and then each mark costs one branch. The
//! lines are printed when the stopwatch is dropped, not at each mark: a
//! write to the terminal takes a tenth of a millisecond, which the next
//! phase would otherwise count as its own.

use std::time::Instant;

/// A stopwatch over the phases of one run.
pub struct Phases {
    start: Instant,
    last: Instant,
    on: bool,
    lines: String,
}

impl Phases {
    /// Start timing; prints only if `IAMCHAIN_TIMINGS` is set.
    pub fn start() -> Self {
        let now = Instant::now();
        Phases {
            start: now,
            last: now,
            on: std::env::var_os("IAMCHAIN_TIMINGS").is_some(),
            lines: String::new(),
        }
    }

    /// End the phase called `name`: print its duration and the total so far.
    pub fn mark(&mut self, name: &str) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        self.lines += &format!(
            "iamchain: {name:<16} {:>8.2} ms  (total {:>8.2} ms)\n",
            (now - self.last).as_secs_f64() * 1e3,
            (now - self.start).as_secs_f64() * 1e3
        );
        self.last = now;
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        if !self.lines.is_empty() {
            eprint!("{}", self.lines);
        }
    }
}
