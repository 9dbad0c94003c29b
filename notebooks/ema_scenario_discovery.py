# %% [markdown]
# # Scenario discovery on mindmill with the EMA Workbench
#
# Which combinations of algorithmic progress, open-weight catch-up and GPU life make the
# AI-native labs' return on capital worst? An EMA experiment over mindmill runs (the
# `mindmill` package, `pip install ./crates/mindmill-py`), then PRIM (Friedman & Fisher 1999)
# on the runs with the lowest ROI. Run as a script (`python notebooks/ema_scenario_discovery.py
# --out DIR`) or open it as a notebook (percent cells, e.g. with jupytext).

# %%
import argparse
import pathlib

import numpy as np
from ema_workbench import perform_experiments
from ema_workbench.analysis import prim

from mindmill import ema

parser = argparse.ArgumentParser()
parser.add_argument("--scenarios", type=int, default=40, help="EMA scenarios (mindmill runs)")
parser.add_argument("--workers", type=int, default=5000)
parser.add_argument("--years", type=int, default=10)
parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("outputs/ema"))
args, _ = parser.parse_known_args()

# %% The model: uncertainties by config path, outcomes by name (mindmill.outcomes()).
model = ema.model(
    uncertainties={
        "technology.training_efficiency_growth": (1.5, 4.0),
        "technology.open_weight_lag_months": (3, 24),
        "datacenters.gpu_life_years": (3.0, 6.0),
    },
    outcomes=["labs_roi_end", "labour_share_end", "unemployment_rate_mean"],
    workers=args.workers,
    years=args.years,
)
experiments, outcomes = perform_experiments(model, scenarios=args.scenarios)

# %% PRIM: the box of inputs where the labs' ROI is in its lowest quartile.
roi = outcomes["labs_roi_end"]
worst = roi <= np.quantile(roi, 0.25)
x = experiments[[u.name for u in model.uncertainties]]
box = prim.Prim(x, worst, threshold=0.5).find_box()
# The box PRIM chose (`box.inspect()` would print it, but fails on integer inputs with
# pandas 2.3 in ema-workbench 2.5.3).
chosen = box.peeling_trajectory.iloc[box._cur_box]
print(f"{len(roi)} runs; labs' ROI from {roi.min():.3f} to {roi.max():.3f}")
print(f"PRIM box: coverage {chosen['coverage']:.2f}, density {chosen['density']:.2f}")
print(box.box_lims[box._cur_box].to_string())

# %% Save the experiments and outcomes for later analysis.
args.out.mkdir(parents=True, exist_ok=True)
table = experiments.assign(**{k: v for k, v in outcomes.items()})
table.to_csv(args.out / "experiments.csv", index=False)
print(f"wrote {args.out / 'experiments.csv'}")
