"""Time and peak memory of mindmill.run against `mindmill run`, each in a fresh process.

    python crates/mindmill-py/bench/against_cli.py PATH/TO/mindmill [WORKERS]

Prints wall-clock seconds and peak resident memory (MiB) of: the CLI run writing its Parquet;
mindmill.run alone; mindmill.run then decoding every table into polars."""

import resource
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
WORKERS = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
CHILD = """
import resource, sys, time
import mindmill
t = time.perf_counter()
run = mindmill.run(workers={w}, progress=False)
ran = time.perf_counter() - t
if {decode}:
    frames = [run[name] for name in run.tables]
print(ran, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def cli() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        subprocess.run([BIN, "run", "--workers", str(WORKERS), "--out", f"{d}/run", "--quiet"], check=True)
        wall = time.perf_counter() - t
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def python(decode: bool) -> list[float]:
    out = subprocess.run([sys.executable, "-c", CHILD.format(w=WORKERS, decode=decode)], check=True,
                         capture_output=True, text=True).stdout.split()
    return [float(x) for x in out]


wall, rss = cli()
print(f"CLI `mindmill run --workers {WORKERS}` (simulate and write Parquet): {wall:.2f} s, peak RSS {rss:.0f} MiB")
ran, total, rss = python(False)
print(f"mindmill.run(workers={WORKERS}): {ran:.2f} s, peak RSS {rss:.0f} MiB")
ran, total, rss = python(True)
print(f"mindmill.run then every table as polars: {total:.2f} s, peak RSS {rss:.0f} MiB")
