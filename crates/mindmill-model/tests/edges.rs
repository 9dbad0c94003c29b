//! Valid means runnable, at the edges: every numeric config field is pushed to extreme
//! values; each value the validator accepts is run (small and short, every check on), and
//! must finish or stop with a clear error: never a panic, never a non-finite output. The
//! normal suite tries a deterministic subset of the fields; `MINDMILL_EDGES=all` tries all.
//! `MINDMILL_EDGES_TRACE=1` prints each value before its run, to find one that kills the
//! process (an out-of-memory kill cannot be caught).

use mindmill_config::Config;
use mindmill_model::{Simulation, Values};

/// Peak resident memory allowed over all the runs, MB: a small run of any accepted config
/// must stay small (0.1 MW datacenter sites once took 3 GB; see docs/ROBUSTNESS.md).
const MEMORY_BUDGET_MB: f64 = 1024.0;

/// Candidate extremes tried for every numeric field (the validator keeps what it allows).
const CANDIDATES: [f64; 10] = [0.0, 1e-9, 0.01, 0.5, 0.999, 1.0, 12.0, 1e3, 1e6, 1e9];

/// Every numeric leaf of `v`, as a path of keys and indices.
fn leaves(v: &toml::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(format!("[{i}]"));
                leaves(x, path, out);
                path.pop();
            }
        }
        toml::Value::Integer(_) | toml::Value::Float(_) => out.push(path.clone()),
        _ => {}
    }
}

fn set(v: &mut toml::Value, path: &[String], x: f64) {
    let mut cur = v;
    for k in path {
        cur = match k.strip_prefix('[').and_then(|k| k.strip_suffix(']')) {
            Some(i) => &mut cur.as_array_mut().unwrap()[i.parse::<usize>().unwrap()],
            None => cur.as_table_mut().unwrap().get_mut(k).unwrap(),
        };
    }
    *cur = match cur {
        toml::Value::Integer(_) => toml::Value::Integer(x.round() as i64),
        _ => toml::Value::Float(x),
    };
}

fn small() -> Config {
    let mut c = Config::baseline();
    c.set_workers(400);
    c.run.years = 2;
    c.run.sample_workers = 20;
    c
}

/// What the trials found: each value the validator accepts is run and classified.
#[derive(Default)]
struct Trials {
    tried: usize,
    accepted: usize,
    ran: usize,
    stops: Vec<String>,
    panics: Vec<String>,
    non_finite: Vec<String>,
}

impl Trials {
    /// Loads `v` as a config; when the validator accepts it, runs it and records how it ended.
    fn attempt(&mut self, v: &toml::Value, key: &str) {
        self.tried += 1;
        let Ok(text) = toml::to_string(v) else { return };
        let Ok(c) = Config::from_toml_str(&text, "edge") else { return };
        self.accepted += 1;
        if std::env::var("MINDMILL_EDGES_TRACE").is_ok() {
            eprintln!("edge {key}");
        }
        let result = std::panic::catch_unwind(|| {
            let mut sim = Simulation::new(c, 0);
            let r = sim.run(|_| {});
            (r, sim.tables()[0].clone())
        });
        let Ok((r, agg)) = result else {
            self.panics.push(key.to_string());
            return;
        };
        match r {
            Ok(()) => {
                self.ran += 1;
                for (name, col) in &agg.columns {
                    if let Values::F64(xs) = col
                        && !xs.iter().all(|x| x.is_finite())
                    {
                        self.non_finite.push(format!("{key}: column {name}"));
                    }
                }
            }
            Err(e) => self.stops.push(format!("{key}: {e}")),
        }
    }

    /// Prints the counts (docs/ROBUSTNESS.md quotes them) and fails on any panic or
    /// non-finite output.
    fn check(&self, what: &str, min_accepted: usize) {
        eprintln!(
            "{what}: {} values tried, {} accepted, {} ran, {} stopped clearly, {} panicked, {} wrote non-finite numbers",
            self.tried,
            self.accepted,
            self.ran,
            self.stops.len(),
            self.panics.len(),
            self.non_finite.len()
        );
        for s in &self.stops {
            eprintln!("  stop: {s}");
        }
        assert!(self.panics.is_empty(), "{what}: accepted values that panic: {:?}", self.panics);
        assert!(
            self.non_finite.is_empty(),
            "{what}: accepted values that write non-finite numbers: {:?}",
            self.non_finite
        );
        assert!(
            self.accepted >= min_accepted,
            "{what}: the trials must exercise the accepted space: {}",
            self.accepted
        );
    }
}

fn exhaustive() -> bool {
    std::env::var("MINDMILL_EDGES").is_ok_and(|v| v == "all")
}

#[test]
fn every_accepted_extreme_value_runs_or_stops_clearly() {
    let base = toml::Value::try_from(small()).unwrap();
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);
    let mut t = Trials::default();
    for (n, path) in paths.iter().enumerate() {
        // Run length and size are fixed small here; the subset is every 7th field.
        if path[0] == "run" || (!exhaustive() && n % 7 != 0) {
            continue;
        }
        for x in CANDIDATES {
            let mut v = base.clone();
            set(&mut v, path, x);
            t.attempt(&v, &format!("{} = {x}", path.join(".").replace(".[", "[")));
        }
    }
    // Memory budget: the process's peak over every run (each 400 workers, 2 years).
    let peak_mb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0);
    eprintln!("edges: peak resident memory {peak_mb:.0} MB (budget {MEMORY_BUDGET_MB} MB)");
    assert!(peak_mb <= MEMORY_BUDGET_MB, "peak memory {peak_mb:.0} MB over the {MEMORY_BUDGET_MB} MB budget");
    t.check("edges", 50);
}

/// Every list in the config (SOC major groups, regulation caps, providers) emptied, cut to
/// one element, given a duplicate, reversed and given an unknown entry: each variant the
/// validator accepts must run or stop clearly.
#[test]
fn every_accepted_list_variant_runs_or_stops_clearly() {
    let base = toml::Value::try_from(small()).unwrap();
    let mut t = Trials::default();
    for key in ["population.c_major_groups", "population.a_major_groups", "adoption.regulation_cap", "providers"] {
        let path: Vec<&str> = key.split('.').collect();
        let get = |v: &toml::Value| -> Vec<toml::Value> {
            let mut cur = v;
            for k in &path {
                cur = &cur[*k];
            }
            cur.as_array().unwrap_or_else(|| panic!("{key} is a list")).clone()
        };
        let put = |xs: Vec<toml::Value>| -> toml::Value {
            let mut v = base.clone();
            let mut cur = &mut v;
            for k in &path {
                cur = cur.as_table_mut().unwrap().get_mut(*k).unwrap();
            }
            *cur = toml::Value::Array(xs);
            v
        };
        let xs = get(&base);
        let mut variants: Vec<(String, Vec<toml::Value>)> = vec![
            ("empty".into(), vec![]),
            ("first only".into(), xs[..1].to_vec()),
            ("last only".into(), xs[xs.len() - 1..].to_vec()),
            ("first twice".into(), [xs.clone(), xs[..1].to_vec()].concat()),
            ("reversed".into(), xs.iter().rev().cloned().collect()),
        ];
        match &xs[0] {
            toml::Value::String(_) => {
                variants.push(("unknown entry".into(), [xs.clone(), vec!["99".into()]].concat()));
                // A group in both tier lists.
                let other =
                    if key.contains("c_major") { "population.a_major_groups" } else { "population.c_major_groups" };
                let o = &base["population"][other.split('.').nth(1).unwrap()];
                variants.push((
                    "shared with the other tier".into(),
                    [xs.clone(), o.as_array().unwrap()[..1].to_vec()].concat(),
                ));
            }
            toml::Value::Table(_) => {
                // Providers: each alone, and the most the engine allows and one more, each
                // a copy of the first with its own name.
                for (i, p) in xs.iter().enumerate() {
                    variants.push((format!("provider {i} alone"), vec![p.clone()]));
                }
                for n in [16, 17] {
                    let copies = (0..n)
                        .map(|i| {
                            let mut p = xs[0].clone();
                            p.as_table_mut().unwrap().insert("name".into(), format!("Lab {i}").into());
                            p
                        })
                        .collect();
                    variants.push((format!("{n} copies of provider 0"), copies));
                }
            }
            _ => {}
        }
        for (what, mut ys) in variants {
            // Providers' consumer shares must sum to 1: rescale them, so the variant tests
            // the list and not that rule (which has its own corpus case).
            let shares: Vec<f64> = ys.iter().filter_map(|p| p.get("consumer_share")?.as_float()).collect();
            if shares.len() == ys.len() && !ys.is_empty() {
                let sum: f64 = shares.iter().sum();
                let n = ys.len() as f64;
                for (p, s) in ys.iter_mut().zip(shares) {
                    let x = if sum > 0.0 { s / sum } else { 1.0 / n };
                    p.as_table_mut().unwrap().insert("consumer_share".into(), x.into());
                }
            }
            t.attempt(&put(ys), &format!("{key}: {what}"));
        }
    }
    t.check("lists", 10);
}

/// Every scenario event kind, at every candidate value, in the first month and the last
/// (and, with `MINDMILL_EDGES=all`, the second and one past the horizon): each event the
/// validator accepts must run or stop clearly.
#[test]
fn every_accepted_event_runs_or_stops_clearly() {
    let base = small();
    let last = base.ticks() - 1;
    let months: Vec<u32> = if exhaustive() { vec![0, 1, last, last + 1] } else { vec![0, last] };
    let kinds = [
        "capability_jump",
        "efficiency_jump",
        "electricity_price",
        "grid_capacity",
        "regulation",
        "open_weight_lag",
        "basic_income",
        "compute_tax",
        "retraining_subsidy",
        "capital_appetite",
        "minimum_wage",
    ];
    let mut t = Trials::default();
    for kind in kinds {
        let tiers: &[Option<&str>] =
            if kind == "regulation" { &[Some("A"), Some("B"), Some("C"), Some("M")] } else { &[None] };
        for tier in tiers {
            for &month in &months {
                for x in CANDIDATES {
                    let mut v = toml::Value::try_from(&base).unwrap();
                    let mut ev = toml::map::Map::new();
                    ev.insert("month".into(), (month as i64).into());
                    ev.insert("kind".into(), kind.into());
                    ev.insert("value".into(), x.into());
                    if let Some(tier) = tier {
                        ev.insert("tier".into(), (*tier).into());
                    }
                    v.as_table_mut().unwrap().insert("events".into(), toml::Value::Array(vec![ev.into()]));
                    let tier = tier.map_or(String::new(), |t| format!(" tier {t}"));
                    t.attempt(&v, &format!("event {kind}{tier} = {x} in month {month}"));
                }
            }
        }
    }
    t.check("events", 100);
}
