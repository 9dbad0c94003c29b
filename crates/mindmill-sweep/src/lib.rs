//! Parameter sweeps: a TOML sweep file names a base config, the parameters to vary (any
//! numeric config field by its dotted path), a design and replicate seeds. Runs execute in
//! parallel, each written atomically under `runs/run=NNNNNN/` with a completion marker, so
//! an interrupted sweep resumes without redoing finished runs and any sharding gives the
//! same files. `runs.parquet` (one row per run: parameters, seed, outcomes) is built in run
//! order once every run is done.

pub mod analyze;
pub mod design;
pub mod lock;
pub mod priors;

use mindmill_config::{Config, ConfigError};
use mindmill_model::{Simulation, Table};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Scalar outcomes a sweep can summarise, with their meaning.
pub const OUTCOMES: &[(&str, &str)] = &[
    ("unemployment_rate_end", "unemployment rate in the last month"),
    ("unemployment_rate_mean", "mean unemployment rate over the run"),
    ("labour_share_end", "labour share, mean of the last 12 months"),
    ("wage_a_index_end", "nominal tier A wage, last month / first month"),
    ("real_wage_a_index_end", "real tier A wage, last month / first month"),
    ("real_wage_c_index_end", "real tier C wage, last month / first month"),
    ("automation_share_a_end", "AI share of tier A tasks in the last month"),
    ("provider_cumulative_cash_flow_usd_end", "providers' cumulative cash flow at the end, USD"),
    ("provider_payback_month", "first month the providers' total cumulative cash flow is >= 0; ticks + 1 if never"),
    ("rate_of_surplus_value_end", "s/v, mean of the last 12 months"),
    ("price_level_end", "consumer price level in the last month (start = 1)"),
    ("output_growth_annual", "annual growth of real output over the run"),
    ("labs_roi_end", "mean ROI of the AI-native labs at the end"),
    ("labs_cumulative_cash_flow_usd_end", "AI-native labs' total cumulative cash flow at the end, USD"),
];

/// Sum and count of `col` over the AI-native providers' rows of the last tick.
fn labs_at_end(providers: &mindmill_model::Table, col: &str) -> (f64, f64) {
    let Some(mindmill_model::Values::Str(kinds)) = providers.column("kind") else { return (f64::NAN, 0.0) };
    let Some(mindmill_model::Values::U32(ticks)) = providers.column("tick") else { return (f64::NAN, 0.0) };
    let last = ticks.iter().copied().max().unwrap_or(0);
    let v = providers.f64s(col);
    let rows = (0..providers.rows()).filter(|&i| ticks[i] == last && kinds[i] == "ai_native");
    rows.fold((0.0, 0.0), |(s, n), i| (s + v[i], n + 1.0))
}

/// Largest number of runs in one sweep (design points x seeds).
pub const MAX_RUNS: usize = 200_000;

/// Experimental design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Full factorial over each parameter's `values`.
    Grid,
    /// Latin hypercube of `samples` points over each parameter's [min, max].
    Lhs,
    /// Saltelli matrices for Sobol indices: samples x (k + 2) points.
    Saltelli,
    /// Morris trajectories: samples x (k + 1) points.
    Morris,
    /// Monte Carlo: `samples` independent draws from each parameter's distribution.
    MonteCarlo,
}

/// One varied parameter.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Dotted config path, e.g. `technology.training_efficiency_growth` or `providers[0].markup_max`.
    pub path: String,
    /// Lower bound (sampling designs).
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound (sampling designs).
    #[serde(default)]
    pub max: Option<f64>,
    /// Levels (grid design), or the values of a `choice` distribution.
    #[serde(default)]
    pub values: Option<Vec<f64>>,
    /// Distribution in a sampling design (default uniform on [min, max]); see `priors`.
    #[serde(default)]
    pub distribution: priors::Distribution,
    /// Mean and standard deviation of a normal.
    #[serde(default)]
    pub mean: Option<f64>,
    #[serde(default)]
    pub sd: Option<f64>,
    /// Mean and standard deviation of ln x for a lognormal.
    #[serde(default)]
    pub log_mean: Option<f64>,
    #[serde(default)]
    pub log_sd: Option<f64>,
    /// Peak of a triangular distribution.
    #[serde(default)]
    pub mode: Option<f64>,
    /// Shape parameters of a beta distribution.
    #[serde(default)]
    pub alpha: Option<f64>,
    #[serde(default)]
    pub beta: Option<f64>,
    /// Relative probabilities of a `choice`'s values (default equal).
    #[serde(default)]
    pub weights: Option<Vec<f64>>,
}

impl Parameter {
    /// The parameter's prior in a sampling design, checked.
    pub fn prior(&self) -> Result<priors::Prior, String> {
        priors::resolve(&priors::Fields {
            distribution: self.distribution,
            min: self.min,
            max: self.max,
            mean: self.mean,
            sd: self.sd,
            log_mean: self.log_mean,
            log_sd: self.log_sd,
            mode: self.mode,
            alpha: self.alpha,
            beta: self.beta,
            values: self.values.as_deref(),
            weights: self.weights.as_deref(),
        })
    }
}

/// A sweep file.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Config or scenario the runs start from, relative to the sweep file. Default: the baseline.
    #[serde(default)]
    pub base: Option<String>,
    /// Scenario files (relative to the sweep file) that each run the whole design: the sweep
    /// is scenarios x design points x seeds, and its tables gain a `scenario` column (the file
    /// name without `.toml`). Instead of `base`. Default: none (one base).
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// The design.
    pub design: Design,
    /// Points (lhs), base samples (saltelli) or trajectories (morris). Ignored by grid.
    #[serde(default = "default_samples")]
    pub samples: usize,
    /// Grid levels of Morris trajectories.
    #[serde(default = "default_levels")]
    pub morris_levels: usize,
    /// Seed of the design's own draws.
    #[serde(default)]
    pub design_seed: u64,
    /// Replicate seeds; every design point runs once per seed.
    pub seeds: Vec<u64>,
    /// Worker agents per run (firms in proportion). Default: the base config's.
    #[serde(default)]
    pub workers: Option<u64>,
    /// Horizon in years. Default: the base config's.
    #[serde(default)]
    pub years: Option<u32>,
    /// Outcomes to summarise per run (see `mindmill sweep --help`).
    pub outcomes: Vec<String>,
    /// The varied parameters. Default: none, which a grid design takes as one point: the
    /// base once per seed (replicates).
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// Run tables each run keeps besides its aggregates (`timeseries.parquet`), written to
    /// `runs/run=N/<table>.parquet` with a `seed` column: e.g. `["tiers", "providers"]`.
    /// Default: none.
    #[serde(default)]
    pub tables: Vec<String>,
}

fn default_samples() -> usize {
    16
}

fn default_levels() -> usize {
    4
}

/// A sweep error; every variant names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The sweep file is unreadable or invalid.
    #[error("{file}: {message}")]
    Spec {
        /// The sweep file.
        file: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A resolved run config is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Reading or writing the sweep folder failed.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// What happened.
        message: String,
    },
    /// A run broke its accounts.
    #[error("run {run} (seed {seed}): {message}")]
    Run {
        /// Run index.
        run: u32,
        /// Seed.
        seed: u64,
        /// The breach.
        message: String,
    },
}

fn io(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// One planned run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Index in run order (design point major, then seed).
    pub run: u32,
    /// Design point index (within its scenario).
    pub point: u32,
    /// Index into [`Sweep::bases`].
    pub scenario: u32,
    /// Seed.
    pub seed: u64,
    /// The design point on the unit cube (sampling designs) or the levels (grid).
    pub unit: Vec<f64>,
    /// Parameter values, as applied (whole-number fields rounded).
    pub values: Vec<f64>,
    /// Stable id of (base config, parameter values, seed, mindmill version and model).
    pub id: String,
}

/// A parsed sweep with its plans.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file's text (copied into the output folder).
    pub text: String,
    /// The parsed file.
    pub spec: SweepSpec,
    /// Every run, in run order. A run's config is built when it runs ([`Sweep::config`]), so
    /// a shard of a large sweep builds and checks only its own runs.
    pub plans: Vec<Plan>,
    /// The configs runs start from, with the sweep's workers and years: the `base` (named
    /// None), or one per entry of `scenarios` (named by its file stem).
    pub bases: Vec<(Option<String>, Config)>,
    /// The sweep file, for error messages.
    pub file: String,
}

impl Sweep {
    /// The resolved config of `plan`: the base with the plan's parameter values and seed.
    pub fn config(&self, plan: &Plan) -> Result<Config, SweepError> {
        let mut config = self.bases[plan.scenario as usize].1.clone();
        for (p, v) in self.spec.parameters.iter().zip(&plan.values) {
            config = set_path(&config, &p.path, *v, &self.file).map_err(|e| at_line(e, &self.text, &p.path))?.0;
        }
        config.run.seed = plan.seed;
        Ok(config)
    }

    /// The scenario name of `plan`, if the sweep runs several scenarios.
    pub fn scenario(&self, plan: &Plan) -> Option<&str> {
        self.bases[plan.scenario as usize].0.as_deref()
    }

    /// The files of each finished run, as its marker lists them.
    pub fn run_files(&self) -> Vec<String> {
        let mut files: Vec<String> = RUN_FILES.iter().map(|f| f.to_string()).collect();
        files.extend(self.spec.tables.iter().map(|t| format!("{t}.parquet")));
        files
    }
}

/// FNV-1a 64-bit hash, as hex (run ids: stable across platforms and versions of Rust).
pub fn fnv_hex(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The value at `path` (dots and `[i]` indices) inside a config's TOML tree.
fn locate<'a>(root: &'a mut toml::Value, path: &str, file: &str) -> Result<&'a mut toml::Value, SweepError> {
    let err = |m: String| SweepError::Spec { file: file.to_string(), message: format!("parameter `{path}`: {m}") };
    let mut cur = root;
    for seg in path.split('.') {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => {
                let i: usize = rest.trim_end_matches(']').parse().map_err(|_| err(format!("bad index in `{seg}`")))?;
                (n, Some(i))
            }
            None => (seg, None),
        };
        let Some(table) = cur.as_table_mut() else {
            return Err(err(format!("`{name}` is inside a value that has no keys")));
        };
        if !table.contains_key(name) {
            let keys: Vec<&str> = table.keys().map(|k| k.as_str()).collect();
            let hint =
                mindmill_config::nearest(name, &keys).map_or(String::new(), |k| format!(" (did you mean `{k}`?)"));
            return Err(err(format!("no key `{name}` in the config{hint}; see `mindmill config` for every key")));
        }
        cur = table.get_mut(name).expect("checked above");
        if let Some(i) = index {
            cur = cur
                .as_array_mut()
                .and_then(|a| a.get_mut(i))
                .ok_or_else(|| err(format!("no element {i} in `{name}`")))?;
        }
    }
    Ok(cur)
}

/// Sets the numeric field at `path` (dots and `[i]` indices) of `config`; whole-number
/// fields take the value rounded to the nearest whole number. Returns the config and the
/// value applied.
pub fn set_path(config: &Config, path: &str, value: f64, file: &str) -> Result<(Config, f64), SweepError> {
    let err = |m: String| SweepError::Spec { file: file.to_string(), message: format!("parameter `{path}`: {m}") };
    let mut root = toml::Value::try_from(config).map_err(|e| err(e.to_string()))?;
    let cur = locate(&mut root, path, file)?;
    let applied = match cur {
        toml::Value::Integer(_) => value.round(),
        toml::Value::Float(_) => value,
        other => return Err(err(format!("is a {}, not a number", other.type_str()))),
    };
    *cur = match cur {
        toml::Value::Integer(_) => toml::Value::Integer(applied as i64),
        _ => toml::Value::Float(applied),
    };
    let text = toml::to_string(&root).map_err(|e| err(e.to_string()))?;
    // The generated config's own line numbers mean nothing to the user: say which value the
    // design generated and what the key allows.
    let config = Config::from_toml_str(&text, file).map_err(|e| {
        let allowed = e.message.split_once("is not allowed: ").map_or(e.message.as_str(), |(_, a)| a);
        err(format!("the design generated {applied}, which the config does not allow (allowed: {allowed})"))
    })?;
    Ok((config, applied))
}

/// Cites the sweep file's line of the parameter `path` in a parameter error.
fn at_line(e: SweepError, text: &str, path: &str) -> SweepError {
    let line = text.lines().position(|l| {
        let t = l.trim_start();
        t.strip_prefix("path").is_some_and(|r| {
            r.trim_start().strip_prefix('=').is_some_and(|v| v.trim().trim_matches(['"', '\'']) == path)
        })
    });
    match (e, line) {
        (SweepError::Spec { file, message }, Some(i)) => {
            SweepError::Spec { file: format!("{file}:{}", i + 1), message }
        }
        (e, _) => e,
    }
}

/// Reads and checks a sweep file and expands its design into runs.
pub fn load(path: &Path) -> Result<Sweep, SweepError> {
    let file = path.display().to_string();
    mindmill_config::check_file_size(path).map_err(|message| SweepError::Spec { file: file.clone(), message })?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| SweepError::Spec { file: file.clone(), message: format!("cannot read the file: {e}") })?;
    // A model config given where a sweep belongs: say which command takes it.
    if let Ok(table) = text.parse::<toml::Table>() {
        const CONFIG_SECTIONS: [&str; 6] = ["events", "run", "providers", "technology", "firms", "population"];
        if !table.contains_key("design") && CONFIG_SECTIONS.iter().any(|k| table.contains_key(*k)) {
            return Err(SweepError::Spec {
                file,
                message: "this is a model config (a scenario), not a sweep file: run it with `mindmill run FILE`, \
                          or name it as `base` in a sweep file"
                    .into(),
            });
        }
    }
    let spec: SweepSpec = {
        let de = toml::Deserializer::parse(&text)
            .map_err(|e| SweepError::Spec { file: file.clone(), message: format!("not valid TOML: {e}") })?;
        serde_path_to_error::deserialize(de).map_err(|e| SweepError::Spec {
            file: file.clone(),
            message: format!("key `{}`: {}", e.path(), e.inner()),
        })?
    };
    let bad = |m: String| SweepError::Spec { file: file.clone(), message: m };
    if spec.seeds.is_empty() {
        return Err(bad("`seeds` needs at least one seed".into()));
    }
    // A grid over no parameters is one point: the base config once per seed (replicates,
    // as `mindmill compare` runs them).
    if spec.parameters.is_empty() && spec.design != Design::Grid {
        return Err(bad(
            "`parameters` needs at least one [[parameters]] table (a grid with none runs the base once per seed)"
                .into(),
        ));
    }
    for o in &spec.outcomes {
        if !OUTCOMES.iter().any(|(n, _)| n == o) {
            let names: Vec<&str> = OUTCOMES.iter().map(|(n, _)| *n).collect();
            return Err(bad(format!("unknown outcome `{o}`; allowed: {}", names.join(", "))));
        }
    }
    // Checked before any run, so a sweep never fails after its first run on its own file.
    for (i, o) in spec.outcomes.iter().enumerate() {
        if spec.outcomes[..i].contains(o) {
            return Err(bad(format!("outcome `{o}` is listed twice in `outcomes`; list each once")));
        }
    }
    for (i, t) in spec.tables.iter().enumerate() {
        if !mindmill_model::TABLE_NAMES[1..].contains(&t.as_str()) {
            return Err(bad(format!(
                "unknown table `{t}` in `tables`; allowed: {} (the aggregates are always kept, as timeseries)",
                mindmill_model::TABLE_NAMES[1..].join(", ")
            )));
        }
        if spec.tables[..i].contains(t) {
            return Err(bad(format!("table `{t}` is listed twice in `tables`; list each once")));
        }
    }
    for (i, p) in spec.parameters.iter().enumerate() {
        if spec.parameters[..i].iter().any(|q| q.path == p.path) {
            return Err(bad(format!("parameter `{}` is listed twice; vary each config field once", p.path)));
        }
        if p.path.starts_with("run.") {
            return Err(bad(format!(
                "parameter `{}`: the run section is set by the sweep itself (`seeds`, `workers`, `years`), not varied",
                p.path
            )));
        }
    }
    if spec.design == Design::Morris && !(2..=100).contains(&spec.morris_levels) {
        return Err(bad(format!("`morris_levels` = {} is not allowed: 2 to 100 grid levels", spec.morris_levels)));
    }
    if spec.design != Design::Grid && (spec.samples == 0 || spec.samples > 100_000) {
        return Err(bad(format!("`samples` = {} is not allowed: 1 to 100,000", spec.samples)));
    }
    for p in &spec.parameters {
        match spec.design {
            Design::Grid => {
                if p.values.as_ref().is_none_or(|v| v.is_empty() || v.iter().any(|x| !x.is_finite())) {
                    return Err(bad(format!(
                        "parameter `{}`: a grid design needs a non-empty list of finite `values`",
                        p.path
                    )));
                }
                if p.distribution != priors::Distribution::Uniform || p.min.is_some() || p.max.is_some() {
                    return Err(bad(format!(
                        "parameter `{}`: a grid design takes `values` only; `min`, `max` and distributions are for sampling designs",
                        p.path
                    )));
                }
            }
            _ => {
                p.prior().map_err(|m| bad(format!("parameter `{}`: {m}", p.path)))?;
            }
        }
    }
    if spec.base.is_some() && !spec.scenarios.is_empty() {
        return Err(bad("give `base` or `scenarios`, not both: each scenario is a base of its own".into()));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let named: Vec<(Option<String>, Config)> = if spec.scenarios.is_empty() {
        let config = match &spec.base {
            Some(b) => Config::from_file(&dir.join(b)).map_err(|e| bad(format!("key `base` = \"{b}\": {e}")))?,
            None => Config::baseline(),
        };
        vec![(None, config)]
    } else {
        let mut out: Vec<(Option<String>, Config)> = Vec::with_capacity(spec.scenarios.len());
        for f in &spec.scenarios {
            let config =
                Config::from_file(&dir.join(f)).map_err(|e| bad(format!("key `scenarios` entry \"{f}\": {e}")))?;
            let name = Path::new(f).file_stem().map_or(f.clone(), |n| n.to_string_lossy().into_owned());
            if out.iter().any(|(n, _)| n.as_deref() == Some(name.as_str())) {
                return Err(bad(format!(
                    "two entries of `scenarios` are named `{name}`: scenarios are told apart by file name"
                )));
            }
            out.push((Some(name), config));
        }
        out
    };
    let mut bases = Vec::with_capacity(named.len());
    for (name, mut config) in named {
        if let Some(w) = spec.workers {
            config.set_workers(w);
        }
        if let Some(y) = spec.years {
            config.run.years = y;
        }
        config.validate(&file)?;
        bases.push((name, config));
    }
    let base = &bases[0].1;

    let k = spec.parameters.len();
    // Size the design before building it, so no sweep file can make the loader allocate
    // without bound.
    let points = match spec.design {
        Design::Grid => {
            spec.parameters.iter().map(|p| p.values.as_ref().map_or(0, Vec::len)).fold(1usize, usize::saturating_mul)
        }
        Design::Lhs | Design::MonteCarlo => spec.samples,
        Design::Saltelli => spec.samples.saturating_mul(k + 2),
        Design::Morris => spec.samples.saturating_mul(k + 1),
    };
    let total = points.saturating_mul(spec.seeds.len()).saturating_mul(bases.len());
    if total > MAX_RUNS || spec.parameters.len() > 64 || spec.seeds.len() > 10_000 {
        return Err(bad(format!(
            "the design has {} runs with {} parameters and {} seeds; at most {MAX_RUNS} runs, 64 parameters and 10,000 seeds per sweep (split larger studies into several sweeps)",
            total,
            spec.parameters.len(),
            spec.seeds.len()
        )));
    }
    let units: Vec<Vec<f64>> = match spec.design {
        Design::Grid => {
            design::grid(&spec.parameters.iter().map(|p| p.values.clone().unwrap_or_default()).collect::<Vec<_>>())
        }
        Design::Lhs => design::latin_hypercube(spec.samples, k, spec.design_seed),
        Design::Saltelli => design::saltelli(spec.samples, k, spec.design_seed),
        Design::Morris => design::morris(spec.samples, k, spec.morris_levels, spec.design_seed),
        Design::MonteCarlo => design::monte_carlo(spec.samples, k, spec.design_seed),
    };
    let priors: Vec<Option<priors::Prior>> =
        spec.parameters.iter().map(|p| if spec.design == Design::Grid { None } else { p.prior().ok() }).collect();
    // Each parameter's field kind (whole numbers are rounded, as `set_path` applies them).
    let mut tree = toml::Value::try_from(base).map_err(|e| bad(e.to_string()))?;
    let mut whole = Vec::with_capacity(k);
    for p in &spec.parameters {
        let v = locate(&mut tree, &p.path, &file).map_err(|e| at_line(e, &text, &p.path))?;
        whole.push(match v {
            toml::Value::Integer(_) => true,
            toml::Value::Float(_) => false,
            other => {
                return Err(at_line(
                    bad(format!("parameter `{}`: is a {}, not a number", p.path, other.type_str())),
                    &text,
                    &p.path,
                ));
            }
        });
    }
    // The values of every point; configs are built per run when it runs (`Sweep::config`).
    let mut points_values = Vec::with_capacity(units.len());
    for u in &units {
        let raw: Vec<f64> = match spec.design {
            Design::Grid => u.clone(),
            // Each coordinate through its parameter's quantile function (checked above).
            _ => u.iter().zip(&priors).map(|(x, p)| p.as_ref().expect("checked prior").quantile(*x)).collect(),
        };
        points_values.push(raw.iter().zip(&whole).map(|(v, w)| if *w { v.round() } else { *v }).collect::<Vec<f64>>());
    }
    // Every parameter's smallest and largest generated value is checked against the config
    // before any run, so a design that leaves a field's allowed range fails here, in every
    // shard, whatever runs the shard takes; a shard checks its own runs' whole configs
    // before its first run (`run`).
    for (d, p) in spec.parameters.iter().enumerate() {
        let (lo, hi) = points_values
            .iter()
            .map(|v| v[d])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        for v in [lo, hi] {
            if v.is_finite() {
                for (_, b) in &bases {
                    set_path(b, &p.path, v, &file).map_err(|e| at_line(e, &text, &p.path))?;
                }
            } else {
                return Err(at_line(bad(format!("parameter `{}`: the design generated {v}", p.path)), &text, &p.path));
            }
        }
    }
    // The model's fingerprint is part of the id: a sweep resumed after the model changed
    // reruns every run instead of mixing results of two models.
    let mut plans = Vec::with_capacity(total);
    for (scenario, (_, b)) in bases.iter().enumerate() {
        let base_text = b.to_toml();
        for (point, (u, values)) in units.iter().zip(&points_values).enumerate() {
            let assigned: Vec<String> =
                spec.parameters.iter().zip(values).map(|(p, v)| format!("{}={v:?}", p.path)).collect();
            let assigned = assigned.join("\n");
            for &seed in &spec.seeds {
                let id = fnv_hex(&[
                    &base_text,
                    &assigned,
                    &seed.to_string(),
                    env!("CARGO_PKG_VERSION"),
                    mindmill_model::MODEL_FINGERPRINT,
                ]);
                plans.push(Plan {
                    run: plans.len() as u32,
                    point: point as u32,
                    scenario: scenario as u32,
                    seed,
                    unit: u.clone(),
                    values: values.clone(),
                    id,
                });
            }
        }
    }
    Ok(Sweep { text, spec, plans, bases, file })
}

/// Computes the named outcomes from a finished run.
pub fn outcomes(sim: &Simulation, names: &[String]) -> Vec<f64> {
    outcomes_of(&sim.tables(), names)
}

/// Computes the named outcomes (NaN for a name not in [`OUTCOMES`]) from a run's tables, in
/// the order `Simulation::tables` gives them.
pub fn outcomes_of(t: &[&mindmill_model::Table], names: &[String]) -> Vec<f64> {
    let agg = t[0];
    let n = agg.rows();
    let last = n - 1;
    let tail = |c: &str| {
        let v = agg.f64s(c);
        let s = &v[n.saturating_sub(12)..];
        s.iter().sum::<f64>() / s.len() as f64
    };
    let ratio = |c: &str| agg.f64s(c)[last] / agg.f64s(c)[0];
    names
        .iter()
        .map(|o| match o.as_str() {
            "unemployment_rate_end" => agg.f64s("unemployment_rate")[last],
            "unemployment_rate_mean" => agg.f64s("unemployment_rate").iter().sum::<f64>() / n as f64,
            "labour_share_end" => tail("labour_share"),
            "wage_a_index_end" => ratio("wage_a_usd_month"),
            "real_wage_a_index_end" => ratio("real_wage_a_usd_month_start_prices"),
            "real_wage_c_index_end" => ratio("real_wage_c_usd_month_start_prices"),
            "automation_share_a_end" => agg.f64s("automation_share_a")[last],
            "provider_cumulative_cash_flow_usd_end" => agg.f64s("provider_cumulative_cash_flow_usd")[last],
            "provider_payback_month" => agg
                .f64s("provider_cumulative_cash_flow_usd")
                .iter()
                .position(|v| *v >= 0.0)
                .map_or((n + 1) as f64, |p| p as f64),
            "rate_of_surplus_value_end" => tail("rate_of_surplus_value"),
            "price_level_end" => agg.f64s("price_level")[last],
            "labs_roi_end" => {
                let (s, n) = labs_at_end(t[2], "roi");
                s / n
            }
            "labs_cumulative_cash_flow_usd_end" => labs_at_end(t[2], "cumulative_cash_flow_usd").0,
            "output_growth_annual" => {
                let y = agg.f64s("output_units");
                (y[last] / y[0]).powf(12.0 / (n.max(2) - 1) as f64) - 1.0
            }
            _ => f64::NAN,
        })
        .collect()
}

/// Folder of run `i`.
pub fn run_dir(out: &Path, run: u32) -> PathBuf {
    out.join("runs").join(format!("run={run:06}"))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    // A name private to this process and thread: array tasks that start together write
    // the same files (the sweep copy) without tripping over each other's temporary files.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().map_or("file".into(), |n| n.to_string_lossy().into_owned());
    let tmp =
        path.with_file_name(format!(".{name}.{}-{}.tmp", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

fn summary_table(sweep: &Sweep, plan: &Plan, values: &[f64]) -> Table {
    let mut t = Table::new("summary");
    t.u32("run", plan.run);
    t.u32("point", plan.point);
    if let Some(name) = sweep.scenario(plan) {
        t.str("scenario", name);
    }
    t.str("run_id", &plan.id);
    t.i64("seed", plan.seed as i64);
    for (p, v) in sweep.spec.parameters.iter().zip(&plan.values) {
        t.f64(leak(&p.path), *v);
    }
    for (o, v) in sweep.spec.outcomes.iter().zip(values) {
        t.f64(leak(o), *v);
    }
    t
}

/// Column names must be `'static`; sweep column names live for the process.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// The files every finished run has (with the sweep's `tables`: [`Sweep::run_files`]).
const RUN_FILES: [&str; 2] = ["timeseries.parquet", "summary.parquet"];

/// FNV-1a (64 bit) of a file's bytes, hex.
fn hash_bytes(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A run's marker: its id, then each file's name, size and hash.
fn marker_text(dir: &Path, id: &str, files: &[String]) -> Result<String, SweepError> {
    let mut text = format!("{id}\n");
    for name in files {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
        text.push_str(&format!("{name} {} {}\n", bytes.len(), hash_bytes(&bytes)));
    }
    Ok(text)
}

/// The (file, size, hash) entries of a marker whose id is `id`; None for another id or a
/// marker of another format.
fn marker_entries(text: &str, id: &str, files: usize) -> Option<Vec<(String, u64, String)>> {
    let mut lines = text.lines();
    if lines.next()?.trim() != id {
        return None;
    }
    let entries: Vec<(String, u64, String)> = lines
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((f.next()?.to_string(), f.next()?.parse().ok()?, f.next()?.to_string()))
        })
        .collect();
    (entries.len() == files).then_some(entries)
}

/// Whether run `plan` is already complete in `out`: its marker has the run's id and every
/// file it lists is there with its size (a deleted or truncated file makes the run redone;
/// `merge` also checks the hashes).
pub fn is_done(sweep: &Sweep, out: &Path, plan: &Plan) -> bool {
    let dir = run_dir(out, plan.run);
    let Ok(text) = std::fs::read_to_string(dir.join("done")) else { return false };
    marker_entries(&text, &plan.id, RUN_FILES.len() + sweep.spec.tables.len()).is_some_and(|entries| {
        entries.iter().all(|(name, size, _)| std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() == *size))
    })
}

/// Test hook for the crash paths (tests/cli.rs, tests/sweep.rs): `MINDMILL_FAULT=SITE` makes
/// the code at `site` panic as a bug in the model would (`run-month-N`: month N of `mindmill
/// run`; `sweep-run-N`: run N of a sweep), so the tests can check that work stops cleanly
/// with a clear message. Unset, it does nothing.
pub fn injected_fault(site: &str) {
    if std::env::var("MINDMILL_FAULT").is_ok_and(|v| v == site) {
        panic!("injected fault: MINDMILL_FAULT={site}");
    }
}

/// Executes one run and writes its folder (time series, summary, then the marker). The
/// files are written in a staging folder private to this process and renamed into place,
/// so two processes that run the same run (a resubmitted array task beside a slow one)
/// never mix their files; the second to finish keeps the first one's result.
pub fn execute(sweep: &Sweep, out: &Path, plan: &Plan, config: &Config) -> Result<(), SweepError> {
    let dir = run_dir(out, plan.run);
    // A panic inside the model (a bug) must not take the whole sweep down unnamed: it
    // becomes this run's error, naming its parameter values so it can be rerun alone.
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        injected_fault(&format!("sweep-run-{}", plan.run));
        let mut sim = Simulation::new(config.clone(), 0);
        sim.run(|_| {}).map(|()| sim)
    }));
    let sim = match ran {
        Ok(Ok(sim)) => sim,
        Ok(Err(e)) => return Err(SweepError::Run { run: plan.run, seed: plan.seed, message: e.to_string() }),
        Err(panic) => {
            let what = panic_message(panic.as_ref());
            let values: Vec<String> =
                sweep.spec.parameters.iter().zip(&plan.values).map(|(p, v)| format!("{} = {v}", p.path)).collect();
            return Err(SweepError::Run {
                run: plan.run,
                seed: plan.seed,
                message: format!(
                    "the model panicked ({what}) at {}; this is a bug in mindmill: please report it with these values",
                    values.join(", ")
                ),
            });
        }
    };
    let values = outcomes(&sim, &sweep.spec.outcomes);
    let staging = out.join("runs").join(format!(".run={:06}.partial-{}", plan.run, std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| io(&staging, e))?;
    let metadata = vec![
        ("mindmill.version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("mindmill.model_fingerprint".to_string(), mindmill_model::MODEL_FINGERPRINT.to_string()),
        ("mindmill.schema_version".to_string(), mindmill_model::SCHEMA_VERSION.to_string()),
        ("mindmill.seed".to_string(), plan.seed.to_string()),
        ("mindmill.run_index".to_string(), plan.run.to_string()),
        ("mindmill.run_id".to_string(), plan.id.clone()),
        ("mindmill.config".to_string(), config.to_toml()),
    ];
    let mut ts = sim.tables()[0].clone();
    ts.name = "timeseries";
    // The seed beside every row, so a dataset scan can group by it.
    let rows = ts.rows();
    ts.columns.insert(0, ("seed", mindmill_model::Values::I64(vec![plan.seed as i64; rows])));
    if let Some(name) = sweep.scenario(plan) {
        ts.columns.insert(0, ("scenario", mindmill_model::Values::Str(vec![name.to_string(); rows])));
    }
    // A failed write (a full disk) removes the staging folder: nothing half-written is left.
    let mut written = mindmill_export::write_table(&staging, &ts, &metadata)
        .and_then(|_| mindmill_export::write_table(&staging, &summary_table(sweep, plan, &values), &metadata));
    for name in &sweep.spec.tables {
        let Some(i) = mindmill_model::TABLE_NAMES.iter().position(|t| t == name) else { continue };
        let mut t = sim.tables()[i].clone();
        let rows = t.rows();
        t.columns.insert(0, ("seed", mindmill_model::Values::I64(vec![plan.seed as i64; rows])));
        if let Some(name) = sweep.scenario(plan) {
            t.columns.insert(0, ("scenario", mindmill_model::Values::Str(vec![name.to_string(); rows])));
        }
        written = written.and_then(|_| mindmill_export::write_table(&staging, &t, &metadata));
    }
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io(&staging, e));
    }
    if is_done(sweep, out, plan) {
        // Another process finished this run meanwhile; its files are the same.
        return std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e));
    }
    if dir.exists() {
        // Left by a process that died before writing the marker.
        std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    }
    std::fs::rename(&staging, &dir).map_err(|e| io(&dir, e))?;
    write_atomic(&dir.join("done"), marker_text(&dir, &plan.id, &sweep.run_files())?.as_bytes())
}

/// The text a panic carried (`mindmill run` reports model panics with it too).
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// Removes staging folders left by processes that were killed mid-run.
fn remove_leftovers(out: &Path) -> Result<(), SweepError> {
    let runs = out.join("runs");
    for e in std::fs::read_dir(&runs).map_err(|e| io(&runs, e))?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // Another process finishing the same sweep may remove the same leftovers first.
        let gone = |r: std::io::Result<()>| match r {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(io(&e.path(), err)),
            _ => Ok(()),
        };
        if name.starts_with(".run=") && name.contains(".partial") {
            gone(std::fs::remove_dir_all(e.path()))?;
        } else if name.starts_with(".run=") && name.ends_with(".lock") {
            // Every run is done, so no process holds its lock any more.
            gone(std::fs::remove_file(e.path()))?;
        }
    }
    Ok(())
}

/// Which runs a shard takes: run index modulo the shard count.
pub fn in_shard(plan: &Plan, shard: Option<(u32, u32)>) -> bool {
    shard.is_none_or(|(i, n)| plan.run % n == i)
}

/// What a call to [`run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Runs in this shard.
    pub in_shard: usize,
    /// Runs already complete and skipped.
    pub skipped: usize,
    /// Runs executed now.
    pub executed: usize,
    /// Whether every run of the sweep is now complete (and runs.parquet written).
    pub complete: bool,
    /// Whether a stop was requested: running runs finished, no new ones started.
    pub interrupted: bool,
}

/// Runs the sweep's pending runs of `shard` in parallel on `threads` threads, calling
/// `progress(done, total)` as runs finish; merges when every run is complete.
pub fn run(
    sweep: &Sweep,
    out: &Path,
    shard: Option<(u32, u32)>,
    threads: usize,
    stop: &std::sync::atomic::AtomicBool,
    progress: impl Fn(usize, usize) + Sync,
) -> Result<Outcome, SweepError> {
    // A run folder is not a sweep folder: writing runs/ and sweep.toml into one would mix
    // the two (issue 18).
    if out.join("run.json").is_file() && out.join("aggregates.parquet").is_file() {
        return Err(SweepError::Io {
            path: out.to_path_buf(),
            message:
                "this is the folder of a single run (it has run.json and aggregates.parquet), not a sweep folder: \
                      give the sweep its own --out"
                    .into(),
        });
    }
    std::fs::create_dir_all(out.join("runs")).map_err(|e| io(out, e))?;
    let spec_copy = out.join("sweep.toml");
    match std::fs::read_to_string(&spec_copy) {
        Ok(existing) if existing != sweep.text => {
            return Err(io(
                &spec_copy,
                "this folder holds another sweep; use a new --out folder (resuming needs the identical sweep file)",
            ));
        }
        Ok(_) => {}
        Err(_) => write_atomic(&spec_copy, sweep.text.as_bytes())?,
    }
    let mine: Vec<&Plan> = sweep.plans.iter().filter(|p| in_shard(p, shard)).collect();
    let pending: Vec<&Plan> = mine.iter().copied().filter(|p| !is_done(sweep, out, p)).collect();
    let skipped = mine.len() - pending.len();
    // This shard's runs are built and checked before its first run, so a shard never fails
    // on its own sweep file after it has started; they are built again when they run, so
    // memory does not grow with the number of runs.
    for p in &pending {
        sweep.config(p)?;
    }
    let done = AtomicUsize::new(skipped);
    let workers = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    // A rayon pool whose every thread loops over a shared counter (one broadcast job per
    // thread, no other queued work): a thread blocked in Parquet writing (polars' own pool)
    // finds nothing to steal, so memory stays bounded by the number of threads.
    let first_error: std::sync::Mutex<Option<SweepError>> = std::sync::Mutex::new(None);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(workers).build().map_err(|e| io(out, e))?;
    // Runs another process on this folder (a second sweep, an overlapping shard) holds:
    // whoever holds a run's lock runs it; the others come back to it at the end, waiting
    // for that lock, and run it themselves only if it is still not done (the other died).
    let held_elsewhere: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());
    let attempt = |p: &Plan, wait: bool| -> Result<bool, SweepError> {
        let path = run_lock(out, p.run);
        let guard = if wait {
            lock::lock(&path).map_err(|e| io(&path, e))?
        } else {
            match lock::try_lock(&path).map_err(|e| io(&path, e))? {
                Some(g) => g,
                None => return Ok(false),
            }
        };
        if !is_done(sweep, out, p) {
            execute(sweep, out, p, &sweep.config(p)?)?;
            drop(guard);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(d, mine.len());
        }
        Ok(true)
    };
    // One pass over `list` on the pool; runs whose lock another process holds are set aside.
    let pass = |list: &[&Plan], wait: bool| {
        let next = AtomicUsize::new(0);
        pool.broadcast(|_| {
            while !stop.load(Ordering::Relaxed) && first_error.lock().is_ok_and(|e| e.is_none()) {
                let Some(&p) = list.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                match attempt(p, wait) {
                    Ok(true) => {}
                    Ok(false) => held_elsewhere.lock().map(|mut v| v.push(p.run)).unwrap_or(()),
                    Err(e) => {
                        if let Ok(mut slot) = first_error.lock() {
                            slot.get_or_insert(e);
                        }
                        break;
                    }
                }
            }
        });
    };
    pass(&pending, false);
    let set_aside = std::mem::take(&mut *held_elsewhere.lock().map_err(|_| io(out, "lock poisoned"))?);
    // Plans are in run order (run i is plans[i]).
    pass(&set_aside.iter().map(|&r| &sweep.plans[r as usize]).collect::<Vec<_>>(), true);
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let complete = sweep.plans.iter().all(|p| is_done(sweep, out, p));
    if complete {
        remove_leftovers(out)?;
        merge(sweep, out)?;
    }
    let executed = done.load(Ordering::Relaxed) - skipped;
    Ok(Outcome { in_shard: mine.len(), skipped, executed, complete, interrupted: stop.load(Ordering::Relaxed) })
}

/// The lock file of run `run` (held while a process runs it).
fn run_lock(out: &Path, run: u32) -> PathBuf {
    out.join("runs").join(format!(".run={run:06}.lock"))
}

/// Writes `runs.parquet` (one row per run, in run order) from the runs' summaries. Merges of
/// one folder run one at a time (shards that finish together both merge).
pub fn merge(sweep: &Sweep, out: &Path) -> Result<(), SweepError> {
    let lock_path = out.join(".merge.lock");
    let _merging = lock::lock(&lock_path).map_err(|e| io(&lock_path, e))?;
    let copy = out.join("sweep.toml");
    if std::fs::read_to_string(&copy).is_ok_and(|text| text != sweep.text) {
        return Err(io(
            &copy,
            "this folder holds another sweep than the file given: merge it with the sweep file that made it",
        ));
    }
    let missing = sweep.plans.iter().filter(|p| !is_done(sweep, out, p)).count();
    if missing > 0 {
        return Err(io(
            out,
            format!(
                "{missing} of {} runs are not complete; run the sweep (or its other shards) first",
                sweep.plans.len()
            ),
        ));
    }
    // Every file must still be what its marker says; a damaged run loses its marker, so the
    // next `mindmill sweep` redoes it.
    for p in &sweep.plans {
        let dir = run_dir(out, p.run);
        let marker = dir.join("done");
        let text = std::fs::read_to_string(&marker).map_err(|e| io(&marker, e))?;
        for (name, _, hash) in
            marker_entries(&text, &p.id, RUN_FILES.len() + sweep.spec.tables.len()).unwrap_or_default()
        {
            let path = dir.join(&name);
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
            if hash_bytes(&bytes) != hash {
                std::fs::remove_file(&marker).map_err(|e| io(&marker, e))?;
                return Err(io(
                    &path,
                    "is damaged (its hash differs from the run's marker); the marker was removed: run the sweep again to redo this run",
                ));
            }
        }
    }
    let mut frames = Vec::with_capacity(sweep.plans.len());
    for p in &sweep.plans {
        let f = run_dir(out, p.run).join("summary.parquet");
        frames.push(mindmill_export::read(&f).map_err(|e| io(&f, e))?);
    }
    let mut all = frames.remove(0);
    for f in frames {
        all.vstack_mut(&f).map_err(|e| io(out, e))?;
    }
    all.align_chunks();
    let path = out.join("runs.parquet");
    let kv = vec![
        ("mindmill.version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("mindmill.model_fingerprint".to_string(), mindmill_model::MODEL_FINGERPRINT.to_string()),
        ("mindmill.sweep".to_string(), sweep.text.clone()),
    ];
    mindmill_export::write_frame(&path, &mut all, kv, None).map_err(|e| io(&path, e))
}

/// Reads shard settings from the environment: Slurm job arrays
/// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`) or Kubernetes Indexed Jobs
/// (`JOB_COMPLETION_INDEX` with `MINDMILL_SHARD_COUNT`).
pub fn shard_from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<(u32, u32)>, String> {
    let parse = |k: &str| -> Result<Option<u32>, String> {
        get(k).map(|v| v.trim().parse::<u32>().map_err(|_| format!("{k}={v} is not a whole number"))).transpose()
    };
    let pair = match (parse("SLURM_ARRAY_TASK_ID")?, parse("SLURM_ARRAY_TASK_COUNT")?) {
        (Some(i), Some(n)) => Some((i, n)),
        (Some(_), None) => return Err("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT".into()),
        _ => match (parse("JOB_COMPLETION_INDEX")?, parse("MINDMILL_SHARD_COUNT")?) {
            (Some(i), Some(n)) => Some((i, n)),
            (Some(_), None) => {
                return Err("JOB_COMPLETION_INDEX needs MINDMILL_SHARD_COUNT (the job's completions)".into());
            }
            _ => None,
        },
    };
    match pair {
        Some((i, n)) if n == 0 || i >= n => {
            Err(format!("shard {i}/{n} is not allowed: the index must be below the count"))
        }
        other => Ok(other),
    }
}

/// Parses `I/N`.
pub fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s.split_once('/').ok_or_else(|| format!("--shard {s}: use I/N, e.g. 0/8"))?;
    let (i, n): (u32, u32) = (
        i.parse().map_err(|_| format!("--shard {s}: I is not a number"))?,
        n.parse().map_err(|_| format!("--shard {s}: N is not a number"))?,
    );
    if n == 0 || i >= n {
        return Err(format!("--shard {s}: I must be below N"));
    }
    Ok((i, n))
}

/// A word for a POSIX shell: as it is when it holds only plainly safe characters, else
/// single-quoted (a `'` inside becomes `'\''`), so a space, `$(...)` or a newline in a path
/// is data, not shell syntax.
pub fn sh_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._/+-=@%,:".contains(c);
    if !s.is_empty() && s.chars().all(plain) { s.to_string() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// What a Slurm job array asks of the cluster (`mindmill slurm`'s options).
#[derive(Debug, Clone, PartialEq)]
pub struct SlurmJob<'a> {
    /// Array tasks.
    pub tasks: u32,
    /// CPUs per task (and the sweep's threads per task).
    pub cpus: u32,
    /// Time limit per task, in Slurm's format (90, 2:00:00, 1-00:00:00).
    pub time: &'a str,
    /// Memory per task, in Slurm's format (4000, 8G, 512M).
    pub mem: &'a str,
    /// Partition(s) to submit to; none leaves the cluster's default.
    pub partition: Option<&'a str>,
    /// Account to charge; none leaves the user's default.
    pub account: Option<&'a str>,
    /// Working directory of every task: the sweep file and --out, when relative, are
    /// relative to it.
    pub workdir: &'a Path,
}

/// The Slurm job-array script for a sweep. `#SBATCH` lines are read by Slurm, not by a
/// shell, so their values cannot be quoted: `time` and `mem` must be Slurm's formats, the
/// partition and account Slurm names, and the output folder and working directory plain
/// paths; every value in the commands is shell-quoted.
pub fn sbatch(sweep_file: &Path, out: &Path, job: &SlurmJob, binary: &str) -> Result<String, String> {
    let SlurmJob { tasks, cpus, time, mem, partition, account, workdir } = *job;
    if time.is_empty() || !time.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '-') {
        return Err(format!("--time {time:?} is not allowed: a Slurm time such as 90, 2:00:00 or 1-00:00:00"));
    }
    let digits = mem.trim_end_matches(['K', 'M', 'G', 'T', 'k', 'm', 'g', 't']);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || mem.len() > digits.len() + 1 {
        return Err(format!("--mem {mem:?} is not allowed: a Slurm memory size such as 4000, 8G or 512M"));
    }
    let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.,".contains(c));
    let mut options = String::new();
    for (flag, value) in [("partition", partition), ("account", account)] {
        if let Some(v) = value {
            if !name_ok(v) {
                return Err(format!(
                    "--{flag} {v:?} is not allowed: a Slurm {flag} name of letters, digits and _-., (a comma separates several)"
                ));
            }
            options.push_str(&format!("#SBATCH --{flag}={v}\n"));
        }
    }
    let plain = |p: &Path, flag: &str| {
        let text = p.display().to_string();
        if text.chars().all(|c| c.is_ascii_alphanumeric() || "._/+-=@,:".contains(c)) {
            Ok(text)
        } else {
            Err(format!(
                "{flag} {text:?} is not allowed for a Slurm script: its #SBATCH line cannot be quoted; use a folder path of letters, digits and ._/+-=@,: only"
            ))
        }
    };
    let out_text = plain(out, "--out")?;
    let dir_text = plain(workdir, "the working directory")?;
    let (bin, sweep, out_q) = (sh_quote(binary), sh_quote(&sweep_file.display().to_string()), sh_quote(&out_text));
    Ok(format!(
        "#!/bin/bash\n\
         # mindmill sweep as a Slurm job array: every array task runs its shard of the runs\n\
         # (mindmill reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT); finished runs are skipped\n\
         # on resubmission. Submit with:  jid=$(sbatch --parsable THIS_FILE)\n\
         # then merge after the array:    sbatch --dependency=afterok:$jid --chdir={dir_text} --wrap \"{bin} merge {sweep} --out {out_q}\"\n\
         #SBATCH --job-name=mindmill-sweep\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --cpus-per-task={cpus}\n\
         #SBATCH --mem={mem}\n\
         #SBATCH --time={time}\n\
         {options}\
         #SBATCH --chdir={dir_text}\n\
         #SBATCH --output={out_text}/slurm-%A_%a.out\n\
         set -euo pipefail\n\
         {bin} sweep {sweep} --out {out_q} --threads {cpus}\n",
        last = tasks.saturating_sub(1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty scratch folder for one test, unique to this process.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mindmill-sweep-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn sbatch_quotes_commands_and_refuses_values_slurm_would_misread() {
        assert_eq!(sh_quote("/scratch/run-1"), "/scratch/run-1");
        assert_eq!(sh_quote("my sweeps/a b.toml"), "'my sweeps/a b.toml'");
        assert_eq!(sh_quote("$(touch pwned)"), "'$(touch pwned)'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        fn job<'a>(time: &'a str, mem: &'a str) -> SlurmJob<'a> {
            SlurmJob {
                tasks: 4,
                cpus: 2,
                time,
                mem,
                partition: Some("short,long"),
                account: Some("econ-ai_1"),
                workdir: Path::new("/home/me/project"),
            }
        }
        let ok = sbatch(
            Path::new("my sweeps/s.toml"),
            Path::new("/scratch/out"),
            &job("1-00:00:00", "8G"),
            "/opt/mm bin/mindmill",
        )
        .unwrap();
        assert!(ok.contains("'/opt/mm bin/mindmill' sweep 'my sweeps/s.toml' --out /scratch/out --threads 2"), "{ok}");
        for line in
            ["#SBATCH --partition=short,long\n", "#SBATCH --account=econ-ai_1\n", "#SBATCH --chdir=/home/me/project\n"]
        {
            assert!(ok.contains(line), "{line} in {ok}");
        }
        let bad =
            |time: &str, mem: &str, out: &str| sbatch(Path::new("s.toml"), Path::new(out), &job(time, mem), "mindmill");
        assert!(bad("1:00:00\n#SBATCH --partition=x", "8G", "/o").unwrap_err().contains("--time"));
        assert!(bad("1:00:00", "8GB", "/o").unwrap_err().contains("--mem"));
        assert!(bad("1:00:00", "8G", "/tmp/a b").unwrap_err().contains("--out"));
        assert!(bad("1:00:00", "8G", "/tmp/$(x)").is_err());
        let injected = SlurmJob { partition: Some("x\n#SBATCH --mem=1T"), ..job("1:00:00", "8G") };
        assert!(
            sbatch(Path::new("s.toml"), Path::new("/o"), &injected, "mindmill").unwrap_err().contains("--partition")
        );
        let spaced = SlurmJob { workdir: Path::new("/home/a b"), ..job("1:00:00", "8G") };
        assert!(
            sbatch(Path::new("s.toml"), Path::new("/o"), &spaced, "mindmill")
                .unwrap_err()
                .contains("working directory")
        );
    }

    #[test]
    fn env_shards() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(a, _)| *a == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(shard_from_env(env(&[])).unwrap(), None);
        assert_eq!(
            shard_from_env(env(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "8")])).unwrap(),
            Some((3, 8))
        );
        assert_eq!(
            shard_from_env(env(&[("JOB_COMPLETION_INDEX", "1"), ("MINDMILL_SHARD_COUNT", "4")])).unwrap(),
            Some((1, 4))
        );
        assert!(shard_from_env(env(&[("SLURM_ARRAY_TASK_ID", "8"), ("SLURM_ARRAY_TASK_COUNT", "8")])).is_err());
        assert!(shard_from_env(env(&[("JOB_COMPLETION_INDEX", "1")])).is_err());
        assert_eq!(parse_shard("2/5").unwrap(), (2, 5));
        assert!(parse_shard("5/5").is_err());
    }

    #[test]
    fn monte_carlo_draws_from_the_priors_as_a_pure_function_of_the_sweep_file() {
        let dir = scratch("priors");
        let spec = dir.join("mc.toml");
        std::fs::write(
            &spec,
            "design = \"monte_carlo\"\nsamples = 2000\ndesign_seed = 3\nseeds = [1]\nworkers = 400\noutcomes = []\n\
             [[parameters]]\npath = \"technology.training_efficiency_growth\"\ndistribution = \"lognormal\"\nlog_mean = 1.0\nlog_sd = 0.2\n\
             [[parameters]]\npath = \"providers[0].markup_max\"\ndistribution = \"triangular\"\nmin = 1.0\nmode = 1.5\nmax = 3.0\n\
             [[parameters]]\npath = \"technology.open_weight_lag_months\"\ndistribution = \"choice\"\nvalues = [3, 12]\nweights = [3, 1]\n",
        )
        .unwrap();
        let sweep = load(&spec).unwrap();
        let col = |d: usize| sweep.plans.iter().map(|p| p.values[d]).collect::<Vec<f64>>();
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        // Sample means against the priors' means (2,000 draws: within about 3 standard errors).
        let (lm, ls): (f64, f64) = (1.0, 0.2);
        let want = (lm + ls * ls / 2.0).exp();
        assert!((mean(&col(0)) - want).abs() < 0.03 * want, "lognormal mean {} vs {want}", mean(&col(0)));
        assert!((mean(&col(1)) - 5.5 / 3.0).abs() < 0.03, "triangular mean {}", mean(&col(1)));
        let share_3 = col(2).iter().filter(|v| **v == 3.0).count() as f64 / 2000.0;
        assert!((share_3 - 0.75).abs() < 0.03, "choice weights: {share_3}");
        // The draws are a pure function of the sweep file, whose whole design (values and
        // ids, not configs) every shard expands before taking its runs (tests/sweep.rs checks
        // that shards merge into the unsharded dataset): loading again gives the same values,
        // another design seed other values.
        let values = |sweep: &Sweep| sweep.plans.iter().map(|p| p.values.clone()).collect::<Vec<_>>();
        assert_eq!(values(&load(&spec).unwrap()), values(&sweep), "same file, same draws");
        let text = std::fs::read_to_string(&spec).unwrap();
        std::fs::write(&spec, text.replace("design_seed = 3", "design_seed = 4")).unwrap();
        assert_ne!(values(&load(&spec).unwrap()), values(&sweep), "another design seed, other draws");
        // A prior that cannot be drawn from is refused at load, naming the parameter.
        std::fs::write(
            &spec,
            "design = \"monte_carlo\"\nsamples = 4\nseeds = [1]\noutcomes = []\n\
             [[parameters]]\npath = \"technology.training_efficiency_growth\"\ndistribution = \"normal\"\nmean = 2.0\n",
        )
        .unwrap();
        let err = load(&spec).unwrap_err().to_string();
        assert!(err.contains("technology.training_efficiency_growth") && err.contains("needs `sd`"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sweep_files_that_would_fail_after_the_first_run_are_refused_at_load() {
        let dir = scratch("load");
        let head = "design = \"lhs\"\nsamples = 2\nseeds = [1]\n";
        let param = |p: &str| format!("[[parameters]]\npath = \"{p}\"\nmin = 1.0\nmax = 2.0\n");
        let cases = [
            (
                format!(
                    "{head}outcomes = [\"labour_share_end\", \"labour_share_end\"]\n{}",
                    param("technology.training_efficiency_growth")
                ),
                "listed twice",
            ),
            (
                format!(
                    "{head}outcomes = [\"labour_share_end\"]\n{}{}",
                    param("technology.training_efficiency_growth"),
                    param("technology.training_efficiency_growth")
                ),
                "listed twice",
            ),
            (format!("{head}outcomes = [\"labour_share_end\"]\n{}", param("run.seed")), "set by the sweep itself"),
            (
                format!(
                    "design = \"morris\"\nsamples = 2\nmorris_levels = 0\nseeds = [1]\noutcomes = [\"labour_share_end\"]\n{}",
                    param("technology.training_efficiency_growth")
                ),
                "morris_levels",
            ),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            let f = dir.join(format!("s{i}.toml"));
            std::fs::write(&f, text).unwrap();
            let e = load(&f).err().unwrap_or_else(|| panic!("case {i} loaded")).to_string();
            assert!(e.contains(want) && e.contains(&format!("s{i}.toml")), "case {i}: {e}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_run_is_built_from_the_base_and_its_values_when_it_runs() {
        let dir = scratch("lazy");
        let f = dir.join("s.toml");
        std::fs::write(
            &f,
            "design = \"lhs\"\nsamples = 6\nseeds = [1, 2]\nworkers = 400\noutcomes = []\n\
             [[parameters]]\npath = \"technology.training_efficiency_growth\"\nmin = 1.5\nmax = 4.0\n\
             [[parameters]]\npath = \"technology.open_weight_lag_months\"\nmin = 1.0\nmax = 24.0\n",
        )
        .unwrap();
        let sweep = load(&f).unwrap();
        assert_eq!(sweep.plans.len(), 12);
        let mut ids = std::collections::BTreeSet::new();
        for p in &sweep.plans {
            let c = sweep.config(p).unwrap();
            assert_eq!(c.technology.training_efficiency_growth, p.values[0]);
            // Whole-number fields are rounded in the plan's values as in the config.
            assert_eq!(c.technology.open_weight_lag_months as f64, p.values[1]);
            assert_eq!(p.values[1], p.values[1].round());
            assert_eq!((c.run.seed, c.run.workers), (p.seed, 400));
            ids.insert(p.id.clone());
        }
        assert_eq!(ids.len(), 12, "every run has its own id");
        let again = load(&f).unwrap();
        assert!(again.plans.iter().zip(&sweep.plans).all(|(a, b)| a.id == b.id), "ids are stable");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_sweep_keeps_the_run_tables_it_names() {
        let dir = scratch("tables");
        let f = dir.join("s.toml");
        std::fs::write(
            &f,
            "design = \"grid\"\nseeds = [1, 2]\nworkers = 400\nyears = 1\noutcomes = [\"labour_share_end\"]\n\
             tables = [\"tiers\", \"providers\"]\n",
        )
        .unwrap();
        let sweep = load(&f).unwrap();
        let out = dir.join("out");
        let stop = std::sync::atomic::AtomicBool::new(false);
        let done = run(&sweep, &out, None, 1, &stop, |_, _| {}).unwrap();
        assert!(done.complete);
        for p in &sweep.plans {
            let run = run_dir(&out, p.run);
            let marker = std::fs::read_to_string(run.join("done")).unwrap();
            for file in sweep.run_files() {
                assert!(marker.contains(&file), "the marker lists {file}: {marker}");
            }
            let tiers = mindmill_export::read(&run.join("tiers.parquet")).unwrap();
            assert_eq!(tiers.height(), 12 * 4, "a year of tiers A, B, C, M");
            let seeds = tiers.column("seed").unwrap().i64().unwrap();
            assert!((0..seeds.len()).all(|i| seeds.get(i) == Some(p.seed as i64)));
            assert!(run.join("providers.parquet").is_file());
            assert!(!run.join("firms.parquet").exists(), "only the tables named");
            assert!(is_done(&sweep, &out, p));
        }
        // A table that does not exist is refused at load, with the allowed names.
        std::fs::write(&f, "design = \"grid\"\nseeds = [1]\noutcomes = []\ntables = [\"wages\"]\n").unwrap();
        let e = load(&f).unwrap_err().to_string();
        assert!(e.contains("unknown table `wages`") && e.contains("tiers, providers"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_sweep_over_scenarios_runs_the_design_in_each() {
        let dir = scratch("scenarios");
        std::fs::create_dir_all(dir.join("sc")).unwrap();
        std::fs::write(dir.join("sc/steep.toml"), "[wages]\nphillips_slope = 0.9\n").unwrap();
        std::fs::write(dir.join("sc/flat.toml"), "[wages]\nphillips_slope = 0.1\n").unwrap();
        let f = dir.join("s.toml");
        std::fs::write(
            &f,
            "design = \"grid\"\nscenarios = [\"sc/steep.toml\", \"sc/flat.toml\"]\nseeds = [1, 2]\nworkers = 400\n\
             years = 1\noutcomes = [\"labour_share_end\"]\n\
             [[parameters]]\npath = \"technology.training_efficiency_growth\"\nvalues = [2.0, 3.0]\n",
        )
        .unwrap();
        let sweep = load(&f).unwrap();
        assert_eq!(sweep.plans.len(), 2 * 2 * 2, "scenarios x points x seeds");
        for p in &sweep.plans {
            let c = sweep.config(p).unwrap();
            let (name, slope) = if p.scenario == 0 { ("steep", 0.9) } else { ("flat", 0.1) };
            assert_eq!((sweep.scenario(p), c.wages.phillips_slope), (Some(name), slope));
            assert_eq!(c.technology.training_efficiency_growth, p.values[0]);
        }
        let out = dir.join("out");
        let stop = std::sync::atomic::AtomicBool::new(false);
        assert!(run(&sweep, &out, None, 1, &stop, |_, _| {}).unwrap().complete);
        let runs = mindmill_export::read(&out.join("runs.parquet")).unwrap();
        let names = runs.column("scenario").unwrap().str().unwrap().clone();
        assert_eq!(names.get(0), Some("steep"));
        assert_eq!(names.get(7), Some("flat"));
        let e = analyze_dir(&out, 10).unwrap_err().to_string();
        assert!(e.contains("runs 2 scenarios"), "{e}");
        // A base beside scenarios, and two scenarios of one name, are refused at load.
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(&f, format!("base = \"sc/flat.toml\"\n{text}")).unwrap();
        assert!(load(&f).unwrap_err().to_string().contains("not both"));
        std::fs::write(&f, text.replace("sc/flat.toml", "sc/../sc/steep.toml")).unwrap();
        assert!(load(&f).unwrap_err().to_string().contains("named `steep`"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn set_path_changes_one_field_and_checks_it() {
        let c = Config::baseline();
        let (d, _) = set_path(&c, "technology.training_efficiency_growth", 2.5, "s.toml").unwrap();
        assert_eq!(d.technology.training_efficiency_growth, 2.5);
        let (d, _) = set_path(&c, "providers[1].markup_max", 1.5, "s.toml").unwrap();
        assert_eq!(d.providers[1].markup_max, 1.5);
        let (d, _) = set_path(&c, "adoption.regulation_cap[0]", 0.5, "s.toml").unwrap();
        assert_eq!(d.adoption.regulation_cap[0], 0.5);
        let (d, v) = set_path(&c, "technology.open_weight_lag_months", 3.6, "s.toml").unwrap();
        assert_eq!((d.technology.open_weight_lag_months, v), (4, 4.0));
        assert!(set_path(&c, "technology.nope", 1.0, "s.toml").unwrap_err().to_string().contains("no key `nope`"));
        let typo = set_path(&c, "technology.training_efficency_growth", 1.0, "s.toml").unwrap_err().to_string();
        assert!(typo.contains("did you mean `training_efficiency_growth`"), "{typo}");
        assert!(set_path(&c, "run.workers", 10.0, "s.toml").unwrap_err().to_string().contains("run.workers"));
        assert!(set_path(&c, "government.income_tax", 3.0, "s.toml").is_err());
    }
}

/// One row of a sensitivity table.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// Outcome.
    pub outcome: String,
    /// Parameter path.
    pub parameter: String,
    /// Sobol first order (estimate, 2.5%, 97.5%), or NaN for Morris.
    pub first: (f64, f64, f64),
    /// Sobol total order (estimate, 2.5%, 97.5%), or NaN for Morris.
    pub total: (f64, f64, f64),
    /// Morris mu*, mu, sigma, or NaN for Sobol.
    pub morris: (f64, f64, f64),
    /// Monte Carlo: Spearman's rank correlation of the outcome with the parameter, and the
    /// outcome's 5%, 50% and 95% quantiles over the design points (NaN for other designs).
    pub monte_carlo: (f64, [f64; 3]),
}

/// Global sensitivity of every outcome of a finished sweep in `out` (Saltelli or Morris
/// design): outcomes are averaged over the replicate seeds of each design point first.
pub fn analyze_dir(out: &Path, resamples: usize) -> Result<Vec<Sensitivity>, SweepError> {
    let spec_path = out.join("sweep.toml");
    if !out.is_dir() {
        return Err(io(out, "no such folder: give the folder a finished `mindmill sweep` wrote"));
    }
    if !spec_path.exists() && out.join("aggregates.parquet").exists() {
        return Err(io(
            out,
            "this is a run folder (from `mindmill run`), not a sweep folder: analyze takes the folder a sweep wrote",
        ));
    }
    let text = std::fs::read_to_string(&spec_path).map_err(|e| io(&spec_path, e))?;
    let spec: SweepSpec = toml::from_str(&text).map_err(|e| io(&spec_path, e))?;
    let runs_path = out.join("runs.parquet");
    let df = mindmill_export::read(&runs_path)
        .map_err(|e| io(&runs_path, format!("{e}; is the sweep complete (mindmill merge)?")))?;
    if spec.scenarios.len() > 1 {
        return Err(io(
            &spec_path,
            format!(
                "this sweep runs {} scenarios, and a sensitivity analysis is of one: write one sweep file per scenario \
                 (`base = ...`) to analyze, or read runs.parquet by its `scenario` column",
                spec.scenarios.len()
            ),
        ));
    }
    let k = spec.parameters.len();
    let reps = spec.seeds.len();
    let mut rows = Vec::new();
    for o in &spec.outcomes {
        let col = df.column(o).and_then(|c| c.f64().cloned()).map_err(|e| io(&runs_path, e))?;
        let v: Vec<f64> = col.into_no_null_iter().collect();
        let y: Vec<f64> = v.chunks(reps).map(|c| c.iter().sum::<f64>() / c.len() as f64).collect();
        match spec.design {
            Design::Saltelli => {
                let s = analyze::sobol(&y, spec.samples, k, resamples, spec.design_seed ^ 0xB007);
                for (p, s) in spec.parameters.iter().zip(s) {
                    rows.push(Sensitivity {
                        outcome: o.clone(),
                        parameter: p.path.clone(),
                        first: s.first,
                        total: s.total,
                        morris: (f64::NAN, f64::NAN, f64::NAN),
                        monte_carlo: (f64::NAN, [f64::NAN; 3]),
                    });
                }
            }
            Design::Morris => {
                let x = design::morris(spec.samples, k, spec.morris_levels, spec.design_seed);
                // Effects per unit of the parameter's own range.
                for (p, m) in spec.parameters.iter().zip(analyze::morris(&x, &y, k)) {
                    rows.push(Sensitivity {
                        outcome: o.clone(),
                        parameter: p.path.clone(),
                        first: (f64::NAN, f64::NAN, f64::NAN),
                        total: (f64::NAN, f64::NAN, f64::NAN),
                        morris: (m.mu_star, m.mu, m.sigma),
                        monte_carlo: (f64::NAN, [f64::NAN; 3]),
                    });
                }
            }
            Design::MonteCarlo => {
                // The draws, recomputed from the design (a pure function of the sweep file).
                let u = design::monte_carlo(spec.samples, k, spec.design_seed);
                let q = [0.05, 0.5, 0.95].map(|p| analyze::quantile(&y, p));
                for (d, p) in spec.parameters.iter().enumerate() {
                    let prior = p.prior().map_err(|m| io(&spec_path, m))?;
                    let x: Vec<f64> = u.iter().map(|row| prior.quantile(row[d])).collect();
                    rows.push(Sensitivity {
                        outcome: o.clone(),
                        parameter: p.path.clone(),
                        first: (f64::NAN, f64::NAN, f64::NAN),
                        total: (f64::NAN, f64::NAN, f64::NAN),
                        morris: (f64::NAN, f64::NAN, f64::NAN),
                        monte_carlo: (analyze::spearman(&x, &y), q),
                    });
                }
            }
            _ => {
                return Err(io(
                    &spec_path,
                    "sensitivity analysis needs design = \"saltelli\" (Sobol), \"morris\" or \"monte_carlo\" (rank correlations)",
                ));
            }
        }
    }
    let mut t = Table::new("sensitivity");
    for r in &rows {
        t.str("outcome", &r.outcome);
        t.str("parameter", &r.parameter);
        t.f64("sobol_first", r.first.0);
        t.f64("sobol_first_lo", r.first.1);
        t.f64("sobol_first_hi", r.first.2);
        t.f64("sobol_total", r.total.0);
        t.f64("sobol_total_lo", r.total.1);
        t.f64("sobol_total_hi", r.total.2);
        t.f64("morris_mu_star", r.morris.0);
        t.f64("morris_mu", r.morris.1);
        t.f64("morris_sigma", r.morris.2);
        t.f64("spearman_rank_correlation", r.monte_carlo.0);
        t.f64("outcome_q05", r.monte_carlo.1[0]);
        t.f64("outcome_q50", r.monte_carlo.1[1]);
        t.f64("outcome_q95", r.monte_carlo.1[2]);
    }
    let metadata = vec![
        ("mindmill.version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("mindmill.model_fingerprint".to_string(), mindmill_model::MODEL_FINGERPRINT.to_string()),
        ("mindmill.sweep".to_string(), text),
    ];
    mindmill_export::write_table(out, &t, &metadata).map_err(|e| io(out, e))?;
    Ok(rows)
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Arbitrary sweep files never panic the loader; errors name the file.
        #[test]
        fn any_sweep_text_is_checked_without_panic(text in "\\PC{0,160}", design in 0..4usize) {
            let designs = ["grid", "lhs", "saltelli", "morris"];
            let path = std::env::temp_dir().join(format!("mindmill-prop-{}.toml", std::process::id()));
            std::fs::write(&path, format!("design = \"{}\"\n{text}", designs[design])).unwrap();
            if let Err(e) = load(&path) {
                prop_assert!(e.to_string().contains("mindmill-prop-") || matches!(e, SweepError::Config(_)), "{}", e);
            }
        }
    }
}
