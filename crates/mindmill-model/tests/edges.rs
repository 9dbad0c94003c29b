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

#[test]
fn every_accepted_extreme_value_runs_or_stops_clearly() {
    let base = toml::Value::try_from(small()).unwrap();
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);
    let all = std::env::var("MINDMILL_EDGES").is_ok_and(|v| v == "all");
    let (mut tried, mut accepted, mut ran, mut stopped) = (0, 0, 0, 0);
    let (mut stops, mut panics, mut non_finite) = (Vec::new(), Vec::new(), Vec::new());
    for (n, path) in paths.iter().enumerate() {
        // Run length and size are fixed small here; the subset is every 7th field.
        if path[0] == "run" || (!all && n % 7 != 0) {
            continue;
        }
        for x in CANDIDATES {
            tried += 1;
            let mut v = base.clone();
            set(&mut v, path, x);
            let Ok(text) = toml::to_string(&v) else { continue };
            let Ok(c) = Config::from_toml_str(&text, "edge") else { continue };
            accepted += 1;
            let key = format!("{} = {x}", path.join(".").replace(".[", "["));
            if std::env::var("MINDMILL_EDGES_TRACE").is_ok() {
                eprintln!("edge {key}");
            }
            let result = std::panic::catch_unwind(|| {
                let mut sim = Simulation::new(c, 0);
                let r = sim.run(|_| {});
                (r, sim.tables()[0].clone())
            });
            let Ok((r, agg)) = result else {
                panics.push(key);
                continue;
            };
            match r {
                Ok(()) => {
                    ran += 1;
                    for (name, col) in &agg.columns {
                        if let Values::F64(xs) = col
                            && !xs.iter().all(|x| x.is_finite())
                        {
                            non_finite.push(format!("{key}: column {name}"));
                        }
                    }
                }
                Err(e) => {
                    stopped += 1;
                    stops.push(format!("{key}: {e}"));
                }
            }
        }
    }
    eprintln!(
        "edges: {tried} values tried, {accepted} accepted, {ran} ran, {stopped} stopped clearly, {} panicked, {} wrote non-finite numbers",
        panics.len(),
        non_finite.len()
    );
    for s in &stops {
        eprintln!("  stop: {s}");
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
    assert!(panics.is_empty(), "accepted values that panic: {panics:?}");
    assert!(non_finite.is_empty(), "accepted values that write non-finite numbers: {non_finite:?}");
    assert!(accepted > 50, "the subset must exercise the validator's accepted space: {accepted}");
}
