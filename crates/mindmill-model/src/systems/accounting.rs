//! Accounting: the stock-flow check, the balance sheets, national accounts (value added,
//! labour share), Marx's accounts (c, v, s) and who captures the surplus.

use bevy_ecs::prelude::*;

use crate::accounts::{
    AccountingError, Breach, CheckEvery, Holdings, INSTRUMENTS, Instrument, Ledger, SECTORS, Sector, check_ledger,
};
use crate::components::{Datacenter, Employer, Firm, Market, NO_FIRM, Provider, Role, Status, WorkerBlock};
use crate::resources::{Accounts, Calendar, Finance, Institutions, Macro, Setup, Tech};
use crate::systems::{Counters, count, take};

/// Every sector's holdings of every instrument, from the agents' own accounts (assets
/// positive, liabilities negative). The banks' deposit liability is the sum of everyone's
/// deposits; every other entry is a state variable of its holder.
pub fn holdings(
    workers_deposits: i128,
    inst: &Institutions,
    fin: &Finance,
    firms: impl Iterator<Item = (i64, i64)>,
    providers: impl Iterator<Item = (i64, i64)>,
) -> Holdings {
    use Instrument::*;
    use Sector::*;
    let mut h = [[0i128; SECTORS]; INSTRUMENTS];
    let mut put = |i: Instrument, s: Sector, v: i128| h[i as usize][s as usize] += v;
    put(Deposits, Workers, workers_deposits);
    for (d, l) in firms {
        put(Deposits, Firms, d as i128);
        put(Loans, Firms, -(l as i128));
    }
    for (d, l) in providers {
        put(Deposits, Providers, d as i128);
        put(Loans, Providers, -(l as i128));
    }
    put(Deposits, Owners, inst.owners as i128);
    put(Loans, Owners, -(inst.owner_loans as i128));
    put(Bonds, Owners, fin.owner_bonds as i128);
    put(Deposits, Chips, inst.chips as i128);
    put(Deposits, Energy, inst.energy as i128);
    put(Deposits, Clearing, inst.clearing as i128);
    put(Loans, Banks, fin.bank_loans as i128);
    put(Bonds, Banks, fin.bank_bonds as i128);
    put(Reserves, Banks, fin.reserves as i128);
    put(Advances, Banks, -(fin.advances as i128));
    put(Bonds, Government, -(fin.bonds as i128));
    put(GovernmentAccount, Government, inst.government as i128);
    put(Bonds, CentralBank, fin.cb_bonds as i128);
    put(Reserves, CentralBank, -(fin.reserves as i128));
    put(Advances, CentralBank, fin.advances as i128);
    put(GovernmentAccount, CentralBank, -(inst.government as i128));
    let deposits: i128 = h[Deposits as usize].iter().sum();
    h[Deposits as usize][Banks as usize] = -deposits;
    h
}

/// Checks every sector's balance sheet against the ledger and computes the accounts.
#[allow(clippy::too_many_arguments)]
/// Bounds outside which a run's economy has broken down and its results mean nothing: the
/// consumer price level within [`PRICE_LEVEL_BOUNDS`] of its start (1) and the labour share
/// (wages over GDP) at most [`MAX_LABOUR_SHARE`]. A run that leaves them stops, naming the
/// quantity, rather than writing absurd numbers.
pub const PRICE_LEVEL_BOUNDS: (f64, f64) = (1e-3, 1e3);
/// Largest labour share a run may reach (wages above GDP means negative profits economy-wide).
pub const MAX_LABOUR_SHARE: f64 = 1.5;

fn sanity(price_level: f64, labour_share: f64) -> Option<String> {
    let (lo, hi) = PRICE_LEVEL_BOUNDS;
    if !(lo..=hi).contains(&price_level) {
        Some(format!(
            "the economy broke down: the price level is {price_level:.4e} (start 1; the model's sanity bounds are {lo} to {hi}); the results would mean nothing. This config runs the model outside what it can represent: please report it"
        ))
    } else if labour_share > MAX_LABOUR_SHARE {
        Some(format!(
            "the economy broke down: the labour share is {labour_share:.3} (wages above GDP; the bound is {MAX_LABOUR_SHARE}); the results would mean nothing. This config runs the model outside what it can represent: please report it"
        ))
    } else {
        None
    }
}

pub fn check_accounts(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    inst: Res<Institutions>,
    fin: Res<Finance>,
    macro_: Res<Macro>,
    tech: Res<Tech>,
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
    let local = &*parts;
    workers.par_iter().for_each(|b| count(local, [b.pays.iter().map(|p| p.deposits as i128).sum()]));
    let workers_deposits = take(&mut parts)[0] * setup.weight as i128;
    let now = holdings(
        workers_deposits,
        &inst,
        &fin,
        firms.iter().map(|f| (f.deposits, f.loans)),
        providers.iter().map(|p| (p.deposits, p.loans)),
    );
    if let Err(e) = check_ledger(&ledger, &now, cal.tick) {
        if breach.0.is_none() {
            breach.0 = Some(e);
        }
    }
    acc.previous_balance_sheet = ledger.previous;
    acc.balance_sheet = now;
    ledger.previous = now;

    // National accounts (USD per month). GDP by expenditure: firms' sales (consumption goods
    // and services to households, owners, government and retraining; capital goods to firms
    // and providers) + subscriptions incl. compute tax + platform products + GPU investment +
    // government's own output (public wages); it equals value added plus product taxes.
    let usd = |c: i64| c as f64 / 100.0;
    let (mut sales, mut firm_wages, mut ai_gross, mut firm_profit, mut firm_interest, mut firm_dep) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut staff_wages, mut public_wages, mut chip_wages, mut energy_wages) = (0.0, 0.0, 0.0, 0.0);
    let (mut capital_units, mut capital_goods_sold) = (0.0, 0.0);
    for f in firms.iter() {
        match f.role {
            Role::Goods(m) => {
                sales += usd(f.sales);
                firm_wages += usd(f.wage_bill);
                ai_gross += usd(f.ai_bill);
                firm_profit += usd(f.profit);
                firm_interest += usd(f.interest);
                firm_dep += usd(f.depreciation);
                capital_units += f.capital;
                if m == Market::CapitalGoods {
                    capital_goods_sold += usd(f.sales);
                }
            }
            Role::Staff(e) => {
                staff_wages += usd(f.wage_bill);
                match e {
                    Employer::Government => public_wages += usd(f.wage_bill),
                    Employer::Chips => chip_wages += usd(f.wage_bill),
                    Employer::Energy => energy_wages += usd(f.wage_bill),
                    Employer::Provider(_) => {}
                }
            }
        }
    }
    let mut subs = 0.0;
    let mut platform = 0.0;
    let mut ai_ex = 0.0;
    let mut energy = 0.0;
    let mut prov_dep = 0.0;
    let mut margins = 0.0;
    let mut prov_interest = 0.0;
    let mut buildings = 0.0;
    for p in providers.iter() {
        subs += usd(p.revenue_subscription);
        platform += usd(p.revenue_platform);
        ai_ex += usd(p.revenue_api + p.revenue_enterprise);
        energy += usd(p.energy_cost);
        prov_dep += p.depreciation + p.building_depreciation;
        prov_interest += usd(p.interest);
        buildings += p.buildings;
        let revenue = usd(p.revenue_subscription + p.revenue_api + p.revenue_enterprise + p.revenue_platform);
        margins += revenue
            - usd(p.energy_cost)
            - usd(p.staff_cost)
            - p.depreciation
            - p.building_depreciation
            - usd(p.interest)
            - usd(p.tax);
    }
    let compute_tax = usd(inst.taxes[2]);
    let subs_tax = compute_tax - (ai_gross - ai_ex);
    let chips = usd(inst.chip_sales);
    let gdp = sales + subs + subs_tax + platform + chips + public_wages;
    let wages = firm_wages + staff_wages;
    let dep = firm_dep + prov_dep;
    let a = &mut *acc;
    a.gdp = gdp;
    a.wages = wages;
    a.public_wages = public_wages;
    a.ai_stack_wages = staff_wages - public_wages;
    a.depreciation = dep;
    a.constant_capital = ai_gross + energy + dep;
    a.surplus = gdp - dep - wages;
    a.firm_profits = firm_profit - usd(inst.firm_profit_tax);
    a.provider_margins = margins;
    a.compute_rents = chips - chip_wages - usd(inst.chip_tax);
    a.energy_rents = usd(inst.energy_sales) - energy_wages - usd(inst.energy_tax);
    a.taxes = usd(inst.firm_profit_tax + inst.provider_tax + inst.chip_tax + inst.energy_tax) + compute_tax;
    a.net_interest = firm_interest + prov_interest;
    a.investment = chips + capital_goods_sold;
    // Firms' sales to the consumption markets include government purchases, which are
    // government consumption: C + I + G = GDP.
    a.consumption = sales - capital_goods_sold - usd(inst.purchases) + subs + subs_tax + platform;
    a.government_consumption = usd(inst.purchases) + public_wages;
    a.ai_intermediate = ai_ex;
    a.subscriptions = subs;
    let real: f64 = firms.iter().filter(|f| f.role != Role::Goods(Market::CapitalGoods)).map(|f| f.sold).sum();
    a.price_gain = real - (sales - capital_goods_sold);
    // Stocks for Marx's profit rate: capital advanced at replacement cost (firms' capital
    // goods, GPUs at today's price per FLOP/s, datacenter buildings) plus one month's
    // circulating constant capital (AI services, energy), and the wage advance (one month).
    let capital_price = macro_.price_index[Market::CapitalGoods as usize];
    let gpu_value: f64 = sites.iter().map(|d| d.peak_flops).sum::<f64>() * tech.new_gpu_price / tech.new_gpu_flops;
    a.capital_firms = capital_units * capital_price;
    a.capital_gpus = gpu_value;
    a.capital_buildings = buildings * capital_price;
    a.constant_capital_stock = a.capital_firms + a.capital_gpus + a.capital_buildings + ai_gross + energy;
    a.variable_capital_stock = wages;

    // Expensive per-agent invariants, every `every` ticks: employment links agree with
    // statuses, categories are in range, shares and capacities are in their domains.
    // The last month is always checked, so checked and fast modes end the same way.
    let last = cal.tick + 1 == setup.config.ticks();
    if breach.0.is_none() && (cal.tick % every.0.max(1) == 0 || last) {
        let nf = setup.employers;
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
        } else if let Some(message) = sanity(macro_.cpi, if a.gdp > 0.0 { a.wages / a.gdp } else { 0.0 }) {
            breach.0 = Some(AccountingError { tick: cal.tick, message });
        }
    }
}
