//! Phase 3, datacenters: GPUs ordered earlier enter service, GPUs past their life are
//! retired, and each site's capacity, power and depreciation are updated; providers get
//! their fleet totals and marginal cost per delivered FLOP.

use bevy_ecs::prelude::*;
use mindmill_config::Config;

use crate::components::{Datacenter, Provider};
use crate::resources::{Calendar, Macro, Policy, SECONDS_PER_MONTH, Setup};

/// Electricity price of a site at `tick`, USD per kWh.
pub fn site_price(dc: &Datacenter, cfg: &Config, policy_factor: f64, tick: u32) -> f64 {
    dc.base_price_kwh * policy_factor * (1.0 + cfg.energy.price_growth).powf(tick as f64 / 12.0)
}

/// Moves arrived GPUs into service, retires old ones and refreshes the site totals.
pub fn refresh_site(dc: &mut Datacenter, cfg: &Config, tick: u32) {
    let life_months = cfg.datacenters.gpu_life_years * 12.0;
    let now = tick as i32;
    let mut i = 0;
    while i < dc.pipeline.len() {
        if dc.pipeline[i].month <= now {
            let v = dc.pipeline.remove(i);
            dc.vintages.push(v);
        } else {
            i += 1;
        }
    }
    dc.vintages.retain(|v| ((now - v.month) as f64) < life_months);
    dc.gpus = dc.vintages.iter().map(|v| v.count).sum();
    dc.peak_flops = dc.vintages.iter().map(|v| v.count * v.flops).sum();
    dc.it_mw = dc.vintages.iter().map(|v| v.count * v.watts).sum::<f64>() / 1e6;
    dc.committed_mw = (dc.it_mw + dc.pipeline.iter().map(|v| v.count * v.watts).sum::<f64>() / 1e6) * dc.pue;
    dc.depreciation = dc.vintages.iter().map(|v| v.count * v.price).sum::<f64>() / life_months;
}

/// Adds a site's capacity and costs to its provider's totals.
fn accumulate(p: &mut Provider, dc: &Datacenter, price_kwh: f64, power_usd_per_s: &mut f64) {
    p.peak_flops += dc.peak_flops;
    p.gpus += dc.gpus;
    p.depreciation += dc.depreciation;
    // Full-load power cost per second: MW x 1000 kW/MW x USD/kWh / 3600 s/h.
    *power_usd_per_s += dc.it_mw * dc.pue * 1000.0 * price_kwh / 3600.0;
}

/// Sets capacity and marginal cost per delivered FLOP from the fleet totals: energy, and the
/// depreciation of GPUs and of buildings and power equipment.
fn finish_costs(p: &mut Provider, cfg: &Config, power_usd_per_s: f64) {
    let d = &cfg.datacenters;
    let train = cfg.providers[p.index as usize].training_share;
    let delivered = p.peak_flops * d.inference_mfu;
    p.inference_capacity_flop = (1.0 - train) * delivered * d.max_utilisation * SECONDS_PER_MONTH;
    if delivered > 0.0 {
        let energy = power_usd_per_s / delivered;
        let capital = (p.depreciation + p.building_depreciation) / (delivered * d.max_utilisation * SECONDS_PER_MONTH);
        p.cost_per_flop = energy + capital;
    }
}

/// Buildings and power equipment wear out over `building_life_years`; their depreciation is
/// valued at the current price of capital goods (USD per month).
fn depreciate_buildings(p: &mut Provider, cfg: &Config, capital_price: f64) {
    let share = 1.0 / (12.0 * cfg.capital.building_life_years);
    p.building_depreciation = p.buildings * share * capital_price;
    p.buildings -= p.buildings * share;
}

/// Updates every site and the providers' fleet totals.
pub fn update_datacenters(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    policy: Res<Policy>,
    macro_: Res<Macro>,
    mut sites: Query<&mut Datacenter>,
    mut providers: Query<&mut Provider>,
) {
    let cfg = &setup.config;
    let np = cfg.providers.len();
    let mut power = vec![0.0; np];
    let mut list: Vec<Mut<Provider>> = providers.iter_mut().collect();
    list.sort_by_key(|p| p.index);
    for p in list.iter_mut() {
        p.peak_flops = 0.0;
        p.gpus = 0.0;
        p.depreciation = 0.0;
        p.grid_used_mw = 0.0;
    }
    let mut dcs: Vec<Mut<Datacenter>> = sites.iter_mut().collect();
    dcs.sort_by_key(|d| d.id);
    for dc in dcs.iter_mut() {
        refresh_site(dc, cfg, cal.tick);
        let owner = dc.owner as usize;
        let price = site_price(dc, cfg, policy.electricity_factor, cal.tick);
        accumulate(&mut list[owner], dc, price, &mut power[owner]);
    }
    for p in list.iter_mut() {
        let i = p.index as usize;
        depreciate_buildings(p, cfg, macro_.price_index[crate::components::Market::CapitalGoods as usize]);
        finish_costs(p, cfg, power[i]);
        let train = cfg.providers[i].training_share * p.peak_flops * cfg.datacenters.inference_mfu * SECONDS_PER_MONTH;
        p.training_ring[(cal.tick % 12) as usize] = train;
    }
}

/// Provider costs and prices before the first tick (for the firms' first provider choice).
pub fn init_provider_costs(providers: &mut [Provider], sites: &[Datacenter], setup: &Setup) {
    let cfg = &setup.config;
    let mut power = vec![0.0; providers.len()];
    for p in providers.iter_mut() {
        p.peak_flops = 0.0;
        p.gpus = 0.0;
        p.depreciation = 0.0;
    }
    for dc in sites {
        let mut dc = dc.clone();
        refresh_site(&mut dc, cfg, 0);
        let o = dc.owner as usize;
        let price = site_price(&dc, cfg, 1.0, 0);
        accumulate(&mut providers[o], &dc, price, &mut power[o]);
    }
    for p in providers.iter_mut() {
        p.building_depreciation = p.buildings / (12.0 * cfg.capital.building_life_years);
        finish_costs(p, cfg, power[p.index as usize]);
    }
}
