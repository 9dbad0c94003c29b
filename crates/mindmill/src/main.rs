//! `mindmill`: run the agent-based model of an economy transformed by AI.

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use mindmill_config::Config;
use mindmill_model::Simulation;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// mindmill simulates an economy in which large language models industrialise
/// intellectual work: workers in three tiers of knowledge work (A routine, B managing
/// AI, C judgement) plus manual work, client firms that automate tasks, AI providers
/// that build GPU datacenters, owners and a government. One tick is one month.
///
/// Start with `mindmill run`: it runs the built-in baseline (US economy from 2025,
/// 100,000 worker agents, 10 years) and writes tidy Parquet under outputs/.
/// Read the model in docs/MODEL.md and every output column in docs/OUTPUTS.md.
///
/// Exit codes: 0 success; 1 `calibrate` found a fit off its target; 2 bad input or a
/// failed run (the message says which file, key or tick); 130 interrupted by SIGINT or
/// SIGTERM (a run writes nothing, a sweep keeps its finished runs).
#[derive(Parser, Debug)]
#[command(name = "mindmill", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run one simulation and write its Parquet files.
    ///
    /// Examples:
    ///   mindmill run                        # the baseline, seed 42
    ///   mindmill run configs/scenarios/algorithmic_breakthrough.toml --seed 7
    ///   mindmill run --workers 20000 --years 5 --out outputs/quick
    ///
    /// A config file names only what it changes from configs/baseline.toml.
    /// The run folder holds aggregates, tiers, providers, datacenters, occupations,
    /// workers_sample, firms, markets, transactions, balance_sheet and ages Parquet files
    /// (with the resolved config, seed and version in their metadata; every column in
    /// docs/OUTPUTS.md) and run.json (timings and threads; the only file that varies
    /// between identical runs). An existing run folder is kept unless --force is given.
    /// The summary it prints gives nominal wages and real wages at January-2025 prices.
    #[command(verbatim_doc_comment)]
    Run(RunArgs),
    /// Validate a config or sweep file without running it.
    ///
    /// Exit code 0 when valid; 2 when the file is unreadable or invalid. The error
    /// names the file, line, key, the value found and what is allowed. A sweep file
    /// (one with a `design` key) is expanded and every resolved run config checked.
    Check {
        /// Config or sweep file (TOML) to check.
        config: PathBuf,
    },
    /// Fit the technology and energy parameters to the shipped data and check the start.
    ///
    /// Prints, for each calibrated quantity, the fitted value, its target and source, and
    /// the baseline's parameter. Exit code 1 if a fit misses its target or the config's
    /// parameter differs from the fitted value.
    Calibrate {
        /// Config to check (default: the baseline).
        config: Option<PathBuf>,
    },
    /// Check stylized facts on runs of the baseline, the scenarios and variants.
    ///
    /// Runs every configs/scenarios/*.toml, five one-mechanism variants of the
    /// baseline and a no-AI control over several seeds, measures eighteen stylized
    /// facts, decomposes each run's change in the labour share (displacement,
    /// reinstatement, factor prices, capital intensity, markups, intermediates, the AI
    /// stack and government, composition), runs the baseline at 5,000 to 1,000,000 workers
    /// over five seeds to find the smallest size whose results agree with the largest
    /// (convergence study), and writes the report as Markdown (--doc) and the numbers as
    /// Parquet (facts, cases, labour_share_decomposition, convergence).
    ///
    /// Examples:
    ///   mindmill validate --seeds 3                                   # -> outputs/validation/
    ///   mindmill validate --seeds 5 --first-seed 1 --doc docs/VALIDATION.md   # the repository's doc
    #[command(verbatim_doc_comment)]
    Validate(ValidateArgs),
    /// Run a parameter sweep: every run in parallel, resumable, shardable.
    ///
    /// A sweep file names a base config, the parameters to vary (any numeric config
    /// field by its dotted path), a design (grid, lhs, saltelli, morris, monte_carlo),
    /// replicate seeds and the outcomes to summarise. Sampling designs draw each parameter
    /// from its distribution: uniform on [min, max] by default, or normal, lognormal,
    /// triangular, beta or a weighted choice (docs/SWEEPS.md). Each run is written atomically under
    /// OUT/runs/run=NNNNNN/ (timeseries.parquet, summary.parquet, done); rerunning
    /// skips finished runs, so an interrupted sweep resumes where it stopped. When
    /// every run is done, OUT/runs.parquet holds one row per run.
    ///
    /// Examples:
    ///   mindmill sweep configs/sweeps/demo_lhs.toml
    ///   mindmill sweep configs/sweeps/demo_lhs.toml --shard 0/4    # one of 4 machines
    ///   SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=8 mindmill sweep S.toml   # array task
    ///
    /// The outcomes a sweep can summarise are listed below the options.
    #[command(verbatim_doc_comment)]
    Sweep(SweepArgs),
    /// Build OUT/runs.parquet once every shard of a sweep has finished.
    Merge {
        /// The sweep file.
        sweep: PathBuf,
        /// The sweep's output folder. Default: outputs/sweeps/<sweep name>.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sobol indices (saltelli), Morris mu*, sigma (morris) or rank correlations and outcome
    /// quantiles (monte_carlo) of a finished sweep.
    ///
    /// Writes SWEEP_DIR/sensitivity.parquet and prints the parameters ranked by total
    /// effect for each outcome. Sobol intervals are 95% bootstrap intervals.
    Analyze {
        /// The sweep's output folder.
        dir: PathBuf,
        /// Bootstrap resamples for the intervals.
        #[arg(long, default_value_t = 500)]
        resamples: usize,
    },
    /// Write a Slurm sbatch script that runs a sweep as a job array.
    Slurm {
        /// The sweep file.
        sweep: PathBuf,
        /// The sweep's output folder. Default: outputs/sweeps/<sweep name>.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Array tasks.
        #[arg(long, default_value_t = 8)]
        tasks: u32,
        /// CPUs per task (and threads per task).
        #[arg(long, default_value_t = 2)]
        cpus: u32,
        /// Time limit per task.
        #[arg(long, default_value = "04:00:00")]
        time: String,
        /// Memory per task.
        #[arg(long, default_value = "8G")]
        mem: String,
        /// Partition(s) to submit to (comma-separated). Default: the cluster's.
        #[arg(long)]
        partition: Option<String>,
        /// Account to charge. Default: yours.
        #[arg(long)]
        account: Option<String>,
        /// Working directory of the tasks: relative sweep and --out paths are relative to it.
        /// Default: the current directory.
        #[arg(long)]
        workdir: Option<PathBuf>,
    },
    /// Charts (PNG, SVG) and a self-contained HTML page comparing runs, scenarios or sweeps.
    ///
    /// Each folder is one series: a run folder is one line, a sweep folder its median
    /// with a 10-90% band over its runs (seeds, parameter draws). Charts: wages and
    /// employment by tier, automation by tier, AI cost and chip efficiency, provider
    /// revenue, costs and cumulative cash flow with the payback month, datacenter capex
    /// and energy, labour share and the split of the surplus, s/v and the profit rate,
    /// unemployment and output. The page opens with a summary table and the config keys
    /// that differ between the inputs; each chart has a table of key numbers (start,
    /// December 2030, end); stacked charts are drawn once per input; each run input also
    /// gets AI revenue, cash costs and cumulative cash flow by provider, with payback months.
    ///
    /// Example:
    ///   mindmill report outputs/baseline-seed42 outputs/open_weight_parity-seed42
    #[command(verbatim_doc_comment)]
    Report {
        /// Run or sweep folders to compare.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write report.html and charts/. Default: outputs/report.
        #[arg(long, default_value = "outputs/report")]
        out: PathBuf,
        /// Replace an existing report folder (only one mindmill wrote: it has report.html).
        #[arg(long)]
        force: bool,
    },
    /// Run scenarios with replicates and compare them in one report, with bands.
    ///
    /// Each scenario file is run once per seed (a sweep with no parameters, in
    /// OUT/<scenario name>/, resumable like any sweep); then the report of all of them goes
    /// to OUT/report, each drawn as its median with a 10-90% band over the seeds. Rerunning
    /// the same command resumes; other --seeds, --workers or --years need another --out.
    ///
    /// Example:
    ///   mindmill compare configs/scenarios/baseline.toml configs/scenarios/open_weight_parity.toml --seeds 5
    #[command(verbatim_doc_comment)]
    Compare {
        /// Scenario (config) files, at most 7.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Replicates per scenario: seeds 1..=N.
        #[arg(long, default_value_t = 5)]
        seeds: u64,
        /// Worker agents per run (default: the documented minimum for converged results).
        #[arg(long)]
        workers: Option<u64>,
        /// Years per run (default: each scenario's own).
        #[arg(long)]
        years: Option<u32>,
        /// Output folder: one sweep folder per scenario and report/.
        #[arg(long, default_value = "outputs/compare")]
        out: PathBuf,
        /// Threads (0 = all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Print a run's transaction-flow and balance-sheet matrices for one month.
    ///
    /// Rows are flows (wages, interest, taxes, ...) and changes in financial instruments,
    /// columns the ten sectors; receipts and sources of funds are positive. Every row and
    /// every column sums to zero, exactly in cents (the command says so, or exits with 2
    /// naming the row or column that does not). Both matrices are also written as Parquet
    /// (one row per matrix row, one column per sector, USD).
    ///
    /// Examples:
    ///   mindmill accounts outputs/baseline-seed42                   # the last month
    ///   mindmill accounts outputs/baseline-seed42 --month 2030-06 --out outputs/tables
    #[command(verbatim_doc_comment)]
    Accounts {
        /// A run folder (with transactions.parquet and balance_sheet.parquet).
        dir: PathBuf,
        /// The month, YYYY-MM. Default: the run's last month.
        #[arg(long)]
        month: Option<String>,
        /// Where to write the two Parquet matrices. Default: DIR/accounts.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Measure speed and memory: time per month by system and phase, worker-months per
    /// second, bytes of state per worker, peak memory and the memory-streaming bound.
    ///
    /// The bound is a read-modify-write pass over as many bytes as the workers' component
    /// data, on the same threads, in the same process: the speed a model that touched each
    /// worker's state once per month could not beat. Timings vary between runs; results do
    /// not depend on them.
    ///
    /// Lists of sizes and thread counts give a table: each combination runs in a fresh
    /// process (the thread pool and the peak-memory reading are per process), one after
    /// the other, and the summary rows are printed together at the end.
    ///
    /// Examples:
    ///   mindmill bench --workers 1000000 --years 1 --threads 2 --csv bench.csv
    ///   mindmill bench --workers 100000,1000000,10000000,100000000 --threads 1,2
    #[command(verbatim_doc_comment)]
    Bench {
        /// Worker agents (firms in proportion); a comma-separated list for a table.
        #[arg(long, value_delimiter = ',', default_value = "1000000")]
        workers: Vec<u64>,
        /// Simulated years.
        #[arg(long, default_value_t = 1)]
        years: u32,
        /// Threads (0 = all cores); a comma-separated list for a table.
        #[arg(long, value_delimiter = ',', default_value = "0")]
        threads: Vec<usize>,
        /// Append the summary as a CSV row to this file (header written when new).
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Print a config: the built-in baseline, or a file merged over it (resolved).
    Config {
        /// Config file to resolve; without it, the baseline is printed verbatim.
        config: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
struct SweepArgs {
    /// The sweep file (TOML).
    sweep: PathBuf,
    /// Output folder. Default: outputs/sweeps/<sweep name>.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only shard I of N (runs whose index modulo N is I). Default: from
    /// SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX/MINDMILL_SHARD_COUNT,
    /// else every run.
    #[arg(long)]
    shard: Option<String>,
    /// Runs in parallel (0 = all cores). Each run is single-threaded.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

#[derive(clap::Args, Debug)]
struct ValidateArgs {
    /// Seeds per configuration (consecutive from --first-seed).
    #[arg(long, default_value_t = 3)]
    seeds: u64,
    /// First seed.
    #[arg(long, default_value_t = 1)]
    first_seed: u64,
    /// Worker agents per run (default: each config's own).
    #[arg(long)]
    workers: Option<u64>,
    /// Horizon in years (default: each config's own).
    #[arg(long)]
    years: Option<u32>,
    /// Folder of scenario files.
    #[arg(long, default_value = "configs/scenarios")]
    scenarios: PathBuf,
    /// Folder for facts.parquet, cases.parquet and labour_share_decomposition.parquet.
    #[arg(long, default_value = "outputs/validation")]
    out: PathBuf,
    /// Markdown report to write. The repository's docs/VALIDATION.md is regenerated with
    /// `--seeds 5 --first-seed 1 --doc docs/VALIDATION.md`; by default a trial run leaves it alone.
    #[arg(long, default_value = "outputs/validation/VALIDATION.md")]
    doc: PathBuf,
    /// Worker agents per run of the convergence study of the baseline, ascending; the
    /// largest is the reference (1,000,000 workers: about 15 s a run on 2 cores).
    #[arg(long, value_delimiter = ',', default_value = "5000,20000,100000,1000000")]
    convergence_sizes: Vec<u64>,
    /// Seeds per size in the convergence study (0 skips the study and its section).
    #[arg(long, default_value_t = 5)]
    convergence_seeds: u64,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Config file (TOML) merged over the built-in baseline. Default: the baseline.
    config: Option<PathBuf>,
    /// Master seed (overrides run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder. Default: outputs/<config name>-seed<seed>.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Number of worker agents (overrides run.workers); firms scale in proportion.
    #[arg(long)]
    workers: Option<u64>,
    /// Horizon in years (overrides run.years).
    #[arg(long)]
    years: Option<u32>,
    /// Threads for agent-parallel systems (0 = all cores). Output does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Run the expensive per-agent invariants every N months (1 = every month). The
    /// stock-flow check runs every month regardless; results never depend on N.
    #[arg(long, default_value_t = 1)]
    check_every: u32,
    /// Replace an existing run folder (only one mindmill wrote: it has run.json and
    /// aggregates.parquet; any other folder is left alone and the run refused).
    #[arg(long)]
    force: bool,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Set by SIGINT or SIGTERM: runs stop after the current month, sweeps after their running runs.
static STOP: AtomicBool = AtomicBool::new(false);

/// Exit code after an interruption (128 + SIGINT, the shell convention).
const INTERRUPTED: u8 = 130;

/// The CLI, with the sweep outcomes listed from their one definition (`mindmill_sweep::OUTCOMES`).
fn cli() -> clap::Command {
    let outcomes: String =
        mindmill_sweep::OUTCOMES.iter().map(|(name, meaning)| format!("  {name:<38} {meaning}\n")).collect();
    Cli::command().mut_subcommand("sweep", |s| s.after_long_help(format!("Outcomes:\n{outcomes}")))
}

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&cli().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // First signal: stop cleanly. Second: exit at once.
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(INTERRUPTED as i32);
        }
    });
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Check { config } => check(&config),
        Command::Config { config } => show_config(config.as_deref()),
        Command::Calibrate { config } => calibrate(config.as_deref()),
        Command::Validate(args) => validate(args),
        Command::Bench { workers, years, threads, csv } => match (workers.as_slice(), threads.as_slice()) {
            ([w], [t]) => bench(*w, years, *t, csv.as_deref()),
            _ => bench_table(&workers, years, &threads, csv.as_deref()),
        },
        Command::Report { dirs, out, force } => report(&dirs, &out, force),
        Command::Compare { scenarios, seeds, workers, years, out, threads } => {
            compare(&scenarios, seeds, workers, years, &out, threads)
        }
        Command::Accounts { dir, month, out } => accounts(&dir, month.as_deref(), out),
        Command::Sweep(args) => sweep(args),
        Command::Merge { sweep, out } => merge(&sweep, out),
        Command::Analyze { dir, resamples } => analyze(&dir, resamples),
        Command::Slurm { sweep, out, tasks, cpus, time, mem, partition, account, workdir } => {
            // The directory the script is written from, unless told otherwise.
            let workdir = workdir.or_else(|| std::env::current_dir().ok()).unwrap_or_else(|| PathBuf::from("."));
            let job = mindmill_sweep::SlurmJob {
                tasks,
                cpus,
                time: &time,
                mem: &mem,
                partition: partition.as_deref(),
                account: account.as_deref(),
                workdir: &workdir,
            };
            slurm(&sweep, out, &job)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn load(path: Option<&Path>) -> Result<Config> {
    Ok(match path {
        Some(p) => Config::from_file(p)?,
        None => Config::baseline(),
    })
}

fn check(path: &Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read the file", path.display()))?;
    if text.parse::<toml::Table>().is_ok_and(|t| t.contains_key("design")) {
        // A sweep file: every resolved run config is checked too.
        let sweep = mindmill_sweep::load(path)?;
        println!(
            "{}: valid sweep ({:?} design, {} parameters, {} seeds, {} runs)",
            path.display(),
            sweep.spec.design,
            sweep.spec.parameters.len(),
            sweep.spec.seeds.len(),
            sweep.plans.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let c = Config::from_file(path)?;
    println!(
        "{}: valid ({} workers, {} firms, {} years, {} providers, {} events)",
        path.display(),
        c.run.workers,
        c.run.firms,
        c.run.years,
        c.providers.len(),
        c.events.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn calibrate(path: Option<&Path>) -> Result<ExitCode> {
    let config = load(path)?;
    let fits = mindmill_calibrate::calibrate(&config);
    print!("{}", mindmill_calibrate::table(&fits));
    println!();
    for f in &fits {
        println!("- {}: {}", f.quantity, f.source);
    }
    let ok = fits.iter().all(|f| f.passes() && f.baseline_on_fit());
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn validate(args: ValidateArgs) -> Result<ExitCode> {
    if args.seeds == 0 || args.seeds > 100 {
        bail!("--seeds {} is not allowed: use 1 to 100", args.seeds);
    }
    let opts = mindmill_validate::Options {
        seeds: args.seeds,
        first_seed: args.first_seed,
        workers: args.workers,
        years: args.years,
        scenarios: args.scenarios.clone(),
    };
    let cases = mindmill_validate::cases(&opts)?;
    for (name, c) in &cases {
        c.validate(name)?;
    }
    let bar = progress_bar((cases.len() as u64) * args.seeds, "run", false);
    let interactive = std::io::stderr().is_terminal();
    let results = mindmill_validate::run_all(&cases, &opts, |done, total| {
        bar.set_position(done as u64);
        if !interactive && done % 5 == 0 {
            eprintln!("mindmill validate: {done}/{total} runs");
        }
    })?;
    bar.finish_and_clear();
    let facts = mindmill_validate::facts(&results);
    let summary = mindmill_validate::case_summary(&results);
    let mut command = format!("mindmill validate --seeds {} --first-seed {}", args.seeds, args.first_seed);
    if let Some(w) = args.workers {
        command.push_str(&format!(" --workers {w}"));
    }
    if let Some(y) = args.years {
        command.push_str(&format!(" --years {y}"));
    }
    if args.doc != Path::new("outputs/validation/VALIDATION.md") {
        command.push_str(&format!(" --doc {}", args.doc.display()));
    }
    let parts = mindmill_validate::decompositions(&results, &opts);
    let mut md = mindmill_validate::markdown(&facts, &summary, &parts, &command, &opts);
    md.push_str(&mindmill_validate::payback_markdown(&results));
    let mut convergence = None;
    if args.convergence_seeds > 0 {
        let mut sizes = args.convergence_sizes.clone();
        sizes.sort_unstable();
        sizes.dedup();
        if sizes.len() < 2 || sizes[0] == 0 {
            bail!("--convergence-sizes needs at least two sizes above 0, got {:?}", args.convergence_sizes);
        }
        let copts = mindmill_validate::convergence::Options {
            sizes: sizes.clone(),
            seeds: args.convergence_seeds,
            first_seed: args.first_seed,
            years: args.years,
        };
        let list = sizes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(",");
        let ccommand = format!(
            "mindmill validate --convergence-sizes {list} --convergence-seeds {} --first-seed {}",
            args.convergence_seeds, args.first_seed
        );
        let bar = progress_bar(sizes.len() as u64 * args.convergence_seeds, "run", false);
        let rows = mindmill_validate::convergence::run(&mindmill_config::Config::baseline(), &copts, |done, total| {
            bar.set_position(done as u64);
            if !interactive {
                eprintln!("mindmill validate: convergence {done}/{total} runs");
            }
        })?;
        bar.finish_and_clear();
        let (by_size, minimum) = mindmill_validate::convergence::summarise(&rows);
        md.push_str(&mindmill_validate::convergence::markdown(
            &by_size,
            minimum,
            mindmill_config::MIN_CONVERGED_WORKERS,
            &ccommand,
            &copts,
        ));
        convergence = Some((rows, minimum));
    }
    let metadata = vec![
        ("mindmill.version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("mindmill.model_fingerprint".to_string(), mindmill_model::MODEL_FINGERPRINT.to_string()),
        ("mindmill.schema_version".to_string(), mindmill_model::SCHEMA_VERSION.to_string()),
        ("mindmill.command".to_string(), command.clone()),
    ];
    if let Some((rows, _)) = &convergence {
        std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
        mindmill_export::write_table(&args.out, &mindmill_validate::convergence::table(rows), &metadata)
            .with_context(|| format!("cannot write convergence.parquet in {}", args.out.display()))?;
    }
    mindmill_validate::write(&args.out, &args.doc, &md, &facts, &summary, &parts, &metadata)
        .with_context(|| format!("cannot write {} or {}", args.out.display(), args.doc.display()))?;
    for f in &facts {
        println!("{:>2} {:<4} {}", f.number, if f.pass { "pass" } else { "FAIL" }, f.fact);
    }
    if let Some((_, minimum)) = &convergence {
        match minimum {
            Some(m) => println!("convergence: smallest size within tolerance of the largest: {m} workers"),
            None => println!("convergence: no size below the largest is within tolerance"),
        }
        if *minimum != Some(mindmill_config::MIN_CONVERGED_WORKERS) {
            eprintln!(
                "mindmill validate: the study disagrees with MIN_CONVERGED_WORKERS = {}; update it",
                mindmill_config::MIN_CONVERGED_WORKERS
            );
        }
    }
    println!("wrote {} and {}", args.doc.display(), args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Results below the convergence study's minimum size differ from the 10^6-worker result
/// by more than its tolerances: fine for testing, not for conclusions.
fn warn_below_minimum(workers: u64, who: &str) {
    let min = mindmill_config::MIN_CONVERGED_WORKERS;
    if workers < min {
        eprintln!(
            "{who}: warning: {workers} worker agents is below {min}, the smallest size whose headline results \
             stay within the convergence study's tolerances (docs/VALIDATION.md); use such runs for testing, \
             not for conclusions"
        );
    }
}

fn sweep_out(sweep: &Path, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| {
        PathBuf::from("outputs/sweeps")
            .join(sweep.file_stem().map_or("sweep".into(), |s| s.to_string_lossy().into_owned()))
    })
}

fn sweep(args: SweepArgs) -> Result<ExitCode> {
    let shard = match &args.shard {
        Some(s) => Some(mindmill_sweep::parse_shard(s).map_err(anyhow::Error::msg)?),
        None => mindmill_sweep::shard_from_env(|k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?,
    };
    if args.threads > 256 {
        bail!("--threads {} is not allowed: use 0 (all cores) or a number up to 256", args.threads);
    }
    let sweep = mindmill_sweep::load(&args.sweep)?;
    if let Some(w) = sweep.bases.iter().map(|(_, c)| c.run.workers).min().filter(|_| !sweep.plans.is_empty()) {
        warn_below_minimum(w, "mindmill sweep");
    }
    let out = sweep_out(&args.sweep, args.out);
    // Runs go in parallel; each run's own systems stay on one thread.
    mindmill_model::init_threads(1);
    let total = sweep.plans.iter().filter(|p| mindmill_sweep::in_shard(p, shard)).count();
    let bar = progress_bar(total as u64, "run", false);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} runs {pos}/{len} [{bar:40}] {per_sec} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let interactive = std::io::stderr().is_terminal();
    let started = Instant::now();
    let step = (total / 20).max(1);
    let outcome = mindmill_sweep::run(&sweep, &out, shard, args.threads, &STOP, |done, total| {
        bar.set_position(done as u64);
        if !interactive && (done % step == 0 || done == total) {
            eprintln!("mindmill sweep: {done}/{total} runs ({:.0} s)", started.elapsed().as_secs_f64());
        }
    })?;
    bar.finish_and_clear();
    let shard_text = shard.map_or(String::new(), |(i, n)| format!(" (shard {i}/{n})"));
    println!(
        "{}: {} runs{shard_text}: {} run now, {} already done, in {:.1} s",
        out.display(),
        outcome.in_shard,
        outcome.executed,
        outcome.skipped,
        started.elapsed().as_secs_f64()
    );
    if outcome.interrupted {
        eprintln!(
            "mindmill: interrupted; {} runs are complete and kept ({} done before, {} now), {} left. Run the same command again to resume.",
            outcome.skipped + outcome.executed,
            outcome.skipped,
            outcome.executed,
            outcome.in_shard - outcome.skipped - outcome.executed
        );
        return Ok(ExitCode::from(INTERRUPTED));
    }
    if outcome.complete {
        println!(
            "every run is done: {} (one row per run); time series: {}/runs/run=*/timeseries.parquet",
            out.join("runs.parquet").display(),
            out.display()
        );
    } else {
        println!(
            "other shards are still to run; then: mindmill merge {} --out {}",
            args.sweep.display(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(sweep_file: &Path, out: Option<PathBuf>) -> Result<ExitCode> {
    let sweep = mindmill_sweep::load(sweep_file)?;
    let out = sweep_out(sweep_file, out);
    mindmill_sweep::merge(&sweep, &out)?;
    println!("wrote {}", out.join("runs.parquet").display());
    Ok(ExitCode::SUCCESS)
}

fn analyze(dir: &Path, resamples: usize) -> Result<ExitCode> {
    if resamples == 0 || resamples > 100_000 {
        bail!("--resamples {resamples} is not allowed: use 1 to 100,000");
    }
    let rows = mindmill_sweep::analyze_dir(dir, resamples)?;
    let mut outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    outcomes.dedup();
    for o in outcomes {
        println!("{o}");
        let mut rs: Vec<_> = rows.iter().filter(|r| r.outcome == o).collect();
        let key = |r: &&mindmill_sweep::Sensitivity| {
            if !r.total.0.is_nan() {
                r.total.0
            } else if !r.morris.0.is_nan() {
                r.morris.0
            } else {
                r.monte_carlo.0.abs()
            }
        };
        rs.sort_by(|a, b| key(b).total_cmp(&key(a)));
        // An outcome that is the same in every run has indices of exactly 0: say so rather
        // than print a table of zeros that reads as "no parameter matters".
        let zero = |x: (f64, f64, f64)| x.0 == 0.0 && x.1 == 0.0 && x.2 == 0.0;
        let constant = |r: &&mindmill_sweep::Sensitivity| {
            if !r.total.0.is_nan() {
                zero(r.first) && zero(r.total)
            } else if !r.morris.0.is_nan() {
                zero(r.morris)
            } else {
                r.monte_carlo.1[0] == r.monte_carlo.1[2]
            }
        };
        if let Some(q) = rs.first().map(|r| r.monte_carlo.1).filter(|q| !q[1].is_nan()) {
            println!("  over the draws: 5% {:.4e}  median {:.4e}  95% {:.4e}", q[0], q[1], q[2]);
        }
        if rs.iter().all(constant) {
            println!("  constant across the design: every run gave the same value, so the indices say nothing");
            continue;
        }
        for r in rs {
            if !r.monte_carlo.0.is_nan() || (r.total.0.is_nan() && r.morris.0.is_nan()) {
                println!("  {:<48} rank correlation {:>7.3}", r.parameter, r.monte_carlo.0);
            } else if r.total.0.is_nan() {
                println!(
                    "  {:<48} mu* {:>10.4}  mu {:>10.4}  sigma {:>10.4}",
                    r.parameter, r.morris.0, r.morris.1, r.morris.2
                );
            } else {
                println!(
                    "  {:<48} S1 {:>6.3} [{:>6.3}, {:>6.3}]  ST {:>6.3} [{:>6.3}, {:>6.3}]",
                    r.parameter, r.first.0, r.first.1, r.first.2, r.total.0, r.total.1, r.total.2
                );
            }
        }
    }
    println!("wrote {}", dir.join("sensitivity.parquet").display());
    Ok(ExitCode::SUCCESS)
}

fn slurm(sweep_file: &Path, out: Option<PathBuf>, job: &mindmill_sweep::SlurmJob) -> Result<ExitCode> {
    let (tasks, cpus) = (job.tasks, job.cpus);
    if tasks == 0 || tasks > 1000 {
        bail!("--tasks {tasks} is not allowed: 1 to 1000 (Slurm's default MaxArraySize is 1001)");
    }
    if cpus == 0 || cpus > 256 {
        bail!("--cpus {cpus} is not allowed: 1 to 256");
    }
    let sweep = mindmill_sweep::load(sweep_file)?;
    if tasks as usize > sweep.plans.len() {
        bail!(
            "--tasks {tasks} is more than the sweep's {} runs: array tasks without a run would idle; use at most {}",
            sweep.plans.len(),
            sweep.plans.len()
        );
    }
    let out = sweep_out(sweep_file, out);
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let binary = std::env::current_exe().map_or("mindmill".to_string(), |p| p.display().to_string());
    let script = mindmill_sweep::sbatch(sweep_file, &out, job, &binary).map_err(anyhow::Error::msg)?;
    let path = out.join("sweep.sbatch");
    let tmp = out.join(".sweep.sbatch.tmp");
    std::fs::write(&tmp, script).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {} ({} runs over {tasks} array tasks)", path.display(), sweep.plans.len());
    let q = |p: &Path| mindmill_sweep::sh_quote(&p.display().to_string());
    println!("submit:  jid=$(sbatch --parsable {})", q(&path));
    println!(
        "merge:   sbatch --dependency=afterok:$jid --chdir={} --wrap \"{} merge {} --out {}\"",
        q(job.workdir),
        mindmill_sweep::sh_quote(&binary),
        q(sweep_file),
        q(&out)
    );
    Ok(ExitCode::SUCCESS)
}

/// The sweep file `mindmill compare` writes for one scenario: a grid over no parameters, so
/// the scenario runs once per seed.
fn compare_spec(scenario: &Path, seeds: u64, workers: u64, years: Option<u32>) -> Result<String> {
    let base = std::fs::canonicalize(scenario).with_context(|| format!("cannot read {}", scenario.display()))?;
    let base = base.to_str().context("the scenario's path is not UTF-8")?;
    let seeds: Vec<String> = (1..=seeds).map(|s| s.to_string()).collect();
    let years = years.map_or(String::new(), |y| format!("years = {y}\n"));
    Ok(format!(
        "# written by mindmill compare: {} once per seed\nbase = {}\ndesign = \"grid\"\nseeds = [{}]\nworkers = {workers}\n{years}outcomes = []\nparameters = []\n",
        scenario.display(),
        toml::Value::String(base.to_string()),
        seeds.join(", ")
    ))
}

fn compare(
    scenarios: &[PathBuf],
    seeds: u64,
    workers: Option<u64>,
    years: Option<u32>,
    out: &Path,
    threads: usize,
) -> Result<ExitCode> {
    if scenarios.len() > 7 {
        bail!("{} scenarios is too many for readable charts: compare at most 7", scenarios.len());
    }
    if !(1..=1000).contains(&seeds) {
        bail!("--seeds {seeds} is not allowed: 1 to 1000 replicates");
    }
    if threads > 256 {
        bail!("--threads {threads} is not allowed: use 0 (all cores) or a number up to 256");
    }
    let workers = workers.unwrap_or(mindmill_config::MIN_CONVERGED_WORKERS);
    warn_below_minimum(workers, "mindmill compare");
    // Every scenario is checked before anything runs.
    let mut names: Vec<String> = Vec::new();
    let mut specs = Vec::new();
    for s in scenarios {
        Config::from_file(s)?;
        let name = s.file_stem().map_or("scenario".into(), |n| n.to_string_lossy().into_owned());
        if names.contains(&name) {
            bail!(
                "two scenarios are named {name}: their folders under {} would be the same; rename one",
                out.display()
            );
        }
        names.push(name);
        specs.push(compare_spec(s, seeds, workers, years)?);
    }
    let spec_dir = out.join(".specs");
    std::fs::create_dir_all(&spec_dir).with_context(|| format!("cannot create {}", spec_dir.display()))?;
    // Every scenario's runs are resolved (with --workers and --years) before any runs.
    let mut sweeps = Vec::new();
    for ((name, text), scenario) in names.iter().zip(&specs).zip(scenarios) {
        let path = spec_dir.join(format!("{name}.toml"));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        let years_text = years.map_or(String::new(), |y| format!(" and --years {y}"));
        let sweep = mindmill_sweep::load(&path)
            .with_context(|| format!("{} cannot run with --workers {workers}{years_text}", scenario.display()))?;
        sweeps.push(sweep);
    }
    mindmill_model::init_threads(1);
    let mut dirs = Vec::new();
    for (name, sweep) in names.iter().zip(&sweeps) {
        let dir = out.join(name);
        let bar = progress_bar(sweep.plans.len() as u64, "run", false);
        let outcome = mindmill_sweep::run(sweep, &dir, None, threads, &STOP, |done, _| bar.set_position(done as u64))?;
        bar.finish_and_clear();
        println!(
            "{}: {} runs ({} run now, {} already done)",
            dir.display(),
            outcome.in_shard,
            outcome.executed,
            outcome.skipped
        );
        if outcome.interrupted {
            eprintln!(
                "mindmill: interrupted; finished runs are kept in {}. Run the same command again to resume.",
                dir.display()
            );
            return Ok(ExitCode::from(INTERRUPTED));
        }
        dirs.push(dir);
    }
    report(&dirs, &out.join("report"), true)
}

fn report(dirs: &[PathBuf], out: &Path, force: bool) -> Result<ExitCode> {
    let out = out.to_path_buf();
    if dirs.len() > 7 {
        bail!("{} folders is too many for readable charts: compare at most 7", dirs.len());
    }
    // A sweep over scenarios is one series per scenario; each series keeps its folder.
    let (mut series, series_dirs): (Vec<mindmill_report::Series>, Vec<PathBuf>) = {
        let mut pairs = Vec::new();
        for d in dirs {
            pairs.extend(mindmill_report::load(d)?.into_iter().map(|s| (s, d.clone())));
        }
        pairs.into_iter().unzip()
    };
    if series.len() > 7 {
        bail!(
            "{} series (a sweep over scenarios is one per scenario) is too many for readable charts: at most 7",
            series.len()
        );
    }
    mindmill_report::distinct_labels(&mut series, &series_dirs);
    // The report is staged in a hidden folder and renamed into place as one folder, so a
    // killed report leaves no truncated chart under its final name and never mixes an old
    // report's files with a new one's; one process at a time writes a folder.
    let out: PathBuf = out.components().collect();
    let _lock = lock_output(&out)?;
    let has_files = out.read_dir().map(|mut d| d.next().is_some()).unwrap_or(false);
    if has_files && !out.join("report.html").is_file() {
        bail!(
            "{} exists and is not a mindmill report folder (it has no report.html): choose another --out",
            out.display()
        );
    }
    if has_files && !force {
        bail!("{} holds a report already: pass --force to replace it, or choose another --out", out.display());
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let leaf = out.file_name().context("--out must name a folder")?.to_string_lossy().into_owned();
    let staging = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let files = match mindmill_report::write(&series, &staging) {
        Ok(f) => f,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e.into());
        }
    };
    swap_in(&staging, &out, out.exists())?;
    println!(
        "wrote {} and {} chart files in {}",
        out.join("report.html").display(),
        files.len(),
        out.join("charts").display()
    );
    Ok(ExitCode::SUCCESS)
}

fn accounts(dir: &Path, month: Option<&str>, out: Option<PathBuf>) -> Result<ExitCode> {
    let m = mindmill_accounts::month(dir, month)?;
    print!("{}", m.render());
    let bad = m.imbalances();
    let out = out.unwrap_or_else(|| dir.join("accounts"));
    let metadata = mindmill_export::read_metadata(&dir.join("aggregates.parquet")).unwrap_or_default();
    let metadata: Vec<(String, String)> = metadata.into_iter().filter(|(k, _)| k != "mindmill.table").collect();
    let files = mindmill_accounts::write(&m, &out, &metadata)?;
    for f in &files {
        println!("wrote {}", f.display());
    }
    if bad.is_empty() {
        println!("every row and column sums to zero (exact, in cents)");
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("the accounts of {} do not balance: {}", m.label, bad.join("; "))
    }
}

/// Peak resident memory of this process, MB (Linux /proc; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Seconds of one read-modify-write pass over `words` u64 words on `threads` threads (best of 3).
fn streaming_pass(words: usize, threads: usize) -> f64 {
    let mut data = vec![1u64; words];
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let chunk = words.div_ceil(threads.max(1)).max(1);
        std::thread::scope(|s| {
            for part in data.chunks_mut(chunk) {
                s.spawn(move || {
                    for x in part.iter_mut() {
                        *x = x.wrapping_mul(3).wrapping_add(1);
                    }
                });
            }
        });
        best = best.min(start.elapsed().as_secs_f64());
    }
    std::hint::black_box(&data);
    best
}

/// Runs `mindmill bench` once per (size, threads) in a child process and prints the rows.
fn bench_table(workers: &[u64], years: u32, threads: &[usize], csv: Option<&Path>) -> Result<ExitCode> {
    let exe = std::env::current_exe().context("cannot find the mindmill executable")?;
    let rows = std::env::temp_dir().join(format!("mindmill-bench-{}.csv", std::process::id()));
    let _ = std::fs::remove_file(&rows);
    for &w in workers {
        for &t in threads {
            let status = std::process::Command::new(&exe)
                .args(["bench", "--workers", &w.to_string(), "--years", &years.to_string()])
                .args(["--threads", &t.to_string(), "--csv"])
                .arg(&rows)
                .status()
                .with_context(|| format!("cannot start {}", exe.display()))?;
            if !status.success() {
                bail!("mindmill bench --workers {w} --threads {t} failed ({status})");
            }
        }
    }
    let text = std::fs::read_to_string(&rows).with_context(|| format!("cannot read {}", rows.display()))?;
    let _ = std::fs::remove_file(&rows);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let body: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("bench CSV column");
    let (cw, ct, cr, cm, cb, cx) = (
        col("workers"),
        col("threads"),
        col("worker_months_per_second"),
        col("peak_rss_mb"),
        col("stream_bound_worker_months_per_second"),
        col("ratio_to_bound"),
    );
    println!(
        "\n| workers | threads | worker-months/s | per thread | speedup vs 1 thread | peak RSS MB | B per worker | streaming bound | ratio |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &body {
        let rate: f64 = r[cr].parse().unwrap_or(0.0);
        let t: f64 = r[ct].parse().unwrap_or(1.0);
        let one = body
            .iter()
            .find(|o| o[cw] == r[cw] && o[ct] == "1")
            .and_then(|o| o[cr].parse::<f64>().ok())
            .map_or("".to_string(), |b| format!("{:.2}x", rate / b));
        let rss: f64 = r[cm].parse().unwrap_or(0.0);
        let n: f64 = r[cw].parse().unwrap_or(1.0);
        let bound: f64 = r[cb].parse().unwrap_or(0.0);
        println!(
            "| {} | {} | {rate:.3e} | {:.3e} | {one} | {rss:.0} | {:.0} | {bound:.3e} | {} |",
            r[cw],
            r[ct],
            rate / t,
            rss * 1048576.0 / n,
            r[cx]
        );
    }
    if let Some(path) = csv {
        let new = !path.exists();
        let mut out = String::new();
        if new {
            out.push_str(&header.join(","));
            out.push('\n');
        }
        for r in &body {
            out.push_str(&r.join(","));
            out.push('\n');
        }
        append(path, &out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(workers: u64, years: u32, threads: usize, csv: Option<&Path>) -> Result<ExitCode> {
    let mut config = Config::baseline();
    config.set_workers(workers);
    config.run.years = years;
    config.validate("command line")?;
    let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    mindmill_model::init_threads(threads);
    let built = Instant::now();
    let mut sim = Simulation::new(config, 0);
    let setup_s = built.elapsed().as_secs_f64();
    sim.world_mut().insert_resource(mindmill_model::PhaseClock::default());
    let ticks = sim.ticks();
    let ran = Instant::now();
    sim.run(|_| {})?;
    let run_s = ran.elapsed().as_secs_f64();
    let clock = sim.world().resource::<mindmill_model::PhaseClock>().clone();
    use mindmill_model::components::{Job, Pay};
    let bytes = std::mem::size_of::<Job>() + std::mem::size_of::<Pay>();
    let wm = workers as f64 * ticks as f64 / run_s;
    let rss = peak_rss_mb();
    let pass = streaming_pass((workers as usize * bytes).div_ceil(8), threads);
    let bound = workers as f64 / pass;
    println!("mindmill bench: {workers} workers, {ticks} months, {threads} threads (setup {setup_s:.2} s)");
    println!("| phase | ms per month | share |\n|---|---|---|");
    let total: f64 = clock.seconds.iter().sum();
    for (name, s) in mindmill_model::PHASE_NAMES.iter().zip(clock.phase_seconds()) {
        println!("| {name} | {:.2} | {:.1}% |", 1e3 * s / ticks as f64, 100.0 * s / total.max(1e-12));
    }
    println!("\n| phase | system | ms per month | share |\n|---|---|---|---|");
    for ((phase, name), s) in mindmill_model::SYSTEM_NAMES.iter().zip(clock.seconds) {
        println!(
            "| {} | {name} | {:.2} | {:.1}% |",
            mindmill_model::PHASE_NAMES[*phase],
            1e3 * s / ticks as f64,
            100.0 * s / total.max(1e-12)
        );
    }
    println!();
    println!("worker-months per second: {wm:.3e} ({:.3e} per thread)", wm / threads as f64);
    println!(
        "bytes of component data per worker: {bytes} (per firm agent: {}); peak RSS {rss:.0} MB ({:.0} B per worker)",
        std::mem::size_of::<mindmill_model::components::Firm>(),
        rss * 1048576.0 / workers as f64
    );
    println!(
        "streaming bound (one read-modify-write pass over {bytes} B per worker): {bound:.3e} worker-months per second; achieved {:.3} of it",
        wm / bound
    );
    if let Some(path) = csv {
        let new = !path.exists();
        let mut line = String::new();
        if new {
            line.push_str("workers,threads,months,setup_seconds,run_seconds,worker_months_per_second,bytes_per_worker,peak_rss_mb,stream_bound_worker_months_per_second,ratio_to_bound\n");
        }
        line.push_str(&format!(
            "{workers},{threads},{ticks},{setup_s:.3},{run_s:.4},{wm:.1},{bytes},{rss:.1},{bound:.1},{:.4}\n",
            wm / bound
        ));
        append(path, &line)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Appends `text` to the file at `path`, creating it if needed.
fn append(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("cannot append to {}", path.display()))
}

fn show_config(path: Option<&Path>) -> Result<ExitCode> {
    match path {
        None => print!("{}", mindmill_config::BASELINE_TOML),
        Some(p) => print!("{}", Config::from_file(p)?.to_toml()),
    }
    Ok(ExitCode::SUCCESS)
}

fn run(args: RunArgs) -> Result<ExitCode> {
    let mut config = load(args.config.as_deref())?;
    if let Some(s) = args.seed {
        config.run.seed = s;
    }
    if let Some(w) = args.workers {
        config.set_workers(w);
    }
    if let Some(y) = args.years {
        config.run.years = y;
    }
    config.validate("command line")?;
    warn_below_minimum(config.run.workers, "mindmill run");
    if args.threads > 256 {
        bail!("--threads {} is not allowed: use 0 (all cores) or a number up to 256", args.threads);
    }
    let name = args
        .config
        .as_deref()
        .and_then(|p| p.file_stem())
        .map_or("baseline".to_string(), |s| s.to_string_lossy().into_owned());
    let out =
        args.out.clone().unwrap_or_else(|| PathBuf::from("outputs").join(format!("{name}-seed{}", config.run.seed)));
    // `dir/.` and `dir/` name `dir` (renaming `dir/.` itself would fail after the run).
    let out: PathBuf = out.components().collect();
    // One process at a time writes a run folder: a second run on the same --out fails now
    // instead of silently replacing the first one's result when it finishes.
    let _lock = lock_output(&out)?;
    let existed = out.exists();
    if existed && !args.force {
        bail!("{} already exists; choose another --out or pass --force to replace it", out.display());
    }
    if existed && !is_run_folder(&out) {
        bail!(
            "{} exists and is not a mindmill run folder (it has no run.json and aggregates.parquet); \
             --force replaces only run folders: choose another --out",
            out.display()
        );
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let leaf = out.file_name().context("--out must name a folder")?.to_string_lossy().into_owned();
    let staging = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    // Fail before the simulation, not after it, when the run could not be written.
    std::fs::create_dir(&staging)
        .and_then(|()| std::fs::remove_dir(&staging))
        .with_context(|| format!("cannot write the run under {}; choose another --out", parent.display()))?;

    mindmill_model::init_threads(args.threads);
    let started = Instant::now();
    if args.check_every == 0 || args.check_every > 1200 {
        bail!("--check-every {} is not allowed: 1 to 1200 months", args.check_every);
    }
    let mut sim = std::panic::catch_unwind(|| Simulation::new(config.clone(), 0)).map_err(|panic| {
        anyhow::anyhow!(
            "building the economy panicked ({}); this is a bug in mindmill, not in your input: please report it with \
             the config. Nothing was written.",
            mindmill_sweep::panic_message(panic.as_ref())
        )
    })?;
    sim.set_check_every(args.check_every);
    let setup_s = started.elapsed().as_secs_f64();
    let ticks = sim.ticks();
    let bar = progress_bar(ticks as u64, "month", args.quiet);
    let interactive = std::io::stderr().is_terminal();
    let ran = Instant::now();
    while sim.tick() < ticks {
        if STOP.load(Ordering::SeqCst) {
            bar.finish_and_clear();
            eprintln!(
                "mindmill: interrupted after month {} of {ticks}; nothing was written and {} is unchanged. Run the same command again to start over.",
                sim.tick(),
                out.display()
            );
            return Ok(ExitCode::from(INTERRUPTED));
        }
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            mindmill_sweep::injected_fault(&format!("run-month-{}", sim.tick() + 1));
            sim.step()
        })) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                bar.finish_and_clear();
                bail!("{e}\nThe run stopped; nothing was written.");
            }
            Err(panic) => {
                bar.finish_and_clear();
                bail!(
                    "the model panicked in month {} ({}); this is a bug in mindmill, not in your input: \
                     please report it with the config. The run stopped; nothing was written.",
                    sim.tick() + 1,
                    mindmill_sweep::panic_message(panic.as_ref())
                );
            }
        }
        let t = sim.tick();
        bar.set_position(t as u64);
        if !interactive && !args.quiet && t % 12 == 0 {
            eprintln!("mindmill: year {}/{} done ({:.1} s)", t / 12, ticks / 12, ran.elapsed().as_secs_f64());
        }
    }
    bar.finish_and_clear();
    let run_s = ran.elapsed().as_secs_f64();
    sim.release_agents();

    std::fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    let metadata = mindmill_export::run_provenance(&config, 0);
    let write = Instant::now();
    mindmill_export::write_tables(&staging, &sim.tables(), &metadata)?;
    let write_s = write.elapsed().as_secs_f64();
    let info = serde_json::json!({
        "mindmill_version": env!("CARGO_PKG_VERSION"),
        "model_fingerprint": mindmill_model::MODEL_FINGERPRINT,
        "seed": config.run.seed,
        "workers": config.run.workers,
        "firms": config.run.firms,
        "ticks": ticks,
        "threads": mindmill_model::threads_in_use(),
        "threads_requested": args.threads,
        "setup_seconds": setup_s,
        "run_seconds": run_s,
        "write_seconds": write_s,
        "worker_months_per_second": config.run.workers as f64 * ticks as f64 / run_s.max(1e-9),
    });
    std::fs::write(staging.join("run.json"), serde_json::to_string_pretty(&info)? + "\n")?;
    if out.exists() {
        // Another process may have written the folder while this run ran: never replace
        // what was not there (or was not a run) when the run started; keep this run staged.
        if !(existed && args.force) || !is_run_folder(&out) {
            bail!(
                "{} appeared while this run was running (another mindmill run on the same --out?); \
                 it was left alone and this run is kept in {}",
                out.display(),
                staging.display()
            );
        }
    }
    swap_in(&staging, &out, out.exists())?;
    if !args.quiet {
        summary(&sim, &out, run_s);
    }
    Ok(ExitCode::SUCCESS)
}

/// Takes the exclusive lock of output folder `out` (`.NAME.lock` beside it): a second
/// process on the same folder fails at once instead of replacing the first one's output.
fn lock_output(out: &Path) -> Result<mindmill_sweep::lock::Lock> {
    let path = mindmill_sweep::lock::beside(out);
    mindmill_sweep::lock::try_lock(&path)
        .with_context(|| format!("cannot create the lock {}", path.display()))?
        .with_context(|| {
            format!(
                "another mindmill process is writing {} (it holds {}); wait for it or choose another --out",
                out.display(),
                path.display()
            )
        })
}

/// Renames the finished `staging` folder to `out`. An existing `out` (`replace`) is moved
/// aside first and removed after, so the name never holds half of either folder.
fn swap_in(staging: &Path, out: &Path, replace: bool) -> Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let leaf = out.file_name().context("--out must name a folder")?.to_string_lossy().into_owned();
    if replace {
        let old = parent.join(format!(".{leaf}.replaced-{}", std::process::id()));
        std::fs::rename(out, &old).with_context(|| format!("cannot replace {}", out.display()))?;
        std::fs::rename(staging, out).with_context(|| format!("cannot move the new folder into {}", out.display()))?;
        std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove the replaced {}", old.display()))?;
    } else {
        std::fs::rename(staging, out).with_context(|| format!("cannot move the new folder into {}", out.display()))?;
    }
    Ok(())
}

/// A folder mindmill wrote as a run: it holds the run's marker and its main table.
fn is_run_folder(dir: &Path) -> bool {
    dir.is_dir() && dir.join("run.json").is_file() && dir.join("aggregates.parquet").is_file()
}

/// A progress bar counting `unit`s ("month", "run"), with their rate per second.
fn progress_bar(len: u64, unit: &str, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let template = format!("{{spinner}} {unit} {{pos}}/{{len}} [{{bar:40}}] {{rate}} {unit}s/s eta {{eta}}");
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .expect("valid template")
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_fmt(format_args!("{:.1}", state.per_sec()));
            })
            .progress_chars("=> "),
    );
    bar
}

fn summary(sim: &Simulation, out: &Path, run_s: f64) {
    let agg = sim.tables()[0];
    let last = agg.rows() - 1;
    let get = |c: &str| agg.f64s(c)[last];
    let first = |c: &str| agg.f64s(c)[0];
    println!("wrote {} ({} months in {:.1} s)", out.display(), agg.rows(), run_s);
    println!(
        "  unemployment        {:>6.1}% -> {:>6.1}%",
        100.0 * first("unemployment_rate"),
        100.0 * get("unemployment_rate")
    );
    println!("  labour share        {:>6.3}  -> {:>6.3}", first("labour_share"), get("labour_share"));
    for t in ["a", "b", "c", "m"] {
        let (n, r) = (format!("wage_{t}_usd_month"), format!("real_wage_{t}_usd_month_start_prices"));
        println!(
            "  tier {} wage, nominal USD/mo {:>7.0} -> {:>7.0}   real (2025 prices) {:>7.0} -> {:>7.0}",
            t.to_uppercase(),
            first(&n),
            get(&n),
            first(&r),
            get(&r)
        );
    }
    println!(
        "  AI automation A/B/C  {:.2} / {:.2} / {:.2}",
        get("automation_share_a"),
        get("automation_share_b"),
        get("automation_share_c")
    );
    println!("  providers' cumulative cash flow  {:.0} bn USD", get("provider_cumulative_cash_flow_usd") / 1e9);
    println!("  rate of surplus value s/v {:.2}, profit rate {:.3}", get("rate_of_surplus_value"), get("profit_rate"));
}
