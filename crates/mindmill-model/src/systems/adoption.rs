//! Phase 5, automation adoption: firms review their AI provider and move tasks to AI where
//! AI can do them (capability, regulation) and where its compute plus the human oversight
//! it needs cost less than the wage, at a Bass diffusion pace; the oversight is new tier B
//! work. Then providers learn the load they must serve this month.

use bevy_ecs::prelude::*;
use mindmill_config::{Config, ProviderKind, TIERS};

use crate::components::{Firm, Provider, Role};
use crate::equations::{TaskCosts, bass_hazard, oversight_median, profitable_tasks};
use crate::resources::{Calendar, Labour, Macro, Policy, Setup, Tally, Tech};
use crate::rng::{Draws, Stream};

/// Logit choice of a provider: utility = -beta ln(price) + capability_taste
/// (capability - frontier) + Gumbel noise (McFadden 1974), beta the price taste inverted at
/// start (7.4), among the providers for which `can_serve` holds. `providers` are in index
/// order; if none can serve, the first is returned.
#[allow(clippy::too_many_arguments)]
pub fn choose_provider(
    providers: &[Provider],
    tech: &Tech,
    cfg: &Config,
    beta: f64,
    draws: &Draws,
    tick: u32,
    firm: u64,
    can_serve: impl Fn(usize) -> bool,
) -> usize {
    let mut best = (f64::MIN, 0usize);
    for (i, p) in providers.iter().enumerate() {
        if p.api_price <= 0.0 || p.inference_capacity_flop <= 0.0 || !can_serve(i) {
            continue;
        }
        let u = -beta * p.api_price.ln()
            + cfg.firms.capability_taste * (p.capability - tech.frontier)
            + draws.gumbel(Stream::ProviderChoice, tick, firm, i as u32 + 1);
        if u > best.0 {
            best = (u, i);
        }
    }
    best.1
}

/// A firm's wage per effective worker in each tier (the labour market's mean where it
/// employs nobody in the tier).
pub fn firm_wages(f: &Firm, tally: &Tally, labour: &Labour, weight: f64) -> [f64; TIERS] {
    let id = f.id as usize;
    std::array::from_fn(|k| {
        let persons = tally.effective[id][k] / weight;
        if persons > 0.0 { tally.wages[id][k] / persons } else { labour.mean_wage[k] }
    })
}

/// What firm `f` would give to AI with provider `p` at `unit_price` (USD per unit, compute
/// tax included): per tier, the target AI share (the technical ceiling under regulation times
/// the share of those tasks whose compute plus oversight cost less than the wage; Acemoglu &
/// Restrepo 2018) and the mean oversight and compute per AI task of those tasks. Oversight is tier B work,
/// done by B staff at their wage or by AI at the compute price for the share of B's tasks AI
/// already does (AI checking AI).
pub fn ai_targets(
    f: &Firm,
    p: &Provider,
    unit_price: f64,
    wages: &[f64; TIERS],
    tech: &Tech,
    policy: &Policy,
    setup: &Setup,
) -> [(f64, TaskCosts); TIERS] {
    let a = &setup.config.adoption;
    let k0 = setup.config.technology.frontier_capability_oom;
    let oversight_wage = (1.0 - f.ai_share[1]) * wages[1] + f.ai_share[1] * unit_price;
    let omega = oversight_median(setup.oversight_median, p.capability, k0, a.oversight_decay_oom);
    std::array::from_fn(|k| {
        let technical = tech.tier_ceiling[p.index as usize][k].min(policy.regulation_cap[k]);
        let t = profitable_tasks(
            wages[k],
            unit_price,
            oversight_wage,
            omega,
            setup.oversight_dispersion,
            a.compute_oversight_elasticity,
        );
        (technical * t.share, t)
    })
}

/// Fee per unit of AI work (USD, before compute tax) an enterprise client pays a closed
/// provider on top of the unit price: Nash bargaining over the contract's surplus (Nash
/// 1950; bilateral contracts as in Horn & Wolinsky 1988 and Grennan 2013). The surplus is
/// what the firm saves a month with its provider's model at the unit price over what it
/// would save with its best alternative at that one's posted API price, doing there only
/// the tasks the alternative makes profitable; the provider takes `bargaining_power` of it,
/// compute tax included, spread over the AI units the firm buys. Savings per task are the
/// wage less compute and oversight (7.5), per unit of output.
pub fn enterprise_fee(
    f: &Firm,
    provs: &[Provider],
    wages: &[f64; TIERS],
    tech: &Tech,
    policy: &Policy,
    setup: &Setup,
) -> f64 {
    let p = &provs[f.provider as usize];
    let tax = 1.0 + policy.compute_tax;
    let units = ai_units_per_output(f);
    if units <= 0.0 {
        return 0.0;
    }
    let saving = |q: &Provider, price: f64, only_profitable: bool| {
        let targets = ai_targets(f, q, price, wages, tech, policy, setup);
        let oversight_wage = (1.0 - f.ai_share[1]) * wages[1] + f.ai_share[1] * price;
        let mut v = 0.0;
        for (k, &(target, t)) in targets.iter().enumerate() {
            let a = if only_profitable { f.ai_share[k].min(target) } else { f.ai_share[k] };
            v += a * f.tasks_per_unit[k] * (wages[k] - price * t.compute);
            if k != 1 {
                v -= a * f.tasks_per_unit[k] * t.oversight * oversight_wage;
            }
        }
        v
    };
    let own = saving(p, p.enterprise_price * tax, false);
    let alternative = provs
        .iter()
        .filter(|q| q.index != p.index && q.api_price > 0.0 && q.inference_capacity_flop > 0.0)
        .map(|q| saving(q, q.api_price * tax, true))
        .fold(0.0, f64::max);
    let lambda = setup.config.providers[p.index as usize].bargaining_power;
    lambda * (own - alternative).max(0.0) / (units * tax)
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
    let weight = setup.weight as f64;
    let tick = cal.tick;
    // Last month's spare inference capacity of each provider, FLOP/month.
    let spare: Vec<f64> =
        provs.iter().map(|p| (p.inference_capacity_flop - p.inference_demand_flop).max(0.0)).collect();
    firms.par_iter_mut().for_each(|mut f| {
        if !matches!(f.role, Role::Goods(_)) {
            return;
        }
        let id = f.id as usize;
        if setup.draws.uniform(Stream::ProviderChoice, tick, id as u64, 0) < cfg.firms.provider_review_probability {
            // A firm moves only to a provider with the spare capacity to serve its AI work
            // (a capacity commitment, as in cloud contracts); it can always stay.
            let load = planned_ai_units(&f);
            let current = f.provider as usize;
            let fits = |i: usize| i == current || load * provs[i].flop_per_unit <= spare[i];
            f.provider =
                choose_provider(&provs, &tech, cfg, setup.price_taste, &setup.draws, tick, id as u64, fits) as u8;
        }
        let heads: u32 = tally.headcount[id].iter().sum();
        // Before the first count (tick 0) the tally is empty: keep the contract set at start.
        if tick > 0 {
            f.enterprise = heads >= cfg.firms.enterprise_min_workers;
        }
        let p = &provs[f.provider as usize];
        let unit_price = if f.enterprise { p.enterprise_price } else { p.api_price } * (1.0 + policy.compute_tax);
        let wages = firm_wages(&f, &tally, &labour, weight);
        // A firm without B staff cannot oversee new AI work, so it adopts no further.
        let has_b = tally.headcount[id][1] > 0;
        let targets = ai_targets(&f, p, unit_price, &wages, &tech, &policy, &setup);
        let mut oversight = 0.0;
        for (k, &(target, t)) in targets.iter().enumerate() {
            f.compute_per_task[k] = t.compute;
            let technical = tech.tier_ceiling[p.index as usize][k].min(policy.regulation_cap[k]);
            f.ceiling[k] = target;
            if f.ai_share[k] > target {
                // AI does more than is profitable (prices rose, wages fell, capability or
                // regulation shrank): tasks move back to people.
                f.ai_share[k] -=
                    a.reversal_rate.max(if f.ai_share[k] > technical { 1.0 } else { 0.0 }) * (f.ai_share[k] - target);
            } else if has_b {
                let h = (bass_hazard(a.bass_p, a.bass_q, labour.adoption_ratio[k]) * f.sector_speed).min(1.0);
                f.ai_share[k] += h * (target - f.ai_share[k]);
            }
            if k != 1 {
                oversight += f.ai_share[k] * f.tasks_per_unit[k] * t.oversight;
            }
        }
        // Oversight tasks (managing, checking and integrating AI work) fall to tier B.
        f.oversight_per_unit = if has_b { oversight } else { 0.0 };
        // An open-weight host's enterprise price is its API price: only closed providers bargain.
        f.ai_price = match (f.enterprise, p.kind) {
            (false, _) => p.api_price,
            (true, ProviderKind::OpenWeight) => p.enterprise_price,
            (true, _) => p.enterprise_price + enterprise_fee(&f, &provs, &wages, &tech, &policy, &setup),
        };
    });
}

/// AI work per unit of output at the firm's AI shares and compute per task, units (its
/// oversight tasks included).
pub fn ai_units_per_output(f: &Firm) -> f64 {
    let mut u = 0.0;
    for k in 0..TIERS {
        let tau = f.tasks_per_unit[k] + if k == 1 { f.oversight_per_unit } else { 0.0 };
        u += f.ai_share[k] * tau * f.compute_per_task[k];
    }
    u
}

/// AI work a firm plans to buy this month, units (worker-month equivalents).
pub fn planned_ai_units(f: &Firm) -> f64 {
    ai_units_per_output(f) * f.expected_demand
}

/// People's shares of chat providers: a logit whose intercepts are the start shares and
/// whose utility rises `capability_taste` per OOM of capability a provider gained since the
/// start (McFadden 1974): s_p = s0_p exp(theta dK_p) / sum_q s0_q exp(theta dK_q).
pub fn consumer_shares(providers: &[&Provider], cfg: &Config, out: &mut Vec<f64>) {
    let theta = cfg.households.capability_taste;
    out.clear();
    out.extend(providers.iter().map(|p| {
        cfg.providers[p.index as usize].consumer_share * (theta * (p.capability - p.capability_initial)).exp()
    }));
    let sum: f64 = out.iter().sum();
    if sum > 0.0 {
        out.iter_mut().for_each(|s| *s /= sum);
    }
}

/// Sums each provider's business and consumer load and the share it can serve.
pub fn balance_ai_load(
    setup: Res<Setup>,
    tech: Res<Tech>,
    mut macro_: ResMut<Macro>,
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
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let mut shares = std::mem::take(&mut macro_.consumer_shares);
    consumer_shares(&provs.iter().map(|p| &**p).collect::<Vec<_>>(), cfg, &mut shares);
    for p in provs.iter_mut() {
        let i = p.index as usize;
        p.business_units = units[i];
        p.enterprise_clients = ent[i];
        p.api_clients = api[i];
        p.free_users = (users * shares[i] - p.paid_users).max(0.0);
        let consumer =
            (p.free_users * t.free_user_flop_month + p.paid_users * t.paid_user_flop_month) * (1.0 - tech.on_device);
        p.inference_demand_flop = units[i] * p.flop_per_unit + consumer;
        p.served_share = if p.inference_demand_flop > 0.0 {
            (p.inference_capacity_flop / p.inference_demand_flop).min(1.0)
        } else {
            1.0
        };
    }
    macro_.consumer_shares = shares;
}
