//! Phase 8, production and the goods market: firms pay wages, buy the AI work their
//! automated tasks need, produce (CES over task groups), set prices as a markup on
//! unit cost; households pay subscriptions and consume out of income and wealth;
//! demand is shared among firms by price competitiveness; firms book profits, pay
//! taxes and dividends, and fail when their debt grows too large.

use bevy_ecs::prelude::*;
use mindmill_config::TIERS;

use crate::accounts::{Ledger, Sector, apportion};
use crate::components::{Firm, Pay, Provider, Status, WorkerBlock};
use crate::resources::{Institutions, Labour, Macro, Policy, Setup, Tally};
use crate::systems::{Counters, Scratch, count, huge_pages, round_i64, take};
use bevy_utils::Parallel;

fn to_i64(x: i128, what: &str) -> i64 {
    i64::try_from(x).unwrap_or_else(|_| panic!("{what} overflows i64 cents"))
}

/// Per-thread wage totals: gross cents by firm, and net and tax sums.
#[derive(Debug, Default)]
pub struct PayPart {
    gross: Vec<i64>,
    net: i128,
    tax: i128,
}

/// Pays gross wages: the worker gets the net wage, government the income tax.
pub fn pay_wages(
    setup: Res<Setup>,
    mut parts: Local<Parallel<PayPart>>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut blocks: Query<&mut WorkerBlock>,
    mut firms: Query<&mut Firm>,
) {
    let tax_rate = setup.config.government.income_tax;
    let nf = setup.config.run.firms as usize;
    let local = &*parts;
    blocks.par_iter_mut().for_each(|mut b| {
        let b = &mut *b;
        local.scope_or(
            || {
                let gross = vec![0; nf];
                huge_pages(&gross);
                PayPart { gross, net: 0, tax: 0 }
            },
            |p| {
                for (job, pay) in b.jobs.iter().zip(b.pays.iter_mut()) {
                    if job.status != Status::Employed {
                        continue;
                    }
                    let g = round_i64(pay.wage as f64 * 100.0);
                    let tax = round_i64(g as f64 * tax_rate);
                    pay.deposits += g - tax;
                    pay.income += g - tax;
                    p.gross[job.employer as usize] += g;
                    p.net += (g - tax) as i128;
                    p.tax += tax as i128;
                }
            },
        );
    });
    let mut gross = vec![0i64; nf];
    let (mut net_sum, mut tax_sum) = (0i128, 0i128);
    for p in parts.iter_mut() {
        for (a, b) in gross.iter_mut().zip(p.gross.iter_mut()) {
            *a += *b;
            *b = 0;
        }
        net_sum += std::mem::take(&mut p.net);
        tax_sum += std::mem::take(&mut p.tax);
    }
    let w = setup.weight as i128;
    for mut f in firms.iter_mut() {
        let bill = to_i64(gross[f.id as usize] as i128 * w, "a firm's wage bill");
        f.wage_bill = bill;
        f.deposits -= bill;
    }
    ledger.record(Sector::Firms, Sector::Workers, net_sum * w);
    ledger.record(Sector::Firms, Sector::Government, tax_sum * w);
    let tax = to_i64(tax_sum * w, "income tax");
    inst.government += tax;
    inst.taxes[0] += tax;
}

/// Output and AI purchases of each firm, and its new price.
pub fn produce(
    setup: Res<Setup>,
    tally: Res<Tally>,
    policy: Res<Policy>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut parts: Local<Counters<33>>,
    mut firms: Query<&mut Firm>,
    mut providers: Query<&mut Provider>,
) {
    let np = setup.config.providers.len();
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let served: Vec<f64> = provs.iter().map(|p| p.served_share).collect();
    let api: Vec<f64> = provs.iter().map(|p| p.api_price).collect();
    let ent: Vec<f64> = provs.iter().map(|p| p.enterprise_price).collect();
    let sigma = setup.config.firms.task_elasticity;
    let rho = (sigma - 1.0) / sigma;
    // Firms produce in parallel; the bills are summed as integer cents by provider
    // (API 0..16, enterprise 16..32) and the compute tax (32), so the order does not matter.
    let local = &*parts;
    firms.par_iter_mut().for_each_init(
        || local.borrow_local_mut_or(|| [0; 33]),
        |c, mut f| {
            let id = f.id as usize;
            let q = f.expected_demand;
            let p = f.provider as usize;
            // Output is a CES aggregate (Acemoglu & Restrepo 2018) over task groups: in each
            // tier, the tasks humans do and the tasks AI does. A group's coverage is the share
            // of its requirement at planned output that is met; firms produce at most their plan.
            let mut per_unit_ai = 0.0;
            let mut total_tau = 0.0;
            let mut acc = 0.0;
            for k in 0..TIERS {
                let tau = f.tasks_per_unit[k] + if k == 1 { f.oversight_per_unit } else { 0.0 };
                if tau <= 0.0 {
                    continue;
                }
                let phi = f.ai_share[k];
                let need = (1.0 - phi) * tau * q;
                if need > 0.0 {
                    let human = (tally.effective[id][k] / need).clamp(1e-9, 1.0);
                    acc += (1.0 - phi) * tau * human.powf(rho);
                }
                if phi > 0.0 {
                    acc += phi * tau * served[p].max(1e-9).powf(rho);
                }
                total_tau += tau;
                per_unit_ai += phi * tau;
            }
            let y = if total_tau > 0.0 { q * (acc / total_tau).powf(1.0 / rho) } else { 0.0 };
            let y = y.max(0.0);
            let units = per_unit_ai * y;
            let price = if f.enterprise { ent[p] } else { api[p] };
            let bill = (units * price * 100.0).round() as i64;
            let tax = (bill as f64 * policy.compute_tax).round() as i64;
            c[if f.enterprise { 16 + p } else { p }] += bill as i128;
            c[32] += tax as i128;
            f.deposits -= bill + tax;
            f.ai_bill = bill + tax;
            f.ai_units = units;
            f.output = y;
            // A firm without staff (a refounded entrant) keeps its price until it produces.
            if y > 1e-6 * q && f.wage_bill > 0 {
                let unit_cost = (f.wage_bill + f.ai_bill) as f64 / 100.0 / y;
                let target = (1.0 + f.markup) * unit_cost;
                f.price = 0.5 * f.price + 0.5 * target;
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
        ledger.record(Sector::Firms, Sector::Providers, (rev_api[i] + rev_ent[i]) as i128);
    }
    ledger.record(Sector::Firms, Sector::Government, tax_sum as i128);
    inst.government += tax_sum;
    inst.taxes[2] += tax_sum;
}

/// Subscriptions, consumption, the goods market, profits, dividends, exit and entry.
#[allow(clippy::too_many_arguments)]
pub fn sell_goods(
    setup: Res<Setup>,
    policy: Res<Policy>,
    labour: Res<Labour>,
    tally: Res<Tally>,
    mut macro_: ResMut<Macro>,
    mut scratch: ResMut<Scratch>,
    mut sub_parts: Local<Counters<34>>,
    mut sum_parts: Local<Counters<2>>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut blocks: Query<&mut WorkerBlock>,
    mut firms: Query<&mut Firm>,
    mut providers: Query<&mut Provider>,
) {
    let cfg = &setup.config;
    let h = &cfg.households;
    let np = cfg.providers.len();
    let w = setup.weight as i128;
    let s = &mut *scratch;

    // Intended consumption: c = a1 * income + a2 * deposits, never more than deposits.
    let intend = |pay: &Pay| -> i64 {
        let dep = pay.deposits.max(0);
        round_i64(h.worker_mpc_income * pay.income.max(0) as f64 + h.worker_mpc_wealth * dep as f64).min(dep)
    };

    // Subscriptions (paid before discretionary spending; a worker who cannot pay drops
    // the plan), then the consumption each worker intends out of what is left.
    // Counters: subscribers and cents by provider (up to 16), the compute tax, intended cents.
    let sub_price: Vec<i64> = cfg.providers.iter().map(|p| round_i64(p.subscription_usd_month * 100.0)).collect();
    let sub_taxes: Vec<i64> = sub_price.iter().map(|&c| round_i64(c as f64 * policy.compute_tax)).collect();
    let subs = &*sub_parts;
    blocks.par_iter_mut().for_each(|mut b| {
        let b = &mut *b;
        let mut v = [0i128; 34];
        for (job, pay) in b.jobs.iter_mut().zip(b.pays.iter_mut()) {
            if job.tools {
                let p = job.provider as usize;
                let (price, tax) = (sub_price[p], sub_taxes[p]);
                if pay.deposits < price + tax {
                    job.tools = false;
                } else {
                    pay.deposits -= price + tax;
                    v[p] += 1;
                    v[16 + p] += price as i128;
                    v[32] += tax as i128;
                }
            }
            v[33] += intend(pay) as i128;
        }
        count(subs, v);
    });
    let totals = take(&mut sub_parts);
    s.subscribers.clear();
    s.subscription_cents.clear();
    for i in 0..np {
        s.subscribers.push(totals[i] as u64);
        s.subscription_cents.push(i64::try_from(totals[16 + i]).expect("subscriptions fit in i64 cents"));
    }
    let sub_tax = totals[32];
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    for p in provs.iter_mut() {
        let i = p.index as usize;
        let rev = to_i64(s.subscription_cents[i] as i128 * w, "subscription revenue");
        p.revenue_subscription = rev;
        p.deposits += rev;
        p.paid_users = (s.subscribers[i] as i128 * w) as f64;
        ledger.record(Sector::Workers, Sector::Providers, rev as i128);
    }
    let sub_tax = to_i64(sub_tax * w, "compute tax");
    ledger.record(Sector::Workers, Sector::Government, sub_tax as i128);
    inst.government += sub_tax;
    inst.taxes[2] += sub_tax;

    let intended_w = totals[33];
    let owners_dep = inst.owners.max(0);
    let intended_o = ((h.owner_mpc_income * inst.owner_income_last.max(0) as f64
        + h.owner_mpc_wealth * owners_dep as f64)
        .round() as i64)
        .min(owners_dep);
    let household = (intended_w * w) as f64 + intended_o as f64;
    let platform_share: f64 = cfg.providers.iter().map(|p| p.platform_revenue_share).sum();
    let gov = inst.planned_purchases.max(0);
    let goods_demand = household * (1.0 - platform_share) + gov as f64;

    // Allocation by price competitiveness: weight = output x (price / mean price)^-elasticity.
    let mut fs: Vec<Mut<Firm>> = firms.iter_mut().collect();
    fs.sort_by_key(|f| f.id);
    let total_y: f64 = fs.iter().map(|f| f.output).sum();
    let mean_p = if total_y > 0.0 { fs.iter().map(|f| f.price * f.output).sum::<f64>() / total_y } else { 1.0 };
    let eps = cfg.firms.price_elasticity;
    s.weights.clear();
    s.weights.extend(fs.iter().map(|f| if f.output > 0.0 { f.output * (f.price / mean_p).powf(-eps) } else { 0.0 }));
    let wsum: f64 = s.weights.iter().sum();
    let mut demand_cents = vec![0.0f64; fs.len()];
    let mut sold = vec![0.0f64; fs.len()];
    let mut value = vec![0.0f64; fs.len()];
    // Dense copies of output and price: the spill-over rounds below walk them many times,
    // and the firm components are hundreds of bytes apart.
    let out: Vec<f64> = fs.iter().map(|f| f.output).collect();
    let price: Vec<f64> = fs.iter().map(|f| f.price).collect();
    if wsum > 0.0 {
        for i in 0..fs.len() {
            demand_cents[i] = goods_demand * s.weights[i] / wsum;
            sold[i] = (demand_cents[i] / (100.0 * price[i])).min(out[i]);
            value[i] = sold[i] * price[i] * 100.0;
        }
        // Unmet demand spills over to firms with spare output, in proportion to their
        // competitiveness, until it is placed or no firm has output left.
        for _ in 0..50 {
            let unmet = goods_demand - value.iter().sum::<f64>();
            let spare: f64 = (0..fs.len()).filter(|&i| sold[i] < out[i]).map(|i| s.weights[i]).sum();
            if unmet <= 1e-6 * goods_demand || spare <= 0.0 {
                break;
            }
            for i in 0..fs.len() {
                if sold[i] < out[i] {
                    let extra = unmet * s.weights[i] / spare;
                    demand_cents[i] += extra;
                    let more = (extra / (100.0 * price[i])).min(out[i] - sold[i]);
                    sold[i] += more;
                    value[i] = sold[i] * price[i] * 100.0;
                }
            }
        }
    }
    let realised: f64 = value.iter().sum();
    let fill = if goods_demand > 0.0 { (realised / goods_demand).min(1.0) } else { 0.0 };

    // Payments: households pay the filled share of goods spending plus the platform share.
    let paid = &*sum_parts;
    blocks.par_iter_mut().for_each(|mut b| {
        let (mut goods, mut platform) = (0i128, 0i128);
        for pay in b.pays.iter_mut() {
            let c = intend(pay) as f64;
            let g = round_i64(fill * (1.0 - platform_share) * c);
            let pl = round_i64(platform_share * c);
            pay.deposits -= g + pl;
            pay.income = 0;
            goods += g as i128;
            platform += pl as i128;
        }
        count(paid, [goods, platform]);
    });
    let [goods_w, plat_w] = take(&mut sum_parts);
    let goods_o = (fill * (1.0 - platform_share) * intended_o as f64).round() as i64;
    let plat_o = (platform_share * intended_o as f64).round() as i64;
    let goods_g = (fill * gov as f64).round() as i64;
    let goods_w = to_i64(goods_w * w, "worker consumption");
    let plat_w = to_i64(plat_w * w, "platform spending");
    inst.owners -= goods_o + plat_o;
    inst.government -= goods_g;
    inst.purchases = goods_g;
    inst.clearing += goods_w + goods_o + goods_g;
    ledger.record(Sector::Workers, Sector::Clearing, goods_w as i128);
    ledger.record(Sector::Owners, Sector::Clearing, goods_o as i128);
    ledger.record(Sector::Government, Sector::Clearing, goods_g as i128);

    // Platform revenue to platform providers, in proportion to their shares.
    let plat_weights: Vec<f64> = cfg.providers.iter().map(|p| p.platform_revenue_share).collect();
    let mut parts = Vec::new();
    for (total, from) in [(plat_w, Sector::Workers), (plat_o, Sector::Owners)] {
        apportion(total, &plat_weights, &mut parts);
        for p in provs.iter_mut() {
            let i = p.index as usize;
            p.revenue_platform += parts[i];
            p.deposits += parts[i];
        }
        ledger.record(from, Sector::Providers, total as i128);
    }

    // The clearing account (goods spending and retraining services) pays the firms.
    let pool = inst.clearing;
    let use_value = realised > 0.0;
    s.weights.iter_mut().enumerate().for_each(|(i, x)| {
        if use_value {
            *x = value[i];
        }
    });
    apportion(pool, &s.weights, &mut s.parts);
    inst.clearing -= pool;
    inst.retraining_spending = 0;
    ledger.record(Sector::Clearing, Sector::Firms, pool as i128);

    // Firms: sales, profit, tax, dividends, expectations, markups, exit and entry.
    let fc = &cfg.firms;
    let (mut tax_sum, mut div_sum, mut inject_sum) = (0i64, 0i64, 0i64);
    let (mut nominal, mut real, mut output) = (0.0, 0.0, 0.0);
    for (i, f) in fs.iter_mut().enumerate() {
        let sales = s.parts[i];
        f.sales = sales;
        f.deposits += sales;
        f.sold = sold[i];
        f.demand = demand_cents[i] / (100.0 * f.price);
        nominal += sales as f64;
        real += sold[i];
        output += f.output;
        f.profit = sales - f.wage_bill - f.ai_bill;
        let tax = (f.profit.max(0) as f64 * cfg.government.profit_tax).round() as i64;
        f.deposits -= tax;
        tax_sum += tax;
        let costs = (f.wage_bill + f.ai_bill) as f64;
        let buffer = fc.cash_buffer_months * costs;
        if (f.deposits as f64) > buffer {
            let div = (fc.dividend_payout * (f.deposits as f64 - buffer)).round() as i64;
            f.deposits -= div;
            div_sum += div;
        }
        let y = f.output;
        let d = f.demand;
        // Adaptive expectations; plans grow at most `max_expansion` a month above output.
        let planned = f.expected_demand;
        f.expected_demand += fc.expectation_weight * (d - planned);
        f.expected_demand = f.expected_demand.min((1.0 + fc.max_expansion) * y.max(planned));
        if d > 1.02 * y {
            f.markup = (f.markup + fc.markup_adjust).min(fc.markup_max);
        } else if d < 0.95 * y {
            f.markup = (f.markup - fc.markup_adjust).max(fc.markup_min);
        }
        f.age += 1;
        if costs > 0.0 && (f.deposits as f64) < -fc.exit_months * costs {
            // Exit: owners absorb the debt and refound the firm at half its expected size.
            let inject = -f.deposits + (fc.entry_equity_months * costs * 0.5).round() as i64;
            f.deposits += inject;
            inject_sum += inject;
            f.failed = true;
            f.expected_demand *= 0.5;
            f.markup = fc.markup;
            for k in 0..TIERS {
                f.ai_share[k] = cfg.adoption.initial_share_of_ceiling * f.ceiling[k];
            }
            f.age = 0;
        }
    }
    ledger.record(Sector::Firms, Sector::Government, tax_sum as i128);
    ledger.record(Sector::Firms, Sector::Owners, div_sum as i128);
    ledger.record(Sector::Owners, Sector::Firms, inject_sum as i128);
    inst.government += tax_sum;
    inst.taxes[1] += tax_sum;
    inst.firm_profit_tax = tax_sum;
    inst.owners += div_sum - inject_sum;
    inst.owner_income += div_sum;

    // Prices and productivity.
    let m = &mut *macro_;
    if real > 0.0 {
        let cpi = nominal / 100.0 / real;
        let monthly = cpi / m.cpi - 1.0;
        m.inflation = 0.7 * m.inflation + 0.3 * monthly;
        m.cpi = cpi;
    }
    let employed: u64 = labour.employed.iter().sum();
    if employed > 0 {
        let persons = employed as f64 * setup.weight as f64;
        m.productivity = output / persons;
        // The wage rule passes on the productivity of human work (skill and own AI tools),
        // not output per worker: tasks moved to AI raise the latter without raising what a
        // worker does in an hour.
        let effective: f64 = tally.effective.iter().map(|e| e.iter().sum::<f64>()).sum();
        let human = effective / persons;
        if m.human_productivity > 0.0 {
            let g = human / m.human_productivity - 1.0;
            m.productivity_growth = 0.7 * m.productivity_growth + 0.3 * g.clamp(-0.05, 0.05);
        }
        m.human_productivity = human;
    }
    m.output = output;
    m.sales = nominal / 100.0;
    m.unmet_demand = 1.0 - fill;
}
