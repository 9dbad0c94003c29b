//! Convergence with the number of agents: the headline outcomes of the baseline at several
//! sizes over several seeds, against the largest size. The smallest size whose mean stays
//! within a stated tolerance of the largest size's, at that size and every larger one, is
//! the documented minimum (`mindmill_config::MIN_CONVERGED_WORKERS`).
//!
//! The tolerances are fixed here before any result is seen and are not changed to make a
//! size pass: they are what a user comparing scenarios would call the same answer.

use mindmill_config::Config;
use mindmill_model::{Simulation, Table};

use crate::ValidateError;

/// How a tolerance is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// |mean - reference| at most this.
    Absolute(f64),
    /// |mean / reference - 1| at most this.
    Relative(f64),
}

impl Tolerance {
    /// Whether `value` is within the tolerance of `reference`.
    pub fn holds(self, value: f64, reference: f64) -> bool {
        match self {
            Tolerance::Absolute(t) => (value - reference).abs() <= t,
            Tolerance::Relative(t) => reference != 0.0 && (value / reference - 1.0).abs() <= t,
        }
    }

    fn describe(self) -> String {
        match self {
            Tolerance::Absolute(t) => format!("± {t}"),
            Tolerance::Relative(t) => format!("± {:.0}%", 100.0 * t),
        }
    }
}

/// One headline outcome: its name, how it is read from the aggregates table, and its tolerance.
pub struct Outcome {
    /// Column-like name used in the Parquet output.
    pub name: &'static str,
    /// What it is, for the report.
    pub label: &'static str,
    /// The tolerance against the largest size.
    pub tolerance: Tolerance,
    read: fn(&Table) -> f64,
}

fn last12(t: &Table, c: &str) -> f64 {
    let v = t.f64s(c);
    let tail = &v[v.len().saturating_sub(12)..];
    tail.iter().sum::<f64>() / tail.len().max(1) as f64
}

fn last(t: &Table, c: &str) -> f64 {
    *t.f64s(c).last().unwrap_or(&f64::NAN)
}

/// The headline outcomes (issue 13): unemployment, the labour share, tier wages, automation,
/// providers' cash flow.
pub const OUTCOMES: [Outcome; 6] = [
    Outcome {
        name: "unemployment_rate_last_year",
        label: "unemployment rate, mean of the last 12 months",
        tolerance: Tolerance::Absolute(0.01),
        read: |t| last12(t, "unemployment_rate"),
    },
    Outcome {
        name: "labour_share_last_year",
        label: "labour share, mean of the last 12 months",
        tolerance: Tolerance::Absolute(0.01),
        read: |t| last12(t, "labour_share"),
    },
    Outcome {
        name: "automation_share_a_end",
        label: "tier A automation share, last month",
        tolerance: Tolerance::Absolute(0.03),
        read: |t| last(t, "automation_share_a"),
    },
    Outcome {
        name: "real_wage_a_last_year",
        label: "tier A real wage (USD/month at 2025 prices), last 12 months",
        tolerance: Tolerance::Relative(0.03),
        read: |t| last12(t, "real_wage_a_usd_month_start_prices"),
    },
    Outcome {
        name: "real_wage_c_last_year",
        label: "tier C real wage (USD/month at 2025 prices), last 12 months",
        tolerance: Tolerance::Relative(0.03),
        read: |t| last12(t, "real_wage_c_usd_month_start_prices"),
    },
    Outcome {
        name: "provider_cash_flow_end_bn",
        label: "providers' cumulative cash flow, last month (bn USD)",
        tolerance: Tolerance::Relative(0.10),
        read: |t| last(t, "provider_cumulative_cash_flow_usd") / 1e9,
    },
];

/// What the study runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker agents per run, ascending; the last is the reference.
    pub sizes: Vec<u64>,
    /// Seeds per size, consecutive from `first_seed`.
    pub seeds: u64,
    /// First seed.
    pub first_seed: u64,
    /// Horizon in years; None keeps the baseline's.
    pub years: Option<u32>,
}

/// One run's outcomes.
#[derive(Debug, Clone)]
pub struct Row {
    /// Worker agents.
    pub workers: u64,
    /// Seed.
    pub seed: u64,
    /// Values in the order of [`OUTCOMES`].
    pub values: [f64; OUTCOMES.len()],
}

/// Runs the baseline at every size and seed, calling `progress(done, total)`.
pub fn run(base: &Config, opts: &Options, mut progress: impl FnMut(usize, usize)) -> Result<Vec<Row>, ValidateError> {
    let total = opts.sizes.len() * opts.seeds as usize;
    let mut rows = Vec::with_capacity(total);
    for &w in &opts.sizes {
        for s in 0..opts.seeds {
            let mut c = base.clone();
            c.set_workers(w);
            c.run.seed = opts.first_seed + s;
            if let Some(y) = opts.years {
                c.run.years = y;
            }
            let mut sim = Simulation::new(c, 0);
            sim.run(|_| {}).map_err(|source| ValidateError::Run {
                name: format!("baseline at {w} workers"),
                seed: opts.first_seed + s,
                source,
            })?;
            let agg = sim.tables()[0];
            rows.push(Row { workers: w, seed: opts.first_seed + s, values: OUTCOMES.map(|o| (o.read)(agg)) });
            progress(rows.len(), total);
        }
    }
    Ok(rows)
}

/// Mean and sample standard deviation over seeds of each outcome at one size.
#[derive(Debug, Clone)]
pub struct SizeSummary {
    /// Worker agents.
    pub workers: u64,
    /// Means, in the order of [`OUTCOMES`].
    pub mean: [f64; OUTCOMES.len()],
    /// Standard deviations across seeds.
    pub sd: [f64; OUTCOMES.len()],
    /// Whether each mean is within its tolerance of the reference's.
    pub within: [bool; OUTCOMES.len()],
}

/// Summaries by size (ascending) and the documented minimum: the smallest size that, with
/// every larger size, is within tolerance on every outcome (None if only the reference is).
pub fn summarise(rows: &[Row]) -> (Vec<SizeSummary>, Option<u64>) {
    let mut sizes: Vec<u64> = rows.iter().map(|r| r.workers).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut out: Vec<SizeSummary> = sizes
        .iter()
        .map(|&w| {
            let vals: Vec<&Row> = rows.iter().filter(|r| r.workers == w).collect();
            let n = vals.len() as f64;
            let mean: [f64; OUTCOMES.len()] =
                std::array::from_fn(|k| vals.iter().map(|r| r.values[k]).sum::<f64>() / n);
            let sd = std::array::from_fn(|k| {
                if vals.len() < 2 {
                    return 0.0;
                }
                (vals.iter().map(|r| (r.values[k] - mean[k]).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            });
            SizeSummary { workers: w, mean, sd, within: [false; OUTCOMES.len()] }
        })
        .collect();
    let Some(reference) = out.last().map(|s| s.mean) else { return (out, None) };
    for s in out.iter_mut() {
        s.within = std::array::from_fn(|k| OUTCOMES[k].tolerance.holds(s.mean[k], reference[k]));
    }
    let mut minimum = None;
    for s in out.iter().rev() {
        if s.within.iter().all(|w| *w) {
            minimum = Some(s.workers);
        } else {
            break;
        }
    }
    // The reference alone is not a finding.
    if minimum == out.last().map(|s| s.workers) {
        minimum = None;
    }
    (out, minimum)
}

/// The Markdown section of docs/VALIDATION.md.
pub fn markdown(
    summary: &[SizeSummary],
    minimum: Option<u64>,
    documented: u64,
    command: &str,
    opts: &Options,
) -> String {
    let mut s = String::from("\n## Convergence with the number of agents\n\n");
    s.push_str(&format!(
        "The baseline at each size over {} seeds (from {}), from `{command}`. Each cell is the mean over seeds \
         and, in brackets, the standard deviation across seeds; a size is within tolerance when every mean is \
         within the stated tolerance of the largest size's (tolerances fixed in \
         crates/mindmill-validate/src/convergence.rs before any result was seen). Per run in `convergence.parquet`.\n\n",
        opts.seeds, opts.first_seed
    ));
    s.push_str("| outcome | tolerance |");
    for z in summary {
        s.push_str(&format!(" {} workers |", z.workers));
    }
    s.push_str("\n|---|---|");
    for _ in summary {
        s.push_str("---|");
    }
    s.push('\n');
    for (k, o) in OUTCOMES.iter().enumerate() {
        s.push_str(&format!("| {} | {} |", o.label, o.tolerance.describe()));
        for z in summary {
            let mark = if z.within[k] { "" } else { " **x**" };
            s.push_str(&format!(" {} ({}){mark} |", fmt(z.mean[k]), fmt(z.sd[k])));
        }
        s.push('\n');
    }
    s.push_str("\n**x**: outside the tolerance of the largest size.\n\n");
    match minimum {
        Some(m) => s.push_str(&format!("Smallest size within tolerance at every larger size: **{m} workers**. ")),
        None => s.push_str("No size below the largest is within tolerance on every outcome. "),
    }
    if minimum == Some(documented) {
        s.push_str(&format!(
            "The documented minimum (`MIN_CONVERGED_WORKERS` = {documented}) agrees: `mindmill run` and \
             `mindmill sweep` warn below it.\n"
        ));
    } else {
        s.push_str(&format!(
            "The documented minimum in code (`MIN_CONVERGED_WORKERS` = {documented}, below which `mindmill run` and \
             `mindmill sweep` warn) does **not** match this study; update it with the study.\n"
        ));
    }
    s
}

fn fmt(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Tidy Parquet table: one row per run and outcome.
pub fn table(rows: &[Row]) -> Table {
    let mut t = Table::new("convergence");
    for r in rows {
        for (k, o) in OUTCOMES.iter().enumerate() {
            t.i64("workers", r.workers as i64);
            t.i64("seed", r.seed as i64);
            t.str("outcome", o.name);
            t.f64("value", r.values[k]);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(workers: u64, seed: u64, u: f64) -> Row {
        Row { workers, seed, values: [u, 0.6, 0.7, 5000.0, 9000.0, -800.0] }
    }

    #[test]
    fn the_minimum_is_the_smallest_size_within_tolerance_at_every_larger_size() {
        // 1,000 is close by chance but 10,000 is not: the minimum is 100,000, not 1,000.
        let rows = vec![row(1000, 1, 0.051), row(10000, 1, 0.09), row(100000, 1, 0.055), row(1000000, 1, 0.05)];
        let (s, m) = summarise(&rows);
        assert_eq!(s.len(), 4);
        assert_eq!(m, Some(100000));
        assert!(s[0].within[0] && !s[1].within[0] && s[2].within[0]);
        // Nothing within tolerance below the reference: no minimum.
        let rows = vec![row(1000, 1, 0.2), row(1000000, 1, 0.05)];
        assert_eq!(summarise(&rows).1, None);
    }

    #[test]
    fn tolerances_are_absolute_or_relative() {
        assert!(Tolerance::Absolute(0.01).holds(0.055, 0.05));
        assert!(!Tolerance::Absolute(0.01).holds(0.065, 0.05));
        assert!(Tolerance::Relative(0.1).holds(-850.0, -800.0));
        assert!(!Tolerance::Relative(0.1).holds(-900.0, -800.0));
    }

    #[test]
    fn a_small_study_runs_and_reports() {
        let opts = Options { sizes: vec![1000, 2000], seeds: 2, first_seed: 1, years: Some(2) };
        let rows = run(&Config::baseline(), &opts, |_, _| {}).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.values.iter().all(|v| v.is_finite())), "{rows:?}");
        let (s, m) = summarise(&rows);
        let md = markdown(&s, m, 100_000, "test", &opts);
        assert!(md.contains("| 2000 workers |") && md.contains("labour share"));
        assert_eq!(table(&rows).rows(), 4 * OUTCOMES.len());
    }
}
