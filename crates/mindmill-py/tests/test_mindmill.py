"""The Python package against the CLI (run by .ci/run after `pip install ./crates/mindmill-py`).

MINDMILL_BIN names the `mindmill` binary built from the same sources."""

import os
import pathlib
import subprocess

import polars as pl
import pytest

import mindmill

ROOT = pathlib.Path(__file__).resolve().parents[3]
BIN = os.environ.get("MINDMILL_BIN", "mindmill")
SMALL = dict(workers=3000, years=2, seed=5)
pytestmark = pytest.mark.filterwarnings("ignore:.*below.*:UserWarning")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("cli") / "run"
    config = ROOT / "configs/scenarios/open_weight_parity.toml"
    done = cli("run", str(config), "--workers", "3000", "--years", "2", "--seed", "5", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


def test_a_run_hands_over_the_files_the_cli_writes(cli_run, tmp_path):
    run = mindmill.run(ROOT / "configs/scenarios/open_weight_parity.toml", progress=False, **SMALL)
    files = sorted(p.stem for p in cli_run.glob("*.parquet"))
    assert sorted(run.tables) == files
    for name in files:
        # Byte for byte: the same encoder, the same provenance.
        assert run.parquet(name) == (cli_run / f"{name}.parquet").read_bytes(), name
        assert run[name].equals(pl.read_parquet(cli_run / f"{name}.parquet")), name
    written = run.write(tmp_path / "py")
    for name in files:
        assert (written / f"{name}.parquet").read_bytes() == (cli_run / f"{name}.parquet").read_bytes(), name
    assert run.provenance == {k: v for k, v in pl.read_parquet_metadata(cli_run / "tiers.parquet").items()
                              if k.startswith("mindmill.") and k != "mindmill.table"}
    assert run.provenance["mindmill.seed"] == "5"


def test_a_scenario_by_name_is_its_file():
    # Its events start in month 12: two years.
    by_name = mindmill.run("open_weight_parity", progress=False, workers=2000, years=2)
    by_file = mindmill.run(ROOT / "configs/scenarios/open_weight_parity.toml", progress=False, workers=2000, years=2)
    assert by_name.aggregates.equals(by_file.aggregates)


def test_the_presets_are_the_scenario_files():
    folder = {p.stem: p.read_text() for p in (ROOT / "configs/scenarios").glob("*.toml")}
    assert mindmill.scenarios() == folder


def test_a_dict_is_merged_over_the_baseline():
    run = mindmill.run({"technology": {"open_weight_lag_months": 3}}, progress=False, workers=2000, years=1)
    assert "open_weight_lag_months = 3" in run.config
    base = mindmill.run(progress=False, workers=2000, years=1)
    assert not run.providers.equals(base.providers)


def test_bad_configs_raise_the_cli_message(tmp_path):
    bad = ROOT / "tests/corpus/retirement_age_too_low.toml"
    done = cli("check", str(bad))
    assert done.returncode == 2
    with pytest.raises(mindmill.ConfigError) as e:
        mindmill.check(bad)
    assert str(e.value) in done.stderr
    assert "population.retirement_age" in str(e.value) and str(bad) in str(e.value)
    with pytest.raises(mindmill.ConfigError, match="unknown key `no_such_key`"):
        mindmill.run({"technology": {"no_such_key": 1}}, progress=False)
    with pytest.raises(mindmill.ConfigError, match="run.workers"):
        mindmill.run(workers=0, progress=False)
    with pytest.raises(TypeError):
        mindmill.run(42)


def test_a_sweep_from_python_equals_the_cli_sweep(tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text(
        'design = "lhs"\nsamples = 3\nseeds = [1, 2]\nworkers = 2000\nyears = 1\n'
        'outcomes = ["unemployment_rate_mean", "labour_share_end"]\n'
        '[[parameters]]\npath = "technology.training_efficiency_growth"\nmin = 1.5\nmax = 4.0\n'
    )
    done = cli("sweep", str(spec), "--out", str(tmp_path / "cli"))
    assert done.returncode == 0, done.stderr
    lazy = mindmill.sweep(spec, tmp_path / "py", progress=False)
    assert isinstance(lazy, pl.LazyFrame)
    ours, theirs = lazy.collect(), pl.read_parquet(tmp_path / "cli" / "runs.parquet")
    assert ours.height == 6 and ours.equals(theirs)
    # Resuming a finished sweep runs nothing and returns the same rows.
    assert mindmill.sweep(spec, tmp_path / "py", progress=False).collect().equals(theirs)


def test_an_interrupt_stops_a_run_and_a_sweep(tmp_path):
    # The progress callback runs where the GIL is held between chunks, as the signal check
    # does: an exception there (KeyboardInterrupt from Ctrl-C) stops the work.
    def interrupt(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mindmill._native.run("baseline", "", "<baseline>", 2000, 2, None, None, interrupt)
    spec = tmp_path / "sweep.toml"
    spec.write_text(
        'design = "lhs"\nsamples = 8\nseeds = [1]\nworkers = 2000\nyears = 1\noutcomes = ["labour_share_end"]\n'
        '[[parameters]]\npath = "technology.training_efficiency_growth"\nmin = 1.5\nmax = 4.0\n'
    )
    with pytest.raises(KeyboardInterrupt):
        mindmill._native.sweep(str(spec), str(tmp_path / "out"), 1, interrupt)
    # What finished is kept; the same call resumes and completes.
    assert mindmill.sweep(spec, tmp_path / "out", progress=False).collect().height == 8


def test_small_runs_warn_as_the_cli_does():
    with pytest.warns(UserWarning, match="below"):
        mindmill.run(workers=1000, years=1, progress=False)


def test_outcomes_by_name_match_the_sweep_definitions(tmp_path):
    run = mindmill.run(progress=False, workers=2000, years=1, set={"technology.open_weight_lag_months": 6})
    assert "open_weight_lag_months = 6" in run.config
    got = run.outcomes("labour_share_end", "unemployment_rate_end")
    tiers = run.aggregates
    assert got["unemployment_rate_end"] == tiers["unemployment_rate"][-1]
    assert abs(got["labour_share_end"] - tiers["labour_share"].tail(12).mean()) < 1e-12
    assert set(run.outcomes()) == set(mindmill.outcomes())
    with pytest.raises(mindmill.ConfigError, match="no_such"):
        mindmill.run(progress=False, workers=2000, years=1, set={"technology.no_such": 1.0})


def test_an_ema_experiment_runs_mindmill():
    ema_workbench = pytest.importorskip("ema_workbench")
    from mindmill import ema

    model = ema.model(
        uncertainties={"technology.training_efficiency_growth": (1.5, 4.0), "technology.open_weight_lag_months": (3, 24)},
        levers={"government.compute_tax": (0.0, 0.2)},
        outcomes=["labour_share_end", "labs_roi_end"],
        workers=2000,
        years=1,
    )
    assert model.mindmill_paths["technology_open_weight_lag_months"] == "technology.open_weight_lag_months"
    experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=3, policies=2)
    assert len(experiments) == 6 and set(outcomes) == {"labour_share_end", "labs_roi_end"}
    assert len(set(outcomes["labour_share_end"])) > 1, "the uncertainties move the outcome"
    # Each experiment is a mindmill run with those values set: rerun one and compare.
    row = experiments.iloc[0]
    again = mindmill.run(workers=2000, years=1, seed=1, progress=False, set={
        "technology.training_efficiency_growth": row["technology_training_efficiency_growth"],
        "technology.open_weight_lag_months": row["technology_open_weight_lag_months"],
        "government.compute_tax": row["government_compute_tax"],
    })
    assert again.outcomes("labour_share_end")["labour_share_end"] == outcomes["labour_share_end"][0]
