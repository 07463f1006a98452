//! The ledger key file's lock, `<LEDGER_KEY_FILE>.lock`: every server signing with the key file
//! holds it shared while it runs, and `key rotate` takes it exclusively. So a rotation refuses
//! to run under a server that would go on signing with the old key alone (API.md: rotate while
//! the server is stopped), and a server does not start in the middle of a rotation.
//!
//! The lock is the operating system's (`flock`), so it sees the servers of this machine that
//! use this very file; a server elsewhere with a copy of the key is not seen.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};

/// Held while it lives; the lock goes with the file handle.
#[derive(Debug)]
pub struct KeyFileLock {
    _file: File,
}

/// `<key file>.lock`, beside the key file.
pub fn lock_path(key_file: &Path) -> PathBuf {
    let mut path = key_file.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

/// The shared lock of a running server; `None`, with a warning, where the lock file cannot be
/// created (a read-only key directory, where no rotation can write a key either).
pub fn hold_for_serving(key_file: &Path) -> anyhow::Result<Option<KeyFileLock>> {
    let path = lock_path(key_file);
    let file = match open(&path) {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "cannot hold the key file's lock: `key rotate` will not see that this server is running");
            return Ok(None);
        }
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(KeyFileLock { _file: file })),
        Err(TryLockError::WouldBlock) => bail!(
            "{}: a key rotation is under way (it holds {}); start the server once it is done",
            key_file.display(),
            path.display()
        ),
        Err(TryLockError::Error(error)) => {
            Err(anyhow!(error)).with_context(|| format!("locking {}", path.display()))
        }
    }
}

/// The exclusive lock of a rotation, refused while any server holds the shared one.
pub fn hold_for_rotation(key_file: &Path) -> anyhow::Result<KeyFileLock> {
    let path = lock_path(key_file);
    let file = open(&path).with_context(|| format!("creating {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(KeyFileLock { _file: file }),
        Err(TryLockError::WouldBlock) => bail!(
            "a server is running with {} (it holds {}): stop it, rotate, then start it again",
            key_file.display(),
            path.display()
        ),
        Err(TryLockError::Error(error)) => {
            Err(anyhow!(error)).with_context(|| format!("locking {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_share_the_lock_and_a_rotation_waits_for_them_all() {
        let directory = tempfile::tempdir().unwrap();
        let key_file = directory.path().join("ledger.key");
        let first = hold_for_serving(&key_file).unwrap().expect("held");
        let second = hold_for_serving(&key_file).unwrap().expect("held");
        let refused = hold_for_rotation(&key_file).unwrap_err().to_string();
        assert!(refused.contains("a server is running"), "{refused}");
        drop(first);
        assert!(hold_for_rotation(&key_file).is_err(), "one server is left");
        drop(second);
        let rotating = hold_for_rotation(&key_file).unwrap();
        let waiting = hold_for_serving(&key_file).unwrap_err().to_string();
        assert!(waiting.contains("a key rotation is under way"), "{waiting}");
        drop(rotating);
        assert!(hold_for_serving(&key_file).unwrap().is_some());
    }
}
