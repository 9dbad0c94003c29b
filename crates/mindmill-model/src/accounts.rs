//! Stock-flow consistency: the transaction-flow ledger and the check that runs every tick.
//!
//! Every payment moves integer cents from one account to another and is recorded in
//! the ledger under (paying sector, receiving sector). At the end of a tick the check
//! recomputes each sector's balance from the agents' accounts and requires that
//! (1) it changed by exactly its recorded inflows minus outflows, and (2) the sum over
//! all sectors is unchanged (money is only moved, never created; Godley & Lavoie 2007).

use bevy_ecs::prelude::*;
use std::fmt;

/// Sectors of the transaction-flow matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Sector {
    /// Worker households (per-person deposits times the weight).
    Workers = 0,
    /// Capital-owning households.
    Owners = 1,
    /// Client firms.
    Firms = 2,
    /// AI providers (they own the datacenters).
    Providers = 3,
    /// Chip vendors.
    Chips = 4,
    /// Energy sector.
    Energy = 5,
    /// Government.
    Government = 6,
    /// Goods-market clearing account (empty between ticks).
    Clearing = 7,
}

/// Number of sectors.
pub const SECTORS: usize = 8;
/// Sector names in index order.
pub const SECTOR_NAMES: [&str; SECTORS] =
    ["workers", "owners", "firms", "providers", "chips", "energy", "government", "clearing"];

/// This tick's flows between sectors and the balances at the end of the last tick.
#[derive(Resource, Debug, Clone, Default)]
pub struct Ledger {
    /// flows[from][to] in cents, this tick.
    pub flows: [[i128; SECTORS]; SECTORS],
    /// Sector balances at the end of the previous tick, cents.
    pub previous: [i128; SECTORS],
    /// Total money at start, cents.
    pub total: i128,
}

impl Ledger {
    /// Records a payment of `cents` from one sector to another.
    #[inline]
    pub fn record(&mut self, from: Sector, to: Sector, cents: i128) {
        self.flows[from as usize][to as usize] += cents;
    }

    /// Net inflow of a sector this tick.
    pub fn net(&self, s: Sector) -> i128 {
        let i = s as usize;
        (0..SECTORS).map(|j| self.flows[j][i] - self.flows[i][j]).sum()
    }
}

/// A broken money flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountingError {
    /// Tick at which it was found.
    pub tick: u32,
    /// What broke.
    pub message: String,
}

impl fmt::Display for AccountingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stock-flow check failed at tick {}: {}", self.tick, self.message)
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

/// Compares balances with the ledger. `balances` are this tick's sector balances.
pub fn check_ledger(ledger: &Ledger, balances: &[i128; SECTORS], tick: u32) -> Result<(), AccountingError> {
    for s in 0..SECTORS {
        let sector: Sector = unsafe_sector(s);
        let expected = ledger.previous[s] + ledger.net(sector);
        if balances[s] != expected {
            return Err(AccountingError {
                tick,
                message: format!(
                    "sector `{}` holds {} but its previous balance {} plus recorded net inflow {} gives {} \
                     (difference {}); some payment changed an account without a recorded counterpart",
                    SECTOR_NAMES[s],
                    cents(balances[s]),
                    cents(ledger.previous[s]),
                    cents(ledger.net(sector)),
                    cents(expected),
                    cents(balances[s] - expected)
                ),
            });
        }
    }
    let total: i128 = balances.iter().sum();
    if total != ledger.total {
        return Err(AccountingError {
            tick,
            message: format!("total money is {} but was {} at start", cents(total), cents(ledger.total)),
        });
    }
    if balances[Sector::Clearing as usize] != 0 {
        return Err(AccountingError {
            tick,
            message: format!(
                "the goods-market clearing account holds {} at the end of the tick",
                cents(balances[Sector::Clearing as usize])
            ),
        });
    }
    Ok(())
}

fn unsafe_sector(i: usize) -> Sector {
    [
        Sector::Workers,
        Sector::Owners,
        Sector::Firms,
        Sector::Providers,
        Sector::Chips,
        Sector::Energy,
        Sector::Government,
        Sector::Clearing,
    ][i]
}

/// Formats cents as dollars with two decimals.
pub fn cents(c: i128) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}${}.{:02}", a / 100, a % 100)
}

/// Splits `total` cents in proportion to `weights`, exactly (largest remainder), in
/// index order for ties. The parts sum to `total`.
pub fn apportion(total: i64, weights: &[f64], out: &mut Vec<i64>) {
    out.clear();
    out.resize(weights.len(), 0);
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || total == 0 || sum <= 0.0 {
        if let (Some(first), true) = (out.first_mut(), total != 0) {
            *first = total;
        }
        return;
    }
    let mut given = 0i64;
    let mut rema: Vec<(f64, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = total as f64 * (w / sum);
        let part = exact.floor() as i64;
        out[i] = part;
        given += part;
        rema.push((exact - part as f64, i));
    }
    let mut left = total - given;
    rema.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let n = rema.len() as i64;
    let mut k = 0usize;
    while left != 0 {
        let i = rema[k % n as usize].1;
        if left > 0 {
            out[i] += 1;
            left -= 1;
        } else {
            out[i] -= 1;
            left += 1;
        }
        k += 1;
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

    #[test]
    fn ledger_catches_an_unrecorded_payment() {
        let mut l = Ledger::default();
        l.previous = [100, 0, 0, 0, 0, 0, -100, 0];
        l.total = 0;
        l.record(Sector::Government, Sector::Workers, 5);
        assert!(check_ledger(&l, &[105, 0, 0, 0, 0, 0, -105, 0], 0).is_ok());
        let e = check_ledger(&l, &[106, 0, 0, 0, 0, 0, -105, 0], 3).unwrap_err();
        assert!(e.to_string().contains("tick 3") && e.to_string().contains("`workers`"), "{e}");
    }
}
