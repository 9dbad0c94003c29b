//! Phase 9, AI demand and datacenter investment: consumer adoption of generative AI,
//! the providers' load, energy bills, profit and tax; then each provider orders GPUs
//! for the demand it expects, within its grid connections and its finance (own cash
//! plus outside capital), and tracks cumulative cash flow, payback and ROI. Chip
//! vendors and the energy sector pay their rents out to the owners.

use bevy_ecs::prelude::*;

use crate::accounts::{Flow, Ledger, Sector};
use crate::components::{Datacenter, Provider, Vintage};
use mindmill_config::{Config, ProviderKind};

use crate::equations::{bass_hazard, dcf_value};
use crate::resources::{
    Calendar, Finance, HOURS_PER_MONTH, Index, Institutions, Macro, Policy, SECONDS_PER_MONTH, Setup, Tech,
};
use crate::rng::Stream;
use crate::systems::datacenters::site_price;

/// Training spending per dollar of expected AI revenue that maximises profit (Dorfman &
/// Steiner 1954): the elasticity of demand with respect to training over the price
/// elasticity. Under logit demand with utility gamma per OOM of capability and beta per
/// log-dollar, and epsilon OOM of capability per OOM of training compute, the first is
/// gamma (1 - s) epsilon / ln 10 and the second beta (1 - s), so the share cancels:
/// nu = gamma epsilon / (beta ln 10). Open-weight hosts take their capability from the
/// published frontier, not from their own training, so theirs is 0.
pub fn training_intensity(kind: ProviderKind, beta: f64, cfg: &Config) -> f64 {
    match kind {
        ProviderKind::OpenWeight => 0.0,
        _ => {
            cfg.firms.capability_taste * cfg.technology.capability_compute_elasticity / (beta * std::f64::consts::LN_10)
        }
    }
}

/// Share of full IT power a GPU draws when idle.
const IDLE_POWER: f64 = 0.3;

/// Consumer adoption, provider load, energy, profit, tax and dividends.
#[allow(clippy::too_many_arguments)]
pub fn serve_ai(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    tech: Res<Tech>,
    policy: Res<Policy>,
    mut macro_: ResMut<Macro>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut providers: Query<&mut Provider>,
    mut sites: Query<&mut Datacenter>,
) {
    let cfg = &setup.config;
    let h = &cfg.households;
    let a = macro_.chat_adoption;
    macro_.chat_adoption = a + bass_hazard(h.chat_bass_p, h.chat_bass_q, a) * (1.0 - a);
    let mfu = cfg.datacenters.inference_mfu;
    let t = &cfg.technology;
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let mut utilisation = vec![0.0; provs.len()];
    for p in provs.iter() {
        let i = p.index as usize;
        let served = p.inference_demand_flop.min(p.inference_capacity_flop);
        let training = p.training_ring[(cal.tick % 12) as usize];
        let full = p.peak_flops * mfu * SECONDS_PER_MONTH;
        utilisation[i] = if full > 0.0 { ((served + training) / full).min(1.0) } else { 0.0 };
    }
    let mut energy = vec![0i64; provs.len()];
    let mut dcs: Vec<Mut<Datacenter>> = sites.iter_mut().collect();
    dcs.sort_by_key(|d| d.id);
    for dc in dcs.iter_mut() {
        let u = utilisation[dc.owner as usize];
        let mw = dc.it_mw * (IDLE_POWER + (1.0 - IDLE_POWER) * u) * dc.pue;
        dc.utilisation = u;
        dc.energy_mwh = mw * HOURS_PER_MONTH;
        let price = site_price(dc, cfg, policy.electricity_factor, cal.tick);
        dc.energy_cost = (dc.energy_mwh * 1000.0 * price * 100.0).round() as i64;
        energy[dc.owner as usize] += dc.energy_cost;
    }
    let (mut tax_sum, mut div_sum, mut energy_sum) = (0i64, 0i64, 0i64);
    for p in provs.iter_mut() {
        let i = p.index as usize;
        p.energy_cost = energy[i];
        p.deposits -= energy[i];
        energy_sum += energy[i];
        let free_flop = p.free_users * t.free_user_flop_month * (1.0 - tech.on_device);
        p.free_user_cost = free_flop * p.cost_per_flop;
        let revenue = p.revenue_subscription + p.revenue_api + p.revenue_enterprise + p.revenue_platform;
        let depreciation = ((p.depreciation + p.building_depreciation) * 100.0).round() as i64;
        let profit = revenue - p.energy_cost - p.staff_cost - depreciation - p.interest;
        p.tax = (profit.max(0) as f64 * cfg.government.profit_tax).round() as i64;
        // The AI business alone (payback, ROI): AI revenue less all of the fleet's costs, taxed
        // on its own; a platform's other business is left out.
        let ai_profit = p.ai_revenue() - p.energy_cost - p.staff_cost - depreciation - p.interest;
        p.ai_tax = (ai_profit.max(0) as f64 * cfg.government.profit_tax).round() as i64;
        p.deposits -= p.tax;
        tax_sum += p.tax;
        let payout = cfg.providers[i].dividend_payout;
        // Cash above a buffer of `cash_buffer_months` of operating costs and depreciation is
        // free cash flow paid out to owners (Jensen 1986): a provider that stops investing
        // does not hoard its earnings out of circulation.
        let monthly_costs = (p.energy_cost + p.staff_cost + p.interest.max(0)) as f64 + depreciation as f64;
        let excess = (p.deposits as f64 - cfg.investors.cash_buffer_months * monthly_costs).max(0.0);
        let dividend = (payout * (profit - p.tax).max(0) as f64).max(excess);
        p.dividends = (dividend.round() as i64).min(p.deposits.max(0));
        p.deposits -= p.dividends;
        div_sum += p.dividends;
        p.cumulative_profit += (ai_profit - p.ai_tax) as f64 / 100.0;
    }
    ledger.record(Flow::Electricity, Sector::Providers, Sector::Energy, energy_sum as i128);
    ledger.record(Flow::ProfitTax, Sector::Providers, Sector::Government, tax_sum as i128);
    ledger.record(Flow::Dividends, Sector::Providers, Sector::Owners, div_sum as i128);
    inst.energy += energy_sum;
    inst.energy_sales += energy_sum;
    inst.government += tax_sum;
    inst.taxes[1] += tax_sum;
    inst.provider_tax = tax_sum;
    inst.owners += div_sum;
    inst.owner_income += div_sum;
}

/// Orders GPUs for expected demand within grid and finance limits; opens new sites.
#[allow(clippy::too_many_arguments)]
pub fn invest_in_datacenters(
    mut commands: Commands,
    setup: Res<Setup>,
    cal: Res<Calendar>,
    mut tech: ResMut<Tech>,
    policy: Res<Policy>,
    macro_: Res<Macro>,
    fin: Res<Finance>,
    mut index: ResMut<Index>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut providers: Query<&mut Provider>,
    mut sites: Query<&mut Datacenter>,
) {
    let cfg = &setup.config;
    let d = &cfg.datacenters;
    let tick = cal.tick;
    let life = d.gpu_life_years * 12.0;
    let horizon = d.build_months as f64 + 12.0;
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let mut dcs: Vec<Mut<Datacenter>> = sites.iter_mut().collect();
    dcs.sort_by_key(|d| d.id);
    let mut capex_sum = 0i64;
    let mut gpus_ordered = 0.0;
    let capital_goods_price = macro_.price_index[crate::components::Market::CapitalGoods as usize];
    let inv = &cfg.investors;
    for p in provs.iter_mut() {
        let i = p.index as usize;
        let pc = &cfg.providers[i];
        // Expected demand: exponential smoothing with a smoothed growth trend.
        let demand = p.inference_demand_flop;
        if p.expected_demand_flop <= 0.0 {
            p.expected_demand_flop = demand;
        } else {
            let new = 0.7 * p.expected_demand_flop + 0.3 * demand;
            let g = new / p.expected_demand_flop - 1.0;
            p.demand_growth = (0.8 * p.demand_growth + 0.2 * g).clamp(-0.05, 0.1);
            p.expected_demand_flop = new;
        }
        let target = p.expected_demand_flop * (1.0 + p.demand_growth).powf(horizon);
        let inference_peak =
            target / (d.inference_mfu * d.max_utilisation * SECONDS_PER_MONTH * (1.0 - pc.training_share));
        // Investors' expectations: smoothed AI revenue and its expected growth, revised each
        // month towards the growth they observe (adaptive expectations).
        let ai_revenue = p.ai_revenue() as f64 / 100.0;
        if tick == 0 || p.revenue_trend <= 0.0 {
            p.revenue_trend = ai_revenue;
        } else {
            let trend = 0.8 * p.revenue_trend + 0.2 * ai_revenue;
            let observed = ((trend / p.revenue_trend).powi(12) - 1.0).clamp(-0.9, 20.0);
            p.expected_growth += inv.expectation_weight * (observed - p.expected_growth);
            p.revenue_trend = trend;
        }
        let expected_revenue = p.revenue_trend * (1.0 + p.expected_growth).max(0.1).powf(horizon / 12.0);
        p.valuation = dcf_value(
            12.0 * p.revenue_trend,
            p.expected_growth,
            inv.long_run_growth,
            inv.growth_years,
            inv.mature_margin,
            fin.policy_rate + inv.equity_premium,
        );
        // Training (K+S R&D: spending in proportion to expected sales, Dosi, Fagiolo &
        // Roventini 2010) at the profit-maximising intensity (Dorfman & Steiner 1954, 7.9);
        // the compute it buys is the spending at the fleet's full cost per FLOP.
        let intensity = training_intensity(p.kind, setup.price_taste, cfg);
        p.training_target_flop = if p.cost_per_flop > 0.0 {
            intensity * expected_revenue / p.cost_per_flop
        } else {
            p.training_ring.iter().sum::<f64>() / 12.0
        };
        let training_peak = if pc.training_share > 0.0 {
            p.training_target_flop / (pc.training_share * d.inference_mfu * SECONDS_PER_MONTH)
        } else {
            0.0
        };
        let need_peak = inference_peak.max(training_peak);
        // Capacity at the horizon: in service and on order, less what retires by then.
        let mut future = 0.0;
        let mut spare_mw = 0.0;
        let mut installed = p.buildings * capital_goods_price;
        for dc in dcs.iter().filter(|dc| dc.owner as usize == i) {
            installed += dc
                .vintages
                .iter()
                .map(|v| v.count * v.price * (1.0 - (tick as i32 - v.month) as f64 / life).max(0.0))
                .sum::<f64>();
            installed += dc.pipeline.iter().map(|v| v.count * v.price).sum::<f64>();
            future += dc
                .vintages
                .iter()
                .filter(|v| ((tick as i32 - v.month) as f64 + horizon) < life)
                .map(|v| v.count * v.flops)
                .sum::<f64>();
            future += dc.pipeline.iter().map(|v| v.count * v.flops).sum::<f64>();
            spare_mw += (dc.power_cap_mw - dc.committed_mw).max(0.0);
        }
        let mut gpus = ((need_peak - future) / tech.new_gpu_flops).max(0.0);
        let mw_per_gpu = tech.new_gpu_watts * d.pue_new / 1e6;
        let grid = d.grid_mw_per_month * policy.grid_factor;
        gpus = gpus.min((spare_mw + grid) / mw_per_gpu);
        // Finance: own cash above a reserve of two months of energy, then outside capital.
        // GPUs beyond the spare power of existing sites need new sites, whose buildings and
        // power equipment are bought from capital-goods firms.
        let site_units = d.site_power_mw * cfg.capital.building_cost_usd_per_mw;
        let new_sites = ((gpus - spare_mw / mw_per_gpu).max(0.0) * mw_per_gpu / d.site_power_mw).ceil();
        let price_cents = tech.new_gpu_price * 100.0;
        let cost = gpus * price_cents + new_sites * site_units * capital_goods_price * 100.0;
        let reserve = 2 * p.energy_cost;
        let cash = (p.deposits - reserve).max(0) as f64;
        p.capital_raised = 0;
        p.installed_capital = installed;
        if cost > cash {
            // Outside equity (Tobin's q, Hayashi 1982): investors fund a share of the gap
            // between the provider's value and its installed capital; platforms fund their
            // build-out from their own cash.
            let gap = if p.kind == ProviderKind::Platform { 0.0 } else { (p.valuation - installed).max(0.0) };
            let limit = inv.funding_rate / 12.0 * gap * 100.0 * policy.capital_appetite;
            let raise = (cost - cash).min(limit).min(inst.owners.max(0) as f64).round() as i64;
            p.capital_raised = raise;
            p.deposits += raise;
            inst.owners -= raise;
            ledger.record(Flow::OutsideCapital, Sector::Owners, Sector::Providers, raise as i128);
            let finance = cash + raise as f64;
            if finance < cost {
                gpus *= finance / cost;
            }
        }
        let capex = (gpus * price_cents).round() as i64;
        gpus_ordered += gpus;
        p.capex = capex;
        p.deposits -= capex;
        capex_sum += capex;
        let capex_usd = capex as f64 / 100.0;
        p.cumulative_capex += capex_usd;
        let buildings_usd = p.building_spending as f64 / 100.0;
        p.cumulative_capex += buildings_usd;
        p.cumulative_cash_flow +=
            ai_revenue - (p.energy_cost + p.staff_cost + p.ai_tax) as f64 / 100.0 - capex_usd - buildings_usd;
        if p.payback_tick.is_none() && p.cumulative_cash_flow >= 0.0 {
            p.payback_tick = Some(tick);
        }
        if gpus <= 0.0 {
            continue;
        }
        // Place the order: spare power at existing sites first, then new sites.
        let arrival = (tick + d.build_months) as i32;
        let mut left = gpus;
        let vintage = |count: f64| Vintage {
            month: arrival,
            count,
            flops: tech.new_gpu_flops,
            watts: tech.new_gpu_watts,
            price: tech.new_gpu_price,
        };
        for dc in dcs.iter_mut().filter(|dc| dc.owner as usize == i) {
            let room = ((dc.power_cap_mw - dc.committed_mw).max(0.0) / (tech.new_gpu_watts * dc.pue / 1e6)).min(left);
            if room > 0.0 {
                dc.pipeline.push(vintage(room));
                dc.committed_mw += room * tech.new_gpu_watts * dc.pue / 1e6;
                dc.capex_to_date += room * tech.new_gpu_price;
                left -= room;
            }
        }
        while left > 1e-9 {
            let per_site = d.site_power_mw / mw_per_gpu;
            let count = left.min(per_site);
            // The site's buildings and power equipment are ordered now and bought over the
            // next months as capital-goods firms deliver them.
            p.building_backlog += site_units;
            let id = index.datacenters;
            index.datacenters += 1;
            let base_price = if cfg.energy.site_price_from_states && !setup.state_prices.is_empty() {
                // Providers site where power is cheap: the cheapest of three state draws.
                (0..3)
                    .map(|k| {
                        let u = setup.draws.uniform(Stream::Sites, tick, id as u64, k);
                        setup.state_prices
                            [((u * setup.state_prices.len() as f64) as usize).min(setup.state_prices.len() - 1)]
                    })
                    .fold(f64::INFINITY, f64::min)
            } else {
                cfg.energy.electricity_usd_kwh
            };
            let mut v = vintage(count);
            v.count = count;
            p.grid_used_mw += count * mw_per_gpu;
            commands.spawn(Datacenter {
                id,
                owner: i as u8,
                pue: d.pue_new,
                base_price_kwh: base_price,
                power_cap_mw: d.site_power_mw,
                vintages: Vec::new(),
                pipeline: vec![v],
                gpus: 0.0,
                peak_flops: 0.0,
                it_mw: 0.0,
                committed_mw: count * mw_per_gpu,
                depreciation: 0.0,
                utilisation: 0.0,
                energy_mwh: 0.0,
                energy_cost: 0,
                capex_to_date: count * tech.new_gpu_price,
            });
            left -= count;
        }
    }
    ledger.record(Flow::Gpus, Sector::Providers, Sector::Chips, capex_sum as i128);
    inst.chips += capex_sum;
    inst.chip_sales += capex_sum;
    supply_chips(&mut tech, gpus_ordered, d);
}

/// The chip market after this month's orders (7.9): the GPU price premium moves with the
/// square root of orders over chip vendors' capacity (a damped tatonnement, as the AI
/// price's scarcity premium, 7.4) within [1, `max_gpu_premium`], and capacity closes
/// 1/`chip_capacity_months` of its gap to orders each month (the accelerator of capacity
/// expansion, K+S) but falls no faster than its equipment retires, so a surge of orders
/// raises GPU prices and chip vendors' rents until capacity catches up.
pub fn supply_chips(tech: &mut Tech, ordered: f64, d: &mindmill_config::DatacenterConfig) {
    let capacity = tech.chip_capacity.max(1e-9);
    tech.gpu_premium = crate::equations::tatonnement(tech.gpu_premium, ordered / capacity, d.max_gpu_premium);
    // Capacity grows towards orders, and shrinks no faster than its equipment retires (over
    // a GPU life): lines built for a surge stay until they wear out.
    let retired = capacity * (1.0 - 1.0 / (12.0 * d.gpu_life_years));
    tech.chip_capacity = (capacity + (ordered - capacity) / d.chip_capacity_months).max(retired).max(1e-9);
    tech.new_gpu_price = d.gpu_price_usd * tech.gpu_premium;
}

/// Chip vendors and the energy sector pay profit tax on their sales less their staff's
/// wages (their other costs lie outside the model: the rest is rent) and distribute the
/// rest to the owners; when sales did not cover wages, owners put in the difference.
pub fn distribute_rents(setup: Res<Setup>, mut inst: ResMut<Institutions>, mut ledger: ResMut<Ledger>) {
    let rate = setup.config.government.profit_tax;
    let trend = |t: f64, x: i64| if t > 0.0 { 0.9 * t + 0.1 * x as f64 } else { x as f64 };
    inst.chip_sales_trend = trend(inst.chip_sales_trend, inst.chip_sales);
    inst.energy_sales_trend = trend(inst.energy_sales_trend, inst.energy_sales);
    // Profit = deposits now: last month ended at zero; this month brought sales less wages.
    let chip_tax = (inst.chips.max(0) as f64 * rate).round() as i64;
    let energy_tax = (inst.energy.max(0) as f64 * rate).round() as i64;
    inst.chips -= chip_tax;
    inst.energy -= energy_tax;
    inst.government += chip_tax + energy_tax;
    inst.taxes[1] += chip_tax + energy_tax;
    inst.chip_tax = chip_tax;
    inst.energy_tax = energy_tax;
    ledger.record(Flow::ProfitTax, Sector::Chips, Sector::Government, chip_tax as i128);
    ledger.record(Flow::ProfitTax, Sector::Energy, Sector::Government, energy_tax as i128);
    let (chips, energy) = (inst.chips, inst.energy);
    inst.chips = 0;
    inst.energy = 0;
    let (chip_div, energy_div) = (chips.max(0), energy.max(0));
    let (chip_eq, energy_eq) = ((-chips).max(0), (-energy).max(0));
    inst.owners += chip_div + energy_div - chip_eq - energy_eq;
    inst.owner_income += chip_div + energy_div;
    inst.rent_equity = chip_eq + energy_eq;
    ledger.record(Flow::Dividends, Sector::Chips, Sector::Owners, chip_div as i128);
    ledger.record(Flow::Dividends, Sector::Energy, Sector::Owners, energy_div as i128);
    ledger.record(Flow::OutsideCapital, Sector::Owners, Sector::Chips, chip_eq as i128);
    ledger.record(Flow::OutsideCapital, Sector::Owners, Sector::Energy, energy_eq as i128);
}
