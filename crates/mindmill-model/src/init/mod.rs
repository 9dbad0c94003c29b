//! Initialisation (ODD section 5): builds the World at tick 0 from the config and the
//! shipped data. Workers are drawn from the 831 occupations in proportion to
//! employment, firms get Pareto sizes, providers get their 2025 fleets, and every
//! balance sheet is set so that money sums to zero across sectors.

use bevy_ecs::prelude::*;
use mindmill_config::{Config, ProviderKind, TIERS};

use crate::accounts::{Breach, Ledger};
use crate::components::*;

mod sectors;
pub mod steady_state;
use crate::equations::midpoint_for;
use crate::resources::*;
use crate::rng::{Draws, INIT_TICK, Stream};
use crate::systems::{
    technology::refresh_automatable,
    workers::{subscription_provider, tool_boost},
};

/// Growth of the installed AI fleets before the start, factor per year: the world's stock of
/// AI accelerators (H100e) doubled each year 2022-25 (Epoch AI chip sales). The start's
/// vintages follow it.
pub const FLEET_GROWTH: f64 = 2.0;

/// Whether a 2018 SOC code is a first-line supervisor: minor group `xx-1` of the major groups
/// 33-53, whose work is directing, checking and coordinating other people's work.
pub fn is_first_line_supervisor(soc_code: &str) -> bool {
    let major: u8 = soc_code[..2].parse().unwrap_or(0);
    major >= 33 && soc_code.as_bytes().get(3) == Some(&b'1')
}

/// Assigns an occupation its tier from its task content (docs/MODEL.md section 5): first-line
/// supervisors are B; knowledge work (a cognitive SOC group, work that can be done away from
/// a workplace) is C in the groups of judgement and responsibility, A if routine cognitive or
/// highly exposed, else B; everything else is manual and in-person work, M.
pub fn tier_of(o: &mindmill_data::Occupation, exposure: f64, cfg: &Config) -> u8 {
    let p = &cfg.population;
    let major = format!("{:02}", o.major_group);
    let in_group = |groups: &[String]| groups.iter().any(|g| *g == major);
    if is_first_line_supervisor(&o.soc_code) {
        1
    } else if !in_group(&p.knowledge_major_groups) || o.teleworkable < p.teleworkable_min {
        3
    } else if in_group(&p.c_major_groups) {
        2
    } else if exposure >= p.high_exposure || in_group(&p.a_major_groups) {
        0
    } else {
        1
    }
}

/// A start age, uniform over the working ages: the stationary age distribution of a labour
/// force whose entrants replace its retirees one for one (docs/MODEL.md 7.6).
pub fn start_age(u: f64, p: &mindmill_config::PopulationConfig) -> u8 {
    let span = (p.retirement_age - p.entry_age) as f64;
    p.entry_age + ((u * span) as u8).min(p.retirement_age - p.entry_age - 1)
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
            let tier = tier_of(&o, beta, cfg);
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

pub(crate) fn cumulative(xs: impl Iterator<Item = f64>) -> Vec<f64> {
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

/// Chip vendors' and the energy sector's sales in the first month (replacement of the
/// fleet's depreciation; the fleet's power at a typical utilisation), and each provider's
/// monthly fleet costs (energy and depreciation), USD.
fn initial_ai_stack_sales(cfg: &Config, providers: &[Provider], sites: &[Datacenter]) -> (f64, f64, Vec<f64>) {
    const UTILISATION: f64 = 0.6;
    let mut energy = vec![0.0; providers.len()];
    for dc in sites {
        let mut d = dc.clone();
        crate::systems::datacenters::refresh_site(&mut d, cfg, 0);
        let price = crate::systems::datacenters::site_price(&d, cfg, 1.0, 0);
        energy[d.owner as usize] += d.it_mw * (0.3 + 0.7 * UTILISATION) * d.pue * HOURS_PER_MONTH * 1000.0 * price;
    }
    let chips: f64 = providers.iter().map(|p| p.depreciation).sum();
    let costs: Vec<f64> = providers.iter().map(|p| p.depreciation + energy[p.index as usize]).collect();
    (chips, energy.iter().sum(), costs)
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

    let mut setup = Setup {
        draws,
        weight,
        ticks: config.ticks(),
        tier_occupations: tiers_tbl,
        tier_weights,
        occupation_cumulative: cumulative(occupations.iter().map(|o| o.employment)),
        sectors: Vec::new(),
        state_prices,
        sample_ids,
        occupations,
        employers: config.run.firms + config.providers.len() as u32 + 3,
        market_firms: Default::default(),
        capital_per_output: 0.0,
        normal_profit_rate: 0.0,
        consumption_weights: [0.5, 0.5],
        government_staff: 0.0,
        start_real_rate: 0.0,
        oversight_median: 0.0,
        oversight_dispersion: 1.0,
        price_taste: 1.0,
        bank_capital_ratio: 0.0,
        config: config.clone(),
    };
    let cfg = &config;

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
        gpu_premium: 1.0,
        // Chip vendors start with the output that kept the fleets growing FLEET_GROWTH a year
        // and replaced what retired.
        chip_capacity: cfg.providers.iter().map(|p| p.initial_fleet_h100e).sum::<f64>()
            * (FLEET_GROWTH.powf(1.0 / 12.0) - 1.0 + 1.0 / (12.0 * cfg.datacenters.gpu_life_years)),
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
        // The installed fleet: 48 monthly vintages, growing FLEET_GROWTH a year (Epoch chip sales).
        let ages = 48;
        let ws: Vec<f64> = (0..ages).map(|a| FLEET_GROWTH.powf(-(a as f64) / 12.0)).collect();
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
        // Buildings and power equipment of the fleet's facility power (units of capital goods
        // at start prices = USD); sunk, like the GPUs.
        let buildings = fleet_mw * cfg.capital.building_cost_usd_per_mw;
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
            conversions: 0.0,
            enterprise_clients: 0,
            api_clients: 0,
            business_units: 0.0,
            inference_demand_flop: 0.0,
            inference_capacity_flop: 0.0,
            served_share: 1.0,
            scarcity: 1.0,
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
            ai_tax: 0,
            dividends: 0,
            capital_raised: 0,
            deposits: (pc.initial_deposits_usd * 100.0).round() as i64,
            loans: 0,
            interest: 0,
            staff_cost: 0,
            buildings,
            building_backlog: 0.0,
            building_depreciation: 0.0,
            building_spending: 0,
            expected_demand_flop: 0.0,
            demand_growth: 0.0,
            revenue_trend: 0.0,
            expected_growth: pc.revenue_growth_initial,
            valuation: 0.0,
            installed_capital: capex + buildings,
            training_target_flop: training,
            capability_initial: capability,
            revenue_bundled: 0,
            cumulative_cash_flow: -(capex + buildings),
            cumulative_capex: capex + buildings,
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

    // ---- Staff the AI stack needs at start (docs/MODEL.md 5.4) -----------------------
    // Initial API prices and fleet costs, for the firms' first provider choice and the staff.
    let mut providers_now = provider_components.clone();
    crate::systems::datacenters::init_provider_costs(&mut providers_now, &datacenters, &setup);
    // Firms start with `initial_share_of_ceiling` of their technically automatable tasks on
    // AI (below), which is AI's share of its market at start.
    let inside0 = cfg.adoption.initial_share_of_ceiling;
    setup.price_taste =
        crate::systems::pricing::invert_price_taste(&providers_now.iter().collect::<Vec<_>>(), &tech, inside0, cfg);
    crate::systems::pricing::post_prices(
        &mut providers_now.iter_mut().collect::<Vec<_>>(),
        setup.price_taste,
        &tech,
        inside0,
        cfg,
    );
    let (chip_sales, energy_sales, fleet_costs) = initial_ai_stack_sales(cfg, &providers_now, &datacenters);
    let st = &cfg.staff;
    let mut staff_persons: Vec<(Employer, f64)> = fleet_costs
        .iter()
        .enumerate()
        .map(|(p, c)| (Employer::Provider(p as u8), st.provider_per_musd * 12.0 * c / 1e6))
        .collect();
    staff_persons.push((Employer::Chips, st.chips_per_musd * 12.0 * chip_sales / 1e6));
    staff_persons.push((Employer::Energy, st.energy_per_musd * 12.0 * energy_sales / 1e6));

    // ---- Firms' sizes and sectors, and who works where -------------------------------
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
    let plan = sectors::plan(cfg, &setup.occupations, &staff_persons, employed / n as f64, |f| sizes[f as usize]);
    let ne = setup.employers as usize;
    let mut eff = vec![[0.0f64; TIERS]; ne];
    let mut heads = vec![[0u32; TIERS]; ne];
    let mut bill = vec![0.0f64; ne];

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
                age: start_age(draws.uniform(Stream::InitWorkers, INIT_TICK, i, 6), &cfg.population),
            },
            Pay {
                skill: skill as f32,
                wage: wage as f32,
                deposits: (wage * 100.0 * cfg.population.initial_deposit_months).round() as i64,
                income: 0,
            },
        )
    };

    // Workers are made, given their employer and spawned one block at a time, so a
    // national run never holds a second copy of every worker. Their first month's
    // consumption and benefits are summed for the starting balance (5.5).
    let h = &cfg.households;
    let first_rate = cfg.central_bank.initial_rate - cfg.finance.deposit_spread;
    let monthly_target = (1.0 + cfg.central_bank.inflation_target).powf(1.0 / 12.0) - 1.0;
    let (mut workers_deposits, mut consumption, mut benefits) = (0i128, 0.0f64, 0.0f64);
    let (mut tier_bill, mut tier_eff) = ([0.0f64; TIERS], [0.0f64; TIERS]);
    let mut first = 0u64;
    while first < n {
        let last = (first + BLOCK as u64).min(n);
        let mut block = WorkerBlock { first: first as u32, ..Default::default() };
        block.jobs.reserve_exact((last - first) as usize);
        block.pays.reserve_exact((last - first) as usize);
        for i in first..last {
            let (mut job, pay) = make_worker(i);
            workers_deposits += pay.deposits as i128;
            let dep = pay.deposits as f64 / 100.0;
            let mut income = dep * first_rate.max(0.0) / 12.0;
            if job.status == Status::Employed {
                let e = plan.employer(
                    job.occupation as usize,
                    draws.uniform(Stream::InitJobs, INIT_TICK, i, 0),
                    draws.uniform(Stream::InitJobs, INIT_TICK, i, 1),
                ) as usize;
                job.employer = e as u32;
                let k = job.tier as usize;
                let boost = if job.tools { tool_boost(pay.skill as f64, lab) } else { 0.0 };
                eff[e][k] += pay.skill as f64 * (1.0 + boost) * wf;
                heads[e][k] += 1;
                bill[e] += pay.wage as f64 * wf;
                tier_bill[k] += pay.wage as f64;
                tier_eff[k] += pay.skill as f64 * (1.0 + boost);
                income += pay.wage as f64 * (1.0 - cfg.government.income_tax);
            } else {
                let b = cfg.wages.benefit_replacement * pay.wage as f64;
                benefits += b * wf;
                income += b;
            }
            let real_income = (income - monthly_target * dep).max(0.0);
            consumption += (h.worker_mpc_income * real_income + h.worker_mpc_wealth * dep).min(dep + income) * wf;
            block.jobs.push(job);
            block.pays.push(pay);
        }
        index.blocks.push(world.spawn(block).id());
        first = last;
    }

    // ---- Employers -----------------------------------------------------------------
    let mu = cfg.firms.markup;
    let phi0 = cfg.adoption.initial_share_of_ceiling;
    let mut firms = Vec::with_capacity(ne);
    // The first provider choice respects capacity as every later review does (7.5): a firm
    // considers only providers with room for the AI work it starts with (a provider with
    // a handful of GPUs would otherwise serve nobody's AI tasks and stop output at once).
    let mut spare: Vec<f64> = providers_now.iter().map(|p| p.inference_capacity_flop).collect();
    for f in 0..ne {
        let role = if f < nf { Role::Goods(plan.firm_market[f]) } else { Role::Staff(plan.staff[f - nf]) };
        let sector = if f < nf {
            plan.firm_sector[f] as usize
        } else {
            let parent = match plan.staff[f - nf] {
                Employer::Provider(_) => "51",
                Employer::Chips => "31",
                Employer::Energy => "22",
                Employer::Government => "99",
            };
            plan.sectors.iter().position(|s| s.naics == parent).unwrap_or(0)
        };
        let speed = (cfg.adoption.sector_sensitivity * plan.sectors[sector].lm_aiie).exp();
        let total_heads: u32 = heads[f].iter().sum();
        // FLOP a month of the AI work firm f starts with at provider i (section 5).
        let start_load = |i: usize| -> f64 {
            if f >= nf {
                return 0.0;
            }
            let units: f64 = (0..TIERS)
                .map(|k| {
                    let phi = phi0 * tech.tier_ceiling[i][k].min(cfg.adoption.regulation_cap[k]);
                    phi / (1.0 - phi).max(1e-9) * eff[f][k]
                })
                .sum();
            units * providers_now[i].flop_per_unit
        };
        let provider = crate::systems::adoption::choose_provider(
            &providers_now,
            &tech,
            cfg,
            setup.price_taste,
            &draws,
            INIT_TICK,
            f as u64,
            |i| start_load(i) <= spare[i],
        );
        spare[provider] -= start_load(provider);
        let ceiling: [f64; TIERS] = if f < nf {
            std::array::from_fn(|k| tech.tier_ceiling[provider][k].min(cfg.adoption.regulation_cap[k]))
        } else {
            [0.0; TIERS]
        };
        let persons = total_heads as f64 * wf;
        firms.push(Firm {
            id: f as u32,
            role,
            sector: sector as u16,
            sector_speed: speed,
            provider: provider as u8,
            enterprise: total_heads >= cfg.firms.enterprise_min_workers,
            // Staff keep the tier mix they start with.
            tasks_per_unit: if f < nf {
                [0.0; TIERS]
            } else {
                std::array::from_fn(|k| heads[f][k] as f64 / total_heads.max(1) as f64)
            },
            ai_share: std::array::from_fn(|k| phi0 * ceiling[k]),
            ceiling,
            oversight_per_unit: 0.0,
            compute_per_task: [1.0; TIERS],
            desired: std::array::from_fn(|k| heads[f][k] as f64),
            vacancies: [0; TIERS],
            layoff_rate: [0.0; TIERS],
            price: 1.0,
            markup: mu,
            expected_demand: 0.0,
            output: 0.0,
            demand: 0.0,
            sold: 0.0,
            ai_units: 0.0,
            sales: 0,
            wage_bill: (bill[f] * 100.0).round() as i64,
            ai_bill: 0,
            ai_price: 0.0,
            profit: 0,
            deposits: if f < nf { (bill[f] * 100.0 * cfg.firms.cash_buffer_months).round() as i64 } else { 0 },
            loans: 0,
            interest: 0,
            loan_rate: 0.0,
            market_share: 0.0,
            sales_trend: 0.0,
            capital: 0.0,
            investment_order: 0.0,
            investment: 0.0,
            investment_spending: 0,
            depreciation: 0,
            profit_trend: 0.0,
            normal_profit_rate: 0.0,
            staff_target: if f < nf { 0.0 } else { persons },
            failed: false,
            age: 0,
        });
    }
    // The oversight need across tasks, fitted to the profitable share and the average cost
    // saving of exposed tasks at start (Acemoglu 2024): the task groups are the tiers,
    // weighted by their technically automatable task volume, at the tier's wage per
    // effective worker-month and the employment-weighted AI price firms face.
    let start_wage: [f64; TIERS] = std::array::from_fn(|k| tier_bill[k] / tier_eff[k].max(1e-9));
    let (mut priced, mut weights) = (0.0, 0.0);
    let mut volume = [0.0; TIERS];
    for f in firms.iter().take(nf) {
        let id = f.id as usize;
        let p = &providers_now[f.provider as usize];
        let price = if f.enterprise { p.enterprise_price } else { p.api_price } * (1.0 + cfg.government.compute_tax);
        let e: f64 = eff[id].iter().sum();
        priced += price * e;
        weights += e;
        for k in 0..TIERS {
            volume[k] += f.ceiling[k] * eff[id][k];
        }
    }
    let start_price = priced / weights.max(1e-9);
    // Oversight is tier B work, part of which AI already does (7.5).
    let (mut b_ai, mut b_eff) = (0.0, 0.0);
    for f in firms.iter().take(nf) {
        b_ai += f.ai_share[1] * eff[f.id as usize][1];
        b_eff += eff[f.id as usize][1];
    }
    let b_share = b_ai / b_eff.max(1e-9);
    let oversight_wage = (1.0 - b_share) * start_wage[1] + b_share * start_price;
    let groups: Vec<(f64, f64)> = (0..TIERS).filter(|&k| volume[k] > 0.0).map(|k| (volume[k], start_wage[k])).collect();
    let a = &cfg.adoption;
    (setup.oversight_median, setup.oversight_dispersion) = crate::equations::calibrate_oversight(
        &groups,
        start_price,
        oversight_wage,
        a.profitable_share_start,
        a.cost_saving_start,
        a.compute_oversight_elasticity,
    );
    let start_tasks: [crate::equations::TaskCosts; TIERS] = std::array::from_fn(|k| {
        crate::equations::profitable_tasks(
            start_wage[k],
            start_price,
            oversight_wage,
            setup.oversight_median,
            setup.oversight_dispersion,
            a.compute_oversight_elasticity,
        )
    });
    let oversight_mean: [f64; TIERS] = std::array::from_fn(|k| start_tasks[k].oversight);
    // The AI work each firm buys in the first month: for tier k, phi_k / (1 - phi_k) of the
    // effective labour it employs there (independent of output), at its provider's price.
    for f in firms.iter_mut().take(nf) {
        let id = f.id as usize;
        f.compute_per_task = std::array::from_fn(|k| start_tasks[k].compute);
        let units: f64 = (0..TIERS)
            .map(|k| f.ai_share[k] / (1.0 - f.ai_share[k]).max(1e-9) * eff[id][k] * f.compute_per_task[k])
            .sum();
        let p = &providers_now[f.provider as usize];
        f.ai_price = if f.enterprise { p.enterprise_price } else { p.api_price };
        f.ai_bill = (units * f.ai_price * (1.0 + cfg.government.compute_tax) * 100.0).round() as i64;
    }
    // Output and capital at start, then each firm's tasks per unit of output: the human
    // effective labour it employs per unit, grossed up for the tasks AI already does.
    let building_replacement: f64 =
        provider_components.iter().map(|p| p.buildings / (12.0 * cfg.capital.building_life_years)).sum();
    let kappa = steady_state::output_and_capital(cfg, &mut firms, building_replacement);
    let mut tau_mean = [[0.0; TIERS]; MARKETS];
    let mut q_market = [0.0; MARKETS];
    for f in firms.iter_mut().take(nf) {
        let q0 = f.expected_demand;
        let share = f.ai_share;
        let mut tau = [0.0; TIERS];
        let mut ai_per_unit = 0.0;
        let id = f.id as usize;
        if bill[id] > 0.0 {
            for k in [0usize, 2, 3] {
                tau[k] = eff[id][k] / ((1.0 - share[k]) * q0);
                ai_per_unit += share[k] * tau[k] * oversight_mean[k];
            }
        }
        let oversight = if heads[id][1] > 0 { ai_per_unit } else { 0.0 };
        if bill[id] > 0.0 {
            tau[1] = (eff[id][1] / ((1.0 - share[1]) * q0) - oversight).max(0.0);
        }
        f.tasks_per_unit = tau;
        f.oversight_per_unit = oversight;
        if let Role::Goods(m) = f.role {
            for k in 0..TIERS {
                tau_mean[m as usize][k] += tau[k] * q0;
            }
            q_market[m as usize] += q0;
        }
    }
    // Firms that drew no workers take the average task mix of their market.
    for f in firms.iter_mut().take(nf).filter(|f| bill[f.id as usize] <= 0.0) {
        if let Role::Goods(m) = f.role {
            let m = m as usize;
            f.tasks_per_unit = std::array::from_fn(|k| tau_mean[m][k] / q_market[m].max(1.0));
        }
    }

    // ---- Balance sheets (docs/MODEL.md 5.5) -----------------------------------------
    let hh = steady_state::Households {
        workers_deposits,
        weight,
        worker_consumption: consumption,
        benefits,
        chip_sales,
        energy_sales,
    };
    let (fin, inst, start) = steady_state::balance_sheets(cfg, &mut firms, &provider_components, &hh, kappa);
    let mut ledger = Ledger::default();
    let workers_sum: i128 = workers_deposits * weight as i128;
    ledger.previous = crate::systems::accounting::holdings(
        workers_sum,
        &inst,
        &fin,
        firms.iter().map(|f| (f.deposits, f.loans)),
        provider_components.iter().map(|p| (p.deposits, p.loans)),
    );
    setup.capital_per_output = start.capital_per_output;
    setup.start_real_rate = fin.policy_rate - fin.expected_inflation;
    setup.bank_capital_ratio = start.bank_capital_ratio;
    setup.normal_profit_rate = start.normal_profit_rate;
    setup.consumption_weights = start.consumption_weights;
    setup.government_staff =
        firms.iter().filter(|f| f.role == Role::Staff(Employer::Government)).map(|f| f.staff_target).sum();
    setup.market_firms =
        std::array::from_fn(|m| firms.iter().filter(|f| f.role == Role::Goods(Market::ALL[m])).map(|f| f.id).collect());
    setup.sectors = plan.sectors.iter().map(|s| (s.naics.clone(), s.lm_aiie)).collect();

    // ---- Aggregates ----------------------------------------------------------------
    let mut labour = Labour {
        occupation_value: setup.occupations.iter().map(|o| o.base_wage).collect(),
        occupation_wage: setup.occupations.iter().map(|o| o.base_wage).collect(),
        ..Default::default()
    };
    labour.unemployment_rate = [cfg.population.initial_unemployment; TIERS];
    labour.ai_market_share = cfg.adoption.initial_share_of_ceiling;
    for k in 0..TIERS {
        let (pi, mean) = (start_tasks[k].share, start_tasks[k].oversight);
        labour.profitable_share[k] = pi;
        labour.oversight_mean[k] = mean;
        labour.compute_mean[k] = start_tasks[k].compute;
        // Firms start with `phi0` of their technically automatable tasks on AI.
        labour.adoption_ratio[k] = if pi > 0.0 { (phi0 / pi).min(1.0) } else { 1.0 };
    }
    let macro_ = Macro {
        cpi: 1.0,
        // Inflation at the target before the start (the consumption function's real income).
        inflation: (1.0 + cfg.central_bank.inflation_target).powf(1.0 / 12.0) - 1.0,
        price_index: [1.0; MARKETS],
        chat_adoption: cfg.households.chat_adoption_initial,
        consumer_shares: cfg.providers.iter().map(|p| p.consumer_share).collect(),
        productivity: 1.0,
        ..Default::default()
    };
    let policy = Policy {
        regulation_cap: cfg.adoption.regulation_cap,
        open_weight_lag: cfg.technology.open_weight_lag_months,
        electricity_factor: 1.0,
        grid_factor: 1.0,
        basic_income: cfg.government.basic_income_usd_month,
        minimum_wage: cfg.wages.minimum_wage_usd_month,
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
        headcount: vec![[0; TIERS]; ne],
        effective: vec![[0.0; TIERS]; ne],
        wages: vec![[0.0; TIERS]; ne],
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
    world.insert_resource(fin);
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
        let occ = |soc: &str, teleworkable: f64| mindmill_data::Occupation {
            soc_code: soc.to_string(),
            title: String::new(),
            major_group: soc[..2].parse().unwrap(),
            employment: 1.0,
            median_wage_usd_year: 50_000.0,
            gpt4_beta: 0.0,
            gpt4_gamma: 0.0,
            human_beta: 0.0,
            human_gamma: 0.0,
            exposure_imputed: false,
            teleworkable,
            teleworkable_imputed: false,
        };
        assert_eq!(tier_of(&occ("43-9061", 1.0), 0.1, &c), 0, "routine office work is A at any exposure");
        assert_eq!(tier_of(&occ("43-4171", 0.0), 0.6, &c), 3, "in-person office work is M");
        assert_eq!(tier_of(&occ("43-1011", 1.0), 0.5, &c), 1, "supervisors are B");
        assert_eq!(tier_of(&occ("35-1012", 0.0), 0.5, &c), 1, "in-person supervisors are B too");
        assert_eq!(tier_of(&occ("23-1011", 1.0), 0.6, &c), 2, "legal work is C");
        assert_eq!(tier_of(&occ("15-1252", 1.0), 0.6, &c), 0, "exposed knowledge work is A");
        assert_eq!(tier_of(&occ("15-1252", 1.0), 0.3, &c), 1, "less exposed knowledge work is B");
        assert_eq!(tier_of(&occ("47-2061", 1.0), 0.6, &c), 3, "construction is not knowledge work");
        let occ = occupation_specs(&c);
        let emp = |k: u8| occ.iter().filter(|o| o.tier == k).map(|o| o.employment).sum::<f64>();
        let total: f64 = occ.iter().map(|o| o.employment).sum();
        // Tier M is the work that cannot be done at home (Dingel & Neiman: 63% of US jobs)
        // less its supervisors, plus the in-person share of the cognitive groups.
        assert!((emp(3) / total - 0.59).abs() < 0.03, "{}", emp(3) / total);
    }
}
