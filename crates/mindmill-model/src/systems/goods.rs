//! Production: employers pay wages; firms buy the AI work their automated tasks need,
//! produce (a CES over task groups, within the capacity of their capital), set prices as a
//! markup on unit cost (labour, AI and the depreciation of capital at replacement cost),
//! and order capital goods (a flexible accelerator with a profitability term). The markets
//! where all this is sold are in `markets`.

use bevy_ecs::prelude::*;
use mindmill_config::TIERS;

use crate::accounts::{Flow, Ledger, Sector};
use crate::components::{Employer, Firm, Market, Provider, Role, Status, WorkerBlock};
use crate::resources::{Finance, Institutions, Macro, Policy, Setup, Tally};
use crate::systems::{Counters, huge_pages, round_i64, take};
use bevy_utils::Parallel;

pub(crate) fn to_i64(x: i128, what: &str) -> i64 {
    i64::try_from(x).unwrap_or_else(|_| panic!("{what} overflows i64 cents"))
}

/// Most staff employers (16 providers, chips, energy, government).
const STAFF_MAX: usize = 19;

/// Per-thread wage totals: gross cents by employer; net and tax by payer (goods firms, then
/// each institution's staff); deposit interest.
#[derive(Debug, Default)]
pub struct PayPart {
    gross: Vec<i64>,
    net: [i128; 1 + STAFF_MAX],
    tax: [i128; 1 + STAFF_MAX],
    interest: i128,
}

/// The sector that pays an institution's staff.
pub fn payer(e: Employer) -> Sector {
    match e {
        Employer::Provider(_) => Sector::Providers,
        Employer::Chips => Sector::Chips,
        Employer::Energy => Sector::Energy,
        Employer::Government => Sector::Government,
    }
}

/// Pays gross wages (the worker gets the net wage, government the income tax) and credits
/// every worker's deposit interest (one pass over the workers for both). Goods firms pay
/// their own wage bills; institutions pay their staff's.
#[allow(clippy::too_many_arguments)]
pub fn pay_wages(
    setup: Res<Setup>,
    fin: Res<Finance>,
    mut parts: Local<Parallel<PayPart>>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut blocks: Query<&mut WorkerBlock>,
    mut firms: Query<&mut Firm>,
    mut providers: Query<&mut Provider>,
) {
    let tax_rate = setup.config.government.income_tax;
    let ne = setup.employers as usize;
    let nf = setup.config.run.firms as usize;
    let monthly_rate = fin.deposit_rate / 12.0;
    let local = &*parts;
    blocks.par_iter_mut().for_each(|mut b| {
        let b = &mut *b;
        local.scope_or(
            || {
                let gross = vec![0; ne];
                huge_pages(&gross);
                PayPart { gross, ..Default::default() }
            },
            |p| {
                for (job, pay) in b.jobs.iter().zip(b.pays.iter_mut()) {
                    let interest = round_i64(pay.deposits.max(0) as f64 * monthly_rate);
                    pay.deposits += interest;
                    pay.income += interest;
                    p.interest += interest as i128;
                    if job.status != Status::Employed {
                        continue;
                    }
                    let g = round_i64(pay.wage as f64 * 100.0);
                    let tax = round_i64(g as f64 * tax_rate);
                    pay.deposits += g - tax;
                    pay.income += g - tax;
                    let e = job.employer as usize;
                    p.gross[e] += g;
                    let bucket = if e >= nf { e - nf + 1 } else { 0 };
                    p.net[bucket] += (g - tax) as i128;
                    p.tax[bucket] += tax as i128;
                }
            },
        );
    });
    let mut gross = vec![0i64; ne];
    let (mut net, mut tax, mut interest_sum) = ([0i128; 1 + STAFF_MAX], [0i128; 1 + STAFF_MAX], 0i128);
    for p in parts.iter_mut() {
        for (a, b) in gross.iter_mut().zip(p.gross.iter_mut()) {
            *a += *b;
            *b = 0;
        }
        for i in 0..=STAFF_MAX {
            net[i] += std::mem::take(&mut p.net[i]);
            tax[i] += std::mem::take(&mut p.tax[i]);
        }
        interest_sum += std::mem::take(&mut p.interest);
    }
    let w = setup.weight as i128;
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    for p in provs.iter_mut() {
        p.staff_cost = 0;
    }
    for mut f in firms.iter_mut() {
        let bill = to_i64(gross[f.id as usize] as i128 * w, "an employer's wage bill");
        f.wage_bill = bill;
        match f.role {
            Role::Goods(_) => f.deposits -= bill,
            Role::Staff(e) => match e {
                Employer::Provider(i) => {
                    provs[i as usize].deposits -= bill;
                    provs[i as usize].staff_cost += bill;
                }
                Employer::Chips => inst.chips -= bill,
                Employer::Energy => inst.energy -= bill,
                Employer::Government => inst.government -= bill,
            },
        }
    }
    let mut tax_total = 0i128;
    for (i, (n, t)) in net.iter().zip(&tax).enumerate() {
        let from = if i == 0 { Sector::Firms } else { payer(setup.staff_employer(i - 1)) };
        ledger.record(Flow::Wages, from, Sector::Workers, n * w);
        // Income tax withheld from public wages stays with government: no flow.
        if from != Sector::Government {
            ledger.record(Flow::IncomeTax, from, Sector::Government, t * w);
        }
        tax_total += t * w;
    }
    ledger.record(Flow::DepositInterest, Sector::Banks, Sector::Workers, interest_sum * w);
    inst.government += to_i64(tax_total, "income tax");
    inst.taxes[0] += to_i64(tax_total, "income tax");
}

/// Output a firm plans this month: expected demand within the capacity of its capital
/// (capital-goods firms and staff have no capital bound).
#[inline]
pub fn planned_output(f: &Firm, setup: &Setup) -> f64 {
    match f.role {
        Role::Goods(Market::CapitalGoods) => f.expected_demand,
        Role::Goods(_) => f.expected_demand.min(capacity(f, setup)),
        Role::Staff(_) => 0.0,
    }
}

/// Full-capacity output of a consumption-market firm, units per month: capital over
/// capital per unit of output at full use (capital_per_output x normal utilisation).
#[inline]
pub fn capacity(f: &Firm, setup: &Setup) -> f64 {
    let k = setup.capital_per_output * setup.config.capital.normal_utilisation;
    if k > 0.0 { f.capital / k } else { f64::INFINITY }
}

/// Output and AI purchases of each firm, its new price, the depreciation of its capital and
/// its order of capital goods.
#[allow(clippy::too_many_arguments)]
pub fn produce(
    setup: Res<Setup>,
    tally: Res<Tally>,
    policy: Res<Policy>,
    macro_: Res<Macro>,
    fin: Res<Finance>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut parts: Local<Counters<33>>,
    mut firms: Query<&mut Firm>,
    mut providers: Query<&mut Provider>,
) {
    let cfg = &setup.config;
    let np = cfg.providers.len();
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let served: Vec<f64> = provs.iter().map(|p| p.served_share).collect();
    let sigma = cfg.firms.task_elasticity;
    let rho = (sigma - 1.0) / sigma;
    let kc = &cfg.capital;
    let monthly_dep = kc.depreciation / 12.0;
    let capital_price = macro_.price_index[Market::CapitalGoods as usize];
    let kappa = setup.capital_per_output;
    // The user cost of capital (Jorgenson 1963): the real interest rate plus depreciation;
    // desired capital moves with its inverse, relative to its level at start, with the
    // elasticity `user_cost_elasticity`.
    let user_cost = |real: f64| (real + kc.depreciation).max(0.01);
    let cost_factor = (user_cost(setup.start_real_rate) / user_cost(fin.policy_rate - fin.expected_inflation))
        .powf(kc.user_cost_elasticity);
    // Firms produce in parallel; the bills are summed as integer cents by provider
    // (API 0..16, enterprise 16..32) and the compute tax (32), so the order does not matter.
    let local = &*parts;
    firms.par_iter_mut().for_each_init(
        || local.borrow_local_mut_or(|| [0; 33]),
        |c, mut f| {
            let Role::Goods(market) = f.role else {
                (f.output, f.ai_units, f.ai_bill, f.investment_order, f.depreciation) = (0.0, 0.0, 0, 0.0, 0);
                return;
            };
            let id = f.id as usize;
            let q = planned_output(&f, &setup);
            let p = f.provider as usize;
            // Output is a CES aggregate (Acemoglu & Restrepo 2018) over task groups: in each
            // tier, the tasks humans do and the tasks AI does. A group's coverage is the share
            // of its requirement at planned output that is met; firms produce at most their plan.
            let mut per_unit_compute = 0.0;
            let mut total_tau = 0.0;
            let mut acc = 0.0;
            // Human task units per unit of output and the staff's effective task units.
            let (mut labour_per_unit, mut effective) = (0.0, 0.0);
            for k in 0..TIERS {
                let tau = f.tasks_per_unit[k] + if k == 1 { f.oversight_per_unit } else { 0.0 };
                if tau <= 0.0 {
                    continue;
                }
                let phi = f.ai_share[k];
                let need = (1.0 - phi) * tau * q;
                labour_per_unit += (1.0 - phi) * tau;
                effective += tally.effective[id][k];
                if need > 0.0 {
                    let human = (tally.effective[id][k] / need).clamp(1e-9, 1.0);
                    acc += (1.0 - phi) * tau * human.powf(rho);
                }
                if phi > 0.0 {
                    acc += phi * tau * served[p].max(1e-9).powf(rho);
                }
                total_tau += tau;
                per_unit_compute += phi * tau * f.compute_per_task[k];
            }
            // No covered task group (acc = 0: e.g. a plan so small that its needs underflow)
            // means no output; with complements (rho < 0) 0^(1/rho) would be infinite.
            let y = if total_tau > 0.0 && acc > 0.0 { q * (acc / total_tau).powf(1.0 / rho) } else { 0.0 };
            let y = y.max(0.0);
            let units = per_unit_compute * y;
            let bill = (units * f.ai_price * 100.0).round() as i64;
            let tax = (bill as f64 * policy.compute_tax).round() as i64;
            c[if f.enterprise { 16 + p } else { p }] += bill as i128;
            c[32] += tax as i128;
            f.deposits -= bill + tax;
            f.ai_bill = bill + tax;
            f.ai_units = units;
            f.output = y;
            // Capital wears out with use over time: depreciation at replacement cost is a
            // cost of this month's output (it is not paid to anyone: it is why firms reinvest).
            let dep_units = monthly_dep * f.capital;
            f.depreciation = round_i64(dep_units * capital_price * 100.0);
            f.capital -= dep_units;
            // A firm without staff (a restructured firm) keeps its price until it produces.
            // The price is the markup over unit cost, raised while the firm's market cannot
            // meet its demand (Delli Gatti et al. 2011; Assenza, Delli Gatti & Grazzini 2015):
            // the level effect vanishes once the gap closes. A single firm short of staff
            // loses sales to its rivals instead.
            // Costs are normal unit costs, as in normal-cost pricing (Coutts, Godley &
            // Nordhaus 1978): labour at the wage per effective task unit times the human
            // tasks a unit needs, AI at its price times the AI tasks a unit needs, capital at
            // the output it yields at normal utilisation. None depends on this month's
            // volume, so a slump, idle capital or a missing input does not move the price.
            if effective > 0.0 && f.wage_bill > 0 {
                let wage_per_task = f.wage_bill as f64 / 100.0 / effective;
                let normal =
                    if kappa > 0.0 && market != Market::CapitalGoods { (f.capital + dep_units) / kappa } else { 0.0 };
                let capital_cost = if normal > 0.0 { f.depreciation as f64 / 100.0 / normal } else { 0.0 };
                let unit_cost = wage_per_task * labour_per_unit
                    + per_unit_compute * f.ai_price * (1.0 + policy.compute_tax)
                    + capital_cost;
                let pressure = macro_.excess_demand[market as usize];
                let target = (1.0 + f.markup) * unit_cost * (1.0 + cfg.firms.demand_pressure * pressure);
                f.price = 0.5 * f.price + 0.5 * target;
            }
            // Investment (flexible accelerator): replace what wore out and close part of the
            // gap to the capital that trend demand needs at normal utilisation, scaled by
            // the user cost of capital and by the firm's profit rate against its normal rate
            // (Caiani et al. 2016); within what the firm can pay or borrow.
            f.investment_order = 0.0;
            if market != Market::CapitalGoods && kappa > 0.0 {
                let value = f.capital * capital_price * 100.0;
                let normal = f.normal_profit_rate;
                let rate = if value > 0.0 { 12.0 * f.profit_trend / value } else { normal };
                let gap = if normal.abs() > 1e-9 { (rate - normal) / normal.abs() } else { 0.0 };
                // Capital is planned for the firm's trend demand (smoothed sales at today's
                // price), not for one month's expectation.
                let trend_demand = f.sales_trend / 100.0 / f.price.max(1e-9);
                let desired = kappa * trend_demand * cost_factor * (1.0 + kc.profit_response * gap).clamp(0.5, 1.5);
                // Gross investment cannot be negative, but a firm with more capital than it
                // wants lets it wear out without replacing it.
                let order = (dep_units + kc.adjustment_speed * (desired - f.capital)).max(0.0);
                let room = f.deposits.max(0) as f64
                    + (crate::systems::finance::debt_limit(cfg, f.sales_trend) - f.loans as f64).max(0.0);
                f.investment_order = order.min(room / (capital_price * 100.0).max(1e-9)).max(0.0);
            }
        },
    );
    let c = take(&mut parts);
    let rev_api: Vec<i64> = (0..np).map(|i| to_i64(c[i], "API revenue")).collect();
    let rev_ent: Vec<i64> = (0..np).map(|i| to_i64(c[16 + i], "enterprise revenue")).collect();
    let tax_sum = to_i64(c[32], "compute tax on AI work");
    for p in provs.iter_mut() {
        let i = p.index as usize;
        p.revenue_api = rev_api[i];
        p.revenue_enterprise = rev_ent[i];
        p.revenue_platform = 0;
        p.deposits += rev_api[i] + rev_ent[i];
        ledger.record(Flow::AiServices, Sector::Firms, Sector::Providers, (rev_api[i] + rev_ent[i]) as i128);
    }
    ledger.record(Flow::ComputeTax, Sector::Firms, Sector::Government, tax_sum as i128);
    inst.government += tax_sum;
    inst.taxes[2] += tax_sum;
}
