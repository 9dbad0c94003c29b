//! Who works where at start (docs/MODEL.md 5.2-5.4): every firm agent belongs to one of the
//! 20 sectors of the BLS OEWS May 2022 industry-sector table and sells in that sector's
//! market; an employed worker of occupation o works in sector s with the probability
//! emp(s, o) / emp(o) of the table, and within it for a firm drawn in proportion to firm
//! size. Government (sector 99) is one employer; the staff of the AI providers, chip vendors
//! and the energy sector are carved out of sectors 51, 31-33 and 22, in the numbers their
//! labour requirements ask for.

use mindmill_config::Config;

use crate::components::{Employer, Market};
use crate::resources::OccupationSpec;

/// One OEWS sector at start.
#[derive(Debug, Clone)]
pub struct SectorPlan {
    /// NAICS code as BLS stores it.
    pub naics: String,
    /// Language-model AI industry exposure (Felten et al. 2023), 0 if unrated.
    pub lm_aiie: f64,
    /// Employers of the sector and the cumulative probability of each for one of its
    /// workers: institutions' staff first, then firms by size.
    pub employers: Vec<u32>,
    /// Cumulative weights over `employers`.
    pub cumulative: Vec<f64>,
}

/// The assignment of workers to employers at start.
#[derive(Debug, Clone)]
pub struct EmployerPlan {
    /// The sectors, in table order.
    pub sectors: Vec<SectorPlan>,
    /// Per occupation: cumulative probability over `sectors` of working in each.
    pub occupation_sectors: Vec<Vec<f64>>,
    /// Sector index of each goods firm.
    pub firm_sector: Vec<u16>,
    /// Market of each goods firm.
    pub firm_market: Vec<Market>,
    /// The institutions with staff, in employer-id order after the goods firms.
    pub staff: Vec<Employer>,
}

impl EmployerPlan {
    /// Employer of an employed worker of occupation `o`, from two uniform draws.
    pub fn employer(&self, o: usize, u_sector: f64, u_employer: f64) -> u32 {
        let cum = &self.occupation_sectors[o];
        let s = &self.sectors[super::pick(cum, u_sector * cum[cum.len() - 1])];
        let c = &s.cumulative;
        s.employers[super::pick(c, u_employer * c[c.len() - 1])]
    }
}

/// Builds the plan. `staff_persons` gives the staff each AI-stack institution needs at
/// start; `employed_share` is the share of the labour force employed.
pub fn plan(
    cfg: &Config,
    occupations: &[OccupationSpec],
    staff_persons: &[(Employer, f64)],
    employed_share: f64,
    firm_size: impl Fn(u32) -> f64,
) -> EmployerPlan {
    let mixes = mindmill_data::sector_occupations();
    let aiie = mindmill_data::sectors();
    let soc: std::collections::HashMap<&str, usize> =
        occupations.iter().enumerate().map(|(i, o)| (o.soc_code.as_str(), i)).collect();
    // Employment by sector and occupation from the table (shares only are used).
    let ns = mixes.len();
    let mut emp = vec![vec![0.0f64; ns]; occupations.len()];
    for (s, m) in mixes.iter().enumerate() {
        for (code, e) in &m.occupations {
            if let Some(&o) = soc.get(code.as_str()) {
                emp[o][s] += e;
            }
        }
    }
    // Occupations the table does not list (codes that changed, suppressed cells) take the
    // sector distribution of their SOC major group.
    let major = |o: &OccupationSpec| o.soc_code[..2].to_string();
    let mut group: std::collections::HashMap<String, Vec<f64>> = Default::default();
    for (o, spec) in occupations.iter().enumerate() {
        let g = group.entry(major(spec)).or_insert_with(|| vec![0.0; ns]);
        for s in 0..ns {
            g[s] += emp[o][s];
        }
    }
    let sizes: Vec<f64> = mixes.iter().map(|m| m.employment).collect();
    let mut occupation_sectors = Vec::with_capacity(occupations.len());
    let mut sector_employed = vec![0.0f64; ns];
    for (o, spec) in occupations.iter().enumerate() {
        let own: f64 = emp[o].iter().sum();
        let w: Vec<f64> = if own > 0.0 {
            emp[o].clone()
        } else if group[&major(spec)].iter().sum::<f64>() > 0.0 {
            group[&major(spec)].clone()
        } else {
            sizes.clone()
        };
        let total: f64 = w.iter().sum();
        for s in 0..ns {
            sector_employed[s] += spec.employment * employed_share * w[s] / total;
        }
        occupation_sectors.push(super::cumulative(w.into_iter()));
    }

    // Firms to sectors: in proportion to private employment (largest remainder), at least one
    // firm per market.
    let nf = cfg.run.firms as usize;
    let market: Vec<Option<Market>> = mixes.iter().map(|m| Market::of_sector(&m.naics)).collect();
    let private: f64 = (0..ns).filter(|&s| market[s].is_some()).map(|s| sector_employed[s]).sum();
    let mut count = vec![0usize; ns];
    let mut rema: Vec<(f64, usize)> = Vec::new();
    for s in (0..ns).filter(|&s| market[s].is_some()) {
        let exact = nf as f64 * sector_employed[s] / private;
        count[s] = exact.floor() as usize;
        rema.push((exact - count[s] as f64, s));
    }
    rema.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = nf - count.iter().sum::<usize>();
    for &(_, s) in rema.iter().cycle().take(left) {
        count[s] += 1;
    }
    left = 0;
    let _ = left;
    for m in Market::ALL {
        let has = (0..ns).any(|s| market[s] == Some(m) && count[s] > 0);
        if !has && nf >= Market::ALL.len() {
            // Give the market's largest sector one firm, taken from the sector with most firms.
            let to = (0..ns)
                .filter(|&s| market[s] == Some(m))
                .max_by(|&a, &b| sector_employed[a].total_cmp(&sector_employed[b]));
            let from = (0..ns).max_by_key(|&s| count[s]);
            if let (Some(to), Some(from)) = (to, from) {
                count[from] -= 1;
                count[to] += 1;
            }
        }
    }
    let mut firm_sector = Vec::with_capacity(nf);
    for s in 0..ns {
        firm_sector.extend(std::iter::repeat_n(s as u16, count[s]));
    }
    let firm_market: Vec<Market> =
        firm_sector.iter().map(|&s| market[s as usize].unwrap_or(Market::InPerson)).collect();

    // Institutions: providers (carved from Information, 51), chip vendors (Manufacturing, 31),
    // the energy sector (Utilities, 22), government (99, all of it).
    let mut staff: Vec<Employer> = (0..cfg.providers.len() as u8).map(Employer::Provider).collect();
    staff.extend([Employer::Chips, Employer::Energy, Employer::Government]);
    let parent = |e: Employer| match e {
        Employer::Provider(_) => "51",
        Employer::Chips => "31",
        Employer::Energy => "22",
        Employer::Government => "99",
    };
    let mut sectors = Vec::with_capacity(ns);
    for (s, m) in mixes.iter().enumerate() {
        let mut employers = Vec::new();
        let mut weights = Vec::new();
        let mut carved = 0.0;
        for (j, e) in staff.iter().enumerate() {
            if parent(*e) != m.naics {
                continue;
            }
            let persons = if *e == Employer::Government {
                sector_employed[s]
            } else {
                staff_persons.iter().find(|(x, _)| x == e).map_or(0.0, |x| x.1).min(0.5 * sector_employed[s])
            };
            employers.push((nf + j) as u32);
            weights.push(persons);
            carved += persons;
        }
        let rest = (sector_employed[s] - carved).max(0.0);
        let firms: Vec<u32> = (0..nf as u32).filter(|&f| firm_sector[f as usize] as usize == s).collect();
        let size_sum: f64 = firms.iter().map(|&f| firm_size(f)).sum();
        for &f in &firms {
            employers.push(f);
            weights.push(rest * firm_size(f) / size_sum.max(1e-300));
        }
        let lm_aiie = aiie.iter().find(|a| a.naics == m.naics).map_or(0.0, |a| a.lm_aiie);
        sectors.push(SectorPlan {
            naics: m.naics.clone(),
            lm_aiie,
            cumulative: super::cumulative(weights.into_iter()),
            employers,
        });
    }
    // A sector without employers (no firm drew it) sends its workers to the firms of its market.
    let by_market: Vec<Vec<usize>> = Market::ALL
        .iter()
        .map(|m| (0..ns).filter(|&s| market[s] == Some(*m) && !sectors[s].employers.is_empty()).collect())
        .collect();
    for s in 0..ns {
        if sectors[s].employers.is_empty() || sectors[s].cumulative.last().copied().unwrap_or(0.0) <= 0.0 {
            let donors: Vec<usize> = match market[s] {
                Some(m) if !by_market[m as usize].is_empty() => by_market[m as usize].clone(),
                _ => (0..ns).filter(|&d| d != s && !sectors[d].employers.is_empty()).collect(),
            };
            let (mut employers, mut weights) = (Vec::new(), Vec::new());
            for d in donors {
                let c = &sectors[d].cumulative;
                for (i, &e) in sectors[d].employers.iter().enumerate() {
                    if e < nf as u32 {
                        employers.push(e);
                        weights.push(c[i] - if i > 0 { c[i - 1] } else { 0.0 });
                    }
                }
            }
            sectors[s].employers = employers;
            sectors[s].cumulative = super::cumulative(weights.into_iter());
        }
    }
    EmployerPlan { sectors, occupation_sectors, firm_sector, firm_market, staff }
}
