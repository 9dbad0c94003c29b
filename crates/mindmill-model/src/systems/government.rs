//! Government: unemployment benefits, basic income and (at retraining start, see
//! `workers`) the retraining subsidy; purchases of goods for next month follow a fiscal
//! rule: purchases and net interest together grow with real potential GDP (potential
//! labour productivity, 7.8), valued at the consumer price level, so interest the government
//! saves when rates fall is spent and interest it owes when they rise is found by buying
//! less; and they are cut in proportion to potential GDP when debt/GDP is above its start
//! level (a passive fiscal rule in the sense of Leeper 1991, with the US response that Bohn
//! 1998 measured); the deficit also carries the growth of nominal potential GDP times the
//! debt, so debt/GDP does not fall just because the economy grows (Domar 1944). Government demand is the economy's autonomous anchor, as exogenous
//! real spending is in Godley & Lavoie (2007) and Caiani et al. (2016). Taxes and transfers
//! move with the cycle (automatic stabilisers); the deficit is financed by selling bonds.

use bevy_ecs::prelude::*;

use crate::accounts::{Flow, Ledger, Sector};
use crate::components::{Status, WorkerBlock};
use crate::resources::{Accounts, Finance, Institutions, Macro, Policy, Setup};
use crate::systems::{Counters, count, round_i64, take};

/// Pays benefits and basic income, and plans next month's purchases.
#[allow(clippy::too_many_arguments)]
pub fn run_government(
    setup: Res<Setup>,
    policy: Res<Policy>,
    macro_: Res<Macro>,
    acc: Res<Accounts>,
    mut fin: ResMut<Finance>,
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
    ledger.record(Flow::Benefits, Sector::Government, Sector::Workers, benefits as i128);
    ledger.record(Flow::BasicIncome, Sector::Government, Sector::Workers, basic as i128);

    // Fiscal rule: purchases = price level x potential GDP x (start share - response x debt
    // gap), potential GDP being GDP at start growing with potential labour productivity;
    // debt is measured against smoothed nominal GDP.
    let g = &cfg.government;
    let gdp = if acc.gdp > 0.0 { acc.gdp } else { fin.gdp_trend };
    fin.gdp_trend = (1.0 - g.spending_smoothing) * fin.gdp_trend + g.spending_smoothing * gdp;
    let debt_ratio = fin.bonds as f64 / 100.0 / (12.0 * fin.gdp_trend).max(1.0);
    let share = (fin.purchases_share - g.debt_response * (debt_ratio - fin.debt_target)).max(0.0);
    // Potential GDP grows with potential labour productivity (the labour force is fixed).
    let real_growth =
        if macro_.productivity_start > 0.0 { macro_.productivity_potential / macro_.productivity_start } else { 1.0 };
    let potential = fin.potential_gdp * macro_.cpi * real_growth;
    let interest = (fin.bond_interest - fin.remittance) as f64 / 100.0;
    // The deficit that keeps debt/GDP where it is while nominal potential GDP grows (real
    // potential growth plus the inflation target): without it, debt/GDP falls as the
    // economy grows and the budget drains demand (Domar 1944).
    let nominal_growth = macro_.potential_growth + (1.0 + cfg.central_bank.inflation_target).powf(1.0 / 12.0) - 1.0;
    let stabilising = nominal_growth * fin.bonds as f64 / 100.0;
    let budget = share * potential + fin.interest_anchor * macro_.cpi * real_growth - interest + stabilising;
    inst.planned_purchases = (budget.max(0.0) * 100.0).round() as i64;
}
