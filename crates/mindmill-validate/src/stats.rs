//! Small statistics used by the validation: HP filter, moments, correlations, Gini.

/// Hodrick-Prescott cycle of `y` with smoothing `lambda` (Ravn & Uhlig 2002: 129,600 for
/// monthly data): y minus the trend tau solving (I + lambda D'D) tau = y, D the second
/// difference. Solved by a banded Cholesky factorisation (bandwidth 2).
pub fn hp_cycle(y: &[f64], lambda: f64) -> Vec<f64> {
    let n = y.len();
    if n < 5 {
        return vec![0.0; n];
    }
    // Band of A = I + lambda D'D: a[i][d] = A[i][i-d] for d = 0, 1, 2.
    let mut a = vec![[0.0f64; 3]; n];
    for k in 0..n - 2 {
        // Row k of D: +1 at k, -2 at k+1, +1 at k+2.
        let idx = [k, k + 1, k + 2];
        let w = [1.0, -2.0, 1.0];
        for p in 0..3 {
            for q in 0..=p {
                a[idx[p]][p - q] += lambda * w[p] * w[q];
            }
        }
    }
    for row in a.iter_mut() {
        row[0] += 1.0;
    }
    // Cholesky: A = L L', L lower with bandwidth 2; l[i][d] = L[i][i-d].
    let mut l = vec![[0.0f64; 3]; n];
    for i in 0..n {
        for d in (0..3).rev() {
            if d > i {
                continue;
            }
            let j = i - d;
            let mut s = a[i][d];
            for m in 1..3 {
                // sum over k < j of L[i][k] L[j][k], k = j - m.
                if m > j {
                    break;
                }
                let k = j - m;
                let (di, dj) = (i - k, j - k);
                if di <= 2 && dj <= 2 {
                    s -= l[i][di] * l[j][dj];
                }
            }
            if d == 0 {
                l[i][0] = s.max(1e-300).sqrt();
            } else {
                l[i][d] = s / l[j][0];
            }
        }
    }
    // Forward then backward substitution.
    let mut z = vec![0.0; n];
    for i in 0..n {
        let mut s = y[i];
        for d in 1..3 {
            if d <= i {
                s -= l[i][d] * z[i - d];
            }
        }
        z[i] = s / l[i][0];
    }
    let mut tau = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = z[i];
        for d in 1..3 {
            if i + d < n {
                s -= l[i + d][d] * tau[i + d];
            }
        }
        tau[i] = s / l[i][0];
    }
    y.iter().zip(&tau).map(|(a, b)| a - b).collect()
}

/// Mean.
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

/// Standard deviation (population).
pub fn sd(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Pearson correlation.
pub fn corr(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    if vx <= 0.0 || vy <= 0.0 { 0.0 } else { cov / (vx * vy).sqrt() }
}

/// Sample skewness.
pub fn skewness(x: &[f64]) -> f64 {
    let (m, s) = (mean(x), sd(x));
    if s == 0.0 { 0.0 } else { x.iter().map(|v| ((v - m) / s).powi(3)).sum::<f64>() / x.len() as f64 }
}

/// Excess kurtosis (0 for a normal distribution).
pub fn excess_kurtosis(x: &[f64]) -> f64 {
    let (m, s) = (mean(x), sd(x));
    if s == 0.0 { 0.0 } else { x.iter().map(|v| ((v - m) / s).powi(4)).sum::<f64>() / x.len() as f64 - 3.0 }
}

/// Weighted Gini coefficient of `values` with non-negative `weights`.
pub fn gini(values: &[f64], weights: &[f64]) -> f64 {
    let mut v: Vec<(f64, f64)> =
        values.iter().copied().zip(weights.iter().copied()).filter(|(_, w)| *w > 0.0).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total_w: f64 = v.iter().map(|p| p.1).sum();
    let total: f64 = v.iter().map(|p| p.0 * p.1).sum();
    if total_w <= 0.0 || total <= 0.0 {
        return 0.0;
    }
    // Area under the Lorenz curve by trapezoids.
    let (mut cum_w, mut cum, mut area) = (0.0, 0.0, 0.0);
    for (x, w) in v {
        let (nw, nc) = (cum_w + w / total_w, cum + x * w / total);
        area += (nw - cum_w) * (nc + cum) / 2.0;
        cum_w = nw;
        cum = nc;
    }
    1.0 - 2.0 * area
}

/// Median (NaN for an empty list).
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hp_removes_a_linear_trend_and_keeps_a_cycle() {
        let y: Vec<f64> = (0..120).map(|t| 2.0 + 0.01 * t as f64).collect();
        assert!(hp_cycle(&y, 129_600.0).iter().all(|c| c.abs() < 1e-6));
        let z: Vec<f64> = (0..120).map(|t| 0.01 * t as f64 + 0.1 * (t as f64 * 0.5).sin()).collect();
        let c = hp_cycle(&z, 129_600.0);
        assert!(corr(&c, &(0..120).map(|t| (t as f64 * 0.5).sin()).collect::<Vec<_>>()) > 0.95);
    }

    #[test]
    fn moments_and_gini() {
        assert!((corr(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!(skewness(&[1.0, 1.0, 1.0, 10.0]) > 0.0);
        assert!(gini(&[1.0, 1.0], &[1.0, 1.0]).abs() < 1e-12);
        assert!((gini(&[0.0, 1.0], &[1.0, 1.0]) - 0.5).abs() < 1e-12);
    }
}
