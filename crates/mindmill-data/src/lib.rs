//! Calibration data shipped with mindmill, compiled into the binary.
//!
//! Files in `crates/mindmill-data/data/` are verbatim copies of public data; their
//! sources, licences and attribution are in `crates/mindmill-data/data/ATTRIBUTION.md`.
//! The program never reads data from outside the repository at run time.

use serde::Deserialize;

const OCCUPATIONS_CSV: &str = include_str!("../data/occupation_ai_exposure_oes2021.csv");
const ELECTRICITY_CSV: &str = include_str!("../data/electricity_prices_industrial_us_states.csv");
const INDUSTRY_CSV: &str = include_str!("../data/felten_aiie_by_industry_naics4.csv");
const SECTOR_OCCUPATIONS_CSV: &str = include_str!("../data/oews_natsector_occ_2022.csv");
const TELEWORK_CSV: &str = include_str!("../data/dingel_neiman_teleworkable_soc2010.csv");

/// One BLS OES occupation with its LLM exposure (Eloundou et al. 2024).
#[derive(Debug, Clone, PartialEq)]
pub struct Occupation {
    /// 2018 SOC code, e.g. "43-4051".
    pub soc_code: String,
    /// Occupation title.
    pub title: String,
    /// SOC major group, the first two digits.
    pub major_group: u8,
    /// Employment, May 2021, persons.
    pub employment: f64,
    /// Annual median wage, USD (mean wage, then the major-group median, where missing).
    pub median_wage_usd_year: f64,
    /// GPT-4 rated beta exposure (E1 + 0.5 E2), share of tasks.
    pub gpt4_beta: f64,
    /// GPT-4 rated gamma exposure (E1 + E2), share of tasks.
    pub gpt4_gamma: f64,
    /// Human rated beta exposure.
    pub human_beta: f64,
    /// Human rated gamma exposure.
    pub human_gamma: f64,
    /// True when the exposure ratings were missing and imputed from the major group.
    pub exposure_imputed: bool,
    /// Share of the occupation's work that can be done at home (Dingel & Neiman 2020):
    /// 0 for work that needs a place, tools or people present, 1 for work that needs none.
    pub teleworkable: f64,
    /// True when the occupation's 2018 SOC code is not in Dingel & Neiman's 2010 list and
    /// `teleworkable` is the mean of its SOC minor group (else major group).
    pub teleworkable_imputed: bool,
}

#[derive(Deserialize)]
struct OccRow {
    soc_code: String,
    occ_title: String,
    tot_emp_2021: f64,
    a_median_wage_2021: Option<f64>,
    a_mean_wage_2021: Option<f64>,
    gpt4_beta: Option<f64>,
    gpt4_gamma: Option<f64>,
    human_beta: Option<f64>,
    human_gamma: Option<f64>,
}

#[derive(Deserialize)]
struct TeleworkRow {
    #[serde(rename = "OCC_CODE")]
    soc_code: String,
    teleworkable: f64,
}

/// Dingel & Neiman's teleworkable share by 2010 SOC code.
fn teleworkable_by_code() -> Vec<(String, f64)> {
    csv::Reader::from_reader(TELEWORK_CSV.as_bytes())
        .deserialize::<TeleworkRow>()
        .map(|r| r.map(|r| (r.soc_code, r.teleworkable)))
        .collect::<Result<_, _>>()
        .expect("shipped teleworkability data parses")
}

/// Teleworkable share of a 2018 SOC code: its own value where the code is in the 2010 list,
/// else the mean over the codes of its minor group (`15-1`), else of its major group (`15`).
fn teleworkable_of(code: &str, table: &[(String, f64)]) -> (f64, bool) {
    if let Some((_, v)) = table.iter().find(|(c, _)| c == code) {
        return (*v, false);
    }
    for prefix in [&code[..4], &code[..2]] {
        let (n, sum) =
            table.iter().filter(|(c, _)| c.starts_with(prefix)).fold((0usize, 0.0), |(n, s), (_, v)| (n + 1, s + v));
        if n > 0 {
            return (sum / n as f64, true);
        }
    }
    (0.0, true)
}

/// The 831 occupations, in file order. Missing exposure ratings (47 "All Other" rows,
/// 1.5% of employment) take the employment-weighted mean of their SOC major group;
/// missing wages take the mean wage, else the group's employment-weighted mean wage.
pub fn occupations() -> Vec<Occupation> {
    let mut rows: Vec<OccRow> = csv::Reader::from_reader(OCCUPATIONS_CSV.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("shipped occupation data parses");
    let group = |r: &OccRow| r.soc_code[..2].parse::<u8>().expect("SOC major group is numeric");
    // Group means for imputation: (employment, sums of gpt4_beta, gpt4_gamma, human_beta, human_gamma, wage).
    let mut sums = [[0.0f64; 7]; 100];
    for r in &rows {
        let g = group(r) as usize;
        if let (Some(a), Some(b), Some(c), Some(d)) = (r.gpt4_beta, r.gpt4_gamma, r.human_beta, r.human_gamma) {
            let e = r.tot_emp_2021;
            sums[g][0] += e;
            sums[g][1] += e * a;
            sums[g][2] += e * b;
            sums[g][3] += e * c;
            sums[g][4] += e * d;
        }
        if let Some(w) = r.a_median_wage_2021.or(r.a_mean_wage_2021) {
            sums[g][5] += r.tot_emp_2021;
            sums[g][6] += r.tot_emp_2021 * w;
        }
    }
    let telework = teleworkable_by_code();
    rows.drain(..)
        .map(|r| {
            let (teleworkable, teleworkable_imputed) = teleworkable_of(&r.soc_code, &telework);
            let g = group(&r);
            let s = &sums[g as usize];
            let imputed = r.gpt4_beta.is_none() || r.human_beta.is_none();
            let mean = |i: usize| if s[0] > 0.0 { s[i] / s[0] } else { 0.0 };
            Occupation {
                major_group: g,
                employment: r.tot_emp_2021,
                median_wage_usd_year: r.a_median_wage_2021.or(r.a_mean_wage_2021).unwrap_or(s[6] / s[5]),
                gpt4_beta: r.gpt4_beta.unwrap_or_else(|| mean(1)),
                gpt4_gamma: r.gpt4_gamma.unwrap_or_else(|| mean(2)),
                human_beta: r.human_beta.unwrap_or_else(|| mean(3)),
                human_gamma: r.human_gamma.unwrap_or_else(|| mean(4)),
                exposure_imputed: imputed,
                teleworkable,
                teleworkable_imputed,
                soc_code: r.soc_code,
                title: r.occ_title,
            }
        })
        .collect()
}

/// Industrial electricity price of one US state, 2024 (EIA).
#[derive(Debug, Clone, PartialEq)]
pub struct StatePrice {
    /// Two-letter state code.
    pub state: String,
    /// USD per kWh.
    pub usd_kwh: f64,
}

#[derive(Deserialize)]
struct PriceRow {
    state: String,
    price_usd_kwh: f64,
}

/// Industrial electricity prices of the states (census-division aggregates left out).
pub fn state_electricity_prices() -> Vec<StatePrice> {
    csv::Reader::from_reader(ELECTRICITY_CSV.as_bytes())
        .deserialize::<PriceRow>()
        .map(|r| r.expect("shipped electricity data parses"))
        .filter(|r| r.state.len() == 2)
        .map(|r| StatePrice { state: r.state, usd_kwh: r.price_usd_kwh })
        .collect()
}

/// A two-digit NAICS sector with its language-model AI industry exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    /// NAICS sector code ("31-33" style codes are merged under their first code).
    pub naics: String,
    /// Mean LM-AIIE of the sector's 4-digit industries (Felten et al. 2023; sd 1 over industries).
    pub lm_aiie: f64,
}

#[derive(Deserialize)]
struct IndustryRow {
    naics4: String,
    lm_aiie: Option<f64>,
}

/// Sectors in NAICS order, with manufacturing (31-33), retail (44-45) and
/// transportation (48-49) merged as in the NAICS sector list.
pub fn sectors() -> Vec<Sector> {
    let mut acc: Vec<(String, f64, u32)> = Vec::new();
    for r in csv::Reader::from_reader(INDUSTRY_CSV.as_bytes()).deserialize::<IndustryRow>() {
        let r = r.expect("shipped industry data parses");
        let Some(v) = r.lm_aiie else { continue };
        let code = match &r.naics4[..2] {
            "32" | "33" => "31",
            "45" => "44",
            "49" => "48",
            c => c,
        }
        .to_string();
        match acc.iter_mut().find(|(c, _, _)| *c == code) {
            Some(e) => {
                e.1 += v;
                e.2 += 1;
            }
            None => acc.push((code, v, 1)),
        }
    }
    acc.sort_by(|a, b| a.0.cmp(&b.0));
    acc.into_iter().map(|(naics, s, n)| Sector { naics, lm_aiie: s / n as f64 }).collect()
}

/// One industry sector's employment by occupation (BLS OEWS May 2022 national industry-sector
/// estimates). NAICS codes as BLS stores them: 31 = 31-33, 44 = 44-45, 48 = 48-49,
/// 99 = federal, state and local government except state and local schools and hospitals.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorMix {
    /// NAICS sector code.
    pub naics: String,
    /// Sector title.
    pub title: String,
    /// Total employment of the sector, persons (BLS's all-occupations row).
    pub employment: f64,
    /// Employment by SOC code, persons; suppressed cells are left out.
    pub occupations: Vec<(String, f64)>,
}

#[derive(Deserialize)]
struct SectorOccRow {
    naics: String,
    naics_title: String,
    occ_code: String,
    tot_emp: Option<f64>,
}

/// The 20 sectors of the OEWS industry-sector table in file order, each with its occupation mix.
pub fn sector_occupations() -> Vec<SectorMix> {
    let mut out: Vec<SectorMix> = Vec::new();
    for r in csv::Reader::from_reader(SECTOR_OCCUPATIONS_CSV.as_bytes()).deserialize::<SectorOccRow>() {
        let r = r.expect("shipped sector-occupation data parses");
        if out.last().is_none_or(|s| s.naics != r.naics) {
            out.push(SectorMix {
                naics: r.naics.clone(),
                title: r.naics_title.clone(),
                employment: 0.0,
                occupations: Vec::new(),
            });
        }
        let s = out.last_mut().expect("just pushed");
        match (r.occ_code.as_str(), r.tot_emp) {
            ("00-0000", Some(e)) => s.employment = e,
            (_, Some(e)) if e > 0.0 => s.occupations.push((r.occ_code, e)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupations_cover_the_oes_employment() {
        let occ = occupations();
        assert_eq!(occ.len(), 831);
        let emp: f64 = occ.iter().map(|o| o.employment).sum();
        assert!((emp - 140.9e6).abs() < 0.1e6, "{emp}");
        assert!(occ.iter().all(|o| o.median_wage_usd_year > 10_000.0));
        assert!(occ.iter().all(|o| (0.0..=1.0).contains(&o.gpt4_beta) && o.gpt4_gamma >= o.gpt4_beta - 1e-9));
        let imputed = occ.iter().filter(|o| o.exposure_imputed).count();
        assert_eq!(imputed, 47);
    }

    #[test]
    fn headline_exposure_shares_match_eloundou() {
        // Eloundou et al.: ~80% of workers have more than 10% of tasks exposed, ~19% more than 50% (human beta).
        let occ: Vec<_> = occupations().into_iter().filter(|o| !o.exposure_imputed).collect();
        let total: f64 = occ.iter().map(|o| o.employment).sum();
        let share = |t: f64| occ.iter().filter(|o| o.human_beta > t).map(|o| o.employment).sum::<f64>() / total;
        assert!((share(0.1) - 0.80).abs() < 0.02, "{}", share(0.1));
        assert!((share(0.5) - 0.19).abs() < 0.02, "{}", share(0.5));
    }

    #[test]
    fn teleworkable_share_matches_dingel_neiman() {
        // Dingel & Neiman (2020): 37% of US jobs can be done entirely at home (OES 2018 weights).
        let occ = occupations();
        let total: f64 = occ.iter().map(|o| o.employment).sum();
        let share = occ.iter().map(|o| o.employment * o.teleworkable).sum::<f64>() / total;
        assert!((share - 0.37).abs() < 0.03, "{share}");
        assert!(occ.iter().all(|o| (0.0..=1.0).contains(&o.teleworkable)));
        let software = occ.iter().find(|o| o.soc_code == "15-1252").expect("software developers");
        assert!(software.teleworkable_imputed && software.teleworkable == 1.0);
        let nurses = occ.iter().find(|o| o.soc_code == "29-1141").expect("registered nurses");
        assert!(!nurses.teleworkable_imputed && nurses.teleworkable == 0.0);
    }

    #[test]
    fn electricity_prices_are_states() {
        let p = state_electricity_prices();
        assert!(p.len() >= 50 && p.len() <= 52, "{}", p.len());
        assert!(p.iter().all(|s| s.usd_kwh > 0.03 && s.usd_kwh < 0.5));
    }

    #[test]
    fn sector_mixes_cover_the_oes_industries() {
        let s = sector_occupations();
        assert_eq!(s.len(), 20);
        let total: f64 = s.iter().map(|x| x.employment).sum();
        assert!((total - 147.9e6).abs() < 1.0e6, "{total}");
        for x in &s {
            let listed: f64 = x.occupations.iter().map(|o| o.1).sum();
            assert!(listed <= x.employment * 1.001 && listed > 0.9 * x.employment, "{} {listed}", x.naics);
        }
        assert!(s.iter().any(|x| x.naics == "99") && s.iter().any(|x| x.naics == "51"));
    }

    #[test]
    fn sectors_have_exposure() {
        let s = sectors();
        assert!(s.len() >= 18);
        let fin = s.iter().find(|s| s.naics == "52").unwrap();
        let agr = s.iter().find(|s| s.naics == "11").unwrap();
        assert!(fin.lm_aiie > agr.lm_aiie);
    }
}

/// Epoch AI data sets used for calibration (CC BY 4.0, "Epoch AI, epoch.ai"), verbatim CSV.
/// Sources and commits are listed in `data/ATTRIBUTION.md`.
pub mod epoch {
    /// GPUs with launch price, FP32 FLOP/s and TDP, 2003-2023 (training-cost-trends).
    pub const GPU_PRICE_PERFORMANCE: &str = include_str!("../data/epoch_gpu_price_performance.csv");
    /// ML accelerators, 2008-2026 (Epoch ML hardware).
    pub const ML_HARDWARE: &str = include_str!("../data/epoch_ml_hardware.csv");
    /// Purchase and cloud rental prices, 2010-2025.
    pub const HARDWARE_PRICES: &str = include_str!("../data/epoch_hardware_prices.csv");
    /// Cumulative AI chip shipments by designer and quarter.
    pub const CHIP_STOCK: &str = include_str!("../data/epoch_ai_chip_stock_cumulative.csv");
    /// GPU clusters (AI supercomputers), 2010-2030.
    pub const GPU_CLUSTERS: &str = include_str!("../data/epoch_gpu_clusters.csv");
    /// Fitted yearly price declines of fixed LLM capability.
    pub const LLM_PRICE_DECLINE: &str = include_str!("../data/epoch_llm_price_decline_rates.csv");
    /// LLM prices (USD per 1M tokens, 3:1 input:output blend) with benchmark scores.
    pub const LLM_PRICES: &str = include_str!("../data/epoch_llm_price_benchmarks.csv");
    /// Notable ML systems with training compute.
    pub const MODELS_COMPUTE: &str = include_str!("../data/epoch_ai_models_compute.csv");
}
