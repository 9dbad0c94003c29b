//! Charts and a self-contained HTML report comparing mindmill runs, scenarios and sweeps.
//!
//! Each input folder is one series: a run folder (`aggregates.parquet`) is one trajectory;
//! a sweep folder (`runs/run=*/timeseries.parquet`) is many, drawn as the median with a
//! 10-90% band. Every chart is written as PNG and SVG; `report.html` inlines the SVGs so it
//! opens anywhere without network access.

use plotters::prelude::*;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// A report failure, naming the path.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The folder does not exist.
    #[error("{0}: no such folder (give a run folder from `mindmill run` or a sweep folder from `mindmill sweep`)")]
    Missing(PathBuf),
    /// A folder holds neither a run nor a sweep.
    #[error("{0}: not a mindmill run folder (aggregates.parquet) or sweep folder (runs/run=*/timeseries.parquet)")]
    NotARun(PathBuf),
    /// A sweep folder whose runs are not all done and merged.
    #[error("{}: {done} runs are done{}; finish the sweep (rerun `mindmill sweep`, or `mindmill merge` after its shards) before the report", dir.display(), expected.map_or(" and the sweep is not merged (no runs.parquet)".to_string(), |e| format!(" of {e}")))]
    Incomplete {
        /// The sweep folder.
        dir: PathBuf,
        /// Runs with a marker and a time series.
        done: usize,
        /// Runs in runs.parquet, if merged.
        expected: Option<usize>,
    },
    /// Reading failed.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What happened.
        message: String,
    },
    /// Drawing or writing failed.
    #[error("{path}: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What happened.
        message: String,
    },
}

/// One input: a label and its trajectories (column name -> values), all on the same ticks.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend label (the folder name).
    pub label: String,
    /// Calendar time of each tick (year + (month - 1) / 12).
    pub time: Vec<f64>,
    /// One map per trajectory.
    pub runs: Vec<Vec<(String, Vec<f64>)>>,
    /// Provenance: mindmill version and seeds.
    pub provenance: String,
    /// The resolved config of its (first) run, as TOML (the `mindmill.config` metadata).
    pub config: String,
    /// A run folder's providers (from `providers.parquet`), each as a series of its own
    /// with the columns of `PROVIDER_COLUMNS`; empty for a sweep (its runs keep only the
    /// aggregates).
    pub providers: Vec<Series>,
}

/// Per-provider columns the provider charts draw, derived from `providers.parquet`:
/// (column, the provider columns summed into it).
pub const PROVIDER_COLUMNS: [(&str, &[&str]); 3] = [
    (
        "ai_revenue_usd_month",
        &[
            "revenue_subscription_usd_month",
            "revenue_api_usd_month",
            "revenue_enterprise_usd_month",
            "revenue_bundled_ai_usd_month",
        ],
    ),
    (
        "cash_costs_usd_month",
        &[
            "energy_cost_usd_month",
            "staff_cost_usd_month",
            "ai_tax_usd_month",
            "capex_usd_month",
            "building_spending_usd_month",
        ],
    ),
    ("cumulative_cash_flow_usd", &["cumulative_cash_flow_usd"]),
];

/// Each provider of a run's `providers.parquet` as a series (label = its name), with the
/// payback month in its provenance.
fn read_providers(path: &Path, time: &[f64], config: &str) -> Result<Vec<Series>, ReportError> {
    let err = |m: String| ReportError::Read { path: path.to_path_buf(), message: m };
    let df = mindmill_export::read(path).map_err(|e| err(e.to_string()))?;
    let f64s = |name: &str| f64_column(&df, name, path);
    let names: Vec<String> = {
        let c = df.column("provider").map_err(|e| err(e.to_string()))?;
        let c = c.cast(&DataType::String).map_err(|e| err(e.to_string()))?;
        c.str().map_err(|e| err(e.to_string()))?.iter().map(|v| v.unwrap_or("").to_string()).collect()
    };
    let mut order: Vec<String> = Vec::new();
    for n in &names {
        if !order.contains(n) {
            order.push(n.clone());
        }
    }
    let payback = f64s("payback_tick")?;
    let mut sums = Vec::new();
    for (col, parts) in PROVIDER_COLUMNS {
        let mut total = vec![0.0; names.len()];
        for part in parts {
            for (t, v) in total.iter_mut().zip(f64s(part)?) {
                *t += v;
            }
        }
        sums.push((col, total));
    }
    let mut out = Vec::new();
    for name in order {
        let rows: Vec<usize> = (0..names.len()).filter(|&i| names[i] == name).collect();
        if rows.len() != time.len() {
            return Err(err(format!("provider {name} has {} months where the run has {}", rows.len(), time.len())));
        }
        let cols = sums.iter().map(|(c, v)| (c.to_string(), rows.iter().map(|&i| v[i]).collect())).collect();
        let last = payback[*rows.last().expect("a run has months")];
        let paid = if last >= 0.0 {
            let t = time[last as usize];
            format!("{:.0}-{:02.0}", t.floor(), (t.fract() * 12.0).round() + 1.0)
        } else {
            "none".to_string()
        };
        out.push(Series {
            label: name,
            time: time.to_vec(),
            runs: vec![cols],
            provenance: paid,
            config: config.to_string(),
            providers: Vec::new(),
        });
    }
    Ok(out)
}

/// The per-provider charts, drawn for each run input: one line per provider.
pub fn provider_charts() -> Vec<Chart> {
    let c = |name, title, y_label, caption, col, scale| Chart {
        name,
        title,
        y_label,
        caption,
        kind: Kind::Lines(col),
        log_y: false,
        scale,
    };
    vec![
        c(
            "provider_ai_revenue_by_provider",
            "AI revenue by provider",
            "billion USD per month",
            "Subscriptions, metered API, enterprise contracts and a platform's bundled AI (the part of its product revenue its AI adds), per provider.",
            "ai_revenue_usd_month",
            1e-9,
        ),
        c(
            "provider_costs_by_provider",
            "Cash costs by provider",
            "billion USD per month",
            "Energy, staff, tax on AI profit, GPU purchases and datacenter buildings, per provider: what its cumulative cash flow subtracts.",
            "cash_costs_usd_month",
            1e-9,
        ),
        c(
            "provider_cash_flow_by_provider",
            "Cumulative cash flow by provider",
            "billion USD",
            "Each provider's AI business from minus its installed fleet's cost; dotted lines mark a provider's payback month (first month at or above zero), listed in the table.",
            "cumulative_cash_flow_usd",
            1e-9,
        ),
    ]
}

/// Columns the charts use.
pub const COLUMNS: &[&str] = &[
    "real_wage_a_usd_month_start_prices",
    "real_wage_b_usd_month_start_prices",
    "real_wage_c_usd_month_start_prices",
    "real_wage_m_usd_month_start_prices",
    "employment_a_persons",
    "employment_b_persons",
    "employment_c_persons",
    "employment_m_persons",
    "automation_share_a",
    "automation_share_b",
    "automation_share_c",
    "ai_cost_usd_per_unit_fixed_capability",
    "new_gpu_flops_per_watt",
    "provider_revenue_subscription_usd_month",
    "provider_revenue_api_usd_month",
    "provider_revenue_enterprise_usd_month",
    "provider_revenue_platform_usd_month",
    "provider_energy_cost_usd_month",
    "provider_depreciation_usd_month",
    "provider_capex_usd_month",
    "provider_cumulative_cash_flow_usd",
    "datacenter_energy_mwh",
    "labour_share",
    "surplus_share_firms",
    "surplus_share_providers",
    "surplus_share_compute",
    "surplus_share_energy",
    "surplus_share_government",
    "surplus_share_finance",
    "rate_of_surplus_value",
    "profit_rate",
    "unemployment_rate",
    "output_units",
    "price_level",
];

/// Column `name` of `df` (read from `path`) as f64, nulls as NaN.
fn f64_column(df: &DataFrame, name: &str, path: &Path) -> Result<Vec<f64>, ReportError> {
    let err = |m: String| ReportError::Read { path: path.to_path_buf(), message: m };
    let c = df.column(name).map_err(|e| err(e.to_string()))?;
    let c = c.cast(&DataType::Float64).map_err(|e| err(e.to_string()))?;
    Ok(c.f64().map_err(|e| err(e.to_string()))?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A run file's ticks, chart columns, provenance line and resolved config.
type Frame = (Vec<f64>, Vec<(String, Vec<f64>)>, String, String);

fn read_frame(path: &Path) -> Result<Frame, ReportError> {
    let err = |m: String| ReportError::Read { path: path.to_path_buf(), message: m };
    let df = mindmill_export::read(path).map_err(|e| err(e.to_string()))?;
    let get = |name: &str| f64_column(&df, name, path);
    let (year, month) = (get("year")?, get("month")?);
    let time = year.iter().zip(&month).map(|(y, m)| y + (m - 1.0) / 12.0).collect();
    let cols = COLUMNS.iter().map(|c| Ok((c.to_string(), get(c)?))).collect::<Result<Vec<_>, ReportError>>()?;
    let md = mindmill_export::read_metadata(path).map_err(|e| err(e.to_string()))?;
    let get_md = |k: &str| md.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let provenance = format!("mindmill {}, seed {}", get_md("mindmill.version"), get_md("mindmill.seed"));
    Ok((time, cols, provenance, get_md("mindmill.config")))
}

/// Gives series that share a label (folders of one name under different parents) the
/// label `parent/name`, and numbers any that still share one, so every legend entry differs.
pub fn distinct_labels(series: &mut [Series], dirs: &[PathBuf]) {
    let dup = |s: &[Series], i: usize| s.iter().enumerate().any(|(j, o)| j != i && o.label == s[i].label);
    let clash: Vec<bool> = (0..series.len()).map(|i| dup(series, i)).collect();
    for (i, d) in dirs.iter().enumerate() {
        if clash[i] {
            let parent = d.parent().and_then(|p| p.file_name()).map(|p| p.to_string_lossy().into_owned());
            if let Some(p) = parent {
                series[i].label = format!("{p}/{}", series[i].label);
            }
        }
    }
    for i in 1..series.len() {
        if series[..i].iter().any(|o| o.label == series[i].label) {
            series[i].label = format!("{} ({})", series[i].label, i + 1);
        }
    }
}

/// Loads a run or sweep folder: one series, or for a sweep over several scenarios one per
/// scenario (labelled `folder [scenario]`), since one band cannot mix scenarios.
pub fn load(dir: &Path) -> Result<Vec<Series>, ReportError> {
    let label = dir.file_name().map_or("run".to_string(), |n| n.to_string_lossy().into_owned());
    if !dir.is_dir() {
        return Err(ReportError::Missing(dir.to_path_buf()));
    }
    let run = dir.join("aggregates.parquet");
    if run.exists() {
        let (time, cols, provenance, config) = read_frame(&run)?;
        let providers = read_providers(&dir.join("providers.parquet"), &time, &config)?;
        return Ok(vec![Series { label, time, runs: vec![cols], provenance, config, providers }]);
    }
    let runs_dir = dir.join("runs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&runs_dir)
        .map_err(|_| ReportError::NotARun(dir.to_path_buf()))?
        .filter_map(|e| e.ok().map(|e| e.path().join("timeseries.parquet")))
        .filter(|p| p.exists() && p.parent().is_some_and(|d| d.join("done").exists()))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ReportError::NotARun(dir.to_path_buf()));
    }
    // A sweep is drawn only when it is complete (merged: runs.parquet lists every run), so a
    // deleted or unfinished run cannot silently drop out of its band.
    let merged = dir.join("runs.parquet");
    let index = mindmill_export::read(&merged).map_err(|_| ReportError::Incomplete {
        dir: dir.to_path_buf(),
        done: files.len(),
        expected: None,
    })?;
    let expected = index.height();
    // Runs in run order, as the files sort (run=NNNNNN); a sweep over scenarios names each.
    let scenarios: Option<Vec<String>> = index
        .column("scenario")
        .ok()
        .and_then(|c| c.str().ok().map(|s| (0..s.len()).map(|i| s.get(i).unwrap_or("").to_string()).collect()));
    if files.len() != expected {
        return Err(ReportError::Incomplete { dir: dir.to_path_buf(), done: files.len(), expected: Some(expected) });
    }
    // One group per scenario in order of first appearance (one group for a plain sweep),
    // each with its first run's config.
    let mut groups: Vec<(Option<String>, Vec<Vec<(String, Vec<f64>)>>, String)> = Vec::new();
    let mut time = Vec::new();
    let mut provenance = String::new();
    for (i, f) in files.iter().enumerate() {
        let (t, cols, p, c) = read_frame(f)?;
        if time.is_empty() {
            time = t;
            provenance = p.split(", seed").next().unwrap_or("").to_string();
        }
        if cols[0].1.len() != time.len() {
            // A sweep over `run.years`: one band cannot hold runs of different horizons.
            return Err(ReportError::Read {
                path: f.clone(),
                message: format!(
                    "has {} months where the sweep's first run has {}: runs of different horizons cannot share a band; report them as separate run folders",
                    cols[0].1.len(),
                    time.len()
                ),
            });
        }
        let name = scenarios.as_ref().map(|n| n[i].clone());
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => g.1.push(cols),
            None => groups.push((name, vec![cols], c)),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(name, runs, config)| {
            let (label, what) = match &name {
                Some(n) => (format!("{label} [{n}]"), format!(", scenario {n}, {} runs", runs.len())),
                None => (label.clone(), format!(", {} runs", runs.len())),
            };
            Series {
                label,
                time: time.clone(),
                runs,
                provenance: format!("{provenance}{what}"),
                config,
                providers: Vec::new(),
            }
        })
        .collect())
}

/// Median and 10-90% band of a column over a series' runs, per tick.
pub fn band(s: &Series, column: &str) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let cols: Vec<&Vec<f64>> =
        s.runs.iter().filter_map(|r| r.iter().find(|(n, _)| n == column).map(|(_, v)| v)).collect();
    let n = s.time.len();
    let (mut med, mut lo, mut hi) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for t in 0..n {
        let mut v: Vec<f64> = cols.iter().map(|c| c[t]).filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let q = |p: f64| if v.is_empty() { f64::NAN } else { v[((v.len() - 1) as f64 * p).round() as usize] };
        med.push(q(0.5));
        lo.push(q(0.1));
        hi.push(q(0.9));
    }
    (med, lo, hi)
}

/// Colour-blind-safe palette (Okabe & Ito 2008).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// A chart description.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem.
    pub name: &'static str,
    /// Title.
    pub title: &'static str,
    /// Y axis label with unit.
    pub y_label: &'static str,
    /// Text under the chart.
    pub caption: &'static str,
    /// Columns: one line per series (Lines) or the layers of a stacked area (Stack).
    pub kind: Kind,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// Scale applied to values before drawing (e.g. 1e-9 for billions).
    pub scale: f64,
}

/// What a chart draws.
#[derive(Debug, Clone)]
pub enum Kind {
    /// One column, one line (median and band) per series.
    Lines(&'static str),
    /// Stacked areas of several columns, one chart per series.
    Stack(&'static [(&'static str, &'static str)]),
}

/// The report's charts, in page order.
pub fn charts() -> Vec<Chart> {
    use Kind::*;
    let c =
        |name, title, y_label, caption, kind, log_y, scale| Chart { name, title, y_label, caption, kind, log_y, scale };
    vec![
        c(
            "real_wage_a",
            "Real wage, tier A (routine knowledge work)",
            "USD per month, start prices",
            "Mean wage of employed tier A workers deflated by the consumer price index. Tier A tasks are automated first; its nominal wage is capped near the AI cost of the same work.",
            Lines("real_wage_a_usd_month_start_prices"),
            false,
            1.0,
        ),
        c(
            "real_wage_b",
            "Real wage, tier B (managing and checking AI)",
            "USD per month, start prices",
            "Tier B gains oversight tasks as AI spreads, then is compressed as capability grows.",
            Lines("real_wage_b_usd_month_start_prices"),
            false,
            1.0,
        ),
        c(
            "real_wage_c",
            "Real wage, tier C (judgement and relationships)",
            "USD per month, start prices",
            "Tier C work is least delegable; its real wage follows prices and productivity.",
            Lines("real_wage_c_usd_month_start_prices"),
            false,
            1.0,
        ),
        c(
            "real_wage_m",
            "Real wage, tier M (manual and in-person work)",
            "USD per month, start prices",
            "Work that LLMs barely touch.",
            Lines("real_wage_m_usd_month_start_prices"),
            false,
            1.0,
        ),
        c(
            "employment_a",
            "Employment, tier A",
            "million persons",
            "Employed persons in tier A occupations.",
            Lines("employment_a_persons"),
            false,
            1e-6,
        ),
        c(
            "employment_b",
            "Employment, tier B",
            "million persons",
            "Employed persons in tier B occupations.",
            Lines("employment_b_persons"),
            false,
            1e-6,
        ),
        c(
            "employment_c",
            "Employment, tier C",
            "million persons",
            "Employed persons in tier C occupations.",
            Lines("employment_c_persons"),
            false,
            1e-6,
        ),
        c(
            "employment_m",
            "Employment, tier M",
            "million persons",
            "Employed persons in tier M occupations.",
            Lines("employment_m_persons"),
            false,
            1e-6,
        ),
        c(
            "automation_a",
            "AI share of tier A tasks",
            "share of tasks",
            "Task-weighted share of tier A tasks done by AI across firms.",
            Lines("automation_share_a"),
            false,
            1.0,
        ),
        c(
            "automation_b",
            "AI share of tier B tasks",
            "share of tasks",
            "Task-weighted share of tier B tasks (incl. oversight tasks) done by AI.",
            Lines("automation_share_b"),
            false,
            1.0,
        ),
        c(
            "automation_c",
            "AI share of tier C tasks",
            "share of tasks",
            "Task-weighted share of tier C tasks done by AI.",
            Lines("automation_share_c"),
            false,
            1.0,
        ),
        c(
            "ai_cost",
            "Cost of a unit of AI work at 2025 capability",
            "USD per worker-month of AI work (log scale)",
            "Marginal cost of the AI work that replaces one worker-month of tasks, at fixed 2025 capability: hardware, energy and algorithmic efficiency.",
            Lines("ai_cost_usd_per_unit_fixed_capability"),
            true,
            1.0,
        ),
        c(
            "chip_efficiency",
            "Energy efficiency of new GPUs",
            "FLOP/s per watt (log scale)",
            "Peak 16-bit FLOP/s per watt of IT power of a GPU bought in the month.",
            Lines("new_gpu_flops_per_watt"),
            true,
            1.0,
        ),
        c(
            "provider_revenue",
            "AI providers' revenue by stream",
            "billion USD per month",
            "Subscriptions, metered API, enterprise contracts and platforms' bundled products (the median run of each input).",
            Stack(&[
                ("provider_revenue_subscription_usd_month", "subscriptions"),
                ("provider_revenue_api_usd_month", "API"),
                ("provider_revenue_enterprise_usd_month", "enterprise"),
                ("provider_revenue_platform_usd_month", "platform products"),
            ]),
            false,
            1e-9,
        ),
        c(
            "provider_costs",
            "AI providers' costs and capex",
            "billion USD per month",
            "Energy, GPU depreciation and GPU purchases, stacked (the median run of each input).",
            Stack(&[
                ("provider_energy_cost_usd_month", "energy"),
                ("provider_depreciation_usd_month", "depreciation"),
                ("provider_capex_usd_month", "capex"),
            ]),
            false,
            1e-9,
        ),
        c(
            "provider_cash_flow",
            "AI providers' cumulative cash flow",
            "billion USD",
            "Revenue minus energy, tax and capex since 2025, starting from minus the installed fleet's cost. The dotted line marks the payback month (first month at or above zero) of the first input, if any.",
            Lines("provider_cumulative_cash_flow_usd"),
            false,
            1e-9,
        ),
        c(
            "datacenter_capex",
            "Datacenter capex",
            "billion USD per month",
            "GPU purchases by all providers.",
            Lines("provider_capex_usd_month"),
            false,
            1e-9,
        ),
        c(
            "datacenter_energy",
            "Datacenter energy",
            "TWh per month",
            "Facility energy of all datacenters.",
            Lines("datacenter_energy_mwh"),
            false,
            1e-6,
        ),
        c(
            "labour_share",
            "Labour share of GDP",
            "share",
            "Gross wages over gross value added.",
            Lines("labour_share"),
            false,
            1.0,
        ),
        c(
            "surplus_split",
            "Who captures the surplus",
            "share of surplus value s",
            "Split of s = GDP - depreciation - wages among adopting firms' profits, providers' margins, compute rents, energy rents, taxes and interest (banks and bondholders). Negative provider margins appear below zero.",
            Stack(&[
                ("surplus_share_firms", "firms"),
                ("surplus_share_providers", "providers"),
                ("surplus_share_compute", "compute rents"),
                ("surplus_share_energy", "energy rents"),
                ("surplus_share_government", "government"),
                ("surplus_share_finance", "interest"),
            ]),
            false,
            1.0,
        ),
        c(
            "rate_of_surplus_value",
            "Rate of surplus value s/v",
            "ratio",
            "Surplus value over wages (Marx).",
            Lines("rate_of_surplus_value"),
            false,
            1.0,
        ),
        c(
            "profit_rate",
            "Profit rate s/(c+v)",
            "ratio, monthly flows",
            "Surplus value over constant capital (AI services, energy, depreciation) plus wages.",
            Lines("profit_rate"),
            false,
            1.0,
        ),
        c(
            "unemployment",
            "Unemployment rate",
            "share of the labour force",
            "Unemployed and retraining workers over the labour force.",
            Lines("unemployment_rate"),
            false,
            1.0,
        ),
        c(
            "output",
            "Real output",
            "trillion units per month (start prices)",
            "Output of client firms at start prices.",
            Lines("output_units"),
            false,
            1e-12,
        ),
    ]
}

/// The corner of the plot whose legend box (one row per entry) covers the fewest data points;
/// `points` are in plot coordinates scaled to 0..1 on both axes. Ties go to the upper left,
/// then upper right, lower right, lower left.
pub fn legend_corner(points: &[(f64, f64)], entries: usize) -> SeriesLabelPosition {
    let (w, h) = (0.34, (0.06 + 0.055 * entries as f64).min(0.9));
    let corners = [
        (SeriesLabelPosition::UpperLeft, 0.0, 1.0 - h),
        (SeriesLabelPosition::UpperRight, 1.0 - w, 1.0 - h),
        (SeriesLabelPosition::LowerRight, 1.0 - w, 0.0),
        (SeriesLabelPosition::LowerLeft, 0.0, 0.0),
    ];
    let covered = |x0: f64, y0: f64| {
        points.iter().filter(|(x, y)| (x0..=x0 + w).contains(x) && (y0..=y0 + h).contains(y)).count()
    };
    let mut best = (usize::MAX, SeriesLabelPosition::UpperLeft);
    for (pos, x0, y0) in corners {
        let n = covered(x0, y0);
        if n < best.0 {
            best = (n, pos);
        }
    }
    best.1
}

/// A number for a label or a table: thousands separated above 1,000, three significant
/// digits below, scientific notation beyond 10^7 and below 10^-3.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e7).contains(&a) {
        format!("{x:.2e}")
    } else if a >= 1000.0 {
        let digits = format!("{:.0}", a);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        format!("{x:.decimals$}")
    }
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    chart: &Chart,
    title: &str,
    series: &[Series],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let t0 = series.iter().flat_map(|s| s.time.first().copied()).fold(f64::INFINITY, f64::min);
    let t1 = series.iter().flat_map(|s| s.time.last().copied()).fold(f64::NEG_INFINITY, f64::max);
    // Data to draw: lines with bands, or stacked layers.
    let mut lines: Vec<(String, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut layers: Vec<(String, Vec<f64>, Vec<f64>, Vec<f64>)> = Vec::new();
    match &chart.kind {
        Kind::Lines(col) => {
            for s in series {
                let (m, l, h) = band(s, col);
                let sc = |v: Vec<f64>| v.into_iter().map(|x| x * chart.scale).collect::<Vec<_>>();
                lines.push((s.label.clone(), s.time.clone(), sc(m), sc(l), sc(h)));
            }
        }
        Kind::Stack(cols) => {
            let s = &series[0];
            let mut pos = vec![0.0; s.time.len()];
            let mut neg = vec![0.0; s.time.len()];
            for (col, name) in cols.iter() {
                let (m, _, _) = band(s, col);
                let (mut lo, mut hi) = (vec![0.0; m.len()], vec![0.0; m.len()]);
                for t in 0..m.len() {
                    let v = m[t] * chart.scale;
                    if v >= 0.0 {
                        lo[t] = pos[t];
                        pos[t] += v;
                        hi[t] = pos[t];
                    } else {
                        hi[t] = neg[t];
                        neg[t] += v;
                        lo[t] = neg[t];
                    }
                }
                layers.push((name.to_string(), s.time.clone(), lo, hi));
            }
        }
    }
    let values = lines
        .iter()
        .flat_map(|l| l.2.iter().chain(&l.3).chain(&l.4))
        .chain(layers.iter().flat_map(|l| l.2.iter().chain(&l.3)))
        .copied()
        .filter(|v| v.is_finite() && (!chart.log_y || *v > 0.0));
    let (mut y0, mut y1) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !y0.is_finite() {
        (y0, y1) = (0.0, 1.0);
    }
    if y1 - y0 < 1e-12 {
        y1 = y0 + 1.0;
    }
    // Stacked areas fill every corner: leave room above them for the legend.
    if !layers.is_empty() {
        let h = (0.06 + 0.055 * layers.len() as f64).min(0.5);
        y1 += (y1 - y0) * h / (1.0 - h);
    }
    let pad = 0.05 * (y1 - y0);
    // The legend goes in the corner that hides the least data (issue 18: legends covered 2025).
    let (ylo, yhi) = if chart.log_y { ((y0 * 0.9).max(1e-300).ln(), (y1 * 1.1).ln()) } else { (y0 - pad, y1 + pad) };
    let norm = |t: f64, v: f64| {
        let v = if chart.log_y { v.max(1e-300).ln() } else { v };
        ((t - t0) / (t1 - t0).max(1e-12), (v - ylo) / (yhi - ylo).max(1e-12))
    };
    let mut points: Vec<(f64, f64)> = Vec::new();
    for (_, t, m, l, h) in &lines {
        for i in 0..t.len() {
            for v in [m[i], l[i], h[i]] {
                if v.is_finite() {
                    points.push(norm(t[i], v));
                }
            }
        }
    }
    for (_, t, lo, hi) in &layers {
        for i in 0..t.len() {
            // A filled layer covers everything between its edges: sample it.
            for k in 0..=4 {
                let v = lo[i] + (hi[i] - lo[i]) * k as f64 / 4.0;
                if v.is_finite() {
                    points.push(norm(t[i], v));
                }
            }
        }
    }
    let corner = legend_corner(&points, lines.len() + layers.len());
    let caption_style = ("sans-serif", 22).into_font();
    let mut builder = ChartBuilder::on(&root);
    builder.caption(title, caption_style).margin(12).x_label_area_size(40).y_label_area_size(80);
    macro_rules! finish {
        ($ctx:expr) => {{
            let mut ctx = $ctx;
            ctx.configure_mesh()
                .x_desc("year")
                .y_desc(chart.y_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| fmt_num(*y))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(|e| e.to_string())?;
            for (i, (label, t, m, l, h)) in lines.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                if h.iter().zip(l).any(|(a, b)| a != b) {
                    let upper: Vec<(f64, f64)> = t.iter().copied().zip(h.iter().copied()).collect();
                    let lower: Vec<(f64, f64)> = t.iter().copied().zip(l.iter().copied()).rev().collect();
                    ctx.draw_series(std::iter::once(Polygon::new(
                        upper.into_iter().chain(lower).collect::<Vec<_>>(),
                        colour.mix(0.18).filled(),
                    )))
                    .map_err(|e| e.to_string())?;
                }
                ctx.draw_series(LineSeries::new(t.iter().copied().zip(m.iter().copied()), colour.stroke_width(2)))
                    .map_err(|e| e.to_string())?
                    .label(label.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3)));
            }
            for (i, (label, t, lo, hi)) in layers.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                let upper: Vec<(f64, f64)> = t.iter().copied().zip(hi.iter().copied()).collect();
                let lower: Vec<(f64, f64)> = t.iter().copied().zip(lo.iter().copied()).rev().collect();
                ctx.draw_series(std::iter::once(Polygon::new(
                    upper.into_iter().chain(lower).collect::<Vec<_>>(),
                    colour.mix(0.75).filled(),
                )))
                .map_err(|e| e.to_string())?
                .label(label.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], colour.filled()));
            }
            // Payback months: the first input's on the total, every provider's on the
            // per-provider chart, each in its line's colour.
            let marked = match chart.name {
                "provider_cash_flow" => 1,
                "provider_cash_flow_by_provider" => lines.len(),
                _ => 0,
            };
            for (i, (_, t, m, _, _)) in lines.iter().enumerate().take(marked) {
                if let Some(k) = m.iter().position(|v| *v >= 0.0) {
                    let x = t[k];
                    let colour = if chart.name == "provider_cash_flow" { BLACK } else { PALETTE[i % PALETTE.len()] };
                    ctx.draw_series(DashedLineSeries::new(
                        vec![(x, y0 - pad), (x, y1 + pad)],
                        6,
                        4,
                        colour.stroke_width(1),
                    ))
                    .map_err(|e| e.to_string())?;
                }
            }
            ctx.configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .position(corner.clone())
                .label_font(("sans-serif", 14))
                .draw()
                .map_err(|e| e.to_string())?;
        }};
    }
    if chart.log_y {
        finish!(
            builder
                .build_cartesian_2d(t0..t1, ((y0 * 0.9).max(1e-300)..(y1 * 1.1)).log_scale())
                .map_err(|e| e.to_string())?
        );
    } else {
        finish!(builder.build_cartesian_2d(t0..t1, (y0 - pad)..(y1 + pad)).map_err(|e| e.to_string())?);
    }
    root.present().map_err(|e| e.to_string())
}

static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// The median over a series' runs of `column` at the start, in December 2030 (when the run
/// covers it) and at the end.
pub fn key_numbers(s: &Series, column: &str) -> [f64; 3] {
    let (m, _, _) = band(s, column);
    let at_2030 = s.time.iter().rposition(|t| *t < 2031.0 - 1e-9).filter(|&i| s.time[i] >= 2030.0 - 1e-9);
    [m.first().copied().unwrap_or(f64::NAN), at_2030.map_or(f64::NAN, |i| m[i]), m.last().copied().unwrap_or(f64::NAN)]
}

/// A key-number table row: `label`, then the start, December 2030 and end of `column`
/// times `scale`.
fn key_row(label: &str, s: &Series, column: &str, scale: f64) -> Vec<String> {
    std::iter::once(label.to_string()).chain(key_numbers(s, column).iter().map(|x| fmt_num(x * scale))).collect()
}

/// Every leaf of a TOML value as (dotted path, value), arrays of tables by index.
fn flatten(v: &toml::Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                flatten(x, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out);
            }
        }
        // An empty list has no leaves: beside another input's list of tables it reads as absent.
        toml::Value::Array(a) if a.is_empty() => {}
        toml::Value::Array(a) if a.iter().any(|x| x.is_table()) => {
            for (i, x) in a.iter().enumerate() {
                flatten(x, &format!("{path}[{i}]"), out);
            }
        }
        other => out.push((path.to_string(), other.to_string())),
    }
}

/// The config keys whose values differ between the inputs: (key, value per input; "-" where
/// an input lacks the key), in key order. Empty for one input or unreadable configs.
pub fn config_diff(series: &[Series]) -> Vec<(String, Vec<String>)> {
    if series.len() < 2 {
        return Vec::new();
    }
    let flat: Vec<std::collections::BTreeMap<String, String>> = series
        .iter()
        .map(|s| {
            let mut out = Vec::new();
            if let Ok(t) = s.config.parse::<toml::Table>() {
                flatten(&toml::Value::Table(t), "", &mut out);
            }
            out.into_iter().collect()
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> = flat.iter().flat_map(|m| m.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let vals: Vec<String> = flat.iter().map(|m| m.get(k).cloned().unwrap_or_else(|| "-".into())).collect();
            vals.iter().any(|v| *v != vals[0]).then(|| (k.clone(), vals))
        })
        .collect()
}

/// The outcomes the page opens with: (label, column, scale).
const SUMMARY: [(&str, &str, f64); 7] = [
    ("unemployment rate", "unemployment_rate", 1.0),
    ("labour share", "labour_share", 1.0),
    ("tier A automation", "automation_share_a", 1.0),
    ("real wage A (USD/month)", "real_wage_a_usd_month_start_prices", 1.0),
    ("real wage C (USD/month)", "real_wage_c_usd_month_start_prices", 1.0),
    ("price level", "price_level", 1.0),
    ("providers' cash flow (bn USD)", "provider_cumulative_cash_flow_usd", 1e-9),
];

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let cell = |tag: &str, x: &String| format!("<{tag}>{}</{tag}>", html_escape(x));
    let head: String = header.iter().map(|h| cell("th", h)).collect();
    let body: String =
        rows.iter().map(|r| format!("<tr>{}</tr>", r.iter().map(|x| cell("td", x)).collect::<String>())).collect();
    format!("<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n")
}

/// Draws `chart` of `inputs` as `dir/stem.png` and `.svg` (both added to `files`) and returns
/// its HTML figure: the SVG inline, the caption and the table of key numbers.
#[allow(clippy::too_many_arguments)]
fn figure(
    dir: &Path,
    stem: &str,
    title: &str,
    chart: &Chart,
    inputs: &[Series],
    header: &[String],
    rows: &[Vec<String>],
    files: &mut Vec<PathBuf>,
) -> Result<String, ReportError> {
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    let werr = |p: &Path, m: String| ReportError::Write { path: p.to_path_buf(), message: m };
    draw(BitMapBackend::new(&png, (960, 540)).into_drawing_area(), chart, title, inputs).map_err(|m| werr(&png, m))?;
    let mut svg_text = String::new();
    draw(SVGBackend::with_string(&mut svg_text, (960, 540)).into_drawing_area(), chart, title, inputs)
        .map_err(|m| werr(&svg, m))?;
    std::fs::write(&svg, &svg_text).map_err(|e| werr(&svg, e.to_string()))?;
    files.push(png);
    files.push(svg);
    Ok(format!(
        "<figure id=\"{stem}\">{}<figcaption>{} ({})</figcaption>{}</figure>\n",
        svg_text.trim_start_matches(|c| c != '<'),
        html_escape(chart.caption),
        html_escape(chart.y_label),
        table(header, rows)
    ))
}

/// Writes every chart as PNG and SVG under `out/charts/` and `out/report.html`: a summary
/// table and the config keys that differ between the inputs first, then each chart with its
/// caption and a table of its key numbers (start, December 2030, end). A stacked chart is
/// drawn once per input. Returns the chart files written.
pub fn write(series: &[Series], out: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    let dir = out.join("charts");
    std::fs::create_dir_all(&dir).map_err(|e| ReportError::Write { path: dir.clone(), message: e.to_string() })?;
    let mut files = Vec::new();
    let mut figures = String::new();
    let key_header =
        |first: &str| -> Vec<String> { [first, "start", "Dec 2030", "end"].iter().map(|s| s.to_string()).collect() };
    for chart in charts() {
        // (file stem, title, the inputs drawn, key-number rows)
        let mut panels: Vec<(String, String, &[Series], Vec<Vec<String>>)> = Vec::new();
        match &chart.kind {
            Kind::Lines(col) => {
                let rows = series.iter().map(|s| key_row(&s.label, s, col, chart.scale)).collect();
                panels.push((chart.name.to_string(), chart.title.to_string(), series, rows));
            }
            Kind::Stack(cols) => {
                for (i, s) in series.iter().enumerate() {
                    let rows = cols.iter().map(|(col, name)| key_row(name, s, col, chart.scale)).collect();
                    let (stem, title) = if series.len() == 1 {
                        (chart.name.to_string(), chart.title.to_string())
                    } else if i == 0 {
                        (chart.name.to_string(), format!("{}: {}", chart.title, s.label))
                    } else {
                        (format!("{}_{}", chart.name, i + 1), format!("{}: {}", chart.title, s.label))
                    };
                    panels.push((stem, title, &series[i..=i], rows));
                }
            }
        }
        for (stem, title, inputs, rows) in panels {
            let first = if matches!(chart.kind, Kind::Stack(_)) { "layer" } else { "input" };
            figures.push_str(&figure(&dir, &stem, &title, &chart, inputs, &key_header(first), &rows, &mut files)?);
        }
    }
    // Per-provider charts, one set per run input (a sweep's runs keep only the aggregates).
    let mut provider_figures = String::new();
    for (i, s) in series.iter().enumerate().filter(|(_, s)| !s.providers.is_empty()) {
        for chart in provider_charts() {
            let Kind::Lines(col) = chart.kind else { continue };
            let stem = if i == 0 { chart.name.to_string() } else { format!("{}_{}", chart.name, i + 1) };
            let title = format!("{}: {}", chart.title, s.label);
            let cash_flow = chart.name == "provider_cash_flow_by_provider";
            let mut header = key_header("provider");
            if cash_flow {
                header.push("payback month".into());
            }
            let rows: Vec<Vec<String>> = s
                .providers
                .iter()
                .map(|p| {
                    let mut row = key_row(&p.label, p, col, chart.scale);
                    if cash_flow {
                        row.push(p.provenance.clone());
                    }
                    row
                })
                .collect();
            provider_figures.push_str(&figure(&dir, &stem, &title, &chart, &s.providers, &header, &rows, &mut files)?);
        }
    }
    if !provider_figures.is_empty() {
        figures.push_str("<h2>By provider</h2>\n");
        figures.push_str(&provider_figures);
    }
    let inputs: String = series
        .iter()
        .map(|s| format!("<li><b>{}</b>: {}</li>", html_escape(&s.label), html_escape(&s.provenance)))
        .collect();
    let mut header = vec!["at the end (median over runs)".to_string()];
    header.extend(series.iter().map(|s| s.label.clone()));
    let summary: Vec<Vec<String>> = SUMMARY
        .iter()
        .map(|(name, col, scale)| {
            std::iter::once(name.to_string())
                .chain(series.iter().map(|s| fmt_num(key_numbers(s, col)[2] * scale)))
                .collect()
        })
        .collect();
    let diff = config_diff(series);
    let diff_html = if series.len() < 2 {
        String::new()
    } else if diff.is_empty() {
        "<p>The inputs' configs are identical (for a sweep, its first run's).</p>\n".to_string()
    } else {
        let mut h = vec!["config key".to_string()];
        h.extend(series.iter().map(|s| s.label.clone()));
        let rows: Vec<Vec<String>> =
            diff.iter().map(|(k, v)| std::iter::once(k.clone()).chain(v.iter().cloned()).collect()).collect();
        format!(
            "<h2>What differs between the inputs' configs</h2>\n<p>Resolved configs (for a sweep, its first run's: the sweep's parameters vary across its runs).</p>\n{}",
            table(&h, &rows)
        )
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mindmill report</title>\n\
         <style>body{{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;color:#222}}\
         figure{{margin:2em 0}}figcaption{{font-size:0.95em;color:#444;margin-top:0.3em}}svg{{max-width:100%;height:auto}}\
         table{{border-collapse:collapse;margin:0.6em 0;font-size:0.9em}}th,td{{border:1px solid #ccc;padding:0.2em 0.6em;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}</style>\n\
         </head><body>\n<h1>mindmill report</h1>\n<p>Inputs (each a series; a sweep is drawn as its median with a 10-90% band):</p><ul>{inputs}</ul>\n\
         <p>Money is US dollars; real wages are at January-2025 prices. Column definitions: docs/OUTPUTS.md; the model: docs/MODEL.md.</p>\n\
         <h2>Summary</h2>\n{}{diff_html}<h2>Charts</h2>\n{figures}</body></html>\n",
        table(&header, &summary)
    );
    let page = out.join("report.html");
    let tmp = out.join(".report.html.tmp");
    std::fs::write(&tmp, html).map_err(|e| ReportError::Write { path: tmp.clone(), message: e.to_string() })?;
    std::fs::rename(&tmp, &page).map_err(|e| ReportError::Write { path: page.clone(), message: e.to_string() })?;
    Ok(files)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(label: &str, config: &str, values: &[f64]) -> Series {
        let time: Vec<f64> = (0..values.len()).map(|i| 2025.0 + i as f64 / 12.0).collect();
        Series {
            label: label.into(),
            time,
            runs: vec![vec![("labour_share".into(), values.to_vec())]],
            provenance: String::new(),
            config: config.into(),
            providers: Vec::new(),
        }
    }

    #[test]
    fn key_numbers_are_start_december_2030_and_end() {
        let values: Vec<f64> = (0..120).map(|i| i as f64).collect();
        // Tick 71 is December 2030 (2025 + 71/12 = 2030.92).
        assert_eq!(key_numbers(&series("a", "", &values), "labour_share"), [0.0, 71.0, 119.0]);
        let short = key_numbers(&series("a", "", &values[..24]), "labour_share");
        assert!(short[1].is_nan() && short[2] == 23.0, "no 2030 in a two-year run");
    }

    #[test]
    fn config_diff_lists_only_keys_that_differ() {
        let a = "[run]\nseed = 1\nyears = 10\n[[providers]]\nname = \"A\"\n";
        let b = "[run]\nseed = 2\nyears = 10\n[[providers]]\nname = \"A\"\n[[providers]]\nname = \"B\"\n";
        let d = config_diff(&[series("x", a, &[1.0]), series("y", b, &[1.0])]);
        let keys: Vec<&str> = d.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["providers[1].name", "run.seed"]);
        assert_eq!(d[0].1, ["-", "\"B\""]);
        assert!(config_diff(&[series("x", a, &[1.0])]).is_empty(), "one input has nothing to compare");
    }

    #[test]
    fn the_legend_goes_where_the_data_are_not() {
        // A line rising from lower left to upper right: the upper left is occupied at the
        // start of the run only if the line starts high; here the upper left is free.
        let rising: Vec<(f64, f64)> = (0..=100).map(|i| (i as f64 / 100.0, i as f64 / 100.0)).collect();
        assert!(matches!(legend_corner(&rising, 2), SeriesLabelPosition::UpperLeft));
        // A line that starts high on the left and falls (the unemployment chart's 2025 was hidden).
        let falling: Vec<(f64, f64)> = (0..=100).map(|i| (i as f64 / 100.0, 1.0 - i as f64 / 100.0)).collect();
        assert!(matches!(legend_corner(&falling, 2), SeriesLabelPosition::UpperRight));
        // Flat at the top: a lower corner.
        let top: Vec<(f64, f64)> = (0..=100).map(|i| (i as f64 / 100.0, 0.97)).collect();
        assert!(matches!(legend_corner(&top, 2), SeriesLabelPosition::LowerRight));
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(fmt_num(7216.4), "7,216");
        assert_eq!(fmt_num(-903_772.0), "-903,772");
        assert_eq!(fmt_num(0.0791), "0.0791");
        assert_eq!(fmt_num(1.012), "1.01");
        assert_eq!(fmt_num(2.5e12), "2.50e12");
        assert_eq!(fmt_num(f64::NAN), "-");
    }

    #[test]
    fn runs_with_one_folder_name_get_distinct_labels() {
        let s = |label: &str| Series {
            label: label.into(),
            time: vec![],
            runs: vec![],
            provenance: String::new(),
            config: String::new(),
            providers: Vec::new(),
        };
        let mut series = vec![s("baseline"), s("baseline"), s("parity"), s("baseline")];
        let dirs: Vec<PathBuf> =
            ["a/baseline", "b/baseline", "b/parity", "a/baseline"].iter().map(PathBuf::from).collect();
        distinct_labels(&mut series, &dirs);
        let labels: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["a/baseline", "b/baseline", "parity", "a/baseline (4)"]);
    }
}
