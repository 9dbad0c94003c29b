//! Calibration: fits the technology and energy parameters of the baseline to the shipped
//! Epoch AI and EIA data with small, documented procedures, and measures the model's
//! starting state against its targets (exposure, labour share, unemployment).
//!
//! `mindmill calibrate` prints the table; a test requires that the baseline's parameters
//! equal the fitted values, so the baseline starts on the data.

use mindmill_config::Config;
use mindmill_data::epoch;
use mindmill_model::Simulation;
use mindmill_model::components::WorkerBlock;

/// One calibrated quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// What is measured.
    pub quantity: &'static str,
    /// Unit of `value` and `target`.
    pub unit: &'static str,
    /// Fitted or measured value.
    pub value: f64,
    /// Target from the literature or the data's documented summary.
    pub target: f64,
    /// Allowed relative (or, for shares, absolute) deviation for a pass.
    pub tolerance: f64,
    /// Whether `tolerance` is absolute.
    pub absolute: bool,
    /// Source of data and target.
    pub source: &'static str,
    /// When set, a pass means `value` lies in this closed range (the literature spans it);
    /// `target` is then its geometric middle, for display.
    pub range: Option<(f64, f64)>,
    /// The config key this value sets, if any.
    pub parameter: Option<&'static str>,
    /// The baseline's value of that key.
    pub baseline: Option<f64>,
}

impl Fit {
    /// Within tolerance of the target.
    pub fn passes(&self) -> bool {
        if let Some((lo, hi)) = self.range {
            return (lo..=hi).contains(&self.value);
        }
        let d = (self.value - self.target).abs();
        if self.absolute { d <= self.tolerance } else { d <= self.tolerance * self.target.abs() }
    }

    /// The baseline equals the fitted value (to 2%), when the fit sets a parameter.
    pub fn baseline_on_fit(&self) -> bool {
        self.parameter.is_none() || self.baseline.is_none_or(|b| (b - self.value).abs() <= 0.02 * self.value.abs())
    }
}

/// Records of a CSV text as (header -> value) lookups.
struct Csv {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn parse(text: &str) -> Csv {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let headers = r.headers().expect("shipped CSV has headers").iter().map(str::to_string).collect();
        let rows = r.records().map(|x| x.expect("shipped CSV parses").iter().map(str::to_string).collect()).collect();
        Csv { headers, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"))
    }

    fn num(row: &[String], i: usize) -> Option<f64> {
        row.get(i).and_then(|s| s.trim().replace('$', "").replace(',', "").parse::<f64>().ok())
    }
}

/// Fractional year of an ISO date (YYYY-MM-DD...).
fn year_of(s: &str) -> Option<f64> {
    let y: f64 = s.get(0..4)?.parse().ok()?;
    let m: f64 = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(7.0);
    let d: f64 = s.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(15.0);
    Some(y + (m - 1.0) / 12.0 + (d - 1.0) / 365.25)
}

/// Ordinary least squares slope of y on x.
pub fn ols_slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    sxy / sxx
}

/// Median of a non-empty list.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

/// Yearly growth factor of a per-unit performance ratio, fitted as log2 on release year.
/// The numerator is the largest of `numerators` present in a row (e.g. tensor or plain
/// 16-bit throughput).
fn growth(text: &str, numerators: &[&str], denominator: &str) -> f64 {
    let c = Csv::parse(text);
    let nis: Vec<usize> = numerators.iter().map(|n| c.col(n)).collect();
    let (di, yi) = (c.col(denominator), c.col("Release date"));
    let pts: Vec<(f64, f64)> = c
        .rows
        .iter()
        .filter_map(|r| {
            let n = nis.iter().filter_map(|&i| Csv::num(r, i)).fold(f64::NAN, f64::max);
            let (d, y) = (Csv::num(r, di)?, year_of(r.get(yi)?)?);
            (n > 0.0 && d > 0.0).then(|| (y, (n / d).log2()))
        })
        .collect();
    2f64.powf(ols_slope(&pts))
}

/// Clusters first operational from 2024 on, existing, in Epoch's standard analysis and not
/// flagged as duplicates: (facility W per H100e, hardware USD per H100e).
fn cluster_medians() -> (f64, f64) {
    let c = Csv::parse(epoch::GPU_CLUSTERS);
    let (st, inc, dup, date, h, mw, cost) = (
        c.col("Status"),
        c.col("Include in Standard Analysis"),
        c.col("Possible Duplicate"),
        c.col("First Operational Date"),
        c.col("H100 equivalents"),
        c.col("Power Capacity (MW)"),
        c.col("Hardware Cost"),
    );
    let keep: Vec<&Vec<String>> = c
        .rows
        .iter()
        .filter(|r| {
            r[st] == "Existing"
                && r[inc] == "True"
                && r[dup] != "True"
                && year_of(&r[date]).is_some_and(|y| y >= 2024.0)
                && Csv::num(r, h).is_some_and(|x| x > 0.0)
        })
        .collect();
    let watts = median(keep.iter().filter_map(|r| Some(Csv::num(r, mw)? * 1e6 / Csv::num(r, h)?)).collect());
    let usd = median(keep.iter().filter_map(|r| Some(Csv::num(r, cost)? / Csv::num(r, h)?)).collect());
    (watts, usd)
}

/// Installed AI accelerators: the latest cumulative median per designer, H100e.
fn installed_h100e() -> f64 {
    let c = Csv::parse(epoch::CHIP_STOCK);
    let (d, h) = (c.col("designer"), c.col("h100e_p50"));
    let mut by: Vec<(String, f64)> = Vec::new();
    for r in &c.rows {
        let v = Csv::num(r, h).unwrap_or(0.0);
        match by.iter_mut().find(|(k, _)| *k == r[d]) {
            Some(e) => e.1 = e.1.max(v),
            None => by.push((r[d].clone(), v)),
        }
    }
    by.iter().map(|(_, v)| v).sum()
}

/// log10 of the largest training run published in `year`.
fn frontier_oom(year: u32) -> f64 {
    let c = Csv::parse(epoch::MODELS_COMPUTE);
    let (d, f) = (c.col("Publication date"), c.col("Training compute (FLOP)"));
    c.rows
        .iter()
        .filter(|r| r[d].starts_with(&year.to_string()))
        .filter_map(|r| Csv::num(r, f))
        .fold(0.0, f64::max)
        .log10()
}

/// Median of Epoch's fitted yearly price declines at fixed capability.
fn llm_price_decline() -> f64 {
    let c = Csv::parse(epoch::LLM_PRICE_DECLINE);
    let i = c.col("price_reduction_factor_per_year");
    median(c.rows.iter().filter_map(|r| Csv::num(r, i)).collect())
}

/// Median on-demand price of an H100 chip-hour in `year`.
fn h100_rental(year: u32) -> f64 {
    let c = Csv::parse(epoch::HARDWARE_PRICES);
    let (d, m, p) = (c.col("Price date"), c.col("Hardware model"), c.col("Price per chip-hour (on-demand)"));
    median(
        c.rows
            .iter()
            .filter(|r| r[d].starts_with(&year.to_string()) && r[m].contains("H100"))
            .filter_map(|r| Csv::num(r, p))
            .collect(),
    )
}

/// FLOP per generated token assumed when converting a unit of AI work into tokens
/// (2 x ~1e12 active parameters); docs/MODEL.md, `flop_per_unit`.
pub const FLOP_PER_TOKEN: f64 = 2e12;

/// Median blended price (USD per 1M tokens) of the frontier class of 2024-25 models: the
/// upper quartile of prices among models priced from 2024 on.
fn frontier_token_price() -> f64 {
    let c = Csv::parse(epoch::LLM_PRICES);
    let (d, p) = (c.col("Release Date"), c.col("USD per 1M Tokens"));
    let mut v: Vec<f64> = c.rows.iter().filter(|r| r[d].as_str() >= "2024").filter_map(|r| Csv::num(r, p)).collect();
    v.sort_by(f64::total_cmp);
    let q = v.len() * 3 / 4;
    median(v[q..].to_vec())
}

/// Exposure statistics of the model's starting worker population: shares with more than
/// 10% and 50% of tasks exposed (human beta), and the correlation of GPT-4 beta with log wage.
fn exposure_at_start(sim: &mut Simulation) -> (f64, f64, f64) {
    let occ = mindmill_data::occupations();
    let world = sim.world_mut();
    let mut q = world.query::<&WorkerBlock>();
    let (mut n, mut over10, mut over50) = (0.0, 0.0, 0.0);
    let mut xy: Vec<(f64, f64)> = Vec::new();
    for job in q.iter(world).flat_map(|b| &b.jobs) {
        let o = &occ[job.occupation as usize];
        if o.exposure_imputed {
            continue;
        }
        n += 1.0;
        over10 += (o.human_beta > 0.1) as u8 as f64;
        over50 += (o.human_beta > 0.5) as u8 as f64;
        xy.push((o.gpt4_beta, (o.median_wage_usd_year).ln()));
    }
    let m = xy.len() as f64;
    let (mx, my) = (xy.iter().map(|p| p.0).sum::<f64>() / m, xy.iter().map(|p| p.1).sum::<f64>() / m);
    let cov: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let vx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let vy: f64 = xy.iter().map(|p| (p.1 - my).powi(2)).sum();
    (over10 / n, over50 / n, cov / (vx * vy).sqrt())
}

/// All fits and starting-state checks for `config` (normally the baseline).
pub fn calibrate(config: &Config) -> Vec<Fit> {
    let t = &config.technology;
    let d = &config.datacenters;
    let pd =
        growth(epoch::GPU_PRICE_PERFORMANCE, &["FP32 (single precision) performance (FLOP/s)"], "Release price (USD)");
    let pw = growth(
        epoch::ML_HARDWARE,
        &["Tensor-FP16/BF16 performance (FLOP/s)", "FP16 (half precision) performance (FLOP/s)"],
        "TDP (W)",
    );
    let (facility_w, usd_per_gpu) = cluster_medians();
    let states: Vec<f64> = mindmill_data::state_electricity_prices().into_iter().map(|s| s.usd_kwh).collect();

    // The starting state: the first month of the model itself.
    let mut sim = Simulation::new(config.clone(), 0);
    let (over10, over50, corr) = exposure_at_start(&mut sim);
    for _ in 0..13.min(sim.ticks()) {
        sim.step().expect("the first year holds its accounts");
    }
    let tables = sim.tables();
    let (agg, prov) = (tables[0], tables[2]);
    let labour_share = agg.f64s("labour_share")[0];
    let unemployment = agg.f64s("unemployment_rate")[0];
    let paid: f64 = (0..prov.rows()).filter(|&i| i < config.providers.len()).map(|i| prov.f64s("paid_users")[i]).sum();
    let free: f64 = (0..prov.rows()).filter(|&i| i < config.providers.len()).map(|i| prov.f64s("free_users")[i]).sum();
    let revenue: f64 = ["subscription", "api", "enterprise"]
        .iter()
        .map(|k| agg.f64s(&format!("provider_revenue_{k}_usd_month")).iter().take(12).sum::<f64>())
        .sum();
    let capex: f64 = agg.f64s("provider_capex_usd_month").iter().take(12).sum();
    let cost = agg.f64s("ai_cost_usd_per_unit_fixed_capability");
    let fixed_fall = cost[0] / cost[12.min(cost.len() - 1)];
    let p0 = (0..prov.rows()).filter(|&i| i < config.providers.len());
    let gpu_hour = p0
        .filter(|&i| prov.f64s("api_price_usd_per_unit")[i] > 0.0 && prov.f64s("markup")[i] < 50.0)
        .map(|i| prov.f64s("cost_usd_per_pflop")[i] / 1e15 * (1.0 + prov.f64s("markup")[i]))
        .fold(0.0, f64::max)
        * d.gpu_flops
        * d.inference_mfu
        * 3600.0;
    let frontier_price = agg.f64s("ai_price_usd_per_unit_frontier")[0] / (t.flop_per_unit / FLOP_PER_TOKEN) * 1e6;
    let fleet: f64 = config.providers.iter().map(|p| p.initial_fleet_h100e).sum();
    let ai_spending_year = agg.f64s("ai_spending_firms_usd_month").iter().take(12).sum::<f64>();
    let setup = sim.world().resource::<mindmill_model::resources::Setup>();
    let (omega, spread, beta) = (setup.oversight_median, setup.oversight_dispersion, setup.price_taste);

    let fit =
        |quantity, unit, value, target, tolerance, absolute, source, parameter: Option<&'static str>, baseline| Fit {
            quantity,
            unit,
            value,
            target,
            tolerance,
            absolute,
            source,
            range: None,
            parameter,
            baseline,
        };
    let within = |quantity, unit, value, lo: f64, hi: f64, source| Fit {
        quantity,
        unit,
        value,
        target: (lo * hi).sqrt(),
        tolerance: 0.0,
        absolute: false,
        source,
        range: Some((lo, hi)),
        parameter: None,
        baseline: None,
    };
    vec![
        fit(
            "GPU FP32 FLOP/s per launch dollar, growth",
            "x per year",
            pd,
            1.31,
            0.03,
            false,
            "OLS of log2(FLOP/s per $) on release date, 229 GPUs (Epoch); target: 31-month doubling",
            Some("technology.flops_per_dollar_growth"),
            Some(t.flops_per_dollar_growth),
        ),
        fit(
            "ML accelerator 16-bit FLOP/s per watt, growth",
            "x per year",
            pw,
            1.61,
            0.05,
            false,
            "OLS of log2(16-bit FLOP/s per W, tensor or plain) on release date, Epoch ML hardware; target: 17.6-month doubling",
            Some("technology.flops_per_watt_growth"),
            Some(t.flops_per_watt_growth),
        ),
        fit(
            "hardware cost per H100e, clusters from 2024",
            "USD",
            usd_per_gpu,
            35_800.0,
            0.05,
            false,
            "median over existing clusters in Epoch's standard analysis, first operational 2024+",
            Some("datacenters.gpu_price_usd"),
            Some(d.gpu_price_usd),
        ),
        fit(
            "IT power per H100e (facility power / new-site PUE)",
            "W",
            facility_w / d.pue_new,
            1430.0 / 1.3,
            0.05,
            false,
            "median facility MW per H100e of the same clusters (Epoch) / pue_new",
            Some("datacenters.it_watts_per_gpu"),
            Some(d.it_watts_per_gpu),
        ),
        fit(
            "frontier training run, 2025",
            "log10 FLOP",
            frontier_oom(2025),
            26.66,
            0.01,
            false,
            "largest training compute published in 2025 (Epoch AI models)",
            Some("technology.frontier_capability_oom"),
            Some(t.frontier_capability_oom),
        ),
        fit(
            "US industrial electricity price",
            "USD/kWh",
            median(states),
            0.0796,
            0.02,
            false,
            "median over states, EIA 2024",
            Some("energy.electricity_usd_kwh"),
            Some(config.energy.electricity_usd_kwh),
        ),
        within(
            "US-serving share of the world's installed AI accelerators",
            "share",
            fleet / installed_h100e(),
            0.1,
            0.75,
            "sum of the providers' initial fleets / the latest cumulative H100e per designer (Epoch AI chip sales: 20.9 M); the US hosts most cluster capacity (Epoch) but serves the world",
        ),
        within(
            "fall of the cost of fixed-capability AI work, first year",
            "x per year",
            fixed_fall,
            10f64.powf(0.2),
            llm_price_decline(),
            "the model's first 12 months; range from the seed's '>10x in 5 years' to Epoch's median observed price fall (46x a year, 2023-25, which includes markup collapse)",
        ),
        fit(
            "frontier API price, USD per 1M tokens (3:1 blend), start",
            "USD",
            frontier_price,
            frontier_token_price(),
            2.0,
            false,
            "the model's frontier price per unit / (flop_per_unit / 2e12 FLOP per token); target: upper-quartile median of 2024-25 list prices (Epoch, Artificial Analysis); pass = same order of magnitude",
            None,
            None,
        ),
        fit(
            "paying share of chat users, first month",
            "share",
            paid / (paid + free),
            0.05,
            0.025,
            true,
            "the model's first month; target: about 5% of chat users pay ([press], ANCHORS)",
            None,
            None,
        ),
        fit(
            "providers' AI revenue / capex, first year",
            "ratio",
            revenue / capex,
            0.5,
            0.5,
            true,
            "the model's first 12 months; target: revenue well below capex in 2024-25 (ANCHORS), i.e. between 0 and 1",
            None,
            None,
        ),
        within(
            "frontier provider's price of a GPU-hour of compute, start",
            "USD per H100e-hour",
            gpu_hour,
            0.5 * h100_rental(2025),
            2.0 * h100_rental(2025),
            "marginal cost per FLOP x (1 + markup) x delivered FLOP/s x 3600 at tick 0; range: half to twice the 2025 median on-demand H100 price (Epoch: 2.99 USD)",
        ),
        fit(
            "workers with >10% of tasks exposed (human beta), start",
            "share",
            over10,
            0.80,
            0.02,
            true,
            "the model's starting worker population; target Eloundou et al. 2024",
            None,
            None,
        ),
        fit(
            "workers with >50% of tasks exposed (human beta), start",
            "share",
            over50,
            0.19,
            0.02,
            true,
            "the model's starting worker population; target Eloundou et al. 2024",
            None,
            None,
        ),
        fit(
            "correlation of GPT-4 beta with log wage, start",
            "",
            corr,
            0.50,
            0.05,
            true,
            "across the model's starting workers (occupation median wage); target from the OES x exposure data",
            None,
            None,
        ),
        fit(
            "labour share of GDP, first month",
            "share",
            labour_share,
            0.565,
            0.03,
            true,
            "the model's first month; target BLS nonfarm labour share 0.56-0.57 since 2010",
            None,
            None,
        ),
        within(
            "firms' spending on AI work, first year",
            "USD/year",
            ai_spending_year,
            6.9e9,
            74e9,
            "the model's first 12 months (API and enterprise, compute tax included); range: half the US enterprise generative-AI spending of 2024 (13.8 bn USD) to twice that of 2025 (37 bn), Menlo Ventures [press]",
        ),
        fit(
            "median oversight per AI task (fitted), start",
            "worker-months",
            omega,
            omega,
            0.0,
            false,
            "fitted at start with its log sd so that 23% of exposed tasks are profitable to automate with a 27% average saving (Acemoglu 2024); shown, not a target",
            None,
            None,
        ),
        fit(
            "log sd of oversight across tasks (fitted), start",
            "",
            spread,
            spread,
            0.0,
            false,
            "fitted with the median above; shown, not a target",
            None,
            None,
        ),
        fit(
            "firms' price taste in the provider choice (inverted), start",
            "per log USD",
            beta,
            beta,
            0.0,
            false,
            "inverted at start so that the leading lab's start markup is its Bertrand-Nash best response under logit demand (Berry 1994); shown, not a target",
            None,
            None,
        ),
        fit(
            "unemployment rate, first month",
            "share",
            unemployment,
            0.04,
            0.015,
            true,
            "the model's first month; target BLS CPS 2024-25",
            None,
            None,
        ),
    ]
}

/// The fits as an aligned text table.
pub fn table(fits: &[Fit]) -> String {
    let mut out = format!(
        "{:<58} {:>14} {:>23} {:>6} {:>14}  {}\n",
        "quantity", "fitted", "target", "pass", "baseline", "parameter"
    );
    for f in fits {
        let target = match f.range {
            Some((lo, hi)) => format!("{} to {}", num(lo), num(hi)),
            None => num(f.target),
        };
        out.push_str(&format!(
            "{:<58} {:>14} {:>23} {:>6} {:>14}  {}\n",
            f.quantity,
            num(f.value),
            target,
            if f.passes() { "yes" } else { "NO" },
            f.baseline.map_or(String::new(), num),
            f.parameter.unwrap_or("")
        ));
    }
    out
}

fn num(x: f64) -> String {
    if x.abs() >= 1e5 || (x != 0.0 && x.abs() < 1e-2) { format!("{x:.4e}") } else { format!("{x:.4}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ols_recovers_a_line() {
        let pts: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, 3.0 + 0.5 * i as f64)).collect();
        assert!((ols_slope(&pts) - 0.5).abs() < 1e-12);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn the_baseline_starts_on_the_fitted_values_and_targets() {
        let fits = calibrate(&Config::baseline());
        for f in &fits {
            assert!(f.baseline_on_fit(), "baseline {:?} is not the fitted {} for {}", f.baseline, f.value, f.quantity);
        }
        let failed: Vec<_> = fits.iter().filter(|f| !f.passes()).map(|f| (f.quantity, f.value, f.target)).collect();
        assert!(failed.is_empty(), "fits away from their targets: {failed:?}");
    }
}
