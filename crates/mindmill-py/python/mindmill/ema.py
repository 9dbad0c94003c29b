"""mindmill as a model of the EMA Workbench (Kwakkel 2017; `pip install ema-workbench`).

    from ema_workbench import perform_experiments
    from mindmill import ema

    model = ema.model(
        uncertainties={"technology.training_efficiency_growth": (1.5, 4.0),
                       "technology.open_weight_lag_months": (3, 24)},
        levers={"government.compute_tax": (0.0, 0.2)},
        outcomes=["labour_share_end", "labs_roi_end"],
        workers=5_000,
    )
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

Uncertainties and levers are numeric config fields by path, as a sweep's parameters
(docs/SWEEPS.md): whole-number fields take the value rounded. EMA names them with the path's
dots and brackets turned into underscores (`technology_training_efficiency_growth`);
`model.mindmill_paths` maps each name back. Outcomes are those of `mindmill.outcomes()`.
Then EMA's scenario discovery (PRIM), feature scoring and SALib-based sensitivity apply as to
any EMA model.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional, Sequence

import mindmill


def _name(path: str) -> str:
    return re.sub(r"\W+", "_", path).strip("_")


def model(
    uncertainties: Mapping[str, tuple],
    outcomes: Sequence[str] = ("labour_share_end", "unemployment_rate_mean", "labs_roi_end"),
    *,
    levers: Optional[Mapping[str, tuple]] = None,
    config: mindmill.Config = None,
    workers: Optional[int] = None,
    years: Optional[int] = None,
    seed: int = 1,
    name: str = "mindmill",
) -> Any:
    """An `ema_workbench.Model` whose function runs mindmill on `config` (as `mindmill.run`
    takes it) with the uncertainties and levers set by path and returns the outcomes. A range
    of two ints is an IntegerParameter, of floats a RealParameter."""
    from ema_workbench import IntegerParameter, Model, RealParameter, ScalarOutcome

    known = mindmill.outcomes()
    bad = [o for o in outcomes if o not in known]
    if bad:
        raise ValueError(f"unknown outcomes {bad}; outcomes: {', '.join(known)}")
    levers = dict(levers or {})
    paths = {_name(p): p for p in [*uncertainties, *levers]}
    if len(paths) != len(uncertainties) + len(levers):
        raise ValueError("two parameters map to the same EMA name")
    mindmill.check(config)

    def function(**values: float) -> dict[str, float]:
        run = mindmill.run(config, workers=workers, years=years, seed=seed, progress=False,
                           set={paths[k]: float(v) for k, v in values.items()})
        return run.outcomes(*outcomes)

    def parameter(path: str, bounds: tuple) -> Any:
        lo, hi = bounds
        if isinstance(lo, int) and isinstance(hi, int):
            return IntegerParameter(_name(path), lo, hi)
        return RealParameter(_name(path), float(lo), float(hi))

    m = Model(name, function=function)
    m.uncertainties = [parameter(p, b) for p, b in uncertainties.items()]
    m.levers = [parameter(p, b) for p, b in levers.items()]
    m.outcomes = [ScalarOutcome(o) for o in outcomes]
    m.mindmill_paths = paths
    return m
