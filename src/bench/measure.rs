//! What the benchmarks read about themselves: latency percentiles, CPU time (of a thread,
//! of this process, of a child), resident memory, the load average, the encoder's cache.

use std::time::Duration;

use crate::matching::engine::semantic;

/// Latency percentiles in milliseconds.
#[derive(Debug)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
}

pub fn percentiles(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(i)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    Latency {
        p50: at(0.5),
        p99: at(0.99),
    }
}

/// Mean in milliseconds.
pub fn mean(samples: &[Duration]) -> f64 {
    samples.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / samples.len().max(1) as f64
}

/// A `/proc/self/status` figure in kB (`VmRSS`, `VmHWM`), as MiB.
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

pub fn resident_mib() -> Option<f64> {
    status_mib("VmRSS:")
}

pub fn peak_resident_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// CPU time of the calling thread (`/proc/thread-self/schedstat`: nanoseconds on a core).
/// On a machine shared with other work, wall time includes waiting for a core; CPU time
/// is what the work costs one core.
pub fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// User + system CPU clock ticks (1/100 s) of a process (`/proc/PID/stat`; `self` for
/// this one), every thread counted, also those that ended.
pub fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// CPU time of the whole process so far.
pub fn process_cpu() -> Duration {
    Duration::from_millis(cpu_ticks("self").unwrap_or(0) * 10)
}

/// User + system CPU seconds of process `pid`.
pub fn cpu_secs(pid: u32) -> Option<f64> {
    Some(cpu_ticks(&pid.to_string())? as f64 / 100.0)
}

/// `/proc/loadavg`'s first three figures.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}

/// Hit rate of the encoder's per-piece cache since `before` (from [`cache_now`]).
pub fn hit_rate(before: (u64, u64)) -> f64 {
    let Ok(enc) = semantic::encoder() else {
        return 0.0;
    };
    let (h, m) = enc.cache_stats();
    let (h, m) = (h - before.0, m - before.1);
    100.0 * h as f64 / (h + m).max(1) as f64
}

pub fn cache_now() -> (u64, u64) {
    semantic::encoder().map_or((0, 0), |e| e.cache_stats())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_ranked_samples() {
        let samples: Vec<Duration> = (1..=101).rev().map(Duration::from_millis).collect();
        let l = percentiles(samples);
        assert_eq!((l.p50, l.p99), (51.0, 100.0));
        assert_eq!(percentiles(Vec::new()).p50, 0.0);
    }

    #[test]
    fn this_process_has_used_some_cpu() {
        assert!(cpu_ticks("self").is_some());
        assert!(cpu_secs(std::process::id()).is_some());
    }
}
