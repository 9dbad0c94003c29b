//! Wages: the value of each occupation's human work follows the K+S wage rule indexed to
//! expected inflation, with productivity pass-through and a wage Phillips curve in tier
//! unemployment; the wage paid is that value capped near the AI cost of the occupation's
//! automatable tasks (Restrepo's compute ceiling).

use bevy_ecs::prelude::*;
use mindmill_config::{ProductivityMeasure, TIERS};

use crate::components::{Firm, Provider, Role, Status, WorkerBlock};
use crate::equations::{capped_wage, oversight_median, profitable_tasks, wage_rule};
use crate::resources::{Finance, Labour, Macro, Policy, Setup, Tech};
use crate::systems::workers::tool_boost;

/// Updates the occupation wage indices and the national adoption ratios.
#[allow(clippy::too_many_arguments)]
pub fn update_wages(
    setup: Res<Setup>,
    tech: Res<Tech>,
    policy: Res<Policy>,
    macro_: Res<Macro>,
    fin: Res<Finance>,
    mut labour: ResMut<Labour>,
    firms: Query<&Firm>,
    providers: Query<&Provider>,
) {
    let cfg = &setup.config;
    let w = &cfg.wages;
    // Adoption by tier, weighted by each firm's tier task volume.
    let mut num = [0.0; TIERS];
    let mut share = [0.0; TIERS];
    let mut den = [0.0; TIERS];
    // AI's market: the technically automatable task volume (within regulation) at each
    // firm's provider, and the part of it AI does.
    let (mut ai_tasks, mut automatable) = (0.0, 0.0);
    let mut ordered: Vec<&Firm> = firms.iter().collect();
    ordered.sort_by_key(|f| f.id);
    for f in ordered {
        for k in 0..TIERS {
            let v = f.tasks_per_unit[k] * f.expected_demand;
            if f.ceiling[k] > 0.0 {
                num[k] += v * f.ai_share[k] / f.ceiling[k];
            }
            share[k] += v * f.ai_share[k];
            den[k] += v;
            if let (Role::Goods(_), Some(c)) = (f.role, tech.tier_ceiling.get(f.provider as usize)) {
                ai_tasks += v * f.ai_share[k];
                automatable += v * c[k].min(policy.regulation_cap[k]).max(f.ai_share[k]);
            }
        }
    }
    if automatable > 0.0 {
        labour.ai_market_share = (ai_tasks / automatable).min(1.0);
    }
    for k in 0..TIERS {
        if den[k] > 0.0 {
            labour.adoption_ratio[k] = num[k] / den[k];
            labour.ai_share[k] = share[k] / den[k];
        }
    }
    // Unemployment by tier, smoothed; its gap to the natural rate enters the wage rule.
    let mut gap = [0.0; TIERS];
    for k in 0..TIERS {
        let n = (labour.employed[k] + labour.unemployed[k]) as f64;
        if n > 0.0 {
            let u = labour.unemployed[k] as f64 / n;
            labour.unemployment_rate[k] = 0.7 * labour.unemployment_rate[k] + 0.3 * u;
        }
        gap[k] = labour.unemployment_rate[k] - w.natural_unemployment;
    }
    // The cheapest AI work on offer, plus the oversight it needs, caps the wage of the
    // automatable tasks that are profitable to give to AI (Restrepo's compute ceiling, at
    // the effective cost of AI work rather than its compute price).
    let cheapest = providers.iter().filter(|p| p.api_price > 0.0).min_by(|a, b| a.api_price.total_cmp(&b.api_price));
    let ai_price = cheapest.map_or(f64::INFINITY, |p| p.api_price) * (1.0 + policy.compute_tax);
    let omega = oversight_median(
        setup.oversight_median,
        cheapest.map_or(cfg.technology.frontier_capability_oom, |p| p.capability),
        cfg.technology.frontier_capability_oom,
        cfg.adoption.oversight_decay_oom,
    );
    let mut ai_cost = [f64::INFINITY; TIERS];
    let oversight_wage = (1.0 - labour.ai_share[1]) * labour.mean_wage[1] + labour.ai_share[1] * ai_price;
    for k in 0..TIERS {
        if ai_price.is_finite() {
            let t = profitable_tasks(
                labour.mean_wage[k],
                ai_price,
                oversight_wage,
                omega,
                setup.oversight_dispersion,
                cfg.adoption.compute_oversight_elasticity,
            );
            labour.profitable_share[k] = t.share;
            labour.oversight_mean[k] = t.oversight;
            labour.compute_mean[k] = t.compute;
            if t.share > 0.0 {
                ai_cost[k] = ai_price * t.compute + oversight_wage * t.oversight;
            }
        }
    }
    let psi = [w.psi_cpi, w.psi_productivity, w.phillips_slope];
    // Wage setters index to expected inflation (monthly); expected deflation passes to wages
    // only in part (downward nominal rigidity).
    let pi = (1.0 + fin.expected_inflation).powf(1.0 / 12.0) - 1.0;
    let indexed = if pi >= 0.0 { pi } else { w.deflation_indexation * pi };
    let growth = match w.productivity_measure {
        ProductivityMeasure::Tasks => macro_.task_productivity_growth,
        ProductivityMeasure::Workers => macro_.productivity_growth,
    };
    let lab = &mut *labour;
    for (o, spec) in setup.occupations.iter().enumerate() {
        let k = spec.tier as usize;
        let v = wage_rule(lab.occupation_value[o], indexed, growth, gap[k], psi);
        lab.occupation_value[o] = v.max(policy.minimum_wage);
        // Only the tasks still done by people that AI could already do more cheaply (the
        // profitable share not yet adopted) put AI's cost against the wage; tasks that have
        // left the job no longer bound its pay, and tasks AI does at a higher cost than the
        // wage do not bind (Restrepo: compute bounds the wage of the marginal task).
        let exposed =
            tech.automatable_frontier[o] as f64 * lab.profitable_share[k] * (1.0 - lab.adoption_ratio[k]).max(0.0);
        let capped = if w.compute_ceiling && ai_cost[k].is_finite() { capped_wage(v, exposed, ai_cost[k]) } else { v };
        lab.occupation_wage[o] = capped.max(policy.minimum_wage);
    }
}

/// Sets each employed worker's wage from the occupation wage, skill and own tools.
pub fn apply_wages(setup: Res<Setup>, policy: Res<Policy>, labour: Res<Labour>, mut blocks: Query<&mut WorkerBlock>) {
    let cfg = &setup.config;
    let l = &cfg.labour;
    let floor = policy.minimum_wage;
    blocks.par_iter_mut().for_each(|mut b| {
        let b = &mut *b;
        for (job, pay) in b.jobs.iter().zip(b.pays.iter_mut()) {
            if job.status != Status::Employed {
                continue;
            }
            let boost = if job.tools { tool_boost(pay.skill as f64, l) } else { 0.0 };
            let w =
                labour.occupation_wage[job.occupation as usize] * pay.skill as f64 * (1.0 + l.tools_wage_share * boost);
            pay.wage = w.max(floor) as f32;
        }
    });
}
