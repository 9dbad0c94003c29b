//! Components: the state of each agent, grouped by agent type. Worker state is small
//! and plain (40 bytes a worker) because a national run holds 141 million of them;
//! workers live in blocks of up to [`BLOCK`] consecutive ids, one entity per block, so
//! the ECS's bookkeeping (entity metadata, change ticks: about 70 bytes per entity,
//! measured in docs/PERFORMANCE.md) is paid once per block instead of once per worker.

use bevy_ecs::prelude::*;
use mindmill_config::{ProviderKind, TIERS};

/// Marker value for "no employer".
pub const NO_FIRM: u32 = u32::MAX;

/// Employment status of a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// Has an employer.
    Employed = 0,
    /// Searching for a job.
    Unemployed = 1,
    /// In a retraining programme toward another tier.
    Retraining = 2,
}

/// Workers per block: 160 KiB of state, small enough to stay in a core's L2 cache while
/// a system walks it, large enough that per-block costs vanish.
pub const BLOCK: usize = 4096;

/// A block of workers with consecutive ids `first..first + len`. Worker `first + i` is
/// `jobs[i]` and `pays[i]`; draws and output rows key on the worker id, never on `Entity`.
#[derive(Component, Debug, Clone, Default)]
pub struct WorkerBlock {
    /// Id of the block's first worker.
    pub first: u32,
    /// Labour-market state, by worker.
    pub jobs: Vec<Job>,
    /// Pay and money, by worker.
    pub pays: Vec<Pay>,
    /// Matching scratch: (offset in block, firm the search starts at) of workers who
    /// meet a vacancy this month, in offset order. Reused every month.
    pub candidates: Vec<(u32, u32)>,
}

impl WorkerBlock {
    /// Worker ids with mutable state, in id order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u32, &mut Job, &mut Pay)> {
        let first = self.first;
        self.jobs.iter_mut().zip(self.pays.iter_mut()).enumerate().map(move |(i, (j, p))| (first + i as u32, j, p))
    }
}

/// A worker's position in the labour market and age (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Job {
    /// Index into the occupation table.
    pub occupation: u16,
    /// Tier index (0 A, 1 B, 2 C, 3 M).
    pub tier: u8,
    /// Employment status.
    pub status: Status,
    /// Runs and pays for AI tools of their own.
    pub tools: bool,
    /// Months left in retraining.
    pub retrain_left: u8,
    /// Tier the worker is retraining toward.
    pub retrain_tier: u8,
    /// Months since the last job (0 while employed).
    pub months_unemployed: u16,
    /// Employer firm id, or [`NO_FIRM`].
    pub employer: u32,
    /// Provider the worker would subscribe with (drawn once at start).
    pub provider: u8,
    /// Age, years; a year older in the calendar month `id % 12` (section 7.6).
    pub age: u8,
}

/// A worker's pay (24 bytes). Money is per person; the worker stands for `weight` people.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pay {
    /// Skill multiplier, log-normal with mean 1 in each occupation.
    pub skill: f32,
    /// Gross wage while employed, USD per month.
    pub wage: f32,
    /// Deposits, cents (exact).
    pub deposits: i64,
    /// Disposable income received this month, cents.
    pub income: i64,
}

/// The markets firms sell in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Market {
    /// Knowledge-intensive services: NAICS 51, 52, 54, 55 (Eurostat's KIS), the sectors whose
    /// occupations are most exposed to LLMs.
    Knowledge = 0,
    /// In-person services and goods: every other private sector except 23 and 31-33.
    InPerson = 1,
    /// Capital goods: construction and manufacturing (NAICS 23, 31-33), sold to firms and providers.
    CapitalGoods = 2,
}

/// Number of markets.
pub const MARKETS: usize = 3;
/// Market names in index order, as written in outputs.
pub const MARKET_NAMES: [&str; MARKETS] = ["knowledge_services", "in_person_and_goods", "capital_goods"];
/// The markets households and government buy in.
pub const CONSUMPTION_MARKETS: [Market; 2] = [Market::Knowledge, Market::InPerson];

impl Market {
    /// Every market in index order.
    pub const ALL: [Market; MARKETS] = [Market::Knowledge, Market::InPerson, Market::CapitalGoods];

    /// The market of an OEWS sector (NAICS code as BLS stores it), or None for government (99).
    pub fn of_sector(naics: &str) -> Option<Market> {
        match naics {
            "99" => None,
            "51" | "52" | "54" | "55" => Some(Market::Knowledge),
            "23" | "31" => Some(Market::CapitalGoods),
            _ => Some(Market::InPerson),
        }
    }
}

/// Institutions whose staff are hired from the same labour market as firms' workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Employer {
    /// An AI provider (its index): research, engineering, datacenter operations.
    Provider(u8),
    /// Chip vendors.
    Chips,
    /// The energy sector serving datacenters.
    Energy,
    /// Federal, state and local government (OEWS sector 99).
    Government,
}

/// What an employer agent is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A firm agent that produces and sells in a market.
    Goods(Market),
    /// The staff of an institution, paid by it; it produces nothing it sells itself.
    Staff(Employer),
}

/// An employer agent: a client firm (one agent stands for `weight` firms of its kind), or
/// the staff of an institution (`Role::Staff`), which uses only the labour-market fields.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Firm {
    /// Stable id: goods firms 0..firms, then the institutions' staff.
    pub id: u32,
    /// Goods firm in a market, or an institution's staff.
    pub role: Role,
    /// Index into the sector table.
    pub sector: u16,
    /// Adoption speed multiplier from the sector's LM-AIIE.
    pub sector_speed: f64,
    /// Provider it buys AI from.
    pub provider: u8,
    /// Buys on an enterprise contract (else metered API).
    pub enterprise: bool,
    /// Worker-months of tier-k tasks per unit of output (tau).
    pub tasks_per_unit: [f64; TIERS],
    /// Share of tier-k tasks done by AI (phi).
    pub ai_share: [f64; TIERS],
    /// Highest AI share reachable now (capability, regulation).
    pub ceiling: [f64; TIERS],
    /// Tier B oversight worker-months per unit of output created by AI use.
    pub oversight_per_unit: f64,
    /// Desired headcount (agents) by tier.
    pub desired: [f64; TIERS],
    /// Open vacancies (agents) by tier.
    pub vacancies: [u32; TIERS],
    /// Chance each employee of tier k is laid off this month.
    pub layoff_rate: [f32; TIERS],
    /// Price per unit of output, USD.
    pub price: f64,
    /// Markup over unit cost.
    pub markup: f64,
    /// Expected demand, units per month.
    pub expected_demand: f64,
    /// Output this month, units.
    pub output: f64,
    /// Demand this month, units.
    pub demand: f64,
    /// Units sold this month.
    pub sold: f64,
    /// AI work bought this month, units (worker-month equivalents).
    pub ai_units: f64,
    /// Sales this month, cents.
    pub sales: i64,
    /// Gross wages paid this month, cents.
    pub wage_bill: i64,
    /// Mean units of AI work (inference compute) per task it gives to AI, by tier: 1 at the
    /// least, more where compute is cheap next to the oversight it saves (7.5).
    pub compute_per_task: [f64; TIERS],
    /// AI bill this month incl. compute tax, cents.
    pub ai_bill: i64,
    /// Price it pays its provider this month, USD per unit of AI work before compute tax:
    /// the posted API price, or on an enterprise contract the unit price plus the bargained
    /// fee (7.4).
    pub ai_price: f64,
    /// Pre-tax profit this month (after interest), cents.
    pub profit: i64,
    /// Deposits, cents (negative within a month: an overdraft, turned into a loan or written off).
    pub deposits: i64,
    /// Bank loans, cents.
    pub loans: i64,
    /// Net interest paid this month (loan interest less deposit interest), cents.
    pub interest: i64,
    /// Loan rate this month, per year.
    pub loan_rate: f64,
    /// Share of its market's sales last month.
    pub market_share: f64,
    /// Smoothed monthly sales, cents (the base of the credit limit).
    pub sales_trend: f64,
    /// Capital goods in use, units at start prices (consumption-market firms; capital-goods
    /// firms and staff use none).
    pub capital: f64,
    /// Capital goods ordered this month, units.
    pub investment_order: f64,
    /// Capital goods delivered this month, units.
    pub investment: f64,
    /// Investment spending this month, cents.
    pub investment_spending: i64,
    /// Depreciation this month at replacement cost, cents.
    pub depreciation: i64,
    /// Smoothed monthly profit after interest and depreciation, cents.
    pub profit_trend: f64,
    /// Profit rate (per year, on capital at replacement cost) at which the firm is content
    /// with its capital: its rate at start (the market's for a firm that had no workers).
    pub normal_profit_rate: f64,
    /// Staff wanted by an institution (persons); unused by goods firms.
    pub staff_target: f64,
    /// Set when the firm failed this month; its workers are laid off.
    pub failed: bool,
    /// Months since entry.
    pub age: u32,
}

/// One vintage of GPUs in a datacenter (counts in H100-equivalents).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vintage {
    /// Tick of entry into service (negative before the start).
    pub month: i32,
    /// Number of GPUs.
    pub count: f64,
    /// Peak FLOP/s per GPU.
    pub flops: f64,
    /// IT watts per GPU.
    pub watts: f64,
    /// Purchase price per GPU, USD.
    pub price: f64,
}

/// A datacenter site.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Datacenter {
    /// Stable id in order of creation.
    pub id: u32,
    /// Owning provider index.
    pub owner: u8,
    /// Power usage effectiveness.
    pub pue: f64,
    /// Electricity price before scenario multipliers, USD/kWh.
    pub base_price_kwh: f64,
    /// Facility power capacity, MW.
    pub power_cap_mw: f64,
    /// GPUs in service, by vintage.
    pub vintages: Vec<Vintage>,
    /// GPUs ordered and not yet in service (month = arrival tick).
    pub pipeline: Vec<Vintage>,
    /// GPUs in service.
    pub gpus: f64,
    /// Peak FLOP/s in service.
    pub peak_flops: f64,
    /// IT power at full load, MW.
    pub it_mw: f64,
    /// Facility power committed (in service plus pipeline) at full load, MW.
    pub committed_mw: f64,
    /// Depreciation this month, USD.
    pub depreciation: f64,
    /// Utilisation of peak this month.
    pub utilisation: f64,
    /// Energy used this month, MWh.
    pub energy_mwh: f64,
    /// Energy bill this month, cents.
    pub energy_cost: i64,
    /// Capex paid to date, USD (incl. the fleet installed before tick 0).
    pub capex_to_date: f64,
}

/// An AI provider with its datacenters' aggregate state.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Provider {
    /// Index in the config's provider list.
    pub index: u8,
    /// Business model.
    pub kind: ProviderKind,
    /// Capability, log10 effective training FLOP.
    pub capability: f64,
    /// Training FLOP of the last 12 months (ring, by tick % 12).
    pub training_ring: [f64; 12],
    /// Mean monthly training FLOP at start.
    pub training_initial: f64,
    /// Marginal cost per delivered FLOP, USD.
    pub cost_per_flop: f64,
    /// Inference FLOP per unit of AI work with this provider's model.
    pub flop_per_unit: f64,
    /// Markup of API prices over marginal cost.
    pub markup: f64,
    /// Metered API price, USD per unit of AI work (before compute tax).
    pub api_price: f64,
    /// Enterprise contracts' unit price, USD per unit: unit cost times scarcity for closed
    /// providers (the bargained fee comes on top, per firm: 7.4), the API price for open-weight hosts.
    pub enterprise_price: f64,
    /// Consumer subscription, USD per month.
    pub subscription: f64,
    /// Free users, persons.
    pub free_users: f64,
    /// Paying subscribers, persons.
    pub paid_users: f64,
    /// Free users who bought the paid plan this month, persons.
    pub conversions: f64,
    /// Firms (agents) on enterprise contracts.
    pub enterprise_clients: u32,
    /// Firms (agents) on the metered API.
    pub api_clients: u32,
    /// Business AI work demanded this month, units.
    pub business_units: f64,
    /// Inference FLOP demanded this month.
    pub inference_demand_flop: f64,
    /// Inference FLOP the fleet can deliver this month.
    pub inference_capacity_flop: f64,
    /// Share of inference demand served.
    pub served_share: f64,
    /// Scarcity premium on its prices, the factor over the Nash price: raised while demand
    /// exceeds capacity and lowered while capacity is spare (7.4).
    pub scarcity: f64,
    /// Peak FLOP/s in service.
    pub peak_flops: f64,
    /// GPUs in service.
    pub gpus: f64,
    /// Revenue this month by stream, cents.
    pub revenue_subscription: i64,
    /// Metered API revenue this month, cents.
    pub revenue_api: i64,
    /// Enterprise revenue this month, cents.
    pub revenue_enterprise: i64,
    /// Revenue of the platform's products this month (its other business plus the uplift
    /// from bundled AI, `revenue_bundled`), cents.
    pub revenue_platform: i64,
    /// Energy bill this month, cents.
    pub energy_cost: i64,
    /// Depreciation this month, USD.
    pub depreciation: f64,
    /// Cost of free users this month (energy and depreciation of their compute), USD.
    pub free_user_cost: f64,
    /// Capex paid this month, cents.
    pub capex: i64,
    /// Profit tax this month, cents.
    pub tax: i64,
    /// Profit tax on the AI business alone this month (for its cash flow), cents.
    pub ai_tax: i64,
    /// Dividends this month, cents.
    pub dividends: i64,
    /// Outside capital raised this month, cents.
    pub capital_raised: i64,
    /// Deposits, cents.
    pub deposits: i64,
    /// Bank loans, cents.
    pub loans: i64,
    /// Net interest paid this month, cents.
    pub interest: i64,
    /// Gross wages of its staff this month, cents.
    pub staff_cost: i64,
    /// Datacenter buildings and power equipment in use, units of capital goods at start prices.
    pub buildings: f64,
    /// Buildings ordered and not yet delivered, units.
    pub building_backlog: f64,
    /// Building depreciation this month at replacement cost, USD.
    pub building_depreciation: f64,
    /// Spending on buildings this month, cents.
    pub building_spending: i64,
    /// Smoothed inference demand, FLOP per month.
    pub expected_demand_flop: f64,
    /// Smoothed monthly growth of inference demand.
    pub demand_growth: f64,
    /// Smoothed AI revenue (API, enterprise, subscriptions), USD per month.
    pub revenue_trend: f64,
    /// AI revenue growth investors expect, per year.
    pub expected_growth: f64,
    /// Investors' value of the provider (two-stage DCF of expected AI revenue), USD.
    pub valuation: f64,
    /// Installed capital: GPUs at cost less straight-line wear, on order at cost, buildings
    /// at replacement cost, USD.
    pub installed_capital: f64,
    /// Compute the provider plans to train with, FLOP per month.
    pub training_target_flop: f64,
    /// Capability at start, log10 effective training FLOP.
    pub capability_initial: f64,
    /// Part of this month's platform revenue due to its bundled AI (the uplift of its users'
    /// spending on its products), cents. AI revenue; the rest of `revenue_platform` is not.
    pub revenue_bundled: i64,
    /// Cumulative free cash flow incl. the fleet's cost before tick 0, USD.
    pub cumulative_cash_flow: f64,
    /// Cumulative capex incl. the fleet before tick 0, USD.
    pub cumulative_capex: f64,
    /// Cumulative operating profit after depreciation and tax, USD.
    pub cumulative_profit: f64,
    /// Tick at which cumulative cash flow first turned non-negative.
    pub payback_tick: Option<u32>,
    /// Facility power connected this month, MW.
    pub grid_used_mw: f64,
}

impl Provider {
    /// This month's AI revenue, cents: subscriptions, API, enterprise and the bundled AI's
    /// uplift of platform products (a platform's other business is not AI revenue).
    pub fn ai_revenue(&self) -> i64 {
        self.revenue_subscription + self.revenue_api + self.revenue_enterprise + self.revenue_bundled
    }
}

// Worker state is the memory of a national run: keep it at 40 bytes.
const _: () = assert!(std::mem::size_of::<Job>() == 16 && std::mem::size_of::<Pay>() == 24);
