//! Counter-based random draws.
//!
//! Every draw is a pure function of (seed, run, stream, tick, agent), so results do not
//! depend on thread count, iteration order or on how many draws other agents made.
//! The mixer is splitmix64's finaliser (Steele, Lea & Flood 2014), applied to each key
//! word in turn.

/// Random streams, one per system that draws. Never renumber: outputs depend on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Worker occupations, skills and initial status.
    InitWorkers = 1,
    /// Firm sizes, sectors and initial providers.
    InitFirms = 2,
    /// Assignment of workers to firms at start.
    InitJobs = 3,
    /// Datacenter site prices.
    Sites = 4,
    /// Firms' provider reviews and logit choices.
    ProviderChoice = 5,
    /// Layoffs and quits.
    Separation = 6,
    /// Job matching.
    Matching = 7,
    /// Retraining decisions and new occupations.
    Retraining = 8,
    /// Workers adopting their own AI tools.
    Tools = 9,
    /// Subscribers' choice of provider.
    Subscription = 10,
    /// Fixed sample of recorded workers.
    Sample = 11,
    /// Rounding of fractional vacancies.
    Vacancies = 12,
    /// Labour-force entrants: occupation and skill.
    Entrants = 13,
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A keyed source of draws for one (seed, run) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draws {
    key: u64,
}

impl Draws {
    /// Draws for `seed` and run index `run` (runs of a sweep share a seed but not streams).
    pub fn new(seed: u64, run: u64) -> Self {
        Draws { key: mix(mix(seed) ^ run.wrapping_mul(0xD1B5_4A32_D192_ED03)) }
    }

    /// 64 random bits for (stream, tick, agent, k): `k` numbers several draws of one agent.
    #[inline]
    pub fn bits(&self, stream: Stream, tick: u32, agent: u64, k: u32) -> u64 {
        let a = mix(self.key ^ (stream as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let b = mix(a ^ ((tick as u64) << 32 | k as u64));
        mix(b ^ agent)
    }

    /// Uniform on [0, 1).
    #[inline]
    pub fn uniform(&self, stream: Stream, tick: u32, agent: u64, k: u32) -> f64 {
        (self.bits(stream, tick, agent, k) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal by Box-Muller from two uniforms.
    #[inline]
    pub fn normal(&self, stream: Stream, tick: u32, agent: u64, k: u32) -> f64 {
        let u1 = 1.0 - self.uniform(stream, tick, agent, 2 * k);
        let u2 = self.uniform(stream, tick, agent, 2 * k + 1);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Standard Gumbel, for logit choice.
    #[inline]
    pub fn gumbel(&self, stream: Stream, tick: u32, agent: u64, k: u32) -> f64 {
        let u = self.uniform(stream, tick, agent, k).max(1e-300);
        -(-u.ln()).ln()
    }
}

/// Tick value used for draws made while building the initial state.
pub const INIT_TICK: u32 = u32::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_pure_and_distinct() {
        let d = Draws::new(42, 0);
        assert_eq!(d.bits(Stream::Matching, 3, 7, 0), d.bits(Stream::Matching, 3, 7, 0));
        assert_ne!(d.bits(Stream::Matching, 3, 7, 0), d.bits(Stream::Matching, 3, 8, 0));
        assert_ne!(d.bits(Stream::Matching, 3, 7, 0), d.bits(Stream::Separation, 3, 7, 0));
        assert_ne!(d.bits(Stream::Matching, 3, 7, 0), Draws::new(42, 1).bits(Stream::Matching, 3, 7, 0));
    }

    #[test]
    fn uniform_moments() {
        let d = Draws::new(1, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|i| d.uniform(Stream::Tools, 0, i, 0)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.002, "{var}");
        let z: Vec<f64> = (0..n).map(|i| d.normal(Stream::Tools, 0, i, 0)).collect();
        let zm = z.iter().sum::<f64>() / n as f64;
        let zv = z.iter().map(|x| (x - zm).powi(2)).sum::<f64>() / n as f64;
        assert!(zm.abs() < 0.01 && (zv - 1.0).abs() < 0.02, "{zm} {zv}");
    }
}
