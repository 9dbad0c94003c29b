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

/// Wall-clock time spent in each phase, accumulated over ticks when this resource is in the
/// World (benchmarks insert it; normal runs do not, and nothing else reads it).
#[derive(Resource, Debug, Clone, Default)]
pub struct PhaseClock {
    /// Seconds per phase, in [`TickSystems`] order.
    pub seconds: [f64; 12],
    last: Option<std::time::Instant>,
    current: Option<usize>,
}

/// A system that closes the running phase's timer and opens phase `next` (12 = none).
fn mark(next: usize) -> impl FnMut(Option<ResMut<PhaseClock>>) {
    move |clock: Option<ResMut<PhaseClock>>| {
        if let Some(mut c) = clock {
            let now = std::time::Instant::now();
            if let (Some(last), Some(cur)) = (c.last, c.current) {
                c.seconds[cur] += (now - last).as_secs_f64();
            }
            c.last = Some(now);
            c.current = (next < 12).then_some(next);
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
    s.add_systems((mark(0), events::open_tick, events::apply_events).chain().in_set(TickSystems::Events));
    s.add_systems((mark(1), technology::advance_technology).chain().in_set(TickSystems::Technology));
    s.add_systems((mark(2), datacenters::update_datacenters).chain().in_set(TickSystems::Datacenters));
    s.add_systems((mark(3), pricing::set_ai_prices).chain().in_set(TickSystems::Pricing));
    s.add_systems((mark(4), adoption::adopt_ai, adoption::balance_ai_load).chain().in_set(TickSystems::Adoption));
    s.add_systems(
        (
            mark(5),
            workers::tally_workforce,
            workers::plan_labour_demand,
            workers::separate_workers,
            workers::match_workers,
            workers::adopt_tools,
            workers::recount_workforce,
        )
            .chain()
            .in_set(TickSystems::LabourMarket),
    );
    s.add_systems((mark(6), wages::update_wages, wages::apply_wages).chain().in_set(TickSystems::Wages));
    s.add_systems((mark(7), goods::pay_wages, goods::produce, goods::sell_goods).chain().in_set(TickSystems::Goods));
    s.add_systems(
        (mark(8), investment::serve_ai, investment::invest_in_datacenters, investment::distribute_rents)
            .chain()
            .in_set(TickSystems::Investment),
    );
    s.add_systems((mark(9), government::run_government).chain().in_set(TickSystems::Government));
    s.add_systems((mark(10), accounting::check_accounts).chain().in_set(TickSystems::Accounting));
    s.add_systems((mark(11), record::record_tick, mark(12)).chain().in_set(TickSystems::Record));
    s
}
