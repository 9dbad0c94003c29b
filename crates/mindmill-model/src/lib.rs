//! The mindmill agent-based model: a bevy_ecs World of workers, firms, AI providers
//! and datacenters, advanced month by month by a fixed schedule of systems.
//!
//! ```no_run
//! use mindmill_model::Simulation;
//! let config = mindmill_config::Config::baseline();
//! let mut sim = Simulation::new(config, 0);
//! sim.run(|_tick| {}).expect("accounts hold");
//! let tables = sim.tables();
//! ```

pub mod accounts;
pub mod components;
pub mod equations;
pub mod init;
pub mod output;
pub mod resources;
pub mod rng;
pub mod schedule;
pub mod systems;

use bevy_ecs::prelude::*;
use mindmill_config::Config;

/// Fingerprint (16 hex digits) of the sources that decide results: this crate, the config
/// crate with its compiled-in baseline and the shipped data (`build.rs`). Equal fingerprints
/// and equal configs give identical outputs.
pub const MODEL_FINGERPRINT: &str = env!("MINDMILL_MODEL_FINGERPRINT");

pub use accounts::AccountingError;
pub use output::{Table, Values};
pub use schedule::{PHASE_NAMES, PhaseClock, SYSTEM_NAMES, TickSystems};

/// Version of the output schema; bump when a column changes meaning or name.
pub const SCHEMA_VERSION: &str = "2";

/// The names of the output tables, in the order [`Simulation::tables`] returns them (the
/// Parquet files of a run; a sweep keeps the first, and any others its `tables` key names).
pub const TABLE_NAMES: [&str; 11] = [
    "aggregates",
    "tiers",
    "providers",
    "datacenters",
    "occupations",
    "workers_sample",
    "firms",
    "markets",
    "transactions",
    "balance_sheet",
    "ages",
];

/// One run: the World and its schedule.
pub struct Simulation {
    world: World,
    schedule: Schedule,
    released: bool,
}

/// Sets the number of threads agent-parallel systems use. Call once per process,
/// before the first simulation; later calls keep the first setting. Results do not
/// depend on it.
pub fn init_threads(threads: usize) {
    let n = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    bevy_tasks::ComputeTaskPool::get_or_init(|| bevy_tasks::TaskPoolBuilder::new().num_threads(n).build());
}

/// Threads the agent-parallel systems use in this process (after `init_threads`).
pub fn threads_in_use() -> usize {
    init_threads(0);
    bevy_tasks::ComputeTaskPool::get().thread_num()
}

impl Simulation {
    /// Builds the initial state; `run` separates the random streams of sweep runs.
    pub fn new(config: Config, run: u64) -> Self {
        init_threads(0);
        Simulation { world: init::build_world(config, run), schedule: schedule::tick_schedule(), released: false }
    }

    /// Ticks in the horizon.
    pub fn ticks(&self) -> u32 {
        self.world.resource::<resources::Setup>().ticks
    }

    /// The current tick (the next to run).
    pub fn tick(&self) -> u32 {
        self.world.resource::<resources::Calendar>().tick
    }

    /// Runs one tick; an accounting breach stops the run with its message.
    pub fn step(&mut self) -> Result<(), AccountingError> {
        assert!(!self.released, "the simulation's agents were released: it cannot step again");
        self.schedule.run(&mut self.world);
        if let Some(e) = self.world.resource_mut::<accounts::Breach>().0.take() {
            return Err(e);
        }
        self.world.resource_mut::<resources::Calendar>().tick += 1;
        Ok(())
    }

    /// Runs to the horizon, calling `progress` after each tick.
    pub fn run(&mut self, mut progress: impl FnMut(u32)) -> Result<(), AccountingError> {
        while self.tick() < self.ticks() {
            self.step()?;
            progress(self.tick());
        }
        Ok(())
    }

    /// Runs the expensive per-agent invariants every `ticks` ticks (1 = every tick, the
    /// default). Results do not depend on it.
    pub fn set_check_every(&mut self, ticks: u32) {
        self.world.insert_resource(accounts::CheckEvery(ticks.max(1)));
    }

    /// The output tables so far, in [`TABLE_NAMES`] order.
    pub fn tables(&self) -> Vec<&Table> {
        let r = self.world.resource::<resources::Recorder>();
        vec![
            &r.aggregates,
            &r.tiers,
            &r.providers,
            &r.datacenters,
            &r.occupations,
            &r.workers_sample,
            &r.firms,
            &r.markets,
            &r.transactions,
            &r.balance_sheet,
            &r.ages,
        ]
    }

    /// Frees the workers' and firms' state once a run is over, keeping the output tables,
    /// so that writing a national run's Parquet does not need both in memory. The
    /// simulation cannot step afterwards.
    pub fn release_agents(&mut self) {
        let mut q = self.world.query_filtered::<Entity, Or<(With<components::WorkerBlock>, With<components::Firm>)>>();
        let agents: Vec<Entity> = q.iter(&self.world).collect();
        for e in agents {
            self.world.despawn(e);
        }
        self.world.flush();
        self.released = true;
    }

    /// The resolved config.
    pub fn config(&self) -> &Config {
        &self.world.resource::<resources::Setup>().config
    }

    /// The World, for inspection in tests.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The World, mutable (tests inject faults through it).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The schedule, so tests can add systems between phases.
    pub fn schedule_mut(&mut self) -> &mut Schedule {
        &mut self.schedule
    }
}
