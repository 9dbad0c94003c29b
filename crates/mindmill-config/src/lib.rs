//! Configuration schema of mindmill, its compiled-in baseline and its validation.
//!
//! `configs/baseline.toml` is the single source of every default: it is compiled in,
//! and a user's config names only what it changes. A user file is merged over the
//! baseline table by table (arrays such as `providers` and `events` are replaced
//! whole), then deserialized with unknown keys rejected, then range-checked.
//! Every error names the file, the key, the value and what is allowed.
//!
//! Field docs give meaning, unit and source; docs/MODEL.md carries the same table.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

mod validate;
pub use validate::tier_index;

/// The baseline scenario, verbatim.
pub const BASELINE_TOML: &str = include_str!("../../../configs/baseline.toml");

/// Number of worker tiers: A (routine, industrialised), B (managing and checking AI),
/// C (judgement and relationships), M (manual and in-person, little LLM exposure).
pub const TIERS: usize = 4;
/// Tier names in index order.
pub const TIER_NAMES: [&str; TIERS] = ["A", "B", "C", "M"];

/// Smallest number of worker agents whose baseline headline outcomes stay within the
/// convergence study's tolerances of the 10^6-worker result (docs/VALIDATION.md,
/// "Convergence with the number of agents"; `mindmill validate` reruns the study and says
/// when this constant disagrees with it). `mindmill run` and `mindmill sweep` warn below it.
pub const MIN_CONVERGED_WORKERS: u64 = 5_000;

/// Largest config or sweep file read, bytes: the baseline is about 19 KB, and every run
/// stores its resolved config in each Parquet footer (a 50 MB file made `check` take 2 GB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Refuses a file above [`MAX_CONFIG_BYTES`] before reading it.
pub fn check_file_size(path: &Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_CONFIG_BYTES => Err(format!(
            "the file is {:.1} MB; config and sweep files are at most 1 MB (the baseline is about 19 KB)",
            m.len() as f64 / 1e6
        )),
        _ => Ok(()),
    }
}

/// Fewest firm agents a run can have: one per goods market (knowledge services, in-person
/// services and goods, capital goods).
pub const MIN_FIRMS: u32 = 3;

/// Largest labour force (persons): money is exact integer cents in i64, and larger economies
/// overflow them (1e11 people did, in month 1).
pub const MAX_LABOUR_FORCE: f64 = 1e10;

/// A full, resolved configuration of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Scheduled scenario shocks.
    pub events: Vec<Event>,
    /// Size, horizon and seed.
    pub run: RunConfig,
    /// The worker population and how occupations map to tiers.
    pub population: PopulationConfig,
    /// Hardware, algorithmic progress and capability.
    pub technology: TechnologyConfig,
    /// GPU fleets, power and depreciation.
    pub datacenters: DatacenterConfig,
    /// Electricity.
    pub energy: EnergyConfig,
    /// Client firms: pricing, demand, finance, provider choice.
    pub firms: FirmConfig,
    /// How firms move tasks to AI.
    pub adoption: AdoptionConfig,
    /// Layoffs, matching, retraining and workers' own AI tools.
    pub labour: LabourConfig,
    /// The wage rule.
    pub wages: WageConfig,
    /// Consumption and consumer AI use.
    pub households: HouseholdConfig,
    /// Taxes, transfers, the fiscal rule and policy switches.
    pub government: GovernmentConfig,
    /// Firms' capital goods, investment and datacenter buildings.
    pub capital: CapitalConfig,
    /// Staff of AI providers, chip vendors and the energy sector.
    pub staff: StaffConfig,
    /// Banks: interest spreads, credit limits, capital and reserves.
    pub finance: FinanceConfig,
    /// The central bank: Taylor rule and inflation expectations.
    pub central_bank: CentralBankConfig,
    /// Investors who value AI providers and supply their outside equity.
    pub investors: InvestorConfig,
    /// AI providers.
    pub providers: Vec<ProviderConfig>,
}

/// Size, horizon and seed of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Worker agents. Each stands for `labour_force / workers` people (rounded). Default 100,000.
    pub workers: u64,
    /// Firm agents. Default 2,000.
    pub firms: u32,
    /// Horizon in years; the run has `12 * years` monthly ticks. Default 10.
    pub years: u32,
    /// Master seed of every random stream. Default 42.
    pub seed: u64,
    /// Number of workers whose trajectories are written individually. Default 250.
    pub sample_workers: u32,
    /// Calendar year of tick 0 (January). Default 2025.
    pub start_year: u32,
}

/// Which Eloundou et al. (2024) rating sets the share of an occupation's tasks exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExposureMeasure {
    /// GPT-4 rated beta = E1 + 0.5 E2.
    Gpt4Beta,
    /// Human rated beta.
    HumanBeta,
}

/// The worker population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationConfig {
    /// People represented, persons. Default 140.9 M (BLS OES May 2021, 831 occupations).
    pub labour_force: f64,
    /// Exposure rating used for automatability. Default `gpt4_beta`.
    pub exposure_measure: ExposureMeasure,
    /// Unemployment rate at start, share. Default 0.04 (BLS CPS 2024-25).
    pub initial_unemployment: f64,
    /// Standard deviation of log skill within an occupation. Default 0.3.
    pub skill_sigma: f64,
    /// Worker deposits at start, months of wage. Default 2.
    /// Age at which people enter the labour force, years. Default 20.
    pub entry_age: u8,
    /// Age at which people retire, years; a retiree's place is taken by an entrant, so
    /// ages stay uniform on [entry_age, retirement_age). Default 65.
    pub retirement_age: u8,
    pub initial_deposit_months: f64,
    /// SOC major groups of cognitive work: Acemoglu & Autor's (2011) professional, managerial
    /// and technical occupations (11-29), sales (41) and office and administrative support (43).
    /// Their occupations are knowledge work where they can be done away from a workplace
    /// (`teleworkable_min`); all others are manual and in-person work, tier M.
    /// Default 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 41, 43.
    pub knowledge_major_groups: Vec<String>,
    /// Teleworkable share (Dingel & Neiman 2020) at or above which an occupation of a knowledge
    /// group is knowledge work; below it the work needs a place, equipment or people present
    /// (tier M). Default 0.5.
    pub teleworkable_min: f64,
    /// Knowledge groups whose occupations are tier C: work of judgement, responsibility and
    /// relationships (management, community and social service, legal, education, healthcare
    /// practitioners). Default 11, 21, 23, 25, 29.
    pub c_major_groups: Vec<String>,
    /// Knowledge groups whose occupations are tier A whatever their exposure: routine cognitive
    /// work (Acemoglu & Autor 2011: office and administrative support). Default 43.
    pub a_major_groups: Vec<String>,
    /// Exposure at or above which other knowledge work is tier A, below which tier B. Default 0.5.
    pub high_exposure: f64,
}

/// Technology: hardware, algorithms, capability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechnologyConfig {
    /// Frontier capability at start, log10 effective training FLOP. Default 26.66 (4.6e26, Epoch).
    pub frontier_capability_oom: f64,
    /// Logistic scale of task difficulty within an occupation, orders of magnitude. Default 1.5.
    pub task_spread_oom: f64,
    /// Largest share of a tier C job's exposed tasks that may be delegated to AI. Default 0.5.
    pub c_delegation_cap: f64,
    /// Growth of FLOP/s per dollar of new GPUs, factor per year. Default 1.31 (Epoch).
    pub flops_per_dollar_growth: f64,
    /// Growth of FLOP/s per watt of new GPUs, factor per year. Default 1.61 (Epoch, fitted by `mindmill calibrate`).
    pub flops_per_watt_growth: f64,
    /// Algorithmic efficiency of training, factor per year. Default 3.0 (Epoch).
    pub training_efficiency_growth: f64,
    /// Algorithmic efficiency of inference at fixed capability, factor per year. Default 3.0.
    pub inference_efficiency_growth: f64,
    /// Half-life of the log growth rate of algorithmic efficiency, years. Default 6.
    pub efficiency_halflife_years: f64,
    /// Elasticity of inference FLOP per unit of work to frontier training compute. Default 0.5.
    pub inference_capability_elasticity: f64,
    /// Capability gained per order of magnitude of training compute, OOM per OOM. Default 1.0
    /// (capability is measured in effective training FLOP, Epoch). 0 stalls capability at its
    /// start level whatever is spent on training.
    pub capability_compute_elasticity: f64,
    /// Frontier inference FLOP replacing one worker-month of tasks at start. Default 4e19.
    pub flop_per_unit: f64,
    /// FLOP per month of a free chat user. Default 2e17.
    pub free_user_flop_month: f64,
    /// FLOP per month of a paying subscriber. Default 4e18.
    pub paid_user_flop_month: f64,
    /// Share of consumer inference on devices at start. Default 0.02.
    pub on_device_initial: f64,
    /// Long-run share of consumer inference on devices. Default 0.4.
    pub on_device_max: f64,
    /// Years to the logistic midpoint of on-device share. Default 6.
    pub on_device_midpoint_years: f64,
    /// Logistic steepness of on-device share, per year. Default 0.8.
    pub on_device_rate: f64,
    /// Months by which open-weight capability trails the frontier. Default 12.
    pub open_weight_lag_months: u32,
    /// Frontier growth before tick 0, OOM per year (fills the lag history). Default 1.0.
    pub pre_start_capability_growth_oom: f64,
}

/// Datacenters and GPUs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatacenterConfig {
    /// Peak dense BF16 FLOP/s of one H100-equivalent at start. Default 9.89e14.
    pub gpu_flops: f64,
    /// Delivered share of peak in serving (model FLOP utilisation). Default 0.35.
    pub inference_mfu: f64,
    /// IT power per H100e, watts, server overhead included. Default 1100.
    pub it_watts_per_gpu: f64,
    /// All-in hardware cost per H100e at start, USD. Default 35,800 (Epoch clusters).
    pub gpu_price_usd: f64,
    /// Depreciation and service life, years. Default 5.
    pub gpu_life_years: f64,
    /// PUE of the existing fleet. Default 1.55 (Uptime Institute).
    pub pue_fleet: f64,
    /// PUE of new sites. Default 1.3.
    pub pue_new: f64,
    /// Facility power of one site, MW. Default 1000.
    pub site_power_mw: f64,
    /// New facility power a provider can connect per month, MW. Default 400.
    pub grid_mw_per_month: f64,
    /// Highest sustainable utilisation of installed compute. Default 0.85.
    pub max_utilisation: f64,
    /// Months from GPU order to service. Default 6.
    pub build_months: u32,
    /// Months over which chip vendors close the gap between their output capacity and the
    /// GPUs ordered (packaging and fab lines take about a year to add). Default 12.
    pub chip_capacity_months: f64,
    /// Highest price of a new GPU over its list price, while orders exceed chip capacity.
    /// Default 2.
    pub max_gpu_premium: f64,
}

/// Electricity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergyConfig {
    /// Electricity price for existing sites, USD per kWh. Default 0.0796 (EIA 2024 state median).
    pub electricity_usd_kwh: f64,
    /// Draw each new site's price from the EIA state list. Default true.
    pub site_price_from_states: bool,
    /// Growth of electricity prices, share per year. Default 0.
    pub price_growth: f64,
}

/// Client firms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirmConfig {
    /// Initial markup over unit cost. Default 0.75.
    pub markup: f64,
    /// Lowest markup. Default 0.1.
    pub markup_min: f64,
    /// Highest markup. Default 1.5.
    pub markup_max: f64,
    /// Price over the cost-plus level per unit of smoothed excess demand (demand / output - 1,
    /// within +-0.5): firms raise prices while they cannot serve demand and cut them while
    /// output goes unsold (Delli Gatti et al. 2011; Assenza, Delli Gatti & Grazzini 2015). Default 0.5.
    pub demand_pressure: f64,
    /// K+S markup rule: a firm's markup grows by this times the relative change of its market
    /// share last month (Dosi, Fagiolo & Roventini 2010, upsilon). Default 0.04.
    pub markup_share_response: f64,
    /// Pareto tail exponent of firm size. Default 1.06 (Axtell 2001).
    pub size_pareto_alpha: f64,
    /// Largest firm's share of workers. Default 0.02.
    pub max_size_share: f64,
    /// Elasticity of market share to relative price. Default 3.
    pub price_elasticity: f64,
    /// Elasticity of substitution between the tiers' tasks in production (CES). Default 0.5.
    pub task_elasticity: f64,
    /// Adaptive weight of demand expectations per month. Default 0.3.
    pub expectation_weight: f64,
    /// Plans exceed last month's output by at most this share. Default 0.1.
    pub max_expansion: f64,
    /// Share of deposits above the cash buffer paid out as dividends each month. Default 0.9.
    pub dividend_payout: f64,
    /// Deposits kept, months of costs; below it a firm borrows. Default 2.
    pub cash_buffer_months: f64,
    /// A firm is restructured when its net worth is below minus this many months of costs. Default 4.
    pub exit_months: f64,
    /// Owners' equity injected into a restructured firm, months of costs. Default 2.
    pub entry_equity_months: f64,
    /// Monthly chance a firm reviews its AI provider. Default 1/12.
    pub provider_review_probability: f64,
    /// Logit utility per OOM of capability. Default 2.
    pub capability_taste: f64,
    /// Firm agents of at least this many workers buy on enterprise contracts. Default 50.
    pub enterprise_min_workers: u32,
}

/// Automation adoption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionConfig {
    /// AI share of technically automatable tasks at start. Default 0.05.
    pub initial_share_of_ceiling: f64,
    /// Bass innovation coefficient, per year. Default 0.03 (Sultan, Farley & Lehmann 1990).
    pub bass_p: f64,
    /// Bass imitation coefficient, per year. Default 0.38 (same).
    pub bass_q: f64,
    /// Adoption speed per sd of industry LM-AIIE (Felten et al. 2023). Default 0.5.
    pub sector_sensitivity: f64,
    /// Share of technically automatable (exposed) tasks that are profitable to give to AI
    /// at start prices and wages. Default 0.23 (Acemoglu 2024).
    pub profitable_share_start: f64,
    /// Average cost saving on the tasks that are profitable to automate at start: one minus
    /// (compute + oversight) over the wage. Default 0.27 (Acemoglu 2024, from Svanberg et
    /// al. 2024 and the experimental studies it cites).
    pub cost_saving_start: f64,
    /// Capability OOMs above the 2025 frontier over which the oversight a unit of AI work
    /// needs falls by a factor e (more capable models need less checking). Default 2.
    pub oversight_decay_oom: f64,
    /// Elasticity of the oversight a task done by AI needs with respect to the inference
    /// compute spent on it (more reasoning and more samples leave less to check and fix):
    /// firms buy compute per task up to where its price equals the oversight it saves; 0
    /// keeps one unit of AI work per task. Default 0.12 (Brown et al. 2024, SWE-bench Lite:
    /// unsolved issues 84% with one sample, 44% with 250).
    pub compute_oversight_elasticity: f64,
    /// Monthly share of the gap closed when a firm's AI share is above what is profitable
    /// (tasks move back to people). Default 0.05.
    pub reversal_rate: f64,
    /// Highest AI share of tasks allowed, by tier A, B, C, M. Default all 1.
    pub regulation_cap: [f64; TIERS],
}

/// The labour market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabourConfig {
    /// Scale of the monthly matching function. Default 0.75.
    pub matching_efficiency: f64,
    /// Elasticity of matches to unemployment. Default 0.5 (Petrongolo & Pissarides 2001).
    pub matching_elasticity: f64,
    /// Share of excess headcount shed per month. Default 0.3.
    pub layoff_speed: f64,
    /// Monthly separation rate besides layoffs. Default 0.01.
    pub quit_rate: f64,
    /// Monthly chance a long-unemployed tier A worker starts retraining. Default 0.04.
    pub retrain_probability: f64,
    /// Months unemployed before retraining is considered. Default 3.
    pub retrain_after_months: u32,
    /// Months a retraining programme lasts. Default 9.
    pub retrain_months: u32,
    /// Cost of a programme, USD. Default 6,000.
    pub retrain_cost_usd: f64,
    /// Share of retrainees who move to tier C (others to B). Default 0.3.
    pub retrain_to_c: f64,
    /// Wage discount after changing occupation. Default 0.15.
    pub novice_discount: f64,
    /// Months unemployed before a worker looks for work in another tier. Default 6.
    pub mobility_after_months: u32,
    /// Monthly chance that such a worker moves to a tighter tier A or M. Default 0.1.
    pub mobility_rate: f64,
    /// Bass innovation coefficient of workers' own AI tools, per year. Default 0.02.
    pub tools_bass_p: f64,
    /// Bass imitation coefficient of own tools, per year. Default 0.5.
    pub tools_bass_q: f64,
    /// Share of tier A-C workers with paid AI tools at start. Default 0.04.
    pub tools_initial_share: f64,
    /// Productivity gain of tools for an average worker. Default 0.1 (Brynjolfsson, Li & Raymond 2023).
    pub tools_boost: f64,
    /// Extra gain for the least skilled. Default 0.3 (same).
    pub tools_novice_boost: f64,
    /// Share of the tool gain kept in the wage. Default 0.5.
    pub tools_wage_share: f64,
    /// Reduction of layoff risk for tool owners. Default 0.5.
    pub tools_protection: f64,
}

/// The productivity whose growth the wage rule passes on (MODEL.md 7.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductivityMeasure {
    /// Output per task unit performed, by people or by AI: automation that moves tasks to AI
    /// leaves it unchanged; selection among firms and the oversight tasks adoption adds move it.
    #[default]
    Tasks,
    /// Output per employed worker (K+S average labour productivity): rises when tasks move to AI.
    Workers,
}

/// The wage rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WageConfig {
    /// Indexation to expected inflation. Default 1 (Dosi et al. 2017).
    pub psi_cpi: f64,
    /// Share of expected deflation passed to wages (0 = downward nominal rigidity). Default 0.
    pub deflation_indexation: f64,
    /// Pass-through of productivity growth to wages. Default 1 (Stansbury & Summers 2018: 0.7-1).
    pub psi_productivity: f64,
    /// Which productivity the wage rule passes on: "tasks" (output per task unit, by people or
    /// AI: the productivity of the work people do) or "workers" (output per employed worker,
    /// which also rises when tasks move to AI). Default "tasks" (Acemoglu & Restrepo 2018).
    pub productivity_measure: ProductivityMeasure,
    /// Wage Phillips curve: points of annual wage growth lost per point of tier unemployment
    /// above the natural rate. Default 0.5 (Gali 2011).
    pub phillips_slope: f64,
    /// Natural rate of unemployment, share; the central bank's target too. Default 0.044 (CBO 2025).
    pub natural_unemployment: f64,
    /// Cap wages of automatable work near the AI cost of the same work. Default true.
    pub compute_ceiling: bool,
    /// Wage floor, USD per month. Default 1,257.
    pub minimum_wage_usd_month: f64,
    /// Unemployment benefit as a share of the last wage. Default 0.45.
    pub benefit_replacement: f64,
    /// Months of benefit. Default 6.
    pub benefit_months: u32,
}

/// Households.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdConfig {
    /// Workers' monthly propensity to consume out of disposable income. Default 0.9.
    pub worker_mpc_income: f64,
    /// Workers' monthly propensity to consume out of deposits. Default 0.02.
    pub worker_mpc_wealth: f64,
    /// Owners' monthly propensity to consume out of income. Default 0.5.
    pub owner_mpc_income: f64,
    /// Owners' monthly propensity to consume out of financial wealth. Default 0.01; owners start
    /// at the stock norm (1 - owner_mpc_income) / owner_mpc_wealth months of their income.
    pub owner_mpc_wealth: f64,
    /// Share of owners' financial wealth held in government bonds (the rest in deposits). Default 0.5.
    pub owner_bond_share: f64,
    /// Share of people using generative AI at start. Default 0.4 (Bick, Blandin & Deming 2024).
    pub chat_adoption_initial: f64,
    /// Bass p of chat adoption, per year. Default 0.05.
    pub chat_bass_p: f64,
    /// Bass q of chat adoption, per year. Default 0.5.
    pub chat_bass_q: f64,
    /// How much on-device inference discourages paid plans. Default 0.5.
    pub on_device_paid_substitution: f64,
    /// Elasticity of substitution in consumption between knowledge services and in-person
    /// services and goods (below 1: spending shifts toward the sector whose relative price
    /// rises; Baumol 1967, Ngai & Pissarides 2007). Default 0.5.
    pub consumption_elasticity: f64,
    /// Utility per OOM of capability a provider gained since the start, in people's choice of
    /// chat provider (logit with the start shares as brand intercepts). Default 2.0 (as firms).
    pub capability_taste: f64,
    /// Rise in spending on a platform's products by people who use its bundled AI. Default
    /// 0.10 (Alphabet Q1 2025: AI Overviews raise usage of Google Search by over 10% for the
    /// queries that show them).
    pub bundle_uplift: f64,
}

/// Government.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernmentConfig {
    /// Average tax rate on wages. Default 0.22.
    pub income_tax: f64,
    /// Tax on positive profits. Default 0.21.
    pub profit_tax: f64,
    /// Ad valorem tax on AI services sold. Default 0.
    pub compute_tax: f64,
    /// Basic income per person per month, USD. Default 0.
    pub basic_income_usd_month: f64,
    /// Share of retraining costs paid by government. Default 0.5.
    pub retraining_subsidy: f64,
    /// Monthly weight of this month's nominal GDP in the smoothed GDP debt is measured against. Default 0.1.
    pub spending_smoothing: f64,
    /// Purchases fall by this share of potential GDP per unit of debt/GDP above its start level (Bohn 1998). Default 0.05.
    pub debt_response: f64,
    /// Monthly weight of this month's output per worker in potential labour productivity,
    /// the trend that real purchases grow with (the labour force is fixed, so potential GDP
    /// grows with it). Default 1/36: a trailing trend over a business cycle (CBO 2001 fits
    /// trend productivity between cycle peaks, about 6 years apart), mean lag 3 years.
    pub potential_smoothing: f64,
}

/// Firms' capital goods (a stock at replacement cost that bounds capacity), investment by a
/// flexible accelerator with a profitability term, and providers' datacenter buildings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapitalConfig {
    /// Depreciation of firms' capital, share per year. Default 0.10 (BEA fixed assets).
    pub depreciation: f64,
    /// Capacity utilisation firms plan for. Default 0.8 (Federal Reserve G.17).
    pub normal_utilisation: f64,
    /// Share of the gap between desired and actual capital closed per month. Default 0.05.
    pub adjustment_speed: f64,
    /// Elasticity of desired capital to the user cost of capital (real rate plus depreciation,
    /// Jorgenson 1963). Default 0.4 (Chirinko, Fazzari & Meyer 1999).
    pub user_cost_elasticity: f64,
    /// Desired capital per relative gap of the firm's profit rate to its normal rate. Default 0.1.
    pub profit_response: f64,
    /// Datacenter buildings, power and cooling, USD per MW of facility power. Default 10 M.
    pub building_cost_usd_per_mw: f64,
    /// Life of datacenter buildings and power equipment, years. Default 15.
    pub building_life_years: f64,
}

/// Staff of the AI stack: labour per million USD a year of activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffConfig {
    /// AI providers' staff per million USD a year of fleet costs (energy and depreciation). Default 0.6.
    pub provider_per_musd: f64,
    /// Chip vendors' staff per million USD a year of sales. Default 0.3.
    pub chips_per_musd: f64,
    /// Energy-sector staff per million USD a year of sales. Default 1.1.
    pub energy_per_musd: f64,
}

/// Banks (one representative banking sector): rates, credit limits, capital and reserves
/// (Caiani et al. 2016; Dosi et al. 2015).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinanceConfig {
    /// Loan rate over the policy rate, per year. Default 0.02.
    pub loan_spread: f64,
    /// Extra loan rate per year for a borrower at its credit limit (rising linearly with debt). Default 0.03.
    pub loan_risk_premium: f64,
    /// Policy rate minus the deposit rate, per year (deposit rate floored at 0). Default 0.02.
    pub deposit_spread: f64,
    /// Most a firm may owe, years of its sales (Dosi, Fagiolo & Roventini 2010, Lambda). Default 1.
    pub max_debt_to_sales: f64,
    /// Months over which loans are repaid in equal shares. Default 60.
    pub loan_months: u32,
    /// Least bank equity per dollar of loans (Basel III). Default 0.08.
    pub capital_requirement: f64,
    /// Share of equity above the start ratio to loans that banks pay out each month. Default 0.6.
    pub bank_payout: f64,
    /// Reserves banks hold per dollar of deposits. Default 0.15.
    pub reserve_ratio: f64,
    /// Firms' loans at start, share of annual GDP (Fed Z.1). Default 0.45.
    pub initial_firm_debt_to_gdp: f64,
    /// Bank equity / assets at start (FDIC). Default 0.10.
    pub bank_equity_to_assets: f64,
}

/// The central bank: a Taylor rule with smoothing and a lower bound, and the inflation
/// expectations that wage setters hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralBankConfig {
    /// Policy rate at start, per year. Default 0.0433 (FRED FEDFUNDS, January 2025).
    pub initial_rate: f64,
    /// 12-month CPI inflation before the start. Default 0.030 (FRED CPIAUCSL, January 2025).
    pub initial_inflation: f64,
    /// Inflation target, per year. Default 0.02.
    pub inflation_target: f64,
    /// Neutral real rate, per year. Default 0.0075 (Holston, Laubach & Williams).
    pub neutral_real_rate: f64,
    /// Response to the inflation gap. Default 1.5 (Taylor 1993).
    pub inflation_response: f64,
    /// Response to the unemployment gap. Default 1.0 (Taylor 1993 with Okun's law).
    pub unemployment_response: f64,
    /// Monthly weight on last month's rate. Default 0.93.
    pub smoothing: f64,
    /// Lowest policy rate, per year. Default 0.
    pub lower_bound: f64,
    /// Rate on advances to banks over the policy rate, per year. Default 0.0025.
    pub advance_penalty: f64,
    /// Weight of the target in expected inflation (the rest: past 12-month inflation). Default 0.75 (Blanchard 2016).
    pub expectations_anchor: f64,
}

/// Investors value each AI-native or open-weight provider by its discounted expected
/// revenue and fund a share of the gap between that value and its installed capital
/// (Tobin's q; Hayashi 1982). Platforms finance their build-out from their own cash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestorConfig {
    /// Required return over the policy rate, per year. Default 0.10 (cost of equity of young
    /// high-growth firms; Damodaran 2025 industry cost of capital).
    pub equity_premium: f64,
    /// Years over which expected revenue growth fades linearly to `long_run_growth`. Default 5
    /// (Damodaran 2012: high-growth period of young firms).
    pub growth_years: f64,
    /// Revenue growth after the high-growth period, per year. Default 0.02.
    pub long_run_growth: f64,
    /// Operating margin investors expect at maturity (share of revenue paid out as free cash
    /// flow). Default 0.30 (software and cloud margins, Damodaran 2025).
    pub mature_margin: f64,
    /// Weight of this month's observed revenue growth in expected growth (adaptive
    /// expectations, Cagan 1956; Greenwood & Shleifer 2014 on extrapolation). Default 0.05.
    pub expectation_weight: f64,
    /// Share of the gap between value and installed capital investors fund per year.
    /// Default 0.067 (fitted so Lab A's funding supply at start is 40 bn USD a year, OpenAI's
    /// March 2025 round).
    pub funding_rate: f64,
    /// Months of operating costs and depreciation a provider keeps as cash; deposits above
    /// this buffer are paid out to owners (free cash flow, Jensen 1986). Default 12.
    pub cash_buffer_months: f64,
}

/// Business model of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Lives on AI revenue alone.
    AiNative,
    /// Bundles AI into products it already sells and recoups through them.
    Platform,
    /// Open-weight models served by hosts near marginal cost; capability lags the frontier.
    OpenWeight,
}

/// One AI provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Display name.
    pub name: String,
    /// Business model.
    pub kind: ProviderKind,
    /// Capability relative to the frontier at start, OOM.
    pub capability_offset_oom: f64,
    /// US-serving fleet at start, H100-equivalents.
    pub initial_fleet_h100e: f64,
    /// Share of the fleet used for training.
    pub training_share: f64,
    /// Growth of its AI revenue investors expect at start, per year (from the last year's
    /// reported revenue; they then revise it by what they observe).
    pub revenue_growth_initial: f64,
    /// Consumer subscription, USD per month.
    pub subscription_usd_month: f64,
    /// API markup over marginal cost when no open model is close: the start markup of the
    /// leading lab (from which firms' price taste is inverted) and the highest markup a closed
    /// provider may set; an open-weight host's hosting margin.
    pub markup_max: f64,
    /// Its bargaining power in enterprise contracts: the share of the firm's surplus over its
    /// best alternative provider it takes as a fee (Nash bargaining; unused by open-weight hosts).
    pub bargaining_power: f64,
    /// Share of chat users at start.
    pub consumer_share: f64,
    /// Deposits at start, USD.
    pub initial_deposits_usd: f64,
    /// Share of household goods spending taken by the provider's existing products before
    /// its bundled AI (its other business: not AI revenue).
    pub platform_revenue_share: f64,
    /// Share of positive profit paid as dividends.
    pub dividend_payout: f64,
}

/// What a scheduled event changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Frontier capability jumps by `value` OOM (algorithmic breakthrough).
    CapabilityJump,
    /// Inference compute per unit of work is divided by `value`.
    EfficiencyJump,
    /// Electricity prices are multiplied by `value`.
    ElectricityPrice,
    /// New grid connections per month are multiplied by `value`.
    GridCapacity,
    /// The AI share of tier `tier` is capped at `value`.
    Regulation,
    /// The open-weight lag becomes `value` months.
    OpenWeightLag,
    /// Basic income becomes `value` USD per person per month.
    BasicIncome,
    /// The compute tax becomes `value`.
    ComputeTax,
    /// The retraining subsidy becomes `value`.
    RetrainingSubsidy,
    /// Outside capital for every provider is multiplied by `value`.
    CapitalAppetite,
    /// The minimum wage becomes `value` USD per month.
    MinimumWage,
}

/// A scheduled scenario shock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Tick at which the event applies (0-based month).
    pub month: u32,
    /// What changes.
    pub kind: EventKind,
    /// New value or factor, by kind.
    pub value: f64,
    /// Tier letter, for `regulation` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// A configuration error: where, which key, what was found, what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The file (or `<baseline>`).
    pub file: String,
    /// Dotted key path, empty when the whole file is at fault.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// Line (1-based) in the file, where known.
    pub line: Option<usize>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": key `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The compiled-in baseline.
    pub fn baseline() -> Config {
        Self::from_toml_str(BASELINE_TOML, "<baseline>").expect("the compiled-in baseline is valid")
    }

    /// Ticks in the horizon.
    pub fn ticks(&self) -> u32 {
        self.run.years * 12
    }

    /// People each worker agent stands for (an integer, so that money is exact).
    pub fn worker_weight(&self) -> u64 {
        ((self.population.labour_force / self.run.workers as f64).round() as u64).max(1)
    }

    /// Reads a config file and merges it over the baseline.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        check_file_size(path).map_err(|message| ConfigError {
            file: name.clone(),
            key: String::new(),
            message,
            line: None,
        })?;
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: name.clone(),
            key: String::new(),
            message: format!("cannot read the file: {e}"),
            line: None,
        })?;
        Self::from_toml_str(&text, &name)
    }

    /// Parses a config text (named `file` in errors) and merges it over the baseline.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Config, ConfigError> {
        let user: toml::Table = toml::from_str(text).map_err(|e| ConfigError {
            file: file.to_string(),
            key: String::new(),
            message: format!("not valid TOML: {}", e.message()),
            line: e.span().map(|s| line_of(text, s.start)),
        })?;
        // A sweep file given where a config belongs: say which command takes it.
        if let Some(k) =
            ["design", "parameters", "outcomes", "samples", "seeds"].iter().find(|k| user.contains_key(**k))
        {
            return Err(ConfigError {
                file: file.to_string(),
                key: k.to_string(),
                message: "this is a sweep file (it has `design`, `parameters` or `outcomes`), not a model config: \
                          run it with `mindmill sweep FILE`"
                    .to_string(),
                line: find_key_line(text, k),
            });
        }
        let mut merged: toml::Table = if file == "<baseline>" {
            toml::Table::new()
        } else {
            toml::from_str(BASELINE_TOML).expect("baseline parses")
        };
        merge(&mut merged, user);
        let config: Config = serde_path_to_error::deserialize(toml::Value::Table(merged)).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            let line = key.rsplit('.').next().and_then(|k| find_key_line(text, k));
            ConfigError { file: file.to_string(), message: explain_serde(&e.into_inner().to_string()), key, line }
        })?;
        validate::check(&config).map_err(|(key, message)| {
            let leaf = key.rsplit('.').next().unwrap_or("").to_string();
            let leaf = leaf.split('[').next().unwrap_or("").to_string();
            ConfigError { file: file.to_string(), line: find_key_line(text, &leaf), key, message }
        })?;
        Ok(config)
    }

    /// Sets the number of worker agents, keeping firms in proportion and the recorded sample
    /// within the population (used by `--workers`, sweeps and the validation).
    pub fn set_workers(&mut self, workers: u64) {
        let ratio = self.run.firms as f64 / self.run.workers as f64;
        self.run.workers = workers;
        self.run.firms = ((workers as f64 * ratio).round() as u32).max(MIN_FIRMS);
        self.run.sample_workers = self.run.sample_workers.min(workers.min(100_000) as u32);
    }

    /// Re-checks ranges after a program changed fields (e.g. command-line overrides);
    /// errors name `source` as the file.
    pub fn validate(&self, source: &str) -> Result<(), ConfigError> {
        validate::check(self).map_err(|(key, message)| ConfigError {
            file: source.to_string(),
            key,
            message,
            line: None,
        })
    }

    /// The resolved config as TOML (written into every output's metadata).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("config serializes")
    }
}

/// Merges `over` into `base`: tables recursively, everything else replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The first line that assigns `key` (best effort, for error messages).
fn find_key_line(text: &str, key: &str) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Adds the nearest valid key to serde's "unknown field" messages.
fn explain_serde(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once("`, expected ") {
            let names: Vec<&str> = expected
                .split(['`', ',', ' '])
                .filter(|s| !s.is_empty() && *s != "one" && *s != "of" && *s != "or")
                .collect();
            if let Some(best) = nearest(field, &names) {
                return format!("unknown key `{field}` (did you mean `{best}`?); allowed: {expected}");
            }
            return format!("unknown key `{field}`; allowed: {expected}");
        }
    }
    plain_types(msg)
}

/// Serde's Rust type names in an error, said as a user would (issue 18): "expected u64"
/// becomes "expected a whole number of 0 or more".
fn plain_types(msg: &str) -> String {
    const NAMES: [(&str, &str); 10] = [
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected u32", "expected a whole number of 0 or more"),
        ("expected u16", "expected a whole number of 0 or more"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list such as [1.0, 2.0]"),
    ];
    let mut out = msg.to_string();
    for (rust, plain) in NAMES {
        out = out.replace(rust, plain);
    }
    out
}

/// The name in `names` nearest to `word` by edit distance, if near enough to be a typo of it
/// (the "did you mean" of config and sweep errors).
pub fn nearest<'a>(word: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (levenshtein(word, n), *n))
        .filter(|(d, n)| *d <= (n.len().max(word.len()) / 2).max(2))
        .min()
        .map(|(_, n)| n)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;
