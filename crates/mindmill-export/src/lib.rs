//! Writes mindmill's recorded tables as tidy Parquet files with provenance in the
//! key-value metadata. Every file is written under a temporary name, flushed to disk
//! and renamed, so a reader never sees a truncated file under the final name.

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

/// Writes one table to `dir/<name>.parquet` atomically, with `metadata` (key, value)
/// pairs in the file footer. Returns the final path.
pub fn write_table(dir: &Path, table: &Table, metadata: &[(String, String)]) -> Result<PathBuf, ExportError> {
    let path = dir.join(format!("{}.parquet", table.name));
    let tmp = dir.join(format!(".{}.parquet.tmp", table.name));
    let io = |source| ExportError::Io { path: path.clone(), source };
    let mut df = to_frame(table).map_err(|source| ExportError::Parquet { path: path.clone(), source })?;
    let mut kv = metadata.to_vec();
    kv.push(("mindmill.table".to_string(), table.name.to_string()));
    let file = File::create(&tmp).map_err(io)?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .with_row_group_size(Some(1 << 17))
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(kv)))
        .finish(&mut df)
        .map_err(|source| ExportError::Parquet { path: path.clone(), source })?;
    File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
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
        assert!(!dir.join(".demo.parquet.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_full_disk_gives_a_clear_error_and_no_final_file() {
        // The temporary file is a link to /dev/full, where every write fails with ENOSPC.
        let dir = std::env::temp_dir().join(format!("mindmill-export-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink("/dev/full", dir.join(".demo.parquet.tmp")).unwrap();
        let mut t = Table::new("demo");
        for i in 0..100_000u32 {
            t.u32("tick", i);
            t.f64("x", i as f64 * 0.37);
        }
        let e = write_table(&dir, &t, &[]).unwrap_err().to_string();
        assert!(e.contains("demo.parquet"), "{e}");
        assert!(e.to_lowercase().contains("space"), "{e}");
        assert!(!dir.join("demo.parquet").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
