//! The tick schedule: every system in the order a month runs them (ODD section 3).
//! The whole chain is explicit, so the order never depends on the executor; systems
//! parallelise inside themselves over agents.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};

use crate::systems::{
    accounting, adoption, datacenters, events, goods, government, investment, pricing, record, technology, wages,
    workers,
};

/// The phases of a tick, in order. Tests may add systems between phases.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TickSystems {
    /// 1. Scheduled scenario shocks.
    Events,
    /// 2. Hardware, algorithms, capability.
    Technology,
    /// 3. Datacenter capacity, power, depreciation.
    Datacenters,
    /// 4. AI prices.
    Pricing,
    /// 5. Automation adoption and AI load.
    Adoption,
    /// 6. Labour market.
    LabourMarket,
    /// 7. Wages.
    Wages,
    /// 8. Production and goods market.
    Goods,
    /// 9. AI demand and datacenter investment.
    Investment,
    /// 10. Government.
    Government,
    /// 11. Stock-flow check and accounts.
    Accounting,
    /// 12. Output rows.
    Record,
}

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
    pub fn phase_seconds(&self) -> [f64; 12] {
        let mut out = [0.0; 12];
        for (s, (phase, _)) in self.seconds.iter().zip(SYSTEM_NAMES) {
            out[phase] += s;
        }
        out
    }
}

/// Number of model systems in a tick.
pub const SYSTEMS: usize = 24;

/// Each system's phase (index into [`PHASE_NAMES`]) and name, in the order a tick runs them.
pub const SYSTEM_NAMES: [(usize, &str); SYSTEMS] = [
    (0, "open_tick"),
    (0, "apply_events"),
    (1, "advance_technology"),
    (2, "update_datacenters"),
    (3, "set_ai_prices"),
    (4, "adopt_ai"),
    (4, "balance_ai_load"),
    (5, "tally_workforce"),
    (5, "plan_labour_demand"),
    (5, "separate_workers"),
    (5, "match_workers"),
    (5, "adopt_tools"),
    (5, "recount_workforce"),
    (6, "update_wages"),
    (6, "apply_wages"),
    (7, "pay_wages"),
    (7, "produce"),
    (7, "sell_goods"),
    (8, "serve_ai"),
    (8, "invest_in_datacenters"),
    (8, "distribute_rents"),
    (9, "run_government"),
    (10, "check_accounts"),
    (11, "record_tick"),
];

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

/// Names of the phases, in order.
pub const PHASE_NAMES: [&str; 12] = [
    "events",
    "technology",
    "datacenters",
    "pricing",
    "adoption",
    "labour market",
    "wages",
    "goods",
    "investment",
    "government",
    "accounting",
    "record",
];

/// Builds the schedule of one tick.
pub fn tick_schedule() -> Schedule {
    let mut s = Schedule::default();
    s.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..Default::default() });
    s.configure_sets(
        (
            TickSystems::Events,
            TickSystems::Technology,
            TickSystems::Datacenters,
            TickSystems::Pricing,
            TickSystems::Adoption,
            TickSystems::LabourMarket,
            TickSystems::Wages,
            TickSystems::Goods,
            TickSystems::Investment,
            TickSystems::Government,
            TickSystems::Accounting,
            TickSystems::Record,
        )
            .chain(),
    );
    // Each system is preceded by a timer mark (a system that reads nothing the model uses).
    s.add_systems((mark(0), events::open_tick, mark(1), events::apply_events).chain().in_set(TickSystems::Events));
    s.add_systems((mark(2), technology::advance_technology).chain().in_set(TickSystems::Technology));
    s.add_systems((mark(3), datacenters::update_datacenters).chain().in_set(TickSystems::Datacenters));
    s.add_systems((mark(4), pricing::set_ai_prices).chain().in_set(TickSystems::Pricing));
    s.add_systems(
        (mark(5), adoption::adopt_ai, mark(6), adoption::balance_ai_load).chain().in_set(TickSystems::Adoption),
    );
    s.add_systems(
        (
            mark(7),
            workers::tally_workforce,
            mark(8),
            workers::plan_labour_demand,
            mark(9),
            workers::separate_workers,
            mark(10),
            workers::match_workers,
            mark(11),
            workers::adopt_tools,
            mark(12),
            workers::recount_workforce,
        )
            .chain()
            .in_set(TickSystems::LabourMarket),
    );
    s.add_systems((mark(13), wages::update_wages, mark(14), wages::apply_wages).chain().in_set(TickSystems::Wages));
    s.add_systems(
        (mark(15), goods::pay_wages, mark(16), goods::produce, mark(17), goods::sell_goods)
            .chain()
            .in_set(TickSystems::Goods),
    );
    s.add_systems(
        (
            mark(18),
            investment::serve_ai,
            mark(19),
            investment::invest_in_datacenters,
            mark(20),
            investment::distribute_rents,
        )
            .chain()
            .in_set(TickSystems::Investment),
    );
    s.add_systems((mark(21), government::run_government).chain().in_set(TickSystems::Government));
    s.add_systems((mark(22), accounting::check_accounts).chain().in_set(TickSystems::Accounting));
    s.add_systems((mark(23), record::record_tick, mark(SYSTEMS)).chain().in_set(TickSystems::Record));
    s
}
