//! Where the time and memory of a run go: with `DAY2_TIMINGS` set, each step
//! prints one line on stderr (time since the first step, time of the step,
//! resident and peak memory). Off, a step costs one load of a flag.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

struct Clock {
    first: Instant,
    last: Mutex<Instant>,
    /// Processor time of the process at the last step.
    cpu: Mutex<f64>,
}

fn clock() -> Option<&'static Clock> {
    static CLOCK: OnceLock<Option<Clock>> = OnceLock::new();
    CLOCK
        .get_or_init(|| {
            std::env::var_os("DAY2_TIMINGS").map(|_| {
                let now = Instant::now();
                Clock {
                    first: now,
                    last: Mutex::new(now),
                    cpu: Mutex::new(cpu_seconds()),
                }
            })
        })
        .as_ref()
}

/// Whether steps are reported.
pub fn enabled() -> bool {
    clock().is_some()
}

/// Report the end of a step.
pub fn mark(step: &str) {
    let Some(c) = clock() else {
        return;
    };
    let now = Instant::now();
    let took = c
        .last
        .lock()
        .map(|mut last| now.duration_since(std::mem::replace(&mut *last, now)))
        .unwrap_or_default();
    let (rss, peak) = memory_kib();
    let cpu = cpu_seconds();
    let cpu_took = c
        .cpu
        .lock()
        .map(|mut last| cpu - std::mem::replace(&mut *last, cpu))
        .unwrap_or_default();
    eprintln!(
        "[day2 timings] {:7.3}s  +{:6.3}s  cpu +{:6.3}s  rss {:5} MiB  peak {:5} MiB  {step}",
        now.duration_since(c.first).as_secs_f64(),
        took.as_secs_f64(),
        cpu_took,
        rss / 1024,
        peak / 1024
    );
}

/// Processor time (user and system) the process has used, in seconds (zero
/// where /proc is missing).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at state;
    // utime and stime are the 14th and 15th fields, in clock ticks.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let mut fields = rest.split_whitespace().skip(11);
    let mut tick = || {
        fields
            .next()
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let ticks = tick() + tick();
    // The kernel reports in USER_HZ, which is 100 on Linux.
    ticks as f64 / 100.0
}

/// Resident and peak resident memory of the process in KiB (zeros where /proc is missing).
fn memory_kib() -> (u64, u64) {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return (0, 0);
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
