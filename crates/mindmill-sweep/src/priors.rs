//! Prior distributions of sweep parameters: every sampling design draws points on the unit
//! cube and maps each coordinate through its parameter's quantile function (inverse CDF), so
//! a Latin hypercube, Saltelli or Morris design over priors is the same design over ranks,
//! and a Monte Carlo design draws from the priors themselves.

use mindmill_model::equations::normal_cdf;
use serde::{Deserialize, Serialize};

/// The distribution of a parameter in a sampling design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Uniform on [`min`, `max`] (the default).
    #[default]
    Uniform,
    /// Normal with `mean` and `sd`, truncated to [`min`, `max`] where given.
    Normal,
    /// Log-normal: ln x is normal with `log_mean` and `log_sd`, truncated to [`min`, `max`]
    /// where given.
    Lognormal,
    /// Triangular on [`min`, `max`] with its peak at `mode`.
    Triangular,
    /// Beta(`alpha`, `beta`) scaled to [`min`, `max`] (default [0, 1]).
    Beta,
    /// One of `values`, with probabilities proportional to `weights` (default equal).
    Choice,
}

/// Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function (Numerical Recipes 6.4, modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// Regularized incomplete beta function I_x(a, b).
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) { front * beta_cf(a, b, x) / a } else { 1.0 - front * beta_cf(b, a, 1.0 - x) / b }
}

/// A parameter's prior, resolved from its sweep-file fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    /// Uniform on [lo, hi].
    Uniform { lo: f64, hi: f64 },
    /// exp(.) of a normal if `log`, else a normal; truncated to [lo, hi] (infinite = none).
    Normal { mean: f64, sd: f64, lo: f64, hi: f64, log: bool },
    /// Triangular on [lo, hi] with its mode.
    Triangular { lo: f64, mode: f64, hi: f64 },
    /// Beta(alpha, beta) on [lo, hi].
    Beta { alpha: f64, beta: f64, lo: f64, hi: f64 },
    /// Values with cumulative probabilities.
    Choice { values: Vec<f64>, cumulative: Vec<f64> },
}

/// The normal CDF at the truncation bounds [lo, hi] (0 and 1 where a bound is infinite), in
/// the space of the normal: ln of the bounds for a log-normal.
fn truncation(mean: f64, sd: f64, lo: f64, hi: f64, log: bool) -> (f64, f64) {
    let z = |x: f64| {
        let x = if log { if x > 0.0 { x.ln() } else { f64::NEG_INFINITY } } else { x };
        normal_cdf((x - mean) / sd)
    };
    (if lo.is_finite() { z(lo) } else { 0.0 }, if hi.is_finite() { z(hi) } else { 1.0 })
}

impl Prior {
    /// The value at quantile u in [0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Prior::Uniform { lo, hi } => lo + u * (hi - lo),
            Prior::Normal { mean, sd, lo, hi, log } => {
                let (a, b) = truncation(*mean, *sd, *lo, *hi, *log);
                let y = mean + sd * normal_quantile(a + u * (b - a));
                let x = if *log { y.exp() } else { y };
                x.clamp(*lo, *hi)
            }
            Prior::Triangular { lo, mode, hi } => {
                let f = (mode - lo) / (hi - lo);
                if u < f {
                    lo + (u * (hi - lo) * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
                }
            }
            Prior::Beta { alpha, beta, lo, hi } => {
                // Bisection on the CDF: 60 halvings give the quantile to 1e-18 of the range.
                let (mut a, mut b) = (0.0, 1.0);
                for _ in 0..60 {
                    let m = 0.5 * (a + b);
                    if beta_cdf(m, *alpha, *beta) < u {
                        a = m;
                    } else {
                        b = m;
                    }
                }
                lo + 0.5 * (a + b) * (hi - lo)
            }
            Prior::Choice { values, cumulative } => {
                let i = cumulative.iter().position(|c| u < *c).unwrap_or(values.len() - 1);
                values[i]
            }
        }
    }
}

/// The sweep-file fields of a parameter that describe its distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fields<'a> {
    pub distribution: Distribution,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub log_mean: Option<f64>,
    pub log_sd: Option<f64>,
    pub mode: Option<f64>,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub values: Option<&'a [f64]>,
    pub weights: Option<&'a [f64]>,
}

/// Resolves and checks a prior; the error says which field is wrong and what is allowed.
pub fn resolve(f: &Fields) -> Result<Prior, String> {
    use Distribution::*;
    let d = f.distribution;
    let name = match d {
        Uniform => "uniform",
        Normal => "normal",
        Lognormal => "lognormal",
        Triangular => "triangular",
        Beta => "beta",
        Choice => "choice",
    };
    // Fields that belong to other distributions are refused, not ignored.
    let given: [(&str, bool, &[Distribution]); 10] = [
        ("min", f.min.is_some(), &[Uniform, Normal, Lognormal, Triangular, Beta]),
        ("max", f.max.is_some(), &[Uniform, Normal, Lognormal, Triangular, Beta]),
        ("mean", f.mean.is_some(), &[Normal]),
        ("sd", f.sd.is_some(), &[Normal]),
        ("log_mean", f.log_mean.is_some(), &[Lognormal]),
        ("log_sd", f.log_sd.is_some(), &[Lognormal]),
        ("mode", f.mode.is_some(), &[Triangular]),
        ("alpha", f.alpha.is_some(), &[Beta]),
        ("beta", f.beta.is_some(), &[Beta]),
        ("weights", f.weights.is_some(), &[Choice]),
    ];
    for (field, present, allowed) in given {
        if present && !allowed.contains(&d) {
            return Err(format!("`{field}` does not apply to distribution = \"{name}\""));
        }
    }
    if f.values.is_some() && d != Choice {
        return Err(format!("`values` belongs to a grid design or to distribution = \"choice\", not to \"{name}\""));
    }
    let need = |field: &str, v: Option<f64>| -> Result<f64, String> {
        match v {
            Some(x) if x.is_finite() => Ok(x),
            Some(x) => Err(format!("`{field}` = {x} is not a finite number")),
            None => Err(format!("distribution = \"{name}\" needs `{field}`")),
        }
    };
    let positive = |field: &str, v: Option<f64>| -> Result<f64, String> {
        let x = need(field, v)?;
        if x > 0.0 { Ok(x) } else { Err(format!("`{field}` = {x} must be above 0")) }
    };
    let bounds = |lo: f64, hi: f64| -> Result<(f64, f64), String> {
        if lo < hi { Ok((lo, hi)) } else { Err(format!("needs `min` < `max`, got {lo} and {hi}")) }
    };
    let optional = |v: Option<f64>, default: f64, field: &str| -> Result<f64, String> {
        match v {
            Some(x) if !x.is_nan() && (x.is_finite() || x == default) => Ok(x),
            Some(x) => Err(format!("`{field}` = {x} is not a finite number")),
            None => Ok(default),
        }
    };
    match d {
        Uniform => {
            let (lo, hi) = bounds(need("min", f.min)?, need("max", f.max)?)?;
            Ok(Prior::Uniform { lo, hi })
        }
        Normal | Lognormal => {
            let log = d == Lognormal;
            let (mean, sd) = if log {
                (need("log_mean", f.log_mean)?, positive("log_sd", f.log_sd)?)
            } else {
                (need("mean", f.mean)?, positive("sd", f.sd)?)
            };
            let lo = optional(f.min, f64::NEG_INFINITY, "min")?;
            let hi = optional(f.max, f64::INFINITY, "max")?;
            let (lo, hi) = bounds(lo, hi)?;
            let prior = Prior::Normal { mean, sd, lo, hi, log };
            // Truncation must leave probability mass to draw from.
            let (a, b) = truncation(mean, sd, lo, hi, log);
            let mass = b - a;
            if mass < 1e-9 {
                return Err(format!(
                    "[`min`, `max`] = [{lo}, {hi}] holds almost none of the distribution ({mass:.1e})"
                ));
            }
            Ok(prior)
        }
        Triangular => {
            let (lo, hi) = bounds(need("min", f.min)?, need("max", f.max)?)?;
            let mode = need("mode", f.mode)?;
            if !(lo..=hi).contains(&mode) {
                return Err(format!("`mode` = {mode} must lie in [`min`, `max`] = [{lo}, {hi}]"));
            }
            Ok(Prior::Triangular { lo, mode, hi })
        }
        Beta => {
            let (alpha, beta) = (positive("alpha", f.alpha)?, positive("beta", f.beta)?);
            let (lo, hi) = bounds(optional(f.min, 0.0, "min")?, optional(f.max, 1.0, "max")?)?;
            if !lo.is_finite() || !hi.is_finite() {
                return Err("a beta distribution needs finite `min` and `max`".into());
            }
            Ok(Prior::Beta { alpha, beta, lo, hi })
        }
        Choice => {
            let values =
                f.values.filter(|v| !v.is_empty()).ok_or("distribution = \"choice\" needs a non-empty `values`")?;
            if values.iter().any(|v| !v.is_finite()) {
                return Err("`values` must be finite numbers".into());
            }
            let weights: Vec<f64> = match f.weights {
                Some(w) if w.len() != values.len() => {
                    return Err(format!("`weights` has {} entries for {} `values`", w.len(), values.len()));
                }
                Some(w) => w.to_vec(),
                None => vec![1.0; values.len()],
            };
            let total: f64 = weights.iter().sum();
            if weights.iter().any(|w| !w.is_finite() || *w < 0.0) || !(total > 0.0) {
                return Err("`weights` must be finite, at least 0 and not all 0".into());
            }
            let mut acc = 0.0;
            let cumulative = weights
                .iter()
                .map(|w| {
                    acc += w / total;
                    acc
                })
                .collect();
            Ok(Prior::Choice { values: values.to_vec(), cumulative })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields<'static> {
        Fields {
            distribution: Distribution::Uniform,
            min: None,
            max: None,
            mean: None,
            sd: None,
            log_mean: None,
            log_sd: None,
            mode: None,
            alpha: None,
            beta: None,
            values: None,
            weights: None,
        }
    }

    /// Sample mean and variance of `n` draws at the midpoints of n equal quantile strata
    /// (a deterministic, low-discrepancy stand-in for Monte Carlo).
    fn moments(p: &Prior, n: usize) -> (f64, f64) {
        let xs: Vec<f64> = (0..n).map(|i| p.quantile((i as f64 + 0.5) / n as f64)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        (m, xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64)
    }

    #[test]
    fn the_normal_functions_match_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_963_985) - 0.975).abs() < 1e-7);
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-7);
        assert!((beta_cdf(0.5, 2.0, 2.0) - 0.5).abs() < 1e-12);
        assert!((beta_cdf(0.3, 2.0, 5.0) - 0.579_825).abs() < 1e-6);
    }

    #[test]
    fn each_prior_has_its_distributions_moments() {
        let n = 200_000;
        let check = |f: Fields, mean: f64, var: f64| {
            let p = resolve(&f).unwrap();
            let (m, v) = moments(&p, n);
            assert!((m - mean).abs() < 1e-3 * (1.0 + mean.abs()), "{f:?}: mean {m} vs {mean}");
            assert!((v - var).abs() < 2e-3 * (1.0 + var), "{f:?}: variance {v} vs {var}");
        };
        use Distribution::*;
        check(Fields { min: Some(1.0), max: Some(3.0), ..fields() }, 2.0, 4.0 / 12.0);
        check(Fields { distribution: Normal, mean: Some(2.0), sd: Some(0.5), ..fields() }, 2.0, 0.25);
        // Lognormal: mean exp(mu + s^2/2), variance (exp(s^2) - 1) exp(2 mu + s^2).
        let (mu, s): (f64, f64) = (0.3, 0.4);
        check(
            Fields { distribution: Lognormal, log_mean: Some(mu), log_sd: Some(s), ..fields() },
            (mu + s * s / 2.0).exp(),
            ((s * s).exp() - 1.0) * (2.0 * mu + s * s).exp(),
        );
        // Triangular: mean (a + b + c)/3, variance (a^2 + b^2 + c^2 - ab - ac - bc)/18.
        let (a, c, b) = (1.0, 1.5, 4.0);
        check(
            Fields { distribution: Triangular, min: Some(a), mode: Some(c), max: Some(b), ..fields() },
            (a + b + c) / 3.0,
            (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
        );
        // Beta(2, 5) on [10, 20]: mean 10 + 10 a/(a+b), variance 100 ab/((a+b)^2 (a+b+1)).
        check(
            Fields {
                distribution: Beta,
                alpha: Some(2.0),
                beta: Some(5.0),
                min: Some(10.0),
                max: Some(20.0),
                ..fields()
            },
            10.0 + 10.0 * 2.0 / 7.0,
            100.0 * 10.0 / (49.0 * 8.0),
        );
        // A normal truncated to [mean, inf): the half-normal, mean mu + sd sqrt(2/pi),
        // variance sd^2 (1 - 2/pi).
        check(
            Fields { distribution: Normal, mean: Some(0.0), sd: Some(1.0), min: Some(0.0), ..fields() },
            (2.0 / std::f64::consts::PI).sqrt(),
            1.0 - 2.0 / std::f64::consts::PI,
        );
    }

    #[test]
    fn choices_come_with_their_weights() {
        let values = [1.0, 2.0, 5.0];
        let weights = [1.0, 1.0, 2.0];
        let p = resolve(&Fields {
            distribution: Distribution::Choice,
            values: Some(&values),
            weights: Some(&weights),
            ..fields()
        })
        .unwrap();
        let n = 10_000;
        let count = |v: f64| (0..n).filter(|i| p.quantile((*i as f64 + 0.5) / n as f64) == v).count();
        assert_eq!((count(1.0), count(2.0), count(5.0)), (2_500, 2_500, 5_000));
    }

    #[test]
    fn bad_priors_name_the_field() {
        use Distribution::*;
        let err = |f: Fields| resolve(&f).unwrap_err();
        assert!(err(Fields { distribution: Normal, mean: Some(1.0), ..fields() }).contains("needs `sd`"));
        assert!(err(Fields { distribution: Normal, mean: Some(1.0), sd: Some(-1.0), ..fields() }).contains("`sd`"));
        assert!(
            err(Fields { mean: Some(1.0), min: Some(0.0), max: Some(1.0), ..fields() })
                .contains("`mean` does not apply")
        );
        assert!(
            err(Fields { distribution: Triangular, min: Some(0.0), max: Some(1.0), mode: Some(2.0), ..fields() })
                .contains("`mode`")
        );
        assert!(
            err(Fields { distribution: Normal, mean: Some(0.0), sd: Some(1.0), min: Some(40.0), ..fields() })
                .contains("almost none")
        );
        assert!(err(Fields { distribution: Choice, ..fields() }).contains("`values`"));
    }
}
