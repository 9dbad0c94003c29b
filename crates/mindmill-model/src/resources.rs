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
    /// Cumulative employment of the occupations at start, for drawing an entrant's occupation.
    pub occupation_cumulative: Vec<f64>,
    /// NAICS code and LM-AIIE of each sector.
    pub sectors: Vec<(String, f64)>,
    /// Industrial electricity prices of the states, USD/kWh.
    pub state_prices: Vec<f64>,
    /// Worker ids written to the sample table, sorted.
    pub sample_ids: Vec<u32>,
    /// Employer agents: the goods firms (ids 0..firms), then the staff of each provider,
    /// the chip vendors, the energy sector and government.
    pub employers: u32,
    /// Goods firms' ids by market.
    pub market_firms: [Vec<u32>; crate::components::MARKETS],
    /// Capital per unit of monthly output at normal utilisation, months (set at start, 5.5).
    pub capital_per_output: f64,
    /// Firms' profit rate at start, per year on capital at replacement cost: the normal rate
    /// of the investment rule.
    pub normal_profit_rate: f64,
    /// Spending shares of the consumption markets (knowledge, in-person) at start prices:
    /// the CES weights of households and the shares of government purchases.
    pub consumption_weights: [f64; 2],
    /// Public employment, persons: government keeps its start headcount.
    pub government_staff: f64,
    /// Banks' equity per dollar of loans at start: the ratio they keep by retaining profit.
    pub bank_capital_ratio: f64,
    /// Real policy rate at start (policy rate less expected inflation), per year: the
    /// reference of the user cost of capital in the investment rule.
    pub start_real_rate: f64,
    /// Median human oversight and integration, worker-months per worker-month of task done
    /// by AI, across tasks; with `oversight_dispersion` fitted at start to
    /// `adoption.profitable_share_start` and `cost_saving_start` (docs/MODEL.md 5, 7.5).
    pub oversight_median: f64,
    /// Log standard deviation of the oversight need across tasks.
    pub oversight_dispersion: f64,
    /// Firms' price taste in the provider choice, utility per log-dollar of the API price,
    /// inverted at start from the leading lab's start markup (7.4).
    pub price_taste: f64,
}

impl Setup {
    /// The institution whose staff is the `j`-th staff employer.
    pub fn staff_employer(&self, j: usize) -> crate::components::Employer {
        use crate::components::Employer::*;
        let np = self.config.providers.len();
        match j {
            j if j < np => Provider(j as u8),
            j if j == np => Chips,
            j if j == np + 1 => Energy,
            _ => Government,
        }
    }

    /// Employer id of an institution's staff.
    pub fn staff_id(&self, e: crate::components::Employer) -> u32 {
        use crate::components::Employer::*;
        let np = self.config.providers.len() as u32;
        self.config.run.firms
            + match e {
                Provider(p) => p as u32,
                Chips => np,
                Energy => np + 1,
                Government => np + 2,
            }
    }
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
    /// Minimum wage, USD per month.
    pub minimum_wage: f64,
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
    /// Price of a GPU bought now, USD: the list price times the scarcity premium.
    pub new_gpu_price: f64,
    /// Scarcity premium of new GPUs over their list price (7.9).
    pub gpu_premium: f64,
    /// Chip vendors' output capacity, GPUs per month.
    pub chip_capacity: f64,
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

/// Number of age bands in the outputs.
pub const AGE_BANDS: usize = 5;

/// Lower edges of the age bands after the first, years: the first band runs from the entry
/// age to 24 (Brynjolfsson, Chandar & Chen 2025 follow workers aged 22-25), then 10-year
/// bands, the last up to the retirement age.
pub const AGE_BAND_EDGES: [u8; AGE_BANDS - 1] = [25, 35, 45, 55];

/// The age band of an age.
#[inline]
pub fn age_band(age: u8) -> usize {
    AGE_BAND_EDGES.iter().filter(|&&e| age >= e).count()
}

/// Label of age band `k`, e.g. `20-24`, from the configured entry and retirement ages.
pub fn age_band_label(k: usize, p: &mindmill_config::PopulationConfig) -> String {
    let lo = if k == 0 { p.entry_age } else { AGE_BAND_EDGES[k - 1] };
    let hi = if k + 1 < AGE_BANDS { AGE_BAND_EDGES[k] } else { p.retirement_age };
    format!("{lo}-{}", hi - 1)
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
    /// People who retired this month, by the tier they left.
    pub retired: [u64; TIERS],
    /// Labour-force entrants this month, by the tier they entered.
    pub entered: [u64; TIERS],
    /// Employed workers by tier and age band (end of the labour market phase).
    pub band_employed: [[u64; AGE_BANDS]; TIERS],
    /// Unemployed and retraining workers by tier and age band.
    pub band_unemployed: [[u64; AGE_BANDS]; TIERS],
    /// Mean gross wage of the employed by tier and age band, USD per month.
    pub band_mean_wage: [[f64; AGE_BANDS]; TIERS],
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
    /// Share of technically automatable tasks that are profitable to give to AI at the
    /// tier's mean wage and the cheapest AI price, by tier.
    pub profitable_share: [f64; TIERS],
    /// Mean oversight need of those tasks, worker-months per AI worker-month, by tier.
    pub oversight_mean: [f64; TIERS],
    /// Mean units of AI work (compute) per AI task of those tasks.
    pub compute_mean: [f64; TIERS],
    /// AI's share of its market, the technically automatable task volume (the rest is done by
    /// people: the outside good of the providers' price game, 7.4).
    pub ai_market_share: f64,
}

/// Macro aggregates carried between ticks.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Macro {
    /// Consumer price index (1 at start): the consumption markets' unit value.
    pub cpi: f64,
    /// Price index of each market last month (sales / units sold; 1 at start).
    pub price_index: [f64; crate::components::MARKETS],
    /// Spending each market was asked for this month, USD.
    pub market_demand: [f64; crate::components::MARKETS],
    /// Smoothed excess demand by market: unplaced demand over placed demand.
    pub excess_demand: [f64; crate::components::MARKETS],
    /// Monthly CPI inflation, smoothed.
    pub inflation: f64,
    /// Real output per employed worker (index), this month.
    pub productivity: f64,
    /// Trend of output per employed worker (exponentially smoothed level).
    pub productivity_trend: f64,
    /// Monthly growth of the productivity trend (the wage rule's productivity term when
    /// `wages.productivity_measure` = "workers").
    pub productivity_growth: f64,
    /// Trend of output per task unit performed, by people or by AI (smoothed level).
    pub task_productivity_trend: f64,
    /// Monthly growth of the task productivity trend (the wage rule's productivity term by
    /// default, `wages.productivity_measure` = "tasks").
    pub task_productivity_growth: f64,
    /// Output per employed worker in the first month (the base of potential GDP).
    pub productivity_start: f64,
    /// Potential labour productivity: the slow trend of output per worker that potential
    /// GDP, and with it the fiscal rule, grows with.
    pub productivity_potential: f64,
    /// Monthly growth of potential labour productivity.
    pub potential_growth: f64,
    /// Share of people using generative AI.
    pub chat_adoption: f64,
    /// Each provider's share of chat users this month (logit on capability gained, 7.9).
    pub consumer_shares: Vec<f64>,
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
    /// Capital owners' bank loans (their overdrafts, converted at the end of a month).
    pub owner_loans: i64,
    /// Owners' income this month (dividends and net interest), cents.
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
    /// Smoothed monthly chip sales, cents (the base of chip vendors' staff).
    pub chip_sales_trend: f64,
    /// Smoothed monthly energy sales, cents (the base of the energy sector's staff).
    pub energy_sales_trend: f64,
    /// Equity owners put into chip vendors and the energy sector this month to cover wages
    /// their sales did not, cents.
    pub rent_equity: i64,
    /// The government's account at the central bank; brought back to zero each month by
    /// selling or redeeming bonds (`Finance::bonds` is the debt).
    pub government: i64,
    /// Taxes collected this month by kind: income, profit, compute.
    pub taxes: [i64; 3],
    /// Transfers paid this month: benefits, basic income, retraining subsidy.
    pub transfers: [i64; 3],
    /// Profit tax paid by client firms this month, cents.
    pub firm_profit_tax: i64,
    /// Profit tax paid by providers this month, cents.
    pub provider_tax: i64,
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

/// Rates, the banking sector's and central bank's balance sheets, government debt and this
/// month's financial flows. Money in cents; rates per year.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Finance {
    /// Policy rate set by the central bank (for this month).
    pub policy_rate: f64,
    /// Rate paid on deposits.
    pub deposit_rate: f64,
    /// Rate paid on government bonds.
    pub bond_rate: f64,
    /// Rate on central-bank advances.
    pub advance_rate: f64,
    /// Expected inflation, per year (wage setters).
    pub expected_inflation: f64,
    /// CPI inflation over the last 12 months.
    pub inflation_12m: f64,
    /// CPI of each of the last 12 months (slot tick % 12 holds the CPI of tick - 12 until updated).
    pub cpi_ring: [f64; 12],
    /// The banks' loan book.
    pub bank_loans: i64,
    /// Government bonds held by banks.
    pub bank_bonds: i64,
    /// Banks' reserves at the central bank.
    pub reserves: i64,
    /// Central-bank advances to banks.
    pub advances: i64,
    /// Government bonds outstanding.
    pub bonds: i64,
    /// Bonds held by owners.
    pub owner_bonds: i64,
    /// Bonds held by the central bank.
    pub cb_bonds: i64,
    /// Smoothed nominal GDP, USD per month (the base of the debt ratio).
    pub gdp_trend: f64,
    /// Potential GDP at start prices, USD per month at start (GDP at start).
    pub potential_gdp: f64,
    /// Government purchases / potential GDP at the start debt ratio.
    pub purchases_share: f64,
    /// Government's net interest at start, USD per month at start prices: with purchases it
    /// makes the real budget the fiscal rule holds.
    pub interest_anchor: f64,
    /// Debt / annual GDP at start (the fiscal rule's anchor).
    pub debt_target: f64,
    /// Interest paid on loans this month, by firms, providers and owners.
    pub loan_interest: [i64; 3],
    /// Interest paid on deposits this month.
    pub deposit_interest: i64,
    /// Interest the government paid on its bonds this month.
    pub bond_interest: i64,
    /// New loans this month.
    pub new_loans: i64,
    /// Loans repaid this month.
    pub repayments: i64,
    /// Loans written off this month.
    pub write_offs: i64,
    /// Firms restructured this month (agents).
    pub bankruptcies: u32,
    /// Credit requested by firms this month and not granted (the bank's capital bound or the
    /// firms' debt limits).
    pub credit_refused: i64,
    /// Banks' profit before tax this month.
    pub bank_profit: i64,
    /// Banks' dividends this month.
    pub bank_dividends: i64,
    /// Equity put into banks this month to restore the capital requirement.
    pub bank_recapitalisation: i64,
    /// The central bank's profit remitted to government this month.
    pub remittance: i64,
}

/// This tick's national, Marxian and surplus accounts (USD per month, national).
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct Accounts {
    /// Gross value added (GDP at market prices).
    pub gdp: f64,
    /// Gross wages of every employer (v).
    pub wages: f64,
    /// Government's wage bill (its own output).
    pub public_wages: f64,
    /// Wage bill of AI providers, chip vendors and the energy sector.
    pub ai_stack_wages: f64,
    /// Government consumption: purchases of goods and services plus public wages.
    pub government_consumption: f64,
    /// Firms' capital goods at replacement cost, USD.
    pub capital_firms: f64,
    /// Datacenter GPUs at today's price per FLOP/s, USD.
    pub capital_gpus: f64,
    /// Datacenter buildings and power equipment at replacement cost, USD.
    pub capital_buildings: f64,
    /// Constant capital advanced C: the three stocks above plus one month of AI services and energy, USD.
    pub constant_capital_stock: f64,
    /// Variable capital advanced V: one month's wage bill, USD.
    pub variable_capital_stock: f64,
    /// Constant capital used up (c): AI services bought, energy, depreciation of GPUs,
    /// buildings and firms' capital.
    pub constant_capital: f64,
    /// Depreciation of firms' capital, GPUs and datacenter buildings.
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
    /// Finance: net interest paid by firms and providers.
    pub net_interest: f64,
    /// Buyers' gain from prices below their start level, USD.
    pub price_gain: f64,
    /// Household and government final consumption of goods.
    pub consumption: f64,
    /// Investment: capital goods (firms' and providers' buildings) and GPUs.
    pub investment: f64,
    /// AI services bought by firms (ex tax).
    pub ai_intermediate: f64,
    /// Consumer subscriptions (ex tax).
    pub subscriptions: f64,
    /// Every sector's holdings of every instrument at the end of the tick, cents.
    pub balance_sheet: crate::accounts::Holdings,
    /// The same at the end of the previous tick.
    pub previous_balance_sheet: crate::accounts::Holdings,
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
    /// Tick x tier x age band.
    pub ages: Table,
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
    /// Tick x market.
    pub markets: Table,
    /// Tick x flow x sector: the transaction-flow matrix.
    pub transactions: Table,
    /// Tick x instrument x sector: the balance-sheet matrix.
    pub balance_sheet: Table,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            aggregates: Table::new("aggregates"),
            tiers: Table::new("tiers"),
            ages: Table::new("ages"),
            providers: Table::new("providers"),
            datacenters: Table::new("datacenters"),
            occupations: Table::new("occupations"),
            firms: Table::new("firms"),
            workers_sample: Table::new("workers_sample"),
            markets: Table::new("markets"),
            transactions: Table::new("transactions"),
            balance_sheet: Table::new("balance_sheet"),
        }
    }
}
