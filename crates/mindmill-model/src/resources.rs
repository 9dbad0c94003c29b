//! Resources: global state shared by systems (calendar, technology, policy, national
//! aggregates, single-account sectors and output buffers).

use bevy_ecs::prelude::*;
use mindmill_config::{Config, TIERS};

use crate::output::Table;
use crate::rng::Draws;

/// Seconds in a month (365.25 / 12 days).
pub const SECONDS_PER_MONTH: f64 = 365.25 / 12.0 * 86_400.0;
/// Hours in a month.
pub const HOURS_PER_MONTH: f64 = 365.25 / 12.0 * 24.0;

/// One occupation as the model uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupationSpec {
    /// SOC code.
    pub soc_code: String,
    /// Title.
    pub title: String,
    /// Tier index.
    pub tier: u8,
    /// Exposure used (beta) at start.
    pub exposure: f64,
    /// Ceiling of the automatable share (gamma, times the C delegation cap for tier C).
    pub cap: f64,
    /// Capability (log10 FLOP) at which half of the cap is automatable.
    pub midpoint: f64,
    /// Median wage at start, USD per month.
    pub base_wage: f64,
    /// Employment, persons (OES 2021).
    pub employment: f64,
}

/// What a run is set up with; never changes during the run.
#[derive(Resource, Debug, Clone)]
pub struct Setup {
    /// The resolved config.
    pub config: Config,
    /// Random draws of this run.
    pub draws: Draws,
    /// People per worker agent.
    pub weight: u64,
    /// Ticks in the horizon.
    pub ticks: u32,
    /// Occupations.
    pub occupations: Vec<OccupationSpec>,
    /// Per tier: occupation indices and cumulative employment weights, for drawing
    /// the occupation of a worker who enters the tier.
    pub tier_occupations: [(Vec<u16>, Vec<f64>); TIERS],
    /// Initial national employment share of each occupation within its tier.
    pub tier_weights: Vec<f64>,
    /// NAICS code and LM-AIIE of each sector.
    pub sectors: Vec<(String, f64)>,
    /// Industrial electricity prices of the states, USD/kWh.
    pub state_prices: Vec<f64>,
    /// Worker ids written to the sample table, sorted.
    pub sample_ids: Vec<u32>,
}

/// Scenario state that events change.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Policy {
    /// Highest AI share of tasks by tier.
    pub regulation_cap: [f64; TIERS],
    /// Open-weight lag, months.
    pub open_weight_lag: u32,
    /// Multiplier on electricity prices.
    pub electricity_factor: f64,
    /// Multiplier on grid connections.
    pub grid_factor: f64,
    /// Basic income, USD per person per month.
    pub basic_income: f64,
    /// Compute tax rate.
    pub compute_tax: f64,
    /// Share of retraining costs paid by government.
    pub retraining_subsidy: f64,
    /// Multiplier on outside capital for providers.
    pub capital_appetite: f64,
    /// Cumulative capability jumps, OOM.
    pub capability_jump: f64,
    /// Cumulative inference efficiency jumps (factor).
    pub efficiency_jump: f64,
}

/// The clock.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Current tick (month), from 0.
    pub tick: u32,
}

/// Technology state, updated each tick.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Tech {
    /// Peak FLOP/s of a GPU bought now (one unit at the constant H100e price).
    pub new_gpu_flops: f64,
    /// IT watts of a GPU bought now.
    pub new_gpu_watts: f64,
    /// Price of a GPU bought now, USD.
    pub new_gpu_price: f64,
    /// Cumulative algorithmic efficiency of training since start.
    pub training_efficiency: f64,
    /// Cumulative algorithmic efficiency of inference since start.
    pub inference_efficiency: f64,
    /// Frontier capability (best closed provider), log10 FLOP.
    pub frontier: f64,
    /// Open-weight capability.
    pub open_weight: f64,
    /// Frontier capability by month, starting `history_offset` months before tick 0.
    pub frontier_history: Vec<f64>,
    /// Months of history before tick 0.
    pub history_offset: u32,
    /// Share of consumer inference on devices.
    pub on_device: f64,
    /// Inference FLOP per unit of AI work at the start's capability (fixed capability).
    pub fixed_capability_flop_per_unit: f64,
    /// Automatable share of each occupation at each provider's capability [provider][occupation].
    pub automatable: Vec<Vec<f32>>,
    /// Automatable share of each occupation at the frontier.
    pub automatable_frontier: Vec<f32>,
    /// Mean automatable share by tier at each provider's capability (initial employment weights).
    pub tier_ceiling: Vec<[f64; TIERS]>,
    /// Mean automatable share by tier at the frontier.
    pub tier_ceiling_frontier: [f64; TIERS],
}

/// National labour-market aggregates (counts are agents).
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Labour {
    /// Employed agents by tier.
    pub employed: [u64; TIERS],
    /// Unemployed agents by tier.
    pub unemployed: [u64; TIERS],
    /// Agents in retraining by target tier.
    pub retraining: [u64; TIERS],
    /// Agents with own AI tools by tier.
    pub tools: [u64; TIERS],
    /// Unemployment rate by tier (smoothed, for the wage rule).
    pub unemployment_rate: [f64; TIERS],
    /// Vacancies by tier (agents).
    pub vacancies: [u64; TIERS],
    /// Hires this month by tier.
    pub hires: [u64; TIERS],
    /// Separations this month by tier.
    pub separations: [u64; TIERS],
    /// Retraining completions this month by target tier.
    pub retrained: [u64; TIERS],
    /// Moves of unemployed workers into this tier without retraining, this month.
    pub moved: [u64; TIERS],
    /// Mean gross wage of the employed by tier, USD per month.
    pub mean_wage: [f64; TIERS],
    /// Value of human work in each occupation (the uncapped K+S wage index), USD per month.
    pub occupation_value: Vec<f64>,
    /// Occupation wage after the compute-cost ceiling, USD per month.
    pub occupation_wage: Vec<f64>,
    /// National AI adoption ratio by tier (mean of phi / ceiling over firms).
    pub adoption_ratio: [f64; TIERS],
    /// Mean AI share of tasks by tier (task-weighted).
    pub ai_share: [f64; TIERS],
}

/// Macro aggregates carried between ticks.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Macro {
    /// Consumer price index (1 at start).
    pub cpi: f64,
    /// Monthly CPI inflation, smoothed.
    pub inflation: f64,
    /// Real output per employed worker (index), this month.
    pub productivity: f64,
    /// Effective labour (skill x own-tools boost) per employed worker.
    pub human_productivity: f64,
    /// Monthly growth of human productivity, smoothed (the wage rule's productivity term).
    pub productivity_growth: f64,
    /// Share of people using generative AI.
    pub chat_adoption: f64,
    /// Real output, units.
    pub output: f64,
    /// Nominal sales of firms, USD.
    pub sales: f64,
    /// Unmet demand share (1 - fulfilment) in the goods market.
    pub unmet_demand: f64,
}

/// The single-account sectors: capital owners, chip vendors, the energy sector and
/// government, with the flows the accounts need. Balances in cents.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Institutions {
    /// Capital owners' deposits.
    pub owners: i64,
    /// Owners' income this month (dividends), cents.
    pub owner_income: i64,
    /// Owners' income last month, cents (their consumption base).
    pub owner_income_last: i64,
    /// Chip vendors' deposits.
    pub chips: i64,
    /// Chip sales this month, cents.
    pub chip_sales: i64,
    /// Energy sector deposits.
    pub energy: i64,
    /// Energy sales this month, cents.
    pub energy_sales: i64,
    /// Government deposits (negative = public debt).
    pub government: i64,
    /// Taxes collected this month by kind: income, profit, compute.
    pub taxes: [i64; 3],
    /// Transfers paid this month: benefits, basic income, retraining subsidy.
    pub transfers: [i64; 3],
    /// Profit tax paid by client firms this month, cents.
    pub firm_profit_tax: i64,
    /// Profit tax paid by chip vendors this month, cents.
    pub chip_tax: i64,
    /// Profit tax paid by the energy sector this month, cents.
    pub energy_tax: i64,
    /// Government goods purchases planned for next month, cents.
    pub planned_purchases: i64,
    /// Government goods purchases this month, cents.
    pub purchases: i64,
    /// The goods-market clearing account (zero at the end of every tick).
    pub clearing: i64,
    /// Retraining spending waiting in the clearing account, cents.
    pub retraining_spending: i64,
}

/// This tick's national, Marxian and surplus accounts (USD per month, national).
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Accounts {
    /// Gross value added (GDP at market prices).
    pub gdp: f64,
    /// Gross wages (v).
    pub wages: f64,
    /// Constant capital used up (c): AI services bought, energy, depreciation.
    pub constant_capital: f64,
    /// Depreciation of GPUs.
    pub depreciation: f64,
    /// Surplus value s = GDP - depreciation - v.
    pub surplus: f64,
    /// Firms' profits after tax.
    pub firm_profits: f64,
    /// Providers' margins after depreciation and tax.
    pub provider_margins: f64,
    /// Chip vendors' rents after tax.
    pub compute_rents: f64,
    /// Energy sector's rents after tax.
    pub energy_rents: f64,
    /// Government: profit and compute taxes.
    pub taxes: f64,
    /// Buyers' gain from prices below their start level, USD.
    pub price_gain: f64,
    /// Household and government final consumption of goods.
    pub consumption: f64,
    /// Investment (GPU purchases).
    pub investment: f64,
    /// AI services bought by firms (ex tax).
    pub ai_intermediate: f64,
    /// Consumer subscriptions (ex tax).
    pub subscriptions: f64,
}

/// Scratch per firm, per tier, filled by tallies over workers. Indexed by firm id.
#[derive(Resource, Debug, Clone, Default)]
pub struct Tally {
    /// Employed agents [firm][tier].
    pub headcount: Vec<[u32; TIERS]>,
    /// Effective labour [firm][tier], worker-months per agent-person (skill x tools boost).
    pub effective: Vec<[f64; TIERS]>,
    /// Sum of gross wages [firm][tier], USD per person.
    pub wages: Vec<[f64; TIERS]>,
    /// Employed agents by occupation.
    pub occ_employed: Vec<u32>,
    /// Unemployed (and retraining) agents by occupation.
    pub occ_unemployed: Vec<u32>,
    /// Sum of gross wages by occupation, USD.
    pub occ_wages: Vec<f64>,
}

/// Entities by stable id.
#[derive(Resource, Debug, Clone, Default)]
pub struct Index {
    /// Firm entities by firm id.
    pub firms: Vec<Entity>,
    /// Provider entities by provider index.
    pub providers: Vec<Entity>,
    /// Number of datacenters created so far.
    pub datacenters: u32,
    /// Worker-block entities in id order: worker `i` is in block `i / BLOCK`.
    pub blocks: Vec<Entity>,
}

/// Output buffers, one table per file.
#[derive(Resource, Debug, Clone)]
pub struct Recorder {
    /// One row per tick.
    pub aggregates: Table,
    /// Tick x tier.
    pub tiers: Table,
    /// Tick x provider.
    pub providers: Table,
    /// Tick x datacenter.
    pub datacenters: Table,
    /// Tick x occupation.
    pub occupations: Table,
    /// Tick x firm.
    pub firms: Table,
    /// Tick x sampled worker.
    pub workers_sample: Table,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            aggregates: Table::new("aggregates"),
            tiers: Table::new("tiers"),
            providers: Table::new("providers"),
            datacenters: Table::new("datacenters"),
            occupations: Table::new("occupations"),
            firms: Table::new("firms"),
            workers_sample: Table::new("workers_sample"),
        }
    }
}
