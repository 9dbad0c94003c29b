"""Every Python client reads a run's provenance (docs/OUTPUTS.md): polars, pyarrow (schema,
table and dataset metadata), pandas through pyarrow, and DuckDB, for every file of a run and
of a sweep. Run by .ci/run in the notebooks' virtual environment:
python tests/python/provenance.py RUN_DIR SWEEP_DIR"""

import pathlib
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as ds
import pyarrow.parquet as pq

KEYS = ["mindmill.version", "mindmill.model_fingerprint", "mindmill.schema_version", "mindmill.seed",
        "mindmill.run_index", "mindmill.worker_weight", "mindmill.config", "mindmill.table"]


def decoded(meta) -> dict:
    assert meta is not None, "no schema metadata"
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"mindmill.")}


def check(f: pathlib.Path) -> dict:
    """The provenance of `f` as polars reads it, after checking every other client agrees."""
    want = {k: v for k, v in pl.read_parquet_metadata(f).items() if k.startswith("mindmill.")}
    assert want, f"{f}: no mindmill metadata"
    readers = {
        "pyarrow read_schema": decoded(pq.read_schema(f).metadata),
        "pyarrow read_table": decoded(pq.read_table(f).schema.metadata),
        "pyarrow dataset": decoded(ds.dataset(f).schema.metadata),
        "pyarrow footer": decoded(pq.ParquetFile(f).metadata.metadata),
    }
    kv = duckdb.sql(f"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{f}')").fetchall()
    readers["duckdb parquet_kv_metadata"] = {k: v for k, v in kv if k.startswith("mindmill.")}
    for name, got in readers.items():
        assert got == want, f"{f}: {name} reads other provenance"
    # pandas reads the same values as polars; its frame keeps no metadata of its own, so the
    # provenance comes from pyarrow beside it (docs/OUTPUTS.md).
    frame = pd.read_parquet(f)
    assert list(frame.columns) == pl.read_parquet(f).columns and len(frame) == pl.read_parquet(f).height
    return want


def main(run: pathlib.Path, sweep: pathlib.Path) -> None:
    files = sorted(run.glob("*.parquet"))
    assert len(files) >= 10, files
    for f in files:
        want = check(f)
        assert sorted(want) == sorted(KEYS), (f.name, sorted(want))
        assert want["mindmill.table"] == f.stem
    swept = sorted(sweep.rglob("*.parquet"))
    assert swept, f"no Parquet under {sweep}"
    for f in swept:
        check(f)
    print(f"provenance read alike by polars, pyarrow (schema, table, dataset, footer) and DuckDB, "
          f"pandas frames match: {len(files)} run files, {len(swept)} sweep files")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
