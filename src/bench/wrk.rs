//! Running wrk (pinned to core 1) with the line-driven script, and reading its report.

use std::path::Path;
use std::process::{Command, Stdio};

use super::load::{Figures, Options};
use super::load_server::pinned;

/// The same line-driven script for every scenario: each data line is
/// `METHOD<TAB>PATH<TAB>TOKEN or -<TAB>BODY or -`; `{n}` in a body becomes the run's tag
/// and a request counter, so every run writes new attendees.
pub(super) const SCRIPT: &str = r#"
local lines, i, n, tag = {}, 0, 0, ""
function init(args)
  tag = args[2]
  for l in io.lines(args[1]) do
    local m, p, t, b = l:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    lines[#lines + 1] = {m, p, t, b}
  end
end
function request()
  i = i % #lines + 1
  n = n + 1
  local r = lines[i]
  local headers = {}
  local body = nil
  if r[3] ~= "-" then headers["Authorization"] = "Bearer " .. r[3] end
  if r[4] ~= "-" then
    headers["Content-Type"] = "application/json"
    body = (r[4]:gsub("{n}", tag .. n))
  end
  return wrk.format(r[1], r[2], headers, body)
end
"#;

const HOW_TO_INSTALL: &str = "; bench load drives the server with wrk: install it with `sudo apt-get install wrk` (the Debian and Ubuntu package `wrk`), or name another wrk with --wrk PATH";

/// Fail early, before minutes of seeding, when `program` cannot be run.
pub(super) fn check_wrk(program: &str) -> anyhow::Result<()> {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|_| ())
        .map_err(|e| anyhow::anyhow!("cannot run `{program}` ({e}){HOW_TO_INSTALL}"))
}

pub(super) fn wrk(
    opts: &Options,
    script: &Path,
    data: &Path,
    base: &str,
    secs: u64,
    tag: &str,
) -> anyhow::Result<Figures> {
    let output = pinned(1, &opts.wrk)
        .args([
            "-t1",
            &format!("-c{}", opts.connections),
            &format!("-d{secs}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(base)
        .arg("--")
        .arg(data)
        .arg(tag)
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}{}", opts.wrk, HOW_TO_INSTALL))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    anyhow::ensure!(output.status.success(), "wrk failed: {text}");
    parse_wrk(&text).ok_or_else(|| anyhow::anyhow!("unexpected wrk output:\n{text}"))
}

/// Milliseconds from wrk's `1.23ms`, `456.00us` or `1.02s`.
fn duration_ms(s: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (s.strip_suffix('s')?, 1000.0)
    };
    Some(number.parse::<f64>().ok()? * factor)
}

fn parse_wrk(text: &str) -> Option<Figures> {
    let mut f = Figures {
        backend: "",
        scenario: "",
        setup: "",
        requests_per_sec: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        requests: 0,
        non_2xx: 0,
        socket_errors: 0,
        server_cpu_secs: 0.0,
    };
    let mut seen = 0;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => (f.p50_ms, seen) = (duration_ms(v)?, seen + 1),
            ["99%", v] => (f.p99_ms, seen) = (duration_ms(v)?, seen + 1),
            ["Requests/sec:", v] => (f.requests_per_sec, seen) = (v.parse().ok()?, seen + 1),
            [n, "requests", "in", ..] => (f.requests, seen) = (n.parse().ok()?, seen + 1),
            ["Non-2xx", "or", "3xx", "responses:", n] => f.non_2xx = n.parse().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                f.socket_errors = rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum()
            }
            _ => {}
        }
    }
    (seen == 4).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let out = "Running 15s test @ http://127.0.0.1:1\n  1 threads and 16 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     2.10ms  500.00us  20.00ms   90.00%\n  Latency Distribution\n     50%  850.00us\n     75%    2.00ms\n     90%    3.00ms\n     99%    1.20s\n  30000 requests in 15.00s, 10.00MB read\n  Socket errors: connect 0, read 1, write 0, timeout 2\n  Non-2xx or 3xx responses: 12\nRequests/sec:   2000.50\nTransfer/sec:    682.67KB\n";
        let f = parse_wrk(out).unwrap();
        assert_eq!(f.p50_ms, 0.85);
        assert_eq!(f.p99_ms, 1200.0);
        assert_eq!(f.requests, 30000);
        assert_eq!((f.non_2xx, f.socket_errors), (12, 3));
        assert_eq!(f.requests_per_sec, 2000.5);
        assert!(parse_wrk("wrk: connection refused").is_none());
    }

    #[test]
    fn a_missing_wrk_says_how_to_install_it() {
        let e = check_wrk("/nonexistent/wrk").unwrap_err().to_string();
        assert!(e.contains("apt-get install wrk"), "{e}");
        assert!(e.contains("--wrk"), "{e}");
        // Any program that runs passes (wrk itself exits 1 on --version).
        check_wrk("false").unwrap();
    }
}
