//! Phase 2, technology: hardware price-performance and energy efficiency of new GPUs,
//! algorithmic efficiency, provider and frontier capability, the open-weight lag,
//! on-device share, and the automatable share of every occupation.

use bevy_ecs::prelude::*;
use mindmill_config::{ProviderKind, TIERS};

use crate::components::Provider;
use crate::equations::{automatable, monthly_efficiency_gain, on_device_share};
use crate::resources::{Calendar, Policy, Setup, Tech};

/// Recomputes the automatable share of each occupation at each provider's capability
/// and at the frontier, and the employment-weighted mean by tier.
pub fn refresh_automatable(tech: &mut Tech, setup: &Setup, capabilities: &[f64]) {
    let spread = setup.config.technology.task_spread_oom;
    let occ = &setup.occupations;
    let table = |k: f64| -> Vec<f32> { occ.iter().map(|o| automatable(k, o.cap, o.midpoint, spread) as f32).collect() };
    let tier_mean = |a: &[f32]| -> [f64; TIERS] {
        let mut m = [0.0; TIERS];
        for (o, spec) in occ.iter().enumerate() {
            m[spec.tier as usize] += a[o] as f64 * setup.tier_weights[o];
        }
        m
    };
    tech.automatable = capabilities.iter().map(|&k| table(k)).collect();
    tech.tier_ceiling = tech.automatable.iter().map(|a| tier_mean(a)).collect();
    tech.automatable_frontier = table(tech.frontier);
    tech.tier_ceiling_frontier = tier_mean(&tech.automatable_frontier);
}

/// Advances hardware and algorithms one month and updates capabilities.
pub fn advance_technology(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    policy: Res<Policy>,
    mut tech: ResMut<Tech>,
    mut providers: Query<&mut Provider>,
) {
    let t = &setup.config.technology;
    let tick = cal.tick;
    if tick > 0 {
        let months = 1.0 / 12.0;
        tech.new_gpu_flops *= t.flops_per_dollar_growth.powf(months);
        // Watts per GPU unit: FLOP/s grow with price-performance, FLOP/s per watt with efficiency.
        tech.new_gpu_watts *= (t.flops_per_dollar_growth / t.flops_per_watt_growth).powf(months);
        tech.training_efficiency *=
            monthly_efficiency_gain(t.training_efficiency_growth, t.efficiency_halflife_years, tick);
        tech.inference_efficiency *=
            monthly_efficiency_gain(t.inference_efficiency_growth, t.efficiency_halflife_years, tick);
    }
    let k0 = t.frontier_capability_oom;
    let alg = tech.training_efficiency.log10() + policy.capability_jump;
    // Closed providers: capability grows with the compute of their last 12 months of
    // training (at `capability_compute_elasticity` OOM per OOM) and with algorithmic efficiency.
    let mut frontier = f64::MIN;
    let mut sorted: Vec<_> = providers.iter_mut().collect();
    sorted.sort_by_key(|p| p.index);
    for p in sorted.iter_mut().filter(|p| p.kind != ProviderKind::OpenWeight) {
        let recent = p.training_ring.iter().sum::<f64>() / 12.0;
        let offset = setup.config.providers[p.index as usize].capability_offset_oom;
        p.capability =
            k0 + offset + t.capability_compute_elasticity * (recent / p.training_initial).max(1e-9).log10() + alg;
        frontier = frontier.max(p.capability);
    }
    if frontier == f64::MIN {
        frontier = k0 + alg;
    }
    tech.frontier = frontier;
    tech.frontier_history.push(frontier);
    let now = (tech.history_offset + tick) as usize;
    let lagged = now.saturating_sub(policy.open_weight_lag as usize);
    tech.open_weight = tech.frontier_history[lagged].min(frontier);
    let open = tech.open_weight;
    for p in sorted.iter_mut().filter(|p| p.kind == ProviderKind::OpenWeight) {
        p.capability = open;
    }
    let years = tick as f64 / 12.0;
    tech.on_device =
        on_device_share(t.on_device_initial, t.on_device_max, t.on_device_midpoint_years, t.on_device_rate, years);
    // Inference FLOP per unit of work: falls with algorithmic efficiency, rises with the
    // size of the model that reaches the provider's capability (bigger models eat part of the gain).
    let eff = tech.inference_efficiency * policy.efficiency_jump;
    tech.fixed_capability_flop_per_unit = t.flop_per_unit / eff;
    for p in sorted.iter_mut() {
        let size = 10f64.powf(t.inference_capability_elasticity * (p.capability - k0 - alg).max(0.0));
        p.flop_per_unit = t.flop_per_unit * size / eff;
    }
    let caps: Vec<f64> = sorted.iter().map(|p| p.capability).collect();
    drop(sorted);
    refresh_automatable(&mut tech, &setup, &caps);
}
