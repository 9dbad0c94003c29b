//! End-to-end tests of the `mindmill` binary: what a user types, what lands on disk.

use std::path::Path;
use std::process::Command;

mod common;
use common::{bin, scratch};

fn small_run(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut c = bin();
    c.args(["run", "--workers", "4000", "--years", "2", "--quiet", "--out"]).arg(out).args(extra);
    c.output().unwrap()
}

/// Every table a run writes, from the model's one list of them.
const FILES: [&str; 11] = mindmill_model::TABLE_NAMES;

#[test]
fn run_writes_tidy_parquet_with_provenance() {
    let dir = scratch("provenance");
    let out = dir.join("run");
    let o = small_run(&out, &["--seed", "9"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // 4,000 workers is below the convergence study's minimum: the run says so.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning") && err.contains(&mindmill_config::MIN_CONVERGED_WORKERS.to_string()), "{err}");
    for f in FILES {
        let p = out.join(format!("{f}.parquet"));
        let df = mindmill_export::read(&p).unwrap();
        assert!(df.height() > 0, "{f} is empty");
        let md = mindmill_export::read_metadata(&p).unwrap();
        let get = |k: &str| md.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        assert_eq!(get("mindmill.seed").as_deref(), Some("9"));
        assert_eq!(get("mindmill.version").as_deref(), Some(env!("CARGO_PKG_VERSION")));
        let config = get("mindmill.config").expect("config in metadata");
        let parsed = mindmill_config::Config::from_toml_str(&config, "metadata").unwrap();
        assert_eq!(parsed.run.workers, 4000);
        assert_eq!(parsed.run.seed, 9);
    }
    let agg = mindmill_export::read(&out.join("aggregates.parquet")).unwrap();
    assert_eq!(agg.height(), 24);
    // run.json records the threads the run used, not only the request (0 = all cores).
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert!(info["threads"].as_u64().is_some_and(|t| t >= 1), "{info}");
    assert!(info["threads_requested"].is_u64(), "{info}");
    // No staging folders or temporary files are left behind (the folder's lock file stays).
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() != "run" && e.file_name() != ".run.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_is_byte_identical_across_thread_counts() {
    let dir = scratch("threads");
    let one = dir.join("one");
    let two = dir.join("two");
    assert!(small_run(&one, &["--threads", "1"]).status.success());
    assert!(small_run(&two, &["--threads", "2"]).status.success());
    for f in FILES {
        let a = std::fs::read(one.join(format!("{f}.parquet"))).unwrap();
        let b = std::fs::read(two.join(format!("{f}.parquet"))).unwrap();
        assert!(a == b, "{f}.parquet differs between 1 and 2 threads");
    }
    let other = dir.join("other");
    assert!(small_run(&other, &["--seed", "43"]).status.success());
    let a = std::fs::read(one.join("aggregates.parquet")).unwrap();
    let b = std::fs::read(other.join("aggregates.parquet")).unwrap();
    assert_ne!(a, b, "another seed must give another run");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn existing_run_is_kept_without_force() {
    let dir = scratch("force");
    let out = dir.join("run");
    assert!(small_run(&out, &[]).status.success());
    let before = std::fs::read(out.join("aggregates.parquet")).unwrap();
    let o = small_run(&out, &["--seed", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(before, std::fs::read(out.join("aggregates.parquet")).unwrap());
    assert!(small_run(&out, &["--seed", "5", "--force"]).status.success());
    assert_ne!(before, std::fs::read(out.join("aggregates.parquet")).unwrap());
    // `run/.` names the same folder, and replacing leaves no staging or replaced copy behind.
    let dotted = out.join(".");
    assert!(small_run(&dotted, &["--seed", "6", "--force"]).status.success());
    assert!(out.join("run.json").is_file());
    let mut left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    // The folder's lock file stays (a lock file must outlive its holders to stay exclusive).
    assert_eq!(left, vec![std::ffi::OsString::from(".run.lock"), std::ffi::OsString::from("run")], "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_second_process_on_the_same_out_fails_clearly_instead_of_replacing_the_first() {
    // A process writing `run` holds `.run.lock` (here: this test holds it).
    let dir = scratch("lock");
    let out = dir.join("run");
    let held = std::fs::File::create(dir.join(".run.lock")).unwrap();
    held.lock().unwrap();
    let o = small_run(&out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("another mindmill process is writing"), "{err}");
    assert!(!out.exists(), "nothing written");
    drop(held);
    assert!(small_run(&out, &[]).status.success(), "free again once the holder is gone");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn force_replaces_only_a_folder_mindmill_wrote() {
    let dir = scratch("force-foreign");
    let out = dir.join("notes");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "my work").unwrap();
    let o = small_run(&out, &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a mindmill run folder"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("thesis.tex")).unwrap(), "my work");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_config_names_file_line_and_key_and_writes_nothing() {
    let dir = scratch("badconfig");
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, "[run]\nworkers = 4000\nyaers = 2\n").unwrap();
    let out = dir.join("run");
    let o = bin().args(["run"]).arg(&cfg).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml:3"), "{err}");
    assert!(err.contains("run.yaers") && err.contains("did you mean `years`"), "{err}");
    assert!(!out.exists());

    std::fs::write(&cfg, "[government]\nincome_tax = 2.0\n").unwrap();
    let o = bin().arg("check").arg(&cfg).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("government.income_tax") && err.contains("0 to 0.9"), "{err}");

    let o = bin().args(["run", "--workers", "10"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run.workers"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shipped_configs_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("configs/baseline.toml")];
    for e in std::fs::read_dir(root.join("configs/scenarios")).unwrap() {
        files.push(e.unwrap().path());
    }
    for f in files {
        let o = bin().arg("check").arg(&f).output().unwrap();
        assert!(o.status.success(), "{}: {}", f.display(), String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn help_teaches() {
    let o = bin().args(["run", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Examples") && text.contains("--seed") && text.contains("--force"), "{text}");
}

#[test]
fn every_output_column_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/OUTPUTS.md")).unwrap();
    let dir = scratch("columns");
    let out = dir.join("run");
    assert!(small_run(&out, &[]).status.success());
    let mut missing = Vec::new();
    for f in FILES {
        let df = mindmill_export::read(&out.join(format!("{f}.parquet"))).unwrap();
        assert!(doc.contains(&format!("## {f}.parquet")), "no section for {f}");
        for name in df.get_column_names() {
            if !doc.contains(&format!("`{name}`")) {
                missing.push(format!("{f}.{name}"));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented columns in docs/OUTPUTS.md: {missing:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_scenario_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = scratch("scenarios");
    let mut names = Vec::new();
    for e in std::fs::read_dir(root.join("configs/scenarios")).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = dir.join(&name);
        let o = bin()
            .args(["run"])
            .arg(&path)
            .args(["--workers", "2000", "--years", "4", "--quiet", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(out.join("aggregates.parquet").exists());
        names.push(name);
    }
    for required in [
        "baseline",
        "algorithmic_breakthrough",
        "energy_crunch",
        "strict_regulation",
        "open_weight_parity",
        "on_device_shift",
        "basic_income_compute_tax",
        "retraining_push",
        "capex_never_recovered",
    ] {
        assert!(names.iter().any(|n| n == required), "missing scenario {required}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn calibrate_prints_fits_and_passes_on_the_baseline() {
    let o = bin().arg("calibrate").output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("technology.flops_per_watt_growth") && text.contains("labour share"), "{text}");
    assert!(!text.contains(" NO "), "{text}");
}

fn signal(pid: u32, sig: &str) {
    assert!(Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success());
}

#[test]
fn sigint_stops_a_run_cleanly_and_writes_nothing() {
    let dir = scratch("sigint");
    let out = dir.join("run");
    let child = bin()
        .args(["run", "--workers", "300000", "--years", "20", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    signal(child.id(), "-INT");
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted after month") && err.contains("nothing was written"), "{err}");
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sigterm_stops_a_sweep_keeping_finished_runs() {
    let dir = scratch("sigterm");
    let spec = dir.join("s.toml");
    std::fs::write(
        &spec,
        "design = \"lhs\"\nsamples = 40\nseeds = [1]\nworkers = 3000\nyears = 2\noutcomes = [\"labour_share_end\"]\n\
         [[parameters]]\npath = \"technology.training_efficiency_growth\"\nmin = 1.5\nmax = 4.0\n",
    )
    .unwrap();
    let out = dir.join("out");
    let child = bin()
        .arg("sweep")
        .arg(&spec)
        .args(["--threads", "1", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let done = || {
        std::fs::read_dir(out.join("runs"))
            .map_or(0, |r| r.filter_map(|e| e.ok()).filter(|e| e.path().join("done").exists()).count())
    };
    let start = std::time::Instant::now();
    while done() < 2 && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    signal(child.id(), "-TERM");
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("are complete and kept") && err.contains("resume"), "{err}");
    let kept = done();
    assert!(kept >= 2 && kept < 40, "{kept}");
    let again = bin().arg("sweep").arg(&spec).arg("--out").arg(&out).output().unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success() && text.contains(&format!("{kept} already done")), "{text}");
    assert!(out.join("runs.parquet").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_accepts_sweep_files_and_names_bad_keys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = bin().arg("check").arg(root.join("configs/sweeps/demo_lhs.toml")).output().unwrap();
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("valid sweep")
            && String::from_utf8_lossy(&o.stdout).contains("200 runs")
    );
    let dir = scratch("checksweep");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "design = \"lhs\"\nseeds = [1]\nsamples = \"many\"\noutcomes = []\n").unwrap();
    let o = bin().arg("check").arg(&bad).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("bad.toml") && err.contains("samples") && err.contains("line 3"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checked_and_fast_modes_give_identical_output() {
    let dir = scratch("checkevery");
    let (a, b) = (dir.join("a"), dir.join("b"));
    assert!(small_run(&a, &["--check-every", "1"]).status.success());
    assert!(small_run(&b, &["--check-every", "12"]).status.success());
    for f in FILES {
        let x = std::fs::read(a.join(format!("{f}.parquet"))).unwrap();
        let y = std::fs::read(b.join(format!("{f}.parquet"))).unwrap();
        assert!(x == y, "{f}.parquet differs between check intervals");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sigkill_at_a_random_point_leaves_no_complete_looking_run() {
    let dir = scratch("sigkill");
    // Kill at several points: during the simulation and around the writing of the files.
    for (i, ms) in [200u64, 900, 1600, 2300].into_iter().enumerate() {
        let out = dir.join(format!("run{i}"));
        let mut child = bin()
            .args(["run", "--workers", "150000", "--years", "8", "--quiet", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        if out.exists() {
            // The folder appears only by a rename after every file is complete.
            for f in FILES {
                let df = mindmill_export::read(&out.join(format!("{f}.parquet"))).expect("a complete, readable file");
                assert!(df.height() > 0);
            }
            assert!(out.join("run.json").exists());
        }
        // Whatever was left is hidden staging, never a truncated file under a final name.
        for e in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(name.starts_with("run") || name.starts_with('.'), "{name}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unwritable_output_folder_gives_a_clear_error() {
    let dir = scratch("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let o = small_run(&file.join("run"), &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("a-file") && err.contains("cannot create"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_renders_every_chart_with_the_expected_series() {
    let dir = scratch("report");
    let (a, b) = (dir.join("base"), dir.join("parity"));
    assert!(small_run(&a, &[]).status.success());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = bin()
        .arg("run")
        .arg(root.join("configs/scenarios/open_weight_parity.toml"))
        .args(["--workers", "4000", "--years", "2", "--quiet", "--out"])
        .arg(&b)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.join("report");
    let o = bin().arg("report").arg(&a).arg(&b).arg("--out").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script") && !html.contains("src=\"http"), "self-contained");
    let mut charts = 0;
    for e in std::fs::read_dir(out.join("charts")).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        match p.extension().and_then(|x| x.to_str()) {
            Some("png") => {
                assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", p.display());
                let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
                let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
                assert_eq!((w, h), (960, 540));
                charts += 1;
            }
            Some("svg") => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains("<svg") && text.trim_end().ends_with("</svg>"), "{}", p.display());
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                // Stacked charts are drawn once per input (issue 18), each with its own layers.
                // Per-provider charts have the providers in their legend.
                let own_legend =
                    ["provider_revenue", "provider_costs", "surplus_split"].iter().any(|s| name.starts_with(s))
                        || name.contains("by_provider");
                if !own_legend {
                    let label = |l: &str| text.contains(&format!(">{l}<")) || text.contains(&format!(">\n{l}\n<"));
                    assert!(label("base") && label("parity"), "{name}: both series in the legend");
                }
                assert!(html.contains(&format!("<figure id=\"{name}\">")), "{name} in the page");
            }
            _ => {}
        }
    }
    assert!(charts >= 20, "{charts} charts");
    for stack in [
        "provider_revenue_2",
        "provider_costs_2",
        "surplus_split_2",
        "provider_cash_flow_by_provider",
        "provider_cash_flow_by_provider_2",
        "provider_ai_revenue_by_provider_2",
    ] {
        assert!(out.join("charts").join(format!("{stack}.png")).is_file(), "{stack}: the second input's stack");
    }
    // The page opens with a summary table and what differs between the configs; every chart
    // has a table of its key numbers.
    assert!(html.contains("<h2>Summary</h2>") && html.contains("What differs between the inputs' configs"));
    assert!(html.contains("<td>events[0].kind</td>"), "the parity scenario's event in the config diff");
    assert!(html.contains("<th>payback month</th>") && html.contains("<td>Frontier Lab A</td>"), "per-provider tables");
    assert_eq!(html.matches("<figure").count(), html.matches("<th>start</th>").count(), "a key-number table per chart");
    assert!(html.contains("Who captures the surplus") && html.contains("payback month"));
    // A new report replaces the old one as a whole folder: nothing of the old one is left.
    std::fs::write(out.join("charts/stale.png"), "old").unwrap();
    // Issue 18: an existing report is kept unless --force is given.
    let o = bin().arg("report").arg(&a).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(out.join("charts/stale.png").exists());
    let o = bin().arg("report").arg(&a).arg("--out").arg(&out).arg("--force").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("charts/stale.png").exists() && out.join("report.html").is_file());
    let hidden: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial") || n.contains(".old-"))
        .collect();
    assert!(hidden.is_empty(), "no staging left: {hidden:?}");
    // A folder of other files is not a report folder: refused, untouched.
    let notes = dir.join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("thesis.tex"), "my work").unwrap();
    let o = bin().arg("report").arg(&a).arg("--out").arg(&notes).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a mindmill report folder"));
    assert_eq!(std::fs::read_to_string(notes.join("thesis.tex")).unwrap(), "my work");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bench_reports_phases_throughput_memory_and_the_streaming_bound() {
    let dir = scratch("bench");
    let csv = dir.join("bench.csv");
    let o = bin()
        .args(["bench", "--workers", "3000", "--years", "1", "--threads", "1", "--csv"])
        .arg(&csv)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    for phase in ["labour market", "goods", "accounting", "record"] {
        assert!(text.contains(&format!("| {phase} |")), "{text}");
    }
    assert!(text.contains("worker-months per second") && text.contains("streaming bound") && text.contains("peak RSS"));
    let rows = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 2, "header and one row");
    assert!(lines[1].starts_with("3000,1,12,"), "{}", lines[1]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bench_lists_make_a_table_of_sizes_and_threads() {
    let dir = scratch("bench-table");
    let csv = dir.join("table.csv");
    let o = bin()
        .args(["bench", "--workers", "2000,5000", "--years", "1", "--threads", "1,2", "--csv"])
        .arg(&csv)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    let rows = std::fs::read_to_string(&csv).unwrap();
    let keys: Vec<String> = rows.lines().skip(1).map(|l| l.split(',').take(2).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(keys, ["2000,1", "2000,2", "5000,1", "5000,2"]);
    // The summary has one row per run and a speedup for the two-thread runs.
    let table: Vec<&str> = text.lines().filter(|l| l.starts_with("| 2000 |") || l.starts_with("| 5000 |")).collect();
    assert_eq!(table.len(), 4, "{text}");
    assert!(table[1].contains('x') && table[3].contains('x'), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_model_panic_is_an_error_not_a_crash() {
    // A bug in the model, injected by the test hook in main.rs, stops the run cleanly.
    let dir = scratch("panic-run");
    let out = dir.join("run");
    let o = bin()
        .env("MINDMILL_FAULT", "run-month-3")
        .args(["run", "--workers", "2000", "--years", "1", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("panicked in month 3") && err.contains("bug in mindmill") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_config_without_tier_c_occupations_runs() {
    // Issue 19: with no SOC major group in tier C, nobody can retrain into C; workers who
    // retrain go to B instead, and the run completes.
    let dir = scratch("no-c-run");
    let cfg = dir.join("no_c.toml");
    std::fs::write(&cfg, "[population]\nc_major_groups = []\n").unwrap();
    let out = dir.join("run");
    let o = bin()
        .args(["run"])
        .arg(&cfg)
        .args(["--workers", "2000", "--years", "2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("tiers.parquet").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_given_to_the_wrong_command_says_which_command_takes_it() {
    // Issue 18: `run` on a sweep file and `sweep` on a scenario name the file's kind.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = bin().arg("run").arg(root.join("configs/sweeps/morris_ai_market.toml")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a sweep file") && err.contains("mindmill sweep"), "{err}");
    let o = bin().arg("sweep").arg(root.join("configs/scenarios/strict_regulation.toml")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a model config") && err.contains("mindmill run"), "{err}");
}

#[test]
fn report_and_analyze_say_what_a_folder_is() {
    // Issue 18: a missing folder is missing, and a run folder is not a sweep folder.
    let dir = scratch("folders");
    let o = bin().arg("report").arg(dir.join("nope")).arg("--out").arg(dir.join("r")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such folder"));
    let run = dir.join("run");
    assert!(small_run(&run, &[]).status.success());
    let o = bin().arg("analyze").arg(&run).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("this is a run folder"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
