#!/usr/bin/env bash
# Runs every command in the README's ```sh blocks, in order, in a fresh clone of this
# repository, with `mindmill` on PATH (issue 18: the README stays true). Each must exit 0.
# A few are changed, each for a stated reason (printed with the command):
#   - `cargo run --release --` becomes `mindmill`: the same binary, already built by CI;
#   - `cargo test --release --workspace` is skipped: it is CI's own main step;
#   - the 140.9 M-worker run is scaled to 2 M workers and 1 year (it needs 14 GiB and an
#     hour; docs/PERFORMANCE.md has its measurement);
#   - `mindmill validate --seeds 5` runs at 5,000 workers with a two-size convergence study
#     (the full one takes 10 minutes; docs/VALIDATION.md is its output);
#   - `pip install ./crates/mindmill-py` installs into the given Python's environment;
#   - `sbatch` runs only where a Slurm cluster answers `sinfo`; elsewhere the script it would
#     submit is checked to exist (tests/slurm/run.sh submits such a script to a real cluster).
# The Python block is run too when a Python with polars is given as the second argument.
# Usage: tests/readme/run.sh PATH/TO/mindmill [PATH/TO/python]
set -euo pipefail
bin="$(realpath "$1")"
python="${2:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/mindmill-readme.XXXXXX)"
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/clone"
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/mindmill"
export PATH="$work/bin:$PATH"
cd "$work/clone"

# The commands: lines of ```sh blocks, without comments and blank lines.
awk '/^```sh/{f=1;next} /^```/{f=0} f' README.md | sed -e 's/[[:space:]]\+#.*$//' -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' > "$work/commands"
ran=0 changed=0 skipped=0
while IFS= read -r cmd; do
  why=""
  case "$cmd" in
    "cargo test --release --workspace"*) echo "-- skipped: $cmd (CI's own main step)"; skipped=$((skipped + 1)); continue ;;
    "cargo run --release -- "*) cmd="mindmill ${cmd#cargo run --release -- }"; why="the binary cargo run builds" ;;
    "mindmill run --workers 140900000"*) cmd="mindmill run --workers 2000000 --years 1 --out outputs/national"; why="scaled from 140.9 M workers and 10 years" ;;
    "pip install ./crates/mindmill-py"*)
      [ -n "$python" ] || { echo "-- skipped: $cmd (no Python given)"; skipped=$((skipped + 1)); continue; }
      cmd="$python -m pip install --quiet --disable-pip-version-check ./crates/mindmill-py"
      why="into the given Python's environment" ;;
    "mindmill validate --seeds 5"*) cmd="$cmd --workers 5000 --convergence-sizes 5000,10000 --convergence-seeds 2"; why="at 5,000 workers, two convergence sizes" ;;
    *"&& sbatch "*)
      # A cluster answers sinfo; an installed client with no controller does not.
      if ! { command -v sbatch >/dev/null && sinfo >/dev/null 2>&1; }; then
        script="${cmd##*&& sbatch }"
        cmd="${cmd%% && sbatch *} && test -s $script"
        why="no Slurm cluster here: the script is checked instead of submitted"
      fi ;;
  esac
  if [ -n "$why" ]; then
    echo "-- $cmd   [changed: $why]"
    changed=$((changed + 1))
  else
    echo "-- $cmd"
  fi
  if ! bash -c "$cmd" > "$work/out" 2>&1; then
    tail -20 "$work/out"
    echo "readme: FAILED: $cmd"
    exit 1
  fi
  ran=$((ran + 1))
done < "$work/commands"

if [ -n "$python" ]; then
  awk '/^```python/{f=1;next} /^```/{f=0} f' README.md > "$work/readme.py"
  echo "-- the Python block"
  if ! "$python" "$work/readme.py" > "$work/out" 2>&1; then
    tail -20 "$work/out"
    echo "readme: FAILED: the Python block"
    exit 1
  fi
  ran=$((ran + 1))
fi
echo "readme: $ran commands ran ($changed of them changed, as listed), $skipped skipped"
