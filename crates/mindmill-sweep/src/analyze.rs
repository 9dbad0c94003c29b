//! Global sensitivity: Sobol indices from a Saltelli design (first order: Saltelli et al.
//! 2010; total: Jansen 1999) with bootstrap confidence intervals, and Morris (1991)
//! elementary effects (mu*, sigma; Campolongo et al. 2007).

use crate::design::unit;

/// Sobol indices of one factor with 95% bootstrap intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Sobol {
    /// First-order index and its interval.
    pub first: (f64, f64, f64),
    /// Total-order index and its interval.
    pub total: (f64, f64, f64),
}

/// Morris statistics of one factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Morris {
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Mean elementary effect.
    pub mu: f64,
    /// Standard deviation of the elementary effects.
    pub sigma: f64,
}

fn estimates(y: &[f64], k: usize, pick: &[usize]) -> Vec<(f64, f64)> {
    let at = |j: usize, r: usize| y[j * (k + 2) + r];
    let m = pick.len() as f64;
    let mut all: Vec<f64> = Vec::with_capacity(2 * pick.len());
    for &j in pick {
        all.push(at(j, 0));
        all.push(at(j, 1));
    }
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let var = all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / all.len() as f64;
    // Outputs are centred on their mean: the first-order estimator's sampling error grows
    // with the mean of the output, its expectation does not depend on it.
    (0..k)
        .map(|i| {
            let (mut s1, mut st) = (0.0, 0.0);
            for &j in pick {
                let (fa, fb, fab) = (at(j, 0) - mean, at(j, 1) - mean, at(j, 2 + i) - mean);
                s1 += fb * (fab - fa);
                st += (fa - fab).powi(2);
            }
            if var <= 0.0 { (0.0, 0.0) } else { (s1 / m / var, 0.5 * st / m / var) }
        })
        .collect()
}

/// Sobol indices from outputs `y` of a Saltelli design with `n` base samples and `k`
/// factors (rows ordered A, B, AB_1..AB_k per base sample), with `resamples` bootstrap
/// draws (deterministic in `seed`) for the 95% intervals.
pub fn sobol(y: &[f64], n: usize, k: usize, resamples: usize, seed: u64) -> Vec<Sobol> {
    assert_eq!(y.len(), n * (k + 2), "a Saltelli design has n (k + 2) outputs");
    let all: Vec<usize> = (0..n).collect();
    let point = estimates(y, k, &all);
    let mut boot: Vec<Vec<(f64, f64)>> = Vec::with_capacity(resamples);
    for b in 0..resamples {
        let pick: Vec<usize> =
            (0..n).map(|j| ((unit(seed, b as u64, j as u64) * n as f64) as usize).min(n - 1)).collect();
        boot.push(estimates(y, k, &pick));
    }
    let q = |mut v: Vec<f64>, p: f64| -> f64 {
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return f64::NAN;
        }
        let i = ((v.len() - 1) as f64 * p).round() as usize;
        v[i]
    };
    (0..k)
        .map(|i| {
            let f: Vec<f64> = boot.iter().map(|e| e[i].0).collect();
            let t: Vec<f64> = boot.iter().map(|e| e[i].1).collect();
            Sobol {
                first: (point[i].0, q(f.clone(), 0.025), q(f, 0.975)),
                total: (point[i].1, q(t.clone(), 0.025), q(t, 0.975)),
            }
        })
        .collect()
}

/// Morris statistics from a trajectory design `x` (unit cube, r (k + 1) rows) and outputs `y`.
pub fn morris(x: &[Vec<f64>], y: &[f64], k: usize) -> Vec<Morris> {
    let r = x.len() / (k + 1);
    let mut effects: Vec<Vec<f64>> = vec![Vec::new(); k];
    for t in 0..r {
        for s in 0..k {
            let (a, b) = (t * (k + 1) + s, t * (k + 1) + s + 1);
            if let Some(d) = (0..k).find(|&d| (x[a][d] - x[b][d]).abs() > 1e-12) {
                effects[d].push((y[b] - y[a]) / (x[b][d] - x[a][d]));
            }
        }
    }
    effects
        .into_iter()
        .map(|e| {
            let n = e.len().max(1) as f64;
            let mu = e.iter().sum::<f64>() / n;
            Morris {
                mu_star: e.iter().map(|v| v.abs()).sum::<f64>() / n,
                mu,
                sigma: (e.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt(),
            }
        })
        .collect()
}

/// The Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3, scaled from the unit cube.
pub fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|v| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * v).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::saltelli;

    #[test]
    fn sobol_indices_of_ishigami_match_the_analytical_values() {
        // Analytical values (Ishigami & Homma 1990; Sobol' & Levitan 1999).
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        let (n, k) = (16384, 3);
        let x = saltelli(n, k, 11);
        let y: Vec<f64> = x.iter().map(|u| ishigami(u)).collect();
        let s = sobol(&y, n, k, 300, 3);
        for i in 0..k {
            let (f, lo, hi) = s[i].first;
            assert!(lo <= s1[i] && s1[i] <= hi, "S1[{i}] = {f} [{lo}, {hi}] vs {}", s1[i]);
            let (t, lo, hi) = s[i].total;
            assert!(lo <= st[i] && st[i] <= hi, "ST[{i}] = {t} [{lo}, {hi}] vs {}", st[i]);
            assert!((f - s1[i]).abs() < 0.05 && (t - st[i]).abs() < 0.05);
        }
    }

    #[test]
    fn morris_ranks_ishigami_factors() {
        let x = crate::design::morris(200, 3, 8, 5);
        let y: Vec<f64> = x.iter().map(|u| ishigami(u)).collect();
        let m = morris(&x, &y, 3);
        // x3 acts only through its interaction with x1: mu near zero, sigma large.
        assert!(m[2].mu.abs() < 0.5 * m[2].sigma, "{m:?}");
        assert!(m[0].mu_star > 0.0 && m[1].mu_star > 0.0);
    }
}

/// Ranks of `x` (1-based; ties get their mean rank).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|a, b| x[*a].total_cmp(&x[*b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[idx[k]] = mean;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of `x` and `y` (Pearson's on ranks); NaN when either is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 { f64::NAN } else { sxy / (sxx * syy).sqrt() }
}

/// The p-quantile of `y` (nearest rank on the sorted values).
pub fn quantile(y: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = y.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

#[cfg(test)]
mod rank_tests {
    use super::*;

    #[test]
    fn spearman_sees_monotone_relations_and_ties() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&x, &[1.0, 4.0, 9.0, 16.0, 25.0]) - 1.0).abs() < 1e-12, "monotone, not linear");
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert!(spearman(&x, &[1.0; 5]).is_nan());
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
        assert_eq!(quantile(&[5.0, 1.0, 3.0], 0.5), 3.0);
    }
}
