//! Integration tests of the model: accounting, determinism, broken flows.

use bevy_ecs::prelude::*;
use mindmill_config::Config;
use mindmill_model::components::Firm;
use mindmill_model::{Simulation, TickSystems};

fn small(workers: u64, years: u32) -> Config {
    let mut c = Config::baseline();
    c.run.workers = workers;
    c.run.firms = (workers / 50).max(1) as u32;
    c.run.years = years;
    c.run.sample_workers = 20;
    c
}

#[test]
fn accounts_hold_every_tick() {
    let mut sim = Simulation::new(small(3000, 3), 0);
    sim.run(|_| {}).expect("stock-flow consistent");
    let agg = sim.tables()[0];
    assert_eq!(agg.rows(), 36);
    for x in agg.f64s("gdp_usd_month") {
        assert!(x.is_finite() && *x > 0.0);
    }
}

fn leak(mut firms: Query<&mut Firm>) {
    if let Some(mut f) = firms.iter_mut().next() {
        f.deposits += 12_345;
    }
}

#[test]
fn a_broken_flow_is_caught_with_a_clear_message() {
    let mut sim = Simulation::new(small(1000, 1), 0);
    sim.schedule_mut().add_systems(leak.after(TickSystems::Government).before(TickSystems::Accounting));
    let e = sim.step().expect_err("the leak must be caught");
    let msg = e.to_string();
    assert!(msg.contains("tick 0"), "{msg}");
    assert!(msg.contains("`firms`"), "{msg}");
    assert!(msg.contains("$123.45"), "{msg}");
}

#[test]
fn same_seed_same_tables_other_seed_other_tables() {
    let run = |seed| {
        let mut c = small(2000, 2);
        c.run.seed = seed;
        let mut sim = Simulation::new(c, 0);
        sim.run(|_| {}).unwrap();
        sim.tables().into_iter().cloned().collect::<Vec<_>>()
    };
    let a = run(1);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
}

#[test]
#[ignore = "prints a baseline trajectory for calibration work"]
fn print_trajectory() {
    let mut c = Config::baseline();
    if let Ok(path) = std::env::var("MINDMILL_CONFIG") {
        c = Config::from_file(std::path::Path::new(&path)).unwrap();
    }
    let mut sim = Simulation::new(c, 0);
    sim.run(|_| {}).unwrap();
    let a = sim.tables()[0];
    let cols = [
        "unemployment_rate",
        "labour_share",
        "wage_a_usd_month",
        "wage_b_usd_month",
        "wage_c_usd_month",
        "wage_m_usd_month",
        "automation_share_a",
        "automation_share_b",
        "automation_share_c",
        "price_level",
        "gdp_usd_month",
        "provider_cumulative_cash_flow_usd",
        "ai_price_usd_per_unit_frontier",
        "ai_price_usd_per_unit_cheapest",
        "capability_frontier_log10_flop",
        "datacenter_gpus_h100e",
        "rate_of_surplus_value",
        "unmet_demand_share",
        "government_balance_usd",
        "provider_capex_usd_month",
        "output_units",
        "provider_revenue_api_usd_month",
        "provider_revenue_enterprise_usd_month",
        "provider_revenue_subscription_usd_month",
        "firm_exits",
    ];
    for t in (0..a.rows()).step_by(6) {
        let row: Vec<String> = cols
            .iter()
            .filter(|c| matches!(a.column(c), Some(mindmill_model::Values::F64(_))))
            .map(|c| format!("{}={:.3e}", short(c), a.f64s(c)[t]))
            .collect();
        println!("t={t} {}", row.join(" "));
    }
}

fn short(c: &str) -> String {
    c.replace("_usd_month", "")
        .replace("automation_share", "as")
        .replace("provider_", "p_")
        .replace("unemployment_rate", "u")
}

fn run(c: Config) -> Table {
    let mut sim = Simulation::new(c, 0);
    sim.run(|_| {}).expect("accounts hold");
    sim.tables()[0].clone()
}

use mindmill_model::Table;

#[test]
fn default_run_holds_its_accounts_and_starts_calibrated() {
    // The full built-in baseline: the engine checks the accounts every tick and stops on a breach.
    let a = run(Config::baseline());
    assert_eq!(a.rows(), 120);
    let ls = a.f64s("labour_share")[0];
    assert!((0.50..0.64).contains(&ls), "start labour share {ls}");
    let u = a.f64s("unemployment_rate")[0];
    assert!((0.03..0.07).contains(&u), "start unemployment {u}");
    // The surplus shares split s exactly.
    for t in 0..a.rows() {
        let sum: f64 = ["firms", "providers", "compute", "energy", "government"]
            .iter()
            .map(|k| a.f64s(&format!("surplus_share_{k}"))[t])
            .sum();
        assert!((sum - 1.0).abs() < 1e-6, "tick {t}: shares sum to {sum}");
    }
}

#[test]
fn regulation_that_forbids_automation_keeps_ai_out() {
    let mut c = small(4000, 3);
    c.adoption.regulation_cap = [0.0; 4];
    let a = run(c);
    for k in ["a", "b", "c", "m"] {
        assert!(a.f64s(&format!("automation_share_{k}")).iter().all(|x| *x == 0.0), "tier {k}");
    }
    assert!(a.f64s("ai_units_firms").iter().all(|x| *x == 0.0));
}

#[test]
fn automation_rises_with_capability_and_fastest_in_tier_a() {
    let a = run(small(4000, 6));
    let last = a.rows() - 1;
    let (sa, sb, sc) =
        (a.f64s("automation_share_a")[last], a.f64s("automation_share_b")[last], a.f64s("automation_share_c")[last]);
    assert!(sa > a.f64s("automation_share_a")[0] * 3.0, "{sa}");
    assert!(sa > sb && sb > sc, "{sa} {sb} {sc}");
    assert!(a.f64s("capability_frontier_log10_flop")[last] > a.f64s("capability_frontier_log10_flop")[0] + 1.0);
}

#[test]
fn the_compute_ceiling_lowers_tier_a_wages() {
    let with = run(small(4000, 6));
    let mut c = small(4000, 6);
    c.wages.compute_ceiling = false;
    let without = run(c);
    let last = with.rows() - 1;
    let w = with.f64s("real_wage_a_usd_month_start_prices")[last];
    let wo = without.f64s("real_wage_a_usd_month_start_prices")[last];
    assert!(w < wo, "with ceiling {w}, without {wo}");
}

#[test]
fn cheaper_ai_lowers_the_price_of_a_unit_of_work() {
    let a = run(small(3000, 5));
    let p = a.f64s("ai_cost_usd_per_unit_fixed_capability");
    assert!(p[a.rows() - 1] < p[0] / 10.0, "fixed-capability cost {} -> {}", p[0], p[a.rows() - 1]);
}

#[test]
#[ignore = "prints tier dynamics for calibration work"]
fn print_tiers() {
    let mut c = Config::baseline();
    if let Ok(path) = std::env::var("MINDMILL_CONFIG") {
        c = Config::from_file(std::path::Path::new(&path)).unwrap();
    }
    let mut sim = Simulation::new(c, 0);
    sim.run(|_| {}).unwrap();
    let t = sim.tables()[1];
    let tier = match t.column("tier") {
        Some(mindmill_model::Values::Str(v)) => v.clone(),
        _ => unreachable!(),
    };
    for r in (0..t.rows()).filter(|r| (r / 4) % 12 == 0) {
        let g = |c: &str| t.f64s(c)[r];
        println!(
            "t={:3} {} emp={:.2e} u={:.3} vac={:.2e} hires={:.2e} sep={:.2e} retr={:.2e} wage={:.0} auto={:.3} adopt={:.3} ceil={:.3}",
            r / 4,
            tier[r],
            g("employed_persons"),
            g("unemployment_rate"),
            g("vacancies"),
            g("hires_persons"),
            g("separations_persons"),
            g("retraining_persons"),
            g("mean_wage_usd_month"),
            g("automation_share"),
            g("adoption_ratio"),
            g("automatable_share_frontier")
        );
    }
}

#[test]
#[ignore = "debugging aid: prints the firms with the largest plans"]
fn print_big_firms() {
    let mut c = Config::baseline();
    c.wages.psi_cpi = 0.5;
    let mut sim = Simulation::new(c, 0);
    for t in 0..70 {
        sim.step().unwrap();
        if t >= 36 && t % 3 == 0 {
            let w = sim.world_mut();
            let mut q = w.query::<&Firm>();
            let mut v: Vec<Firm> = q.iter(w).cloned().collect();
            v.sort_by(|a, b| b.expected_demand.total_cmp(&a.expected_demand));
            for f in v.iter().take(2) {
                println!(
                    "t={t} id={} Q={:.3e} Y={:.3e} d={:.3e} p={:.3e} mu={:.2} tau={:?} phi={:?} ov={:.3} ai={:.3e} prov={}",
                    f.id,
                    f.expected_demand,
                    f.output,
                    f.demand,
                    f.price,
                    f.markup,
                    f.tasks_per_unit,
                    f.ai_share,
                    f.oversight_per_unit,
                    f.ai_units,
                    f.provider
                );
            }
        }
    }
}
