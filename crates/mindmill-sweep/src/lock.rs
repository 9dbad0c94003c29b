//! Exclusive locks on output folders (advisory `flock` locks on a lock file, released when
//! the holder exits, however it exits), so that concurrent mindmill processes on one folder
//! wait for each other or fail with a clear message instead of losing data.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    OpenOptions::new().create(true).truncate(false).write(true).open(path)
}

/// Takes the lock at `path` if no other process holds it: `Ok(None)` when one does.
pub fn try_lock(path: &Path) -> std::io::Result<Option<Lock>> {
    let file = open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Takes the lock at `path`, waiting while another process holds it.
pub fn lock(path: &Path) -> std::io::Result<Lock> {
    let file = open(path)?;
    file.lock()?;
    Ok(Lock { _file: file })
}

/// The lock file that guards output folder `dir`: `.NAME.lock` beside it (the folder itself
/// may not exist yet, or be replaced by a rename).
pub fn beside(dir: &Path) -> PathBuf {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = dir.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
    parent.join(format!(".{name}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_and_released_on_drop() {
        let dir = std::env::temp_dir().join(format!("mindmill-lock-{}", std::process::id()));
        let path = dir.join(".x.lock");
        let held = try_lock(&path).unwrap().expect("free");
        // flock locks belong to the open file: a second open in the same process conflicts too.
        assert!(try_lock(&path).unwrap().is_none());
        drop(held);
        assert!(try_lock(&path).unwrap().is_some());
        let _ = std::fs::remove_dir_all(dir);
    }
}
