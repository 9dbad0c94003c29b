//! Phase 4, AI pricing: providers price AI work above marginal cost; the markup is
//! squeezed as open-weight capability closes the gap (commoditisation).

use bevy_ecs::prelude::*;
use mindmill_config::{Config, ProviderKind};

use crate::components::Provider;
use crate::equations::markup;
use crate::resources::{Setup, Tech};

/// Sets a provider's markup and API, enterprise prices (USD per unit of AI work), using
/// last month's served share for the scarcity factor.
pub fn price(p: &mut Provider, tech: &Tech, cfg: &Config) {
    let pc = &cfg.providers[p.index as usize];
    p.markup = match p.kind {
        ProviderKind::OpenWeight => pc.markup_max,
        _ => markup(pc.markup_max, p.capability - tech.open_weight),
    };
    let unit_cost = p.cost_per_flop * p.flop_per_unit;
    // Scarcity: when last month's demand exceeded capacity, prices rise in proportion to the
    // excess (the served share), so shortages are rationed by price and earn rents.
    let scarcity = 1.0 / p.served_share.clamp(0.05, 1.0);
    p.api_price = unit_cost * (1.0 + p.markup) * scarcity;
    p.enterprise_price = p.api_price * (1.0 - pc.enterprise_discount);
}

/// Prices every provider's AI work for this tick.
pub fn set_ai_prices(setup: Res<Setup>, tech: Res<Tech>, mut providers: Query<&mut Provider>) {
    for mut p in providers.iter_mut() {
        price(&mut p, &tech, &setup.config);
    }
}
