//! Prints a run's yearly trajectory and tier dynamics: a quick look for calibration work.
//!
//! `cargo run --release -p mindmill-model --example trajectory [CONFIG.toml]`

use mindmill_config::Config;
use mindmill_model::{Simulation, Values};

fn main() {
    let config = match std::env::args().nth(1) {
        Some(p) => Config::from_file(std::path::Path::new(&p)).unwrap_or_else(|e| panic!("{e}")),
        None => Config::baseline(),
    };
    let mut sim = Simulation::new(config, 0);
    sim.run(|_| {}).unwrap_or_else(|e| panic!("{e}"));
    let tables = sim.tables();
    let a = tables[0];
    let cols = [
        "unemployment_rate",
        "labour_share",
        "price_level",
        "output_units",
        "real_wage_a_usd_month_start_prices",
        "real_wage_b_usd_month_start_prices",
        "real_wage_c_usd_month_start_prices",
        "real_wage_m_usd_month_start_prices",
        "automation_share_a",
        "rate_of_surplus_value",
        "provider_cumulative_cash_flow_usd",
    ];
    for t in (0..a.rows()).step_by(12) {
        let row: Vec<String> = cols.iter().map(|c| format!("{c}={:.4}", a.f64s(c)[t])).collect();
        println!("tick {t:3} {}", row.join(" "));
    }
    let tiers = tables[1];
    let Some(Values::Str(names)) = tiers.column("tier") else { unreachable!("tier column") };
    for r in (0..tiers.rows()).filter(|r| (r / 4) % 12 == 0) {
        let g = |c: &str| tiers.f64s(c)[r];
        println!(
            "tick {:3} tier {} employed={:.3e} u={:.3} vacancies={:.3e} wage={:.0} automation={:.3}",
            r / 4,
            names[r],
            g("employed_persons"),
            g("unemployment_rate"),
            g("vacancies"),
            g("mean_wage_usd_month"),
            g("automation_share")
        );
    }
}
