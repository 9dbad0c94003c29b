//! Phase 11, accounting: the stock-flow check, national accounts (value added, labour
//! share), Marx's accounts (c, v, s) and who captures the surplus.

use bevy_ecs::prelude::*;

use crate::accounts::{AccountingError, Breach, CheckEvery, Ledger, SECTORS, Sector, check_ledger};
use crate::components::{Datacenter, Firm, NO_FIRM, Provider, Status, WorkerBlock};
use crate::resources::{Accounts, Calendar, Institutions, Setup};
use crate::systems::{Counters, count, take};

/// Checks every sector's balance against the ledger and computes the accounts.
#[allow(clippy::too_many_arguments)]
pub fn check_accounts(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    inst: Res<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut breach: ResMut<Breach>,
    mut acc: ResMut<Accounts>,
    mut parts: Local<Counters<1>>,
    every: Res<CheckEvery>,
    mut links: Local<Counters<4>>,
    workers: Query<&WorkerBlock>,
    firms: Query<&Firm>,
    providers: Query<&Provider>,
    sites: Query<&Datacenter>,
) {
    let mut balances = [0i128; SECTORS];
    let local = &*parts;
    workers.par_iter().for_each(|b| count(local, [b.pays.iter().map(|p| p.deposits as i128).sum()]));
    balances[Sector::Workers as usize] = take(&mut parts)[0] * setup.weight as i128;
    balances[Sector::Firms as usize] = firms.iter().map(|f| f.deposits as i128).sum();
    balances[Sector::Providers as usize] = providers.iter().map(|p| p.deposits as i128).sum();
    balances[Sector::Owners as usize] = inst.owners as i128;
    balances[Sector::Chips as usize] = inst.chips as i128;
    balances[Sector::Energy as usize] = inst.energy as i128;
    balances[Sector::Government as usize] = inst.government as i128;
    balances[Sector::Clearing as usize] = inst.clearing as i128;
    if let Err(e) = check_ledger(&ledger, &balances, cal.tick) {
        if breach.0.is_none() {
            breach.0 = Some(e);
        }
    }
    ledger.previous = balances;

    // National accounts (USD per month). GDP by expenditure: firms' sales (households,
    // owners, government, retraining) + subscriptions incl. compute tax + platform products
    // + GPU investment; it equals the sum of value added plus product taxes.
    let usd = |c: i64| c as f64 / 100.0;
    let sales: f64 = firms.iter().map(|f| usd(f.sales)).sum();
    let wages: f64 = firms.iter().map(|f| usd(f.wage_bill)).sum();
    let ai_gross: f64 = firms.iter().map(|f| usd(f.ai_bill)).sum();
    let firm_profit: f64 = firms.iter().map(|f| usd(f.profit)).sum();
    let mut subs = 0.0;
    let mut platform = 0.0;
    let mut ai_ex = 0.0;
    let mut energy = 0.0;
    let mut dep = 0.0;
    let mut margins = 0.0;
    for p in providers.iter() {
        subs += usd(p.revenue_subscription);
        platform += usd(p.revenue_platform);
        ai_ex += usd(p.revenue_api + p.revenue_enterprise);
        energy += usd(p.energy_cost);
        dep += p.depreciation;
        let revenue = usd(p.revenue_subscription + p.revenue_api + p.revenue_enterprise + p.revenue_platform);
        margins += revenue - usd(p.energy_cost) - p.depreciation - usd(p.tax);
    }
    let compute_tax = usd(inst.taxes[2]);
    let subs_tax = compute_tax - (ai_gross - ai_ex);
    let chips = usd(inst.chip_sales);
    let gdp = sales + subs + subs_tax + platform + chips;
    let a = &mut *acc;
    a.gdp = gdp;
    a.wages = wages;
    a.depreciation = dep;
    a.constant_capital = ai_gross + energy + dep;
    a.surplus = gdp - dep - wages;
    a.firm_profits = firm_profit - usd(inst.firm_profit_tax);
    a.provider_margins = margins;
    a.compute_rents = chips - usd(inst.chip_tax);
    a.energy_rents = usd(inst.energy_sales) - usd(inst.energy_tax);
    a.taxes = usd(inst.taxes[1]) + compute_tax;
    a.consumption = sales + subs + subs_tax + platform;
    a.investment = chips;
    a.ai_intermediate = ai_ex;
    a.subscriptions = subs;
    let real: f64 = firms.iter().map(|f| f.sold).sum();
    a.price_gain = real - sales;

    // Expensive per-agent invariants, every `every` ticks: employment links agree with
    // statuses, categories are in range, shares and capacities are in their domains.
    if breach.0.is_none() && cal.tick % every.0.max(1) == 0 {
        let nf = setup.config.run.firms;
        let nocc = setup.occupations.len() as u16;
        let l = &*links;
        let np = setup.config.providers.len() as u8;
        workers.par_iter().for_each(|b| {
            let mut bad = [0i128; 4];
            for (j, p) in b.jobs.iter().zip(&b.pays) {
                let employed = j.status == Status::Employed;
                bad[0] += ((employed && j.employer >= nf) || (!employed && j.employer != NO_FIRM)) as i128;
                bad[1] += (j.tier > 3 || j.occupation >= nocc || j.retrain_tier > 3 || j.provider >= np) as i128;
                bad[2] += !(p.wage.is_finite() && p.wage >= 0.0 && p.skill.is_finite() && p.skill > 0.0) as i128;
            }
            count(l, bad);
        });
        let [bad_links, bad_categories, bad_numbers, _] = take(&mut links);
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let bad_share = firms
            .iter()
            .find(|f| !(f.ai_share.iter().chain(&f.ceiling).all(|x| unit(*x)) && f.oversight_per_unit >= 0.0));
        let bad_provider = providers.iter().find(|p| !(unit(p.served_share) && p.gpus >= 0.0 && p.peak_flops >= 0.0));
        let bad_site = sites.iter().find(|d| !(d.gpus >= -1e-6 && d.it_mw >= -1e-9 && unit(d.utilisation)));
        let message = if bad_links > 0 {
            Some(format!(
                "{bad_links} workers' employment links disagree with their status (employed without a valid employer or unemployed with one)"
            ))
        } else if bad_numbers > 0 {
            Some(format!("{bad_numbers} workers have a non-finite or negative wage or skill"))
        } else if bad_categories > 0 {
            Some(format!("{bad_categories} workers have a tier, occupation or provider out of range"))
        } else if let Some(f) = bad_share {
            Some(format!(
                "firm {} has an AI share or ceiling outside 0..1: shares {:?}, ceilings {:?}",
                f.id, f.ai_share, f.ceiling
            ))
        } else if let Some(p) = bad_provider {
            Some(format!("provider {} has served share {} and {} GPUs", p.index, p.served_share, p.gpus))
        } else {
            bad_site.map(|d| {
                format!("datacenter {} has {} GPUs, {} MW and utilisation {}", d.id, d.gpus, d.it_mw, d.utilisation)
            })
        };
        if let Some(message) = message {
            breach.0 = Some(AccountingError { tick: cal.tick, message });
        }
    }

    // Numbers must stay numbers: the first non-finite firm state or account stops the run.
    if breach.0.is_none() {
        let bad_firm = firms.iter().find(|f| {
            !(f.price.is_finite() && f.expected_demand.is_finite() && f.output.is_finite() && f.markup.is_finite())
                || f.price < 0.0
                || f.output < 0.0
        });
        if let Some(f) = bad_firm {
            breach.0 = Some(AccountingError {
                tick: cal.tick,
                message: format!(
                    "firm {} has a non-finite or negative state: price {}, plan {}, output {}, markup {}",
                    f.id, f.price, f.expected_demand, f.output, f.markup
                ),
            });
        } else if let Some((name, v)) =
            [("gdp", a.gdp), ("surplus", a.surplus), ("constant capital", a.constant_capital)]
                .into_iter()
                .find(|(_, v)| !v.is_finite())
        {
            breach.0 = Some(AccountingError { tick: cal.tick, message: format!("national account `{name}` is {v}") });
        }
    }
}
