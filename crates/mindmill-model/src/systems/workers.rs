//! Phase 6, labour market: tallies of the workforce, labour demand per firm and tier,
//! layoffs and quits, retraining, job matching, and workers adopting their own AI tools.

use bevy_ecs::prelude::*;
use bevy_utils::Parallel;
use mindmill_config::{LabourConfig, TIERS};

use crate::accounts::{Flow, Ledger, Sector};
use crate::components::{Employer, Firm, Job, NO_FIRM, Pay, Provider, Role, Status, WorkerBlock};
use crate::equations::{bass_hazard, matches};
use crate::init::pick;
use crate::resources::{AGE_BANDS, Calendar, Index, Institutions, Labour, Macro, Policy, Setup, Tally, Tech, age_band};
use crate::rng::{INIT_TICK, Stream};
use crate::systems::{Counters, Scratch, count, huge_pages, round_i64, take};

/// Productivity gain of a worker's own AI tools: larger for the less skilled
/// (Brynjolfsson, Li & Raymond 2023: +14% on average, +34% for novices).
#[inline]
pub fn tool_boost(skill: f64, l: &LabourConfig) -> f64 {
    l.tools_boost + l.tools_novice_boost * (1.0 - skill).clamp(0.0, 1.0)
}

/// Effective worker-months a worker supplies per month.
#[inline]
pub fn effective_labour(job: &Job, pay: &Pay, l: &LabourConfig) -> f64 {
    let s = pay.skill as f64;
    if job.tools { s * (1.0 + tool_boost(s, l)) } else { s }
}

/// Fixed-point scale of effective labour in tallies: integer sums make the parallel
/// reduction exact and independent of how agents are split among threads.
pub const EFFECTIVE_SCALE: f64 = 1e6;

/// Tally of one firm and tier. The three sums a worker adds to sit together, so the
/// random access by employer costs one cache line, not three.
#[derive(Debug, Default, Clone, Copy)]
struct FirmTier {
    effective: i64,
    wage_cents: i64,
    headcount: u32,
}

/// One thread's share of a workforce tally (integers only).
#[derive(Debug, Default)]
pub struct TallyPart {
    /// By firm x TIERS + tier.
    firm: Vec<FirmTier>,
    occ_employed: Vec<u32>,
    occ_unemployed: Vec<u32>,
    occ_wage_cents: Vec<i64>,
    employed: [u64; TIERS],
    unemployed: [u64; TIERS],
    retraining: [u64; TIERS],
    tools: [u64; TIERS],
    tier_wage_cents: [i64; TIERS],
    band_employed: [[u64; AGE_BANDS]; TIERS],
    band_unemployed: [[u64; AGE_BANDS]; TIERS],
    band_wage_cents: [[i64; AGE_BANDS]; TIERS],
}

impl TallyPart {
    fn reset(&mut self, firms: usize, occupations: usize) {
        for v in [&mut self.occ_employed, &mut self.occ_unemployed] {
            v.clear();
            v.resize(occupations, 0);
        }
        self.occ_wage_cents.clear();
        self.occ_wage_cents.resize(occupations, 0);
        if self.firm.capacity() < firms * TIERS {
            self.firm = Vec::with_capacity(firms * TIERS);
            huge_pages(&self.firm);
        }
        self.firm.clear();
        self.firm.resize(firms * TIERS, FirmTier::default());
        self.employed = [0; TIERS];
        self.unemployed = [0; TIERS];
        self.retraining = [0; TIERS];
        self.tools = [0; TIERS];
        self.tier_wage_cents = [0; TIERS];
        self.band_employed = [[0; AGE_BANDS]; TIERS];
        self.band_unemployed = [[0; AGE_BANDS]; TIERS];
        self.band_wage_cents = [[0; AGE_BANDS]; TIERS];
    }

    /// Adds `other` into `self` and leaves `other` as it was.
    fn absorb(&mut self, other: &TallyPart) {
        for (a, b) in self.firm.iter_mut().zip(&other.firm) {
            a.effective += b.effective;
            a.wage_cents += b.wage_cents;
            a.headcount += b.headcount;
        }
        for o in 0..self.occ_employed.len() {
            self.occ_employed[o] += other.occ_employed[o];
            self.occ_unemployed[o] += other.occ_unemployed[o];
            self.occ_wage_cents[o] += other.occ_wage_cents[o];
        }
        for k in 0..TIERS {
            self.employed[k] += other.employed[k];
            self.unemployed[k] += other.unemployed[k];
            self.retraining[k] += other.retraining[k];
            self.tools[k] += other.tools[k];
            self.tier_wage_cents[k] += other.tier_wage_cents[k];
            for a in 0..AGE_BANDS {
                self.band_employed[k][a] += other.band_employed[k][a];
                self.band_unemployed[k][a] += other.band_unemployed[k][a];
                self.band_wage_cents[k][a] += other.band_wage_cents[k][a];
            }
        }
    }
}

/// Counts workers by firm, tier and occupation, in parallel with integer partial sums,
/// and the national labour aggregates.
pub fn tally_workforce(
    setup: Res<Setup>,
    blocks: Query<&WorkerBlock>,
    mut parts: Local<Parallel<TallyPart>>,
    mut tally: ResMut<Tally>,
    mut labour: ResMut<Labour>,
) {
    let l = &setup.config.labour;
    let nf = setup.employers as usize;
    let no = setup.occupations.len();
    parts.iter_mut().for_each(|p| p.reset(nf, no));
    let local = &*parts;
    blocks.par_iter().for_each(|b| {
        local.scope_or(
            || {
                let mut p = TallyPart::default();
                p.reset(nf, no);
                p
            },
            |p| {
                for (job, pay) in b.jobs.iter().zip(&b.pays) {
                    let k = job.tier as usize;
                    let o = job.occupation as usize;
                    let a = age_band(job.age);
                    p.tools[k] += job.tools as u64;
                    match job.status {
                        Status::Employed => {
                            let f = job.employer as usize;
                            let cents = round_i64(pay.wage as f64 * 100.0);
                            let t = &mut p.firm[f * TIERS + k];
                            t.headcount += 1;
                            t.effective += round_i64(effective_labour(job, pay, l) * EFFECTIVE_SCALE);
                            t.wage_cents += cents;
                            p.occ_employed[o] += 1;
                            p.occ_wage_cents[o] += cents;
                            p.employed[k] += 1;
                            p.tier_wage_cents[k] += cents;
                            p.band_employed[k][a] += 1;
                            p.band_wage_cents[k][a] += cents;
                        }
                        Status::Unemployed => {
                            p.unemployed[k] += 1;
                            p.occ_unemployed[o] += 1;
                            p.band_unemployed[k][a] += 1;
                        }
                        Status::Retraining => {
                            p.retraining[job.retrain_tier as usize] += 1;
                            p.occ_unemployed[o] += 1;
                            p.band_unemployed[k][a] += 1;
                        }
                    }
                }
            },
        )
    });
    // Merge into the first part: integer sums, so the order of the parts does not matter.
    let mut valid = parts.iter_mut().filter(|p| p.firm.len() == nf * TIERS);
    let Some(total) = valid.next() else { return };
    for p in valid {
        total.absorb(p);
    }
    let w = setup.weight as f64;
    let t = &mut *tally;
    for f in 0..nf {
        let row = &total.firm[f * TIERS..(f + 1) * TIERS];
        t.headcount[f] = std::array::from_fn(|k| row[k].headcount);
        t.effective[f] = std::array::from_fn(|k| row[k].effective as f64 / EFFECTIVE_SCALE * w);
        t.wages[f] = std::array::from_fn(|k| row[k].wage_cents as f64 / 100.0);
    }
    t.occ_employed.copy_from_slice(&total.occ_employed);
    t.occ_unemployed.copy_from_slice(&total.occ_unemployed);
    for o in 0..no {
        t.occ_wages[o] = total.occ_wage_cents[o] as f64 / 100.0;
    }
    labour.employed = total.employed;
    labour.unemployed = total.unemployed;
    labour.retraining = total.retraining;
    labour.tools = total.tools;
    for k in 0..TIERS {
        if total.employed[k] > 0 {
            labour.mean_wage[k] = total.tier_wage_cents[k] as f64 / 100.0 / total.employed[k] as f64;
        }
        for a in 0..AGE_BANDS {
            if total.band_employed[k][a] > 0 {
                labour.band_mean_wage[k][a] =
                    total.band_wage_cents[k][a] as f64 / 100.0 / total.band_employed[k][a] as f64;
            }
        }
    }
    labour.band_employed = total.band_employed;
    labour.band_unemployed = total.band_unemployed;
}

/// Staff an institution wants, persons: AI providers in proportion to their fleet costs,
/// chip vendors and the energy sector to their sales (labour requirements per million USD
/// of activity, `[staff]`), government its start headcount.
pub fn staff_target(e: Employer, setup: &Setup, inst: &Institutions, providers: &[&Provider]) -> f64 {
    let st = &setup.config.staff;
    let per_year = |cents_month: f64| 12.0 * cents_month / 100.0 / 1e6;
    match e {
        Employer::Provider(i) => {
            let p = providers[i as usize];
            st.provider_per_musd * per_year(p.energy_cost as f64 + 100.0 * (p.depreciation + p.building_depreciation))
        }
        Employer::Chips => st.chips_per_musd * per_year(inst.chip_sales_trend),
        Employer::Energy => st.energy_per_musd * per_year(inst.energy_sales_trend),
        Employer::Government => setup.government_staff,
    }
}

/// Labour demand: each firm wants enough human work for the tasks AI does not do at
/// its planned output; an institution wants its staff target in its start tier mix;
/// excess staff is shed at `layoff_speed`, gaps become vacancies.
pub fn plan_labour_demand(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    tally: Res<Tally>,
    inst: Res<Institutions>,
    providers: Query<&Provider>,
    mut firms: Query<&mut Firm>,
) {
    let l = &setup.config.labour;
    let w = setup.weight as f64;
    let mut provs: Vec<&Provider> = providers.iter().collect();
    provs.sort_by_key(|p| p.index);
    let tick = cal.tick;
    firms.par_iter_mut().for_each(|mut f| {
        let id = f.id as usize;
        let q = crate::systems::goods::planned_output(&f, &setup);
        let staff = match f.role {
            Role::Staff(e) => Some(staff_target(e, &setup, &inst, &provs) / w),
            Role::Goods(_) => None,
        };
        if let Some(agents) = staff {
            f.staff_target = agents * w;
        }
        for k in 0..TIERS {
            let heads = tally.headcount[id][k] as f64;
            // Employers post vacancies for this month's expected quits as well (separations
            // come before matching), so a steady workforce stays steady.
            let desired = (1.0 + l.quit_rate)
                * match staff {
                    Some(agents) => agents * f.tasks_per_unit[k],
                    None => {
                        let tau = f.tasks_per_unit[k] + if k == 1 { f.oversight_per_unit } else { 0.0 };
                        let required = (1.0 - f.ai_share[k]) * tau * q;
                        let per_agent = if heads > 0.0 { tally.effective[id][k] / heads } else { w };
                        required / per_agent
                    }
                };
            f.desired[k] = desired;
            if f.failed {
                f.layoff_rate[k] = 1.0;
                f.vacancies[k] = 0;
            } else if heads > desired + 0.5 {
                f.layoff_rate[k] = (l.layoff_speed * (heads - desired) / heads) as f32;
                f.vacancies[k] = 0;
            } else {
                f.layoff_rate[k] = 0.0;
                // Fractional needs become a vacancy with that probability, so small employers
                // replace expected quits without a bias from rounding.
                let gap = (desired - heads).max(0.0);
                let u = setup.draws.uniform(Stream::Vacancies, tick, id as u64, k as u32);
                f.vacancies[k] = (gap.floor() + (u < gap.fract()) as u8 as f64) as u32;
            }
        }
    });
}

/// Layoffs (weighted toward exposed occupations, away from workers with their own AI
/// tools), quits, retraining starts and completions.
#[allow(clippy::too_many_arguments)]
pub fn separate_workers(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    tech: Res<Tech>,
    policy: Res<Policy>,
    tally: Res<Tally>,
    mut labour: ResMut<Labour>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut scratch: ResMut<Scratch>,
    mut parts: Local<Counters<26>>,
    mut firms: Query<&mut Firm>,
    mut blocks: Query<&mut WorkerBlock>,
) {
    let cfg = &setup.config;
    let l = &cfg.labour;
    let tick = cal.tick;
    let d = &setup.draws;
    let ne = setup.employers as usize;
    if scratch.firm_layoff.capacity() < ne {
        scratch.firm_layoff = Vec::with_capacity(ne);
        huge_pages(&scratch.firm_layoff);
    }
    scratch.firm_layoff.resize(ne, [0.0; TIERS]);
    for f in firms.iter() {
        scratch.firm_layoff[f.id as usize] = f.layoff_rate;
    }
    // Entrants look for work where today's jobs are: occupations in proportion to this month's
    // employment (openings are mostly replacement demand, which scales with employment: BLS
    // Employment Projections, occupational separations method), the start's shares while
    // nobody is employed.
    let cum = &mut scratch.entrant_cum;
    cum.clear();
    let mut acc = 0.0;
    for &n in &tally.occ_employed {
        acc += n as f64;
        cum.push(acc);
    }
    if acc <= 0.0 {
        cum.clear();
        cum.extend_from_slice(&setup.occupation_cumulative);
    }
    let tier_mean = tech.tier_ceiling_frontier;
    let cost = (l.retrain_cost_usd * 100.0).round() as i64;
    let take_up = l.retrain_probability * (0.5 + policy.retraining_subsidy);
    // Whether tiers B and C have occupations to retrain into.
    let retrain_tiers = [!setup.tier_occupations[1].0.is_empty(), !setup.tier_occupations[2].0.is_empty()];
    // Tightness (vacancies per unemployed) of each tier last month, for occupational mobility.
    let tightness: [f64; TIERS] =
        std::array::from_fn(|k| labour.vacancies[k] as f64 / (labour.unemployed[k] as f64).max(1.0));
    let layoff = &scratch.firm_layoff;
    let occupation_wage = &labour.occupation_wage;
    let pop = &cfg.population;
    let entrant_cum = &scratch.entrant_cum;
    let entrant_total = entrant_cum.last().copied().unwrap_or(0.0);
    let sigma = pop.skill_sigma;
    let local = &*parts;
    // Counters: separations, retrained, moved by tier (3 x 4), worker and government
    // retraining cents, job seekers by tier after this step (for matching), then
    // retirements by the tier left and entrants by the tier entered (2 x 4).
    blocks.par_iter_mut().for_each(|mut b| {
        let mut c = [0i128; 26];
        for (id, job, pay) in b.iter_mut() {
            let i = id as u64;
            // Ageing, retirement and entry: a year older in the worker's birthday month; at
            // the retirement age the person leaves and an entrant takes the place (7.6).
            if (i + tick as u64) % 12 == 0 {
                job.age = job.age.saturating_add(1);
            }
            if job.age >= pop.retirement_age {
                c[18 + job.tier as usize] += 1;
                let o = pick(entrant_cum, d.uniform(Stream::Entrants, tick, i, 0) * entrant_total);
                let skill = (sigma * d.normal(Stream::Entrants, tick, i, 1) - 0.5 * sigma * sigma).exp();
                let tier = setup.occupations[o].tier;
                *job = Job {
                    occupation: o as u16,
                    tier,
                    status: Status::Unemployed,
                    tools: false,
                    retrain_left: 0,
                    retrain_tier: tier,
                    months_unemployed: 0,
                    employer: NO_FIRM,
                    provider: job.provider,
                    age: pop.entry_age,
                };
                pay.skill = skill as f32;
                pay.wage = (occupation_wage[o] * skill) as f32;
                c[22 + tier as usize] += 1;
                c[14 + tier as usize] += 1;
                continue;
            }
            match job.status {
                Status::Employed => {
                    let k = job.tier as usize;
                    let rate = layoff[job.employer as usize][k] as f64;
                    let mut p = l.quit_rate;
                    if rate >= 1.0 {
                        p = 1.0;
                    } else if rate > 0.0 {
                        let exposure = tech.automatable_frontier[job.occupation as usize] as f64;
                        let tilt = if tier_mean[k] > 0.0 { (exposure / tier_mean[k]).clamp(0.25, 3.0) } else { 1.0 };
                        let protect = if job.tools { 1.0 - l.tools_protection } else { 1.0 };
                        p += rate * tilt * protect;
                    }
                    if d.uniform(Stream::Separation, tick, i, 0) < p {
                        job.status = Status::Unemployed;
                        job.employer = NO_FIRM;
                        job.months_unemployed = 0;
                        c[k] += 1;
                    }
                }
                Status::Unemployed => {
                    job.months_unemployed = job.months_unemployed.saturating_add(1);
                    let own = job.tier as usize;
                    // Occupational mobility: the long-term unemployed move to a tier A, B or M
                    // occupation (no retraining needed; C needs credentials) where jobs are at
                    // least twice as easy to find; the skill they lose is the switching cost.
                    let target = [0usize, 1, 3]
                        .into_iter()
                        .filter(|&k| k != own)
                        .fold(None, |best: Option<usize>, k| match best {
                            Some(b) if tightness[b] >= tightness[k] => Some(b),
                            _ => Some(k),
                        })
                        .unwrap_or(3);
                    if target != own
                        && job.months_unemployed as u32 >= l.mobility_after_months
                        && tightness[target] > 2.0 * tightness[own]
                        && !setup.tier_occupations[target].0.is_empty()
                        && d.uniform(Stream::Retraining, tick, i, 3) < l.mobility_rate
                    {
                        let (occs, cum) = &setup.tier_occupations[target];
                        let x = d.uniform(Stream::Retraining, tick, i, 4) * cum.last().copied().unwrap_or(0.0);
                        job.occupation = occs[pick(cum, x)];
                        job.tier = target as u8;
                        job.months_unemployed = 0;
                        pay.skill *= (1.0 - l.novice_discount) as f32;
                        pay.wage = (occupation_wage[job.occupation as usize] * pay.skill as f64) as f32;
                        c[8 + target] += 1;
                    } else if job.tier == 0
                        && job.months_unemployed as u32 >= l.retrain_after_months
                        && d.uniform(Stream::Retraining, tick, i, 0) < take_up
                        && retrain_tiers.iter().any(|&open| open)
                    {
                        job.status = Status::Retraining;
                        job.retrain_left = l.retrain_months.min(255) as u8;
                        // Tier C with probability retrain_to_c, else B; a tier without
                        // occupations (a config can leave one empty) sends everyone to the other.
                        let to_c = d.uniform(Stream::Retraining, tick, i, 1) < l.retrain_to_c;
                        job.retrain_tier = match (to_c, retrain_tiers) {
                            (true, [_, true]) | (false, [false, true]) => 2,
                            _ => 1,
                        };
                        let gov = round_i64(cost as f64 * policy.retraining_subsidy);
                        let own = (cost - gov).min(pay.deposits.max(0));
                        pay.deposits -= own;
                        c[12] += own as i128;
                        c[13] += (cost - own) as i128;
                    }
                }
                Status::Retraining => {
                    job.months_unemployed = job.months_unemployed.saturating_add(1);
                    job.retrain_left = job.retrain_left.saturating_sub(1);
                    if job.retrain_left == 0 {
                        let k = job.retrain_tier as usize;
                        let (occs, cum) = &setup.tier_occupations[k];
                        let x = d.uniform(Stream::Retraining, tick, i, 2) * cum.last().copied().unwrap_or(0.0);
                        job.occupation = occs[pick(cum, x)];
                        job.tier = k as u8;
                        job.status = Status::Unemployed;
                        job.months_unemployed = 0;
                        pay.skill *= (1.0 - l.novice_discount) as f32;
                        pay.wage = (occupation_wage[job.occupation as usize] * pay.skill as f64) as f32;
                        c[4 + k] += 1;
                    }
                }
            }
            if job.status == Status::Unemployed {
                c[14 + job.tier as usize] += 1;
            }
        }
        count(local, c);
    });
    let c = take(&mut parts);
    scratch.searching = std::array::from_fn(|k| c[14 + k] as u64);
    let separations: [u64; TIERS] = std::array::from_fn(|k| c[k] as u64);
    let retrained: [u64; TIERS] = std::array::from_fn(|k| c[4 + k] as u64);
    let moved: [u64; TIERS] = std::array::from_fn(|k| c[8 + k] as u64);
    labour.retired = std::array::from_fn(|k| c[18 + k] as u64);
    labour.entered = std::array::from_fn(|k| c[22 + k] as u64);
    let (worker_paid, gov_paid) = (c[12], c[13]);
    // Failed firms have shed everyone; they re-enter as new firms.
    for mut f in firms.iter_mut() {
        f.failed = false;
    }
    let w = setup.weight as i128;
    let spent = (worker_paid + gov_paid) * w;
    ledger.record(Flow::Retraining, Sector::Workers, Sector::Clearing, worker_paid * w);
    ledger.record(Flow::Retraining, Sector::Government, Sector::Clearing, gov_paid * w);
    let spent = i64::try_from(spent).expect("retraining spending fits in i64 cents");
    let gov = i64::try_from(gov_paid * w).expect("retraining subsidy fits in i64 cents");
    inst.government -= gov;
    inst.transfers[2] += gov;
    inst.clearing += spent;
    inst.retraining_spending += spent;
    labour.separations = separations;
    labour.retrained = retrained;
    labour.moved = moved;
}

/// Matching per tier with a Cobb-Douglas matching function; each matched worker goes
/// to a firm drawn in proportion to its vacancies, or the next firm (in id order,
/// wrapping) with a vacancy left. Who meets a vacancy is drawn in parallel; vacancies
/// are then handed out in worker-id order, so the result does not depend on threads.
#[allow(clippy::too_many_arguments)]
pub fn match_workers(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    index: Res<Index>,
    policy: Res<Policy>,
    mut labour: ResMut<Labour>,
    mut scratch: ResMut<Scratch>,
    firms: Query<&Firm>,
    mut blocks: Query<&mut WorkerBlock>,
) {
    let cfg = &setup.config;
    let l = &cfg.labour;
    let floor = policy.minimum_wage;
    let nf = setup.employers as usize;
    let s = &mut *scratch;
    s.open.resize(nf, [0; TIERS]);
    for f in firms.iter() {
        s.open[f.id as usize] = f.vacancies;
    }
    let mut vac = [0u64; TIERS];
    for k in 0..TIERS {
        let cum = &mut s.vacancy_cum[k];
        cum.clear();
        let mut acc = 0.0;
        for f in 0..nf {
            acc += s.open[f][k] as f64;
            cum.push(acc);
        }
        vac[k] = acc as u64;
        // Next firm at or after f with a vacancy left (nf: none), path-compressed as
        // vacancies fill, so a search never walks a long run of full firms twice.
        let next = &mut s.next_open[k];
        next.clear();
        next.extend((0..nf).map(|f| if s.open[f][k] > 0 { f as u32 } else { f as u32 + 1 }));
        next.push(nf as u32);
    }
    let unemployed = s.searching;
    let prob: [f64; TIERS] = std::array::from_fn(|k| {
        let m = matches(unemployed[k] as f64, vac[k] as f64, l.matching_efficiency, l.matching_elasticity);
        if unemployed[k] > 0 { m / unemployed[k] as f64 } else { 0.0 }
    });
    let d = &setup.draws;
    let tick = cal.tick;
    let cums = &s.vacancy_cum;
    blocks.par_iter_mut().for_each(|mut b| {
        let b = &mut *b;
        b.candidates.clear();
        for (i, job) in b.jobs.iter().enumerate() {
            if job.status != Status::Unemployed {
                continue;
            }
            let k = job.tier as usize;
            let id = (b.first as usize + i) as u64;
            if vac[k] == 0 || d.uniform(Stream::Matching, tick, id, 0) >= prob[k] {
                continue;
            }
            let cum = &cums[k];
            let start = pick(cum, d.uniform(Stream::Matching, tick, id, 1) * cum[nf - 1]);
            b.candidates.push((i as u32, start as u32));
        }
    });
    let mut hires = [0u64; TIERS];
    for &e in &index.blocks {
        let mut b = blocks.get_mut(e).expect("worker block exists");
        let b = &mut *b;
        for &(i, start) in &b.candidates {
            let (job, pay) = (&mut b.jobs[i as usize], &mut b.pays[i as usize]);
            let k = job.tier as usize;
            let next = &mut s.next_open[k];
            let mut f = find_open(next, start as usize);
            if f == nf {
                f = find_open(next, 0);
            }
            if f == nf {
                continue;
            }
            s.open[f][k] -= 1;
            if s.open[f][k] == 0 {
                next[f] = f as u32 + 1;
            }
            job.status = Status::Employed;
            job.employer = f as u32;
            job.months_unemployed = 0;
            let boost = if job.tools { tool_boost(pay.skill as f64, l) } else { 0.0 };
            pay.wage = (labour.occupation_wage[job.occupation as usize]
                * pay.skill as f64
                * (1.0 + l.tools_wage_share * boost))
                .max(floor) as f32;
            hires[k] += 1;
        }
    }
    labour.vacancies = vac;
    labour.hires = hires;
}

/// First firm at or after `f` with a vacancy left (`next.len() - 1` if none), halving
/// the path as it goes.
fn find_open(next: &mut [u32], mut f: usize) -> usize {
    while next[f] as usize != f {
        let up = next[next[f] as usize];
        next[f] = up;
        f = up as usize;
    }
    f
}

/// Provider a worker subscribes with at start: drawn by the config's consumer shares among
/// providers that sell subscriptions.
pub fn subscription_provider(setup: &Setup, worker: u32) -> usize {
    let shares: Vec<f64> = setup.config.providers.iter().map(|p| p.consumer_share).collect();
    draw_provider(setup, &shares, setup.draws.uniform(Stream::Subscription, INIT_TICK, worker as u64, 0))
}

/// The provider at uniform draw `u` of `shares`, among providers that sell subscriptions.
fn draw_provider(setup: &Setup, shares: &[f64], u: f64) -> usize {
    let ps = &setup.config.providers;
    let sells = |i: usize| ps[i].subscription_usd_month > 0.0;
    let total: f64 = (0..ps.len()).filter(|&i| sells(i)).map(|i| shares[i]).sum();
    let mut x = u * total;
    let mut last = 0;
    for i in (0..ps.len()).filter(|&i| sells(i)) {
        last = i;
        if x < shares[i] {
            return i;
        }
        x -= shares[i];
    }
    last
}

/// Workers in tiers A-C adopt AI tools of their own (Bass diffusion within the tier),
/// if employed and the subscription is under a tenth of their wage, with the provider
/// drawn by this month's consumer shares. On-device inference discourages paid plans.
#[allow(clippy::too_many_arguments)]
pub fn adopt_tools(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    tech: Res<Tech>,
    labour: Res<Labour>,
    macro_: Res<Macro>,
    policy: Res<Policy>,
    mut parts: Local<Counters<16>>,
    mut providers: Query<&mut Provider>,
    mut blocks: Query<&mut WorkerBlock>,
) {
    let cfg = &setup.config;
    let l = &cfg.labour;
    let damp = 1.0 - cfg.households.on_device_paid_substitution * tech.on_device;
    // Paid plans are bought by free users (free tiers are how providers acquire customers):
    // the chance that a worker without a plan uses a free one.
    let agents = cfg.run.workers as f64;
    let paid: f64 = labour.tools.iter().sum::<u64>() as f64;
    let free_share =
        if agents > paid { ((macro_.chat_adoption * agents - paid) / (agents - paid)).clamp(0.0, 1.0) } else { 0.0 };
    let hazard: [f64; TIERS] = std::array::from_fn(|k| {
        let n = labour.employed[k] + labour.unemployed[k];
        let share = if n > 0 { labour.tools[k] as f64 / n as f64 } else { 0.0 };
        bass_hazard(l.tools_bass_p, l.tools_bass_q, share) * damp * free_share
    });
    let tick = cal.tick;
    let price: Vec<f64> = cfg.providers.iter().map(|p| p.subscription_usd_month * (1.0 + policy.compute_tax)).collect();
    let shares = &macro_.consumer_shares;
    let local = &*parts;
    blocks.par_iter_mut().for_each(|mut b| {
        let mut c = [0i128; 16];
        for (id, job, pay) in b.iter_mut() {
            if job.tools || job.tier == 3 || job.status != Status::Employed {
                continue;
            }
            if setup.draws.uniform(Stream::Tools, tick, id as u64, 0) >= hazard[job.tier as usize] {
                continue;
            }
            let provider = draw_provider(&setup, shares, setup.draws.uniform(Stream::Subscription, tick, id as u64, 1));
            // Willingness to pay: the part of the tools' gain the worker keeps in its wage
            // (what the plan does for it, larger for novices and for higher wages) must cover
            // the plan's price with the compute tax.
            let gain = l.tools_wage_share * tool_boost(pay.skill as f64, l) * pay.wage as f64;
            if gain >= price[provider] {
                job.provider = provider as u8;
                job.tools = true;
                c[provider] += 1;
            }
        }
        count(local, c);
    });
    let c = take(&mut parts);
    for mut p in providers.iter_mut() {
        p.conversions = (c[p.index as usize] * setup.weight as i128) as f64;
    }
}

/// The same tally after matching, for wages, production and the record.
pub fn recount_workforce(
    setup: Res<Setup>,
    workers: Query<&WorkerBlock>,
    parts: Local<Parallel<TallyPart>>,
    tally: ResMut<Tally>,
    labour: ResMut<Labour>,
) {
    tally_workforce(setup, workers, parts, tally, labour);
}
