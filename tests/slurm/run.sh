#!/usr/bin/env bash
# Integration test with a real Slurm: a one-node cluster on this machine (slurmctld and
# slurmd on localhost, munge for authentication) runs a mindmill sweep as a job array,
# then a merge job; the merged dataset must equal an unsharded local sweep byte
# for byte. Needs root (it installs Debian's slurm-wlm if missing). Stops what it starts.
#
# Usage: tests/slurm/run.sh PATH/TO/mindmill
set -euo pipefail
bin="$(realpath "$1")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/mindmill-slurm.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "== installing slurm-wlm (Debian)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm >/dev/null
fi

echo "== starting munge"
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
chmod 0400 /etc/munge/munge.key
chmod 0700 /etc/munge
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- munged --force
  sleep 0.5
  if [ -s /run/munge/munged.pid ]; then pids+=("$(cat /run/munge/munged.pid)"); fi
fi

host="$(hostname)"
mkdir -p "$work/state" "$work/spool" "$work/log"
cat > "$work/slurm.conf" <<CONF
ClusterName=mindmill-test
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=4000 State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"

echo "== starting slurmctld and slurmd"
slurmctld -D -f "$SLURM_CONF" >"$work/log/ctld.out" 2>&1 &
pids+=($!)
sleep 2
slurmd -D -f "$SLURM_CONF" >"$work/log/d.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then break; fi
  sleep 1
done
sinfo

cat > "$work/sweep.toml" <<'SWEEP'
design = "lhs"
samples = 6
seeds = [1, 2]
workers = 400
years = 1
outcomes = ["unemployment_rate_mean", "labour_share_end"]

[[parameters]]
path = "technology.training_efficiency_growth"
min = 1.5
max = 4.0
SWEEP

echo "== local, unsharded reference"
"$bin" sweep "$work/sweep.toml" --out "$work/local" --threads 2 >/dev/null

echo "== the same sweep as a 3-task job array, then a merge job"
"$bin" slurm "$work/sweep.toml" --out "$work/cluster" --tasks 3 --cpus 1 --time 00:10:00 --mem 500M
# --wait returns when every array task has ended, with the worst task's exit code.
if ! sbatch --wait "$work/cluster/sweep.sbatch" >/dev/null; then
  cat "$work"/cluster/slurm-*.out || true
  echo "FAIL: an array task failed"
  exit 1
fi
sbatch --wait --output="$work/cluster/merge.out" --wrap "$bin merge $work/sweep.toml --out $work/cluster" >/dev/null
cat "$work"/cluster/slurm-*.out
test -s "$work/cluster/runs.parquet" || { echo "FAIL: no runs.parquet after the array and merge"; cat "$work/log/slurmctld.log" | tail -20; exit 1; }

echo "== comparing the datasets"
(cd "$work/local" && find . -type f -name '*.parquet' -o -name done -o -name sweep.toml | sort) > "$work/local.list"
(cd "$work/cluster" && find . -type f \( -name '*.parquet' -o -name done -o -name sweep.toml \) | sort) > "$work/cluster.list"
diff "$work/local.list" "$work/cluster.list"
while read -r f; do cmp "$work/local/$f" "$work/cluster/$f"; done < "$work/local.list"
echo "slurm: 1 passed, 0 failed"
