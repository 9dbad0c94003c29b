//! Stock-flow consistency: the transaction-flow ledger, the balance sheets and the check
//! that runs every tick (Godley & Lavoie 2007; Caiani et al. 2016).
//!
//! Every payment moves integer cents from one sector to another and is recorded in the
//! ledger under (what it is for, paying sector, receiving sector). Payments change net
//! financial wealth (NFW); financial transactions (a loan granted or repaid, a bond bought)
//! only swap one asset or liability for another and are recorded separately, by
//! instrument. At the end of a tick the check recomputes every sector's balance sheet
//! from the agents' own accounts and requires that
//! 1. each sector's NFW changed by exactly its recorded net receipts,
//! 2. each loan, bond and advance position changed by exactly its recorded transactions,
//! 3. every financial instrument nets to zero across sectors (one sector's asset is
//!    another's liability), so NFW sums to zero,
//! 4. the central bank, which remits its profit every month, has no net worth and the
//!    goods-market clearing account is empty.

use bevy_ecs::prelude::*;
use std::fmt;

/// Defines an enum with a `NAMES` table and `ALL` list in declaration order, so a row or
/// column label and its index cannot drift apart.
macro_rules! labelled {
    ($(#[$m:meta])* $name:ident, $count:ident, $names:ident, $changes:ident { $($(#[$vm:meta])* $v:ident = $label:literal,)* }) => {
        labelled!($(#[$m])* $name, $count, $names { $($(#[$vm])* $v = $label,)* });
        /// Labels of the rows "change in ..." of the transaction-flow matrix, in index order.
        pub const $changes: [&str; $count] = [$(concat!("change_in_", $label)),*];
    };
    ($(#[$m:meta])* $name:ident, $count:ident, $names:ident { $($(#[$vm:meta])* $v:ident = $label:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(usize)]
        pub enum $name { $($(#[$vm])* $v,)* }
        /// Number of variants.
        pub const $count: usize = [$($label),*].len();
        /// Labels in index order (as written in outputs).
        pub const $names: [&str; $count] = [$($label),*];
        impl $name {
            /// Every variant in index order.
            pub const ALL: [$name; $count] = [$($name::$v),*];
            /// The label written in outputs.
            pub fn label(self) -> &'static str { $names[self as usize] }
        }
    };
}

labelled! {
    /// Sectors of the transaction-flow and balance-sheet matrices.
    Sector, SECTORS, SECTOR_NAMES {
        /// Worker households (per-person deposits times the weight).
        Workers = "workers",
        /// Capital-owning households: they own firms, banks, providers, chip vendors and the energy sector.
        Owners = "owners",
        /// Client firms.
        Firms = "firms",
        /// AI providers (they own the datacenters).
        Providers = "providers",
        /// Chip vendors.
        Chips = "chips",
        /// Energy sector.
        Energy = "energy",
        /// The banking sector (one representative bank).
        Banks = "banks",
        /// Government (its account at the central bank, less the bonds it owes).
        Government = "government",
        /// The central bank.
        CentralBank = "central_bank",
        /// Goods-market clearing account (empty between ticks).
        Clearing = "clearing",
    }
}

labelled! {
    /// What a payment is for: one row of the current account of the transaction-flow matrix.
    Flow, FLOWS, FLOW_NAMES {
        /// Net wages, employers -> workers.
        Wages = "wages_net",
        /// Income tax withheld, employers -> government.
        IncomeTax = "income_tax",
        /// Goods spending, households and government -> clearing.
        Consumption = "goods_purchases",
        /// Retraining services, workers and government -> clearing.
        Retraining = "retraining_services",
        /// Capital goods and datacenter buildings (investment), firms and providers -> clearing.
        CapitalGoods = "capital_goods_purchases",
        /// Firms' sales, clearing -> firms.
        Sales = "goods_sales",
        /// AI services bought by firms, firms -> providers.
        AiServices = "ai_services",
        /// Consumer AI subscriptions, workers -> providers.
        Subscriptions = "subscriptions",
        /// Platform providers' bundled products, households -> providers.
        PlatformProducts = "platform_products",
        /// Ad valorem tax on AI services, buyers -> government.
        ComputeTax = "compute_tax",
        /// Tax on profits, firms, providers, chip vendors, energy, banks -> government.
        ProfitTax = "profit_tax",
        /// Dividends, firms, providers, chips, energy, banks -> owners.
        Dividends = "dividends",
        /// Electricity for datacenters, providers -> energy.
        Electricity = "electricity",
        /// GPU purchases (investment), providers -> chips.
        Gpus = "gpu_investment",
        /// Unemployment benefits, government -> workers.
        Benefits = "unemployment_benefits",
        /// Basic income, government -> workers.
        BasicIncome = "basic_income",
        /// Outside equity for providers, owners -> providers.
        OutsideCapital = "outside_equity",
        /// Equity injected into restructured firms, owners -> firms.
        Refounding = "restructuring_equity",
        /// Interest on loans, borrowers -> banks.
        LoanInterest = "loan_interest",
        /// Interest on deposits, banks -> depositors.
        DepositInterest = "deposit_interest",
        /// Interest on government bonds, government -> bondholders.
        BondInterest = "bond_interest",
        /// Interest on reserves, central bank -> banks.
        ReserveInterest = "reserve_interest",
        /// Interest on central-bank advances, banks -> central bank.
        AdvanceInterest = "advance_interest",
        /// The central bank's profit, central bank -> government.
        Remittance = "central_bank_remittance",
        /// Bad loans written off, banks -> borrowers (a capital transfer).
        WriteOffs = "loan_write_offs",
        /// New equity for a bank below its capital requirement, owners or government -> banks.
        BankCapital = "bank_recapitalisation",
    }
}

labelled! {
    /// Financial instruments: the rows of the balance-sheet matrix.
    Instrument, INSTRUMENTS, INSTRUMENT_NAMES, CHANGE_NAMES {
        /// Bank deposits (negative: an overdraft within the month); the clearing account is one.
        Deposits = "deposits",
        /// Bank loans.
        Loans = "loans",
        /// Government bonds.
        Bonds = "government_bonds",
        /// Banks' reserves at the central bank.
        Reserves = "reserves",
        /// Central-bank advances to banks.
        Advances = "central_bank_advances",
        /// The government's account at the central bank (zero after each month's bond sale).
        GovernmentAccount = "government_account",
    }
}

/// Financial instruments whose every change is a recorded transaction (deposits and
/// reserves also move with every payment and are checked through net financial wealth).
pub const TRACKED: [Instrument; 3] = [Instrument::Loans, Instrument::Bonds, Instrument::Advances];

/// Holdings of every instrument by every sector, in cents: assets positive, liabilities
/// negative (so every row sums to zero and a column sums to the sector's NFW).
pub type Holdings = [[i128; SECTORS]; INSTRUMENTS];

/// This tick's flows between sectors, the financial transactions, and last tick's balance sheets.
#[derive(Resource, Debug, Clone)]
pub struct Ledger {
    /// flows[flow][from][to] in cents, this tick.
    pub flows: Box<[[[i128; SECTORS]; SECTORS]; FLOWS]>,
    /// Recorded change of holdings[instrument][sector] from financial transactions this tick.
    pub transactions: Holdings,
    /// Balance sheets at the end of the previous tick.
    pub previous: Holdings,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger {
            flows: Box::new([[[0; SECTORS]; SECTORS]; FLOWS]),
            transactions: [[0; SECTORS]; INSTRUMENTS],
            previous: [[0; SECTORS]; INSTRUMENTS],
        }
    }
}

impl Ledger {
    /// Records a payment of `cents` from one sector to another.
    #[inline]
    pub fn record(&mut self, flow: Flow, from: Sector, to: Sector, cents: i128) {
        self.flows[flow as usize][from as usize][to as usize] += cents;
    }

    /// Records a financial transaction: `holder`'s position in `instrument` changes by
    /// `cents` (assets positive), and `counterparty`'s by minus that.
    #[inline]
    pub fn transact(&mut self, instrument: Instrument, holder: Sector, counterparty: Sector, cents: i128) {
        self.transactions[instrument as usize][holder as usize] += cents;
        self.transactions[instrument as usize][counterparty as usize] -= cents;
    }

    /// Net receipts of a sector this tick (its saving, in NFW terms).
    pub fn net(&self, s: Sector) -> i128 {
        let i = s as usize;
        self.flows.iter().map(|f| (0..SECTORS).map(|j| f[j][i] - f[i][j]).sum::<i128>()).sum()
    }

    /// Net flow into the set of sectors `inside` from all others this tick, over every flow.
    pub fn net_into(&self, inside: &[Sector]) -> i128 {
        let mut n = 0;
        for f in self.flows.iter() {
            for from in 0..SECTORS {
                for to in 0..SECTORS {
                    let (a, b) = (inside.iter().any(|s| *s as usize == from), inside.iter().any(|s| *s as usize == to));
                    if b && !a {
                        n += f[from][to];
                    } else if a && !b {
                        n -= f[from][to];
                    }
                }
            }
        }
        n
    }

    /// Expected NFW of `s` now: last tick's plus this tick's net receipts.
    pub fn expected_nfw(&self, s: Sector) -> i128 {
        nfw(&self.previous, s) + self.net(s)
    }

    /// Expected holding of `instrument` by `s` now, for instruments in [`TRACKED`].
    pub fn expected_holding(&self, instrument: Instrument, s: Sector) -> i128 {
        self.previous[instrument as usize][s as usize] + self.transactions[instrument as usize][s as usize]
    }
}

/// Net financial wealth of sector `s` in `h`.
pub fn nfw(h: &Holdings, s: Sector) -> i128 {
    h.iter().map(|row| row[s as usize]).sum()
}

/// A failed monthly check: a broken money flow (stock-flow), an agent state out of its
/// domain, or an economy outside the sanity bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountingError {
    /// Tick at which it was found.
    pub tick: u32,
    /// What broke.
    pub message: String,
}

impl fmt::Display for AccountingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the monthly check failed at tick {}: {}", self.tick, self.message)
    }
}

impl std::error::Error for AccountingError {}

/// How often the expensive per-agent invariants run (every `every` ticks; 1 = every tick).
/// Results never depend on it: the checks only read.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckEvery(pub u32);

impl Default for CheckEvery {
    fn default() -> Self {
        CheckEvery(1)
    }
}

/// Set by the accounting check when a flow breaks; the run stops after the tick.
#[derive(Resource, Debug, Clone, Default)]
pub struct Breach(pub Option<AccountingError>);

/// Compares this tick's balance sheets `now` with the ledger.
pub fn check_ledger(ledger: &Ledger, now: &Holdings, tick: u32) -> Result<(), AccountingError> {
    let err = |message: String| Err(AccountingError { tick, message });
    for s in Sector::ALL {
        let expected = ledger.expected_nfw(s);
        let held = nfw(now, s);
        if held != expected {
            return err(format!(
                "stock-flow: sector `{}` has net financial wealth {} but its previous {} plus recorded net receipts {} gives {} \
                 (difference {}); some payment changed an account without a recorded counterpart",
                s.label(),
                cents(held),
                cents(nfw(&ledger.previous, s)),
                cents(ledger.net(s)),
                cents(expected),
                cents(held - expected)
            ));
        }
    }
    for i in TRACKED {
        for s in Sector::ALL {
            let expected = ledger.expected_holding(i, s);
            let held = now[i as usize][s as usize];
            if held != expected {
                return err(format!(
                    "stock-flow: sector `{}` holds {} of `{}` but its previous {} plus recorded transactions {} gives {} (difference {})",
                    s.label(),
                    cents(held),
                    i.label(),
                    cents(ledger.previous[i as usize][s as usize]),
                    cents(ledger.transactions[i as usize][s as usize]),
                    cents(expected),
                    cents(held - expected)
                ));
            }
        }
    }
    for i in Instrument::ALL {
        let total: i128 = now[i as usize].iter().sum();
        if total != 0 {
            return err(format!(
                "`{}` do not net to zero across sectors: assets exceed liabilities by {}",
                i.label(),
                cents(total)
            ));
        }
    }
    let cb = nfw(now, Sector::CentralBank);
    if cb != 0 {
        return err(format!("the central bank holds net worth {} after remitting its profit", cents(cb)));
    }
    let clearing = now[Instrument::Deposits as usize][Sector::Clearing as usize];
    if clearing != 0 {
        return err(format!("the goods-market clearing account holds {} at the end of the tick", cents(clearing)));
    }
    Ok(())
}

/// Formats cents as dollars with two decimals.
pub fn cents(c: i128) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}${}.{:02}", a / 100, a % 100)
}

/// Splits `total` cents in proportion to `weights`, exactly (largest remainder), in
/// index order for ties. The parts sum to `total`. Weights that are not finite and
/// positive count as zero; with no positive weight everything goes to the first part.
pub fn apportion(total: i64, weights: &[f64], out: &mut Vec<i64>) {
    out.clear();
    out.resize(weights.len(), 0);
    let w = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
    let sum: f64 = weights.iter().map(|x| w(*x)).sum();
    if weights.is_empty() || total == 0 || !(sum > 0.0 && sum.is_finite()) {
        if let (Some(first), true) = (out.first_mut(), total != 0) {
            *first = total;
        }
        return;
    }
    let mut given = 0i64;
    let mut rema: Vec<(f64, usize)> = Vec::with_capacity(weights.len());
    for (i, x) in weights.iter().enumerate() {
        let exact = total as f64 * (w(*x) / sum);
        let part = exact.floor() as i64;
        out[i] = part;
        given += part;
        rema.push((exact - part as f64, i));
    }
    // What rounding left over (a few cents per part at most) goes one cent at a time to the
    // largest remainders; any larger residue (floating-point error on huge totals) is spread
    // evenly first, so this never loops long.
    let mut left = total - given;
    let n = rema.len() as i64;
    let each = left / n;
    if each != 0 {
        for x in out.iter_mut() {
            *x += each;
        }
        left -= each * n;
    }
    rema.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for k in 0..left.unsigned_abs() as usize {
        out[rema[k].1] += left.signum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact() {
        let mut out = Vec::new();
        apportion(1_000_003, &[1.0, 2.0, 3.0], &mut out);
        assert_eq!(out.iter().sum::<i64>(), 1_000_003);
        assert!((out[2] as f64 / 1_000_003.0 - 0.5).abs() < 1e-5);
        apportion(7, &[0.0, 0.0], &mut out);
        assert_eq!(out, vec![7, 0]);
        apportion(-10, &[1.0, 1.0, 1.0], &mut out);
        assert_eq!(out.iter().sum::<i64>(), -10);
    }

    /// Workers hold deposits backed by the bank's reserves; the central bank holds the bonds
    /// that back the reserves and the government's account.
    fn sheet(deposits: i128, account: i128) -> Holdings {
        let mut h = [[0; SECTORS]; INSTRUMENTS];
        let (d, r, g, b) = (
            Instrument::Deposits as usize,
            Instrument::Reserves as usize,
            Instrument::GovernmentAccount as usize,
            Instrument::Bonds as usize,
        );
        h[d][Sector::Workers as usize] = deposits;
        h[d][Sector::Banks as usize] = -deposits;
        h[r][Sector::Banks as usize] = deposits;
        h[r][Sector::CentralBank as usize] = -deposits;
        h[g][Sector::Government as usize] = account;
        h[g][Sector::CentralBank as usize] = -account;
        h[b][Sector::Government as usize] = -(deposits + account);
        h[b][Sector::CentralBank as usize] = deposits + account;
        h
    }

    #[test]
    fn ledger_catches_an_unrecorded_payment() {
        let mut l = Ledger { previous: sheet(100, 0), ..Default::default() };
        l.record(Flow::Benefits, Sector::Government, Sector::Workers, 5);
        assert!(check_ledger(&l, &sheet(105, -5), 0).is_ok());
        let mut wrong = sheet(105, -5);
        wrong[Instrument::Deposits as usize][Sector::Workers as usize] += 1;
        wrong[Instrument::Deposits as usize][Sector::Banks as usize] -= 1;
        let e = check_ledger(&l, &wrong, 3).unwrap_err();
        assert!(e.to_string().contains("tick 3") && e.to_string().contains("`workers`"), "{e}");
    }

    #[test]
    fn an_unrecorded_loan_is_caught() {
        let l = Ledger::default();
        let mut now = [[0; SECTORS]; INSTRUMENTS];
        now[Instrument::Loans as usize][Sector::Firms as usize] = -10;
        now[Instrument::Loans as usize][Sector::Banks as usize] = 10;
        now[Instrument::Deposits as usize][Sector::Firms as usize] = 10;
        now[Instrument::Deposits as usize][Sector::Banks as usize] = -10;
        let e = check_ledger(&l, &now, 1).unwrap_err();
        assert!(e.to_string().contains("`loans`"), "{e}");
        let mut l = Ledger::default();
        l.transact(Instrument::Loans, Sector::Firms, Sector::Banks, -10);
        assert!(check_ledger(&l, &now, 1).is_ok());
    }

    #[test]
    fn labels_follow_the_declaration_order() {
        assert_eq!(Sector::CentralBank.label(), "central_bank");
        assert_eq!(Flow::ALL[Flow::WriteOffs as usize], Flow::WriteOffs);
        assert_eq!(INSTRUMENT_NAMES.len(), INSTRUMENTS);
    }
}
