//! The transaction-flow matrix (TFM) and balance-sheet matrix (BSM) of a mindmill run for a
//! chosen month, built from the run's `transactions.parquet` and `balance_sheet.parquet`
//! (Godley & Lavoie 2007, ch. 2). Amounts are exact integer cents.
//!
//! In the TFM each row is a flow (what a payment is for) or the change in one financial
//! instrument, and each column a sector; receipts and sources of funds are positive,
//! payments and uses of funds negative. Every row sums to zero (every payment leaves one
//! sector and enters another; every asset is another sector's liability) and every column
//! sums to zero (a sector's saving equals the change in its net financial assets). In the
//! BSM the financial rows sum to zero across sectors; the real assets (capital goods,
//! datacenter GPUs and buildings) are no one's liability and make up the economy's net worth.

use mindmill_model::accounts::{CHANGE_NAMES, FLOW_NAMES, INSTRUMENT_NAMES, SECTOR_NAMES};
use mindmill_model::systems::record::REAL_ASSETS;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// A failure to read or build the matrices, naming the file or month.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: PolarsError,
    },
    /// The month is not in the run.
    #[error("month {0} is not in this run (it has ticks {1} to {2})")]
    Month(String, u32, u32),
    /// The matrices could not be written.
    #[error("{0}")]
    Write(#[from] mindmill_export::ExportError),
}

/// A matrix of cents with labelled rows and columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels (sectors).
    pub columns: Vec<String>,
    /// cells[row][column], cents.
    pub cells: Vec<Vec<i64>>,
}

impl Matrix {
    fn new(rows: Vec<String>) -> Self {
        let columns: Vec<String> = SECTOR_NAMES.iter().map(|s| s.to_string()).collect();
        let cells = vec![vec![0; columns.len()]; rows.len()];
        Matrix { rows, columns, cells }
    }

    fn add(&mut self, row: &str, column: &str, cents: i64) {
        if let (Some(r), Some(c)) =
            (self.rows.iter().position(|x| x == row), self.columns.iter().position(|x| x == column))
        {
            self.cells[r][c] += cents;
        }
    }

    /// Sum of row `r` across sectors.
    pub fn row_sum(&self, r: usize) -> i128 {
        self.cells[r].iter().map(|&x| x as i128).sum()
    }

    /// Sum of column `c` over rows `rows` (all when None).
    pub fn column_sum(&self, c: usize, rows: Option<std::ops::Range<usize>>) -> i128 {
        let range = rows.unwrap_or(0..self.rows.len());
        self.cells[range].iter().map(|r| r[c] as i128).sum()
    }

    /// The matrix as a wide table: `row`, one column per sector (USD), `total`.
    pub fn to_table(&self, name: &'static str) -> mindmill_model::Table {
        let mut t = mindmill_model::Table::new(name);
        let names: Vec<&'static str> = self.columns.iter().map(|c| &*Box::leak(c.clone().into_boxed_str())).collect();
        for (r, label) in self.rows.iter().enumerate() {
            t.str("row", label);
            for (c, name) in names.iter().enumerate() {
                t.f64(name, self.cells[r][c] as f64 / 100.0);
            }
            t.f64("total", self.row_sum(r) as f64 / 100.0);
        }
        t
    }
}

/// The two matrices of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthAccounts {
    /// Tick of the month.
    pub tick: u32,
    /// "YYYY-MM".
    pub label: String,
    /// Transaction-flow matrix: the flows, then the changes in instruments.
    pub flows: Matrix,
    /// Number of flow rows (the change rows follow).
    pub flow_rows: usize,
    /// Balance-sheet matrix: the financial instruments, then the real assets.
    pub balance: Matrix,
    /// Number of financial rows (the real assets follow).
    pub financial_rows: usize,
}

impl MonthAccounts {
    /// Rows or columns that do not sum to zero, described; empty when the accounts hold.
    pub fn imbalances(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (r, label) in self.flows.rows.iter().enumerate() {
            if self.flows.row_sum(r) != 0 {
                out.push(format!("flow row `{label}` sums to {} cents", self.flows.row_sum(r)));
            }
        }
        for (c, label) in self.flows.columns.iter().enumerate() {
            let s = self.flows.column_sum(c, None);
            if s != 0 {
                out.push(format!("flow column `{label}` sums to {s} cents"));
            }
        }
        for r in 0..self.financial_rows {
            if self.balance.row_sum(r) != 0 {
                out.push(format!(
                    "balance-sheet row `{}` sums to {} cents",
                    self.balance.rows[r],
                    self.balance.row_sum(r)
                ));
            }
        }
        out
    }

    /// The matrices as text: one line per row, sectors in columns, billions of USD.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let head = |s: &mut String, m: &Matrix, title: &str| {
            s.push_str(&format!("{title}, {} (bn USD; sources and receipts positive)\n", self.label));
            s.push_str(&format!("{:34}", ""));
            for c in &m.columns {
                s.push_str(&format!("{:>13}", short(c)));
            }
            s.push_str(&format!("{:>13}\n", "total"));
        };
        let line = |s: &mut String, m: &Matrix, r: usize| {
            s.push_str(&format!("{:34}", m.rows[r]));
            for v in &m.cells[r] {
                s.push_str(&format!("{:>13}", bn(*v as i128)));
            }
            s.push_str(&format!("{:>13}\n", bn(m.row_sum(r))));
        };
        head(&mut s, &self.flows, "Transaction-flow matrix");
        for r in 0..self.flows.rows.len() {
            if r == self.flow_rows {
                s.push_str(&format!("{:-<34}\n", ""));
            }
            if self.flows.cells[r].iter().any(|&x| x != 0) {
                line(&mut s, &self.flows, r);
            }
        }
        s.push_str(&format!("{:34}", "column total"));
        for c in 0..self.flows.columns.len() {
            s.push_str(&format!("{:>13}", bn(self.flows.column_sum(c, None))));
        }
        s.push_str("\n\n");
        head(&mut s, &self.balance, "Balance-sheet matrix");
        for r in 0..self.balance.rows.len() {
            if r == self.financial_rows {
                s.push_str(&format!("{:-<34}\n", ""));
            }
            line(&mut s, &self.balance, r);
        }
        s.push_str(&format!("{:34}", "net financial wealth"));
        for c in 0..self.balance.columns.len() {
            s.push_str(&format!("{:>13}", bn(self.balance.column_sum(c, Some(0..self.financial_rows)))));
        }
        s.push('\n');
        s.push_str(&format!("{:34}", "net worth"));
        for c in 0..self.balance.columns.len() {
            s.push_str(&format!("{:>13}", bn(self.balance.column_sum(c, None))));
        }
        s.push('\n');
        s
    }
}

fn short(s: &str) -> &str {
    match s {
        "central_bank" => "central bank",
        "government" => "government",
        x => x,
    }
}

fn bn(cents: i128) -> String {
    if cents == 0 { "0".to_string() } else { format!("{:.2}", cents as f64 / 1e11) }
}

fn read(path: &Path) -> Result<DataFrame, AccountsError> {
    mindmill_export::read(path).map_err(|source| AccountsError::Read { path: path.to_path_buf(), source })
}

/// The long tables of a run: (tick, year, month, row label, sector, cents).
struct Long {
    tick: Vec<u32>,
    year: Vec<u16>,
    month: Vec<u8>,
    label: Vec<String>,
    sector: Vec<String>,
    cents: Vec<i64>,
}

fn long(path: &Path, label: &str) -> Result<Long, AccountsError> {
    let df = read(path)?;
    let err = |source| AccountsError::Read { path: path.to_path_buf(), source };
    let col = |name: &str| df.column(name).map_err(err);
    let tick = col("tick")?.u32().map_err(err)?.into_no_null_iter().collect();
    let year = col("year")?.u16().map_err(err)?.into_no_null_iter().collect();
    let month = col("month")?.u8().map_err(err)?.into_no_null_iter().collect();
    let strings = |name: &str| -> Result<Vec<String>, AccountsError> {
        Ok(col(name)?.str().map_err(err)?.iter().map(|s| s.unwrap_or_default().to_string()).collect())
    };
    let labels = strings(label)?;
    let sector = strings("sector")?;
    let cents = col("cents")?.i64().map_err(err)?.into_no_null_iter().collect();
    Ok(Long { tick, year, month, label: labels, sector, cents })
}

/// Every month of a run's accounts, in tick order.
pub fn all_months(run: &Path) -> Result<Vec<MonthAccounts>, AccountsError> {
    let t = long(&run.join("transactions.parquet"), "flow")?;
    let b = long(&run.join("balance_sheet.parquet"), "item")?;
    let last = t.tick.iter().chain(&b.tick).copied().max().unwrap_or(0);
    let mut out: Vec<MonthAccounts> = (0..=last).map(|tick| empty(tick)).collect();
    for i in 0..t.tick.len() {
        let m = &mut out[t.tick[i] as usize];
        m.label = format!("{}-{:02}", t.year[i], t.month[i]);
        m.flows.add(&t.label[i], &t.sector[i], t.cents[i]);
    }
    for i in 0..b.tick.len() {
        let m = &mut out[b.tick[i] as usize];
        m.label = format!("{}-{:02}", b.year[i], b.month[i]);
        m.balance.add(&b.label[i], &b.sector[i], b.cents[i]);
    }
    Ok(out)
}

fn empty(tick: u32) -> MonthAccounts {
    let mut flow_rows: Vec<String> = FLOW_NAMES.iter().map(|s| s.to_string()).collect();
    let n = flow_rows.len();
    flow_rows.extend(CHANGE_NAMES.iter().map(|s| s.to_string()));
    let mut balance_rows: Vec<String> = INSTRUMENT_NAMES.iter().map(|s| s.to_string()).collect();
    let nf = balance_rows.len();
    balance_rows.extend(REAL_ASSETS.iter().map(|s| s.to_string()));
    MonthAccounts {
        tick,
        label: String::new(),
        flows: Matrix::new(flow_rows),
        flow_rows: n,
        balance: Matrix::new(balance_rows),
        financial_rows: nf,
    }
}

/// The accounts of one month: `month` as "YYYY-MM", or the last month when None.
pub fn month(run: &Path, month: Option<&str>) -> Result<MonthAccounts, AccountsError> {
    let all = all_months(run)?;
    let (first, last) = (0, all.len().saturating_sub(1) as u32);
    match month {
        None => all.into_iter().last().ok_or_else(|| AccountsError::Month("(last)".into(), first, last)),
        Some(m) => all.into_iter().find(|x| x.label == m).ok_or_else(|| AccountsError::Month(m.into(), first, last)),
    }
}

/// Writes the month's matrices as wide Parquet into `dir`: transaction_flows_YYYY-MM and
/// balance_sheet_YYYY-MM. Returns the paths.
pub fn write(m: &MonthAccounts, dir: &Path, metadata: &[(String, String)]) -> Result<Vec<PathBuf>, AccountsError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| AccountsError::Write(mindmill_export::ExportError::Io { path: dir.to_path_buf(), source: e }))?;
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut out = Vec::new();
    for (t, name) in [
        (m.flows.to_table(leak(format!("transaction_flows_{}", m.label))), "flows"),
        (m.balance.to_table(leak(format!("balance_sheet_{}", m.label))), "balance"),
    ] {
        let _ = name;
        out.push(mindmill_export::write_table(dir, &t, metadata)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mindmill_model::Simulation;

    #[test]
    fn every_month_of_a_run_has_rows_and_columns_that_sum_to_zero() {
        let mut c = mindmill_config::Config::baseline();
        c.set_workers(3000);
        c.run.years = 3;
        let mut sim = Simulation::new(c, 0);
        sim.run(|_| {}).expect("accounts hold");
        let dir = std::env::temp_dir().join(format!("mindmill-accounts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        mindmill_export::write_tables(&dir, &sim.tables(), &[]).unwrap();
        let months = all_months(&dir).unwrap();
        assert_eq!(months.len(), 36);
        for m in &months {
            assert!(m.imbalances().is_empty(), "{}: {:?}", m.label, m.imbalances());
            // Real money moved: wages were paid and the government owes bonds.
            let wages = m.flows.rows.iter().position(|r| r == "wages_net").unwrap();
            assert!(m.flows.cells[wages].iter().any(|&x| x > 0));
            let bonds = m.balance.rows.iter().position(|r| r == "government_bonds").unwrap();
            let gov = m.balance.columns.iter().position(|c| c == "government").unwrap();
            assert!(m.balance.cells[bonds][gov] < 0);
        }
        let last = month(&dir, None).unwrap();
        assert_eq!(last.tick, 35);
        assert!(last.render().contains("Transaction-flow matrix") && last.render().contains("net worth"));
        assert!(month(&dir, Some("1999-01")).unwrap_err().to_string().contains("1999-01"));
        let files = write(&last, &dir.join("accounts"), &[]).unwrap();
        assert_eq!(files.len(), 2);
        let df = mindmill_export::read(&files[0]).unwrap();
        assert!(df.column("total").is_ok() && df.column("workers").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
