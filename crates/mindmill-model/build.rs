//! Fingerprints the sources that decide a run's results (this crate, the config crate with
//! the compiled-in baseline, the shipped data), so that outputs of different model code are
//! never mistaken for each other: sweeps put it in every run's id (a resumed sweep reruns
//! runs made by other code) and runs record it in their provenance.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs = [
        root.join("src"),
        root.join("../mindmill-config/src"),
        root.join("../mindmill-data/src"),
        root.join("../mindmill-data/data"),
        root.join("../../configs/baseline.toml"),
    ];
    let mut list = Vec::new();
    for p in &inputs {
        println!("cargo:rerun-if-changed={}", p.display());
        if p.is_dir() {
            files(p, &mut list);
        } else {
            list.push(p.clone());
        }
    }
    let mut names: Vec<(String, PathBuf)> =
        list.into_iter().map(|p| (p.strip_prefix(root).unwrap_or(&p).to_string_lossy().into_owned(), p)).collect();
    names.sort();
    // FNV-1a, 64 bit, over each file's relative path and bytes.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, path) in &names {
        let bytes = std::fs::read(path).unwrap_or_default();
        for b in name.as_bytes().iter().chain([0u8].iter()).chain(bytes.iter()) {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=MINDMILL_MODEL_FINGERPRINT={h:016x}");
}
