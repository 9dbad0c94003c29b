//! Phase 12, record: appends this tick's rows to the output tables. Every value is a
//! function of the model state only (no clock time), so identical runs write identical files.

use bevy_ecs::prelude::*;
use mindmill_config::{TIER_NAMES, TIERS};

use crate::accounts::{CHANGE_NAMES, Flow, INSTRUMENT_NAMES, SECTOR_NAMES, SECTORS, Sector, nfw};
use crate::components::{BLOCK, Datacenter, Employer, Firm, MARKET_NAMES, Market, Provider, Role, WorkerBlock};
use crate::resources::*;

const USD: f64 = 0.01;

/// Appends rows for this tick to every table.
#[allow(clippy::too_many_arguments)]
pub fn record_tick(
    setup: Res<Setup>,
    cal: Res<Calendar>,
    tech: Res<Tech>,
    labour: Res<Labour>,
    macro_: Res<Macro>,
    inst: Res<Institutions>,
    fin: Res<Finance>,
    ledger: Res<crate::accounts::Ledger>,
    acc: Res<Accounts>,
    index: Res<Index>,
    tally: Res<Tally>,
    mut rec: ResMut<Recorder>,
    firms: Query<&Firm>,
    providers: Query<&Provider>,
    sites: Query<&Datacenter>,
    workers: Query<&WorkerBlock>,
) {
    let cfg = &setup.config;
    let tick = cal.tick;
    let mut firm_by_id: Vec<&Firm> = firms.iter().collect();
    firm_by_id.sort_by_key(|f| f.id);
    let year = cfg.run.start_year + tick / 12;
    let month = (tick % 12 + 1) as u8;
    let w = setup.weight as f64;
    let rec = &mut *rec;

    // ---- aggregates ----
    let a = &mut rec.aggregates;
    a.u32("tick", tick);
    a.u16("year", year as u16);
    a.u8("month", month);
    let employed: u64 = labour.employed.iter().sum();
    let unemployed: u64 = labour.unemployed.iter().sum::<u64>() + labour.retraining.iter().sum::<u64>();
    a.f64("employed_persons", employed as f64 * w);
    a.f64("unemployment_rate", unemployed as f64 / (employed + unemployed).max(1) as f64);
    a.f64("output_units", macro_.output);
    a.f64("gdp_usd_month", acc.gdp);
    a.f64("consumption_usd_month", acc.consumption);
    a.f64("investment_usd_month", acc.investment);
    a.f64("government_purchases_usd_month", inst.purchases as f64 * USD);
    a.f64("government_consumption_usd_month", acc.government_consumption);
    a.f64("price_level", macro_.cpi);
    a.f64("inflation_monthly", macro_.inflation);
    a.f64("labour_productivity_units_per_worker", macro_.productivity);
    a.f64("unmet_demand_share", macro_.unmet_demand);
    for k in 0..TIERS {
        let t = TIER_NAMES[k];
        a.f64(col("wage_", t, "_usd_month"), labour.mean_wage[k]);
        a.f64(col("real_wage_", t, "_usd_month_start_prices"), labour.mean_wage[k] / macro_.cpi);
        a.f64(col("employment_", t, "_persons"), labour.employed[k] as f64 * w);
        a.f64(col("automation_share_", t, ""), labour.ai_share[k]);
    }
    let provs = sorted_providers(&providers);
    let sum = |f: fn(&Provider) -> f64| provs.iter().map(|p| f(p)).sum::<f64>();
    let revenue_sub = sum(|p| p.revenue_subscription as f64 * USD);
    let revenue_api = sum(|p| p.revenue_api as f64 * USD);
    let revenue_ent = sum(|p| p.revenue_enterprise as f64 * USD);
    let revenue_plat = sum(|p| p.revenue_platform as f64 * USD);
    let ai_spending: f64 = firms.iter().map(|f| f.ai_bill as f64 * USD).sum();
    a.f64("ai_spending_firms_usd_month", ai_spending);
    a.f64("ai_units_firms", firms.iter().map(|f| f.ai_units).sum());
    a.f64("provider_revenue_subscription_usd_month", revenue_sub);
    a.f64("provider_revenue_api_usd_month", revenue_api);
    a.f64("provider_revenue_enterprise_usd_month", revenue_ent);
    a.f64("provider_revenue_platform_usd_month", revenue_plat);
    a.f64("provider_energy_cost_usd_month", sum(|p| p.energy_cost as f64 * USD));
    a.f64("provider_depreciation_usd_month", sum(|p| p.depreciation));
    a.f64("provider_capex_usd_month", sum(|p| p.capex as f64 * USD));
    a.f64("provider_free_user_cost_usd_month", sum(|p| p.free_user_cost));
    a.f64("provider_cumulative_cash_flow_usd", sum(|p| p.cumulative_cash_flow));
    let closed: Vec<&&Provider> =
        provs.iter().filter(|p| p.kind != mindmill_config::ProviderKind::OpenWeight).collect();
    let cheapest = provs.iter().map(|p| p.api_price).filter(|x| *x > 0.0).fold(f64::INFINITY, f64::min);
    a.f64("ai_price_usd_per_unit_cheapest", if cheapest.is_finite() { cheapest } else { 0.0 });
    let frontier_price = closed.iter().map(|p| p.api_price).fold(0.0, f64::max);
    a.f64("ai_price_usd_per_unit_frontier", frontier_price);
    let mean_cost_flop = provs.iter().map(|p| p.cost_per_flop).sum::<f64>() / provs.len().max(1) as f64;
    a.f64("ai_cost_usd_per_unit_fixed_capability", mean_cost_flop * tech.fixed_capability_flop_per_unit);
    a.f64("new_gpu_flops_per_usd", tech.new_gpu_flops / tech.new_gpu_price);
    a.f64("gpu_price_usd", tech.new_gpu_price);
    a.f64("gpu_price_premium", tech.gpu_premium);
    a.f64("chip_capacity_gpus_month", tech.chip_capacity);
    a.f64("new_gpu_flops_per_watt", tech.new_gpu_flops / tech.new_gpu_watts);
    a.f64("capability_frontier_log10_flop", tech.frontier);
    a.f64("capability_open_weight_log10_flop", tech.open_weight);
    a.f64("on_device_share", tech.on_device);
    a.f64("chat_adoption_share", macro_.chat_adoption);
    let dcs: Vec<&Datacenter> = sites.iter().collect();
    // H100-equivalents by peak FLOP/s; a purchased unit of a later vintage counts as several.
    let h100 = cfg.datacenters.gpu_flops;
    a.f64("datacenter_gpus_h100e", dcs.iter().map(|d| d.peak_flops).sum::<f64>() / h100);
    a.f64("datacenter_gpu_units", dcs.iter().map(|d| d.gpus).sum());
    a.f64("datacenter_power_mw", dcs.iter().map(|d| d.energy_mwh).sum::<f64>() / HOURS_PER_MONTH);
    a.f64("datacenter_energy_mwh", dcs.iter().map(|d| d.energy_mwh).sum());
    a.f64("datacenter_capex_to_date_usd", dcs.iter().map(|d| d.capex_to_date).sum());
    a.f64("wages_usd_month", acc.wages);
    a.f64("wages_government_usd_month", acc.public_wages);
    a.f64("wages_ai_stack_usd_month", acc.ai_stack_wages);
    a.f64("labour_share", ratio(acc.wages, acc.gdp));
    a.f64("constant_capital_c_usd_month", acc.constant_capital);
    a.f64("variable_capital_v_usd_month", acc.wages);
    a.f64("surplus_value_s_usd_month", acc.surplus);
    a.f64("rate_of_surplus_value", ratio(acc.surplus, acc.wages));
    // Marx on stocks: the profit rate per year on capital advanced (C at replacement cost plus
    // the wage advance V), and the organic composition C / V.
    a.f64("profit_rate", ratio(12.0 * acc.surplus, acc.constant_capital_stock + acc.variable_capital_stock));
    a.f64("organic_composition", ratio(acc.constant_capital_stock, acc.variable_capital_stock));
    a.f64("constant_capital_stock_usd", acc.constant_capital_stock);
    a.f64("variable_capital_stock_usd", acc.variable_capital_stock);
    a.f64("capital_firms_usd", acc.capital_firms);
    a.f64("capital_gpus_usd", acc.capital_gpus);
    a.f64("capital_buildings_usd", acc.capital_buildings);
    a.f64("surplus_share_firms", ratio(acc.firm_profits, acc.surplus));
    a.f64("surplus_share_providers", ratio(acc.provider_margins, acc.surplus));
    a.f64("surplus_share_compute", ratio(acc.compute_rents, acc.surplus));
    a.f64("surplus_share_energy", ratio(acc.energy_rents, acc.surplus));
    a.f64("surplus_share_government", ratio(acc.taxes, acc.surplus));
    a.f64("surplus_share_finance", ratio(acc.net_interest, acc.surplus));
    a.f64("price_gain_to_buyers_usd_month", acc.price_gain);
    a.f64("taxes_usd_month", inst.taxes.iter().sum::<i64>() as f64 * USD);
    a.f64("transfers_usd_month", inst.transfers.iter().sum::<i64>() as f64 * USD);
    a.f64("owner_deposits_usd", inst.owners as f64 * USD);
    a.f64("owner_bonds_usd", fin.owner_bonds as f64 * USD);
    a.u32("firm_exits", firms.iter().filter(|f| matches!(f.role, Role::Goods(_)) && f.age == 0).count() as u32);
    let staff = |pred: &dyn Fn(Employer) -> bool| -> f64 {
        firms
            .iter()
            .filter(|f| matches!(f.role, Role::Staff(e) if pred(e)))
            .map(|f| tally.headcount[f.id as usize].iter().sum::<u32>() as f64 * w)
            .sum()
    };
    a.f64("employment_government_persons", staff(&|e| e == Employer::Government));
    a.f64("employment_ai_stack_persons", staff(&|e| e != Employer::Government));
    for m in Market::ALL {
        a.f64(MARKET_PRICE_COLUMNS[m as usize], macro_.price_index[m as usize]);
    }
    // Money, credit and the public debt.
    a.f64("policy_rate", fin.policy_rate);
    a.f64("deposit_rate", fin.deposit_rate);
    a.f64("bond_rate", fin.bond_rate);
    let loans: f64 = firms.iter().map(|f| f.loans as f64).sum();
    let rate = firms.iter().map(|f| f.loans as f64 * f.loan_rate).sum::<f64>();
    a.f64("loan_rate_mean", if loans > 0.0 { rate / loans } else { fin.policy_rate + cfg.finance.loan_spread });
    a.f64("inflation_12m", fin.inflation_12m);
    a.f64("inflation_expected", fin.expected_inflation);
    a.f64("loans_usd", fin.bank_loans as f64 * USD);
    a.f64("firm_loans_usd", loans * USD);
    let sheet = &acc.balance_sheet;
    let deposits = -(sheet[crate::accounts::Instrument::Deposits as usize][Sector::Banks as usize] as f64);
    a.f64("deposits_usd", deposits * USD);
    let equity = nfw(sheet, Sector::Banks) as f64;
    a.f64("bank_equity_usd", equity * USD);
    a.f64("bank_capital_ratio", ratio(equity, fin.bank_loans as f64));
    a.f64("government_debt_usd", fin.bonds as f64 * USD);
    a.f64("government_debt_to_gdp", ratio(fin.bonds as f64 * USD, 12.0 * acc.gdp));
    a.f64("central_bank_bonds_usd", fin.cb_bonds as f64 * USD);
    a.f64("reserves_usd", fin.reserves as f64 * USD);
    a.f64("central_bank_advances_usd", fin.advances as f64 * USD);
    a.f64("new_loans_usd_month", fin.new_loans as f64 * USD);
    a.f64("loan_repayments_usd_month", fin.repayments as f64 * USD);
    a.f64("loan_write_offs_usd_month", fin.write_offs as f64 * USD);
    a.f64("credit_refused_usd_month", fin.credit_refused as f64 * USD);
    a.u32("bankruptcies", fin.bankruptcies);
    a.f64("loan_interest_usd_month", fin.loan_interest.iter().sum::<i64>() as f64 * USD);
    a.f64("deposit_interest_usd_month", flow_total(&ledger, Flow::DepositInterest) * USD);
    a.f64("bond_interest_usd_month", fin.bond_interest as f64 * USD);
    a.f64("bank_profit_usd_month", fin.bank_profit as f64 * USD);
    a.f64("government_deficit_usd_month", -(ledger.net(Sector::Government) as f64) * USD);
    let (mut mk, mut sales) = (0.0, 0.0);
    for f in firms.iter() {
        mk += f.markup * f.sales as f64;
        sales += f.sales as f64;
    }
    a.f64("markup_mean", ratio(mk, sales));

    // ---- transaction-flow matrix: net receipts of each sector in each flow, then the
    // changes in holdings (uses of funds negative), so every row and column sums to zero ----
    let year16 = year as u16;
    // One non-zero cell of a matrix: `key` names its row (a flow or an item).
    let cell = |t: &mut crate::output::Table, key: &'static str, row: &str, sector: usize, c: i128| {
        if c != 0 {
            t.u32("tick", tick);
            t.u16("year", year16);
            t.u8("month", month);
            t.str(key, row);
            t.str("sector", SECTOR_NAMES[sector]);
            t.i64("cents", i64::try_from(c).expect("a matrix cell fits in i64 cents"));
            t.f64("usd", c as f64 / 100.0);
        }
    };
    let tt = &mut rec.transactions;
    let put = |tt: &mut crate::output::Table, flow: &str, sector: usize, c: i128| cell(tt, "flow", flow, sector, c);
    for fl in Flow::ALL {
        let m = &ledger.flows[fl as usize];
        for s in 0..SECTORS {
            let net: i128 = (0..SECTORS).map(|o| m[o][s] - m[s][o]).sum();
            put(tt, fl.label(), s, net);
        }
    }
    for (i, name) in CHANGE_NAMES.iter().enumerate() {
        for s in 0..SECTORS {
            put(tt, name, s, -(acc.balance_sheet[i][s] - acc.previous_balance_sheet[i][s]));
        }
    }

    // ---- balance-sheet matrix: financial holdings by sector (assets positive), then the
    // real assets at replacement cost, which no other sector owes ----
    let bt = &mut rec.balance_sheet;
    let row = |bt: &mut crate::output::Table, item: &str, s: usize, c: i128| cell(bt, "item", item, s, c);
    for (i, item) in INSTRUMENT_NAMES.iter().enumerate() {
        for s in 0..SECTORS {
            row(bt, item, s, acc.balance_sheet[i][s]);
        }
    }
    let real = |usd: f64| crate::systems::round_i64(usd * 100.0) as i128;
    row(bt, REAL_ASSETS[0], Sector::Firms as usize, real(acc.capital_firms));
    row(bt, REAL_ASSETS[1], Sector::Providers as usize, real(acc.capital_gpus));
    row(bt, REAL_ASSETS[2], Sector::Providers as usize, real(acc.capital_buildings));

    // ---- markets: what the labour-share decomposition and the relative prices need ----
    let mt = &mut rec.markets;
    let capital_price = macro_.price_index[Market::CapitalGoods as usize];
    for m in Market::ALL {
        let mut r = MarketRow::default();
        for &id in &setup.market_firms[m as usize] {
            let f = firm_by_id[id as usize];
            r.add(f, setup.config.firms.task_elasticity, &tally.headcount[id as usize], capital_price, &setup);
        }
        mt.u32("tick", tick);
        mt.u16("year", year as u16);
        mt.u8("month", month);
        mt.str("market", MARKET_NAMES[m as usize]);
        mt.u32("firms", setup.market_firms[m as usize].len() as u32);
        mt.f64("price_index", macro_.price_index[m as usize]);
        mt.f64("output_units", r.output);
        mt.f64("sold_units", r.sold);
        mt.f64("demand_usd_month", macro_.market_demand[m as usize]);
        mt.f64("sales_usd_month", r.sales * USD);
        mt.f64("value_added_usd_month", (r.sales - r.ai) * USD);
        mt.f64("wage_bill_usd_month", r.wages * USD);
        mt.f64("ai_bill_usd_month", r.ai * USD);
        mt.f64("depreciation_usd_month", r.depreciation * USD);
        mt.f64("interest_usd_month", r.interest * USD);
        mt.f64("profit_usd_month", r.profit * USD);
        mt.f64("employed_persons", r.heads * w);
        mt.f64("capital_usd", r.capital * capital_price);
        mt.f64("capacity_utilisation", ratio(r.output, r.capacity));
        mt.f64("markup_mean", ratio(r.markup_sales, r.sales));
        mt.f64("investment_usd_month", r.investment * USD);
        mt.f64("tasks_human_units", r.tasks_human);
        mt.f64("tasks_ai_units", r.tasks_ai);
        mt.f64("tasks_oversight_units", r.tasks_oversight);
    }

    // ---- tiers ----
    let t = &mut rec.tiers;
    for k in 0..TIERS {
        t.u32("tick", tick);
        t.u16("year", year as u16);
        t.u8("month", month);
        t.str("tier", TIER_NAMES[k]);
        t.f64("employed_persons", labour.employed[k] as f64 * w);
        t.f64("unemployed_persons", labour.unemployed[k] as f64 * w);
        t.f64("retraining_persons", labour.retraining[k] as f64 * w);
        let n = (labour.employed[k] + labour.unemployed[k]).max(1) as f64;
        t.f64("unemployment_rate", labour.unemployed[k] as f64 / n);
        t.f64("vacancies", labour.vacancies[k] as f64 * w);
        t.f64("hires_persons", labour.hires[k] as f64 * w);
        t.f64("separations_persons", labour.separations[k] as f64 * w);
        t.f64("retrained_persons", labour.retrained[k] as f64 * w);
        t.f64("moved_in_persons", labour.moved[k] as f64 * w);
        t.f64("entrants_persons", labour.entered[k] as f64 * w);
        t.f64("retired_persons", labour.retired[k] as f64 * w);
        t.f64("mean_wage_usd_month", labour.mean_wage[k]);
        t.f64("automation_share", labour.ai_share[k]);
        t.f64("adoption_ratio", labour.adoption_ratio[k]);
        t.f64("automatable_share_frontier", tech.tier_ceiling_frontier[k]);
        t.f64("profitable_share", labour.profitable_share[k]);
        t.f64("oversight_per_ai_task", labour.oversight_mean[k]);
        t.f64("compute_per_ai_task", labour.compute_mean[k]);
        t.f64("own_tools_share", labour.tools[k] as f64 / n);
    }

    // ---- ages ----
    let at = &mut rec.ages;
    for k in 0..TIERS {
        for a in 0..AGE_BANDS {
            let (e, u) = (labour.band_employed[k][a], labour.band_unemployed[k][a]);
            at.u32("tick", tick);
            at.u16("year", year as u16);
            at.u8("month", month);
            at.str("tier", TIER_NAMES[k]);
            at.str("age_band", &age_band_label(a, &cfg.population));
            at.f64("employed_persons", e as f64 * w);
            at.f64("unemployed_persons", u as f64 * w);
            at.f64("unemployment_rate", u as f64 / (e + u).max(1) as f64);
            at.f64("mean_wage_usd_month", labour.band_mean_wage[k][a]);
        }
    }

    // ---- providers ----
    let pt = &mut rec.providers;
    for p in &provs {
        let pc = &cfg.providers[p.index as usize];
        pt.u32("tick", tick);
        pt.u16("year", year as u16);
        pt.u8("month", month);
        pt.str("provider", &pc.name);
        pt.str("kind", kind_name(p.kind));
        pt.f64("capability_log10_flop", p.capability);
        pt.f64("api_price_usd_per_unit", p.api_price);
        pt.f64("enterprise_price_usd_per_unit", p.enterprise_price);
        pt.f64("subscription_usd_month", p.subscription);
        pt.f64("markup", p.markup);
        pt.f64("cost_usd_per_pflop", p.cost_per_flop * 1e15);
        pt.f64("flop_per_unit", p.flop_per_unit);
        pt.f64("free_users", p.free_users);
        pt.f64("paid_users", p.paid_users);
        pt.f64("conversions_persons", p.conversions);
        pt.u32("enterprise_clients", p.enterprise_clients);
        pt.u32("api_clients", p.api_clients);
        pt.f64("business_units", p.business_units);
        pt.f64("served_share", p.served_share);
        pt.f64("revenue_subscription_usd_month", p.revenue_subscription as f64 * USD);
        pt.f64("revenue_api_usd_month", p.revenue_api as f64 * USD);
        pt.f64("revenue_enterprise_usd_month", p.revenue_enterprise as f64 * USD);
        pt.f64("revenue_platform_usd_month", p.revenue_platform as f64 * USD);
        pt.f64("revenue_bundled_ai_usd_month", p.revenue_bundled as f64 * USD);
        pt.f64("consumer_share", macro_.consumer_shares[p.index as usize]);
        pt.f64("energy_cost_usd_month", p.energy_cost as f64 * USD);
        pt.f64("depreciation_usd_month", p.depreciation);
        pt.f64("training_flop_month", p.training_ring[(tick % 12) as usize]);
        pt.f64("free_user_cost_usd_month", p.free_user_cost);
        // Costs of the fleet split by use: the training share of energy and depreciation.
        let fleet_cost = p.energy_cost as f64 * USD + p.depreciation;
        let train_share = cfg.providers[p.index as usize].training_share;
        pt.f64("training_cost_usd_month", fleet_cost * train_share);
        pt.f64("inference_cost_usd_month", fleet_cost * (1.0 - train_share));
        pt.f64("capex_usd_month", p.capex as f64 * USD);
        pt.f64("building_spending_usd_month", p.building_spending as f64 * USD);
        pt.f64("staff_cost_usd_month", p.staff_cost as f64 * USD);
        pt.f64("tax_usd_month", p.tax as f64 * USD);
        pt.f64("ai_tax_usd_month", p.ai_tax as f64 * USD);
        pt.f64("capital_raised_usd_month", p.capital_raised as f64 * USD);
        pt.f64("deposits_usd", p.deposits as f64 * USD);
        pt.f64("loans_usd", p.loans as f64 * USD);
        pt.f64("net_interest_usd_month", p.interest as f64 * USD);
        pt.f64("gpus_h100e", p.peak_flops / cfg.datacenters.gpu_flops);
        pt.f64("gpu_units", p.gpus);
        pt.f64("valuation_usd", p.valuation);
        pt.f64("expected_revenue_growth", p.expected_growth);
        pt.f64("installed_capital_usd", p.installed_capital);
        pt.f64("training_target_flop_month", p.training_target_flop);
        pt.f64("cumulative_cash_flow_usd", p.cumulative_cash_flow);
        pt.f64("cumulative_capex_usd", p.cumulative_capex);
        pt.f64("roi", ratio(p.cumulative_profit, p.cumulative_capex));
        pt.i64("payback_tick", p.payback_tick.map_or(-1, |t| t as i64));
    }

    // ---- datacenters ----
    let mut dcs = dcs;
    dcs.sort_by_key(|d| d.id);
    let dt = &mut rec.datacenters;
    for d in dcs {
        dt.u32("tick", tick);
        dt.u16("year", year as u16);
        dt.u8("month", month);
        dt.u32("datacenter", d.id);
        dt.str("owner", &cfg.providers[d.owner as usize].name);
        dt.f64("gpus_h100e", d.peak_flops / h100);
        dt.f64("gpu_units", d.gpus);
        dt.f64("gpus_on_order", d.pipeline.iter().map(|v| v.count).sum());
        dt.f64("peak_flops", d.peak_flops);
        dt.f64("power_capacity_mw", d.power_cap_mw);
        dt.f64("it_power_mw", d.it_mw);
        dt.f64("pue", d.pue);
        dt.f64("electricity_usd_kwh", d.base_price_kwh);
        dt.f64("utilisation", d.utilisation);
        dt.f64("energy_mwh", d.energy_mwh);
        dt.f64("energy_cost_usd_month", d.energy_cost as f64 * USD);
        dt.f64("depreciation_usd_month", d.depreciation);
        dt.f64("capex_to_date_usd", d.capex_to_date);
    }

    // ---- occupations ----
    let ot = &mut rec.occupations;
    for (o, spec) in setup.occupations.iter().enumerate() {
        ot.u32("tick", tick);
        ot.u16("year", year as u16);
        ot.u8("month", month);
        ot.str("soc_code", &spec.soc_code);
        ot.cat("occupation_title", o as u16, &spec.title);
        ot.str("tier", TIER_NAMES[spec.tier as usize]);
        ot.f64("employed_persons", tally.occ_employed[o] as f64 * w);
        ot.f64("unemployed_persons", tally.occ_unemployed[o] as f64 * w);
        ot.f64("wage_usd_month", labour.occupation_wage[o]);
        ot.f64("human_work_value_usd_month", labour.occupation_value[o]);
        ot.f64("automatable_share_frontier", tech.automatable_frontier[o] as f64);
    }

    // ---- firms: yearly (December) and the last month, so output stays small at scale ----
    let mut fs: Vec<&Firm> = firms.iter().collect();
    fs.sort_by_key(|f| f.id);
    let ft = &mut rec.firms;
    let snapshot = tick % 12 == 11 || tick + 1 == setup.ticks;
    if ft.expected_rows == 0 {
        let snapshots = (0..setup.ticks).filter(|t| t % 12 == 11 || t + 1 == setup.ticks).count();
        ft.expected_rows = snapshots * cfg.run.firms as usize;
    }
    for f in fs.into_iter().filter(|f| snapshot && matches!(f.role, Role::Goods(_))) {
        let Role::Goods(m) = f.role else { continue };
        ft.u32("tick", tick);
        ft.u16("year", year as u16);
        ft.u8("month", month);
        ft.u32("firm", f.id);
        ft.cat("market", m as u16, MARKET_NAMES[m as usize]);
        ft.cat("sector_naics", f.sector, &setup.sectors[f.sector as usize].0);
        ft.cat("provider", f.provider as u16, &cfg.providers[f.provider as usize].name);
        ft.bool("enterprise_contract", f.enterprise);
        ft.f64("employed_persons", tally.headcount[f.id as usize].iter().sum::<u32>() as f64 * w);
        ft.f64("output_units", f.output);
        ft.f64("price_usd_per_unit", f.price);
        ft.f64("markup", f.markup);
        ft.f64("sales_usd_month", f.sales as f64 * USD);
        ft.f64("wage_bill_usd_month", f.wage_bill as f64 * USD);
        ft.f64("ai_bill_usd_month", f.ai_bill as f64 * USD);
        ft.f64("ai_price_usd_per_unit", f.ai_price);
        ft.f64("deposits_usd", f.deposits as f64 * USD);
        ft.f64("loans_usd", f.loans as f64 * USD);
        ft.f64("loan_rate", f.loan_rate);
        ft.f64("capital_usd", f.capital * capital_price);
        ft.f64("investment_usd_month", f.investment_spending as f64 * USD);
        for k in 0..TIERS {
            ft.f64(col("ai_share_", TIER_NAMES[k], ""), f.ai_share[k]);
        }
        ft.u32("age_months", f.age);
    }

    // ---- workers sample ----
    let st = &mut rec.workers_sample;
    for &id in &setup.sample_ids {
        let b = workers.get(index.blocks[id as usize / BLOCK]).expect("sampled worker's block exists");
        let i = id as usize - b.first as usize;
        let (job, pay) = (&b.jobs[i], &b.pays[i]);
        st.u32("tick", tick);
        st.u16("year", year as u16);
        st.u8("month", month);
        st.u32("worker_id", id);
        st.str("soc_code", &setup.occupations[job.occupation as usize].soc_code);
        st.str("tier", TIER_NAMES[job.tier as usize]);
        st.str(
            "status",
            match job.status {
                crate::components::Status::Employed => "employed",
                crate::components::Status::Unemployed => "unemployed",
                crate::components::Status::Retraining => "retraining",
            },
        );
        st.i64("employer", if job.employer == crate::components::NO_FIRM { -1 } else { job.employer as i64 });
        st.f64("wage_usd_month", pay.wage as f64);
        st.f64("deposits_usd", pay.deposits as f64 * USD);
        st.bool("own_ai_tools", job.tools);
        st.u16("months_unemployed", job.months_unemployed);
        st.f64("skill", pay.skill as f64);
        st.u8("age_years", job.age);
    }
}

/// Real assets in the balance-sheet table (at replacement cost): firms' capital goods,
/// datacenter GPUs, datacenter buildings and power equipment.
pub const REAL_ASSETS: [&str; 3] = ["capital_goods", "datacenter_gpus", "datacenter_buildings"];

/// Column names of the market price indices, in market order.
const MARKET_PRICE_COLUMNS: [&str; crate::components::MARKETS] =
    ["price_knowledge_services", "price_in_person_and_goods", "price_capital_goods"];

/// Sums over a market's firms (money in cents).
#[derive(Debug, Default)]
struct MarketRow {
    output: f64,
    sold: f64,
    sales: f64,
    wages: f64,
    ai: f64,
    depreciation: f64,
    interest: f64,
    profit: f64,
    heads: f64,
    capital: f64,
    capacity: f64,
    markup_sales: f64,
    investment: f64,
    tasks_human: f64,
    tasks_ai: f64,
    tasks_oversight: f64,
}

impl MarketRow {
    fn add(&mut self, f: &Firm, _sigma: f64, heads: &[u32; TIERS], _capital_price: f64, setup: &Setup) {
        self.output += f.output;
        self.sold += f.sold;
        self.sales += f.sales as f64;
        self.wages += f.wage_bill as f64;
        self.ai += f.ai_bill as f64;
        self.depreciation += f.depreciation as f64;
        self.interest += f.interest as f64;
        self.profit += f.profit as f64;
        self.heads += heads.iter().sum::<u32>() as f64;
        self.capital += f.capital;
        let cap = crate::systems::goods::capacity(f, setup);
        self.capacity += if cap.is_finite() { cap } else { f.output };
        self.markup_sales += f.markup * f.sales as f64;
        self.investment += f.investment_spending as f64;
        // Task content of this month's output (worker-months of tasks), a partition: the
        // production tasks people do, the oversight tasks (created by AI use, tier B) people
        // do, and every task AI does.
        for k in 0..TIERS {
            let tau = f.tasks_per_unit[k] + if k == 1 { f.oversight_per_unit } else { 0.0 };
            self.tasks_human += (1.0 - f.ai_share[k]) * f.tasks_per_unit[k] * f.output;
            self.tasks_ai += f.ai_share[k] * tau * f.output;
        }
        self.tasks_oversight += (1.0 - f.ai_share[1]) * f.oversight_per_unit * f.output;
    }
}

/// Total paid in `flow` this tick, cents.
fn flow_total(ledger: &crate::accounts::Ledger, flow: Flow) -> f64 {
    ledger.flows[flow as usize].iter().flatten().sum::<i128>() as f64
}

fn ratio(a: f64, b: f64) -> f64 {
    if b != 0.0 { a / b } else { 0.0 }
}

fn sorted_providers<'a>(q: &'a Query<&Provider>) -> Vec<&'a Provider> {
    let mut v: Vec<&Provider> = q.iter().collect();
    v.sort_by_key(|p| p.index);
    v
}

/// Name of a provider kind as written in outputs.
pub fn kind_name(k: mindmill_config::ProviderKind) -> &'static str {
    match k {
        mindmill_config::ProviderKind::AiNative => "ai_native",
        mindmill_config::ProviderKind::Platform => "platform",
        mindmill_config::ProviderKind::OpenWeight => "open_weight",
    }
}

/// Column names with a tier letter: interned once, so tables keep `&'static str` names.
fn col(prefix: &str, tier: &str, suffix: &str) -> &'static str {
    use std::sync::OnceLock;
    static NAMES: OnceLock<std::sync::Mutex<Vec<&'static str>>> = OnceLock::new();
    let name = format!("{prefix}{}{suffix}", tier.to_ascii_lowercase());
    let m = NAMES.get_or_init(|| std::sync::Mutex::new(Vec::new()));
    let mut v = m.lock().expect("column names");
    if let Some(s) = v.iter().find(|s| **s == name) {
        return s;
    }
    let s: &'static str = Box::leak(name.into_boxed_str());
    v.push(s);
    s
}
