//! The markets: households pay subscriptions and consume out of income and wealth, splitting
//! their spending between knowledge services and in-person services and goods by a CES with
//! an elasticity of substitution below one (Baumol 1967; Ngai & Pissarides 2007); government
//! buys in both; firms and providers buy capital goods. In each market demand is shared
//! among its firms by price competitiveness, unmet demand spilling over to firms with
//! output left; every payment goes through the clearing account and is paid out exactly.
//! Then firms book profits, pay tax and dividends, revise expectations, and set markups
//! from their market share (K+S).

use bevy_ecs::prelude::*;

use crate::accounts::{Flow, Ledger, Sector, apportion};
use crate::components::{CONSUMPTION_MARKETS, Firm, MARKETS, Market, Pay, Provider, Role, WorkerBlock};
use crate::equations::markup_from_share;
use crate::resources::{Finance, Institutions, Labour, Macro, Policy, Setup};
use crate::systems::goods::to_i64;
use crate::systems::{Counters, Scratch, count, round_i64, take};

/// Shares demand among the firms `ids` (positions in the dense arrays): weight = output x
/// (price / mean price)^-elasticity; a firm sells at most its output; unmet demand spills
/// over to firms with output left, in proportion to their weights, until it is placed or
/// none is left. Fills `demand`, `sold` and `value` (cents) for those firms; returns the
/// value placed.
#[allow(clippy::too_many_arguments)]
pub fn allocate(
    total: f64,
    ids: &[u32],
    out: &[f64],
    price: &[f64],
    elasticity: f64,
    weight: &mut [f64],
    demand: &mut [f64],
    sold: &mut [f64],
    value: &mut [f64],
) -> f64 {
    let total_y: f64 = ids.iter().map(|&i| out[i as usize]).sum();
    let mean_p = if total_y > 0.0 {
        ids.iter().map(|&i| price[i as usize] * out[i as usize]).sum::<f64>() / total_y
    } else {
        1.0
    };
    let mut wsum = 0.0;
    for &i in ids {
        let i = i as usize;
        weight[i] = if out[i] > 0.0 { out[i] * (price[i] / mean_p).powf(-elasticity) } else { 0.0 };
        wsum += weight[i];
        (demand[i], sold[i], value[i]) = (0.0, 0.0, 0.0);
    }
    if wsum <= 0.0 || total <= 0.0 {
        return 0.0;
    }
    for &i in ids {
        let i = i as usize;
        demand[i] = total * weight[i] / wsum;
        sold[i] = (demand[i] / (100.0 * price[i])).min(out[i]);
        value[i] = sold[i] * price[i] * 100.0;
    }
    for _ in 0..50 {
        let unmet = total - ids.iter().map(|&i| value[i as usize]).sum::<f64>();
        let spare: f64 = ids.iter().filter(|&&i| sold[i as usize] < out[i as usize]).map(|&i| weight[i as usize]).sum();
        if unmet <= 1e-6 * total || spare <= 0.0 {
            break;
        }
        for &i in ids {
            let i = i as usize;
            if sold[i] < out[i] {
                let extra = unmet * weight[i] / spare;
                demand[i] += extra;
                let more = (extra / (100.0 * price[i])).min(out[i] - sold[i]);
                sold[i] += more;
                value[i] = sold[i] * price[i] * 100.0;
            }
        }
    }
    ids.iter().map(|&i| value[i as usize]).sum()
}

/// Households' spending shares of the consumption markets at last month's prices (CES).
pub fn consumption_shares(setup: &Setup, prices: &[f64; MARKETS]) -> [f64; 2] {
    let e = setup.config.households.consumption_elasticity;
    let w = setup.consumption_weights;
    let a: [f64; 2] = std::array::from_fn(|j| w[j] * prices[CONSUMPTION_MARKETS[j] as usize].max(1e-12).powf(1.0 - e));
    let sum = a[0] + a[1];
    if sum > 0.0 { [a[0] / sum, a[1] / sum] } else { [0.5, 0.5] }
}

/// Subscriptions, consumption, the markets, profits, dividends, expectations and markups.
#[allow(clippy::too_many_arguments)]
pub fn sell_goods(
    setup: Res<Setup>,
    policy: Res<Policy>,
    fin: Res<Finance>,
    labour: Res<Labour>,
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

    // Intended consumption (Godley & Lavoie 2007, ch. 10): c = a1 * real income + a2 * deposits,
    // never more than deposits, where real (Haig-Simons) income is income less what inflation
    // took from the deposits' value.
    let inflation = macro_.inflation;
    let intend = |pay: &Pay| -> i64 {
        let dep = pay.deposits.max(0);
        let real_income = (pay.income as f64 - inflation * dep as f64).max(0.0);
        round_i64(h.worker_mpc_income * real_income + h.worker_mpc_wealth * dep as f64).min(dep)
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
        ledger.record(Flow::Subscriptions, Sector::Workers, Sector::Providers, rev as i128);
    }
    let sub_tax = to_i64(sub_tax * w, "compute tax");
    ledger.record(Flow::ComputeTax, Sector::Workers, Sector::Government, sub_tax as i128);
    inst.government += sub_tax;
    inst.taxes[2] += sub_tax;

    // Demand in each market, cents. Owners consume out of income and financial wealth
    // (deposits and bonds, less loans), paying from deposits; the bond market rebalances
    // their portfolio at month end.
    let intended_w = totals[33];
    let owners_dep = inst.owners.max(0);
    let owners_wealth = (inst.owners + fin.owner_bonds - inst.owner_loans).max(0);
    let owners_real_income = (inst.owner_income_last as f64 - inflation * owners_wealth as f64).max(0.0);
    let intended_o = ((h.owner_mpc_income * owners_real_income + h.owner_mpc_wealth * owners_wealth as f64).round()
        as i64)
        .min(owners_dep);
    let household = (intended_w * w) as f64 + intended_o as f64;
    // Platforms' products: their other business's share of household spending, raised by
    // `bundle_uplift` among the people who use the platform's bundled AI (7.8).
    let people = cfg.population.labour_force.max(1.0);
    let uplift: Vec<f64> =
        provs.iter().map(|p| h.bundle_uplift * ((p.free_users + p.paid_users) / people).min(1.0)).collect();
    let plat_weights: Vec<f64> =
        cfg.providers.iter().zip(&uplift).map(|(p, u)| p.platform_revenue_share * (1.0 + u)).collect();
    let platform_share: f64 = plat_weights.iter().sum();
    let gov = inst.planned_purchases.max(0) as f64;
    let shares = consumption_shares(&setup, &macro_.price_index);
    let gov_shares = setup.consumption_weights;
    let capital_price = macro_.price_index[Market::CapitalGoods as usize];
    let mut fs: Vec<Mut<Firm>> = firms.iter_mut().collect();
    fs.sort_by_key(|f| f.id);
    let orders: Vec<f64> = fs.iter().map(|f| f.investment_order * capital_price * 100.0).collect();
    let buildings: Vec<f64> = provs.iter().map(|p| p.building_backlog * capital_price * 100.0).collect();
    let mut demand = [0.0f64; MARKETS];
    for (j, m) in CONSUMPTION_MARKETS.iter().enumerate() {
        demand[*m as usize] = household * (1.0 - platform_share) * shares[j] + gov * gov_shares[j];
    }
    demand[Market::CapitalGoods as usize] = orders.iter().sum::<f64>() + buildings.iter().sum::<f64>();

    // Each market clears among its own firms.
    let n = fs.len();
    for v in [&mut s.weights, &mut s.demand, &mut s.sold, &mut s.value] {
        v.clear();
        v.resize(n, 0.0);
    }
    let out: Vec<f64> = fs.iter().map(|f| if matches!(f.role, Role::Goods(_)) { f.output } else { 0.0 }).collect();
    let price: Vec<f64> = fs.iter().map(|f| f.price).collect();
    let mut fill = [0.0f64; MARKETS];
    for m in Market::ALL {
        let placed = allocate(
            demand[m as usize],
            &setup.market_firms[m as usize],
            &out,
            &price,
            cfg.firms.price_elasticity,
            &mut s.weights,
            &mut s.demand,
            &mut s.sold,
            &mut s.value,
        );
        fill[m as usize] = if demand[m as usize] > 0.0 { (placed / demand[m as usize]).min(1.0) } else { 0.0 };
    }

    // Payments: households pay the filled share of their goods spending (one factor over
    // both consumption markets) and the platform share; government its filled purchases.
    let (k, g) = (Market::Knowledge as usize, Market::InPerson as usize);
    let household_fill = (1.0 - platform_share) * (shares[0] * fill[k] + shares[1] * fill[g]);
    let paid = &*sum_parts;
    blocks.par_iter_mut().for_each(|mut b| {
        let (mut goods, mut platform) = (0i128, 0i128);
        for pay in b.pays.iter_mut() {
            let c = intend(pay) as f64;
            let gd = round_i64(household_fill * c);
            let pl = round_i64(platform_share * c);
            pay.deposits -= gd + pl;
            pay.income = 0;
            goods += gd as i128;
            platform += pl as i128;
        }
        count(paid, [goods, platform]);
    });
    let [goods_w, plat_w] = take(&mut sum_parts);
    let goods_o = (household_fill * intended_o as f64).round() as i64;
    let plat_o = (platform_share * intended_o as f64).round() as i64;
    let goods_w = to_i64(goods_w * w, "worker consumption");
    let plat_w = to_i64(plat_w * w, "platform spending");
    let gov_k = (fill[k] * gov * gov_shares[0]).round() as i64;
    let gov_g = (fill[g] * gov * gov_shares[1]).round() as i64;
    inst.owners -= goods_o + plat_o;
    inst.government -= gov_k + gov_g;
    inst.purchases = gov_k + gov_g;
    ledger.record(Flow::Consumption, Sector::Workers, Sector::Clearing, goods_w as i128);
    ledger.record(Flow::Consumption, Sector::Owners, Sector::Clearing, goods_o as i128);
    ledger.record(Flow::Consumption, Sector::Government, Sector::Clearing, (gov_k + gov_g) as i128);
    // Households' payments are split between the two markets exactly.
    let mut split = Vec::new();
    apportion(goods_w + goods_o, &[shares[0] * fill[k], shares[1] * fill[g]], &mut split);
    let mut pool = [0i64; MARKETS];
    pool[k] = split[0] + gov_k;
    pool[g] = split[1] + gov_g + inst.retraining_spending;

    // Capital goods: each buyer pays the filled share of its order and receives units in
    // proportion to what it paid.
    let fi = fill[Market::CapitalGoods as usize];
    let mut invest_paid = vec![0i64; n];
    let mut firm_invest = 0i64;
    for (i, f) in fs.iter_mut().enumerate() {
        let pay = (fi * orders[i]).round() as i64;
        invest_paid[i] = pay;
        f.deposits -= pay;
        f.investment_spending = pay;
        firm_invest += pay;
    }
    let mut prov_invest = 0i64;
    let mut prov_paid = vec![0i64; np];
    for (j, p) in provs.iter_mut().enumerate() {
        let pay = (fi * buildings[j]).round() as i64;
        prov_paid[j] = pay;
        p.deposits -= pay;
        p.building_spending = pay;
        prov_invest += pay;
    }
    ledger.record(Flow::CapitalGoods, Sector::Firms, Sector::Clearing, firm_invest as i128);
    ledger.record(Flow::CapitalGoods, Sector::Providers, Sector::Clearing, prov_invest as i128);
    pool[Market::CapitalGoods as usize] = firm_invest + prov_invest;
    let units: f64 = setup.market_firms[Market::CapitalGoods as usize].iter().map(|&i| s.sold[i as usize]).sum();
    let invest_total = (firm_invest + prov_invest) as f64;
    for (i, f) in fs.iter_mut().enumerate() {
        f.investment = if invest_total > 0.0 { units * invest_paid[i] as f64 / invest_total } else { 0.0 };
        f.capital += f.investment;
    }
    for (j, p) in provs.iter_mut().enumerate() {
        let got = if invest_total > 0.0 { units * prov_paid[j] as f64 / invest_total } else { 0.0 };
        p.buildings += got;
        p.building_backlog = (p.building_backlog - got).max(0.0);
    }

    // Platform revenue to platform providers, in proportion to their shares; the part due
    // to the uplift is their bundled AI's revenue.
    let mut parts = Vec::new();
    for (total, from) in [(plat_w, Sector::Workers), (plat_o, Sector::Owners)] {
        apportion(total, &plat_weights, &mut parts);
        for p in provs.iter_mut() {
            let i = p.index as usize;
            p.revenue_platform += parts[i];
            p.deposits += parts[i];
        }
        ledger.record(Flow::PlatformProducts, from, Sector::Providers, total as i128);
    }
    for p in provs.iter_mut() {
        let u = uplift[p.index as usize];
        p.revenue_bundled = (p.revenue_platform as f64 * u / (1.0 + u)).round() as i64;
    }

    // The clearing account pays each market's firms in proportion to the value they sold
    // (retraining services are bought from in-person service firms).
    inst.clearing += goods_w + goods_o + gov_k + gov_g + firm_invest + prov_invest;
    let mut sales_cents = vec![0i64; n];
    for m in Market::ALL {
        let ids = &setup.market_firms[m as usize];
        let mut weights: Vec<f64> = ids.iter().map(|&i| s.value[i as usize]).collect();
        if weights.iter().sum::<f64>() <= 0.0 {
            weights = ids.iter().map(|&i| out[i as usize].max(1e-9)).collect();
        }
        if ids.is_empty() {
            // A market without firms cannot sell: its pool is empty (its fill is zero),
            // except retraining spending, which goes to every goods firm.
            if pool[m as usize] != 0 {
                let all: Vec<f64> =
                    fs.iter().map(|f| if matches!(f.role, Role::Goods(_)) { 1.0 } else { 0.0 }).collect();
                apportion(pool[m as usize], &all, &mut parts);
                for (i, p) in parts.iter().enumerate() {
                    sales_cents[i] += p;
                }
            }
            continue;
        }
        apportion(pool[m as usize], &weights, &mut parts);
        for (j, &i) in ids.iter().enumerate() {
            sales_cents[i as usize] += parts[j];
        }
    }
    let paid_out: i64 = sales_cents.iter().sum();
    inst.clearing -= paid_out;
    inst.retraining_spending = 0;
    ledger.record(Flow::Sales, Sector::Clearing, Sector::Firms, paid_out as i128);

    // Firms: sales, profit after interest and depreciation, tax, dividends, expectations and
    // markups from their share of their own market.
    let fc = &cfg.firms;
    let (mut tax_sum, mut div_sum) = (0i64, 0i64);
    let mut market_sales = [0.0f64; MARKETS];
    let mut market_units = [0.0f64; MARKETS];
    // Sales at posted prices before rounding to cents: the unit value stays a price when a
    // market sells almost nothing (a few units whose value rounds to zero cents).
    let mut market_value = [0.0f64; MARKETS];
    for m in Market::ALL {
        market_sales[m as usize] = setup.market_firms[m as usize].iter().map(|&i| sales_cents[i as usize] as f64).sum();
    }
    let mut output = 0.0;
    // Task units performed, by people or by AI: output times the tasks a unit needs.
    let mut task_units = 0.0;
    for (i, f) in fs.iter_mut().enumerate() {
        let Role::Goods(m) = f.role else {
            (f.sales, f.sold, f.demand, f.profit) = (0, 0.0, 0.0, 0);
            continue;
        };
        let sales = sales_cents[i];
        f.sales = sales;
        f.deposits += sales;
        f.sold = s.sold[i];
        f.demand = s.demand[i] / (100.0 * f.price);
        market_units[m as usize] += s.sold[i];
        market_value[m as usize] += s.value[i];
        output += f.output;
        task_units += f.output * (f.tasks_per_unit.iter().sum::<f64>() + f.oversight_per_unit);
        f.profit = sales - f.wage_bill - f.ai_bill - f.interest - f.depreciation;
        let tax = (f.profit.max(0) as f64 * cfg.government.profit_tax).round() as i64;
        f.deposits -= tax;
        tax_sum += tax;
        // Dividends pay out a share of the deposits above the firm's cash buffer, so in a
        // steady state firms pay out their profit and save only to invest; a firm short of
        // cash borrows to restore its buffer (`finance::settle_credit`).
        let buffer = fc.cash_buffer_months * (f.wage_bill + f.ai_bill + f.interest.max(0)) as f64;
        let div = (fc.dividend_payout * (f.deposits as f64 - buffer).max(0.0)).round() as i64;
        f.deposits -= div;
        div_sum += div;
        f.sales_trend = if f.sales_trend > 0.0 { 0.9 * f.sales_trend + 0.1 * sales as f64 } else { sales as f64 };
        f.profit_trend = 0.9 * f.profit_trend + 0.1 * f.profit as f64;
        let y = f.output;
        let d = f.demand;
        // Adaptive expectations; plans run at most `max_expansion` above what the firm
        // produced, so a firm that cannot staff its plan scales it back.
        let planned = f.expected_demand;
        f.expected_demand += fc.expectation_weight * (d - planned);
        f.expected_demand = f.expected_demand.min((1.0 + fc.max_expansion) * y);
        // Pricing power follows competitive success: the K+S markup rule on market share.
        let total = market_sales[m as usize];
        let share = if total > 0.0 { sales as f64 / total } else { 0.0 };
        f.markup =
            markup_from_share(f.markup, share, f.market_share, fc.markup_share_response, fc.markup_min, fc.markup_max);
        f.market_share = share;
        f.age += 1;
    }
    ledger.record(Flow::ProfitTax, Sector::Firms, Sector::Government, tax_sum as i128);
    ledger.record(Flow::Dividends, Sector::Firms, Sector::Owners, div_sum as i128);
    inst.government += tax_sum;
    inst.taxes[1] += tax_sum;
    inst.firm_profit_tax = tax_sum;
    inst.owners += div_sum;
    inst.owner_income += div_sum;

    // Prices and productivity. The CPI is the consumption markets' unit value.
    let m = &mut *macro_;
    for mk in Market::ALL {
        let j = mk as usize;
        if market_units[j] > 0.0 && market_value[j] > 0.0 {
            m.price_index[j] = market_value[j] / 100.0 / market_units[j];
        }
    }
    let (nominal, real) = CONSUMPTION_MARKETS
        .iter()
        .fold((0.0, 0.0), |a, mk| (a.0 + market_value[*mk as usize], a.1 + market_units[*mk as usize]));
    if real > 0.0 && nominal > 0.0 {
        let cpi = nominal / 100.0 / real;
        let monthly = cpi / m.cpi - 1.0;
        m.inflation = 0.7 * m.inflation + 0.3 * monthly;
        m.cpi = cpi;
    }
    let employed: u64 = labour.employed.iter().sum();
    if employed > 0 {
        let persons = employed as f64 * setup.weight as f64;
        m.productivity = output / persons;
        // Output per worker grows when tasks move to AI as well as when tasks get more
        // productive; output per task unit only in the second way (7.7). Trends keep a
        // month's noise out of wages.
        if task_units > 0.0 {
            let per_task = output / task_units;
            if m.task_productivity_trend > 0.0 {
                let trend = 0.9 * m.task_productivity_trend + 0.1 * per_task;
                m.task_productivity_growth = (trend / m.task_productivity_trend - 1.0).clamp(-0.05, 0.05);
                m.task_productivity_trend = trend;
            } else {
                m.task_productivity_trend = per_task;
            }
        }
        if m.productivity_trend > 0.0 {
            let trend = 0.9 * m.productivity_trend + 0.1 * m.productivity;
            m.productivity_growth = (trend / m.productivity_trend - 1.0).clamp(-0.05, 0.05);
            m.productivity_trend = trend;
            let lambda = setup.config.government.potential_smoothing;
            let potential = (1.0 - lambda) * m.productivity_potential + lambda * m.productivity;
            m.potential_growth = potential / m.productivity_potential - 1.0;
            m.productivity_potential = potential;
        } else {
            m.productivity_trend = m.productivity;
            m.productivity_start = m.productivity;
            m.productivity_potential = m.productivity;
        }
    }
    m.output = output;
    m.sales = market_sales.iter().sum::<f64>() / 100.0;
    m.market_demand = demand.map(|d| d / 100.0);
    // Excess demand by market (demand that found no output, as a share of what was sold),
    // smoothed: the demand pressure in next month's prices.
    for j in 0..MARKETS {
        let gap = if fill[j] > 0.0 { (1.0 / fill[j] - 1.0).min(0.5) } else { 0.0 };
        m.excess_demand[j] = 0.7 * m.excess_demand[j] + 0.3 * gap;
    }
    let total_demand: f64 = demand.iter().sum();
    m.unmet_demand = if total_demand > 0.0 {
        1.0 - (0..MARKETS).map(|j| fill[j] * demand[j]).sum::<f64>() / total_demand
    } else {
        0.0
    };
}
