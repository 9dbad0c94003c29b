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
    s.add_systems((events::open_tick, events::apply_events).chain().in_set(TickSystems::Events));
    s.add_systems(technology::advance_technology.in_set(TickSystems::Technology));
    s.add_systems(datacenters::update_datacenters.in_set(TickSystems::Datacenters));
    s.add_systems(pricing::set_ai_prices.in_set(TickSystems::Pricing));
    s.add_systems((adoption::adopt_ai, adoption::balance_ai_load).chain().in_set(TickSystems::Adoption));
    s.add_systems(
        (
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
    s.add_systems((wages::update_wages, wages::apply_wages).chain().in_set(TickSystems::Wages));
    s.add_systems((goods::pay_wages, goods::produce, goods::sell_goods).chain().in_set(TickSystems::Goods));
    s.add_systems(
        (investment::serve_ai, investment::invest_in_datacenters, investment::distribute_rents)
            .chain()
            .in_set(TickSystems::Investment),
    );
    s.add_systems(government::run_government.in_set(TickSystems::Government));
    s.add_systems(accounting::check_accounts.in_set(TickSystems::Accounting));
    s.add_systems(record::record_tick.in_set(TickSystems::Record));
    s
}
