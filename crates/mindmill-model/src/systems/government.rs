//! Phase 10, government: unemployment benefits, basic income and (at retraining start,
//! see `workers`) the retraining subsidy; purchases of goods follow the budget balance
//! before purchases, smoothed, so that deficits arise only from transfers.

use bevy_ecs::prelude::*;

use crate::accounts::{Ledger, Sector};
use crate::components::{Status, WorkerBlock};
use crate::resources::{Institutions, Policy, Setup};
use crate::systems::{Counters, count, round_i64, take};

/// Pays benefits and basic income, and plans next month's purchases.
pub fn run_government(
    setup: Res<Setup>,
    policy: Res<Policy>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut parts: Local<Counters<2>>,
    mut blocks: Query<&mut WorkerBlock>,
) {
    let cfg = &setup.config;
    let wc = &cfg.wages;
    let bi = round_i64(policy.basic_income * 100.0);
    let local = &*parts;
    blocks.par_iter_mut().for_each(|mut blk| {
        let blk = &mut *blk;
        let (mut benefits, mut basic) = (0i128, 0i128);
        for (job, pay) in blk.jobs.iter().zip(blk.pays.iter_mut()) {
            let mut b = 0;
            if job.status != Status::Employed && (job.months_unemployed as u32) <= wc.benefit_months {
                b = round_i64(wc.benefit_replacement * pay.wage as f64 * 100.0);
            }
            pay.deposits += b + bi;
            pay.income += b + bi;
            benefits += b as i128;
            basic += bi as i128;
        }
        count(local, [benefits, basic]);
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
