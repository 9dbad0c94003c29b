//! Why the labour share moves: an exact decomposition of its change between two years into
//! displacement, reinstatement, factor prices, capital costs, markups, intermediate AI
//! inputs, the AI stack's and government's own labour share, and composition.
//!
//! The economy is the three goods markets of `markets.parquet` plus a rest sector (the AI
//! stack, chip and energy vendors, compute tax and government), whose value added and wages
//! are the aggregates' totals less the markets'. For a market m over a year (flows summed):
//!
//! ```text
//! s_m = W/VA = (W/C) (C/S) (S/VA),   C = W + A + D (wages, AI bill, depreciation), S = sales
//! W/C = w (h_P + h_O) / (w (h_P + h_O) + a t_A + p_K k)
//! ```
//!
//! with h_P, h_O, t_A the production tasks people do, the oversight tasks people do and the
//! tasks AI does per unit of output, w = W/(human tasks), a = A/(AI tasks) and
//! p_K k = D/output (k: capital used up per unit at constant prices, p_K its price index).
//! ln(W/C) is split by a Shapley decomposition over four groups (displacement: h_P and t_A;
//! reinstatement: h_O; factor prices: w, a and p_K; capital intensity: k), the way Acemoglu &
//! Restrepo (2019) separate the task content of production from factor-price substitution;
//! ln(C/S) is the markup term and ln(S/VA) the intermediate-input term. A market's change
//! ds_m is allotted to its log terms with the logarithmic-mean weight (LMDI-I, Ang 2005),
//! and the aggregate change is the exact midpoint split
//! ds = sum_m [chi_m ds_m + s_m dchi_m] over value-added shares chi_m (composition is the
//! second sum). The components add up to the change in the labour share to rounding.

use mindmill_model::{Table, Values};

/// Components, in report order; `total` is their sum.
pub const COMPONENTS: [&str; 9] = [
    "displacement",
    "reinstatement",
    "factor_prices",
    "capital_intensity",
    "markups",
    "intermediates",
    "ai_stack_and_government",
    "composition",
    "unexplained",
];

/// What each component measures, for the report.
pub const COMPONENT_DOCS: [&str; 9] = [
    "production tasks moving between people and AI (h_P, t_A) at the start's prices",
    "oversight tasks created by AI use and done by people (h_O)",
    "wage per human task against the price per AI task and of capital goods (w, a, p_K)",
    "capital used up per unit of output at constant prices (k)",
    "costs over sales C/S: markups, demand pressure, prices lagging costs",
    "sales over value added S/VA: AI bought in as an intermediate input",
    "the labour share within the AI stack, chip and energy vendors and government",
    "value added moving between markets and the rest sector",
    "markets whose terms are not all positive (their change is reported here whole)",
];

/// A market's flows over a period.
#[derive(Debug, Clone, Copy, Default)]
struct Flows {
    wages: f64,
    ai: f64,
    depreciation: f64,
    /// Depreciation at start-of-run capital-goods prices (deflated by the month's index).
    depreciation_real: f64,
    sales: f64,
    output: f64,
    human: f64,
    oversight: f64,
    ai_tasks: f64,
}

impl Flows {
    fn value_added(&self) -> f64 {
        self.sales - self.ai
    }
}

/// The aggregate and market flows of a year.
#[derive(Debug, Clone, Default)]
struct Year {
    markets: Vec<Flows>,
    wages: f64,
    gdp: f64,
}

fn f64s<'a>(t: &'a Table, c: &str) -> &'a [f64] {
    t.f64s(c)
}

fn u32s<'a>(t: &'a Table, c: &str) -> &'a [u32] {
    match t.column(c) {
        Some(Values::U32(v)) => v,
        _ => panic!("no u32 column {c} in {}", t.name),
    }
}

/// Sums the flows of months `from..to` (ticks).
fn year(agg: &Table, markets: &Table, from: usize, to: usize, n_markets: usize) -> Year {
    let mut y = Year { markets: vec![Flows::default(); n_markets], ..Year::default() };
    let (w, g) = (f64s(agg, "wages_usd_month"), f64s(agg, "gdp_usd_month"));
    for t in from..to {
        y.wages += w[t];
        y.gdp += g[t];
    }
    let ticks = u32s(markets, "tick");
    let names = match markets.column("market") {
        Some(Values::Str(v)) => v,
        _ => panic!("no market column in {}", markets.name),
    };
    let capital_row = (0..n_markets).find(|&i| names[i] == "capital_goods").expect("a capital-goods market");
    let col = |c| f64s(markets, c);
    let (wb, ai, dep, sales, out, hum, ovs, ait) = (
        col("wage_bill_usd_month"),
        col("ai_bill_usd_month"),
        col("depreciation_usd_month"),
        col("sales_usd_month"),
        col("output_units"),
        col("tasks_human_units"),
        col("tasks_oversight_units"),
        col("tasks_ai_units"),
    );
    for i in 0..markets.rows() {
        let t = ticks[i] as usize;
        if t < from || t >= to {
            continue;
        }
        let m = &mut y.markets[i % n_markets];
        m.wages += wb[i];
        m.ai += ai[i];
        m.depreciation += dep[i];
        let p_k = col("price_index")[i - i % n_markets + capital_row];
        m.depreciation_real += if p_k > 0.0 { dep[i] / p_k } else { 0.0 };
        m.sales += sales[i];
        m.output += out[i];
        m.human += hum[i];
        m.oversight += ovs[i];
        m.ai_tasks += ait[i];
    }
    y
}

/// Per-unit terms of W/C: [h_P, t_A, h_O, w, a, p_K, k] (p_K k = depreciation per unit).
fn unit_terms(f: &Flows) -> [f64; 7] {
    let q = f.output;
    let humans = f.human + f.oversight;
    let w = if humans > 0.0 { f.wages / humans } else { 0.0 };
    // An AI bill without AI tasks (none in the model today) is costed with capital, so the
    // identity W/C = w (h_P + h_O) / (...) holds whatever the data.
    let (a, other) = if f.ai_tasks > 0.0 { (f.ai / f.ai_tasks, 0.0) } else { (f64::NAN, f.ai) };
    let p_k = if f.depreciation_real > 0.0 { f.depreciation / f.depreciation_real } else { 1.0 };
    let k = if f.depreciation_real > 0.0 { f.depreciation_real } else { f.depreciation };
    [f.human / q, f.ai_tasks / q, f.oversight / q, w, a, p_k, (k + other / p_k) / q]
}

fn wage_cost_share(x: &[f64; 7]) -> f64 {
    let labour = x[3] * (x[0] + x[2]);
    let ai = if x[1] > 0.0 { x[4] * x[1] } else { 0.0 };
    labour / (labour + ai + x[5] * x[6])
}

/// Groups of `unit_terms` indices: displacement, reinstatement, factor prices (wage per
/// task, AI price per task, capital-goods price), capital intensity.
const GROUPS: [&[usize]; 4] = [&[0, 1], &[2], &[3, 4, 5], &[6]];

/// Shapley split of ln(W/C)_1 - ln(W/C)_0 over the four groups.
fn shapley(x0: [f64; 7], x1: [f64; 7]) -> [f64; 4] {
    let (mut x0, mut x1) = (x0, x1);
    // An AI price that exists in one period only is taken as equal in both: with no AI
    // tasks its term is zero either way.
    if x0[4].is_nan() {
        x0[4] = if x1[4].is_nan() { 0.0 } else { x1[4] };
    }
    if x1[4].is_nan() {
        x1[4] = x0[4];
    }
    let n = GROUPS.len();
    let value = |set: usize| {
        let mut x = x0;
        for (g, idx) in GROUPS.iter().enumerate() {
            if set & (1 << g) != 0 {
                for &i in *idx {
                    x[i] = x1[i];
                }
            }
        }
        wage_cost_share(&x).ln()
    };
    let fact = |k: usize| (1..=k).product::<usize>() as f64;
    let mut phi = [0.0; 4];
    for (g, p) in phi.iter_mut().enumerate() {
        for set in 0..(1usize << n) {
            if set & (1 << g) != 0 {
                continue;
            }
            let size = set.count_ones() as usize;
            let weight = fact(size) * fact(n - size - 1) / fact(n);
            *p += weight * (value(set | (1 << g)) - value(set));
        }
    }
    phi
}

/// Logarithmic mean of two positive numbers.
fn log_mean(a: f64, b: f64) -> f64 {
    if (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) { a } else { (a - b) / (a.ln() - b.ln()) }
}

/// The change in the labour share between the 12 months from tick `from` and the 12 months
/// from tick `to`, by component (same order as [`COMPONENTS`]), and the change itself.
pub fn decompose(agg: &Table, markets: &Table, n_markets: usize, from: usize, to: usize) -> ([f64; 9], f64) {
    let y0 = year(agg, markets, from, from + 12, n_markets);
    let y1 = year(agg, markets, to, to + 12, n_markets);
    let mut c = [0.0; 9];
    let ls = |y: &Year| y.wages / y.gdp;
    let (s0, s1) = (ls(&y0), ls(&y1));
    // Rest sector: what the markets do not hold.
    let rest = |y: &Year| {
        let va: f64 = y.markets.iter().map(Flows::value_added).sum();
        let w: f64 = y.markets.iter().map(|m| m.wages).sum();
        (y.wages - w, y.gdp - va)
    };
    let (r0, r1) = (rest(&y0), rest(&y1));
    let chi = |va: f64, y: &Year| va / y.gdp;
    for m in 0..n_markets {
        let (a, b) = (&y0.markets[m], &y1.markets[m]);
        let (va0, va1) = (a.value_added(), b.value_added());
        let (sm0, sm1) = (a.wages / va0, b.wages / va1);
        let (chi0, chi1) = (chi(va0, &y0), chi(va1, &y1));
        let chi_mid = 0.5 * (chi0 + chi1);
        c[7] += 0.5 * (sm0 + sm1) * (chi1 - chi0);
        let ok = [a, b].iter().all(|f| {
            f.output > 0.0 && f.wages > 0.0 && f.sales > 0.0 && f.value_added() > 0.0 && f.human + f.oversight > 0.0
        });
        if !ok {
            c[8] += chi_mid * (sm1 - sm0);
            continue;
        }
        let weight = chi_mid * log_mean(sm1, sm0);
        let phi = shapley(unit_terms(a), unit_terms(b));
        for g in 0..4 {
            c[g] += weight * phi[g];
        }
        let cost = |f: &Flows| f.wages + f.ai + f.depreciation;
        c[4] += weight * ((cost(b) / b.sales).ln() - (cost(a) / a.sales).ln());
        c[5] += weight * ((b.sales / va1).ln() - (a.sales / va0).ln());
    }
    let (srest0, srest1) = (r0.0 / r0.1, r1.0 / r1.1);
    let (chir0, chir1) = (r0.1 / y0.gdp, r1.1 / y1.gdp);
    c[6] += 0.5 * (chir0 + chir1) * (srest1 - srest0);
    c[7] += 0.5 * (srest0 + srest1) * (chir1 - chir0);
    (c, s1 - s0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapley_terms_add_up_to_the_log_change() {
        let x0 = [2.0, 0.1, 0.0, 3.0, 0.5, 1.0, 0.7];
        let x1 = [1.2, 0.9, 0.2, 3.4, 0.05, 0.9, 0.8];
        let phi = shapley(x0, x1);
        let total = wage_cost_share(&x1).ln() - wage_cost_share(&x0).ln();
        assert!((phi.iter().sum::<f64>() - total).abs() < 1e-12);
        // Moving tasks to cheaper AI lowers labour's cost share; more oversight raises it.
        assert!(phi[0] < 0.0 && phi[1] > 0.0);
    }

    #[test]
    fn components_add_up_to_the_change_in_a_run() {
        let mut c = mindmill_config::Config::baseline();
        c.set_workers(3000);
        c.run.years = 3;
        let mut sim = mindmill_model::Simulation::new(c, 0);
        sim.run(|_| {}).unwrap();
        let t = sim.tables();
        let (parts, change) = decompose(t[0], t[7], 3, 0, 24);
        let sum: f64 = parts.iter().sum();
        assert!((sum - change).abs() < 1e-9, "{parts:?} sum to {sum}, change {change}");
        assert!(change.abs() > 1e-4, "the baseline's labour share moves: {change}");
        assert!(parts[0] < 0.0, "automation displaces labour in the baseline: {parts:?}");
    }
}
