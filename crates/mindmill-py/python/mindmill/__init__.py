"""mindmill from Python: run the model, read its tables as polars DataFrames, run sweeps.

    import mindmill
    run = mindmill.run(workers=20_000, years=5)        # the built-in baseline
    run.aggregates.select("year", "labour_share")     # a polars DataFrame
    run.provenance["mindmill.seed"]
    run.write("outputs/quick")                        # the files `mindmill run` writes

    mindmill.run("open_weight_parity")                # a scenario preset by name
    mindmill.run({"technology": {"open_weight_lag_months": 3}})   # a dict over the baseline
    mindmill.run("configs/scenarios/energy_crunch.toml")           # a file

A config the model refuses raises `mindmill.ConfigError` with the CLI's message (file, key and
what is allowed). The tables and columns are those of docs/OUTPUTS.md.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import warnings
from typing import Any, Callable, Mapping, Optional, Union

import polars as pl

from . import _native
from ._native import ConfigError

__all__ = ["ConfigError", "Run", "check", "outcomes", "run", "scenarios", "sweep", "__version__"]
__version__: str = _native.version()
ConfigError.__module__ = "mindmill"

Config = Union[None, str, "os.PathLike[str]", Mapping[str, Any]]


def outcomes() -> dict[str, str]:
    """The scalar outcomes a run reports (`Run.outcomes`, sweep files): name and meaning."""
    return dict(_native.outcomes())


def scenarios() -> dict[str, str]:
    """The scenario presets of configs/scenarios/, by name: their TOML text."""
    return dict(_native.scenarios())


def _source(config: Config) -> tuple[str, str, str]:
    """(kind, value, label) of a config for the native loader."""
    if config is None:
        return ("baseline", "", "<baseline>")
    if isinstance(config, Mapping):
        return ("json", json.dumps(config), "<dict>")
    if isinstance(config, str) and config in scenarios() and not os.path.exists(config):
        return ("toml", scenarios()[config], f"<scenario {config}>")
    if isinstance(config, (str, os.PathLike)):
        return ("path", os.fspath(config), os.fspath(config))
    raise TypeError(f"config must be None, a scenario name, a path or a dict, not {type(config).__name__}")


def check(config: Config = None) -> str:
    """Checks a config; returns it resolved over the baseline (TOML). Raises ConfigError."""
    return _native.check(*_source(config))


class Run:
    """A finished run. Each table of docs/OUTPUTS.md is an attribute (`run.aggregates`,
    `run.tiers`, ...) or `run[name]`: a polars DataFrame, decoded on first use."""

    def __init__(self, native: Any) -> None:
        self._native = native
        self._frames: dict[str, pl.DataFrame] = {}

    @property
    def tables(self) -> list[str]:
        """Names of the tables."""
        return list(self._native.names())

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in self._frames:
            try:
                data = self._native.parquet(name)
            except ValueError as e:
                raise KeyError(str(e)) from None
            self._frames[name] = pl.read_parquet(io.BytesIO(data))
        return self._frames[name]

    def __getattr__(self, name: str) -> pl.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"Run has no table {name!r}; tables: {', '.join(self.tables)}") from None

    def outcomes(self, *names: str) -> dict[str, float]:
        """Scalar outcomes of the run by name (those of `mindmill.outcomes()`, as in sweeps)."""
        names = names or tuple(outcomes())
        return dict(zip(names, self._native.outcomes(list(names))))

    def parquet(self, name: str) -> bytes:
        """The table `name` as the bytes of its Parquet file (provenance included)."""
        return self._native.parquet(name)

    @property
    def config(self) -> str:
        """The resolved config, as TOML."""
        return self._native.config()

    @property
    def provenance(self) -> dict[str, str]:
        """The `mindmill.*` metadata of every file: version, fingerprint, seed, config, ..."""
        return dict(self._native.provenance())

    def write(self, out: Union[str, "os.PathLike[str]"]) -> pathlib.Path:
        """Writes the tables as `mindmill run --out OUT` does (without run.json)."""
        self._native.write(os.fspath(out))
        return pathlib.Path(out)

    def __repr__(self) -> str:
        p = self.provenance
        return f"<mindmill.Run seed={p['mindmill.seed']} tables={len(self.tables)}>"


def _bar(total_label: str, progress: bool) -> Optional[Callable[[int, int], None]]:
    """A progress callback: a tqdm bar (a notebook widget where one runs) when tqdm is installed."""
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, unit=total_label)
        bar = state["bar"]
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def run(
    config: Config = None,
    *,
    workers: Optional[int] = None,
    years: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Mapping[str, float]] = None,
    progress: bool = True,
) -> Run:
    """Runs the model on `config` (None: the baseline; a scenario name; a TOML path; a dict
    merged over the baseline), with the CLI's overrides; `set` gives numeric fields by path as a
    sweep's parameters do ({"providers[0].markup_max": 2.0}). The GIL is released while the
    model steps; Ctrl-C or a kernel interrupt stops it with KeyboardInterrupt."""
    minimum = _native.min_converged_workers()
    if workers is not None and workers < minimum:
        warnings.warn(f"{workers} workers is below {minimum}, the smallest size whose results converge "
                      f"(docs/VALIDATION.md); single runs vary more", stacklevel=2)
    overrides = [(str(k), float(v)) for k, v in (set or {}).items()]
    native = _native.run(*_source(config), workers, years, seed, threads, _bar("month", progress), overrides)
    return Run(native)


def sweep(
    spec: Union[str, "os.PathLike[str]"],
    out: Union[str, "os.PathLike[str]"],
    *,
    threads: int = 0,
    progress: bool = True,
) -> pl.LazyFrame:
    """Runs or resumes the sweep file `spec` into the folder `out` (what `mindmill sweep SPEC
    --out OUT` does) and returns a LazyFrame over its runs.parquet: one row per run with its
    parameters and outcomes (docs/SWEEPS.md)."""
    _, _, complete = _native.sweep(os.fspath(spec), os.fspath(out), threads, _bar("run", progress))
    runs = pathlib.Path(out) / "runs.parquet"
    if not complete or not runs.exists():
        raise RuntimeError(f"the sweep in {out} is not complete")
    return pl.scan_parquet(runs)
