//! Range and consistency checks on a deserialized config. Each failure returns the
//! dotted key and a message saying the value found and what is allowed.

use crate::{Config, EventKind, ProviderKind, TIER_NAMES};

type Check = Result<(), (String, String)>;

fn fail(key: &str, value: impl std::fmt::Display, allowed: &str) -> Check {
    Err((key.to_string(), format!("value {value} is not allowed: {allowed}")))
}

fn unit(key: &str, v: f64) -> Check {
    if v.is_finite() && (0.0..=1.0).contains(&v) { Ok(()) } else { fail(key, v, "a share between 0 and 1") }
}

fn positive(key: &str, v: f64) -> Check {
    if v.is_finite() && v > 0.0 { Ok(()) } else { fail(key, v, "a finite number above 0") }
}

fn non_negative(key: &str, v: f64) -> Check {
    if v.is_finite() && v >= 0.0 { Ok(()) } else { fail(key, v, "a finite number at or above 0") }
}

fn growth(key: &str, v: f64) -> Check {
    if v.is_finite() && (0.1..=100.0).contains(&v) {
        Ok(())
    } else {
        fail(key, v, "a growth factor per year between 0.1 and 100 (1 = no change)")
    }
}

fn range(key: &str, v: f64, lo: f64, hi: f64) -> Check {
    if v.is_finite() && (lo..=hi).contains(&v) { Ok(()) } else { fail(key, v, &format!("a number from {lo} to {hi}")) }
}

/// Checks every field; the first failure is returned.
pub(crate) fn check(c: &Config) -> Check {
    let r = &c.run;
    if !(100..=200_000_000).contains(&r.workers) {
        return fail("run.workers", r.workers, "a whole number from 100 to 200,000,000");
    }
    if r.firms < crate::MIN_FIRMS || r.firms as u64 > r.workers / 2 {
        return fail(
            "run.firms",
            r.firms,
            &format!("at least {} (one per goods market) and at most half of run.workers", crate::MIN_FIRMS),
        );
    }
    if !(1..=200).contains(&r.years) {
        return fail("run.years", r.years, "a whole number of years from 1 to 200");
    }
    if r.sample_workers as u64 > r.workers.min(100_000) {
        return fail("run.sample_workers", r.sample_workers, "at most run.workers and at most 100,000");
    }
    if !(1900..=2200).contains(&r.start_year) {
        return fail("run.start_year", r.start_year, "a calendar year from 1900 to 2200");
    }
    let p = &c.population;
    if !(p.labour_force > 0.0 && p.labour_force <= crate::MAX_LABOUR_FORCE) {
        return fail(
            "population.labour_force",
            p.labour_force,
            "a number of people above 0 and at most 1e10 (money is exact integer cents: a larger economy would overflow them)",
        );
    }
    if p.labour_force < r.workers as f64 {
        return fail(
            "population.labour_force",
            p.labour_force,
            "at least run.workers (each agent stands for one person or more)",
        );
    }
    range("population.initial_unemployment", p.initial_unemployment, 0.0, 0.5)?;
    range("population.skill_sigma", p.skill_sigma, 0.0, 2.0)?;
    range("population.initial_deposit_months", p.initial_deposit_months, 0.0, 120.0)?;
    if !(14..25).contains(&p.entry_age) {
        return fail("population.entry_age", p.entry_age, "an age from 14 to 24 (the first age band ends at 25)");
    }
    if !(56..=80).contains(&p.retirement_age) {
        return fail(
            "population.retirement_age",
            p.retirement_age,
            "an age from 56 to 80 (the last age band starts at 55)",
        );
    }
    unit("population.teleworkable_min", p.teleworkable_min)?;
    unit("population.high_exposure", p.high_exposure)?;
    let lists = [
        ("population.knowledge_major_groups", &p.knowledge_major_groups),
        ("population.c_major_groups", &p.c_major_groups),
        ("population.a_major_groups", &p.a_major_groups),
    ];
    for (key, groups) in lists {
        for g in groups {
            if g.len() != 2 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return fail(key, format!("\"{g}\""), "two-digit SOC major group codes such as \"43\"");
            }
            if !SOC_MAJOR_GROUPS.contains(&g.as_str()) {
                return fail(
                    key,
                    format!("\"{g}\""),
                    &format!("a 2018 SOC major group: {}", SOC_MAJOR_GROUPS.join(", ")),
                );
            }
        }
    }
    for (key, groups) in &lists[1..] {
        if let Some(g) = groups.iter().find(|g| !p.knowledge_major_groups.contains(g)) {
            return fail(
                key,
                format!("\"{g}\""),
                "groups also in population.knowledge_major_groups (tiers A and C are knowledge work)",
            );
        }
    }
    if let Some(g) = p.c_major_groups.iter().find(|g| p.a_major_groups.contains(g)) {
        return fail(
            "population.a_major_groups",
            format!("\"{g}\""),
            "groups not also in population.c_major_groups (a group's exposed work is in one tier)",
        );
    }

    let t = &c.technology;
    range("technology.frontier_capability_oom", t.frontier_capability_oom, 15.0, 40.0)?;
    range("technology.task_spread_oom", t.task_spread_oom, 0.05, 10.0)?;
    unit("technology.c_delegation_cap", t.c_delegation_cap)?;
    growth("technology.flops_per_dollar_growth", t.flops_per_dollar_growth)?;
    growth("technology.flops_per_watt_growth", t.flops_per_watt_growth)?;
    growth("technology.training_efficiency_growth", t.training_efficiency_growth)?;
    growth("technology.inference_efficiency_growth", t.inference_efficiency_growth)?;
    positive("technology.efficiency_halflife_years", t.efficiency_halflife_years)?;
    range("technology.inference_capability_elasticity", t.inference_capability_elasticity, 0.0, 2.0)?;
    range("technology.capability_compute_elasticity", t.capability_compute_elasticity, 0.0, 2.0)?;
    positive("technology.flop_per_unit", t.flop_per_unit)?;
    non_negative("technology.free_user_flop_month", t.free_user_flop_month)?;
    non_negative("technology.paid_user_flop_month", t.paid_user_flop_month)?;
    unit("technology.on_device_initial", t.on_device_initial)?;
    unit("technology.on_device_max", t.on_device_max)?;
    if t.on_device_initial > t.on_device_max {
        return fail("technology.on_device_initial", t.on_device_initial, "at most technology.on_device_max");
    }
    non_negative("technology.on_device_midpoint_years", t.on_device_midpoint_years)?;
    positive("technology.on_device_rate", t.on_device_rate)?;
    if t.open_weight_lag_months > 120 {
        return fail("technology.open_weight_lag_months", t.open_weight_lag_months, "0 to 120 months");
    }
    range("technology.pre_start_capability_growth_oom", t.pre_start_capability_growth_oom, 0.0, 5.0)?;

    let d = &c.datacenters;
    range("datacenters.gpu_flops", d.gpu_flops, 1e12, 1e18)?;
    if !(d.inference_mfu >= 0.01 && d.inference_mfu <= 1.0) {
        return fail("datacenters.inference_mfu", d.inference_mfu, "a share from 0.01 to 1");
    }
    if !(100.0..=10_000.0).contains(&d.it_watts_per_gpu) {
        return fail(
            "datacenters.it_watts_per_gpu",
            d.it_watts_per_gpu,
            "100 to 10,000 W of IT power per H100-equivalent (at 1 GW a GPU every GPU needed its own sites and a run exhausted memory)",
        );
    }
    positive("datacenters.gpu_price_usd", d.gpu_price_usd)?;
    range("datacenters.gpu_life_years", d.gpu_life_years, 0.5, 30.0)?;
    range("datacenters.chip_capacity_months", d.chip_capacity_months, 1.0, 120.0)?;
    range("datacenters.max_gpu_premium", d.max_gpu_premium, 1.0, 10.0)?;
    range("datacenters.pue_fleet", d.pue_fleet, 1.0, 3.0)?;
    range("datacenters.pue_new", d.pue_new, 1.0, 3.0)?;
    if !(10.0..=100_000.0).contains(&d.site_power_mw) {
        return fail(
            "datacenters.site_power_mw",
            d.site_power_mw,
            "10 to 100,000 MW (each site is an agent: 0.1 MW sites made a run take 3 GB)",
        );
    }
    non_negative("datacenters.grid_mw_per_month", d.grid_mw_per_month)?;
    if !(d.max_utilisation >= 0.05 && d.max_utilisation <= 1.0) {
        return fail("datacenters.max_utilisation", d.max_utilisation, "a share from 0.05 to 1");
    }
    if d.build_months > 60 {
        return fail("datacenters.build_months", d.build_months, "0 to 60 months");
    }

    let e = &c.energy;
    range("energy.electricity_usd_kwh", e.electricity_usd_kwh, 0.0, 10.0)?;
    range("energy.price_growth", e.price_growth, -0.5, 1.0)?;

    let f = &c.firms;
    range("firms.markup_min", f.markup_min, 0.0, 10.0)?;
    range("firms.markup_max", f.markup_max, 0.0, 10.0)?;
    if f.markup_min > f.markup_max {
        return fail("firms.markup_min", f.markup_min, "at most firms.markup_max");
    }
    range("firms.markup", f.markup, f.markup_min, f.markup_max)?;
    range("firms.markup_share_response", f.markup_share_response, 0.0, 1.0)?;
    range("firms.demand_pressure", f.demand_pressure, 0.0, 5.0)?;
    range("firms.size_pareto_alpha", f.size_pareto_alpha, 0.5, 5.0)?;
    if !(f.max_size_share > 0.0 && f.max_size_share <= 1.0) {
        return fail("firms.max_size_share", f.max_size_share, "a share above 0 and at most 1");
    }
    range("firms.price_elasticity", f.price_elasticity, 0.0, 50.0)?;
    if !(f.task_elasticity > 0.05 && f.task_elasticity <= 0.95) {
        return fail(
            "firms.task_elasticity",
            f.task_elasticity,
            "a number above 0.05 and at most 0.95 (tasks are complements)",
        );
    }
    unit("firms.expectation_weight", f.expectation_weight)?;
    range("firms.max_expansion", f.max_expansion, 0.0, 1.0)?;
    if !(0.01..=1.0).contains(&f.dividend_payout) {
        return fail(
            "firms.dividend_payout",
            f.dividend_payout,
            "a share from 0.01 to 1 of deposits above the cash buffer paid out a month (at 0 firms hoard every profit, and the start where the rule is at rest has infinite deposits)",
        );
    }
    range("firms.cash_buffer_months", f.cash_buffer_months, 0.0, 120.0)?;
    range("firms.exit_months", f.exit_months, 0.0, 120.0)?;
    range("firms.entry_equity_months", f.entry_equity_months, 0.0, 120.0)?;
    unit("firms.provider_review_probability", f.provider_review_probability)?;
    range("firms.capability_taste", f.capability_taste, 0.0, 100.0)?;

    let a = &c.adoption;
    unit("adoption.initial_share_of_ceiling", a.initial_share_of_ceiling)?;
    range("adoption.bass_p", a.bass_p, 0.0, 12.0)?;
    range("adoption.bass_q", a.bass_q, 0.0, 12.0)?;
    range("adoption.sector_sensitivity", a.sector_sensitivity, 0.0, 5.0)?;
    range("adoption.profitable_share_start", a.profitable_share_start, 0.001, 0.999)?;
    range("adoption.cost_saving_start", a.cost_saving_start, 0.001, 0.95)?;
    positive("adoption.oversight_decay_oom", a.oversight_decay_oom)?;
    range("adoption.compute_oversight_elasticity", a.compute_oversight_elasticity, 0.0, 1.0)?;
    unit("adoption.reversal_rate", a.reversal_rate)?;
    for (i, v) in a.regulation_cap.iter().enumerate() {
        unit(&format!("adoption.regulation_cap[{i}] (tier {})", TIER_NAMES[i]), *v)?;
    }

    let l = &c.labour;
    range("labour.matching_efficiency", l.matching_efficiency, 0.0, 5.0)?;
    unit("labour.matching_elasticity", l.matching_elasticity)?;
    unit("labour.layoff_speed", l.layoff_speed)?;
    unit("labour.quit_rate", l.quit_rate)?;
    unit("labour.retrain_probability", l.retrain_probability)?;
    if !(1..=120).contains(&l.retrain_months) {
        return fail("labour.retrain_months", l.retrain_months, "1 to 120 months");
    }
    non_negative("labour.retrain_cost_usd", l.retrain_cost_usd)?;
    unit("labour.retrain_to_c", l.retrain_to_c)?;
    range("labour.novice_discount", l.novice_discount, 0.0, 0.9)?;
    if l.mobility_after_months > 120 {
        return fail("labour.mobility_after_months", l.mobility_after_months, "0 to 120 months");
    }
    unit("labour.mobility_rate", l.mobility_rate)?;
    range("labour.tools_bass_p", l.tools_bass_p, 0.0, 12.0)?;
    range("labour.tools_bass_q", l.tools_bass_q, 0.0, 12.0)?;
    unit("labour.tools_initial_share", l.tools_initial_share)?;
    range("labour.tools_boost", l.tools_boost, 0.0, 5.0)?;
    range("labour.tools_novice_boost", l.tools_novice_boost, 0.0, 5.0)?;
    unit("labour.tools_wage_share", l.tools_wage_share)?;
    unit("labour.tools_protection", l.tools_protection)?;

    let w = &c.wages;
    range("wages.psi_cpi", w.psi_cpi, 0.0, 2.0)?;
    unit("wages.deflation_indexation", w.deflation_indexation)?;
    range("wages.psi_productivity", w.psi_productivity, 0.0, 2.0)?;
    range("wages.phillips_slope", w.phillips_slope, 0.0, 5.0)?;
    range("wages.natural_unemployment", w.natural_unemployment, 0.0, 0.3)?;
    range("wages.minimum_wage_usd_month", w.minimum_wage_usd_month, 0.0, 100_000.0)?;
    unit("wages.benefit_replacement", w.benefit_replacement)?;
    if w.benefit_months > 120 {
        return fail("wages.benefit_months", w.benefit_months, "0 to 120 months");
    }

    let h = &c.households;
    unit("households.worker_mpc_income", h.worker_mpc_income)?;
    unit("households.worker_mpc_wealth", h.worker_mpc_wealth)?;
    range("households.owner_mpc_income", h.owner_mpc_income, 0.0, 0.95)?;
    if !(h.owner_mpc_wealth >= 0.001 && h.owner_mpc_wealth <= 0.5) {
        return fail(
            "households.owner_mpc_wealth",
            h.owner_mpc_wealth,
            "a monthly share from 0.001 to 0.5 (owners' wealth starts at its stock norm, (1 - owner_mpc_income) / owner_mpc_wealth months of income: smaller values overflowed it)",
        );
    }
    unit("households.owner_bond_share", h.owner_bond_share)?;
    unit("households.chat_adoption_initial", h.chat_adoption_initial)?;
    range("households.chat_bass_p", h.chat_bass_p, 0.0, 12.0)?;
    range("households.chat_bass_q", h.chat_bass_q, 0.0, 12.0)?;
    unit("households.on_device_paid_substitution", h.on_device_paid_substitution)?;
    if !(h.consumption_elasticity > 0.0 && h.consumption_elasticity <= 5.0) {
        return fail("households.consumption_elasticity", h.consumption_elasticity, "a number above 0 and at most 5");
    }
    range("households.capability_taste", h.capability_taste, 0.0, 100.0)?;
    range("households.bundle_uplift", h.bundle_uplift, 0.0, 10.0)?;

    let g = &c.government;
    range("government.income_tax", g.income_tax, 0.0, 0.9)?;
    range("government.profit_tax", g.profit_tax, 0.0, 0.9)?;
    range("government.compute_tax", g.compute_tax, 0.0, 5.0)?;
    range("government.basic_income_usd_month", g.basic_income_usd_month, 0.0, 100_000.0)?;
    unit("government.retraining_subsidy", g.retraining_subsidy)?;
    unit("government.spending_smoothing", g.spending_smoothing)?;
    range("government.debt_response", g.debt_response, 0.0, 1.0)?;
    range("government.potential_smoothing", g.potential_smoothing, 0.001, 1.0)?;

    let v = &c.investors;
    range("investors.equity_premium", v.equity_premium, 0.0, 1.0)?;
    range("investors.growth_years", v.growth_years, 0.0, 30.0)?;
    range("investors.long_run_growth", v.long_run_growth, -0.5, 0.1)?;
    if v.long_run_growth >= v.equity_premium {
        return fail(
            "investors.long_run_growth",
            v.long_run_growth,
            "a rate below investors.equity_premium (a finite value)",
        );
    }
    range("investors.mature_margin", v.mature_margin, 0.0, 1.0)?;
    unit("investors.expectation_weight", v.expectation_weight)?;
    range("investors.funding_rate", v.funding_rate, 0.0, 12.0)?;
    range("investors.cash_buffer_months", v.cash_buffer_months, 0.0, 1200.0)?;
    let k = &c.capital;
    range("capital.depreciation", k.depreciation, 0.0, 1.0)?;
    if !(k.normal_utilisation > 0.0 && k.normal_utilisation <= 1.0) {
        return fail("capital.normal_utilisation", k.normal_utilisation, "a share above 0 and at most 1");
    }
    unit("capital.adjustment_speed", k.adjustment_speed)?;
    range("capital.profit_response", k.profit_response, 0.0, 10.0)?;
    range("capital.user_cost_elasticity", k.user_cost_elasticity, 0.0, 5.0)?;
    range("capital.building_cost_usd_per_mw", k.building_cost_usd_per_mw, 0.0, 1.0e9)?;
    range("capital.building_life_years", k.building_life_years, 0.5, 100.0)?;

    let st = &c.staff;
    range("staff.provider_per_musd", st.provider_per_musd, 0.0, 100.0)?;
    range("staff.chips_per_musd", st.chips_per_musd, 0.0, 100.0)?;
    range("staff.energy_per_musd", st.energy_per_musd, 0.0, 100.0)?;

    let fi = &c.finance;
    range("finance.loan_spread", fi.loan_spread, 0.0, 0.5)?;
    range("finance.loan_risk_premium", fi.loan_risk_premium, 0.0, 0.5)?;
    range("finance.deposit_spread", fi.deposit_spread, 0.0, 0.5)?;
    if !(fi.max_debt_to_sales > 0.0 && fi.max_debt_to_sales <= 20.0) {
        return fail("finance.max_debt_to_sales", fi.max_debt_to_sales, "years of sales above 0 and at most 20");
    }
    if !(1..=600).contains(&fi.loan_months) {
        return fail("finance.loan_months", fi.loan_months, "1 to 600 months");
    }
    if !(fi.capital_requirement > 0.0 && fi.capital_requirement <= 1.0) {
        return fail("finance.capital_requirement", fi.capital_requirement, "a share above 0 and at most 1");
    }
    unit("finance.bank_payout", fi.bank_payout)?;
    unit("finance.reserve_ratio", fi.reserve_ratio)?;
    range("finance.initial_firm_debt_to_gdp", fi.initial_firm_debt_to_gdp, 0.0, 5.0)?;
    if !(fi.bank_equity_to_assets > 0.0 && fi.bank_equity_to_assets <= 0.5) {
        return fail(
            "finance.bank_equity_to_assets",
            fi.bank_equity_to_assets,
            "a share above 0 and at most 0.5 (US banks: about 0.1; near 1 the start's bond holdings overflowed)",
        );
    }

    let cb = &c.central_bank;
    range("central_bank.initial_rate", cb.initial_rate, -0.1, 0.5)?;
    range("central_bank.initial_inflation", cb.initial_inflation, -0.5, 1.0)?;
    range("central_bank.inflation_target", cb.inflation_target, -0.1, 0.5)?;
    range("central_bank.neutral_real_rate", cb.neutral_real_rate, -0.1, 0.2)?;
    range("central_bank.inflation_response", cb.inflation_response, 0.0, 10.0)?;
    range("central_bank.unemployment_response", cb.unemployment_response, 0.0, 10.0)?;
    if !(0.0..1.0).contains(&cb.smoothing) || !cb.smoothing.is_finite() {
        return fail("central_bank.smoothing", cb.smoothing, "a weight from 0 up to but not including 1");
    }
    range("central_bank.lower_bound", cb.lower_bound, -0.1, 0.5)?;
    if cb.initial_rate < cb.lower_bound {
        return fail("central_bank.initial_rate", cb.initial_rate, "at least central_bank.lower_bound");
    }
    range("central_bank.advance_penalty", cb.advance_penalty, 0.0, 0.5)?;
    unit("central_bank.expectations_anchor", cb.expectations_anchor)?;

    if c.providers.is_empty() || c.providers.len() > 16 {
        return fail("providers", c.providers.len(), "1 to 16 [[providers]] tables");
    }
    let mut share = 0.0;
    for (i, pr) in c.providers.iter().enumerate() {
        let k = |f: &str| format!("providers[{i}].{f}");
        if pr.name.trim().is_empty() {
            return fail(&k("name"), "\"\"", "a non-empty name");
        }
        if c.providers[..i].iter().any(|o| o.name == pr.name) {
            return fail(&k("name"), format!("\"{}\"", pr.name), "a name no other provider uses");
        }
        range(&k("capability_offset_oom"), pr.capability_offset_oom, -5.0, 5.0)?;
        non_negative(&k("initial_fleet_h100e"), pr.initial_fleet_h100e)?;
        unit(&k("training_share"), pr.training_share)?;
        range(&k("revenue_growth_initial"), pr.revenue_growth_initial, -0.9, 20.0)?;
        range(&k("subscription_usd_month"), pr.subscription_usd_month, 0.0, 10_000.0)?;
        range(&k("markup_max"), pr.markup_max, 0.0, 100.0)?;
        unit(&k("bargaining_power"), pr.bargaining_power)?;
        unit(&k("consumer_share"), pr.consumer_share)?;
        share += pr.consumer_share;
        non_negative(&k("initial_deposits_usd"), pr.initial_deposits_usd)?;
        range(&k("platform_revenue_share"), pr.platform_revenue_share, 0.0, 0.5)?;
        unit(&k("dividend_payout"), pr.dividend_payout)?;
        if pr.kind != ProviderKind::Platform && pr.platform_revenue_share > 0.0 {
            return fail(&k("platform_revenue_share"), pr.platform_revenue_share, "0 unless kind = \"platform\"");
        }
    }
    if (share - 1.0).abs() > 1e-6 {
        return fail("providers[].consumer_share", share, "consumer shares that sum to 1");
    }
    if c.providers.iter().map(|p| p.platform_revenue_share).sum::<f64>() > 0.5 {
        return fail("providers[].platform_revenue_share", "sum", "a total of at most 0.5");
    }

    let ticks = c.ticks();
    for (i, ev) in c.events.iter().enumerate() {
        let k = |f: &str| format!("events[{i}].{f}");
        if ev.month >= ticks {
            return fail(&k("month"), ev.month, &format!("a month before the horizon (0 to {})", ticks - 1));
        }
        if !ev.value.is_finite() {
            return fail(&k("value"), ev.value, "a finite number");
        }
        // What each kind allows (docs/MODEL.md 7.1), as the user writes it.
        let (ok, allowed) = match ev.kind {
            EventKind::CapabilityJump => ((-5.0..=10.0).contains(&ev.value), "-5 to 10 (OOM of capability)"),
            // Below 0.01 (100 times more compute per unit of work) AI prices leave the
            // range the model can represent.
            EventKind::EfficiencyJump => ((0.01..=1000.0).contains(&ev.value), "a factor from 0.01 to 1000"),
            EventKind::ElectricityPrice | EventKind::GridCapacity | EventKind::CapitalAppetite => {
                (ev.value > 0.0 && ev.value <= 1000.0, "a factor above 0, at most 1000")
            }
            EventKind::Regulation => ((0.0..=1.0).contains(&ev.value), "a cap on the AI share from 0 to 1"),
            EventKind::RetrainingSubsidy => ((0.0..=1.0).contains(&ev.value), "a share from 0 to 1"),
            EventKind::OpenWeightLag => {
                ((0.0..=120.0).contains(&ev.value) && ev.value.fract() == 0.0, "whole months from 0 to 120")
            }
            EventKind::BasicIncome | EventKind::MinimumWage => {
                ((0.0..=100_000.0).contains(&ev.value), "0 to 100000 USD a month")
            }
            EventKind::ComputeTax => ((0.0..=5.0).contains(&ev.value), "a tax rate from 0 to 5"),
        };
        if !ok {
            let kind = serde_plain_kind(ev.kind);
            return fail(&k("value"), ev.value, &format!("for {kind} events, {allowed}"));
        }
        match (ev.kind, ev.tier.as_deref()) {
            (EventKind::Regulation, Some(t)) if TIER_NAMES.contains(&t) => {}
            (EventKind::Regulation, other) => {
                return fail(
                    &k("tier"),
                    format!("{other:?}"),
                    "one of \"A\", \"B\", \"C\", \"M\" for a regulation event",
                );
            }
            (_, Some(t)) => return fail(&k("tier"), format!("\"{t}\""), "no tier: only regulation events take one"),
            (_, None) => {}
        }
    }
    Ok(())
}

/// An event kind as it is written in a config file (`compute_tax`).
fn serde_plain_kind(kind: EventKind) -> String {
    let text = toml::Value::try_from(kind).map(|v| v.as_str().unwrap_or_default().to_string());
    text.unwrap_or_else(|_| format!("{kind:?}"))
}

/// The 22 major groups of the 2018 Standard Occupational Classification (military, 55, is
/// not in the OEWS data the occupations come from).
pub const SOC_MAJOR_GROUPS: [&str; 22] = [
    "11", "13", "15", "17", "19", "21", "23", "25", "27", "29", "31", "33", "35", "37", "39", "41", "43", "45", "47",
    "49", "51", "53",
];

/// Index of a tier letter.
pub fn tier_index(letter: &str) -> Option<usize> {
    TIER_NAMES.iter().position(|t| *t == letter)
}
