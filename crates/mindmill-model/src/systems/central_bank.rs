//! The central bank and the bond market, at the end of the month: the month's payments
//! between the public sector and everyone else settle in reserves; the central bank
//! remits its profit; owners rebalance between deposits and bonds; the government sells
//! (or redeems) bonds so that its account returns to zero; banks keep reserves at their
//! target by trading bonds with the central bank or borrowing advances; and the policy
//! rate for next month follows a smoothed Taylor (1993) rule with a lower bound.

use bevy_ecs::prelude::*;

use crate::accounts::{Flow, Instrument, Ledger, Sector};
use crate::components::{Firm, Provider};
use crate::equations::taylor_rate;
use crate::resources::{Calendar, Finance, Institutions, Labour, Macro, Setup};

/// Settlement, remittance, bond market, reserves and next month's policy rate.
#[allow(clippy::too_many_arguments)]
pub fn run_central_bank(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    labour: Res<Labour>,
    macro_: Res<Macro>,
    mut fin: ResMut<Finance>,
    mut inst: ResMut<Institutions>,
    mut ledger: ResMut<Ledger>,
    firms: Query<&Firm>,
    providers: Query<&Provider>,
) {
    let cfg = &setup.config;
    let f = &mut *fin;
    // 1. Payments between the public sector (government, central bank) and the rest settle
    //    in reserves: a benefit paid raises a bank's deposits and its reserves alike.
    let into_public = ledger.net_into(&[Sector::Government, Sector::CentralBank]);
    f.reserves = i64::try_from(f.reserves as i128 - into_public).expect("reserves fit in i64 cents");

    // 2. The central bank remits its profit (bond and advance interest less reserve interest).
    let profit = f.cb_bonds + f.advances - f.reserves - inst.government;
    inst.government += profit;
    ledger.record(Flow::Remittance, Sector::CentralBank, Sector::Government, profit as i128);
    f.remittance = profit;

    // 3. Owners hold `owner_bond_share` of their financial wealth in bonds, bought from or
    //    sold to the banks at par (bonds are short-term).
    let wealth = inst.owners + f.owner_bonds - inst.owner_loans;
    let target = (cfg.households.owner_bond_share * wealth.max(0) as f64).round() as i64;
    let trade = (target - f.owner_bonds).clamp(-f.owner_bonds, f.bank_bonds.min(inst.owners.max(0)));
    inst.owners -= trade;
    f.owner_bonds += trade;
    f.bank_bonds -= trade;
    ledger.transact(Instrument::Bonds, Sector::Owners, Sector::Banks, trade as i128);

    // 4. The government sells bonds to the banks for its deficit (they pay in reserves), or
    //    redeems bonds with a surplus, banks' first, so that its account returns to zero.
    let need = -inst.government;
    if need >= 0 {
        f.bonds += need;
        f.bank_bonds += need;
        f.reserves -= need;
        inst.government += need;
        ledger.transact(Instrument::Bonds, Sector::Banks, Sector::Government, need as i128);
    } else {
        let from_banks = (-need).min(f.bank_bonds);
        f.bank_bonds -= from_banks;
        f.reserves += from_banks;
        let from_cb = (-need - from_banks).min(f.cb_bonds);
        f.cb_bonds -= from_cb;
        f.bonds -= from_banks + from_cb;
        inst.government -= from_banks + from_cb;
        ledger.transact(Instrument::Bonds, Sector::Banks, Sector::Government, -(from_banks as i128));
        ledger.transact(Instrument::Bonds, Sector::CentralBank, Sector::Government, -(from_cb as i128));
    }

    // 5. Banks hold `reserve_ratio` of deposits as reserves: short, they sell bonds to the
    //    central bank, then borrow advances; long, they repay advances, then buy bonds back.
    let workers = ledger.expected_nfw(Sector::Workers);
    let firm_dep: i128 = firms.iter().map(|x| x.deposits as i128).sum();
    let prov_dep: i128 = providers.iter().map(|x| x.deposits as i128).sum();
    let deposits = workers + firm_dep + prov_dep + (inst.owners + inst.chips + inst.energy + inst.clearing) as i128;
    let target = (cfg.finance.reserve_ratio * deposits.max(0) as f64).round() as i64;
    if f.reserves < target {
        let sell = (target - f.reserves).min(f.bank_bonds);
        f.bank_bonds -= sell;
        f.cb_bonds += sell;
        f.reserves += sell;
        ledger.transact(Instrument::Bonds, Sector::CentralBank, Sector::Banks, sell as i128);
        let borrow = target - f.reserves;
        f.advances += borrow;
        f.reserves += borrow;
        ledger.transact(Instrument::Advances, Sector::CentralBank, Sector::Banks, borrow as i128);
    } else {
        let repay = (f.reserves - target).min(f.advances);
        f.advances -= repay;
        f.reserves -= repay;
        ledger.transact(Instrument::Advances, Sector::CentralBank, Sector::Banks, -(repay as i128));
        let buy = (f.reserves - target).min(f.cb_bonds);
        f.cb_bonds -= buy;
        f.bank_bonds += buy;
        f.reserves -= buy;
        ledger.transact(Instrument::Bonds, Sector::Banks, Sector::CentralBank, buy as i128);
    }

    // 6. Next month's rates: 12-month inflation, expectations anchored on the target, the
    //    Taylor rule with smoothing and the lower bound; deposit and bond rates follow.
    let cb = &cfg.central_bank;
    let slot = (cal.tick % 12) as usize;
    let year_ago = f.cpi_ring[slot];
    if year_ago > 0.0 && macro_.cpi > 0.0 {
        f.inflation_12m = macro_.cpi / year_ago - 1.0;
    }
    f.cpi_ring[slot] = macro_.cpi;
    f.expected_inflation =
        cb.expectations_anchor * cb.inflation_target + (1.0 - cb.expectations_anchor) * f.inflation_12m;
    let employed: u64 = labour.employed.iter().sum();
    let jobless: u64 = labour.unemployed.iter().sum::<u64>() + labour.retraining.iter().sum::<u64>();
    let u = jobless as f64 / (employed + jobless).max(1) as f64;
    f.policy_rate = taylor_rate(f.policy_rate, f.inflation_12m, u, cb, cfg.wages.natural_unemployment);
    set_market_rates(f, cfg);
}

/// Deposit, bond and advance rates from the policy rate.
pub fn set_market_rates(f: &mut Finance, cfg: &mindmill_config::Config) {
    f.deposit_rate = (f.policy_rate - cfg.finance.deposit_spread).max(0.0);
    f.bond_rate = f.policy_rate;
    f.advance_rate = f.policy_rate + cfg.central_bank.advance_penalty;
}
