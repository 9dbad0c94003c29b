//! Experimental designs on the unit hypercube: full grid (given levels), Latin hypercube,
//! Saltelli's matrices for Sobol indices, Morris trajectories and Monte Carlo. All draws come from a
//! counter-based generator keyed by the design seed, so a design is a pure function of the
//! sweep file.

/// Uniform draw on [0, 1) from (seed, a, b).
pub fn unit(seed: u64, a: u64, b: u64) -> f64 {
    let mut z = seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03);
    for _ in 0..2 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Monte Carlo: `n` independent uniform points in `k` dimensions (mapped through each
/// parameter's quantile function, they are draws from its prior).
pub fn monte_carlo(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    (0..n).map(|j| (0..k).map(|d| unit(seed ^ 0x4D43_5052_494F_5253, j as u64, d as u64)).collect()).collect()
}

/// Latin hypercube: `n` points in `k` dimensions, one point per stratum in each dimension.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; k]; n];
    for d in 0..k {
        // A permutation of strata by sorting random keys (Fisher-Yates would also do).
        let mut order: Vec<(f64, usize)> = (0..n).map(|i| (unit(seed, d as u64, i as u64), i)).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (stratum, (_, i)) in order.into_iter().enumerate() {
            let jitter = unit(seed ^ 0xABCD, d as u64, i as u64);
            points[i][d] = (stratum as f64 + jitter) / n as f64;
        }
    }
    points
}

/// Saltelli (2002, 2010) design: for each of `n` base samples j, the rows A_j, B_j and
/// AB_j^(i) (A_j with column i from B_j) for i in 0..k, in that order: n (k + 2) points.
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut out = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|d| unit(seed, j as u64, d as u64)).collect();
        let b: Vec<f64> = (0..k).map(|d| unit(seed, j as u64, (k + d) as u64)).collect();
        out.push(a.clone());
        out.push(b.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            out.push(ab);
        }
    }
    out
}

/// Morris (1991) trajectories: `r` trajectories of k + 1 points on a `levels`-level grid,
/// each step moving one factor (in random order) by delta = levels / (2 (levels - 1)).
pub fn morris(r: usize, k: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
    let p = levels.max(2) as f64;
    let delta = p / (2.0 * (p - 1.0));
    let mut out = Vec::with_capacity(r * (k + 1));
    for t in 0..r {
        // Base point on the grid such that x + delta stays within [0, 1].
        let steps = (levels / 2).max(1);
        let mut x: Vec<f64> =
            (0..k).map(|d| ((unit(seed, t as u64, d as u64) * steps as f64).floor()) / (p - 1.0)).collect();
        let mut order: Vec<(f64, usize)> = (0..k).map(|d| (unit(seed ^ 0x5EED, t as u64, d as u64), d)).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        out.push(x.clone());
        for (_, d) in order {
            x[d] = if x[d] + delta <= 1.0 + 1e-12 { x[d] + delta } else { x[d] - delta };
            out.push(x.clone());
        }
    }
    out
}

/// Full factorial grid over the given level lists (last dimension fastest).
pub fn grid(levels: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new()];
    for l in levels {
        let mut next = Vec::with_capacity(out.len() * l.len());
        for p in &out {
            for v in l {
                let mut q = p.clone();
                q.push(*v);
                next.push(q);
            }
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_fills_every_stratum() {
        let p = latin_hypercube(10, 3, 7);
        for d in 0..3 {
            let mut strata: Vec<usize> = p.iter().map(|x| (x[d] * 10.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn designs_have_the_documented_sizes() {
        assert_eq!(saltelli(8, 3, 1).len(), 8 * 5);
        assert_eq!(morris(4, 3, 4, 1).len(), 4 * 4);
        assert_eq!(grid(&[vec![1.0, 2.0], vec![3.0, 4.0, 5.0]]).len(), 6);
        let m = morris(2, 3, 4, 1);
        for t in 0..2 {
            for s in 0..3 {
                let (a, b) = (&m[t * 4 + s], &m[t * 4 + s + 1]);
                let moved: Vec<usize> = (0..3).filter(|&d| (a[d] - b[d]).abs() > 1e-12).collect();
                assert_eq!(moved.len(), 1, "one factor per step");
            }
        }
    }
}
