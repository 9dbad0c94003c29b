//! Writes mindmill's recorded tables as tidy Parquet files with provenance in the
//! key-value metadata, both in the Parquet footer (polars, DuckDB) and in the embedded Arrow
//! schema (pyarrow, pandas, R arrow). Every file is written under a temporary name, flushed
//! to disk and renamed, so a reader never sees a truncated file under the final name.

use mindmill_model::{Table, Values};
use polars::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

/// An export failure, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file could not be created, written or renamed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Polars refused the table.
    #[error("cannot encode {path} as Parquet: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: PolarsError,
    },
}

/// Converts a table to a polars DataFrame.
pub fn to_frame(table: &Table) -> PolarsResult<DataFrame> {
    let height = table.rows();
    let columns: Vec<Column> = table
        .columns
        .iter()
        .map(|(name, v)| {
            let n: PlSmallStr = (*name).into();
            match v {
                Values::F64(x) => Column::new(n, x),
                Values::I64(x) => Column::new(n, x),
                Values::U32(x) => Column::new(n, x),
                Values::U16(x) => Column::new(n, x),
                Values::U8(x) => Column::new(n, x),
                Values::Bool(x) => Column::new(n, x),
                Values::Str(x) => Column::new(n, x),
                Values::Cat { levels, codes } => {
                    Column::new(n, codes.iter().map(|&c| levels[c as usize].as_str()).collect::<Vec<&str>>())
                }
            }
        })
        .collect();
    DataFrame::new(height, columns)
}

/// A writer that keeps the first I/O error it passes on, so that a Parquet encoder's
/// generic failure ("Invalid thrift: transport error" on a full disk) can be reported as
/// what it was ("No space left on device").
struct KeepError<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for KeepError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.error.get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.error.get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

/// The `ARROW:schema` footer entry of `df` with `kv` as the schema's metadata. Arrow readers
/// (pyarrow, and pandas and R through it) take a Parquet file's schema from this entry and
/// ignore the other footer entries, so the provenance must be inside it too. The encoding is
/// polars' own (an IPC schema message with the legacy length prefix, in base64); supplying
/// the entry keeps polars from writing its metadata-free one.
fn arrow_schema_entry(df: &DataFrame, kv: &[(String, String)]) -> (String, String) {
    use base64::Engine;
    use polars_arrow::io::ipc::write::{default_ipc_fields, schema_to_bytes};
    let schema = df.schema().to_arrow(CompatLevel::newest());
    let metadata: polars_arrow::datatypes::Metadata =
        kv.iter().map(|(k, v)| (PlSmallStr::from(k.as_str()), PlSmallStr::from(v.as_str()))).collect();
    let bytes = schema_to_bytes(&schema, &default_ipc_fields(schema.iter_values()), Some(&metadata));
    let mut prefixed = Vec::with_capacity(bytes.len() + 8);
    prefixed.extend_from_slice(&[255, 255, 255, 255]);
    prefixed.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    prefixed.extend_from_slice(&bytes);
    ("ARROW:schema".to_string(), base64::engine::general_purpose::STANDARD.encode(prefixed))
}

/// Rows per row group of a run's tables.
const ROW_GROUP: usize = 1 << 17;

/// The provenance every file of a run carries (docs/OUTPUTS.md): version, model fingerprint,
/// schema version, seed, run index, worker weight and the resolved config.
pub fn run_provenance(config: &mindmill_config::Config, run_index: u64) -> Vec<(String, String)> {
    vec![
        ("mindmill.version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("mindmill.model_fingerprint".to_string(), mindmill_model::MODEL_FINGERPRINT.to_string()),
        ("mindmill.schema_version".to_string(), mindmill_model::SCHEMA_VERSION.to_string()),
        ("mindmill.seed".to_string(), config.run.seed.to_string()),
        ("mindmill.run_index".to_string(), run_index.to_string()),
        ("mindmill.worker_weight".to_string(), config.worker_weight().to_string()),
        ("mindmill.config".to_string(), config.to_toml()),
    ]
}

/// Encodes `df` as Parquet into `out` with `kv` (and the Arrow schema carrying it) in the
/// footer: zstd, full statistics, row groups of `row_group` rows (Polars' default if None).
fn encode(
    out: impl std::io::Write,
    df: &mut DataFrame,
    kv: Vec<(String, String)>,
    row_group: Option<usize>,
) -> PolarsResult<u64> {
    let mut kv = kv;
    kv.insert(0, arrow_schema_entry(df, &kv));
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .with_row_group_size(row_group)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(kv)))
        .finish(df)
}

/// One table as the bytes of a Parquet file, with `metadata` and its `mindmill.table` name
/// (what `write_table` would write, for readers that take a buffer).
pub fn table_parquet_bytes(table: &Table, metadata: &[(String, String)]) -> PolarsResult<Vec<u8>> {
    let mut df = to_frame(table)?;
    let mut kv = metadata.to_vec();
    kv.push(("mindmill.table".to_string(), table.name.to_string()));
    let mut out = Vec::new();
    encode(&mut out, &mut df, kv, Some(ROW_GROUP))?;
    Ok(out)
}

/// Writes `df` to `path` atomically (a temporary file, flushed, synced and renamed) with
/// `kv` in the footer and row groups of `row_group` rows (Polars' default if None). A full
/// disk reads "No space left on device", and no partial file is left.
pub fn write_frame(
    path: &Path,
    df: &mut DataFrame,
    kv: Vec<(String, String)>,
    row_group: Option<usize>,
) -> Result<(), ExportError> {
    let name = path.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let io = |source| ExportError::Io { path: path.to_path_buf(), source };
    let mut file = KeepError { inner: std::io::BufWriter::new(File::create(&tmp).map_err(io)?), error: None };
    let written = encode(&mut file, df, kv, row_group);
    let flushed = std::io::Write::flush(&mut file);
    // The file's own error (a full disk) says more than the encoder's; the partial file goes.
    if let Some(e) = file.error.take() {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    if let Err(source) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(ExportError::Parquet { path: path.to_path_buf(), source });
    }
    flushed.map_err(io)?;
    drop(file);
    File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}

/// Writes one table to `dir/<name>.parquet` atomically, with `metadata` (key, value)
/// pairs in the file footer. Returns the final path.
pub fn write_table(dir: &Path, table: &Table, metadata: &[(String, String)]) -> Result<PathBuf, ExportError> {
    let path = dir.join(format!("{}.parquet", table.name));
    let mut df = to_frame(table).map_err(|source| ExportError::Parquet { path: path.clone(), source })?;
    let mut kv = metadata.to_vec();
    kv.push(("mindmill.table".to_string(), table.name.to_string()));
    write_frame(&path, &mut df, kv, Some(ROW_GROUP))?;
    Ok(path)
}

/// Writes every table of a run into `dir` (which must exist).
pub fn write_tables(dir: &Path, tables: &[&Table], metadata: &[(String, String)]) -> Result<Vec<PathBuf>, ExportError> {
    tables.iter().map(|t| write_table(dir, t, metadata)).collect()
}

/// Reads a Parquet file back (used by tests and the CLI's summary).
pub fn read(path: &Path) -> PolarsResult<DataFrame> {
    ParquetReader::new(File::open(path)?).finish()
}

/// Reads the key-value metadata of a Parquet file.
pub fn read_metadata(path: &Path) -> PolarsResult<Vec<(String, String)>> {
    let mut reader = ParquetReader::new(File::open(path)?);
    let md = reader.get_metadata()?;
    Ok(md
        .key_value_metadata()
        .as_ref()
        .map(|kv| kv.iter().map(|k| (k.key.clone(), k.value.clone().unwrap_or_default())).collect())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_metadata() {
        let dir = std::env::temp_dir().join(format!("mindmill-export-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut t = Table::new("demo");
        for i in 0..10u32 {
            t.u32("tick", i);
            t.f64("wage_usd_month", i as f64 * 1.5);
            t.str("tier", "A");
            t.bool("flag", i % 2 == 0);
            t.u8("month", 1);
        }
        let path = write_table(&dir, &t, &[("mindmill.seed".into(), "7".into())]).unwrap();
        let df = read(&path).unwrap();
        assert_eq!(df.height(), 10);
        assert_eq!(df.width(), 5);
        let md = read_metadata(&path).unwrap();
        assert!(md.contains(&("mindmill.seed".into(), "7".into())));
        assert!(md.contains(&("mindmill.table".into(), "demo".into())));
        // One Arrow schema entry (ours, not polars' own), carrying the provenance for Arrow
        // readers: its IPC message holds the metadata's keys and values as flatbuffer strings.
        let schemas: Vec<&String> = md.iter().filter(|(k, _)| k == "ARROW:schema").map(|(_, v)| v).collect();
        assert_eq!(schemas.len(), 1);
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(schemas[0]).unwrap();
        assert_eq!(&bytes[..4], &[255, 255, 255, 255]);
        assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize, bytes.len() - 8);
        let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
        assert!(has("mindmill.seed") && has("mindmill.table") && has("demo"));
        assert!(!dir.join(".demo.parquet.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_full_disk_gives_a_clear_error_and_no_final_file() {
        // The temporary file is a link to /dev/full, where every write fails with ENOSPC.
        let dir = std::env::temp_dir().join(format!("mindmill-export-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let tmp = dir.join(format!(".demo.parquet.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink("/dev/full", &tmp).unwrap();
        let mut t = Table::new("demo");
        for i in 0..100_000u32 {
            t.u32("tick", i);
            t.f64("x", i as f64 * 0.37);
        }
        let e = write_table(&dir, &t, &[]).unwrap_err().to_string();
        assert!(e.contains("demo.parquet"), "{e}");
        assert!(e.to_lowercase().contains("space"), "{e}");
        assert!(!dir.join("demo.parquet").exists());
        assert!(std::fs::symlink_metadata(&tmp).is_err(), "the partial file is removed");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
