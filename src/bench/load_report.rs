//! The tables `bench load` prints at the end: every run, and with `--instances 2` the
//! ratio of two instances to one per scenario, with the proxy's own cost beside it.

use super::load::{Figures, ONE, ONE_PROXIED, TWO_PROXIED};

/// One scenario's three setups side by side (requests per second).
#[derive(Debug, PartialEq)]
pub(super) struct Ratio {
    pub backend: &'static str,
    pub scenario: &'static str,
    pub direct: f64,
    pub proxied: f64,
    pub two: f64,
}

impl Ratio {
    /// Two instances behind the proxy over one behind the same proxy: the honest ratio.
    pub fn two_over_one(&self) -> f64 {
        self.two / self.proxied.max(1e-9)
    }

    /// What the proxy costs one instance, as a share of its direct throughput.
    pub fn proxy_cost(&self) -> f64 {
        1.0 - self.proxied / self.direct.max(1e-9)
    }
}

/// The scenarios measured in all three setups, in the order they ran.
pub(super) fn ratios(figures: &[Figures]) -> Vec<Ratio> {
    let rate = |backend: &str, scenario: &str, setup: &str| {
        figures
            .iter()
            .find(|f| f.backend == backend && f.scenario == scenario && f.setup == setup)
            .map(|f| f.requests_per_sec)
    };
    let mut out = Vec::new();
    for f in figures.iter().filter(|f| f.setup == ONE) {
        if let (Some(proxied), Some(two)) = (
            rate(f.backend, f.scenario, ONE_PROXIED),
            rate(f.backend, f.scenario, TWO_PROXIED),
        ) {
            out.push(Ratio {
                backend: f.backend,
                scenario: f.scenario,
                direct: f.requests_per_sec,
                proxied,
                two,
            });
        }
    }
    out
}

pub(super) fn print_tables(figures: &[Figures]) {
    println!(
        "\n| backend | scenario | setup | requests/s | p50 ms | p99 ms | requests | non-2xx | requests per server CPU second |\n|---|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for f in figures {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {} | {:.0} |",
            f.backend,
            f.scenario,
            f.setup,
            f.requests_per_sec,
            f.p50_ms,
            f.p99_ms,
            f.requests,
            f.non_2xx,
            f.requests as f64 / f.server_cpu_secs.max(1e-9)
        );
    }
    let ratios = ratios(figures);
    if ratios.is_empty() {
        return;
    }
    println!(
        "\n| backend | scenario | one instance req/s | one via the proxy | two via the proxy | proxy cost | two / one (both via the proxy) |\n|---|---|---:|---:|---:|---:|---:|"
    );
    for r in &ratios {
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.0} % | {:.2} |",
            r.backend,
            r.scenario,
            r.direct,
            r.proxied,
            r.two,
            r.proxy_cost() * 100.0,
            r.two_over_one()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        backend: &'static str,
        scenario: &'static str,
        setup: &'static str,
        rps: f64,
    ) -> Figures {
        Figures {
            backend,
            scenario,
            setup,
            requests_per_sec: rps,
            p50_ms: 1.0,
            p99_ms: 2.0,
            requests: 10,
            non_2xx: 0,
            socket_errors: 0,
            server_cpu_secs: 1.0,
        }
    }

    #[test]
    fn ratios_pair_the_setups_of_each_scenario_and_backend() {
        let figures = vec![
            run("SQLite", "match", ONE, 200.0),
            run("SQLite", "match", ONE_PROXIED, 190.0),
            run("SQLite", "match", TWO_PROXIED, 171.0),
            run("SQLite", "login", ONE, 40.0),
            run("PostgreSQL", "match", ONE, 100.0),
            run("PostgreSQL", "match", ONE_PROXIED, 80.0),
            run("PostgreSQL", "match", TWO_PROXIED, 120.0),
        ];
        let r = ratios(&figures);
        assert_eq!(r.len(), 2, "login lacks two setups: {r:?}");
        assert_eq!(
            (r[0].backend, r[0].direct, r[0].two),
            ("SQLite", 200.0, 171.0)
        );
        assert!((r[0].two_over_one() - 0.9).abs() < 1e-9);
        assert!((r[0].proxy_cost() - 0.05).abs() < 1e-9);
        assert_eq!(r[1].backend, "PostgreSQL");
        assert!((r[1].two_over_one() - 1.5).abs() < 1e-9);
        assert!((r[1].proxy_cost() - 0.2).abs() < 1e-9);
        assert!(ratios(&figures[3..4]).is_empty());
    }
}
