//! Banks: interest on last month's stocks (phase "interest"), then, after the goods and AI
//! markets, repayments, new loans within debt limits and the bank's capital requirement,
//! the restructuring of firms that cannot pay, and the bank's profit, tax and dividends
//! (phase "credit"). One representative banking sector (Caiani et al. 2016); credit limits
//! by years of sales and rationing by creditworthiness (Dosi, Fagiolo & Roventini 2010;
//! Dosi et al. 2015). Workers' deposit interest is credited in `goods::pay_wages`.

use bevy_ecs::prelude::*;
use mindmill_config::{Config, TIERS};

use crate::accounts::{Flow, Instrument, Ledger, Sector};
use crate::components::{Firm, Market, Provider, Role};
use crate::resources::Setup;
use crate::resources::{Finance, Institutions, Macro};
use crate::systems::{Counters, round_i64, take};

/// Interest on `cents` for one month at `annual` rate.
#[inline]
pub fn monthly_interest(cents: i64, annual: f64) -> i64 {
    round_i64(cents as f64 * annual / 12.0)
}

/// Loan rate of a borrower that owes `loans` against a debt limit of `limit` cents:
/// policy rate + spread + a risk premium rising linearly to the limit (Dosi et al. 2015
/// price credit by borrower class; a continuous version).
pub fn loan_rate(cfg: &Config, policy: f64, loans: i64, limit: f64) -> f64 {
    let f = &cfg.finance;
    let use_of_limit = if limit > 0.0 { (loans as f64 / limit).clamp(0.0, 1.0) } else { 1.0 };
    policy + f.loan_spread + f.loan_risk_premium * use_of_limit
}

/// Most a firm may owe: `max_debt_to_sales` years of its smoothed monthly sales, cents.
pub fn debt_limit(cfg: &Config, sales_trend: f64) -> f64 {
    cfg.finance.max_debt_to_sales * 12.0 * sales_trend.max(0.0)
}

/// Interest on every non-worker account, at the rates the central bank set last month.
#[allow(clippy::too_many_arguments)]
pub fn pay_interest(
    setup: Res<Setup>,
    mut fin: ResMut<Finance>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut parts: Local<Counters<2>>,
    mut firms: Query<&mut Firm>,
    mut providers: Query<&mut Provider>,
) {
    let cfg = &setup.config;
    let (policy, dep) = (fin.policy_rate, fin.deposit_rate);
    // Firms: variable-rate loans priced by how much of their debt limit they use.
    let local = &*parts;
    firms.par_iter_mut().for_each_init(
        || local.borrow_local_mut_or(|| [0; 2]),
        |c, mut f| {
            f.loan_rate = loan_rate(cfg, policy, f.loans, debt_limit(cfg, f.sales_trend));
            let paid = monthly_interest(f.loans, f.loan_rate);
            let received = monthly_interest(f.deposits.max(0), dep);
            f.deposits += received - paid;
            f.interest = paid - received;
            c[0] += paid as i128;
            c[1] += received as i128;
        },
    );
    let [firm_paid, firm_received] = take(&mut parts);
    ledger.record(Flow::LoanInterest, Sector::Firms, Sector::Banks, firm_paid);
    ledger.record(Flow::DepositInterest, Sector::Banks, Sector::Firms, firm_received);
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let (mut prov_paid, mut prov_received) = (0i64, 0i64);
    for p in provs.iter_mut() {
        let revenue = (p.revenue_subscription + p.revenue_api + p.revenue_enterprise + p.revenue_platform) as f64;
        let rate = loan_rate(cfg, policy, p.loans, debt_limit(cfg, revenue));
        let paid = monthly_interest(p.loans, rate);
        let received = monthly_interest(p.deposits.max(0), dep);
        p.deposits += received - paid;
        p.interest = paid - received;
        prov_paid += paid;
        prov_received += received;
    }
    ledger.record(Flow::LoanInterest, Sector::Providers, Sector::Banks, prov_paid as i128);
    ledger.record(Flow::DepositInterest, Sector::Banks, Sector::Providers, prov_received as i128);

    // Owners: deposits, bonds and any loans; chip vendors and the energy sector: deposits.
    let owner_loan = monthly_interest(inst.owner_loans, policy + cfg.finance.loan_spread);
    let owner_dep = monthly_interest(inst.owners.max(0), dep);
    let owner_bond = monthly_interest(fin.owner_bonds, fin.bond_rate);
    let chips_dep = monthly_interest(inst.chips.max(0), dep);
    let energy_dep = monthly_interest(inst.energy.max(0), dep);
    inst.owners += owner_dep + owner_bond - owner_loan;
    inst.owner_income += owner_dep + owner_bond - owner_loan;
    inst.chips += chips_dep;
    inst.energy += energy_dep;
    ledger.record(Flow::LoanInterest, Sector::Owners, Sector::Banks, owner_loan as i128);
    ledger.record(Flow::DepositInterest, Sector::Banks, Sector::Owners, owner_dep as i128);
    ledger.record(Flow::DepositInterest, Sector::Banks, Sector::Chips, chips_dep as i128);
    ledger.record(Flow::DepositInterest, Sector::Banks, Sector::Energy, energy_dep as i128);

    // Government bonds pay their holders; the central bank pays on reserves and earns on
    // advances. Reserves move with these payments when the month's flows settle
    // (`central_bank::run_central_bank`).
    let bank_bond = monthly_interest(fin.bank_bonds, fin.bond_rate);
    let cb_bond = monthly_interest(fin.cb_bonds, fin.bond_rate);
    let reserve = monthly_interest(fin.reserves, policy);
    let advance = monthly_interest(fin.advances, fin.advance_rate);
    inst.government -= owner_bond + bank_bond + cb_bond;
    ledger.record(Flow::BondInterest, Sector::Government, Sector::Owners, owner_bond as i128);
    ledger.record(Flow::BondInterest, Sector::Government, Sector::Banks, bank_bond as i128);
    ledger.record(Flow::BondInterest, Sector::Government, Sector::CentralBank, cb_bond as i128);
    ledger.record(Flow::ReserveInterest, Sector::CentralBank, Sector::Banks, reserve as i128);
    ledger.record(Flow::AdvanceInterest, Sector::Banks, Sector::CentralBank, advance as i128);

    let firm_paid = i64::try_from(firm_paid).expect("firms' loan interest fits in i64 cents");
    fin.loan_interest = [firm_paid, prov_paid, owner_loan];
    fin.deposit_interest = i64::try_from(firm_received).expect("deposit interest fits in i64 cents")
        + prov_received
        + owner_dep
        + chips_dep
        + energy_dep;
    fin.bond_interest = owner_bond + bank_bond + cb_bond;
}

/// A firm's monthly costs for its cash buffer: wages, AI and net interest, cents.
fn monthly_costs(f: &Firm) -> f64 {
    (f.wage_bill + f.ai_bill + f.interest.max(0)) as f64
}

/// Repayments, new loans (rationed by the bank's capital), restructuring of firms that
/// cannot pay, and providers' and owners' overdrafts.
#[allow(clippy::too_many_arguments)]
pub fn settle_credit(
    setup: Res<Setup>,
    macro_: Res<Macro>,
    mut fin: ResMut<Finance>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    mut requests: Local<Vec<(f64, u32, i64, i64)>>,
    mut firms: Query<&mut Firm>,
    mut providers: Query<&mut Provider>,
) {
    let cfg = &setup.config;
    let fc = &cfg.finance;
    let mut fs: Vec<Mut<Firm>> = firms.iter_mut().filter(|f| matches!(f.role, Role::Goods(_))).collect();
    fs.sort_by_key(|f| f.id);
    let capital_price = macro_.price_index[Market::CapitalGoods as usize] * 100.0;
    let (mut repaid, mut granted, mut written, mut refused) = (0i64, 0i64, 0i64, 0i64);

    // Scheduled repayment (equal shares over `loan_months`), early repayment of deposits
    // above twice the buffer, and the credit each firm asks for to restore its buffer.
    requests.clear();
    for f in fs.iter_mut() {
        let buffer = cfg.firms.cash_buffer_months * monthly_costs(f);
        let due = (f.loans + fc.loan_months as i64 - 1) / fc.loan_months as i64;
        let early = ((f.deposits - due) as f64 - 2.0 * buffer).max(0.0) as i64;
        let repay = (due + early).min(f.loans);
        f.loans -= repay;
        f.deposits -= repay;
        repaid += repay;
        let need = (buffer - f.deposits as f64).max(0.0);
        let room = (debt_limit(cfg, f.sales_trend) - f.loans as f64).max(0.0);
        let ask = need.min(room).round() as i64;
        refused += (need - need.min(room)).round() as i64;
        if ask > 0 {
            let net_worth = (f.deposits - f.loans) as f64 + f.capital * capital_price;
            // The part that refinances this month's scheduled repayment is a rollover.
            requests.push((net_worth / f.sales_trend.max(1.0), f.id, ask, ask.min(due)));
        }
    }
    fin.bank_loans -= repaid;
    ledger.transact(Instrument::Loans, Sector::Firms, Sector::Banks, repaid as i128);

    // The bank rolls over scheduled repayments within each firm's debt limit, and lends new
    // money while its equity covers the capital requirement; when requests exceed what it
    // can lend, the most creditworthy firms (net worth per unit of sales) come first.
    let equity = ledger.expected_nfw(Sector::Banks) as f64;
    let rollovers: i64 = requests.iter().map(|r| r.3).sum();
    let mut capacity = (equity / fc.capital_requirement - (fin.bank_loans + rollovers) as f64).max(0.0);
    let asked: i64 = requests.iter().map(|r| r.2 - r.3).sum();
    if asked as f64 > capacity {
        requests.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    for &(_, id, ask, rollover) in requests.iter() {
        let give = rollover + ((ask - rollover) as f64).min(capacity).max(0.0) as i64;
        capacity -= (give - rollover) as f64;
        refused += ask - give;
        if give > 0 {
            let f = &mut fs[id as usize];
            debug_assert_eq!(f.id, id);
            f.loans += give;
            f.deposits += give;
            granted += give;
        }
    }
    fin.bank_loans += granted;
    ledger.transact(Instrument::Loans, Sector::Firms, Sector::Banks, -(granted as i128));

    // A firm that still cannot pay (deposits below zero), or whose net worth (deposits and
    // capital at replacement cost, less loans) is below minus `exit_months` of costs, is
    // restructured: the bank writes off its loans and overdraft, the owners put in new
    // equity, and it restarts smaller with the capital it has.
    let mean_markup = {
        let (mut num, mut den) = (0.0, 0.0);
        for f in fs.iter() {
            num += f.markup * f.sales as f64;
            den += f.sales as f64;
        }
        if den > 0.0 { num / den } else { cfg.firms.markup }
    };
    let (mut loans_off, mut inject_sum, mut bankrupt) = (0i64, 0i64, 0u32);
    for f in fs.iter_mut() {
        let net_worth = (f.deposits - f.loans) as f64 + f.capital * capital_price;
        let insolvent = net_worth < -cfg.firms.exit_months * monthly_costs(f);
        if f.deposits >= 0 && !insolvent {
            continue;
        }
        let loss = f.loans - f.deposits;
        loans_off += f.loans;
        written += loss;
        f.loans = 0;
        f.deposits = 0;
        let inject = (cfg.firms.entry_equity_months * monthly_costs(f) * 0.5).round() as i64;
        f.deposits += inject;
        inject_sum += inject;
        bankrupt += 1;
        f.failed = true;
        f.expected_demand *= 0.5;
        f.markup = mean_markup.clamp(cfg.firms.markup_min, cfg.firms.markup_max);
        f.market_share = 0.0;
        for k in 0..TIERS {
            f.ai_share[k] = cfg.adoption.initial_share_of_ceiling * f.ceiling[k];
        }
        f.age = 0;
    }
    fin.bank_loans -= loans_off;
    ledger.transact(Instrument::Loans, Sector::Firms, Sector::Banks, loans_off as i128);
    ledger.record(Flow::WriteOffs, Sector::Banks, Sector::Firms, written as i128);
    ledger.record(Flow::Refounding, Sector::Owners, Sector::Firms, inject_sum as i128);
    inst.owners -= inject_sum;

    // Providers: an overdraft becomes a loan within the debt limit; beyond it investors
    // cover the rest with equity. Deposits above two months of energy repay loans.
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let (mut p_repaid, mut p_granted, mut p_equity) = (0i64, 0i64, 0i64);
    for p in provs.iter_mut() {
        let spare = (p.deposits - 2 * p.energy_cost).max(0);
        let repay = spare.min(p.loans);
        p.loans -= repay;
        p.deposits -= repay;
        p_repaid += repay;
        if p.deposits < 0 {
            let revenue = (p.revenue_subscription + p.revenue_api + p.revenue_enterprise + p.revenue_platform) as f64;
            let room = (debt_limit(cfg, revenue) - p.loans as f64).max(0.0).min(capacity) as i64;
            let give = (-p.deposits).min(room);
            capacity -= give as f64;
            p.loans += give;
            p.deposits += give;
            p_granted += give;
            if p.deposits < 0 {
                let equity = -p.deposits;
                p.deposits = 0;
                p.capital_raised += equity;
                p_equity += equity;
            }
        }
    }
    fin.bank_loans += p_granted - p_repaid;
    ledger.transact(Instrument::Loans, Sector::Providers, Sector::Banks, (p_repaid - p_granted) as i128);
    ledger.record(Flow::OutsideCapital, Sector::Owners, Sector::Providers, p_equity as i128);
    inst.owners -= p_equity;

    // Owners: an overdraft becomes a loan; deposits repay loans.
    let change = if inst.owners < 0 { -inst.owners } else { -inst.owners.min(inst.owner_loans) };
    inst.owner_loans += change;
    inst.owners += change;
    fin.bank_loans += change;
    ledger.transact(Instrument::Loans, Sector::Owners, Sector::Banks, -(change as i128));

    fin.repayments = repaid + p_repaid + (-change).max(0);
    fin.new_loans = granted + p_granted + change.max(0);
    fin.write_offs = written;
    fin.bankruptcies = bankrupt;
    fin.credit_refused = refused;
}

/// The bank's profit (interest margin less write-offs), profit tax and dividends.
pub fn close_bank(
    setup: Res<Setup>,
    mut fin: ResMut<Finance>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
) {
    let cfg = &setup.config;
    let profit = i64::try_from(ledger.net(Sector::Banks)).expect("bank profit fits in i64 cents");
    let tax = (profit.max(0) as f64 * cfg.government.profit_tax).round() as i64;
    inst.government += tax;
    inst.taxes[1] += tax;
    ledger.record(Flow::ProfitTax, Sector::Banks, Sector::Government, tax as i128);
    // Banks pay out a share of the equity above their start ratio to loans, so in a steady
    // state they pay out their profit and retain what growing loans need.
    let equity = ledger.expected_nfw(Sector::Banks) as f64;
    let target = setup.bank_capital_ratio.max(cfg.finance.capital_requirement) * fin.bank_loans as f64;
    let div = (cfg.finance.bank_payout * (equity - target).max(0.0)).round() as i64;
    inst.owners += div;
    inst.owner_income += div;
    ledger.record(Flow::Dividends, Sector::Banks, Sector::Owners, div as i128);
    fin.bank_profit = profit;
    fin.bank_dividends = div;
    // A bank whose equity falls below the requirement is recapitalised: its owners put in
    // what they can, government the rest (a bail-out, as in Dosi et al. 2015), so losses on
    // bad loans do not stop all lending.
    let equity = ledger.expected_nfw(Sector::Banks);
    let short = (cfg.finance.capital_requirement * fin.bank_loans as f64 - equity as f64).max(0.0).round() as i64;
    let from_owners = short.min(inst.owners.max(0));
    let from_government = short - from_owners;
    inst.owners -= from_owners;
    inst.government -= from_government;
    ledger.record(Flow::BankCapital, Sector::Owners, Sector::Banks, from_owners as i128);
    ledger.record(Flow::BankCapital, Sector::Government, Sector::Banks, from_government as i128);
    fin.bank_recapitalisation = short;
}
