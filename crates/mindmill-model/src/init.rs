//! Initialisation (ODD section 5): builds the World at tick 0 from the config and the
//! shipped data. Workers are drawn from the 831 occupations in proportion to
//! employment, firms get Pareto sizes, providers get their 2025 fleets, and every
//! balance sheet is set so that money sums to zero across sectors.

use bevy_ecs::prelude::*;
use mindmill_config::{Config, ProviderKind, TIERS};

use crate::accounts::{Breach, Ledger};
use crate::components::*;
use crate::equations::{midpoint_for, reinstatement};
use crate::resources::*;
use crate::rng::{Draws, INIT_TICK, Stream};
use crate::systems::{
    technology::refresh_automatable,
    workers::{subscription_provider, tool_boost},
};

/// Assigns an occupation its tier from exposure and SOC major group (docs/MODEL.md 7.5).
pub fn tier_of(exposure: f64, major: &str, cfg: &Config) -> u8 {
    let p = &cfg.population;
    if exposure < p.low_exposure {
        3
    } else if p.c_major_groups.iter().any(|g| g == major) {
        2
    } else if exposure >= p.high_exposure || p.a_major_groups.iter().any(|g| g == major) {
        0
    } else {
        1
    }
}

/// Builds the occupation table.
pub fn occupation_specs(cfg: &Config) -> Vec<OccupationSpec> {
    let k0 = cfg.technology.frontier_capability_oom;
    let spread = cfg.technology.task_spread_oom;
    mindmill_data::occupations()
        .into_iter()
        .map(|o| {
            let (beta, gamma) = match cfg.population.exposure_measure {
                mindmill_config::ExposureMeasure::Gpt4Beta => (o.gpt4_beta, o.gpt4_gamma),
                mindmill_config::ExposureMeasure::HumanBeta => (o.human_beta, o.human_gamma),
            };
            let major = format!("{:02}", o.major_group);
            let tier = tier_of(beta, &major, cfg);
            let gamma = gamma.max(beta);
            let (exposure, cap) = if tier == 2 {
                (beta * cfg.technology.c_delegation_cap, gamma * cfg.technology.c_delegation_cap)
            } else {
                (beta, gamma)
            };
            OccupationSpec {
                soc_code: o.soc_code,
                title: o.title,
                tier,
                exposure,
                cap,
                midpoint: midpoint_for(exposure, cap, k0, spread),
                base_wage: o.median_wage_usd_year / 12.0,
                employment: o.employment,
            }
        })
        .collect()
}

fn cumulative(xs: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    xs.map(|x| {
        acc += x;
        acc
    })
    .collect()
}

/// Scales Pareto draws to sum to `total` with no firm above `cap` (water-filling: the
/// scale is found by bisection so that sum(min(scale x, cap)) = total).
pub fn cap_sizes(raw: &[f64], total: f64, cap: f64) -> Vec<f64> {
    let cap = cap.max(total / raw.len() as f64);
    let sum_at = |scale: f64| raw.iter().map(|x| (scale * x).min(cap)).sum::<f64>();
    let (mut lo, mut hi) = (0.0, total / raw.iter().copied().fold(f64::INFINITY, f64::min));
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sum_at(mid) < total { lo = mid } else { hi = mid }
    }
    raw.iter().map(|x| (hi * x).min(cap)).collect()
}

/// Index of the first cumulative weight above `x` (clamped to the last).
pub fn pick(cum: &[f64], x: f64) -> usize {
    cum.partition_point(|c| *c <= x).min(cum.len() - 1)
}

/// Builds the World for a run of `config`; `run` separates the streams of runs that
/// share a seed (sweeps).
pub fn build_world(config: Config, run: u64) -> World {
    let mut world = World::new();
    let draws = Draws::new(config.run.seed, run);
    let weight = config.worker_weight();
    let n = config.run.workers;
    let wf = weight as f64;
    let occupations = occupation_specs(&config);
    let tiers_tbl: [(Vec<u16>, Vec<f64>); TIERS] = std::array::from_fn(|k| {
        let idx: Vec<u16> =
            (0..occupations.len() as u16).filter(|&o| occupations[o as usize].tier as usize == k).collect();
        let cum = cumulative(idx.iter().map(|&o| occupations[o as usize].employment));
        (idx, cum)
    });
    let mut tier_emp = [0.0; TIERS];
    for o in &occupations {
        tier_emp[o.tier as usize] += o.employment;
    }
    let tier_weights: Vec<f64> = occupations.iter().map(|o| o.employment / tier_emp[o.tier as usize]).collect();
    let sectors: Vec<(String, f64)> = mindmill_data::sectors().into_iter().map(|s| (s.naics, s.lm_aiie)).collect();
    let state_prices: Vec<f64> = mindmill_data::state_electricity_prices().into_iter().map(|s| s.usd_kwh).collect();

    // A fixed sample of worker ids: those with the smallest hash in the Sample stream,
    // kept in a bounded heap so the selection needs no memory per worker.
    let take = config.run.sample_workers as usize;
    let mut heap: std::collections::BinaryHeap<(u64, u32)> = std::collections::BinaryHeap::with_capacity(take + 1);
    for i in 0..n as u32 {
        let key = (draws.bits(Stream::Sample, INIT_TICK, i as u64, 0), i);
        if heap.len() < take {
            heap.push(key);
        } else if heap.peek().is_some_and(|top| key < *top) {
            heap.pop();
            heap.push(key);
        }
    }
    let mut sample_ids: Vec<u32> = heap.into_iter().map(|(_, i)| i).collect();
    sample_ids.sort_unstable();

    let setup = Setup {
        draws,
        weight,
        ticks: config.ticks(),
        tier_occupations: tiers_tbl,
        tier_weights,
        sectors,
        state_prices,
        sample_ids,
        occupations,
        config,
    };
    let cfg = &setup.config;

    // ---- Technology and providers --------------------------------------------------
    let k0 = cfg.technology.frontier_capability_oom;
    let history_offset = 120u32;
    let pre = cfg.technology.pre_start_capability_growth_oom;
    let frontier_history: Vec<f64> =
        (0..history_offset).map(|i| k0 - pre * (history_offset - i) as f64 / 12.0).collect();
    let mut tech = Tech {
        new_gpu_flops: cfg.datacenters.gpu_flops,
        new_gpu_watts: cfg.datacenters.it_watts_per_gpu,
        new_gpu_price: cfg.datacenters.gpu_price_usd,
        training_efficiency: 1.0,
        inference_efficiency: 1.0,
        frontier: k0,
        open_weight: k0 - pre * cfg.technology.open_weight_lag_months as f64 / 12.0,
        frontier_history,
        history_offset,
        on_device: cfg.technology.on_device_initial,
        fixed_capability_flop_per_unit: cfg.technology.flop_per_unit,
        automatable: Vec::new(),
        automatable_frontier: Vec::new(),
        tier_ceiling: Vec::new(),
        tier_ceiling_frontier: [0.0; TIERS],
    };

    let d = &cfg.datacenters;
    let g_pd = cfg.technology.flops_per_dollar_growth;
    let g_pw = cfg.technology.flops_per_watt_growth;
    let mut index = Index::default();
    let mut capabilities = Vec::new();
    let mut provider_components = Vec::new();
    let mut datacenters = Vec::new();
    for (pi, pc) in cfg.providers.iter().enumerate() {
        // The installed fleet: 48 monthly vintages, the fleet doubling each year (Epoch chip sales).
        let ages = 48;
        let ws: Vec<f64> = (0..ages).map(|a| 0.5f64.powf(a as f64 / 12.0)).collect();
        let wsum: f64 = ws.iter().sum();
        let vintages: Vec<Vintage> = (0..ages)
            .map(|a| {
                let y = a as f64 / 12.0;
                Vintage {
                    month: -(a as i32),
                    count: pc.initial_fleet_h100e * ws[a] / wsum,
                    flops: d.gpu_flops,
                    watts: d.it_watts_per_gpu * (g_pw / g_pd).powf(y),
                    price: d.gpu_price_usd * g_pd.powf(y),
                }
            })
            .collect();
        let fleet_mw: f64 = vintages.iter().map(|v| v.count * v.watts).sum::<f64>() * d.pue_fleet / 1e6;
        let sites = (fleet_mw / d.site_power_mw).ceil().max(1.0) as usize;
        let mut capex = 0.0;
        for _ in 0..sites {
            let share = 1.0 / sites as f64;
            let vs: Vec<Vintage> = vintages.iter().map(|v| Vintage { count: v.count * share, ..*v }).collect();
            capex += vs.iter().map(|v| v.count * v.price).sum::<f64>();
            datacenters.push(Datacenter {
                id: index.datacenters,
                owner: pi as u8,
                pue: d.pue_fleet,
                base_price_kwh: cfg.energy.electricity_usd_kwh,
                power_cap_mw: d.site_power_mw.max(fleet_mw * share),
                vintages: vs,
                pipeline: Vec::new(),
                gpus: 0.0,
                peak_flops: 0.0,
                it_mw: 0.0,
                committed_mw: 0.0,
                depreciation: 0.0,
                utilisation: 0.0,
                energy_mwh: 0.0,
                energy_cost: 0,
                capex_to_date: 0.0,
            });
            index.datacenters += 1;
        }
        let peak: f64 = vintages.iter().map(|v| v.count * v.flops).sum();
        let training = pc.training_share * peak * d.inference_mfu * SECONDS_PER_MONTH;
        let capability = match pc.kind {
            ProviderKind::OpenWeight => tech.open_weight,
            _ => k0 + pc.capability_offset_oom,
        };
        capabilities.push(capability);
        provider_components.push(Provider {
            index: pi as u8,
            kind: pc.kind,
            capability,
            training_ring: [training; 12],
            training_initial: training.max(1.0),
            cost_per_flop: 0.0,
            flop_per_unit: cfg.technology.flop_per_unit,
            markup: 0.0,
            api_price: 0.0,
            enterprise_price: 0.0,
            subscription: pc.subscription_usd_month,
            free_users: 0.0,
            paid_users: 0.0,
            enterprise_clients: 0,
            api_clients: 0,
            business_units: 0.0,
            inference_demand_flop: 0.0,
            inference_capacity_flop: 0.0,
            served_share: 1.0,
            peak_flops: peak,
            gpus: pc.initial_fleet_h100e,
            revenue_subscription: 0,
            revenue_api: 0,
            revenue_enterprise: 0,
            revenue_platform: 0,
            energy_cost: 0,
            depreciation: 0.0,
            free_user_cost: 0.0,
            capex: 0,
            tax: 0,
            dividends: 0,
            capital_raised: 0,
            deposits: (pc.initial_deposits_usd * 100.0).round() as i64,
            expected_demand_flop: 0.0,
            demand_growth: 0.0,
            cumulative_cash_flow: -capex,
            cumulative_capex: capex,
            cumulative_profit: 0.0,
            payback_tick: None,
            grid_used_mw: 0.0,
        });
    }
    // Spread each provider's sunk capex over its sites for reporting.
    for dc in &mut datacenters {
        dc.capex_to_date = dc.vintages.iter().map(|v| v.count * v.price).sum();
    }
    refresh_automatable(&mut tech, &setup, &capabilities);

    // ---- Workers -------------------------------------------------------------------
    let occ = &setup.occupations;
    let cum_emp = cumulative(occ.iter().map(|o| o.employment));
    let total_emp = *cum_emp.last().unwrap();
    let sigma = cfg.population.skill_sigma;
    let lab = &cfg.labour;
    let make_worker = |i: u64| -> (Job, Pay) {
        // Stratified draw: one worker per 1/n slice of cumulative employment.
        let x = (i as f64 + draws.uniform(Stream::InitWorkers, INIT_TICK, i, 0)) / n as f64 * total_emp;
        let o = pick(&cum_emp, x);
        let spec = &occ[o];
        let skill = (sigma * draws.normal(Stream::InitWorkers, INIT_TICK, i, 1) - 0.5 * sigma * sigma).exp();
        let unemployed = draws.uniform(Stream::InitWorkers, INIT_TICK, i, 4) < cfg.population.initial_unemployment;
        let tools = spec.tier != 3 && draws.uniform(Stream::InitWorkers, INIT_TICK, i, 5) < lab.tools_initial_share;
        let boost = if tools { tool_boost(skill, lab) } else { 0.0 };
        let wage =
            (spec.base_wage * skill * (1.0 + lab.tools_wage_share * boost)).max(cfg.wages.minimum_wage_usd_month);
        (
            Job {
                occupation: o as u16,
                tier: spec.tier,
                status: if unemployed { Status::Unemployed } else { Status::Employed },
                tools,
                retrain_left: 0,
                retrain_tier: spec.tier,
                months_unemployed: if unemployed { 3 } else { 0 },
                employer: NO_FIRM,
                provider: subscription_provider(&setup, i as u32) as u8,
            },
            Pay {
                skill: skill as f32,
                wage: wage as f32,
                deposits: (wage * 100.0 * cfg.population.initial_deposit_months).round() as i64,
                income: 0,
            },
        )
    };

    // ---- Firms ---------------------------------------------------------------------
    // Firm sizes need the number employed first: one cheap pass over the same draws.
    let nf = cfg.run.firms as usize;
    let employed = (0..n)
        .filter(|&i| draws.uniform(Stream::InitWorkers, INIT_TICK, i, 4) >= cfg.population.initial_unemployment)
        .count()
        .max(1) as f64;
    let raw: Vec<f64> = (0..nf)
        .map(|f| {
            let u = draws.uniform(Stream::InitFirms, INIT_TICK, f as u64, 0);
            (1.0 - u).powf(-1.0 / cfg.firms.size_pareto_alpha)
        })
        .collect();
    let sizes = cap_sizes(&raw, employed, cfg.firms.max_size_share * employed);
    let cum_size = cumulative(sizes.iter().copied());
    let total_size = *cum_size.last().unwrap();
    let mut eff = vec![[0.0f64; TIERS]; nf];
    let mut heads = vec![[0u32; TIERS]; nf];
    let mut bill = vec![0.0f64; nf];

    // Workers are made, given their employer and spawned one block at a time, so a
    // national run never holds a second copy of every worker.
    let mut workers_deposits: i128 = 0;
    let mut first = 0u64;
    while first < n {
        let last = (first + BLOCK as u64).min(n);
        let mut block = WorkerBlock { first: first as u32, ..Default::default() };
        block.jobs.reserve_exact((last - first) as usize);
        block.pays.reserve_exact((last - first) as usize);
        for i in first..last {
            let (mut job, pay) = make_worker(i);
            workers_deposits += pay.deposits as i128;
            if job.status == Status::Employed {
                let f = pick(&cum_size, draws.uniform(Stream::InitJobs, INIT_TICK, i, 0) * total_size);
                job.employer = f as u32;
                let k = job.tier as usize;
                let boost = if job.tools { tool_boost(pay.skill as f64, lab) } else { 0.0 };
                eff[f][k] += pay.skill as f64 * (1.0 + boost) * wf;
                heads[f][k] += 1;
                bill[f] += pay.wage as f64 * wf;
            }
            block.jobs.push(job);
            block.pays.push(pay);
        }
        index.blocks.push(world.spawn(block).id());
        first = last;
    }

    // Initial API prices for the firms' first provider choice.
    let mut providers_now = provider_components.clone();
    crate::systems::datacenters::init_provider_costs(&mut providers_now, &datacenters, &tech, &setup);

    let mu = cfg.firms.markup;
    let phi0 = cfg.adoption.initial_share_of_ceiling;
    let mut firms = Vec::with_capacity(nf);
    let mut q_sum = 0.0;
    let mut tau_mean = [0.0; TIERS];
    for f in 0..nf {
        let s = (draws.uniform(Stream::InitFirms, INIT_TICK, f as u64, 1) * setup.sectors.len() as f64) as usize;
        let s = s.min(setup.sectors.len() - 1);
        let speed = (cfg.adoption.sector_sensitivity * setup.sectors[s].1).exp();
        let total_heads: u32 = heads[f].iter().sum();
        let provider =
            crate::systems::adoption::choose_provider(&providers_now, &tech, cfg, &draws, INIT_TICK, f as u64);
        let pk = providers_now[provider].capability;
        let ceiling: [f64; TIERS] =
            std::array::from_fn(|k| tech.tier_ceiling[provider][k].min(cfg.adoption.regulation_cap[k]));
        let share: [f64; TIERS] = std::array::from_fn(|k| phi0 * ceiling[k]);
        let q0 = bill[f] * (1.0 + mu);
        let mut tau = [0.0; TIERS];
        let mut ai_per_unit = 0.0;
        if q0 > 0.0 {
            for k in [0usize, 2, 3] {
                tau[k] = eff[f][k] / ((1.0 - share[k]) * q0);
                ai_per_unit += share[k] * tau[k];
            }
        }
        let oversight =
            reinstatement(cfg.adoption.reinstatement_rate, pk, k0, cfg.adoption.reinstatement_decay_oom) * ai_per_unit;
        if q0 > 0.0 {
            tau[1] = (eff[f][1] / ((1.0 - share[1]) * q0) - oversight).max(0.0);
        }
        q_sum += q0;
        for k in 0..TIERS {
            tau_mean[k] += tau[k] * q0;
        }
        firms.push(Firm {
            id: f as u32,
            sector: s as u16,
            sector_speed: speed,
            provider: provider as u8,
            enterprise: total_heads >= cfg.firms.enterprise_min_workers,
            tasks_per_unit: tau,
            ai_share: share,
            ceiling,
            oversight_per_unit: oversight,
            desired: std::array::from_fn(|k| heads[f][k] as f64),
            vacancies: [0; TIERS],
            layoff_rate: [0.0; TIERS],
            price: 1.0,
            markup: mu,
            expected_demand: q0,
            output: q0,
            demand: q0,
            sold: q0,
            ai_units: 0.0,
            sales: 0,
            wage_bill: (bill[f] * 100.0).round() as i64,
            ai_bill: 0,
            profit: 0,
            deposits: (bill[f] * 100.0 * cfg.firms.cash_buffer_months).round() as i64,
            failed: false,
            age: 0,
        });
    }
    // Firms that drew no workers start small with the average task mix.
    let q_mean = q_sum / nf as f64;
    for firm in firms.iter_mut().filter(|f| f.expected_demand <= 0.0) {
        for k in 0..TIERS {
            firm.tasks_per_unit[k] = tau_mean[k] / q_sum.max(1.0);
        }
        firm.expected_demand = 0.1 * q_mean;
        firm.output = firm.expected_demand;
        firm.demand = firm.expected_demand;
        firm.sold = firm.expected_demand;
    }

    // ---- Balance sheets ------------------------------------------------------------
    let wage_bill: f64 = bill.iter().sum();
    let mut inst = Institutions {
        owners: (cfg.households.owner_deposit_months * wage_bill * 100.0).round() as i64,
        // Owners start with one month of after-tax profits as last month's income.
        owner_income: (wage_bill * mu * 100.0 * (1.0 - cfg.government.profit_tax)).round() as i64,
        // Purchases start at the balanced-budget level: income and profit taxes less benefits.
        planned_purchases: (wage_bill
            * 100.0
            * (cfg.government.income_tax + cfg.government.profit_tax * mu / (1.0 + mu)
                - cfg.population.initial_unemployment * cfg.wages.benefit_replacement))
            .round() as i64,
        ..Default::default()
    };
    let mut ledger = Ledger::default();
    let workers_sum: i128 = workers_deposits * weight as i128;
    let firms_sum: i128 = firms.iter().map(|f| f.deposits as i128).sum();
    let prov_sum: i128 = provider_components.iter().map(|p| p.deposits as i128).sum();
    // Government debt is the counterpart of private net wealth: the sectors sum to zero.
    let private = workers_sum + firms_sum + prov_sum + inst.owners as i128;
    inst.government = i64::try_from(-private).expect("initial money fits in i64 cents");
    ledger.previous = [workers_sum, inst.owners as i128, firms_sum, prov_sum, 0, 0, inst.government as i128, 0];
    ledger.total = 0;

    // ---- Aggregates ----------------------------------------------------------------
    let mut labour = Labour {
        occupation_value: setup.occupations.iter().map(|o| o.base_wage).collect(),
        occupation_wage: setup.occupations.iter().map(|o| o.base_wage).collect(),
        ..Default::default()
    };
    labour.unemployment_rate = [cfg.population.initial_unemployment; TIERS];
    labour.adoption_ratio = [phi0; TIERS];
    let macro_ = Macro {
        cpi: 1.0,
        chat_adoption: cfg.households.chat_adoption_initial,
        productivity: 1.0,
        ..Default::default()
    };
    let policy = Policy {
        regulation_cap: cfg.adoption.regulation_cap,
        open_weight_lag: cfg.technology.open_weight_lag_months,
        electricity_factor: 1.0,
        grid_factor: 1.0,
        basic_income: cfg.government.basic_income_usd_month,
        compute_tax: cfg.government.compute_tax,
        retraining_subsidy: cfg.government.retraining_subsidy,
        capital_appetite: 1.0,
        capability_jump: 0.0,
        efficiency_jump: 1.0,
    };

    // ---- Spawn ---------------------------------------------------------------------
    for f in firms {
        let e = world.spawn(f).id();
        index.firms.push(e);
    }
    for p in provider_components {
        let e = world.spawn(p).id();
        index.providers.push(e);
    }
    for dc in datacenters {
        world.spawn(dc);
    }
    let nocc = setup.occupations.len();
    world.insert_resource(Tally {
        headcount: vec![[0; TIERS]; nf],
        effective: vec![[0.0; TIERS]; nf],
        wages: vec![[0.0; TIERS]; nf],
        occ_employed: vec![0; nocc],
        occ_unemployed: vec![0; nocc],
        occ_wages: vec![0.0; nocc],
    });
    world.insert_resource(setup);
    world.insert_resource(tech);
    world.insert_resource(policy);
    world.insert_resource(Calendar { tick: 0 });
    world.insert_resource(labour);
    world.insert_resource(macro_);
    world.insert_resource(inst);
    world.insert_resource(ledger);
    world.insert_resource(Breach::default());
    world.insert_resource(crate::accounts::CheckEvery::default());
    world.insert_resource(Accounts::default());
    world.insert_resource(index);
    world.insert_resource(Recorder::default());
    world.insert_resource(crate::systems::Scratch::default());
    world
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_sizes_sum_to_total_and_respect_the_cap() {
        let raw: Vec<f64> = (1..=1000).map(|i| (1.0 - i as f64 / 1001.0).powf(-1.0 / 1.06)).collect();
        let s = cap_sizes(&raw, 50_000.0, 1000.0);
        assert!((s.iter().sum::<f64>() - 50_000.0).abs() < 1e-6 * 50_000.0);
        assert!(s.iter().all(|x| *x <= 1000.0 + 1e-9));
        assert!(s.iter().filter(|x| **x >= 999.0).count() >= 1);
    }

    #[test]
    fn tiers_follow_the_documented_mapping() {
        let c = Config::baseline();
        assert_eq!(tier_of(0.1, "43", &c), 3);
        assert_eq!(tier_of(0.6, "23", &c), 2);
        assert_eq!(tier_of(0.3, "43", &c), 0);
        assert_eq!(tier_of(0.6, "15", &c), 0);
        assert_eq!(tier_of(0.3, "15", &c), 1);
        let occ = occupation_specs(&c);
        let emp = |k: u8| occ.iter().filter(|o| o.tier == k).map(|o| o.employment).sum::<f64>();
        let total: f64 = occ.iter().map(|o| o.employment).sum();
        // Tier M is the low-exposure third of employment (data/README: 38% below 0.25 on gpt4_beta).
        assert!((emp(3) / total - 0.38).abs() < 0.03, "{}", emp(3) / total);
    }
}
