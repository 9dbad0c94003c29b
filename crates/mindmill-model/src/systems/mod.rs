//! Systems, one module per economic process, in the order a tick runs them
//! (the order itself is fixed in `schedule.rs`).

use bevy_ecs::prelude::*;
use bevy_utils::Parallel;

pub mod accounting;
pub mod adoption;
pub mod central_bank;
pub mod datacenters;
pub mod events;
pub mod finance;
pub mod goods;
pub mod government;
pub mod investment;
pub mod markets;
pub mod pricing;
pub mod record;
pub mod technology;
pub mod wages;
pub mod workers;

/// Per-tick working buffers reused across ticks so that hot systems allocate nothing.
#[derive(Resource, Debug, Clone, Default)]
pub struct Scratch {
    /// Per firm: layoff rate by tier and a failed flag, copied for worker loops.
    pub firm_layoff: Vec<[f32; mindmill_config::TIERS]>,
    /// Per provider: paying subscribers (agents).
    pub subscribers: Vec<u64>,
    /// Per provider: subscription revenue this tick, cents.
    pub subscription_cents: Vec<i64>,
    /// Float weights for apportioning and market shares, by firm.
    pub weights: Vec<f64>,
    /// Demand by firm in the market-clearing rounds, cents.
    pub demand: Vec<f64>,
    /// Units sold by firm.
    pub sold: Vec<f64>,
    /// Value sold by firm, cents.
    pub value: Vec<f64>,
    /// Integer parts from apportioning.
    pub parts: Vec<i64>,
    /// Remaining vacancies per firm by tier, during matching.
    pub open: Vec<[u32; mindmill_config::TIERS]>,
    /// Cumulative vacancies per tier over firms.
    pub vacancy_cum: [Vec<f64>; mindmill_config::TIERS],
    /// Per tier: next firm with a vacancy left, during matching (see `find_open`).
    pub next_open: [Vec<u32>; mindmill_config::TIERS],
    /// Job seekers by tier after separations, for matching.
    pub searching: [u64; mindmill_config::TIERS],
    /// Cumulative employment over occupations this month: where entrants look for work.
    pub entrant_cum: Vec<f64>,
}

/// Asks the kernel to back `v`'s buffer with 2 MiB pages (Linux transparent huge pages,
/// which many machines enable only on request). Per-firm arrays that workers index by
/// employer span hundreds of MB at national scale; with 4 KiB pages nearly every such
/// access also misses the TLB. Call before the buffer is first written. Changes no result.
pub fn huge_pages<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = v.capacity() * std::mem::size_of::<T>();
        let start = v.as_ptr() as usize;
        let (lo, hi) = (start.next_multiple_of(HUGE), (start + bytes) / HUGE * HUGE);
        if hi > lo {
            // SAFETY: [lo, hi) lies inside the vector's allocation; MADV_HUGEPAGE is advice
            // about backing pages and never changes the memory's contents.
            unsafe {
                libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// `x.round() as i64` (half away from zero, saturating, NaN to 0) without the libm
/// call, which took a tenth of a month's time, and without branches (the halves are
/// unpredictable): bit-for-bit the same result.
#[inline(always)]
pub fn round_i64(x: f64) -> i64 {
    let t = x as i64;
    // Exact for |x| < 2^52; beyond, x is an integer and the fraction is 0 (or the cast saturated).
    let frac = x - t as f64;
    t.saturating_add((frac >= 0.5) as i64 - (frac <= -0.5) as i64)
}

/// Integer counters summed over agents in parallel. Integer addition is associative,
/// so the result is exact and independent of the thread count and of how work is split.
pub type Counters<const N: usize> = Parallel<[i128; N]>;

/// Adds `values` to this thread's counters.
#[inline]
pub fn count<const N: usize>(parts: &Counters<N>, values: [i128; N]) {
    parts.scope_or(
        || [0; N],
        |a| {
            for i in 0..N {
                a[i] += values[i];
            }
        },
    );
}

/// Takes the totals of all threads' counters and zeroes them for the next use.
pub fn take<const N: usize>(parts: &mut Counters<N>) -> [i128; N] {
    let mut out = [0i128; N];
    for a in parts.iter_mut() {
        for i in 0..N {
            out[i] += a[i];
        }
        *a = [0; N];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::round_i64;
    use proptest::prelude::*;

    #[test]
    fn round_matches_std_at_the_edges() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            9.3e18,
            -9.3e18,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            1e-310,
        ] {
            assert_eq!(round_i64(x), x.round() as i64, "{x}");
        }
    }

    proptest! {
        #[test]
        fn round_matches_std(bits in any::<u64>(), small in -1e7f64..1e7) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(round_i64(x), x.round() as i64);
            prop_assert_eq!(round_i64(small), small.round() as i64);
            let half = small.trunc() + 0.5;
            prop_assert_eq!(round_i64(half), half.round() as i64);
        }
    }
}
