//! End-to-end tests of sweeps: sharding, merging, resuming after a kill, analysis, errors.

use std::path::Path;

mod common;
use common::{bin, scratch};

const SPEC: &str = r#"
design = "lhs"
samples = 8
seeds = [1, 2]
workers = 400
years = 1
outcomes = ["unemployment_rate_mean", "labour_share_end", "provider_payback_month"]

[[parameters]]
path = "technology.training_efficiency_growth"
min = 1.5
max = 4.0

[[parameters]]
path = "technology.open_weight_lag_months"
min = 0
max = 24
"#;

/// Every file under `dir`, relative path -> bytes, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `mindmill sweep SPEC --out OUT EXTRA` with only `env` among the shard variables.
fn sweep_command(spec: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut c = bin();
    c.arg("sweep").arg(spec).arg("--out").arg(out).args(extra);
    for k in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX", "MINDMILL_SHARD_COUNT"] {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn sweep(spec: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    sweep_command(spec, out, extra, env).output().unwrap()
}

/// A successful command's stdout and stderr.
fn succeeded(o: std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn shards_merged_equal_the_unsharded_sweep_byte_for_byte() {
    let dir = scratch("shards");
    let spec = dir.join("s.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let whole = dir.join("whole");
    let o = sweep(&spec, &whole, &["--threads", "2"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(whole.join("runs.parquet").exists());

    // Three shards: one by flag, one as a Slurm array task, one as a Kubernetes indexed job.
    let sharded = dir.join("sharded");
    let a = sweep(&spec, &sharded, &["--shard", "0/3", "--threads", "1"], &[]);
    assert!(a.status.success());
    assert!(String::from_utf8_lossy(&a.stdout).contains("other shards are still to run"));
    assert!(!sharded.join("runs.parquet").exists());
    let b = sweep(&spec, &sharded, &[], &[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "3")]);
    assert!(String::from_utf8_lossy(&b.stdout).contains("shard 1/3"), "{}", String::from_utf8_lossy(&b.stdout));
    let c = sweep(&spec, &sharded, &[], &[("JOB_COMPLETION_INDEX", "2"), ("MINDMILL_SHARD_COUNT", "3")]);
    assert!(c.status.success());
    // The last shard completes the sweep and merges; an explicit merge gives the same file.
    assert!(sharded.join("runs.parquet").exists());
    let m = bin().arg("merge").arg(&spec).arg("--out").arg(&sharded).output().unwrap();
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    let (fw, fs) = (files(&whole), files(&sharded));
    assert_eq!(fw.len(), fs.len());
    for ((pw, bw), (ps, bs)) in fw.iter().zip(&fs) {
        assert_eq!(pw, ps);
        assert!(bw == bs, "{pw} differs between the sharded and the whole sweep");
    }
    let runs = mindmill_export::read(&whole.join("runs.parquet")).unwrap();
    assert_eq!(runs.height(), 16);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_killed_sweep_resumes_without_redoing_or_losing_runs() {
    let dir = scratch("kill");
    let spec = dir.join("s.toml");
    std::fs::write(&spec, SPEC.replace("samples = 8", "samples = 24").replace("workers = 400", "workers = 3000"))
        .unwrap();
    let reference = dir.join("reference");
    assert!(sweep(&spec, &reference, &["--threads", "2"], &[]).status.success());

    let out = dir.join("killed");
    let mut child = bin()
        .arg("sweep")
        .arg(&spec)
        .args(["--threads", "1", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let done = |d: &Path| -> usize {
        std::fs::read_dir(d.join("runs"))
            .map_or(0, |r| r.filter_map(|e| e.ok()).filter(|e| e.path().join("done").exists()).count())
    };
    let start = std::time::Instant::now();
    while done(&out) < 3 && start.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let finished = done(&out);
    assert!(finished >= 3 && finished < 48, "killed after {finished} runs");
    assert!(!out.join("runs.parquet").exists());

    let again = sweep(&spec, &out, &["--threads", "2"], &[]);
    let text = String::from_utf8_lossy(&again.stdout).into_owned();
    assert!(again.status.success(), "{text}");
    assert!(text.contains(&format!("{} already done", finished)) || text.contains("already done"), "{text}");
    let (fr, fk) = (files(&reference), files(&out));
    assert_eq!(fr.len(), fk.len(), "no partial or duplicate files remain");
    for ((pr, br), (pk, bk)) in fr.iter().zip(&fk) {
        assert_eq!(pr, pk);
        assert!(br == bk, "{pr} differs after the resume");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sobol_analysis_of_a_model_sweep_writes_a_table() {
    let dir = scratch("sobol");
    let spec = dir.join("s.toml");
    let text = SPEC
        .replace("design = \"lhs\"", "design = \"saltelli\"")
        .replace("samples = 8", "samples = 6")
        .replace("seeds = [1, 2]", "seeds = [1]");
    std::fs::write(&spec, text).unwrap();
    let out = dir.join("out");
    assert!(sweep(&spec, &out, &[], &[]).status.success());
    let a = bin().arg("analyze").arg(&out).args(["--resamples", "50"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&a.stdout);
    assert!(a.status.success(), "{stdout}{}", String::from_utf8_lossy(&a.stderr));
    assert!(stdout.contains("technology.training_efficiency_growth") && stdout.contains("ST"), "{stdout}");
    // No provider pays back within a year: an outcome that never varies is named as such
    // instead of printing indices of 0 (issue 18).
    assert!(stdout.contains("provider_payback_month\n  constant across the design"), "{stdout}");
    let t = mindmill_export::read(&out.join("sensitivity.parquet")).unwrap();
    assert_eq!(t.height(), 3 * 2, "outcomes x parameters");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn slurm_script_and_bad_sweep_files() {
    let dir = scratch("slurm");
    let spec = dir.join("s.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let out = dir.join("out");
    let o = bin().arg("slurm").arg(&spec).arg("--out").arg(&out).args(["--tasks", "4"]).output().unwrap();
    assert!(o.status.success());
    let script = std::fs::read_to_string(out.join("sweep.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --array=0-3") && script.contains(" sweep "), "{script}");
    // More array tasks than runs (16 here) would idle: refused (issue 18).
    let o = bin().arg("slurm").arg(&spec).arg("--out").arg(&out).args(["--tasks", "17"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("more than the sweep's 16 runs"));

    for (text, expect) in [
        (SPEC.replace("samples = 8", "samples = 8\ncolour = 1"), "unknown field `colour`"),
        (SPEC.replace("\"labour_share_end\"", "\"happiness\""), "unknown outcome `happiness`"),
        (SPEC.replace("technology.open_weight_lag_months", "technology.nope"), "no key `nope`"),
        // A typo gets the nearest key, and the error cites the parameter's line (issue 18).
        (
            SPEC.replace("technology.open_weight_lag_months", "technology.open_weight_lag_month"),
            "s.toml:15: parameter `technology.open_weight_lag_month`: no key `open_weight_lag_month` in the config \
             (did you mean `open_weight_lag_months`?)",
        ),
        (
            SPEC.replace("min = 0\nmax = 24", "min = 0\nmax = 2400"),
            "s.toml:15: parameter `technology.open_weight_lag_months`: the design generated",
        ),
        (SPEC.replace("min = 0\nmax = 24", "min = 24\nmax = 0"), "min` < `max"),
        (SPEC.replace("seeds = [1, 2]", "seeds = []"), "at least one seed"),
        (SPEC.replace("design = \"lhs\"", "design = \"grid\""), "needs a non-empty list"),
    ] {
        std::fs::write(&spec, text).unwrap();
        let o = bin().arg("sweep").arg(&spec).arg("--out").arg(dir.join("bad")).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("s.toml") && err.contains(expect), "expected `{expect}` in: {err}");
    }
    assert!(!dir.join("bad").exists(), "a bad sweep writes nothing");
    // A sweep into a run's folder would mix the two: refused, and the run is left as it was.
    std::fs::write(&spec, SPEC).unwrap();
    let run = dir.join("run");
    let o = bin().args(["run", "--workers", "400", "--years", "1", "--out"]).arg(&run).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = files(&run);
    let o = sweep(&spec, &run, &[], &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("the folder of a single run"), "{err}");
    assert_eq!(files(&run), before, "the run folder was changed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_panicking_run_stops_the_sweep_with_its_name_and_values() {
    // A bug in the model (injected by the test hook, mindmill_sweep::injected_fault) must stop
    // the sweep with an error naming the run and its parameter values, not die unnamed.
    let dir = scratch("panic");
    let spec = dir.join("s.toml");
    std::fs::write(
        &spec,
        "design = \"lhs\"\nsamples = 2\nseeds = [1]\nworkers = 2000\nyears = 1\n\
         outcomes = [\"labour_share_end\"]\n[[parameters]]\npath = \"technology.training_efficiency_growth\"\nmin = 1.5\nmax = 4.0\n",
    )
    .unwrap();
    let o = sweep(&spec, &dir.join("out"), &["--threads", "1"], &[("MINDMILL_FAULT", "sweep-run-0")]);
    assert!(!o.status.success());
    assert_ne!(o.status.code(), Some(101), "a panic reached the user");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("run 0") && err.contains("panicked") && err.contains("technology.training_efficiency_growth ="),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_made_by_other_model_code_is_redone_not_reused() {
    // The done marker holds the run id, which includes the model fingerprint: a marker written
    // by another build of the model (simulated by changing the id) does not count as done.
    let dir = scratch("fingerprint");
    let spec = dir.join("s.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let out = dir.join("out");
    succeeded(sweep(&spec, &out, &[], &[]));
    let marker = out.join("runs/run=000000/done");
    let id = std::fs::read_to_string(&marker).unwrap();
    let resumed = succeeded(sweep(&spec, &out, &[], &[]));
    assert!(resumed.contains("0 run now, 16 already done"), "{resumed}");
    let (first, rest) = id.split_once('\n').unwrap();
    std::fs::write(&marker, format!("{first}0\n{rest}")).unwrap();
    let again = succeeded(sweep(&spec, &out, &[], &[]));
    assert!(again.contains("1 run now, 15 already done"), "{again}");
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), id);
}

#[test]
fn two_sweeps_on_one_folder_share_the_runs_and_equal_one_sweep() {
    // Each run is run by whichever process holds its lock; the other waits for it at the end,
    // so both finish with the complete dataset, byte-identical to a single sweep's.
    let dir = scratch("concurrent");
    let spec = dir.join("s.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let (one, shared) = (dir.join("one"), dir.join("shared"));
    assert!(sweep(&spec, &one, &["--threads", "1"], &[]).status.success());
    let start = || {
        let mut c = sweep_command(&spec, &shared, &["--threads", "1"], &[]);
        c.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
    };
    let (a, b) = (start(), start());
    for child in [a, b] {
        assert!(succeeded(child.wait_with_output().unwrap()).contains("every run is done"));
    }
    assert_eq!(files(&one), files(&shared));
}

#[test]
fn resume_and_merge_check_each_run_against_its_marker() {
    // The marker lists each file's size and hash: a deleted or truncated file makes the run
    // redone on resume; flipped bytes are caught by merge, which removes the marker so the
    // next sweep redoes the run; a merge with another sweep file is refused.
    let dir = scratch("integrity");
    let spec = dir.join("s.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let out = dir.join("out");
    succeeded(sweep(&spec, &out, &[], &[]));
    let clean = files(&out);
    std::fs::remove_file(out.join("runs/run=000003/timeseries.parquet")).unwrap();
    let ts = out.join("runs/run=000005/timeseries.parquet");
    let bytes = std::fs::read(&ts).unwrap();
    std::fs::write(&ts, &bytes[..bytes.len() / 2]).unwrap();
    assert!(succeeded(sweep(&spec, &out, &[], &[])).contains("2 run now, 14 already done"));
    assert_eq!(files(&out), clean, "redone runs are byte-identical");
    // A report draws a sweep only when every run is there.
    std::fs::remove_file(out.join("runs/run=000002/timeseries.parquet")).unwrap();
    let o = bin().arg("report").arg(&out).arg("--out").arg(dir.join("report")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("15 runs are done of 16"), "{err}");
    assert!(succeeded(sweep(&spec, &out, &[], &[])).contains("1 run now, 15 already done"));
    assert_eq!(files(&out), clean);
    // Flip a byte in the middle of a summary (same size: only the hash can tell).
    let summary = out.join("runs/run=000007/summary.parquet");
    let mut bytes = std::fs::read(&summary).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&summary, &bytes).unwrap();
    let o = bin().arg("merge").arg(&spec).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("run=000007") && err.contains("damaged"), "{err}");
    assert!(succeeded(sweep(&spec, &out, &[], &[])).contains("1 run now, 15 already done"));
    assert_eq!(files(&out), clean);
    // Another sweep file is refused by merge.
    let other = dir.join("other.toml");
    std::fs::write(&other, SPEC.replace("samples = 8", "samples = 9")).unwrap();
    let o = bin().arg("merge").arg(&other).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another sweep"));
}

#[test]
fn compare_runs_scenarios_with_replicates_and_reports_their_bands() {
    // Issue 18: one command for scenarios with replicates, without a sweep file.
    let dir = scratch("compare");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scenarios =
        [root.join("configs/scenarios/baseline.toml"), root.join("configs/scenarios/open_weight_parity.toml")];
    let out = dir.join("cmp");
    let compare = || {
        let mut c = bin();
        c.arg("compare")
            .args(&scenarios)
            .args(["--seeds", "2", "--workers", "400", "--years", "2", "--threads", "1", "--out"])
            .arg(&out);
        c.output().unwrap()
    };
    let text = succeeded(compare());
    assert!(text.contains("baseline: 2 runs (2 run now, 0 already done)"), "{text}");
    for name in ["baseline", "open_weight_parity"] {
        assert!(out.join(name).join("runs.parquet").is_file(), "{name}: a complete sweep folder");
    }
    let html = std::fs::read_to_string(out.join("report/report.html")).unwrap();
    assert!(
        html.contains("<b>baseline</b>") && html.contains("<b>open_weight_parity</b>") && html.contains("2 runs"),
        "both scenarios, 2 replicates each"
    );
    // The same command again resumes and redraws; nothing is rerun.
    let text = succeeded(compare());
    assert!(text.contains("baseline: 2 runs (0 run now, 2 already done)"), "{text}");
    // A scenario that cannot run with the options is refused before anything runs: the
    // parity scenario's event in month 12 lies beyond a one-year horizon.
    let o =
        bin().arg("compare").args(&scenarios).args(["--years", "1", "--out"]).arg(dir.join("short")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("open_weight_parity.toml cannot run with --workers 5000 and --years 1")
            && err.contains("events[0].month"),
        "{err}"
    );
    assert!(!dir.join("short").join("baseline").exists(), "no scenario ran");
    // A bad scenario is refused before anything runs.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[run]\nyaers = 3\n").unwrap();
    let o = bin().arg("compare").arg(&bad).arg("--out").arg(dir.join("other")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("did you mean `years`"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!dir.join("other").exists(), "nothing written for a bad scenario");
    std::fs::remove_dir_all(&dir).unwrap();
}
