//! Phase 1, scenario events: applies the config's scheduled shocks of this tick, and
//! opens the tick (clears this tick's flows).

use bevy_ecs::prelude::*;
use mindmill_config::{EventKind, tier_index};

use crate::accounts::Ledger;
use crate::resources::{Calendar, Finance, Institutions, Policy, Setup};

/// Clears the per-tick flow records.
pub fn open_tick(mut ledger: ResMut<Ledger>, mut inst: ResMut<Institutions>, mut fin: ResMut<Finance>) {
    ledger.flows.iter_mut().for_each(|f| *f = Default::default());
    ledger.transactions = Default::default();
    fin.new_loans = 0;
    fin.repayments = 0;
    fin.write_offs = 0;
    fin.bankruptcies = 0;
    fin.credit_refused = 0;
    fin.bank_dividends = 0;
    fin.bank_recapitalisation = 0;
    inst.owner_income_last = inst.owner_income;
    inst.owner_income = 0;
    inst.chip_sales = 0;
    inst.provider_tax = 0;
    inst.energy_sales = 0;
    inst.taxes = [0; 3];
    inst.transfers = [0; 3];
    inst.purchases = 0;
}

/// Applies every event scheduled for this tick, in config order.
pub fn apply_events(setup: Res<Setup>, cal: Res<Calendar>, mut policy: ResMut<Policy>) {
    for ev in setup.config.events.iter().filter(|e| e.month == cal.tick) {
        let v = ev.value;
        match ev.kind {
            EventKind::CapabilityJump => policy.capability_jump += v,
            EventKind::EfficiencyJump => policy.efficiency_jump *= v,
            EventKind::ElectricityPrice => policy.electricity_factor *= v,
            EventKind::GridCapacity => policy.grid_factor *= v,
            EventKind::Regulation => {
                let k = ev.tier.as_deref().and_then(tier_index).expect("validated tier");
                policy.regulation_cap[k] = v;
            }
            EventKind::OpenWeightLag => policy.open_weight_lag = v as u32,
            EventKind::BasicIncome => policy.basic_income = v,
            EventKind::ComputeTax => policy.compute_tax = v,
            EventKind::RetrainingSubsidy => policy.retraining_subsidy = v,
            EventKind::CapitalAppetite => policy.capital_appetite *= v,
            EventKind::MinimumWage => policy.minimum_wage = v,
        }
    }
}
