//! Systems, one module per economic process, in the order a tick runs them
//! (the order itself is fixed in `schedule.rs`).

use bevy_ecs::prelude::*;
use bevy_utils::Parallel;

pub mod accounting;
pub mod adoption;
pub mod datacenters;
pub mod events;
pub mod goods;
pub mod government;
pub mod investment;
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
    /// Float weights for apportioning.
    pub weights: Vec<f64>,
    /// Integer parts from apportioning.
    pub parts: Vec<i64>,
    /// Remaining vacancies per firm by tier, during matching.
    pub open: Vec<[u32; mindmill_config::TIERS]>,
    /// Cumulative vacancies per tier over firms.
    pub vacancy_cum: [Vec<f64>; mindmill_config::TIERS],
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
