//! Phase 5, automation adoption: firms review their AI provider, move tasks to AI where
//! AI can do them (capability ceiling, regulation) and is cheaper than the wage, at a
//! Bass diffusion pace; AI use creates tier B oversight tasks. Then providers learn
//! the load they must serve this month.

use bevy_ecs::prelude::*;
use mindmill_config::{Config, TIERS};

use crate::components::{Firm, Provider, Role};
use crate::equations::{bass_hazard, reinstatement};
use crate::resources::{Calendar, Labour, Macro, Policy, Setup, Tally, Tech};
use crate::rng::{Draws, Stream};

/// Logit choice of a provider: utility = -price_taste ln(price) + capability_taste
/// (capability - frontier) + Gumbel noise (McFadden 1974). `providers` are in index order.
pub fn choose_provider(
    providers: &[Provider],
    tech: &Tech,
    cfg: &Config,
    draws: &Draws,
    tick: u32,
    firm: u64,
) -> usize {
    let mut best = (f64::MIN, 0usize);
    for (i, p) in providers.iter().enumerate() {
        if p.api_price <= 0.0 || p.inference_capacity_flop <= 0.0 {
            continue;
        }
        let u = -cfg.firms.price_taste * p.api_price.ln()
            + cfg.firms.capability_taste * (p.capability - tech.frontier)
            + draws.gumbel(Stream::ProviderChoice, tick, firm, i as u32 + 1);
        if u > best.0 {
            best = (u, i);
        }
    }
    best.1
}

/// Updates each firm's provider, AI shares and oversight needs.
#[allow(clippy::too_many_arguments)]
pub fn adopt_ai(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    tech: Res<Tech>,
    policy: Res<Policy>,
    labour: Res<Labour>,
    tally: Res<Tally>,
    providers: Query<&Provider>,
    mut firms: Query<&mut Firm>,
) {
    let cfg = &setup.config;
    let a = &cfg.adoption;
    let mut provs: Vec<Provider> = providers.iter().cloned().collect();
    provs.sort_by_key(|p| p.index);
    let k0 = cfg.technology.frontier_capability_oom;
    let weight = setup.weight as f64;
    let tick = cal.tick;
    firms.par_iter_mut().for_each(|mut f| {
        if !matches!(f.role, Role::Goods(_)) {
            return;
        }
        let id = f.id as usize;
        if setup.draws.uniform(Stream::ProviderChoice, tick, id as u64, 0) < cfg.firms.provider_review_probability {
            f.provider = choose_provider(&provs, &tech, cfg, &setup.draws, tick, id as u64) as u8;
        }
        let heads: u32 = tally.headcount[id].iter().sum();
        f.enterprise = heads >= cfg.firms.enterprise_min_workers;
        let p = &provs[f.provider as usize];
        let unit_price = if f.enterprise { p.enterprise_price } else { p.api_price } * (1.0 + policy.compute_tax);
        let mut ai_per_unit = 0.0;
        for k in 0..TIERS {
            let ceiling = tech.tier_ceiling[p.index as usize][k].min(policy.regulation_cap[k]);
            f.ceiling[k] = ceiling;
            let persons = tally.effective[id][k] / weight;
            let wage = if persons > 0.0 { tally.wages[id][k] / persons } else { labour.mean_wage[k] };
            if f.ai_share[k] > ceiling {
                f.ai_share[k] = ceiling;
            } else if unit_price * a.cost_margin >= wage {
                // AI dearer than the wage: tasks drift back to people.
                f.ai_share[k] *= 1.0 - a.reversal_rate;
            } else {
                let h = (bass_hazard(a.bass_p, a.bass_q, labour.adoption_ratio[k]) * f.sector_speed).min(1.0);
                f.ai_share[k] += h * (ceiling - f.ai_share[k]);
            }
            if k != 1 {
                ai_per_unit += f.ai_share[k] * f.tasks_per_unit[k];
            }
        }
        // Oversight tasks fall to the firm's tier B staff; a firm without any relies on its
        // provider's checks and creates none (a missing task group would halve nothing: with
        // complementary tasks it would stop production).
        f.oversight_per_unit = if tally.headcount[id][1] > 0 {
            reinstatement(a.reinstatement_rate, p.capability, k0, a.reinstatement_decay_oom) * ai_per_unit
        } else {
            0.0
        };
    });
}

/// AI work a firm plans to buy this month, units (worker-month equivalents).
pub fn planned_ai_units(f: &Firm) -> f64 {
    let mut u = 0.0;
    for k in 0..TIERS {
        let tau = f.tasks_per_unit[k] + if k == 1 { f.oversight_per_unit } else { 0.0 };
        u += f.ai_share[k] * tau;
    }
    u * f.expected_demand
}

/// Sums each provider's business and consumer load and the share it can serve.
pub fn balance_ai_load(
    setup: Res<Setup>,
    tech: Res<Tech>,
    macro_: Res<Macro>,
    firms: Query<&Firm>,
    mut providers: Query<&mut Provider>,
) {
    let cfg = &setup.config;
    let np = cfg.providers.len();
    let mut units = vec![0.0; np];
    let mut ent = vec![0u32; np];
    let mut api = vec![0u32; np];
    let mut ordered: Vec<&Firm> = firms.iter().collect();
    ordered.sort_by_key(|f| f.id);
    for f in ordered.into_iter().filter(|f| matches!(f.role, Role::Goods(_))) {
        let p = f.provider as usize;
        units[p] += planned_ai_units(f);
        if f.enterprise {
            ent[p] += 1;
        } else {
            api[p] += 1;
        }
    }
    let users = macro_.chat_adoption * cfg.population.labour_force;
    let t = &cfg.technology;
    for mut p in providers.iter_mut() {
        let i = p.index as usize;
        p.business_units = units[i];
        p.enterprise_clients = ent[i];
        p.api_clients = api[i];
        p.free_users = (users * cfg.providers[i].consumer_share - p.paid_users).max(0.0);
        let consumer =
            (p.free_users * t.free_user_flop_month + p.paid_users * t.paid_user_flop_month) * (1.0 - tech.on_device);
        p.inference_demand_flop = units[i] * p.flop_per_unit + consumer;
        p.served_share = if p.inference_demand_flop > 0.0 {
            (p.inference_capacity_flop / p.inference_demand_flop).min(1.0)
        } else {
            1.0
        };
    }
}
