//! The tick schedule: every system in the order a month runs them (ODD section 3).
//! The table below is the one definition of the phases, their systems and their order;
//! the phase enum, the name tables and the schedule are all generated from it. The whole
//! chain is explicit, so the order never depends on the executor; systems parallelise
//! inside themselves over agents.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};

use crate::systems::{
    accounting, adoption, central_bank, datacenters, events, finance, goods, government, investment, markets, pricing,
    record, technology, wages, workers,
};

/// Expands the schedule table into [`TickSystems`], [`PHASE_NAMES`], [`SYSTEM_NAMES`] and
/// the function that adds every system to a schedule in table order.
macro_rules! tick_table {
    ($( $(#[$doc:meta])* $phase:ident $label:literal [ $( $module:ident :: $system:ident ),* $(,)? ] )*) => {
        /// The phases of a tick, in order. Tests may add systems between phases.
        #[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum TickSystems { $( $(#[$doc])* $phase, )* }

        /// Names of the phases, in order.
        pub const PHASE_NAMES: [&str; PHASES] = [$($label),*];

        /// The phases in order.
        const PHASE_ORDER: [TickSystems; PHASES] = [$(TickSystems::$phase),*];

        /// Number of phases in a tick.
        pub const PHASES: usize = [$($label),*].len();

        /// Number of model systems in a tick.
        pub const SYSTEMS: usize = [$( $( stringify!($system), )* )*].len();

        /// Each system's phase (index into [`PHASE_NAMES`]) and name, in the order a tick runs them.
        pub const SYSTEM_NAMES: [(usize, &str); SYSTEMS] =
            [$( $( (TickSystems::$phase as usize, stringify!($system)), )* )*];

        fn add_table(s: &mut Schedule) {
            let mut i = 0usize;
            $( $(
                s.add_systems((mark(i), $module::$system).chain().in_set(Step(i)).in_set(TickSystems::$phase));
                i += 1;
            )* )*
            debug_assert_eq!(i, SYSTEMS);
        }
    };
}

tick_table! {
    /// Scheduled scenario shocks.
    Events "events" [events::open_tick, events::apply_events]
    /// Hardware, algorithms, capability.
    Technology "technology" [technology::advance_technology]
    /// Datacenter capacity, power, depreciation.
    Datacenters "datacenters" [datacenters::update_datacenters]
    /// AI prices.
    Pricing "pricing" [pricing::set_ai_prices]
    /// Automation adoption and AI load.
    Adoption "adoption" [adoption::adopt_ai, adoption::balance_ai_load]
    /// Labour market.
    LabourMarket "labour market" [
        workers::tally_workforce,
        workers::plan_labour_demand,
        workers::separate_workers,
        workers::match_workers,
        workers::adopt_tools,
        workers::recount_workforce,
    ]
    /// Wages.
    Wages "wages" [wages::update_wages, wages::apply_wages]
    /// Interest on last month's loans, deposits, bonds and reserves.
    Interest "interest" [finance::pay_interest]
    /// Production, the markets for goods, services and capital goods.
    Goods "goods" [goods::pay_wages, goods::produce, markets::sell_goods]
    /// AI demand and datacenter investment.
    Investment "investment" [investment::serve_ai, investment::invest_in_datacenters, investment::distribute_rents]
    /// Repayments, new loans, restructuring; the bank's profit.
    Credit "credit" [finance::settle_credit, finance::close_bank]
    /// Government transfers and the fiscal rule.
    Government "government" [government::run_government]
    /// Settlement, bond market, reserves, the policy rate.
    CentralBank "central bank" [central_bank::run_central_bank]
    /// Stock-flow check and accounts.
    Accounting "accounting" [accounting::check_accounts]
    /// Output rows.
    Record "record" [record::record_tick]
}

/// One system's place in the total order of a tick.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Step(usize);

/// Wall-clock time spent in each system, accumulated over ticks when this resource is in
/// the World (benchmarks insert it; normal runs do not, and nothing else reads it).
#[derive(Resource, Debug, Clone, Default)]
pub struct PhaseClock {
    /// Seconds per system, in [`SYSTEM_NAMES`] order.
    pub seconds: [f64; SYSTEMS],
    last: Option<std::time::Instant>,
    current: Option<usize>,
}

impl PhaseClock {
    /// Seconds per phase, in [`TickSystems`] order.
    pub fn phase_seconds(&self) -> [f64; PHASES] {
        let mut out = [0.0; PHASES];
        for (s, (phase, _)) in self.seconds.iter().zip(SYSTEM_NAMES) {
            out[phase] += s;
        }
        out
    }
}

/// A system that closes the running system's timer and opens system `next` (SYSTEMS = none).
fn mark(next: usize) -> impl FnMut(Option<ResMut<PhaseClock>>) {
    move |clock: Option<ResMut<PhaseClock>>| {
        if let Some(mut c) = clock {
            let now = std::time::Instant::now();
            if let (Some(last), Some(cur)) = (c.last, c.current) {
                c.seconds[cur] += (now - last).as_secs_f64();
            }
            c.last = Some(now);
            c.current = (next < SYSTEMS).then_some(next);
        }
    }
}

/// Builds the schedule of one tick.
pub fn tick_schedule() -> Schedule {
    let mut s = Schedule::default();
    s.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..Default::default() });
    add_table(&mut s);
    for i in 1..SYSTEMS {
        s.configure_sets(Step(i).after(Step(i - 1)));
    }
    // Phases follow each other as their systems do; the sets let tests insert systems between them.
    for w in PHASE_ORDER.windows(2) {
        s.configure_sets(w[1].after(w[0]));
    }
    // Each system is preceded by a timer mark; one more closes the last system's timer.
    s.add_systems(mark(SYSTEMS).after(Step(SYSTEMS - 1)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_order_matches_the_table() {
        for (i, p) in PHASE_ORDER.iter().enumerate() {
            assert_eq!(*p as usize, i);
        }
        assert_eq!(SYSTEM_NAMES[0], (0, "open_tick"));
        assert_eq!(SYSTEM_NAMES[SYSTEMS - 1].1, "record_tick");
        assert!(SYSTEM_NAMES.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
