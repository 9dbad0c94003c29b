//! The economy at start (docs/MODEL.md 5.5): firms' planned output, capital and loans,
//! and every balance sheet, set so that the first month is close to a stationary state:
//! capital-goods firms' output just replaces the capital that depreciates, owners hold the
//! wealth their consumption function is at rest with, and government purchases buy what
//! households leave of the consumption markets' output. Everything here is USD per month
//! unless a name says cents.

use mindmill_config::Config;

use crate::components::{Firm, MARKETS, Market, Provider, Role};
use crate::resources::{Finance, Institutions};
use crate::systems::finance::{debt_limit, loan_rate};

/// Constants of the start the model keeps (they live in `Setup`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartConstants {
    /// Capital per unit of monthly output at normal utilisation (months).
    pub capital_per_output: f64,
    /// Profit rate per year on capital at replacement cost at start (the investment rule's normal rate).
    pub normal_profit_rate: f64,
    /// Households' and government's spending shares of the consumption markets at start prices.
    pub consumption_weights: [f64; 2],
    /// Banks' equity per dollar of loans that their payout rule keeps.
    pub bank_capital_ratio: f64,
}

/// Planned output and capital of every goods firm from its wage bill (cents), markup and
/// market. A firm without workers starts at a tenth of the mean output of its market.
/// `replacement` is the capital-goods output that goes to replacing providers' buildings.
pub fn output_and_capital(cfg: &Config, firms: &mut [Firm], replacement: f64) -> f64 {
    let mu = cfg.firms.markup;
    let goods = |f: &Firm, m: Market| f.role == Role::Goods(m);
    // Costs at start: wages and the AI work firms already buy.
    let wage = |f: &Firm| (f.wage_bill + f.ai_bill) as f64 / 100.0;
    // Capital-goods firms use labour only (Caiani et al. 2016).
    let mut supply_i = 0.0;
    for f in firms.iter_mut().filter(|f| goods(f, Market::CapitalGoods)) {
        f.expected_demand = (1.0 + mu) * wage(f);
        supply_i += f.expected_demand;
    }
    // Consumption-market firms: Q = (1 + mu)(W + x Q), x = capital depreciation per unit of
    // output; x makes replacement investment equal what capital-goods firms supply.
    let w_kg: f64 =
        firms.iter().filter(|f| !goods(f, Market::CapitalGoods) && matches!(f.role, Role::Goods(_))).map(wage).sum();
    let r = (supply_i - replacement).max(0.0);
    let x = if r > 0.0 { r / ((1.0 + mu) * (w_kg + r)) } else { 0.0 };
    let monthly = cfg.capital.depreciation / 12.0;
    let kappa = if monthly > 0.0 { x / monthly } else { 0.0 };
    for f in firms.iter_mut().filter(|f| matches!(f.role, Role::Goods(m) if m != Market::CapitalGoods)) {
        f.expected_demand = (1.0 + mu) * wage(f) / (1.0 - (1.0 + mu) * x);
    }
    for m in Market::ALL {
        let (sum, n) = firms
            .iter()
            .filter(|f| goods(f, m) && f.expected_demand > 0.0)
            .fold((0.0, 0usize), |a, f| (a.0 + f.expected_demand, a.1 + 1));
        let mean = if n > 0 { sum / n as f64 } else { 0.0 };
        for f in firms.iter_mut().filter(|f| goods(f, m) && f.expected_demand <= 0.0) {
            f.expected_demand = 0.1 * mean;
        }
    }
    for f in firms.iter_mut().filter(|f| matches!(f.role, Role::Goods(_))) {
        let q = f.expected_demand;
        (f.output, f.demand, f.sold) = (q, q, q);
        f.capital = if goods(f, Market::CapitalGoods) { 0.0 } else { kappa * q };
        f.depreciation = (monthly * f.capital * 100.0).round() as i64;
    }
    kappa
}

/// What the start needs besides firms and providers.
#[derive(Debug, Clone, Copy)]
pub struct Households {
    /// Sum of per-person worker deposits (cents; times the weight for the national total).
    pub workers_deposits: i128,
    /// People per worker agent.
    pub weight: u64,
    /// Workers' intended consumption in the first month, national.
    pub worker_consumption: f64,
    /// Unemployment benefits in the first month, national.
    pub benefits: f64,
    /// Chip vendors' and the energy sector's sales expected in the first month.
    pub chip_sales: f64,
    /// See `chip_sales`.
    pub energy_sales: f64,
}

/// Loans, the owners', banks', central bank's and government's balance sheets, and the fiscal
/// rule's anchors (docs/MODEL.md 5.5).
pub fn balance_sheets(
    cfg: &Config,
    firms: &mut [Firm],
    providers: &[Provider],
    hh: &Households,
    kappa: f64,
) -> (Finance, Institutions, StartConstants) {
    let fc = &cfg.finance;
    let cb = &cfg.central_bank;
    let gov = &cfg.government;
    let mut fin = Finance { policy_rate: cb.initial_rate, inflation_12m: cb.initial_inflation, ..Default::default() };
    crate::systems::central_bank::set_market_rates(&mut fin, cfg);
    fin.expected_inflation =
        cb.expectations_anchor * cb.inflation_target + (1.0 - cb.expectations_anchor) * cb.initial_inflation;
    for (k, slot) in fin.cpi_ring.iter_mut().enumerate() {
        *slot = (1.0 + cb.initial_inflation).powf((k as f64 - 12.0) / 12.0);
    }
    let usd = |c: i64| c as f64 / 100.0;
    let is_goods = |f: &Firm| matches!(f.role, Role::Goods(_));
    // What firms will sell in the first month: the planned output of firms with workers (a
    // firm that drew none plans output but must hire before it produces).
    let mut supply = [0.0f64; MARKETS];
    for f in firms.iter().filter(|f| is_goods(f) && f.wage_bill > 0) {
        if let Role::Goods(m) = f.role {
            supply[m as usize] += f.expected_demand;
        }
    }
    let wages_all: f64 = firms.iter().map(|f| usd(f.wage_bill)).sum();
    let staff_wages = |pred: &dyn Fn(&Role) -> bool| -> f64 {
        firms.iter().filter(|f| pred(&f.role)).map(|f| usd(f.wage_bill)).sum()
    };
    use crate::components::Employer;
    let public_wages = staff_wages(&|r| *r == Role::Staff(Employer::Government));
    let chip_wages = staff_wages(&|r| *r == Role::Staff(Employer::Chips));
    let energy_wages = staff_wages(&|r| *r == Role::Staff(Employer::Energy));

    // Firms' loans: initial_firm_debt_to_gdp of annual GDP, owed in proportion to capital.
    let capital: f64 = firms.iter().map(|f| f.capital).sum();
    let sales: f64 = supply.iter().sum();
    let gdp_estimate = sales + public_wages + hh.chip_sales;
    let mut firm_interest = 0.0;
    let mut profit_kg = 0.0;
    let mut profit_all = 0.0;
    for f in firms.iter_mut().filter(|f| is_goods(f)) {
        let q = f.expected_demand;
        f.sales_trend = q * 100.0;
        f.profit_trend = 0.0;
        let market_total = match f.role {
            Role::Goods(m) => supply[m as usize].max(1.0),
            Role::Staff(_) => 1.0,
        };
        f.market_share = q / market_total;
        f.loans = if capital > 0.0 {
            (fc.initial_firm_debt_to_gdp * 12.0 * gdp_estimate * f.capital / capital * 100.0).round() as i64
        } else {
            0
        };
        f.loan_rate = loan_rate(cfg, fin.policy_rate, f.loans, debt_limit(cfg, f.sales_trend));
        let interest = (usd(f.loans) * f.loan_rate - usd(f.deposits) * fin.deposit_rate) / 12.0;
        firm_interest += interest;
        let profit = q - usd(f.wage_bill) - usd(f.ai_bill) - usd(f.depreciation) - interest;
        f.profit_trend = profit * 100.0;
        profit_all += profit.max(0.0);
        if f.capital > 0.0 {
            profit_kg += profit;
        }
    }
    let _ = firm_interest;
    // Deposits start where the payout rule is at rest: a firm paying out `dividend_payout` of
    // its deposits above the buffer pays out its after-tax profit when it holds
    // buffer + profit (1 - payout) / payout.
    // The buffer is `cash_buffer_months` of wages, AI and interest, as in the payout rule.
    let payout = cfg.firms.dividend_payout.max(1e-6);
    for f in firms.iter_mut().filter(|f| is_goods(f)) {
        let after_tax = (1.0 - gov.profit_tax) * f.profit_trend.max(0.0);
        let interest = f.loans as f64 * f.loan_rate / 12.0;
        let buffer = cfg.firms.cash_buffer_months * (f.wage_bill as f64 + f.ai_bill as f64 + interest);
        f.deposits = (buffer + after_tax * (1.0 - payout) / payout).round() as i64;
    }
    let normal_profit_rate = if capital > 0.0 { 12.0 * profit_kg / capital } else { 0.0 };
    for f in firms.iter_mut().filter(|f| is_goods(f)) {
        if f.capital > 0.0 && f.wage_bill > 0 {
            f.normal_profit_rate = 12.0 * f.profit_trend / 100.0 / f.capital;
        } else {
            // A firm without workers has no profit yet: it starts content with its capital.
            f.normal_profit_rate = normal_profit_rate;
            f.profit_trend = normal_profit_rate * f.capital / 12.0 * 100.0;
        }
    }
    let chip_profit = (hh.chip_sales - chip_wages).max(0.0);
    let energy_profit = (hh.energy_sales - energy_wages).max(0.0);
    let after_tax = 1.0 - gov.profit_tax;
    // In a steady state firms and banks pay out their after-tax profit (their payout rules
    // act on deposits and equity above targets).
    let dividends = after_tax * (profit_all + chip_profit + energy_profit);

    // Owners' wealth W at the stock norm of their consumption when wealth grows with
    // inflation pi at target: income - consumption = pi W with consumption
    // a1 (income - pi W) + a2 W, so W = (1 - a1) income / (a2 + pi (1 - a1)), where
    // income = dividends + r W + the bank's dividends; passes settle the bank's dividends,
    // which depend on its balance sheet.
    let h = &cfg.households;
    let pi = (1.0 + cb.inflation_target).powf(1.0 / 12.0) - 1.0;
    let k = (1.0 - h.owner_mpc_income) / (h.owner_mpc_wealth + pi * (1.0 - h.owner_mpc_income));
    let r = (h.owner_bond_share * fin.bond_rate + (1.0 - h.owner_bond_share) * fin.deposit_rate) / 12.0;
    let others: f64 = (hh.workers_deposits * hh.weight as i128) as f64 / 100.0
        + firms.iter().map(|f| usd(f.deposits)).sum::<f64>()
        + providers.iter().map(|p| usd(p.deposits)).sum::<f64>();
    let loans: f64 = firms.iter().map(|f| usd(f.loans)).sum();
    let loan_interest: f64 = firms.iter().map(|f| usd(f.loans) * f.loan_rate / 12.0).sum();
    let mut bank_dividends = 0.0;
    let mut wealth = 0.0;
    let mut bank_profit = 0.0;
    for _ in 0..3 {
        wealth = k * (dividends + bank_dividends) / (1.0 - k * r).max(0.05);
        let deposits = others + (1.0 - h.owner_bond_share) * wealth;
        let equity = fc.bank_equity_to_assets / (1.0 - fc.bank_equity_to_assets) * deposits;
        let reserves = fc.reserve_ratio * deposits;
        let bonds = (deposits + equity - loans - reserves).max(0.0);
        let profit = loan_interest + (bonds + reserves) * fin.policy_rate / 12.0 - deposits * fin.deposit_rate / 12.0;
        bank_dividends = after_tax * profit.max(0.0);
        bank_profit = bank_dividends;
    }
    fin.owner_bonds = (h.owner_bond_share * wealth * 100.0).round() as i64;
    let owner_income = dividends + bank_dividends + r * wealth;
    let mut inst = Institutions {
        owners: ((1.0 - h.owner_bond_share) * wealth * 100.0).round() as i64,
        owner_income: (owner_income * 100.0).round() as i64,
        chip_sales_trend: hh.chip_sales * 100.0,
        energy_sales_trend: hh.energy_sales * 100.0,
        ..Default::default()
    };

    // Banks: deposits fund loans, reserves and bonds; equity is a share of assets.
    let deposits: i128 = hh.workers_deposits * hh.weight as i128
        + firms.iter().map(|f| f.deposits as i128).sum::<i128>()
        + providers.iter().map(|p| p.deposits as i128).sum::<i128>()
        + inst.owners as i128;
    let deposits = deposits as f64;
    let equity = fc.bank_equity_to_assets / (1.0 - fc.bank_equity_to_assets) * deposits;
    fin.bank_loans = firms.iter().map(|f| f.loans).sum();
    fin.reserves = (fc.reserve_ratio * deposits).round() as i64;
    let bank_bonds = (deposits + equity).round() as i64 - fin.bank_loans - fin.reserves;
    fin.bank_bonds = bank_bonds.max(0);
    fin.advances = (-bank_bonds).max(0);
    fin.cb_bonds = fin.reserves - fin.advances;
    fin.bonds = fin.owner_bonds + fin.bank_bonds + fin.cb_bonds;
    // The ratio of equity to loans banks keep: their start equity less the excess at which
    // their payout rule pays out their profit.
    let bp = fc.bank_payout.max(1e-6);
    let kept = equity - bank_profit * (1.0 - bp) / bp;
    let capital_ratio = kept / (fin.bank_loans as f64 / 100.0).max(1.0);

    // Government purchases buy what households leave of the consumption markets' output;
    // the fiscal rule then holds purchases at that share of trend GDP while debt/GDP stays
    // at its start level.
    let platform: f64 = cfg.providers.iter().map(|p| p.platform_revenue_share).sum();
    let households = (1.0 - platform) * (hh.worker_consumption + owner_income);
    let consumption_supply = supply[Market::Knowledge as usize] + supply[Market::InPerson as usize];
    let purchases = (consumption_supply - households).max(0.0);
    inst.planned_purchases = (purchases * 100.0).round() as i64;
    let gdp = sales + public_wages + hh.chip_sales + platform * (hh.worker_consumption + owner_income);
    fin.gdp_trend = gdp;
    fin.potential_gdp = gdp;
    // Net interest: bonds held outside the central bank (its income is remitted).
    fin.interest_anchor = (fin.owner_bonds + fin.bank_bonds) as f64 / 100.0 * fin.bond_rate / 12.0;
    fin.purchases_share = purchases / gdp.max(1.0);
    fin.debt_target = fin.bonds as f64 / 100.0 / (12.0 * gdp).max(1.0);
    let _ = (wages_all, hh.benefits);
    let weights = if consumption_supply > 0.0 {
        [
            supply[Market::Knowledge as usize] / consumption_supply,
            supply[Market::InPerson as usize] / consumption_supply,
        ]
    } else {
        [0.5, 0.5]
    };
    (
        fin,
        inst,
        StartConstants {
            capital_per_output: kappa,
            normal_profit_rate,
            consumption_weights: weights,
            bank_capital_ratio: capital_ratio,
        },
    )
}
