//! Phase 10, government: unemployment benefits, basic income and (at retraining start,
//! see `workers`) the retraining subsidy; purchases of goods follow the budget balance
//! before purchases, smoothed, so that deficits arise only from transfers.

use bevy_ecs::prelude::*;

use crate::accounts::{Ledger, Sector};
use crate::components::{Job, Pay, Status};
use crate::resources::{Institutions, Policy, Setup};
use crate::systems::{Counters, count, take};

/// Pays benefits and basic income, and plans next month's purchases.
pub fn run_government(
    setup: Res<Setup>,
    policy: Res<Policy>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut parts: Local<Counters<2>>,
    mut workers: Query<(&Job, &mut Pay)>,
) {
    let cfg = &setup.config;
    let wc = &cfg.wages;
    let bi = (policy.basic_income * 100.0).round() as i64;
    let local = &*parts;
    workers.par_iter_mut().for_each(|(job, mut pay)| {
        let mut b = 0;
        if job.status != Status::Employed && (job.months_unemployed as u32) <= wc.benefit_months {
            b = (wc.benefit_replacement * pay.wage as f64 * 100.0).round() as i64;
        }
        pay.deposits += b + bi;
        pay.income += b + bi;
        count(local, [b as i128, bi as i128]);
    });
    let [benefits, basic] = take(&mut parts);
    let w = setup.weight as i128;
    let benefits = i64::try_from(benefits * w).expect("benefits fit in i64 cents");
    let basic = i64::try_from(basic * w).expect("basic income fits in i64 cents");
    inst.government -= benefits + basic;
    inst.transfers[0] += benefits;
    inst.transfers[1] += basic;
    ledger.record(Sector::Government, Sector::Workers, (benefits + basic) as i128);
    let taxes: i64 = inst.taxes.iter().sum();
    let transfers: i64 = inst.transfers.iter().sum();
    let s = cfg.government.spending_smoothing;
    inst.planned_purchases =
        ((1.0 - s) * inst.planned_purchases as f64 + s * (taxes - transfers).max(0) as f64).round() as i64;
}
