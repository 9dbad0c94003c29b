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
    "rate_of_surplus_value",
    "profit_rate",
    "unemployment_rate",
    "output_units",
];

fn read_frame(path: &Path) -> Result<(Vec<f64>, Vec<(String, Vec<f64>)>, String), ReportError> {
    let err = |m: String| ReportError::Read { path: path.to_path_buf(), message: m };
    let df = mindmill_export::read(path).map_err(|e| err(e.to_string()))?;
    let get = |name: &str| -> Result<Vec<f64>, ReportError> {
        let c = df.column(name).map_err(|e| err(e.to_string()))?;
        let c = c.cast(&DataType::Float64).map_err(|e| err(e.to_string()))?;
        Ok(c.f64().map_err(|e| err(e.to_string()))?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    };
    let (year, month) = (get("year")?, get("month")?);
    let time = year.iter().zip(&month).map(|(y, m)| y + (m - 1.0) / 12.0).collect();
    let cols = COLUMNS.iter().map(|c| Ok((c.to_string(), get(c)?))).collect::<Result<Vec<_>, ReportError>>()?;
    let md = mindmill_export::read_metadata(path).map_err(|e| err(e.to_string()))?;
    let get_md = |k: &str| md.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let provenance = format!("mindmill {}, seed {}", get_md("mindmill.version"), get_md("mindmill.seed"));
    Ok((time, cols, provenance))
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

/// Loads a run or sweep folder.
pub fn load(dir: &Path) -> Result<Series, ReportError> {
    let label = dir.file_name().map_or("run".to_string(), |n| n.to_string_lossy().into_owned());
    if !dir.is_dir() {
        return Err(ReportError::Missing(dir.to_path_buf()));
    }
    let run = dir.join("aggregates.parquet");
    if run.exists() {
        let (time, cols, provenance) = read_frame(&run)?;
        return Ok(Series { label, time, runs: vec![cols], provenance });
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
    let expected = mindmill_export::read(&merged)
        .map_err(|_| ReportError::Incomplete { dir: dir.to_path_buf(), done: files.len(), expected: None })?
        .height();
    if files.len() != expected {
        return Err(ReportError::Incomplete { dir: dir.to_path_buf(), done: files.len(), expected: Some(expected) });
    }
    let mut runs = Vec::new();
    let mut time = Vec::new();
    let mut provenance = String::new();
    for f in &files {
        let (t, cols, p) = read_frame(f)?;
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
        runs.push(cols);
    }
    provenance.push_str(&format!(", {} runs", runs.len()));
    Ok(Series { label, time, runs, provenance })
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
    /// Stacked areas of several columns for the first series.
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
            "AI providers' revenue by stream (first input)",
            "billion USD per month",
            "Subscriptions, metered API, enterprise contracts and platforms' bundled products of the first input (its median run).",
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
            "AI providers' costs and capex (first input)",
            "billion USD per month",
            "Energy, GPU depreciation and GPU purchases of the first input, stacked.",
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
            "Who captures the surplus (first input)",
            "share of surplus value s",
            "Split of s = GDP - depreciation - wages among adopting firms' profits, providers' margins, compute rents, energy rents and taxes. Negative provider margins appear below zero.",
            Stack(&[
                ("surplus_share_firms", "firms"),
                ("surplus_share_providers", "providers"),
                ("surplus_share_compute", "compute rents"),
                ("surplus_share_energy", "energy rents"),
                ("surplus_share_government", "government"),
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

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    chart: &Chart,
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
    let pad = 0.05 * (y1 - y0);
    let caption_style = ("sans-serif", 22).into_font();
    let mut builder = ChartBuilder::on(&root);
    builder.caption(chart.title, caption_style).margin(12).x_label_area_size(40).y_label_area_size(70);
    macro_rules! finish {
        ($ctx:expr) => {{
            let mut ctx = $ctx;
            ctx.configure_mesh()
                .x_desc("year")
                .y_desc(chart.y_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
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
            if chart.name == "provider_cash_flow" {
                if let Some((_, t, m, _, _)) = lines.first() {
                    if let Some(i) = m.iter().position(|v| *v >= 0.0) {
                        let x = t[i];
                        ctx.draw_series(DashedLineSeries::new(
                            vec![(x, y0 - pad), (x, y1 + pad)],
                            6,
                            4,
                            BLACK.stroke_width(1),
                        ))
                        .map_err(|e| e.to_string())?;
                    }
                }
            }
            ctx.configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .position(SeriesLabelPosition::UpperLeft)
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

/// Writes every chart as PNG and SVG under `out/charts/` and `out/report.html`.
/// Returns the chart files written.
pub fn write(series: &[Series], out: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    let dir = out.join("charts");
    std::fs::create_dir_all(&dir).map_err(|e| ReportError::Write { path: dir.clone(), message: e.to_string() })?;
    let mut files = Vec::new();
    let mut figures = String::new();
    for chart in charts() {
        let png = dir.join(format!("{}.png", chart.name));
        let svg = dir.join(format!("{}.svg", chart.name));
        let werr = |p: &Path, m: String| ReportError::Write { path: p.to_path_buf(), message: m };
        draw(BitMapBackend::new(&png, (960, 540)).into_drawing_area(), &chart, series).map_err(|m| werr(&png, m))?;
        let mut svg_text = String::new();
        draw(SVGBackend::with_string(&mut svg_text, (960, 540)).into_drawing_area(), &chart, series)
            .map_err(|m| werr(&svg, m))?;
        std::fs::write(&svg, &svg_text).map_err(|e| werr(&svg, e.to_string()))?;
        figures.push_str(&format!(
            "<figure id=\"{}\">{}<figcaption>{}</figcaption></figure>\n",
            chart.name,
            svg_text.trim_start_matches(|c| c != '<'),
            html_escape(chart.caption)
        ));
        files.push(png);
        files.push(svg);
    }
    let inputs: String = series
        .iter()
        .map(|s| format!("<li><b>{}</b>: {}</li>", html_escape(&s.label), html_escape(&s.provenance)))
        .collect();
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mindmill report</title>\n\
         <style>body{{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;color:#222}}\
         figure{{margin:2em 0}}figcaption{{font-size:0.95em;color:#444;margin-top:0.3em}}svg{{max-width:100%;height:auto}}</style>\n\
         </head><body>\n<h1>mindmill report</h1>\n<p>Inputs (each a series; a sweep is drawn as its median with a 10-90% band):</p><ul>{inputs}</ul>\n\
         <p>Money is US dollars; real wages are at January-2025 prices. Column definitions: docs/OUTPUTS.md; the model: docs/MODEL.md.</p>\n\
         {figures}</body></html>\n"
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

    #[test]
    fn runs_with_one_folder_name_get_distinct_labels() {
        let s = |label: &str| Series { label: label.into(), time: vec![], runs: vec![], provenance: String::new() };
        let mut series = vec![s("baseline"), s("baseline"), s("parity"), s("baseline")];
        let dirs: Vec<PathBuf> =
            ["a/baseline", "b/baseline", "b/parity", "a/baseline"].iter().map(PathBuf::from).collect();
        distinct_labels(&mut series, &dirs);
        let labels: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["a/baseline", "b/baseline", "parity", "a/baseline (4)"]);
    }
}
