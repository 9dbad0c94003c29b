//! The model's equations as pure functions, so each can be tested and cited alone.
//! docs/MODEL.md section 7 gives each with its source.

/// Logistic function.
#[inline]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Inverse logistic.
#[inline]
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Share of an occupation's tasks automatable at capability `k` (log10 FLOP):
/// `cap * logistic((k - midpoint) / spread)` (task requirements spread on a log
/// compute scale, Epoch FTM/GATE; the cap is the share an LLM with tools can touch).
#[inline]
pub fn automatable(k: f64, cap: f64, midpoint: f64, spread: f64) -> f64 {
    if cap <= 0.0 { 0.0 } else { cap * logistic((k - midpoint) / spread) }
}

/// Midpoint that makes `automatable(k0, cap, m, spread) == exposure`.
pub fn midpoint_for(exposure: f64, cap: f64, k0: f64, spread: f64) -> f64 {
    if cap <= 0.0 {
        return k0 + 100.0;
    }
    let r = (exposure / cap).clamp(0.01, 0.99);
    k0 - spread * logit(r)
}

/// Two-stage DCF value (Damodaran 2012) of a firm with revenue `revenue` a year, expected to
/// grow at `growth` in the first year, the growth fading linearly to `long_run` over `years`
/// years and staying there, free cash flow `margin` x revenue, discounted at `rate` a year
/// (> `long_run`): the sum of the high-growth years plus a Gordon terminal value.
pub fn dcf_value(revenue: f64, growth: f64, long_run: f64, years: f64, margin: f64, rate: f64) -> f64 {
    let n = years.round().max(0.0) as u32;
    let (mut r, mut discount, mut value) = (revenue, 1.0, 0.0);
    for y in 0..n {
        let g = long_run + (growth - long_run) * (1.0 - y as f64 / n as f64);
        r *= 1.0 + g;
        discount /= 1.0 + rate;
        value += margin * r * discount;
    }
    value + margin * r * (1.0 + long_run) / (rate - long_run) * discount
}

/// Monthly Bass (1969) adoption hazard: (p + q * adopted_share) / 12 for yearly p, q.
#[inline]
pub fn bass_hazard(p_year: f64, q_year: f64, adopted_share: f64) -> f64 {
    ((p_year + q_year * adopted_share.clamp(0.0, 1.0)) / 12.0).clamp(0.0, 1.0)
}

/// Efficiency factor gained in month `tick` when the log growth rate `ln(g)` per year
/// decays with a half-life (years): exp(ln(g) * 0.5^(t / halflife) / 12).
#[inline]
pub fn monthly_efficiency_gain(growth_per_year: f64, halflife_years: f64, tick: u32) -> f64 {
    let t = tick as f64 / 12.0;
    (growth_per_year.ln() * 0.5f64.powf(t / halflife_years) / 12.0).exp()
}

/// Wage rule, monthly: the K+S rule (Dosi et al. 2017) indexed to expected inflation, with a
/// wage Phillips curve in the level of unemployment (Gali 2011):
/// w_t = w_{t-1} (1 + psi1 pi^e + psi2 g_A - slope/12 (u - u*)).
#[inline]
pub fn wage_rule(
    w: f64,
    expected_inflation: f64,
    productivity_growth: f64,
    unemployment_gap: f64,
    psi: [f64; 3],
) -> f64 {
    w * (1.0 + psi[0] * expected_inflation + psi[1] * productivity_growth - psi[2] / 12.0 * unemployment_gap)
}

/// Policy rate for next month (Taylor 1993, with interest-rate smoothing as in Clarida, Gali
/// & Gertler 2000 and a lower bound): i* = r* + pi* + a_pi (pi - pi*) + a_u (u* - u);
/// i = max(lower bound, rho i_{t-1} + (1 - rho) i*).
pub fn taylor_rate(
    last: f64,
    inflation: f64,
    unemployment: f64,
    cb: &mindmill_config::CentralBankConfig,
    natural_unemployment: f64,
) -> f64 {
    let target = cb.neutral_real_rate
        + cb.inflation_target
        + cb.inflation_response * (inflation - cb.inflation_target)
        + cb.unemployment_response * (natural_unemployment - unemployment);
    (cb.smoothing * last + (1.0 - cb.smoothing) * target).max(cb.lower_bound)
}

/// Markup rule of the Keynes+Schumpeter model (Dosi, Fagiolo & Roventini 2010, eq. 9):
/// mu_t = mu_{t-1} (1 + upsilon (s_{t-1} - s_{t-2}) / s_{t-2}), within bounds. Firms that gain
/// market share raise their markup, firms that lose it cut theirs.
#[inline]
pub fn markup_from_share(markup: f64, share: f64, share_before: f64, upsilon: f64, lo: f64, hi: f64) -> f64 {
    if share_before <= 0.0 || share <= 0.0 {
        return markup.clamp(lo, hi);
    }
    (markup * (1.0 + upsilon * (share / share_before - 1.0))).clamp(lo, hi)
}

/// Compute-cost ceiling (Restrepo): a job whose tasks are a share `a` automatable at
/// unit cost `c` pays (1 - a) v + a min(v, c).
#[inline]
pub fn capped_wage(value: f64, automatable_share: f64, ai_cost: f64) -> f64 {
    value - automatable_share * (value - ai_cost).max(0.0)
}

/// Matches from a Cobb-Douglas matching function (Petrongolo & Pissarides 2001),
/// bounded by both sides: min(u, v, mu u^alpha v^(1-alpha)).
#[inline]
pub fn matches(unemployed: f64, vacancies: f64, efficiency: f64, elasticity: f64) -> f64 {
    if unemployed <= 0.0 || vacancies <= 0.0 {
        return 0.0;
    }
    (efficiency * unemployed.powf(elasticity) * vacancies.powf(1.0 - elasticity)).min(unemployed).min(vacancies)
}

/// Share of consumer inference on devices: logistic from `initial` toward `max`.
pub fn on_device_share(initial: f64, max: f64, midpoint_years: f64, rate: f64, years: f64) -> f64 {
    let s0 = logistic(-rate * midpoint_years);
    let s = logistic(rate * (years - midpoint_years));
    initial + (max - initial) * ((s - s0) / (1.0 - s0)).max(0.0)
}

/// A closed provider's start markup: the full `max` when no open model is close, less as
/// the open-weight gap (OOM) is smaller. Only the start uses it: it anchors the start's
/// prices, from which firms' price taste is inverted; later markups are Nash (7.4).
#[inline]
pub fn markup(max: f64, gap_oom: f64) -> f64 {
    max * (1.0 - (-gap_oom.max(0.0) / 0.5).exp())
}

/// A scarcity premium after a month with demand/supply `ratio`: it moves by the ratio's
/// square root (partial adjustment, a damped tatonnement) within [1, `max`], so shortages are
/// rationed by price and the premium decays back towards 1 while supply is spare. The AI
/// price's scarcity (7.4) and the GPU price premium (7.9) follow it.
#[inline]
pub fn tatonnement(premium: f64, ratio: f64, max: f64) -> f64 {
    (premium * ratio.sqrt()).clamp(1.0, max)
}

/// Standard normal distribution function (W. J. Cody's rational approximation of erfc
/// as in Numerical Recipes' `erfcc`, relative error below 1.2e-7).
#[inline]
pub fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806
                        + t * (0.27886807
                            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 { 1.0 - 0.5 * erfc } else { 0.5 * erfc }
}

/// What the tasks profitable to give to AI need, per task: the share of technically
/// automatable tasks that are profitable, their mean oversight (worker-months) and their
/// mean compute (units of AI work; 1 at the least).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskCosts {
    pub share: f64,
    pub oversight: f64,
    pub compute: f64,
}

/// Partial moment of a log-normal with median `m` and log sd `s`: E[w^a; w < c].
#[inline]
fn lognormal_partial(a: f64, m: f64, s: f64, c: f64) -> f64 {
    if c <= 0.0 {
        return 0.0;
    }
    if c.is_infinite() {
        return m.powf(a) * (0.5 * a * a * s * s).exp();
    }
    m.powf(a) * (0.5 * a * a * s * s).exp() * normal_cdf((c / m).ln() / s - a * s)
}

/// Tasks that are profitable to give to AI, and what they cost (Acemoglu & Restrepo 2018:
/// a task moves to AI when its effective AI cost is below the wage). Doing a task with AI
/// takes x >= 1 units of AI work at `price` each and omega x^(-theta) units of human
/// oversight and integration at `oversight_wage`: more inference compute per task (more
/// reasoning, more samples) leaves less for people to check and fix, with elasticity
/// `theta` (Brown et al. 2024; theta = 0: one unit per task, as before). The firm buys the
/// cost-minimising x* = max(1, (theta omega w_O / price)^(1/(1+theta))). `omega` is
/// log-normal across tasks with median `omega_median` and log sd `dispersion`.
pub fn profitable_tasks(
    wage: f64,
    price: f64,
    oversight_wage: f64,
    omega_median: f64,
    dispersion: f64,
    theta: f64,
) -> TaskCosts {
    let none = TaskCosts { share: 0.0, oversight: 0.0, compute: 1.0 };
    if wage <= price || oversight_wage <= 0.0 || omega_median <= 0.0 {
        return if wage > price && omega_median <= 0.0 { TaskCosts { share: 1.0, ..none } } else { none };
    }
    // Above omega_1 the firm buys more than one unit of compute per task.
    let omega_1 = if theta > 0.0 { price / (theta * oversight_wage) } else { f64::INFINITY };
    let linear = (wage - price) / oversight_wage;
    let threshold = if linear <= omega_1 {
        linear
    } else {
        (wage * theta / (1.0 + theta)).powf(1.0 + theta) / (price.powf(theta) * theta * oversight_wage)
    };
    let (m, s) = (omega_median, dispersion);
    let share = normal_cdf((threshold / m).ln() / s);
    if share <= 1e-12 {
        return TaskCosts { share, oversight: threshold, compute: 1.0 };
    }
    let c1 = omega_1.min(threshold);
    let (base_share, base_omega) = (lognormal_partial(0.0, m, s, c1), lognormal_partial(1.0, m, s, c1));
    let (mut oversight, mut compute) = (base_omega, base_share);
    if threshold > c1 {
        let a = 1.0 / (1.0 + theta);
        let tail = lognormal_partial(a, m, s, threshold) - lognormal_partial(a, m, s, c1);
        let k = theta * oversight_wage / price;
        compute += k.powf(a) * tail;
        oversight += k.powf(-theta * a) * tail;
    }
    TaskCosts { share, oversight: (oversight / share).min(threshold), compute: (compute / share).max(1.0) }
}

/// Median oversight need at capability `k` (log10 FLOP): the start's median falls by a
/// factor e per `decay_oom` orders of magnitude above the start frontier `k0`.
#[inline]
pub fn oversight_median(median0: f64, k: f64, k0: f64, decay_oom: f64) -> f64 {
    median0 * (-(k - k0).max(0.0) / decay_oom).exp()
}

/// The median oversight need and its dispersion that reproduce a `profitable` share of
/// exposed tasks and an average `saving` on them (Acemoglu 2024: 23% and 27%), given the
/// start's compute price per unit of task and wages. `groups` are (task weight, wage) of
/// the exposed task groups; `oversight_wage` is the wage of the people who oversee AI.
/// Solved by nested bisection: for a dispersion the median is set to hit the share, and
/// the dispersion to hit the saving.
pub fn calibrate_oversight(
    groups: &[(f64, f64)],
    price: f64,
    oversight_wage: f64,
    profitable: f64,
    saving: f64,
    theta: f64,
) -> (f64, f64) {
    let total: f64 = groups.iter().map(|g| g.0).sum();
    let stats = |median: f64, s: f64| {
        let (mut share, mut cost) = (0.0, 0.0);
        for &(v, w) in groups {
            let t = profitable_tasks(w, price, oversight_wage, median, s, theta);
            share += v * t.share;
            cost += v * t.share * (price * t.compute + oversight_wage * t.oversight) / w;
        }
        (share / total, if share > 0.0 { 1.0 - cost / share } else { 0.0 })
    };
    let median_for = |s: f64| {
        // The share falls as the median rises.
        let (mut lo, mut hi) = (1e-6f64, 1e6f64);
        for _ in 0..200 {
            let mid = (lo * hi).sqrt();
            if stats(mid, s).0 > profitable { lo = mid } else { hi = mid }
        }
        (lo * hi).sqrt()
    };
    // With the share fixed, the saving rises with the dispersion (cheaper tasks in the tail).
    let (mut lo, mut hi) = (1e-3f64, 5.0f64);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if stats(median_for(mid), mid).1 < saving { lo = mid } else { hi = mid }
    }
    let s = 0.5 * (lo + hi);
    (median_for(s), s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dcf_value_is_a_gordon_growth_value_when_growth_is_flat() {
        // Constant growth g: value = m R (1+g) / (r - g) whatever the high-growth years.
        let (r, g, m, rate) = (100.0, 0.02, 0.3, 0.1);
        for years in [0.0, 1.0, 5.0] {
            let v = dcf_value(r, g, g, years, m, rate);
            assert!((v - m * r * (1.0 + g) / (rate - g)).abs() < 1e-9, "{years}: {v}");
        }
        // Faster expected growth, a higher margin or a lower discount rate raise the value.
        let base = dcf_value(r, 1.0, g, 5.0, m, rate);
        assert!(dcf_value(r, 1.5, g, 5.0, m, rate) > base);
        assert!(dcf_value(r, 1.0, g, 5.0, 0.4, rate) > base);
        assert!(dcf_value(r, 1.0, g, 5.0, m, 0.15) < base);
    }

    #[test]
    fn midpoint_reproduces_exposure() {
        let m = midpoint_for(0.3, 0.8, 26.66, 1.5);
        assert!((automatable(26.66, 0.8, m, 1.5) - 0.3).abs() < 1e-12);
        assert!(automatable(30.0, 0.8, m, 1.5) > 0.6);
        assert!(automatable(30.0, 0.8, m, 1.5) < 0.8);
        assert_eq!(automatable(40.0, 0.0, m, 1.5), 0.0);
    }

    #[test]
    fn ceiling_binds_only_above_cost() {
        assert_eq!(capped_wage(5000.0, 0.5, 6000.0), 5000.0);
        assert_eq!(capped_wage(5000.0, 0.5, 1000.0), 3000.0);
        assert_eq!(capped_wage(5000.0, 1.0, 1000.0), 1000.0);
    }

    #[test]
    fn matching_is_bounded() {
        assert_eq!(matches(10.0, 0.0, 0.75, 0.5), 0.0);
        assert!((matches(100.0, 100.0, 0.75, 0.5) - 75.0).abs() < 1e-9);
        assert_eq!(matches(1.0, 1e6, 0.75, 0.5), 1.0);
    }

    #[test]
    fn efficiency_decays() {
        let g0 = monthly_efficiency_gain(3.0, 6.0, 0);
        assert!((g0.powi(12) - 3.0).abs() < 1e-9);
        assert!(monthly_efficiency_gain(3.0, 6.0, 72) < g0);
    }

    #[test]
    fn on_device_starts_at_initial_and_saturates() {
        assert!((on_device_share(0.02, 0.4, 6.0, 0.8, 0.0) - 0.02).abs() < 1e-12);
        assert!(on_device_share(0.02, 0.4, 6.0, 0.8, 30.0) > 0.39);
    }

    #[test]
    fn taylor_rule_leans_against_inflation_and_unemployment() {
        let cb = mindmill_config::Config::baseline().central_bank;
        let neutral = cb.neutral_real_rate + cb.inflation_target;
        // At target and at the natural rate the rule converges to the neutral nominal rate.
        let mut i = 0.05;
        for _ in 0..600 {
            i = taylor_rate(i, cb.inflation_target, 0.044, &cb, 0.044);
        }
        assert!((i - neutral).abs() < 1e-9);
        assert!(taylor_rate(neutral, 0.05, 0.044, &cb, 0.044) > neutral);
        assert!(taylor_rate(neutral, 0.02, 0.10, &cb, 0.044) < neutral);
        assert_eq!(taylor_rate(0.0, -0.05, 0.2, &cb, 0.044), cb.lower_bound);
    }

    #[test]
    fn markups_follow_market_share() {
        assert!(markup_from_share(0.5, 0.011, 0.010, 0.04, 0.1, 1.5) > 0.5);
        assert!(markup_from_share(0.5, 0.009, 0.010, 0.04, 0.1, 1.5) < 0.5);
        assert_eq!(markup_from_share(0.5, 0.01, 0.0, 0.04, 0.1, 1.5), 0.5);
        assert_eq!(markup_from_share(1.49, 1.0, 0.01, 0.04, 0.1, 1.5), 1.5);
    }

    #[test]
    fn wages_fall_with_unemployment_above_the_natural_rate() {
        let w0 = wage_rule(1000.0, 0.0, 0.0, 0.0, [1.0, 1.0, 0.5]);
        assert_eq!(w0, 1000.0);
        assert!(wage_rule(1000.0, 0.0, 0.0, 0.05, [1.0, 1.0, 0.5]) < 1000.0);
        assert!(wage_rule(1000.0, 0.002, 0.0, 0.0, [1.0, 1.0, 0.5]) > 1000.0);
    }

    #[test]
    fn normal_cdf_is_accurate() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158655254).abs() < 1e-6);
    }

    #[test]
    fn cheaper_ai_makes_more_tasks_profitable() {
        let t = |w: f64, p: f64, theta: f64| profitable_tasks(w, p, 4000.0, 1.5, 0.6, theta);
        let (a, b) = (t(5000.0, 500.0, 0.0), t(5000.0, 50.0, 0.0));
        assert!(b.share > a.share && a.share > 0.0 && b.oversight >= a.oversight);
        assert_eq!((a.compute, b.compute), (1.0, 1.0), "without the compute margin, one unit per task");
        assert_eq!(t(400.0, 500.0, 0.0).share, 0.0);
        // Higher wages make more tasks worth automating: labour demand responds to wages.
        assert!(t(8000.0, 500.0, 0.0).share > a.share);
    }

    #[test]
    fn cheaper_compute_buys_more_compute_per_task_and_less_oversight() {
        // With theta > 0 a firm buys compute per task until its price equals the oversight it
        // saves (Brown et al. 2024): compute per task rises and oversight falls as the price
        // falls, and spending per task falls far less than the price.
        let t = |p: f64| profitable_tasks(5000.0, p, 4000.0, 1.5, 0.6, 0.12);
        let (dear, cheap) = (t(2000.0), t(2.0));
        assert!(cheap.compute > 100.0 * dear.compute, "compute per task {} -> {}", dear.compute, cheap.compute);
        // For the same tasks (all alike: a tiny dispersion) cheaper compute leaves less oversight.
        let alike = |p: f64| profitable_tasks(5000.0, p, 4000.0, 0.5, 0.01, 0.12);
        assert!(alike(2.0).oversight < 0.6 * alike(2000.0).oversight);
        let spend = |p: f64, c: &TaskCosts| p * c.compute;
        assert!(
            spend(2.0, &cheap) > 0.1 * spend(2000.0, &dear),
            "spending per task falls less than 10x for a 1000x price fall"
        );
        // At a price so high that no task needs more than one unit, theta changes nothing.
        let (plain, with) = (
            profitable_tasks(5000.0, 3000.0, 4000.0, 1.5, 0.6, 0.0),
            profitable_tasks(5000.0, 3000.0, 4000.0, 1.5, 0.6, 0.12),
        );
        assert!((plain.share - with.share).abs() < 1e-12 && (plain.oversight - with.oversight).abs() < 1e-12);
        // The share is continuous where buying more than one unit starts to pay (p = w theta/(1+theta)).
        let below = profitable_tasks(5000.0, 535.0, 4000.0, 1.5, 0.6, 0.12).share;
        let above = profitable_tasks(5000.0, 536.5, 4000.0, 1.5, 0.6, 0.12).share;
        assert!((below - above).abs() < 1e-3);
    }

    #[test]
    fn oversight_calibration_hits_both_targets() {
        let groups = [(0.6, 4900.0), (0.3, 7000.0), (0.1, 3000.0)];
        for theta in [0.0, 0.12] {
            let (m, s) = calibrate_oversight(&groups, 500.0, 4300.0, 0.23, 0.27, theta);
            let (mut share, mut cost, total) = (0.0, 0.0, 1.0);
            for (v, w) in groups {
                let t = profitable_tasks(w, 500.0, 4300.0, m, s, theta);
                share += v * t.share;
                cost += v * t.share * (500.0 * t.compute + 4300.0 * t.oversight) / w;
            }
            assert!((share / total - 0.23).abs() < 1e-6, "share {share}");
            assert!((1.0 - cost / share - 0.27).abs() < 1e-6, "saving {}", 1.0 - cost / share);
        }
    }

    #[test]
    fn markup_vanishes_at_parity() {
        assert_eq!(markup(3.0, 0.0), 0.0);
        assert!(markup(3.0, 2.0) > 2.9);
    }
}
