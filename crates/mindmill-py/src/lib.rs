//! The native half of the `mindmill` Python package (`python/mindmill/__init__.py` is the
//! other): loads and checks configs with the CLI's messages, runs the model with the GIL
//! released, hands each table over as the bytes of the Parquet file `mindmill run` would
//! write, and runs sweeps. Built by maturin (`pip install crates/mindmill-py`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use mindmill_config::Config;
use mindmill_model::{Simulation, Table};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

pyo3::create_exception!(
    _native,
    ConfigError,
    PyValueError,
    "A config or sweep file mindmill refuses; the message names the file, the key and what is allowed."
);

/// The scenario presets shipped in `configs/scenarios/`, compiled in (a pytest test checks
/// the list against the folder).
const SCENARIOS: [(&str, &str); 9] = [
    ("algorithmic_breakthrough", include_str!("../../../configs/scenarios/algorithmic_breakthrough.toml")),
    ("baseline", include_str!("../../../configs/scenarios/baseline.toml")),
    ("basic_income_compute_tax", include_str!("../../../configs/scenarios/basic_income_compute_tax.toml")),
    ("capex_never_recovered", include_str!("../../../configs/scenarios/capex_never_recovered.toml")),
    ("energy_crunch", include_str!("../../../configs/scenarios/energy_crunch.toml")),
    ("on_device_shift", include_str!("../../../configs/scenarios/on_device_shift.toml")),
    ("open_weight_parity", include_str!("../../../configs/scenarios/open_weight_parity.toml")),
    ("retraining_push", include_str!("../../../configs/scenarios/retraining_push.toml")),
    ("strict_regulation", include_str!("../../../configs/scenarios/strict_regulation.toml")),
];

fn config_error(e: impl std::fmt::Display) -> PyErr {
    ConfigError::new_err(e.to_string())
}

/// A config from what Python passed: `kind` is `baseline`, `path` (a TOML file), `toml` (its
/// text, named `label` in messages) or `json` (a dict, as JSON, merged over the baseline).
fn load(kind: &str, value: &str, label: &str) -> PyResult<Config> {
    match kind {
        "baseline" => Ok(Config::baseline()),
        "path" => Config::from_file(std::path::Path::new(value)).map_err(config_error),
        "toml" => Config::from_toml_str(value, label).map_err(config_error),
        "json" => {
            let json: serde_json::Value = serde_json::from_str(value).map_err(config_error)?;
            let table = toml::Value::try_from(json).map_err(|e| config_error(format!("{label}: {e}")))?;
            let text = toml::to_string(&table).map_err(|e| config_error(format!("{label}: {e}")))?;
            // Lines of the TOML made from the dict mean nothing to its author: the key does.
            Config::from_toml_str(&text, label).map_err(|mut e| {
                e.line = None;
                config_error(e)
            })
        }
        other => Err(PyValueError::new_err(format!("unknown config kind {other:?}"))),
    }
}

/// Checks a config and returns it resolved over the baseline, as TOML.
#[pyfunction]
#[pyo3(signature = (kind, value, label))]
fn check(kind: &str, value: &str, label: &str) -> PyResult<String> {
    Ok(load(kind, value, label)?.to_toml())
}

/// A finished run: its tables, provenance and config.
#[pyclass(frozen, module = "mindmill._native")]
struct NativeRun {
    tables: Vec<Table>,
    provenance: Vec<(String, String)>,
    config: String,
}

#[pymethods]
impl NativeRun {
    /// Names of the tables, in the order the CLI writes them.
    fn names(&self) -> Vec<String> {
        self.tables.iter().map(|t| t.name.to_string()).collect()
    }

    /// The table `name` as the bytes of its Parquet file.
    fn parquet<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyBytes>> {
        let t =
            self.tables.iter().find(|t| t.name == name).ok_or_else(|| {
                PyValueError::new_err(format!("no table {name:?}; tables: {}", self.names().join(", ")))
            })?;
        let bytes = py
            .allow_threads(|| mindmill_export::table_parquet_bytes(t, &self.provenance))
            .map_err(|e| PyRuntimeError::new_err(format!("cannot encode {name}: {e}")))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The `mindmill.*` metadata every file carries.
    fn provenance(&self) -> Vec<(String, String)> {
        self.provenance.clone()
    }

    /// The resolved config, as TOML.
    fn config(&self) -> String {
        self.config.clone()
    }

    /// The named scalar outcomes of the run (those of a sweep file, docs/SWEEPS.md).
    fn outcomes(&self, names: Vec<String>) -> PyResult<Vec<f64>> {
        if let Some(bad) = names.iter().find(|n| !mindmill_sweep::OUTCOMES.iter().any(|(o, _)| o == *n)) {
            let known: Vec<&str> = mindmill_sweep::OUTCOMES.iter().map(|(o, _)| *o).collect();
            return Err(PyValueError::new_err(format!("unknown outcome {bad:?}; outcomes: {}", known.join(", "))));
        }
        let refs: Vec<&Table> = self.tables.iter().collect();
        Ok(mindmill_sweep::outcomes_of(&refs, &names))
    }

    /// Writes every table into `dir` (created if missing) as `mindmill run` does, atomically.
    fn write(&self, py: Python<'_>, dir: PathBuf) -> PyResult<()> {
        py.allow_threads(|| {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let refs: Vec<&Table> = self.tables.iter().collect();
            mindmill_export::write_tables(&dir, &refs, &self.provenance).map(|_| ()).map_err(|e| e.to_string())
        })
        .map_err(PyRuntimeError::new_err)
    }
}

/// Runs the model. The GIL is released while it steps; between chunks of months `progress`
/// (if given) is called with (months done, months) and Ctrl-C / a kernel interrupt stops the
/// run with KeyboardInterrupt.
#[pyfunction]
#[pyo3(signature = (kind, value, label, workers=None, years=None, seed=None, threads=None, progress=None, set=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    kind: &str,
    value: &str,
    label: &str,
    workers: Option<u64>,
    years: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<PyObject>,
    set: Vec<(String, f64)>,
) -> PyResult<NativeRun> {
    let mut config = load(kind, value, label)?;
    // Numeric fields by path, as a sweep's parameters set them (`providers[0].markup_max`).
    for (path, v) in &set {
        config = mindmill_sweep::set_path(&config, path, *v, "set").map_err(config_error)?.0;
    }
    if let Some(s) = seed {
        config.run.seed = s;
    }
    if let Some(w) = workers {
        config.set_workers(w);
    }
    if let Some(y) = years {
        config.run.years = y;
    }
    config.validate("arguments").map_err(config_error)?;
    let threads = threads.unwrap_or(0);
    if threads > 256 {
        return Err(PyValueError::new_err(format!("threads={threads} is not allowed: 0 (all cores) or up to 256")));
    }
    mindmill_model::init_threads(threads);
    let built = config.clone();
    let mut sim = py.allow_threads(|| std::panic::catch_unwind(|| Simulation::new(built, 0))).map_err(|p| {
        PyRuntimeError::new_err(format!("building the economy panicked: {}", mindmill_sweep::panic_message(p.as_ref())))
    })?;
    let ticks = sim.ticks();
    // Months per chunk: about a tenth of a second at 10^5 workers, so interrupts are prompt.
    let chunk = (1_000_000 / config.run.workers.max(1)).clamp(1, 12) as u32;
    while sim.tick() < ticks {
        let until = (sim.tick() + chunk).min(ticks);
        py.allow_threads(|| {
            while sim.tick() < until {
                sim.step()?;
            }
            Ok::<(), mindmill_model::AccountingError>(())
        })
        .map_err(|e| PyRuntimeError::new_err(format!("the accounts broke, the run stopped: {e}")))?;
        if let Some(f) = &progress {
            f.call1(py, (sim.tick(), ticks))?;
        }
        py.check_signals()?;
    }
    sim.release_agents();
    Ok(NativeRun {
        tables: sim.tables().into_iter().cloned().collect(),
        provenance: mindmill_export::run_provenance(&config, 0),
        config: config.to_toml(),
    })
}

/// Runs (or resumes) the sweep file `path` into `out` on `threads` threads (0: all cores);
/// returns (runs in the sweep, runs executed now, whether every run is done). A Ctrl-C lets
/// the running runs finish and raises KeyboardInterrupt; the next call resumes.
#[pyfunction]
#[pyo3(signature = (path, out, threads=0, progress=None))]
fn sweep(
    py: Python<'_>,
    path: PathBuf,
    out: PathBuf,
    threads: usize,
    progress: Option<PyObject>,
) -> PyResult<(usize, usize, bool)> {
    let spec = mindmill_sweep::load(&path).map_err(config_error)?;
    // Runs go in parallel; each run's own systems stay on one thread (as in the CLI).
    mindmill_model::init_threads(1);
    let stop = AtomicBool::new(false);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = std::sync::atomic::AtomicUsize::new(0);
    let mut interrupt = None;
    let outcome = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            mindmill_sweep::run(&spec, &out, None, threads, &stop, |d, t| {
                done.store(d, Ordering::Relaxed);
                total.store(t, Ordering::Relaxed);
            })
        });
        while !worker.is_finished() {
            py.allow_threads(|| std::thread::sleep(std::time::Duration::from_millis(100)));
            if let Some(f) = &progress {
                if let Err(e) = f.call1(py, (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed))) {
                    stop.store(true, Ordering::Relaxed);
                    interrupt.get_or_insert(e);
                }
            }
            if let Err(e) = py.check_signals() {
                stop.store(true, Ordering::Relaxed);
                interrupt.get_or_insert(e);
            }
        }
        worker.join().expect("the sweep thread does not panic")
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    let o = outcome.map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((o.in_shard, o.executed, o.complete))
}

/// The scalar outcomes a run can report: (name, meaning).
#[pyfunction]
fn outcomes() -> Vec<(&'static str, &'static str)> {
    mindmill_sweep::OUTCOMES.to_vec()
}

/// The scenario presets: (name, TOML text).
#[pyfunction]
fn scenarios() -> Vec<(&'static str, &'static str)> {
    SCENARIOS.to_vec()
}

/// The smallest number of workers whose results stay within the documented tolerance of the
/// 10^6-worker result (docs/VALIDATION.md, convergence).
#[pyfunction]
fn min_converged_workers() -> u64 {
    mindmill_config::MIN_CONVERGED_WORKERS
}

/// mindmill's version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    m.add_class::<NativeRun>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(min_converged_workers, m)?)?;
    m.add_function(wrap_pyfunction!(outcomes, m)?)?;
    Ok(())
}
