"""Explore mindmill output with polars: a run, and (optionally) a sweep.

Usage:
    python notebooks/explore.py --run outputs/baseline-seed42 [--sweep outputs/sweeps/demo_lhs] [--out outputs/explore]

Prints each file's provenance (the mindmill version, seed and resolved config stored in the
Parquet metadata), reads the run's tables, plots real wages by tier, the labour share and the
providers' cash flow; for a sweep, plots the median unemployment path with a 10-90% band and
each outcome against each varied parameter. The same steps are in explore.ipynb.
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt
import polars as pl
import pyarrow.parquet as pq


def provenance(path: pathlib.Path) -> dict:
    """The mindmill key-value metadata of a Parquet file, read with polars and checked with pyarrow."""
    meta = {k: v for k, v in pl.read_parquet_metadata(path).items() if k.startswith("mindmill.")}
    footer = pq.ParquetFile(path).metadata.metadata or {}
    assert footer[b"mindmill.seed"].decode() == meta["mindmill.seed"], "pyarrow reads the same provenance"
    return meta


def explore_run(run: pathlib.Path, out: pathlib.Path) -> None:
    agg = pl.read_parquet(run / "aggregates.parquet")
    tiers = pl.read_parquet(run / "tiers.parquet")
    providers = pl.read_parquet(run / "providers.parquet")
    meta = provenance(run / "aggregates.parquet")
    print(f"run {run}: mindmill {meta['mindmill.version']}, seed {meta['mindmill.seed']}, "
          f"schema {meta['mindmill.schema_version']}, {agg.height} months")
    print("resolved config, first lines:")
    print("\n".join(meta["mindmill.config"].splitlines()[:6]))
    assert tiers.height == 4 * agg.height, "tiers: one row per month and tier"

    agg = agg.with_columns((pl.col("year") + (pl.col("month") - 1) / 12).alias("t"))
    yearly = agg.group_by("year").agg(
        pl.col("unemployment_rate").mean(), pl.col("labour_share").mean(), pl.col("rate_of_surplus_value").mean()
    ).sort("year")
    print(yearly)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for tier in "abcm":
        ax.plot(agg["t"], agg[f"real_wage_{tier}_usd_month_start_prices"], label=f"tier {tier.upper()}")
    ax.set(title="Real wages by tier", xlabel="year", ylabel="USD per month, 2025 prices")
    ax.legend()
    fig.savefig(out / "real_wages.png", dpi=100)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(agg["t"], agg["labour_share"])
    ax.set(title="Labour share of GDP", xlabel="year", ylabel="share")
    fig.savefig(out / "labour_share.png", dpi=100)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    last = providers.filter(pl.col("tick") == providers["tick"].max())
    for name in providers["provider"].unique(maintain_order=True):
        p = providers.filter(pl.col("provider") == name)
        ax.plot(p["tick"] / 12 + 2025, p["cumulative_cash_flow_usd"] / 1e9, label=name)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(title="Providers' cumulative cash flow", xlabel="year", ylabel="billion USD")
    ax.legend()
    fig.savefig(out / "provider_cash_flow.png", dpi=100)
    print(last.select("provider", "roi", "payback_tick"))


def explore_sweep(sweep: pathlib.Path, out: pathlib.Path) -> None:
    runs = pl.read_parquet(sweep / "runs.parquet")
    print(f"sweep {sweep}: {runs.height} runs; runs.parquet columns: {runs.columns}")
    ts = pl.scan_parquet(sweep / "runs" / "**" / "timeseries.parquet", hive_partitioning=True)
    path = (
        ts.group_by("tick")
        .agg(
            pl.col("unemployment_rate").median().alias("median"),
            pl.col("unemployment_rate").quantile(0.1).alias("p10"),
            pl.col("unemployment_rate").quantile(0.9).alias("p90"),
        )
        .sort("tick")
        .collect()
    )
    n_runs = ts.select(pl.col("run").n_unique()).collect().item()
    assert n_runs == runs.height, "every run's time series is in the dataset"
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.fill_between(path["tick"], path["p10"], path["p90"], alpha=0.25, label="10-90% of runs")
    ax.plot(path["tick"], path["median"], label="median")
    ax.set(title="Unemployment across the sweep", xlabel="month", ylabel="share of the labour force")
    ax.legend()
    fig.savefig(out / "sweep_unemployment.png", dpi=100)

    fixed = {"run", "point", "run_id", "seed"}
    params = [c for c in runs.columns if "." in c and c not in fixed]
    outcomes = [c for c in runs.columns if c not in fixed and c not in params]
    fig, axes = plt.subplots(len(outcomes), len(params), figsize=(3.2 * len(params), 2.6 * len(outcomes)), squeeze=False)
    for i, o in enumerate(outcomes):
        for j, p in enumerate(params):
            axes[i][j].scatter(runs[p], runs[o], s=6)
            axes[i][j].set(xlabel=p.split(".")[-1], ylabel=o if j == 0 else "")
    fig.tight_layout()
    fig.savefig(out / "sweep_scatter.png", dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=pathlib.Path, required=True, help="a run folder (mindmill run --out)")
    parser.add_argument("--sweep", type=pathlib.Path, help="a finished sweep folder (mindmill sweep --out)")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("outputs/explore"), help="where to save the plots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    explore_run(args.run, args.out)
    if args.sweep:
        explore_sweep(args.sweep, args.out)
    print(f"plots in {args.out}")


if __name__ == "__main__":
    main()
