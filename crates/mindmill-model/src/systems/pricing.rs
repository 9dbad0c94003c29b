//! Phase 4, AI pricing: closed providers post API prices as a Bertrand-Nash equilibrium of
//! differentiated products under logit demand (Anderson, de Palma & Thisse 1992; Berry,
//! Levinsohn & Pakes 1995); open-weight hosts are a competitive fringe at cost plus a
//! hosting margin. Firms' price taste is inverted at start from the leading lab's start
//! markup (Berry 1994). Shortages are rationed by price on top.

use bevy_ecs::prelude::*;
use mindmill_config::{Config, ProviderKind};

use crate::components::Provider;
use crate::equations::markup;
use crate::resources::{Labour, Setup, Tech};

/// Best-response rounds of the price game (damped; the game converges in a few dozen).
const ROUNDS: usize = 60;
/// Bounds of the inverted price taste: above 1 a logit-demand price game has a finite
/// best response at every share; 50 is near-homogeneous products.
pub const PRICE_TASTE_BOUNDS: (f64, f64) = (1.05, 50.0);

/// Unit cost of a provider's AI work, USD per unit: energy and capacity (7.3).
fn unit_cost(p: &Provider) -> f64 {
    p.cost_per_flop * p.flop_per_unit
}

/// Highest scarcity premium: prices at most this many times the Nash price.
pub const MAX_SCARCITY: f64 = 20.0;

/// The scarcity premium moves with last month's ratio of inference demand to capacity,
/// by its square root (partial adjustment, a damped tatonnement): up while demand exceeds
/// capacity, down towards 1 while capacity is spare, so shortages are rationed by price and
/// earn rents without the price jumping back the month after a shortage.
pub fn update_scarcity(p: &mut Provider) {
    let ratio = if p.inference_capacity_flop > 0.0 {
        p.inference_demand_flop / p.inference_capacity_flop
    } else if p.inference_demand_flop > 0.0 {
        MAX_SCARCITY
    } else {
        0.0
    };
    p.scarcity = crate::equations::tatonnement(p.scarcity, ratio, MAX_SCARCITY);
}

/// Markup of a Bertrand-Nash price under logit demand with price taste `beta` (utility per
/// log-dollar) at choice share `share`: the own-price elasticity is beta (1 - s), the Lerner
/// index (p - c)/p its inverse, so p/c - 1 = 1/(beta (1 - s) - 1). `None` where the
/// elasticity is at most 1 (no finite best response at that share: the price should rise).
#[inline]
pub fn logit_markup(beta: f64, share: f64) -> Option<f64> {
    let eps = beta * (1.0 - share);
    (eps > 1.0).then(|| 1.0 / (eps - 1.0))
}

/// Logit market shares of the providers at API prices `prices` (McFadden 1974): utility
/// -beta ln(price) + `capability_taste` (capability - frontier); a provider without capacity
/// or price is not chosen. `inside` is AI's share of its market, the technically automatable
/// tasks (BLP's market size): the outside good is those tasks people still do, so each
/// provider's share of the market is `inside` times its share among providers.
pub fn logit_shares(
    provs: &[&Provider],
    prices: &[f64],
    beta: f64,
    frontier: f64,
    inside: f64,
    cfg: &Config,
    out: &mut Vec<f64>,
) {
    let gamma = cfg.firms.capability_taste;
    out.clear();
    out.extend(provs.iter().zip(prices).map(|(p, &x)| {
        if x > 0.0 && p.inference_capacity_flop > 0.0 {
            -beta * x.ln() + gamma * (p.capability - frontier)
        } else {
            f64::NEG_INFINITY
        }
    }));
    let top = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        out.iter_mut().for_each(|s| *s = 0.0);
        return;
    }
    out.iter_mut().for_each(|u| *u = (*u - top).exp());
    let sum: f64 = out.iter().sum();
    out.iter_mut().for_each(|s| *s *= inside / sum);
}

/// The markup each provider starts from: the leading lab's start markup (`markup_max`
/// scaled by its lead over open weights; the start's calibration, `mindmill calibrate`),
/// every other closed provider the same rule, open-weight hosts their hosting margin.
fn start_markup(p: &Provider, tech: &Tech, cfg: &Config) -> f64 {
    let pc = &cfg.providers[p.index as usize];
    match p.kind {
        ProviderKind::OpenWeight => pc.markup_max,
        _ => markup(pc.markup_max, p.capability - tech.open_weight),
    }
}

/// Bertrand-Nash API prices before scarcity (USD per unit), by damped best responses from
/// `start`: each closed provider sets its logit markup at its equilibrium share, at most
/// `markup_max` over cost (a limit price); open-weight hosts price at cost plus their margin.
/// `fixed` holds one provider at a given price (the start's inversion).
fn nash_prices(
    provs: &[&Provider],
    start: &[f64],
    beta: f64,
    frontier: f64,
    inside: f64,
    cfg: &Config,
    fixed: Option<(usize, f64)>,
) -> (Vec<f64>, Vec<f64>) {
    let cost: Vec<f64> = provs.iter().map(|p| unit_cost(p)).collect();
    let mut prices = start.to_vec();
    let mut shares = Vec::with_capacity(provs.len());
    for _ in 0..ROUNDS {
        logit_shares(provs, &prices, beta, frontier, inside, cfg, &mut shares);
        for (i, p) in provs.iter().enumerate() {
            let m_max = cfg.providers[p.index as usize].markup_max;
            let best = match (fixed, p.kind) {
                (Some((j, x)), _) if j == i => x,
                (_, ProviderKind::OpenWeight) => cost[i] * (1.0 + m_max),
                _ => cost[i] * (1.0 + logit_markup(beta, shares[i]).unwrap_or(m_max).min(m_max)),
            };
            // Geometric damping: the best response to shares that move with every price.
            prices[i] = if prices[i] > 0.0 && best > 0.0 { (prices[i] * best).sqrt() } else { best };
        }
    }
    logit_shares(provs, &prices, beta, frontier, inside, cfg, &mut shares);
    (prices, shares)
}

/// Firms' price taste (utility per log-dollar of the API price in their provider choice),
/// inverted at start from the supply side (Berry 1994; BLP 1995): the beta at which the
/// leading closed provider's start markup is its Bertrand-Nash best response, the others
/// playing theirs, at AI's start share `inside` of its market. Bisection: the leader's
/// elasticity beta (1 - s) rises with beta.
pub fn invert_price_taste(provs: &[&Provider], tech: &Tech, inside: f64, cfg: &Config) -> f64 {
    let (lo_b, hi_b) = PRICE_TASTE_BOUNDS;
    let leader = provs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind != ProviderKind::OpenWeight && p.inference_capacity_flop > 0.0)
        .max_by(|a, b| a.1.capability.total_cmp(&b.1.capability).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let Some(l) = leader else { return lo_b };
    let m0 = start_markup(provs[l], tech, cfg);
    if m0 <= 0.0 {
        return hi_b;
    }
    let target = (1.0 + m0) / m0; // elasticity at which the Lerner index is m0 / (1 + m0)
    let start: Vec<f64> = provs.iter().map(|p| unit_cost(p) * (1.0 + start_markup(p, tech, cfg))).collect();
    let fixed = Some((l, start[l]));
    let gap = |beta: f64| {
        let (_, s) = nash_prices(provs, &start, beta, tech.frontier, inside, cfg, fixed);
        beta * (1.0 - s[l]) - target
    };
    let (mut lo, mut hi) = (lo_b, hi_b);
    if gap(hi) <= 0.0 {
        return hi;
    }
    if gap(lo) >= 0.0 {
        return lo;
    }
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if gap(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Sets every provider's markup, API and enterprise prices (USD per unit of AI work) at
/// price taste `beta`: the scarcity premium moves with last month's load, then the Nash
/// equilibrium is found from last month's prices (from the start rule when there are none),
/// at AI's share `inside` of its market.
pub fn post_prices(provs: &mut [&mut Provider], beta: f64, tech: &Tech, inside: f64, cfg: &Config) {
    let start: Vec<f64> = provs
        .iter()
        .map(|p| {
            let base = unit_cost(p) * (1.0 + start_markup(p, tech, cfg));
            if p.api_price > 0.0 { p.api_price / p.scarcity } else { base }
        })
        .collect();
    provs.iter_mut().for_each(|p| update_scarcity(p));
    let view: Vec<&Provider> = provs.iter().map(|p| &**p).collect();
    let (prices, _) = nash_prices(&view, &start, beta, tech.frontier, inside, cfg, None);
    for (p, x) in provs.iter_mut().zip(prices) {
        set_price(p, x);
    }
}

/// Posts the API price and the enterprise contracts' unit price: a closed provider's unit
/// cost (the bargained fee comes on top, 7.4: a two-part tariff keeps the firm's automation
/// choice at marginal cost), an open-weight host's API price.
fn set_price(p: &mut Provider, before_scarcity: f64) {
    let c = unit_cost(p);
    p.markup = if c > 0.0 { before_scarcity / c - 1.0 } else { 0.0 };
    p.api_price = before_scarcity * p.scarcity;
    p.enterprise_price = match p.kind {
        ProviderKind::OpenWeight => p.api_price,
        _ => c * p.scarcity,
    };
}

/// Prices every provider's AI work for this tick.
pub fn set_ai_prices(setup: Res<Setup>, tech: Res<Tech>, labour: Res<Labour>, mut providers: Query<&mut Provider>) {
    let mut provs: Vec<Mut<Provider>> = providers.iter_mut().collect();
    provs.sort_by_key(|p| p.index);
    let mut provs: Vec<&mut Provider> = provs.iter_mut().map(|p| &mut **p).collect();
    post_prices(&mut provs, setup.price_taste, &tech, labour.ai_market_share, &setup.config);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_markup_is_the_inverse_elasticity() {
        // beta 3, share 1/3: elasticity 2, Lerner 1/2, price twice cost.
        assert!((logit_markup(3.0, 1.0 / 3.0).unwrap() - 1.0).abs() < 1e-12);
        // A larger share means a less elastic residual demand and a higher markup.
        assert!(logit_markup(3.0, 0.5).unwrap() > logit_markup(3.0, 0.2).unwrap());
        // At elasticity 1 or below there is no finite best response.
        assert!(logit_markup(2.0, 0.5).is_none());
    }
}
